//! Token endpoint calls and turning their responses into sessions.

use chrono::{TimeDelta, Utc};
use openidconnect::core::{CoreErrorResponseType, CoreTokenResponse};
use openidconnect::{
    HttpClientError, OAuth2TokenResponse, RequestTokenError, StandardErrorResponse, TokenResponse,
};
use secrecy::SecretString;

use super::http::describe;
use super::{AuthError, OAuthErrorText, TokenSet};

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
        RequestTokenError::Parse(e, _) => Err(AuthError::TokenEndpoint(format!(
            "its answer is not a valid token response: {e}"
        ))),
        RequestTokenError::Other(e) => Err(AuthError::TokenEndpoint(e)),
    }
}

pub(crate) fn token_set(response: &CoreTokenResponse, id_token: String) -> TokenSet {
    TokenSet {
        access_token: SecretString::from(response.access_token().secret().to_owned()),
        refresh_token: response
            .refresh_token()
            .map(|t| SecretString::from(t.secret().to_owned())),
        id_token: SecretString::from(id_token),
        expires_at: response
            .expires_in()
            .and_then(|d| TimeDelta::from_std(d).ok())
            .map(|d| Utc::now() + d),
        scopes: response
            .scopes()
            .map(|s| s.iter().map(|s| s.to_string()).collect())
            .unwrap_or_default(),
    }
}

pub(crate) fn id_token_of(
    response: &CoreTokenResponse,
) -> Option<&openidconnect::core::CoreIdToken> {
    response.id_token()
}
