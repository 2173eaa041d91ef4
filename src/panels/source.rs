//! Why a panel has no data, and the part of an answer it shows (a JSON
//! pointer). The fetching itself is the session service's
//! (`crate::session`), which holds the tokens.

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
    /// No token for the panel's own API (`resource`): the panel is locked
    /// with the reason and the fix; the session is fine.
    #[error("{reason}")]
    ApiRefused {
        reason: String,
        fix: String,
        /// A new login asking for the API may help (`u`).
        step_up: bool,
        /// The scopes that login asks for beyond the configured ones.
        ask: Vec<String>,
    },
    #[error("{0}")]
    Other(String),
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

pub(crate) fn json(body: &[u8]) -> Result<Value, SourceError> {
    serde_json::from_slice(body).map_err(|e| SourceError::BadJson(e.to_string()))
}

pub(crate) fn mib(cap: usize) -> String {
    crate::http::cap_text(cap)
}

pub(crate) fn secs(d: Duration) -> String {
    format!("{} s", d.as_secs_f64())
}
