//! How a panel draws its data, and the pure shaping from JSON to what a
//! view shows (tables, series, key/value lines, text): the TUI only lays
//! these out.

use crate::identity::json_type;
use serde_json::Value;

use super::data::{PanelData, scalar};

/// A panel's view (`view = { type = "table" }`…).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum View {
    /// Labelled values: `{title, summary, items}` or any JSON flattened.
    #[default]
    Kv,
    Table(TableView),
    Chart(ChartView),
    Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TableView {
    /// None configured: one column per key of the rows, in order.
    pub(crate) columns: Vec<Column>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Column {
    /// The row's key (or a JSON pointer starting with `/`).
    pub(crate) key: String,
    pub(crate) title: String,
    pub(crate) format: Format,
}

/// How a cell's value is written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum Format {
    #[default]
    Plain,
    /// 12,345.6
    Number,
    /// 0.25 → 25%
    Percent,
    /// `currency:€` → €1,234.50
    Currency(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum ChartKind {
    #[default]
    Line,
    Bar,
    Sparkline,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChartView {
    pub(crate) kind: ChartKind,
    /// The key naming each point (x axis labels); none: the index.
    /// Labels that are dates (`2025-01`, `2025-12-14`, an RFC 3339 time)
    /// are drawn short (`Jan`, `Dec 14`).
    pub(crate) x: Option<String>,
    /// The key holding each value; none: the points are numbers. A point
    /// that is a bare number is read as its value either way (the older
    /// shape of a series).
    pub(crate) y: Option<String>,
    pub(crate) x_label: Option<String>,
    pub(crate) y_label: Option<String>,
    /// Written after values and on the y axis (`€`, `ms`, `users`).
    pub(crate) unit: Option<String>,
}

/// Data that cannot be drawn the way the panel's view says.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShapeError {
    #[error("a table needs a JSON array of rows, found {0}")]
    NotRows(&'static str),
    #[error("a chart needs a JSON array of numbers or of objects, found {0}")]
    NotSeries(&'static str),
    #[error("point {index} has no number at `{key}`")]
    NotANumber { index: usize, key: String },
}

/// A row's value at `key` (or at a JSON pointer starting with `/`).
pub(super) fn field<'a>(row: &'a Value, key: &str) -> Option<&'a Value> {
    if key.starts_with('/') {
        row.pointer(key)
    } else {
        row.get(key)
    }
}

/// 1234567.8 → "1,234,567.8"; `decimals` fixes the fraction.
pub(crate) fn grouped(n: f64, decimals: Option<usize>) -> String {
    let text = match decimals {
        Some(d) => format!("{n:.d$}"),
        None => {
            let t = format!("{n}");
            t.strip_suffix(".0").map(str::to_owned).unwrap_or(t)
        }
    };
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if frac.is_empty() {
        format!("{sign}{out}")
    } else {
        format!("{sign}{out}.{frac}")
    }
}

impl ChartView {
    /// The points of `value`: (label, value).
    pub fn shape(&self, value: &Value) -> Result<Vec<(String, f64)>, ShapeError> {
        let Value::Array(points) = value else {
            return Err(ShapeError::NotSeries(json_type(value)));
        };
        points
            .iter()
            .enumerate()
            .map(|(index, point)| {
                let label = self
                    .x
                    .as_deref()
                    .and_then(|x| field(point, x))
                    .map(scalar)
                    .unwrap_or_else(|| (index + 1).to_string());
                let y = match &self.y {
                    Some(key) if !point.is_number() => field(point, key),
                    _ => Some(point),
                };
                let n = y
                    .and_then(Value::as_f64)
                    .ok_or_else(|| ShapeError::NotANumber {
                        index,
                        key: self.y.clone().unwrap_or_else(|| "the point".into()),
                    })?;
                Ok((label, n))
            })
            .collect()
    }
}

/// Key/value lines of any JSON (see [`super::data::from_value`]).
pub(crate) fn kv(value: &Value) -> PanelData {
    super::data::from_value(value)
}

/// A string as it is; anything else as indented JSON.
pub(crate) fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => serde_json::to_string_pretty(other).unwrap_or_default(),
    }
}

/// Whether there is nothing to show (`null`, `[]`, `{}`, `""`).
pub(crate) fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::String(s) => s.trim().is_empty(),
        _ => false,
    }
}
