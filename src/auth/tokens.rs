//! Token endpoint calls and turning their responses into sessions.

use chrono::{TimeDelta, Utc};
use openidconnect::core::{CoreErrorResponseType, CoreIdToken, CoreTokenResponse};
use openidconnect::{
    HttpClientError, OAuth2TokenResponse, RequestTokenError, StandardErrorResponse, TokenResponse,
};
use secrecy::{ExposeSecret, SecretString};

use super::session::user_of;
use super::verify::NonceCheck;
use super::{AuthError, OAuthErrorText, Provider, Session, TokenSet};
use crate::http::describe;

pub(crate) type TokenError = RequestTokenError<
    HttpClientError<reqwest::Error>,
    StandardErrorResponse<CoreErrorResponseType>,
>;

/// The provider's error response as text, or what failed on the way.
pub(crate) fn classify(error: TokenError) -> Result<OAuthErrorText, AuthError> {
    match error {
        RequestTokenError::ServerResponse(e) => Ok(OAuthErrorText {
            error: e.error().as_ref().to_owned(),
            description: e.error_description().cloned(),
        }),
        RequestTokenError::Request(HttpClientError::Reqwest(e)) => {
            Err(AuthError::TokenEndpoint(describe(*e)))
        }
        RequestTokenError::Request(e) => Err(AuthError::TokenEndpoint(e.to_string())),
        // An ID token whose claims cannot be read (no `iat`, no `sub`, …) is
        // the ID token's fault, not the endpoint's.
        RequestTokenError::Parse(e, body) => Err(match unreadable_id_token(&body) {
            Some(why) => AuthError::IdToken(format!("it cannot be read: {why}")),
            None => {
                AuthError::TokenEndpoint(format!("its answer is not a valid token response: {e}"))
            }
        }),
        RequestTokenError::Other(e) => Err(AuthError::TokenEndpoint(e)),
    }
}

/// Why the `id_token` of a token response does not parse, if it is there
/// and does not.
fn unreadable_id_token(body: &[u8]) -> Option<String> {
    let response: serde_json::Value = serde_json::from_slice(body).ok()?;
    let raw = response.get("id_token")?.clone();
    serde_json::from_value::<CoreIdToken>(raw)
        .err()
        .map(|e| e.to_string())
}

pub(crate) fn token_set(response: &CoreTokenResponse, id_token: String) -> TokenSet {
    TokenSet {
        access_token: SecretString::from(response.access_token().secret().to_owned()),
        refresh_token: response
            .refresh_token()
            .map(|t| SecretString::from(t.secret().to_owned())),
        id_token: SecretString::from(id_token),
        // `expires_in` arrives clamped (`clamp`); checked arithmetic all
        // the same, so no number from a provider can panic here.
        expires_at: response
            .expires_in()
            .and_then(|d| TimeDelta::from_std(d).ok())
            .and_then(|d| Utc::now().checked_add_signed(d)),
        scopes: response
            .scopes()
            .map(|s| s.iter().map(|s| s.to_string()).collect())
            .unwrap_or_default(),
    }
}

pub(crate) fn id_token_of(response: &CoreTokenResponse) -> Option<&CoreIdToken> {
    response.id_token()
}

/// A fresh login's token response as a session: the ID token verified
/// (with the nonce the flow sent, if any), userinfo fetched and the user
/// mapped. The browser and device flows both end here.
pub(crate) async fn new_session(
    provider: &Provider,
    response: &CoreTokenResponse,
    nonce: NonceCheck<'_>,
) -> Result<Session, AuthError> {
    let id_token = id_token_of(response).ok_or(AuthError::NoIdToken)?;
    let id_claims = provider
        .verify_id_token(id_token, response.access_token(), nonce, None)
        .await?;
    let tokens = token_set(response, id_token.to_string());
    let subject = id_claims
        .get("sub")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_owned();
    let userinfo = provider
        .userinfo(tokens.access_token.expose_secret(), &subject)
        .await?;
    let config = provider.config();
    let (user, id_claims, userinfo) = user_of(
        provider,
        id_claims,
        userinfo,
        tokens.access_token.expose_secret(),
    )
    .await?;
    Ok(Session {
        provider: config.name.clone(),
        issuer: provider.issuer().to_owned(),
        client_id: config.client_id.clone(),
        tokens,
        id_claims,
        userinfo,
        user,
        logged_in_at: Utc::now(),
        refreshed_at: None,
        unverified: None,
        apis: Default::default(),
    })
}
