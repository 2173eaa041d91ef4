//! Refreshing a session with its refresh token.

use chrono::Utc;
use openidconnect::{OAuth2TokenResponse, RefreshToken};
use secrecy::{ExposeSecret, SecretString};

use super::session::user_of;
use super::tokens::{classify, id_token_of, token_set};
use super::verify::{Continuity, NonceCheck};
use super::{AuthError, Provider, Session};

impl Provider {
    /// New tokens for `session`. The refreshed ID token, if any, must keep
    /// the first one's `iss`, `sub` and `aud`; a response without a new
    /// refresh token keeps the old one.
    pub async fn refresh(&self, session: &Session) -> Result<Session, AuthError> {
        let old = session
            .tokens
            .refresh_token
            .as_ref()
            .ok_or(AuthError::NoRefreshToken)?;
        let client = self.client(self.current_keys(), None);
        let refresh_token = RefreshToken::new(old.expose_secret().to_owned());
        let response = client
            .exchange_refresh_token(&refresh_token)
            .map_err(|_| AuthError::MissingEndpoint("token endpoint"))?
            .request_async(self.http())
            .await;
        let response = match response {
            Ok(r) => r,
            Err(e) => return Err(AuthError::RefreshRejected(classify(e)?)),
        };
        let (id_token, id_claims) = match id_token_of(&response) {
            Some(t) => {
                let claims = self
                    .verify_id_token(
                        t,
                        response.access_token(),
                        NonceCheck::MayBeAbsent,
                        Some(Continuity {
                            original: &session.id_claims,
                        }),
                    )
                    .await?;
                (t.to_string(), claims)
            }
            None => (
                session.tokens.id_token.expose_secret().to_owned(),
                session.id_claims.clone(),
            ),
        };
        let mut tokens = token_set(&response, id_token);
        if tokens.refresh_token.is_none() {
            tokens.refresh_token = Some(SecretString::from(old.expose_secret().to_owned()));
        }
        let userinfo = match self
            .userinfo(tokens.access_token.expose_secret(), &session.user.subject)
            .await
        {
            Ok(info) => info,
            // Orgs may be stale for a while; the session itself is fine.
            Err(e) => {
                tracing::warn!("userinfo after refresh failed: {e}");
                session.userinfo.clone()
            }
        };
        let user = user_of(
            self,
            &id_claims,
            userinfo.as_ref(),
            tokens.access_token.expose_secret(),
        )
        .await?;
        Ok(Session {
            tokens,
            id_claims,
            userinfo,
            user,
            refreshed_at: Some(Utc::now()),
            ..session.clone()
        })
    }
}
