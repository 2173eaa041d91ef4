//! The provider's discovery document and key set.

use openidconnect::core::{
    CoreAuthDisplay, CoreClaimName, CoreClaimType, CoreClientAuthMethod, CoreGrantType,
    CoreJsonWebKey, CoreJsonWebKeySet, CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm, CoreResponseMode, CoreResponseType, CoreSubjectIdentifierType,
};
use openidconnect::{AdditionalProviderMetadata, ProviderMetadata};
use serde::{Deserialize, Serialize};
use url::Url;

use super::AuthError;
use super::cache::MAX_TTL;
use super::clamp::header_seconds;
use crate::http::{BodyError, PROVIDER_BODY_CAP, describe, read_capped, require_secure_from};

/// Endpoints openidconnect's core metadata type leaves out.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ExtraMetadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) revocation_endpoint: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) end_session_endpoint: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) device_authorization_endpoint: Option<Url>,
    /// RFC 9207: the provider adds `iss` to authorization responses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_response_iss_parameter_supported: Option<bool>,
}

impl AdditionalProviderMetadata for ExtraMetadata {}

pub(crate) type Metadata = ProviderMetadata<
    ExtraMetadata,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

/// The issuer a metadata URL implies: the URL without its well-known suffix,
/// as text, because discovery compares issuers as exact strings.
pub(crate) fn issuer_of(server_metadata_url: &Url) -> String {
    let s = server_metadata_url.as_str();
    s.strip_suffix("/.well-known/openid-configuration")
        .unwrap_or(s)
        .to_owned()
}

/// Whether a session's issuer is the one a metadata URL names, allowing the
/// one trailing slash discovery allows.
pub(crate) fn is_issuer_of(issuer: &str, server_metadata_url: &Url) -> bool {
    let expected = issuer_of(server_metadata_url);
    issuer == expected || issuer.strip_suffix('/') == Some(expected.as_str())
}

/// The document as fetched (for the cache) and how long the provider
/// says it stays fresh.
pub(crate) async fn fetch_metadata_raw(
    http: &reqwest::Client,
    url: &Url,
) -> Result<(Vec<u8>, Option<std::time::Duration>), AuthError> {
    get_json(http, "the discovery document", url).await
}

/// Parse and check a discovery document: valid, and for the issuer the
/// metadata URL implies.
pub(crate) fn parse_metadata(
    url: &Url,
    body: &[u8],
    expected_issuer: &str,
) -> Result<Metadata, AuthError> {
    let metadata: Metadata = serde_json::from_slice(body).map_err(|e| AuthError::BadDiscovery {
        url: url.to_string(),
        reason: e.to_string(),
    })?;
    let found = metadata.issuer().as_str();
    // Discovery §4 drops one terminating "/" before appending the
    // well-known path, so `https://x/` is found at the same URL as
    // `https://x` (Auth0 names its issuers so).
    if found != expected_issuer && found.strip_suffix('/') != Some(expected_issuer) {
        return Err(AuthError::IssuerMismatch {
            url: url.to_string(),
            expected: expected_issuer.to_owned(),
            found: found.to_owned(),
        });
    }
    Ok(metadata)
}

pub(crate) async fn fetch_jwks(
    http: &reqwest::Client,
    url: &Url,
) -> Result<CoreJsonWebKeySet, AuthError> {
    let (body, _) = fetch_jwks_raw(http, url).await?;
    parse_jwks(url, &body)
}

pub(crate) async fn fetch_jwks_raw(
    http: &reqwest::Client,
    url: &Url,
) -> Result<(Vec<u8>, Option<std::time::Duration>), AuthError> {
    get_json(http, "the key set (JWKS)", url).await
}

pub(crate) fn parse_jwks(url: &Url, body: &[u8]) -> Result<CoreJsonWebKeySet, AuthError> {
    serde_json::from_slice(body).map_err(|e| AuthError::BadJwks {
        url: url.to_string(),
        reason: e.to_string(),
    })
}

