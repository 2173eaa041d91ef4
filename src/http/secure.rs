//! https everywhere but on this machine.

use url::Url;

use super::HttpError;

/// 127.0.0.0/8, ::1 or `localhost`.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// https, or http on loopback (the demo and test providers).
pub(crate) fn require_secure(endpoint: &'static str, url: &Url) -> Result<(), HttpError> {
    require_secure_from(true, endpoint, url)
}

/// https, or plain http only when both the provider (`provider_loopback`)
/// and the endpoint are on this machine: a remote provider that names a
/// plain-http endpoint, even a loopback one, is refused.
pub fn require_secure_from(
    provider_loopback: bool,
    endpoint: &'static str,
    url: &Url,
) -> Result<(), HttpError> {
    if url.scheme() == "https" || (provider_loopback && url.scheme() == "http" && is_loopback(url))
    {
        Ok(())
    } else {
        Err(HttpError::Insecure {
            endpoint,
            url: url.to_string(),
        })
    }
}
