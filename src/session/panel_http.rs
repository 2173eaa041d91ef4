//! A panel's data from an http API, fetched with the access token.

use serde_json::Value;

use super::redact::Redactor;
use crate::panels::SourceError;
use crate::panels::source_text::{json, mib};

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
    let redact = Redactor::new(access_token, None);
    let error_text = |body: &[u8]| crate::panels::error_text(body).map(|t| redact.text(&t));
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