/// `Cache-Control: max-age=N` as a duration; `no-store`/`no-cache` as zero.
fn max_age(headers: &reqwest::header::HeaderMap) -> Option<std::time::Duration> {
    let value = headers.get(reqwest::header::CACHE_CONTROL)?.to_str().ok()?;
    let mut age = None;
    for directive in value.split(',').map(str::trim) {
        let lower = directive.to_ascii_lowercase();
        if lower == "no-store" || lower == "no-cache" {
            return Some(std::time::Duration::ZERO);
        }
        if let Some(n) = lower.strip_prefix("max-age=") {
            // Clamped here, as the cache clamps again: no number overflows.
            age = header_seconds(n, MAX_TTL.as_secs()).map(std::time::Duration::from_secs);
        }
    }
    age
}

async fn get_json(
    http: &reqwest::Client,
    what: &'static str,
    url: &Url,
) -> Result<(Vec<u8>, Option<std::time::Duration>), AuthError> {
    let unreachable = |reason| AuthError::Unreachable {
        what,
        url: url.to_string(),
        reason,
    };
    let response = http
        .get(url.clone())
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| unreachable(describe(e)))?;
    let status = response.status();
    if !status.is_success() {
        let detail = if status.is_redirection() {
            " (a redirect; authdash does not follow redirects to provider endpoints: use the final URL)"
                .to_owned()
        } else {
            String::new()
        };
        return Err(AuthError::HttpStatus {
            what,
            url: url.to_string(),
            status: status.as_u16(),
            detail,
        });
    }
    let age = max_age(response.headers());
    match read_capped(response, PROVIDER_BODY_CAP).await {
        Ok(body) => Ok((body, age)),
        Err(BodyError::Transport(reason)) => Err(unreachable(reason)),
        Err(too_large) => Err(AuthError::TooLarge {
            what,
            url: url.to_string(),
            reason: too_large.to_string(),
        }),
    }
}

/// Every endpoint the document names, https unless the provider and the
/// endpoint are both on this machine; checked once, when the document is
/// read (fresh or from the cache), before any request goes to them.
pub(crate) fn check_endpoints(
    metadata: &Metadata,
    provider_loopback: bool,
) -> Result<(), AuthError> {
    let extra = metadata.additional_metadata();
    let named: [(&'static str, Option<&Url>); 7] = [
        (
            "authorization_endpoint",
            Some(metadata.authorization_endpoint().url()),
        ),
        ("token_endpoint", metadata.token_endpoint().map(|u| u.url())),
        (
            "userinfo_endpoint",
            metadata.userinfo_endpoint().map(|u| u.url()),
        ),
        ("jwks_uri", Some(metadata.jwks_uri().url())),
        ("revocation_endpoint", extra.revocation_endpoint.as_ref()),
        (
            "device_authorization_endpoint",
            extra.device_authorization_endpoint.as_ref(),
        ),
        ("end_session_endpoint", extra.end_session_endpoint.as_ref()),
    ];
    for (endpoint, url) in named {
        if let Some(url) = url {
            require_secure_from(provider_loopback, endpoint, url)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use reqwest::header::{CACHE_CONTROL, HeaderMap, HeaderValue};

    use super::{MAX_TTL, max_age};

    #[test]
    fn cache_control_table() {
        let cases = [
            (
                Some("public, max-age=3600"),
                Some(Duration::from_secs(3600)),
            ),
            (
                Some("max-age=60, must-revalidate"),
                Some(Duration::from_secs(60)),
            ),
            (Some("no-store"), Some(Duration::ZERO)),
            (Some("private, no-cache"), Some(Duration::ZERO)),
            (Some("public"), None),
            (Some("max-age=nonsense"), None),
            (Some("max-age=-1"), None),
            (Some("max-age=18446744073709551616"), Some(MAX_TTL)),
            (Some("max-age=1e308"), None),
            (None, None),
        ];
        for (header, expected) in cases {
            let mut headers = HeaderMap::new();
            if let Some(h) = header {
                headers.insert(CACHE_CONTROL, HeaderValue::from_static(h));
            }
            assert_eq!(max_age(&headers), expected, "{header:?}");
        }
    }
}
