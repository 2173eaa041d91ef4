use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::StoreError;
use super::fsutil::{ensure_private_dir, read_private, replace_atomically};

const FILE_NAME: &str = "preferences.json";

/// What the person chose, remembered across runs (nothing secret).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Preferences {
    /// Active org id by "provider/subject".
    #[serde(default)]
    active_org: BTreeMap<String, String>,
}

impl Preferences {
    /// Missing or unreadable preferences are not worth failing over.
    pub fn load(dir: &Path) -> Self {
        match read_private(&path(dir)) {
            Ok(Some(bytes)) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                tracing::warn!("ignoring unreadable preferences: {e}");
                Self::default()
            }),
            Ok(None) => Self::default(),
            Err(e) => {
                tracing::warn!("ignoring preferences: {e}");
                Self::default()
            }
        }
    }

    pub fn save(&self, dir: &Path) -> Result<(), StoreError> {
        ensure_private_dir(dir)?;
        let bytes = serde_json::to_vec_pretty(self).map_err(|e| StoreError::Corrupt {
            path: path(dir),
            reason: e.to_string(),
        })?;
        replace_atomically(&path(dir), &bytes, None)
    }

    pub fn active_org(&self, provider: &str, subject: &str) -> Option<&str> {
        self.active_org
            .get(&key(provider, subject))
            .map(String::as_str)
    }

    pub fn set_active_org(&mut self, provider: &str, subject: &str, org_id: &str) {
        self.active_org
            .insert(key(provider, subject), org_id.to_owned());
    }
}

fn key(provider: &str, subject: &str) -> String {
    format!("{provider}/{subject}")
}

fn path(dir: &Path) -> PathBuf {
    dir.join(FILE_NAME)
}
