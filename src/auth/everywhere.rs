//! "Log out everywhere": PropelAuth's backend API ends every session of
//! the user, on every device, with the API key named in the config.

use secrecy::ExposeSecret;

use super::{AuthError, Provider, Session};
use crate::http::{describe, require_secure_from};

impl Provider {
    /// Configured, and the key's variable is set in this environment.
    pub fn can_log_out_everywhere(&self) -> bool {
        self.config()
            .logout_everywhere
            .as_ref()
            .is_some_and(|l| l.api_key.is_some())
    }

    /// End every session of the session's user at the provider
    /// (`POST {issuer}/api/backend/v1/user/{user_id}/logout_all_sessions`).
    pub async fn log_out_everywhere(&self, session: &Session) -> Result<(), AuthError> {
        let setting =
            self.config()
                .logout_everywhere
                .as_ref()
                .ok_or(AuthError::MissingEndpoint(
                    "log-out-everywhere setting (logout_everywhere_api_key_env)",
                ))?;
        let key = setting.api_key.as_ref().ok_or_else(|| {
            AuthError::Revocation(format!(
                "set the environment variable {} to the provider's backend API key",
                setting.env
            ))
        })?;
        // One path segment: `/` and the rest are percent-encoded, and the
        // dot segments (which no encoding keeps a URL parser from
        // resolving) refused, so the key never goes to another endpoint.
        let subject = session.user.subject.as_str();
        if matches!(subject, "" | "." | "..") {
            return Err(AuthError::Revocation(format!(
                "the user id `{}` cannot be put in the backend API's address",
                crate::identity::visible(subject)
            )));
        }
        let user: String = url::form_urlencoded::byte_serialize(subject.as_bytes()).collect();
        let url = url::Url::parse(&format!(
            "{}/api/backend/v1/user/{user}/logout_all_sessions",
            self.issuer().trim_end_matches('/')
        ))
        .map_err(|e| AuthError::Revocation(format!("cannot build the backend URL: {e}")))?;
        require_secure_from(self.is_loopback(), "the backend API", &url)?;
        let response = self
            .http()
            .post(url.clone())
            .bearer_auth(key.expose_secret())
            .send()
            .await
            .map_err(|e| AuthError::Revocation(describe(e)))?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(AuthError::Revocation(format!(
                "the backend API at {url} answered HTTP {}{}",
                status.as_u16(),
                if status.as_u16() == 401 {
                    format!(": is {} the right API key?", setting.env)
                } else {
                    String::new()
                }
            )))
        }
    }
}
