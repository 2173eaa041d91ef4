//! The token store as `authdash doctor` sees it: where its files are,
//! which key protects them (never the key itself), and whether the
//! sessions open with it. Faces ask here rather than open the store.

use std::path::{Path, PathBuf};

use secrecy::ExposeSecret;

use super::SessionError;
use crate::store::{FileStore, KeySource, Probe};

/// The key in use, described.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreKey {
    /// `store_secret` from the config, this many characters long.
    Secret { chars: usize },
    /// A key file (which may not exist yet).
    KeyFile(PathBuf),
    /// The OS keyring, by name, and whether it can be used now.
    Keyring {
        name: String,
        usable: Result<(), String>,
    },
}

/// What the sessions file holds, read with the key in use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreContents {
    /// No sessions file yet.
    Missing,
    /// It opens; this many accounts.
    Readable(usize),
    /// It does not open with the key in use: why.
    Unreadable(String),
}

/// The store the binary opened, for inspection only: nothing is created,
/// changed or moved aside.
#[derive(Debug)]
pub struct StoreInspector(FileStore);

impl StoreInspector {
    pub fn new(store: FileStore) -> Self {
        Self(store)
    }

    pub(crate) fn dir(&self) -> &Path {
        self.0.dir()
    }

    pub(crate) fn sessions_file(&self) -> PathBuf {
        self.0.path()
    }

    pub(crate) fn lock_file(&self) -> PathBuf {
        self.0.lock_path()
    }

    pub(crate) fn key(&self) -> StoreKey {
        match self.0.key_source() {
            KeySource::Secret(secret) => StoreKey::Secret {
                chars: secret.expose_secret().chars().count(),
            },
            KeySource::KeyFile(path) => StoreKey::KeyFile(path.clone()),
            KeySource::Keyring(keyring) => StoreKey::Keyring {
                name: keyring.name().to_owned(),
                usable: keyring.get().map(|_| ()).map_err(|e| e.to_string()),
            },
        }
    }

    pub(crate) fn contents(&self) -> Result<StoreContents, SessionError> {
        Ok(match self.0.probe()? {
            Probe::Missing => StoreContents::Missing,
            Probe::Readable(n) => StoreContents::Readable(n),
            Probe::Unreadable(why) => StoreContents::Unreadable(why),
        })
    }
}
