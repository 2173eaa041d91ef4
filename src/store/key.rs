//! Where the store's 32-byte key comes from, and saying which.

use std::fs;
use std::io::Write;
use std::path::PathBuf;

use hkdf::Hkdf;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::StoreError;
use super::fsutil::{FILE_MODE, check_private, ensure_private_dir};

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
}

const HKDF_SALT: &[u8] = b"authdash/store";
const HKDF_INFO: &[u8] = b"xchacha20poly1305 key v2";

impl KeySource {
    /// Which key is in use, for `status` and the session panel.
    pub fn describe(&self) -> String {
        match self {
            KeySource::Secret(_) => "store_secret from the config".into(),
            KeySource::KeyFile(p) => format!("key file {} (0600)", p.display()),
        }
    }

    /// Short name written beside the ciphertext, so a failure can say
    /// which key was expected.
    pub fn kind(&self) -> &'static str {
        match self {
            KeySource::Secret(_) => "store_secret",
            KeySource::KeyFile(_) => "key_file",
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
