//! Where the store's 32-byte key comes from, and saying which.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hkdf::Hkdf;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::StoreError;
use super::crypto::KdfParams;
pub(crate) use super::crypto::Key;
use super::fsutil::{ensure_private_dir, open_private, temp_beside};
use super::os_keyring::KeyringBackend;

/// The key of the encrypted store.
#[derive(Debug, Clone)]
pub enum KeySource {
    /// `store_secret` (or Streamlit's `cookie_secret`) from the config,
    /// stretched with Argon2id and the store's own random salt.
    Secret(SecretString),
    /// Random bytes in a file of their own, readable only by the user,
    /// created on first use.
    KeyFile(PathBuf),
    /// Random bytes in the OS keyring, created on first use.
    Keyring(Arc<dyn KeyringBackend>),
}

/// How format 2 stretched a `store_secret`: read, never written again.
const HKDF_SALT: &[u8] = b"authdash/store";
const HKDF_INFO: &[u8] = b"xchacha20poly1305 key v2";

pub(crate) const ARGON2ID: &str = "argon2id";
const SALT_LEN: usize = 16;
/// What a stored envelope may ask of Argon2: a file may be altered, and
/// must not make authdash allocate gigabytes or spin for minutes.
const M_COST_KIB: std::ops::RangeInclusive<u32> = 8 * 1024..=256 * 1024;
const T_COST: std::ops::RangeInclusive<u32> = 1..=16;
const P_COST: std::ops::RangeInclusive<u32> = 1..=8;
const SALT_BYTES: std::ops::RangeInclusive<usize> = 16..=64;

impl KeySource {
    /// Which key is in use, for `status` and the session panel.
    pub(crate) fn describe(&self) -> String {
        match self {
            KeySource::Secret(_) => "store_secret from the config".into(),
            KeySource::KeyFile(p) => format!("key file {} (0600)", p.display()),
            KeySource::Keyring(k) => format!("a key in the OS keyring ({})", k.name()),
        }
    }

    /// Short name written beside the ciphertext, so a failure can say
    /// which key was expected.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            KeySource::Secret(_) => "store_secret",
            KeySource::KeyFile(_) => "key_file",
            KeySource::Keyring(_) => "keyring",
        }
    }

    /// The random key of a key file or the keyring, if it exists; never
    /// creates one (a missing key beside an existing store is reported,
    /// not replaced). `None` for a secret, whose key needs the store's salt.
    pub(crate) fn existing_key(&self) -> Result<Option<Key>, StoreError> {
        match self {
            KeySource::Secret(_) => Ok(None),
            KeySource::KeyFile(path) => read_key_file(path),
            KeySource::Keyring(keyring) => keyring_key(keyring.as_ref(), false),
        }
    }

    /// The random key, made on first use (for a new store only).
    pub(crate) fn key_or_create(&self) -> Result<Option<Key>, StoreError> {
        match self {
            KeySource::Secret(_) => Ok(None),
            KeySource::KeyFile(path) => key_file(path).map(Some),
            KeySource::Keyring(keyring) => keyring_key(keyring.as_ref(), true),
        }
    }

    /// Whether a key of this source exists already: then a plaintext
    /// store beside it is a downgrade, not a first run. Says which key.
    pub(crate) fn existing_key_name(&self, dir: &Path) -> Option<String> {
        let key_file = dir.join(KEY_FILE_NAME);
        let file_exists = |p: &Path| std::fs::symlink_metadata(p).is_ok();
        match self {
            KeySource::KeyFile(path) if file_exists(path) => Some(path.display().to_string()),
            KeySource::Keyring(k) => match k.get() {
                Ok(None) => None,
                // Cannot ask: assume it is there, the safe side.
                Ok(Some(_)) | Err(_) => Some(format!("a key in the OS keyring ({})", k.name())),
            },
            _ if file_exists(&key_file) => Some(key_file.display().to_string()),
            _ => None,
        }
    }
}

/// Fresh Argon2id parameters with a new random salt, for a new store.
pub(crate) fn new_kdf_params() -> KdfParams {
    let mut salt = [0u8; SALT_LEN];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    KdfParams {
        name: ARGON2ID.into(),
        salt: STANDARD.encode(salt),
        m_cost: argon2::Params::DEFAULT_M_COST,
        t_cost: argon2::Params::DEFAULT_T_COST,
        p_cost: argon2::Params::DEFAULT_P_COST,
    }
}

