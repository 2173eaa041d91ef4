//! What the model keeps per panel (data, fetch, error, table state) and
//! per renewal (for the Session inspector).

use chrono::{DateTime, Utc};

use crate::panels::{PanelData, SourceError};

/// A panel's data in one org: what is on screen, what is awaited, what
/// went wrong. Last good data stays when a reload fails (shown as stale,
/// with its age).
#[derive(Debug, Clone, PartialEq)]
pub struct PanelState {
    /// The org the data belongs to: another org's never shows.
    pub org_id: String,
    /// The fetch whose answer is awaited; an older one's is dropped.
    pub loading: Option<u64>,
    pub data: Option<PanelValue>,
    pub error: Option<PanelError>,
    /// Sorting, filtering and scrolling of a table.
    pub table: TableState,
}

/// Data as it arrived, and when.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelValue {
    pub value: serde_json::Value,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PanelError {
    pub error: SourceError,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TableState {
    /// The column sorted by, and whether descending.
    pub sort: Option<(usize, bool)>,
    pub filter: String,
    pub editing: bool,
    pub scroll: usize,
}

impl PanelState {
    pub fn loading(org_id: String, generation: u64) -> Self {
        Self {
            org_id,
            loading: Some(generation),
            data: None,
            error: None,
            table: TableState::default(),
        }
    }

    /// The last good data as `{title, summary, items}` lines.
    pub fn kv(&self) -> Option<PanelData> {
        self.data
            .as_ref()
            .map(|d| crate::panels::from_value(&d.value))
    }
}

/// One renewal, for the Session inspector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenewalRecord {
    pub at: DateTime<Utc>,
    pub took_ms: i64,
    /// `Ok` or the error as said.
    pub result: Result<(), String>,
}
