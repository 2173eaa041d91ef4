//! Where the store's 32-byte key comes from, and saying which.

use std::fs;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use hkdf::Hkdf;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::StoreError;
use super::fsutil::{FILE_MODE, check_private, ensure_private_dir};
use super::os_keyring::KeyringBackend;

pub type Key = Zeroizing<[u8; 32]>;

/// The key of the encrypted store.
#[derive(Debug, Clone)]
pub enum KeySource {
    /// `store_secret` (or Streamlit's `cookie_secret`) from the config,
    /// stretched with HKDF-SHA256.
    Secret(SecretString),
    /// Random bytes in a file of their own, readable only by the user,
    /// created on first use.
    KeyFile(PathBuf),
    /// Random bytes in the OS keyring, created on first use.
    Keyring(Arc<dyn KeyringBackend>),
}

const HKDF_SALT: &[u8] = b"authdash/store";
const HKDF_INFO: &[u8] = b"xchacha20poly1305 key v2";

impl KeySource {
    /// Which key is in use, for `status` and the session panel.
    pub fn describe(&self) -> String {
        match self {
            KeySource::Secret(_) => "store_secret from the config".into(),
            KeySource::KeyFile(p) => format!("key file {} (0600)", p.display()),
            KeySource::Keyring(k) => format!("a key in the OS keyring ({})", k.name()),
        }
    }

    /// Short name written beside the ciphertext, so a failure can say
    /// which key was expected.
    pub fn kind(&self) -> &'static str {
        match self {
            KeySource::Secret(_) => "store_secret",
            KeySource::KeyFile(_) => "key_file",
            KeySource::Keyring(_) => "keyring",
        }
    }

    pub fn key(&self) -> Result<Key, StoreError> {
        match self {
            KeySource::Secret(secret) => {
                let hk = Hkdf::<Sha256>::new(Some(HKDF_SALT), secret.expose_secret().as_bytes());
                let mut key = Zeroizing::new([0u8; 32]);
                hk.expand(HKDF_INFO, key.as_mut())
                    .map_err(|_| StoreError::Key("HKDF cannot make a 32-byte key".into()))?;
                Ok(key)
            }
            KeySource::KeyFile(path) => key_file(path),
            KeySource::Keyring(keyring) => keyring_key(keyring.as_ref()),
        }
    }
}

/// Which key protects the store in `dir`: the config's secret when set;
/// else whatever the existing store was written with (a keyring appearing
/// or vanishing later must never orphan it); else, for a new store, the OS
/// keyring when one answers, or a key file.
pub fn choose_key_source(
    store_secret: Option<&SecretString>,
    dir: &std::path::Path,
    keyring: Arc<dyn KeyringBackend>,
) -> KeySource {
    let key_file = KeySource::KeyFile(dir.join(KEY_FILE_NAME));
    if let Some(secret) = store_secret {
        return KeySource::Secret(secret.clone());
    }
    match super::file::recorded_key_source(dir).as_deref() {
        Some("keyring") => return KeySource::Keyring(keyring),
        Some(_) => return key_file,
        None => {}
    }
    if dir.join(KEY_FILE_NAME).exists() {
        return key_file;
    }
    match keyring.get() {
        Ok(_) => KeySource::Keyring(keyring),
        Err(e) => {
            tracing::info!("no OS keyring ({e}); the store key goes in a key file");
            key_file
        }
    }
}

/// The key file's name in the data folder.
pub const KEY_FILE_NAME: &str = "store.key";

fn keyring_key(keyring: &dyn KeyringBackend) -> Result<Key, StoreError> {
    let unreachable = |e: String| {
        StoreError::Key(format!(
            "the store's key is in the OS keyring ({}), which cannot be used now: {e}. \
             Unlock the keyring, or set store_secret in the config for a key of your own",
            keyring.name()
        ))
    };
    match keyring.get().map_err(unreachable)? {
        Some(bytes) => {
            let bytes = Zeroizing::new(bytes);
            let array: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
                StoreError::Key(format!(
                    "the key in the OS keyring ({}) is not 32 bytes",
                    keyring.name()
                ))
            })?;
            Ok(Zeroizing::new(array))
        }
        None => {
            let mut key = Zeroizing::new([0u8; 32]);
            rand::rngs::OsRng.fill_bytes(key.as_mut());
            keyring.set(key.as_ref()).map_err(unreachable)?;
            Ok(key)
        }
    }
}

fn key_file(path: &PathBuf) -> Result<Key, StoreError> {
    let io = |action: &'static str| {
        move |source| StoreError::Io {
            action,
            path: path.clone(),
            source,
        }
    };
    match fs::read(path) {
        Ok(bytes) => {
            check_private(path, FILE_MODE)?;
            let bytes = Zeroizing::new(bytes);
            let array: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
                StoreError::Key(format!(
                    "{} should hold 32 bytes, not {}; move it away to make a new one (stored sessions are then lost)",
                    path.display(),
                    bytes.len()
                ))
            })?;
            Ok(Zeroizing::new(array))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(dir) = path.parent() {
                ensure_private_dir(dir)?;
            }
            let mut key = Zeroizing::new([0u8; 32]);
            rand::rngs::OsRng.fill_bytes(key.as_mut());
            let mut options = fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, FILE_MODE);
            match options.open(path) {
                Ok(mut f) => {
                    f.write_all(key.as_ref()).map_err(io("write"))?;
                    f.sync_all().map_err(io("flush"))?;
                    Ok(key)
                }
                // Another authdash made it first: use theirs.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => key_file(path),
                Err(e) => Err(io("create")(e)),
            }
        }
        Err(e) => Err(io("read")(e)),
    }
}