/// The key Argon2id makes of `secret` with the store's parameters;
/// parameters out of bounds are an `Err` saying which.
pub(crate) fn derive_argon2(secret: &SecretString, params: &KdfParams) -> Result<Key, String> {
    if params.name != ARGON2ID {
        return Err(format!("unknown key derivation `{}`", params.name));
    }
    if !M_COST_KIB.contains(&params.m_cost)
        || !T_COST.contains(&params.t_cost)
        || !P_COST.contains(&params.p_cost)
    {
        return Err(format!(
            "Argon2id parameters out of bounds (m={} KiB, t={}, p={})",
            params.m_cost, params.t_cost, params.p_cost
        ));
    }
    let salt = Zeroizing::new(
        STANDARD
            .decode(&params.salt)
            .map_err(|_| "the salt is not base64".to_owned())?,
    );
    if !SALT_BYTES.contains(&salt.len()) {
        return Err(format!("a salt of {} bytes", salt.len()));
    }
    let argon_params = argon2::Params::new(params.m_cost, params.t_cost, params.p_cost, Some(32))
        .map_err(|e| format!("Argon2id parameters: {e}"))?;
    let argon = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon_params,
    );
    let mut key = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(secret.expose_secret().as_bytes(), &salt, key.as_mut())
        .map_err(|e| format!("Argon2id: {e}"))?;
    Ok(key)
}

/// Format 2's derivation (HKDF, a fixed salt): only to read old stores.
pub(crate) fn derive_legacy(secret: &SecretString) -> Result<Key, String> {
    let hk = Hkdf::<Sha256>::new(Some(HKDF_SALT), secret.expose_secret().as_bytes());
    let mut key = Zeroizing::new([0u8; 32]);
    hk.expand(HKDF_INFO, key.as_mut())
        .map_err(|_| "HKDF cannot make a 32-byte key".to_owned())?;
    Ok(key)
}

/// The key file's name in the data folder.
pub const KEY_FILE_NAME: &str = "store.key";

fn keyring_key(keyring: &dyn KeyringBackend, create: bool) -> Result<Option<Key>, StoreError> {
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
            Ok(Some(Zeroizing::new(array)))
        }
        None if create => {
            let mut key = Zeroizing::new([0u8; 32]);
            rand::rngs::OsRng.fill_bytes(key.as_mut());
            keyring.set(key.as_ref()).map_err(unreachable)?;
            Ok(Some(key))
        }
        None => Ok(None),
    }
}

/// The key file's 32 bytes, through the checks of every store file (no
/// link, owner only, ours). `None` when it does not exist.
fn read_key_file(path: &Path) -> Result<Option<Key>, StoreError> {
    let Some(file) = open_private(path)? else {
        return Ok(None);
    };
    let mut bytes = Zeroizing::new(Vec::with_capacity(33));
    file.take(33)
        .read_to_end(&mut bytes)
        .map_err(|source| StoreError::Io {
            action: "read",
            path: path.to_owned(),
            source,
        })?;
    let array: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
        StoreError::Key(format!(
            "{} should hold 32 bytes, not {}{}; move it away to make a new one (stored sessions \
             are then lost)",
            path.display(),
            bytes.len().min(32),
            if bytes.len() > 32 { " or more" } else { "" }
        ))
    })?;
    Ok(Some(Zeroizing::new(array)))
}

/// Read the key file, or make it: the whole key is written to a temp file
/// of our own, then linked into place only if nothing is there yet, so no
/// reader ever sees a partial key and two first runs agree on one key.
fn key_file(path: &Path) -> Result<Key, StoreError> {
    if let Some(key) = read_key_file(path)? {
        return Ok(key);
    }
    if let Some(dir) = path.parent() {
        ensure_private_dir(dir)?;
    }
    let io = |action: &'static str| {
        move |source| StoreError::Io {
            action,
            path: path.to_owned(),
            source,
        }
    };
    let mut key = Zeroizing::new([0u8; 32]);
    rand::rngs::OsRng.fill_bytes(key.as_mut());
    let mut tmp = temp_beside(path)?;
    tmp.write_all(key.as_ref()).map_err(io("write"))?;
    tmp.as_file().sync_all().map_err(io("flush"))?;
    match tmp.persist_noclobber(path) {
        Ok(_) => Ok(key),
        // Another authdash made it first: use theirs.
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => read_key_file(path)?
            .ok_or_else(|| StoreError::Key(format!("{} vanished while read", path.display()))),
        Err(e) => Err(io("create")(e.error)),
    }
}
