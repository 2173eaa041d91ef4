//! The store key in the OS keyring: macOS Keychain, Windows Credential
//! Manager, a Secret Service on Linux (never the kernel keyring, which is
//! emptied at reboot). Only the 32-byte key goes there. Keyrings hang or
//! are absent often enough that every call runs on a thread of its own and
//! is abandoned after a few seconds.

use std::sync::mpsc;
use std::time::Duration;

/// How long one keyring call may take.
const KEYRING_TIMEOUT: Duration = Duration::from_secs(3);

/// A place to keep the key; tests give their own so that they never touch
/// a real keyring.
pub trait KeyringBackend: Send + Sync + std::fmt::Debug {
    /// The key, `None` when none is stored yet; `Err` when the keyring
    /// cannot be reached.
    fn get(&self) -> Result<Option<Vec<u8>>, String>;
    fn set(&self, key: &[u8]) -> Result<(), String>;
    /// "Secret Service", "macOS Keychain", …
    fn name(&self) -> String;
}

/// The platform's keyring, entry `authdash` / `store-key`.
#[derive(Debug, Clone)]
pub struct OsKeyring {
    service: String,
    user: String,
}

impl Default for OsKeyring {
    fn default() -> Self {
        Self {
            service: "authdash".into(),
            user: "store-key".into(),
        }
    }
}

impl OsKeyring {
    fn call<T: Send + 'static>(
        &self,
        f: impl FnOnce(keyring::Entry) -> keyring::Result<T> + Send + 'static,
    ) -> Result<T, String> {
        let (service, user) = (self.service.clone(), self.user.clone());
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let result = keyring::Entry::new(&service, &user).and_then(f);
            let _ = tx.send(result);
        });
        match rx.recv_timeout(KEYRING_TIMEOUT) {
            Ok(result) => result.map_err(|e| e.to_string()),
            Err(_) => Err(format!(
                "the keyring did not answer within {} s",
                KEYRING_TIMEOUT.as_secs()
            )),
        }
    }
}

impl KeyringBackend for OsKeyring {
    fn get(&self) -> Result<Option<Vec<u8>>, String> {
        match self.call(|entry| match entry.get_secret() {
            Ok(bytes) => Ok(Some(bytes)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e),
        }) {
            Ok(found) => Ok(found),
            Err(e) => Err(e),
        }
    }

    fn set(&self, key: &[u8]) -> Result<(), String> {
        let key = key.to_vec();
        self.call(move |entry| entry.set_secret(&key))
    }

    fn name(&self) -> String {
        match std::env::consts::OS {
            "macos" => "macOS Keychain".into(),
            "windows" => "Windows Credential Manager".into(),
            _ => "Secret Service".into(),
        }
    }
}
