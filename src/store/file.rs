use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::fsutil::{ensure_private_dir, read_private, replace_atomically};
use super::{StoreError, TokenStore};
use crate::auth::Session;

/// The version of the file layout; bump it and migrate on read when it changes.
pub const FORMAT_VERSION: u32 = 1;
const FILE_NAME: &str = "sessions.json";

/// Sessions in one JSON file in the data folder: folder 0700, file 0600,
/// replaced atomically.
#[derive(Debug, Clone)]
pub struct FileStore {
    dir: PathBuf,
}

#[derive(Serialize, Deserialize)]
struct Contents {
    format: u32,
    #[serde(default)]
    sessions: BTreeMap<String, Session>,
}

/// Read the format before the rest, so a newer file is reported as such
/// rather than as corrupt.
#[derive(Deserialize)]
struct FormatOnly {
    format: u32,
}

impl FileStore {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    fn read(&self) -> Result<Contents, StoreError> {
        let path = self.path();
        let Some(bytes) = read_private(&path)? else {
            return Ok(Contents {
                format: FORMAT_VERSION,
                sessions: BTreeMap::new(),
            });
        };
        let corrupt = |e: serde_json::Error| StoreError::Corrupt {
            path: path.clone(),
            reason: e.to_string(),
        };
        let FormatOnly { format } = serde_json::from_slice(&bytes).map_err(corrupt)?;
        if format > FORMAT_VERSION {
            return Err(StoreError::UnsupportedFormat {
                path,
                found: format,
                supported: FORMAT_VERSION,
            });
        }
        serde_json::from_slice(&bytes).map_err(corrupt)
    }

    fn write(&self, contents: &Contents) -> Result<(), StoreError> {
        ensure_private_dir(&self.dir)?;
        let bytes = serde_json::to_vec_pretty(contents).map_err(|e| StoreError::Corrupt {
            path: self.path(),
            reason: e.to_string(),
        })?;
        replace_atomically(&self.path(), &bytes)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl TokenStore for FileStore {
    fn load(&self, provider: &str) -> Result<Option<Session>, StoreError> {
        Ok(self.read()?.sessions.remove(provider))
    }

    fn save(&self, session: &Session) -> Result<(), StoreError> {
        let mut contents = self.read()?;
        contents.format = FORMAT_VERSION;
        contents
            .sessions
            .insert(session.provider.clone(), session.clone());
        self.write(&contents)
    }

    fn remove(&self, provider: &str) -> Result<(), StoreError> {
        let mut contents = self.read()?;
        if contents.sessions.remove(provider).is_some() {
            self.write(&contents)?;
        }
        Ok(())
    }
}
