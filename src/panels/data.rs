//! Fetching a panel's data with the access token.

use serde::Deserialize;
use serde_json::Value;

/// What a panel shows: a summary and labelled values, or any JSON as text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PanelData {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub items: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// The access token was refused: refresh and try once more.
    #[error("the panel's API refused the access token (HTTP 401)")]
    Unauthorized,
    #[error("the panel's API says no: {0}")]
    Forbidden(String),
    #[error("{0}")]
    Failed(String),
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

/// What a panel's answer may hold unless `panel_body_cap_mib` says
/// otherwise: dashboards show a screenful, not a data dump.
pub const DEFAULT_PANEL_BODY_CAP: usize = 4 * 1024 * 1024;

/// [`fetch_capped`] with the default cap.
pub async fn fetch(
    http: &reqwest::Client,
    url: &str,
    access_token: &str,
) -> Result<PanelData, FetchError> {
    fetch_capped(http, url, access_token, DEFAULT_PANEL_BODY_CAP).await
}

/// GET the panel's data with the access token; the body is read while it
/// streams and refused once it passes `cap` bytes (memory stays flat
/// whatever the API sends).
pub async fn fetch_capped(
    http: &reqwest::Client,
    url: &str,
    access_token: &str,
    cap: usize,
) -> Result<PanelData, FetchError> {
    let response = http
        .get(url)
        .bearer_auth(access_token)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| FetchError::Failed(crate::auth::http::describe(e)))?;
    let status = response.status();
    let body = crate::auth::http::read_capped(response, cap)
        .await
        .map_err(|e| FetchError::Failed(format!("the panel's API: {e} (panel_body_cap_mib)")))?;
    match status.as_u16() {
        200..=299 => Ok(parse(&body)),
        401 => Err(FetchError::Unauthorized),
        403 => Err(FetchError::Forbidden(
            error_text(&body).unwrap_or_else(|| "forbidden".into()),
        )),
        code => Err(FetchError::Failed(format!(
            "the panel's API answered HTTP {code}{}",
            error_text(&body)
                .map(|t| format!(": {t}"))
                .unwrap_or_default()
        ))),
    }
}

pub(crate) fn error_text(body: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(body).ok()?;
    v.get("error_description")
        .or_else(|| v.get("error"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// The `{title, summary, items}` shape, else any JSON flattened to
/// `path: value` lines, else the text itself.
pub fn parse(body: &[u8]) -> PanelData {
    match serde_json::from_slice::<Value>(body) {
        Ok(v) => from_value(&v),
        Err(_) => PanelData {
            title: None,
            summary: Some(String::from_utf8_lossy(body).into_owned()),
            items: Vec::new(),
        },
    }
}

/// [`parse`] for JSON already read: the `{title, summary, items}` shape,
/// else the JSON flattened to `path: value` lines.
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
