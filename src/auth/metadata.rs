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
use super::http::describe;

/// Endpoints openidconnect's core metadata type leaves out.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ExtraMetadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_endpoint: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_session_endpoint: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_authorization_endpoint: Option<Url>,
    /// RFC 9207: the provider adds `iss` to authorization responses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_response_iss_parameter_supported: Option<bool>,
}

impl AdditionalProviderMetadata for ExtraMetadata {}

pub type Metadata = ProviderMetadata<
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
pub fn issuer_of(server_metadata_url: &Url) -> String {
    let s = server_metadata_url.as_str();
    s.strip_suffix("/.well-known/openid-configuration")
        .unwrap_or(s)
        .to_owned()
}

/// Whether a session's issuer is the one a metadata URL names, allowing the
/// one trailing slash discovery allows.
pub fn is_issuer_of(issuer: &str, server_metadata_url: &Url) -> bool {
    let expected = issuer_of(server_metadata_url);
    issuer == expected || issuer.strip_suffix('/') == Some(expected.as_str())
}

pub async fn fetch_metadata(
    http: &reqwest::Client,
    url: &Url,
    expected_issuer: &str,
) -> Result<Metadata, AuthError> {
    let body = get_json(http, "the discovery document", url).await?;
    let metadata: Metadata =
        serde_json::from_slice(&body).map_err(|e| AuthError::BadDiscovery {
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

pub async fn fetch_jwks(http: &reqwest::Client, url: &Url) -> Result<CoreJsonWebKeySet, AuthError> {
    let body = get_json(http, "the key set (JWKS)", url).await?;
    serde_json::from_slice(&body).map_err(|e| AuthError::BadJwks {
        url: url.to_string(),
        reason: e.to_string(),
    })
}

async fn get_json(
    http: &reqwest::Client,
    what: &'static str,
    url: &Url,
) -> Result<Vec<u8>, AuthError> {
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
    response
        .bytes()
        .await
        .map(|b| b.to_vec())
        .map_err(|e| unreachable(describe(e)))
}
