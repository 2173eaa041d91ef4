//! RFC 7009 revocation as a plain form POST: oauth2's own refuses plain
//! http, which the demo and test providers on loopback use.

use secrecy::ExposeSecret;

use super::http::{describe, require_secure};
use super::{AuthError, Provider, Session};

impl Provider {
    /// Revoke the refresh token, then the access token. `Ok(false)` when the
    /// provider has no revocation endpoint.
    pub async fn revoke(&self, session: &Session) -> Result<bool, AuthError> {
        let Some(endpoint) = self.revocation_endpoint() else {
            return Ok(false);
        };
        require_secure("revocation_endpoint", endpoint)?;
        let tokens = &session.tokens;
        if let Some(rt) = &tokens.refresh_token {
            self.revoke_one(endpoint, rt.expose_secret(), "refresh_token")
                .await?;
        }
        self.revoke_one(
            endpoint,
            tokens.access_token.expose_secret(),
            "access_token",
        )
        .await?;
        Ok(true)
    }

    async fn revoke_one(
        &self,
        endpoint: &url::Url,
        token: &str,
        hint: &str,
    ) -> Result<(), AuthError> {
        let config = self.config();
        let mut form = vec![("token", token), ("token_type_hint", hint)];
        let mut request = self.http().post(endpoint.clone());
        match &config.client_secret {
            Some(secret) => {
                request = request.basic_auth(
                    form_encode(&config.client_id),
                    Some(form_encode(secret.expose_secret())),
                );
            }
            None => form.push(("client_id", &config.client_id)),
        }
        let response = request
            .form(&form)
            .send()
            .await
            .map_err(|e| AuthError::Revocation(describe(e)))?;
        let status = response.status();
        // RFC 7009 §2.2: 200 for success and for tokens already invalid.
        if status.is_success() {
            Ok(())
        } else {
            Err(AuthError::Revocation(format!(
                "{endpoint} answered HTTP {}",
                status.as_u16()
            )))
        }
    }
}

/// client_secret_basic encodes id and secret as form values first (RFC 6749 §2.3.1).
fn form_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
