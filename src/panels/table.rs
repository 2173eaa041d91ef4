//! A table's rows shaped for drawing: each cell's text and kind (number,
//! money, percentage, yes/no, missing), the number behind it for sorting,
//! which columns hold numbers (drawn right-aligned), and readable
//! headers. Pure: the TUI only lays these out.

use serde_json::Value;
use unicode_width::UnicodeWidthStr;

use super::data::scalar;
use super::view::{Column, Format, ShapeError, TableView, field, grouped};
use crate::identity::{json_type, visible};

/// What a missing value (`null`, or a key the row lacks) is drawn as.
const MISSING: &str = "—";
/// What `true` and `false` are drawn as (and copied as).
const YES: &str = "yes";
const NO: &str = "no";

/// A table ready to lay out: headers, formatted cells, and which columns
/// hold numbers.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TableData {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Per column: every value in it is a number, an amount of money or a
    /// percentage (missing values aside), so it is drawn right-aligned.
    pub(crate) numeric: Vec<bool>,
    /// Per column: the display width of its widest cell or header (in
    /// terminal cells), measured once rather than on every frame.
    pub(crate) widths: Vec<usize>,
}

/// What a cell holds, as far as drawing and sorting care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CellKind {
    Text,
    Number,
    /// A number with a currency sign (`€4,800.00`, `$1.2k`).
    Money,
    /// A number with `%`.
    Percent,
    /// `true` or `false`.
    Bool,
    /// `null`, or a key the row lacks.
    Missing,
}

impl CellKind {
    /// Numbers of any sort: drawn right-aligned.
    fn numeric(self) -> bool {
        matches!(self, CellKind::Number | CellKind::Money | CellKind::Percent)
    }
}

/// One cell: its text, what kind of value it is, and the number behind
/// it for sorting.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub text: String,
    pub(crate) number: Option<f64>,
    pub(crate) kind: CellKind,
}

impl Cell {
    fn missing() -> Self {
        Cell {
            text: MISSING.into(),
            number: None,
            kind: CellKind::Missing,
        }
    }
}

