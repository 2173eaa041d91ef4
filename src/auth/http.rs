//! The HTTP client every provider call goes through.

use std::time::Duration;

use url::Url;

use super::AuthError;

/// Timeouts and proxy rules for one provider.
#[derive(Debug, Clone, Copy)]
pub struct HttpOptions {
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// The provider runs on this machine: never send its traffic to a proxy.
    pub loopback: bool,
}

/// Redirects are off: OIDC endpoints never need them, and following them
/// would let a hostile response point us anywhere (SSRF).
pub fn client(options: HttpOptions) -> Result<reqwest::Client, AuthError> {
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(options.connect_timeout)
        .timeout(options.request_timeout)
        .user_agent(concat!("authdash/", env!("CARGO_PKG_VERSION")));
    if options.loopback {
        builder = builder.no_proxy();
    }
    builder.build().map_err(|e| AuthError::Unreachable {
        what: "the HTTP client",
        url: String::new(),
        reason: e.to_string(),
    })
}

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
pub fn require_secure(endpoint: &'static str, url: &Url) -> Result<(), AuthError> {
    if url.scheme() == "https" || (url.scheme() == "http" && is_loopback(url)) {
        Ok(())
    } else {
        Err(AuthError::InsecureEndpoint {
            endpoint,
            url: url.to_string(),
        })
    }
}

/// A transport error as a sentence, without the request's URL (whose query
/// could carry a code); sources are chained so "connection refused" shows.
pub fn describe(error: reqwest::Error) -> String {
    let timeout = error.is_timeout();
    let error = error.without_url();
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    if timeout {
        format!("timed out ({text})")
    } else {
        text
    }
}
