use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::Utc;
use serde::Deserialize;

use super::crypto::{self, Envelope};
use super::fsutil::{ensure_private_dir, read_private, replace_atomically};
use super::key::KeySource;
use super::lock::{self, StoreLock};
use super::{Accounts, StoreError, TokenStore};
use crate::auth::Session;

/// The layout of the file: 1 was plain JSON keyed by provider (read and
/// migrated), 2 is the encrypted envelope around [`Accounts`].
pub const FORMAT_VERSION: u32 = 2;
const FILE_NAME: &str = "sessions.json";
const LOCK_NAME: &str = "sessions.lock";
/// How long to wait for another authdash to finish with the store.
const LOCK_WAIT: Duration = Duration::from_secs(10);

/// The encrypted session store in the data folder: folder 0700, files
/// 0600, replaced atomically under an exclusive lock.
#[derive(Debug, Clone)]
pub struct FileStore {
    dir: PathBuf,
    key: KeySource,
}

/// Read the format before the rest, so a newer file is reported as such
/// rather than as corrupt.
#[derive(Deserialize)]
struct FormatOnly {
    format: u32,
}

#[derive(Deserialize)]
struct FormatOne {
    #[serde(default)]
    sessions: BTreeMap<String, Session>,
}

/// What [`FileStore::probe`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    /// No sessions file yet.
    Missing,
    /// It opens; this many accounts.
    Readable(usize),
    /// It does not open with the key in use: why.
    Unreadable(String),
}

enum Read {
    Fine(Accounts),
    Unreadable(String),
}

/// The key kind an existing store says it was written with, if any.
pub(crate) fn recorded_key_source(dir: &Path) -> Option<String> {
    #[derive(Deserialize)]
    struct KeyKind {
        key_source: Option<String>,
    }
    let bytes = std::fs::read(dir.join(FILE_NAME)).ok()?;
    serde_json::from_slice::<KeyKind>(&bytes).ok()?.key_source
}

impl FileStore {
    pub fn new(dir: impl Into<PathBuf>, key: KeySource) -> Self {
        Self {
            dir: dir.into(),
            key,
        }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    pub fn lock_path(&self) -> PathBuf {
        self.dir.join(LOCK_NAME)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn key_source(&self) -> &KeySource {
        &self.key
    }

    /// Whether the sessions file opens with the key in use, without
    /// changing anything (no key file created, nothing moved aside): for
    /// `authdash doctor`.
    pub fn probe(&self) -> Result<Probe, StoreError> {
        if !self.path().exists() {
            return Ok(Probe::Missing);
        }
        if let KeySource::KeyFile(key) = &self.key
            && !key.exists()
        {
            return Ok(Probe::Unreadable(format!(
                "its key file {} is missing",
                key.display()
            )));
        }
        Ok(match self.read()? {
            Read::Fine(a) => Probe::Readable(a.sessions.len()),
            Read::Unreadable(why) => Probe::Unreadable(why),
        })
    }

    fn read(&self) -> Result<Read, StoreError> {
        let path = self.path();
        let Some(bytes) = read_private(&path)? else {
            return Ok(Read::Fine(Accounts::default()));
        };
        let format = match serde_json::from_slice::<FormatOnly>(&bytes) {
            Ok(f) => f.format,
            Err(e) => return Ok(Read::Unreadable(format!("not JSON with a format: {e}"))),
        };
        match format {
            1 => match serde_json::from_slice::<FormatOne>(&bytes) {
                Ok(one) => {
                    let sessions: Vec<Session> = one.sessions.into_values().collect();
                    Ok(Read::Fine(Accounts {
                        active: sessions.first().map(super::AccountId::of),
                        sessions,
                        recovered: None,
                    }))
                }
                Err(e) => Ok(Read::Unreadable(e.to_string())),
            },
            FORMAT_VERSION => {
                let envelope: Envelope = match serde_json::from_slice(&bytes) {
                    Ok(e) => e,
                    Err(e) => return Ok(Read::Unreadable(e.to_string())),
                };
                let key = self.key.key()?;
                let plain = match crypto::open(&key, &envelope) {
                    Ok(p) => p,
                    Err(why) => return Ok(Read::Unreadable(why)),
                };
                match serde_json::from_slice::<Accounts>(&plain) {
                    Ok(a) => Ok(Read::Fine(a)),
                    Err(e) => Ok(Read::Unreadable(format!("its content is not valid: {e}"))),
                }
            }
            found if found > FORMAT_VERSION => Err(StoreError::UnsupportedFormat {
                path,
                found,
                supported: FORMAT_VERSION,
            }),
            found => Ok(Read::Unreadable(format!("unknown format {found}"))),
        }
    }

    /// Move an unreadable store aside (never delete it) and start empty.
    fn set_aside(&self, _lock: &StoreLock, why: &str) -> Result<Accounts, StoreError> {
        let path = self.path();
        let stamp = Utc::now().format("%Y%m%dT%H%M%SZ");
        let aside = self.dir.join(format!("{FILE_NAME}.unreadable-{stamp}"));
        std::fs::rename(&path, &aside).map_err(|source| StoreError::Io {
            action: "move aside",
            path: path.clone(),
            source,
        })?;
        let message = format!(
            "The stored sessions could not be read ({why}); the file was moved to {} and you need to log in again.",
            aside.display()
        );
        tracing::warn!("{message}");
        Ok(Accounts {
            recovered: Some(message),
            ..Accounts::default()
        })
    }
}

impl TokenStore for FileStore {
    fn lock(&self) -> Result<StoreLock, StoreError> {
        lock::acquire(&self.lock_path(), LOCK_WAIT)
    }

    fn accounts(&self) -> Result<Accounts, StoreError> {
        match self.read()? {
            Read::Fine(a) => Ok(a),
            // Decide under the lock: a writer may have just replaced it.
            Read::Unreadable(_) => {
                let lock = self.lock()?;
                self.accounts_locked(&lock)
            }
        }
    }

    fn accounts_locked(&self, lock: &StoreLock) -> Result<Accounts, StoreError> {
        match self.read()? {
            Read::Fine(a) => Ok(a),
            Read::Unreadable(why) => self.set_aside(lock, &why),
        }
    }

    fn write(&self, _lock: &StoreLock, accounts: &Accounts) -> Result<(), StoreError> {
        ensure_private_dir(&self.dir)?;
        let path = self.path();
        let plain = zeroize::Zeroizing::new(serde_json::to_vec(accounts).map_err(|e| {
            StoreError::Corrupt {
                path: path.clone(),
                reason: e.to_string(),
            }
        })?);
        let key = self.key.key()?;
        let envelope =
            crypto::seal(&key, FORMAT_VERSION, self.key.kind(), &plain).map_err(StoreError::Key)?;
        let bytes = serde_json::to_vec_pretty(&envelope).map_err(|e| StoreError::Corrupt {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        replace_atomically(&path, &bytes)
    }

    fn describe_key(&self) -> String {
        self.key.describe()
    }

    fn describe(&self) -> String {
        format!(
            "{}, encrypted with {}",
            self.path().display(),
            self.key.describe()
        )
    }
}
