//! HTTP as every part of authdash speaks it — the OIDC engine, panel
//! fetches through the session service, and `doctor`: one client builder
//! (no redirects, timeouts, no proxy toward this machine, a provider's own
//! CA), bodies capped while they stream, plain http only on loopback, and
//! transport errors said in one short line. It knows nothing of
//! providers, sessions or faces: they all use it, it uses none of them.

mod body;
mod client;
mod describe;
mod secure;
#[cfg(test)]
mod tests;

use std::time::Duration;

pub(crate) use body::{BodyError, cap_text, read_capped};
pub(crate) use client::{HttpOptions, TLS_HINT, client, read_ca_file};
pub(crate) use describe::describe;
pub(crate) use secure::require_secure;
pub use secure::{is_loopback, require_secure_from};

/// The most a provider answer may hold: discovery, JWKS, token, userinfo,
/// revocation and device answers are a few KiB; anything near this is an
/// attack or a misconfiguration, and reading it whole would cost memory.
pub(crate) const PROVIDER_BODY_CAP: usize = 1024 * 1024;

/// Said after a token or userinfo answer over its cap: what raises it.
pub(crate) const RAISE_CAP: &str = " (a person in thousands of organizations: raise \
                             `provider_body_cap_mib` under [authdash])";

/// What a panel's answer may hold unless `panel_body_cap_mib` says
/// otherwise: dashboards show a screenful, not a data dump.
pub const DEFAULT_PANEL_BODY_CAP: usize = 4 * 1024 * 1024;

/// What goes wrong before a request is sent: a client that cannot be
/// built (an unusable `ca_file`), an endpoint that is not https.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("could not reach {what} at {url}: {}", crate::identity::visible(.reason))]
    Unusable {
        what: &'static str,
        url: String,
        reason: String,
    },
    #[error(
        "the provider's {endpoint} {url} is not https: refused before any request went to it; \
         only a provider on this machine (loopback) may use plain http, toward this machine"
    )]
    Insecure { endpoint: &'static str, url: String },
}

/// Timeouts and caps, from the config's `[authdash]` keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpSettings {
    pub(crate) connect_timeout: Duration,
    pub request_timeout: Duration,
    /// `panel_body_cap_mib`: the most a panel's data answer may hold, in
    /// bytes.
    pub panel_body_cap: usize,
    /// `provider_body_cap_mib`: the most a provider's token or userinfo
    /// answer may hold, in bytes (their size grows with the person's
    /// organizations); discovery, keys and revocation keep 1 MiB.
    pub provider_body_cap: usize,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            panel_body_cap: DEFAULT_PANEL_BODY_CAP,
            provider_body_cap: PROVIDER_BODY_CAP,
        }
    }
}