impl TableView {
    /// The rows of `value` (an array of objects, or of arrays) as cells.
    pub fn shape(&self, value: &Value) -> Result<TableData, ShapeError> {
        let Value::Array(rows) = value else {
            return Err(ShapeError::NotRows(json_type(value)));
        };
        let columns = if self.columns.is_empty() {
            inferred_columns(rows)
        } else {
            self.columns.clone()
        };
        let rows: Vec<Vec<Cell>> = rows
            .iter()
            .map(|row| match row {
                Value::Array(cells) => cells.iter().map(|v| cell(v, &Format::Plain)).collect(),
                _ => columns
                    .iter()
                    .map(|c| field(row, &c.key).map_or_else(Cell::missing, |v| cell(v, &c.format)))
                    .collect(),
            })
            .collect();
        let width = rows
            .iter()
            .map(Vec::len)
            .chain([columns.len()])
            .max()
            .unwrap_or(0);
        let numeric = (0..width)
            .map(|i| {
                let mut kinds = rows
                    .iter()
                    .filter_map(|r| r.get(i))
                    .map(|c| c.kind)
                    .filter(|k| *k != CellKind::Missing)
                    .peekable();
                kinds.peek().is_some() && kinds.all(CellKind::numeric)
            })
            .collect();
        // Rows of arrays may be wider than the columns named: the rest
        // get their position as a header.
        let mut headers: Vec<String> = columns.iter().map(title).collect();
        headers.extend((headers.len()..width).map(|i| (i + 1).to_string()));
        let widths = headers
            .iter()
            .enumerate()
            .map(|(i, h)| {
                rows.iter()
                    .filter_map(|r| r.get(i))
                    .map(|c| c.text.width())
                    .chain([h.width()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        Ok(TableData {
            headers,
            rows,
            numeric,
            widths,
        })
    }
}

/// A column's header: its configured title, else one made from its key.
fn title(column: &Column) -> String {
    // The config fills an absent title with the key itself.
    let title = if column.title == column.key {
        header_label(&column.key)
    } else {
        column.title.clone()
    };
    visible(&title).into_owned()
}

/// One column per key, in the order the rows first name them.
fn inferred_columns(rows: &[Value]) -> Vec<Column> {
    let mut keys: Vec<String> = Vec::new();
    for row in rows {
        if let Value::Object(m) = row {
            for k in m.keys() {
                if !keys.contains(k) {
                    keys.push(k.clone());
                }
            }
        }
    }
    keys.into_iter()
        .map(|k| Column {
            title: k.clone(),
            key: k,
            format: Format::Plain,
        })
        .collect()
}

/// A cell's text never carries a control character (nor a tab, which
/// would split a copied row).
fn cell(v: &Value, format: &Format) -> Cell {
    let text = |text: String, number, kind| Cell {
        text: visible(&text).into_owned(),
        number,
        kind,
    };
    match v {
        Value::Null => Cell::missing(),
        Value::Bool(b) => text(
            if *b { YES } else { NO }.into(),
            Some(f64::from(u8::from(*b))),
            CellKind::Bool,
        ),
        _ => {
            let parsed = match v {
                Value::Number(n) => n.as_f64().map(|n| (n, CellKind::Number)),
                Value::String(s) => parse_number(s),
                _ => None,
            };
            match (format, parsed) {
                (Format::Number, Some((n, CellKind::Number))) => {
                    text(grouped(n, None), Some(n), CellKind::Number)
                }
                (Format::Percent, Some((n, CellKind::Percent))) => {
                    text(scalar(v), Some(n), CellKind::Percent)
                }
                (Format::Percent, Some((n, _))) => text(
                    format!("{}%", grouped(n * 100.0, Some(0))),
                    Some(n * 100.0),
                    CellKind::Percent,
                ),
                (Format::Currency(sym), Some((n, CellKind::Number))) => {
                    let sign = if n < 0.0 { "-" } else { "" };
                    text(
                        format!("{sign}{sym}{}", grouped(n.abs(), Some(2))),
                        Some(n),
                        CellKind::Money,
                    )
                }
                (_, Some((n, kind))) => text(scalar(v), Some(n), kind),
                (_, None) => text(scalar(v), None, CellKind::Text),
            }
        }
    }
}

/// Currency signs a money value may start or end with.
const CURRENCY: [&str; 8] = ["€", "$", "£", "¥", "₹", "₩", "₽", "CHF"];

/// A number written as text, and what kind: `-3`, `1,234.5`, `€4,800.00`,
/// `-$7`, `$1.2k`, `42%`, `12 €`. Anything else (dates, versions, ids
/// like `ACME-1042`, `12 days`) is not a number.
fn parse_number(text: &str) -> Option<(f64, CellKind)> {
    let mut s = text.trim();
    let mut negative = false;
    let mut kind = CellKind::Number;
    if let Some(rest) = s.strip_prefix('-').or_else(|| s.strip_prefix('−')) {
        negative = true;
        s = rest;
    } else if let Some(rest) = s.strip_prefix('+') {
        s = rest;
    }
    for sign in CURRENCY {
        if let Some(rest) = s.strip_prefix(sign).or_else(|| s.strip_suffix(sign)) {
            s = rest.trim();
            kind = CellKind::Money;
            break;
        }
    }
    if kind == CellKind::Money
        && let Some(rest) = s.strip_prefix('-')
    {
        negative = !negative;
        s = rest;
    }
    if let Some(rest) = s.strip_suffix('%') {
        if kind == CellKind::Money {
            return None;
        }
        s = rest.trim_end();
        kind = CellKind::Percent;
    }
    let mut scale = 1.0;
    if kind != CellKind::Percent {
        for (suffix, factor) in [("k", 1e3), ("K", 1e3), ("M", 1e6), ("B", 1e9), ("G", 1e9)] {
            if let Some(rest) = s.strip_suffix(suffix) {
                s = rest;
                scale = factor;
                break;
            }
        }
    }
    if !plain_number(s) {
        return None;
    }
    let n: f64 = s.replace(',', "").parse().ok()?;
    let n = n * scale;
    Some((if negative { -n } else { n }, kind))
}

/// Digits with optional thousands separators (every group of three) and
/// one decimal point.
fn plain_number(s: &str) -> bool {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() || !frac.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    if s.ends_with('.') {
        return false;
    }
    let groups: Vec<&str> = int.split(',').collect();
    groups
        .iter()
        .all(|g| !g.is_empty() && g.chars().all(|c| c.is_ascii_digit()))
        && groups.iter().skip(1).all(|g| g.len() == 3)
        && (groups.len() == 1 || (1..=3).contains(&groups[0].len()))
}

/// Words written in capitals in a header.
const ACRONYMS: [&str; 22] = [
    "id", "url", "uri", "api", "mfa", "sso", "ip", "os", "cpu", "gpu", "ram", "ttl", "sla", "uuid",
    "http", "https", "json", "sql", "ssh", "dns", "vpn", "2fa",
];

/// Units a key may end with: drawn in brackets (`last_seen_days` → "Last
/// seen (days)").
const UNITS: [(&str, &str); 16] = [
    ("ms", "ms"),
    ("secs", "s"),
    ("seconds", "s"),
    ("mins", "min"),
    ("minutes", "min"),
    ("hours", "h"),
    ("days", "days"),
    ("weeks", "weeks"),
    ("months", "months"),
    ("years", "years"),
    ("bytes", "bytes"),
    ("kb", "KB"),
    ("mb", "MB"),
    ("gb", "GB"),
    ("pct", "%"),
    ("percent", "%"),
];

/// A header made from a row's key: words split at `_`, `-`, `.`, spaces
/// and camelCase, the first capitalised, acronyms in capitals, a trailing
/// unit in brackets. A JSON pointer gives its last segment.
fn header_label(key: &str) -> String {
    let key = key.rsplit('/').find(|s| !s.is_empty()).unwrap_or(key);
    let chars: Vec<char> = key.chars().collect();
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if matches!(c, '_' | '-' | '.' | ' ') {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            continue;
        }
        // camelCase and an acronym's end (`userId`, `HTTPStatus`).
        let previous = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1);
        let boundary = c.is_uppercase()
            && previous.is_some_and(|p| {
                p.is_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_uppercase() && next.is_some_and(|n| n.is_lowercase()))
            });
        if boundary && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    if words.is_empty() {
        return key.to_owned();
    }
    let unit = match words.last().map(String::as_str) {
        Some(last) if words.len() > 1 => UNITS.iter().find(|(k, _)| *k == last).map(|(_, u)| *u),
        _ => None,
    };
    if unit.is_some() {
        words.pop();
    }
    let mut out: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            if ACRONYMS.contains(&w.as_str()) {
                w.to_uppercase()
            } else if i == 0 {
                let mut chars = w.chars();
                chars
                    .next()
                    .map(|f| f.to_uppercase().chain(chars).collect())
                    .unwrap_or_default()
            } else {
                w.clone()
            }
        })
        .collect();
    if let Some(unit) = unit {
        out.push(format!("({unit})"));
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_money_and_percentages_are_told_from_text() {
        let kind = |s: &str| parse_number(s);
        assert_eq!(kind("€4,800.00"), Some((4800.0, CellKind::Money)));
        assert_eq!(kind("$1.2k"), Some((1200.0, CellKind::Money)));
        assert_eq!(kind("-€7.00"), Some((-7.0, CellKind::Money)));
        assert_eq!(kind("€-7"), Some((-7.0, CellKind::Money)));
        assert_eq!(kind("12 €"), Some((12.0, CellKind::Money)));
        assert_eq!(kind("42%"), Some((42.0, CellKind::Percent)));
        assert_eq!(kind("-3"), Some((-3.0, CellKind::Number)));
        assert_eq!(kind("+3"), Some((3.0, CellKind::Number)));
        assert_eq!(kind("1,234,567.5"), Some((1_234_567.5, CellKind::Number)));
        for text in [
            "2025-12-01",
            "ACME-1042",
            "1.2.3",
            "10.0.0.1",
            "12 days",
            "",
            "-",
            "1,23",
            "12,",
            "3.",
            "€",
            "$5%",
            "yes",
            "k",
        ] {
            assert_eq!(kind(text), None, "{text:?}");
        }
    }

    #[test]
    fn cells_have_kinds_and_missing_values_and_booleans_are_words() {
        let rows = serde_json::json!([
            {"n": 3, "b": true, "s": "€1,000.00", "p": "42%", "t": "ACME-1", "x": null},
            {"n": -1.5, "b": false, "s": "$2k", "p": "7%", "t": "ACME-2"},
        ]);
        let table = TableView::default().shape(&rows).expect("rows");
        assert_eq!(table.headers, ["B", "N", "P", "S", "T", "X"]);
        let kinds: Vec<Vec<CellKind>> = table
            .rows
            .iter()
            .map(|r| r.iter().map(|c| c.kind).collect())
            .collect();
        use CellKind::*;
        assert_eq!(
            kinds,
            [
                [Bool, Number, Percent, Money, Text, Missing],
                [Bool, Number, Percent, Money, Text, Missing],
            ]
        );
        let texts: Vec<&str> = table.rows[1].iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["no", "-1.5", "7%", "$2k", "ACME-2", "—"]);
        assert_eq!(table.rows[0][0].text, "yes");
        // Numbers right-aligned; a column of nothing but missing values
        // is not a number column.
        assert_eq!(table.numeric, [false, true, true, true, false, false]);
        assert_eq!(table.rows[1][3].number, Some(2000.0));
        // Widths in terminal cells, headers included: "€1,000.00" is 9.
        assert_eq!(table.widths, [3, 4, 3, 9, 6, 1]);
    }

