//! RFC 7009 revocation as a plain form POST: oauth2's own refuses plain
//! http, which the demo and test providers on loopback use.

use secrecy::ExposeSecret;
use serde_json::Value;

use super::{AuthError, Provider, Session};
use crate::http::{PROVIDER_BODY_CAP, describe, read_capped, require_secure_from};

impl Provider {
    /// Revoke the refresh token, then the access token, each whatever
    /// became of the other: a refresh token the provider would not revoke
    /// must not leave a live access token behind. `Ok(false)` when the
    /// provider has no revocation endpoint; an error names each token that
    /// could not be revoked.
    pub async fn revoke(&self, session: &Session) -> Result<bool, AuthError> {
        let Some(endpoint) = self.revocation_endpoint() else {
            return Ok(false);
        };
        require_secure_from(self.is_loopback(), "revocation_endpoint", endpoint)?;
        let tokens = &session.tokens;
        // Both at once: a refresh-token revocation that hangs must not
        // spend the caller's whole bound and leave the access token live.
        let refresh = async {
            match &tokens.refresh_token {
                Some(rt) => {
                    self.revoke_one(endpoint, rt.expose_secret(), "refresh_token")
                        .await
                }
                None => Ok(()),
            }
        };
        let access = self.revoke_one(
            endpoint,
            tokens.access_token.expose_secret(),
            "access_token",
        );
        let (refresh, access) = tokio::join!(refresh, access);
        let mut failures: Vec<String> =
            [("the refresh token", refresh), ("the access token", access)]
                .into_iter()
                .filter_map(|(which, result)| result.err().map(|e| format!("{which}: {e}")))
                .collect();
        // A login for one API alone left a refresh token of its own.
        for api in &session.apis.tokens {
            if let Some(rt) = &api.refresh_token
                && let Err(e) = self
                    .revoke_one(endpoint, rt.expose_secret(), "refresh_token")
                    .await
            {
                failures.push(format!("the refresh token for {}: {e}", api.resource));
            }
        }
        if failures.is_empty() {
            Ok(true)
        } else {
            Err(AuthError::Revocation(failures.join("; ")))
        }
    }

    async fn revoke_one(
        &self,
        endpoint: &url::Url,
        token: &str,
        hint: &str,
    ) -> Result<(), RevokeFailure> {
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
            .map_err(|e| RevokeFailure(describe(e)))?;
        let status = response.status();
        // RFC 7009 §2.2: 200 for success and for tokens already invalid.
        if status.is_success() {
            return Ok(());
        }
        let body = read_capped(response, PROVIDER_BODY_CAP)
            .await
            .unwrap_or_default();
        let error = serde_json::from_slice::<Value>(&body)
            .ok()
            .and_then(|v| v.get("error").and_then(Value::as_str).map(str::to_owned))
            // An error code is a word (RFC 6749 §5.2): anything else is not
            // shown, so no provider text reaches a terminal raw.
            .filter(|e| e.len() <= 64 && e.bytes().all(|b| b.is_ascii_graphic()));
        // RFC 7009 §2.2.1: the provider does not revoke this kind of token
        // (many keep access tokens short-lived instead): nothing to undo.
        if error.as_deref() == Some("unsupported_token_type") {
            tracing::info!("the provider does not revoke {hint}s (unsupported_token_type)");
            return Ok(());
        }
        Err(RevokeFailure(format!(
            "{endpoint} answered HTTP {}{}",
            status.as_u16(),
            error.map(|e| format!(" ({e})")).unwrap_or_default()
        )))
    }
}

/// Why one token could not be revoked.
struct RevokeFailure(String);

impl std::fmt::Display for RevokeFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// client_secret_basic encodes id and secret as form values first (RFC 6749 §2.3.1).
fn form_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
