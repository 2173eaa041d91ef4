//! Where a panel's address may take the access token. The fetch itself
//! (401 → one renewal → one retry) is in `source`.

use crate::auth::Provider;
use crate::http::{require_secure, require_secure_from};

/// Where a panel's address may take the access token: https, or plain http
/// on this machine only when the provider is on this machine too — a
/// remote provider's token sent in the clear to a loopback port goes to
/// whichever local process listens there. The rule of the provider's own
/// endpoints. Without the provider (before discovery), the looser check.
pub(super) fn check_panel_url(url: &str, provider: Option<&Provider>) -> Result<(), String> {
    let parsed =
        url::Url::parse(url).map_err(|e| format!("the panel's address {url} is not a URL: {e}"))?;
    match provider {
        None => require_secure("the panel's data_url", &parsed),
        Some(p) => require_secure_from(p.is_loopback(), "the panel's data_url", &parsed),
    }
    .map_err(|e| e.to_string())
}
