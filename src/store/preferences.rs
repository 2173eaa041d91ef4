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
    /// The panel the person was in last, by "provider/subject".
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    last_place: BTreeMap<String, String>,
    /// How each table was arranged, by "provider/subject", then panel id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    tables: BTreeMap<String, BTreeMap<String, TableMemory>>,
}

/// A table's sort and filter, as the person left them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableMemory {
    /// The column sorted by (its position), and whether descending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) sort: Option<SortMemory>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub filter: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SortMemory {
    pub(crate) column: usize,
    pub(crate) descending: bool,
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

    pub(crate) fn save(&self, dir: &Path) -> Result<(), StoreError> {
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

    pub(crate) fn last_place(&self, provider: &str, subject: &str) -> Option<&str> {
        self.last_place
            .get(&key(provider, subject))
            .map(String::as_str)
    }

    pub(crate) fn set_last_place(&mut self, provider: &str, subject: &str, place: &str) {
        self.last_place
            .insert(key(provider, subject), place.to_owned());
    }

    pub(crate) fn table(&self, provider: &str, subject: &str, panel: &str) -> Option<&TableMemory> {
        self.tables.get(&key(provider, subject))?.get(panel)
    }

    /// Remember a table's arrangement; one left as it comes is forgotten.
    pub(crate) fn set_table(
        &mut self,
        provider: &str,
        subject: &str,
        panel: &str,
        memory: TableMemory,
    ) {
        let account = key(provider, subject);
        if memory == TableMemory::default() {
            if let Some(tables) = self.tables.get_mut(&account) {
                tables.remove(panel);
                if tables.is_empty() {
                    self.tables.remove(&account);
                }
            }
        } else {
            self.tables
                .entry(account)
                .or_default()
                .insert(panel.to_owned(), memory);
        }
    }
}

fn key(provider: &str, subject: &str) -> String {
    format!("{provider}/{subject}")
}

fn path(dir: &Path) -> PathBuf {
    dir.join(FILE_NAME)
}
