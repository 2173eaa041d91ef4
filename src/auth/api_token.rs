//! A token for one API, asked for with the session's refresh token in the
//! provider's style ([`ResourceStyle`]) (the tokens a session holds per API
//! are the session's: [`super::session::ApiTokens`]). The session service
//! decides when to ask and keeps what comes back; nothing here stores or
//! retries.

use base64::Engine as _;
use chrono::{TimeDelta, Utc};
use openidconnect::{OAuth2TokenResponse, RefreshToken, Scope};
use secrecy::{ExposeSecret, SecretString};

use super::session::{ApiGrant, ApiToken};
use super::tokens::classify;
use super::{AuthError, Provider};
use crate::config::{ApiRef, ResourceStyle};

impl Provider {
    /// Spend `refresh_token` for a token for `api`, asked in `style`:
    /// RFC 8707 `resource`, Auth0 `audience` with `scope`, or Entra's
    /// `scope=<resource>/.default`. An ID token in the answer is ignored:
    /// it never replaces the session's claims.
    pub(crate) async fn exchange_for_api(
        &self,
        refresh_token: &SecretString,
        api: &ApiRef,
        style: ResourceStyle,
        _org: Option<&str>,
    ) -> Result<ApiGrant, AuthError> {
        let client = self.client(self.current_keys(), None);
        let refresh = RefreshToken::new(refresh_token.expose_secret().to_owned());
        let mut request = client
            .exchange_refresh_token(&refresh)
            .map_err(|_| AuthError::MissingEndpoint("token endpoint"))?;
        let scopes = request_scopes(api, style);
        match style {
            ResourceStyle::Rfc8707 => {
                request = request.add_extra_param("resource", api.resource.clone());
            }
            ResourceStyle::Audience => {
                request = request.add_extra_param("audience", api.resource.clone());
            }
            ResourceStyle::Entra => {}
        }
        request = request.add_scopes(scopes.iter().cloned().map(Scope::new));
        let response = match request.request_async(self.http()).await {
            Ok(r) => r,
            Err(e) => {
                return Err(AuthError::ApiTokenRefused {
                    resource: api.resource.clone(),
                    error: classify(e)?,
                });
            }
        };
        let raw = response.access_token().secret().to_owned();
        let granted = response
            .scopes()
            .map(|s| s.iter().map(|s| s.to_string()).collect())
            .unwrap_or(scopes);
        let token = ApiToken {
            resource: api.resource.clone(),
            // Keyed by the organization the token itself names (Auth0
            // Organizations' `org_id`), whatever was asked.
            org: org_of(&raw),
            audience: audience_of(&raw),
            access_token: SecretString::from(raw),
            expires_at: response
                .expires_in()
                .and_then(|d| TimeDelta::from_std(d).ok())
                .and_then(|d| Utc::now().checked_add_signed(d)),
            scopes: granted,
            obtained_at: Utc::now(),
            renewals: 0,
            refresh_token: None,
        };
        Ok(ApiGrant {
            token,
            refresh_token: response
                .refresh_token()
                .map(|t| SecretString::from(t.secret().to_owned())),
        })
    }
}

/// The `scope` of an API token request: the API's scopes (RFC 8707,
/// Auth0), or for Entra each as `<resource>/<scope>`, `.default` without.
pub(crate) fn request_scopes(api: &ApiRef, style: ResourceStyle) -> Vec<String> {
    match style {
        ResourceStyle::Entra => {
            let base = api.resource.trim_end_matches('/');
            if api.scopes.is_empty() {
                vec![format!("{base}/.default")]
            } else {
                api.scopes.iter().map(|s| format!("{base}/{s}")).collect()
            }
        }
        _ => api.scopes.clone(),
    }
}

/// What a token is to the client: opaque, or a JWT (a header that is
/// a JSON object naming its `alg`) whose claims may not be readable.
enum Shape {
    Opaque,
    Jwt(Option<serde_json::Value>),
}

fn shape(token: &str) -> Shape {
    // JWTs are unpadded; a padded one is still one, and still judged.
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    let json = |part: &str| {
        engine
            .decode(part)
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .filter(serde_json::Value::is_object)
    };
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Shape::Opaque;
    };
    match json(header) {
        Some(h) if h.get("alg").is_some() => Shape::Jwt(json(payload)),
        _ => Shape::Opaque,
    }
}

/// A JWT's `aud` (a string or a list), read and not verified: the token
/// is the API's to verify; the client only makes sure it goes where it
/// was meant to. Empty for an opaque token, or a JWT that names none.
pub fn audience_of(token: &str) -> Vec<String> {
    let Shape::Jwt(Some(claims)) = shape(token) else {
        return Vec::new();
    };
    match claims.get("aud") {
        Some(serde_json::Value::String(s)) => vec![s.clone()],
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether `granted` holds `scope`, as it is or, as Entra says them,
/// after the API's identifier (`api://billing/invoices.read`).
pub(crate) fn has_scope(granted: &[String], scope: &str) -> bool {
    granted.iter().any(|g| {
        g == scope
            || g.strip_suffix(scope)
                .is_some_and(|prefix| prefix.ends_with('/'))
    })
}

/// Whether `token` may be sent to `resource`, judged from the token
/// itself (never from what was stored beside it): an opaque token (the
/// API judges it), or a JWT whose `aud` names `resource` — the same URI
/// give or take a final `/`, or Entra's application ID URI `api://ID` for
/// the bare `ID` its tokens carry. A JWT naming no audience, or whose
/// claims cannot be read, is valid who knows where: not sent.
pub(crate) fn sendable_to(token: &str, resource: &str) -> bool {
    if matches!(shape(token), Shape::Opaque) {
        return true;
    }
    let want = resource.trim_end_matches('/');
    audience_of(token).iter().any(|aud| {
        let aud = aud.trim_end_matches('/');
        aud == want || want.strip_prefix("api://") == Some(aud)
    })
}

/// The organization a JWT is bound to (`org_id`, as Auth0 Organizations
/// put it), read and not verified; `None` for an opaque token or one that
/// names none (not bound: good in every organization).
pub(crate) fn org_of(token: &str) -> Option<String> {
    let Shape::Jwt(Some(claims)) = shape(token) else {
        return None;
    };
    claims.get("org_id")?.as_str().map(str::to_owned)
}

/// Whether `token` may be sent for the organization `org` (the active
/// one; `None`: no organization chosen), judged from the token itself: a
/// token bound to an organization goes for that one only. An `org_id`
/// that is not a string (a number, a list) binds it to who knows which:
/// it goes in none.
pub(crate) fn sendable_in(token: &str, org: Option<&str>) -> bool {
    if org_unreadable(token) {
        return false;
    }
    org_of(token).is_none_or(|bound| Some(bound.as_str()) == org)
}

/// Whether `token` names an organization in a form that is not one
/// organization's id: an `org_id` present, not null, and not a string.
fn org_unreadable(token: &str) -> bool {
    let Shape::Jwt(Some(claims)) = shape(token) else {
        return false;
    };
    claims
        .get("org_id")
        .is_some_and(|v| !v.is_null() && !v.is_string())
}