    #[test]
    fn configured_formats_give_kinds_too() {
        let view = TableView {
            columns: vec![
                Column {
                    key: "amount".into(),
                    title: "Amount".into(),
                    format: Format::Currency("€".into()),
                },
                Column {
                    key: "share".into(),
                    title: "share".into(),
                    format: Format::Percent,
                },
                Column {
                    key: "gone".into(),
                    title: "Gone".into(),
                    format: Format::Number,
                },
            ],
        };
        let table = view
            .shape(&serde_json::json!([{"amount": 4800, "share": 0.25}]))
            .expect("rows");
        let row: Vec<(&str, CellKind)> = table.rows[0]
            .iter()
            .map(|c| (c.text.as_str(), c.kind))
            .collect();
        assert_eq!(
            row,
            [
                ("€4,800.00", CellKind::Money),
                ("25%", CellKind::Percent),
                ("—", CellKind::Missing)
            ]
        );
        // A title the config filled in from the key is made readable; a
        // title written in the config stays as written.
        assert_eq!(table.headers, ["Amount", "Share", "Gone"]);
    }

    #[test]
    fn headers_are_made_readable_from_keys() {
        for (key, label) in [
            ("last_seen_days", "Last seen (days)"),
            ("mfa", "MFA"),
            ("email", "Email"),
            ("userId", "User ID"),
            ("created-at", "Created at"),
            ("org_id", "Org ID"),
            ("/data/latency_ms", "Latency (ms)"),
            ("ms", "Ms"),
            ("HTTPStatus", "HTTP status"),
            ("total", "Total"),
            ("x2fa_enabled", "X2fa enabled"),
            ("__", "__"),
        ] {
            assert_eq!(header_label(key), label, "{key}");
        }
    }
}
