//! Fetching a panel's data from an http API with the access token, and
//! picking the part the panel shows with a JSON pointer (a local program
//! is run by [`super::command`]). Called through the session service,
//! which supplies a usable token.

use std::time::Duration;

use serde_json::Value;

/// Why a panel has no data; each is said in the panel as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    /// 401 — when it comes back to the face, a renewal and a retry have
    /// already been tried.
    #[error("the API refused the access token (HTTP 401), even after the session was renewed")]
    Unauthorized,
    #[error("the API says you may not (HTTP 403): {0}")]
    Forbidden(String),
    #[error("the API answered HTTP {code}{}", .detail.as_ref().map(|d| format!(": {d}")).unwrap_or_default())]
    Status { code: u16, detail: Option<String> },
    #[error("no answer in time: {0}")]
    Timeout(String),
    #[error("the API could not be reached: {0}")]
    Transport(String),
    #[error("the answer is larger than the {limit} cap ({setting})")]
    TooLarge {
        limit: String,
        setting: &'static str,
    },
    #[error("the answer is not JSON: {0}")]
    BadJson(String),
    #[error("the pointer `select = \"{0}\"` matches nothing in the answer")]
    PointerMiss(String),
    #[error("the command {0}")]
    Command(String),
    #[error("{0}")]
    Other(String),
}

impl SourceError {
    /// A renewal may fix it.
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, SourceError::Unauthorized)
    }
}

/// `value` at the JSON pointer `select` (all of it without one).
pub fn select(value: Value, select: Option<&str>) -> Result<Value, SourceError> {
    match select {
        None | Some("") => Ok(value),
        Some(pointer) => value
            .pointer(pointer)
            .cloned()
            .ok_or_else(|| SourceError::PointerMiss(pointer.to_owned())),
    }
}

pub(super) fn json(body: &[u8]) -> Result<Value, SourceError> {
    serde_json::from_slice(body).map_err(|e| SourceError::BadJson(e.to_string()))
}

/// GET `url` with the bearer token; the body is capped while it streams.
/// The token, should the API quote it (a gateway's error, an endpoint
/// echoing the request), is shown as `[access token]`.
pub async fn fetch_http(
    http: &reqwest::Client,
    url: &str,
    access_token: &str,
    cap: usize,
) -> Result<Value, SourceError> {
    let response = http
        .get(url)
        .bearer_auth(access_token)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| {
            let timeout = e.is_timeout();
            let text = crate::http::describe(e);
            if timeout {
                SourceError::Timeout(text)
            } else {
                SourceError::Transport(text)
            }
        })?;
    let status = response.status().as_u16();
    let body = crate::http::read_capped(response, cap)
        .await
        .map_err(|e| match e {
            crate::http::BodyError::TooLarge { .. } => SourceError::TooLarge {
                limit: mib(cap),
                setting: "panel_body_cap_mib",
            },
            other => SourceError::Transport(other.to_string()),
        })?;
    let redact = super::command::Redactor::new(access_token, None);
    let error_text = |body: &[u8]| super::data::error_text(body).map(|t| redact.text(&t));
    match status {
        200..=299 => json(&body).map(|v| redact.value(v)),
        401 => Err(SourceError::Unauthorized),
        403 => Err(SourceError::Forbidden(
            error_text(&body).unwrap_or_else(|| "forbidden".into()),
        )),
        code => Err(SourceError::Status {
            code,
            detail: error_text(&body),
        }),
    }
}

pub(super) fn mib(cap: usize) -> String {
    crate::http::cap_text(cap)
}

pub(super) fn secs(d: Duration) -> String {
    format!("{} s", d.as_secs_f64())
}
