//! What the model keeps per panel (data, fetch, error, table state) and
//! per renewal (for the Session inspector).

use chrono::{DateTime, Utc};

use std::cmp::Ordering;

use crate::panels::view::ShapeError;
use crate::panels::{Cell, CellKind, TableData};
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
    pub(crate) table: TableState,
    /// The data shaped as the panel's table, made once when it arrives
    /// (the keys, the footer and every frame read it).
    pub(crate) shaped: Option<Result<TableData, ShapeError>>,
}

/// Data as it arrived, and when.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelValue {
    pub value: serde_json::Value,
    pub(crate) at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PanelError {
    pub(crate) error: SourceError,
    pub(crate) at: DateTime<Utc>,
}

/// A table as the person arranged it and where they are in it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TableState {
    /// The column sorted by, and whether descending.
    pub(crate) sort: Option<(usize, bool)>,
    /// Rows holding this text in a cell (case-insensitive) are shown.
    pub(crate) filter: String,
    pub(crate) editing: bool,
    /// The rows shown, in order: indexes into the data's rows, filtered
    /// then sorted. Made again whenever the data, the sort or the filter
    /// change ([`TableState::arrange`]).
    pub(crate) order: Vec<usize>,
    /// The row under the cursor, a position in `order`.
    pub(crate) cursor: usize,
    /// The first row in view: it moves only to keep the cursor in sight.
    pub(crate) scroll: usize,
    /// The first column in view, when the table is wider than its pane.
    pub(crate) column: usize,
}

impl TableState {
    /// Filter and sort `data`'s rows again. The cursor stays on the row it
    /// was on when that row is still shown, else on the same position;
    /// on the first row, it stays there (a table just opened and sorted
    /// shows its new top).
    pub(crate) fn arrange(&mut self, data: &TableData) {
        let under_cursor = self
            .order
            .get(self.cursor)
            .copied()
            .filter(|_| self.cursor > 0);
        self.order = arranged(data, self.sort, &self.filter);
        self.cursor = under_cursor
            .and_then(|row| self.order.iter().position(|r| *r == row))
            .unwrap_or(self.cursor)
            .min(self.order.len().saturating_sub(1));
        if self.sort.is_some_and(|(c, _)| c >= data.headers.len()) {
            self.sort = None;
        }
        self.column = self.column.min(data.headers.len().saturating_sub(1));
    }

    /// The data row under the cursor.
    pub(crate) fn current<'a>(&self, data: &'a TableData) -> Option<&'a Vec<Cell>> {
        data.rows.get(*self.order.get(self.cursor)?)
    }

    /// Move the cursor to `to` (clamped to the rows shown) and the view
    /// just enough to keep it in sight in `rows` rows.
    pub(crate) fn move_to(&mut self, to: usize, rows: Option<usize>) {
        self.cursor = to.min(self.order.len().saturating_sub(1));
        self.follow(rows);
    }

    /// Scroll only as far as keeps the cursor in sight; without a known
    /// height, only upward (the view keeps it in sight below).
    pub(crate) fn follow(&mut self, rows: Option<usize>) {
        self.scroll = match rows {
            Some(rows) => in_sight(self.scroll, self.cursor, rows, self.order.len()),
            None => self.scroll.min(self.cursor),
        };
    }
}

/// The first row to show of `len` in `rows` rows, starting from `scroll`:
/// moved only as far as needed to show row `cursor`, and never leaving
/// rows empty below the last while there are rows above.
pub(crate) fn in_sight(scroll: usize, cursor: usize, rows: usize, len: usize) -> usize {
    let rows = rows.max(1);
    let mut first = scroll.min(len.saturating_sub(rows));
    if cursor < first {
        first = cursor;
    } else if cursor >= first + rows {
        first = cursor + 1 - rows;
    }
    first
}

/// The rows of `data` holding `filter` in a cell (substring,
/// case-insensitive), sorted by a column: numbers as numbers, missing
/// values last whichever the order.
fn arranged(data: &TableData, sort: Option<(usize, bool)>, filter: &str) -> Vec<usize> {
    let needle = filter.to_lowercase();
    let mut rows: Vec<usize> = (0..data.rows.len())
        .filter(|&i| {
            needle.is_empty()
                || data.rows[i]
                    .iter()
                    .any(|c| c.text.to_lowercase().contains(&needle))
        })
        .collect();
    if let Some((column, descending)) = sort {
        let cell = |i: usize| {
            data.rows[i]
                .get(column)
                .filter(|c| c.kind != CellKind::Missing)
        };
        // Stable: rows that compare equal keep the order they came in.
        rows.sort_by(|&a, &b| match (cell(a), cell(b)) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(x), Some(y)) => {
                let order = match (x.number, y.number) {
                    (Some(m), Some(n)) => m.total_cmp(&n),
                    (Some(_), None) => Ordering::Less,
                    (None, Some(_)) => Ordering::Greater,
                    (None, None) => x.text.to_lowercase().cmp(&y.text.to_lowercase()),
                };
                if descending { order.reverse() } else { order }
            }
        });
    }
    rows
}

impl PanelState {
    pub(crate) fn loading(org_id: String, generation: u64) -> Self {
        Self {
            org_id,
            loading: Some(generation),
            data: None,
            error: None,
            table: TableState::default(),
            shaped: None,
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
    pub(crate) at: DateTime<Utc>,
    /// `None` for a renewal not timed: one a panel fetch needed.
    pub took_ms: Option<i64>,
    /// `Ok` or the error as said.
    pub result: Result<(), String>,
}
