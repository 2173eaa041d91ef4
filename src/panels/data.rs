//! A panel's data in the key/value shape (`{title, summary, items}`, or
//! any JSON flattened), and the cap on what a panel's answer may hold.

use serde::Deserialize;
use serde_json::Value;

/// What a panel shows: a summary and labelled values, or any JSON as text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PanelData {
    pub(crate) title: Option<String>,
    pub summary: Option<String>,
    pub items: Vec<(String, String)>,
}

#[derive(Deserialize)]
struct Shaped {
    title: Option<String>,
    summary: Option<String>,
    #[serde(default)]
    items: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    label: String,
    value: Value,
}

pub use crate::http::DEFAULT_PANEL_BODY_CAP;

pub(crate) fn error_text(body: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(body).ok()?;
    v.get("error_description")
        .or_else(|| v.get("error"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// A panel's JSON as shown: the `{title, summary, items}` shape, else
/// the JSON flattened to `path: value` lines.
pub fn from_value(v: &Value) -> PanelData {
    if let Ok(shaped) = Shaped::deserialize(v)
        && (shaped.summary.is_some() || !shaped.items.is_empty())
    {
        return PanelData {
            title: shaped.title,
            summary: shaped.summary,
            items: shaped
                .items
                .into_iter()
                .map(|i| (i.label, scalar(&i.value)))
                .collect(),
        };
    }
    if let Value::String(s) = v {
        return PanelData {
            title: None,
            summary: Some(s.clone()),
            items: Vec::new(),
        };
    }
    let mut items = Vec::new();
    flatten("", v, &mut items);
    PanelData {
        title: None,
        summary: None,
        items,
    }
}

pub(crate) fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "—".into(),
        other => other.to_string(),
    }
}

fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
    let join = |k: &str| {
        if prefix.is_empty() {
            k.to_owned()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match v {
        Value::Object(m) => m.iter().for_each(|(k, v)| flatten(&join(k), v, out)),
        Value::Array(a) if a.iter().any(|x| x.is_object() || x.is_array()) => a
            .iter()
            .enumerate()
            .for_each(|(i, v)| flatten(&join(&i.to_string()), v, out)),
        other => out.push((prefix.to_owned(), scalar(other))),
    }
}
