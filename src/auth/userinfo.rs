//! Userinfo as plain JSON: PropelAuth's has `user_id` where the typed
//! openidconnect call insists on `sub`.

use std::collections::BTreeMap;

use serde_json::Value;

use super::http::{describe, require_secure};
use super::{AuthError, Provider};

impl Provider {
    /// The userinfo claims, or `None` when the provider has no endpoint.
    /// A `sub` different from the ID token's is refused (OIDC Core §5.3.4).
    pub(crate) async fn userinfo(
        &self,
        access_token: &str,
        id_subject: &str,
    ) -> Result<Option<BTreeMap<String, Value>>, AuthError> {
        let Some(endpoint) = self.metadata().userinfo_endpoint() else {
            return Ok(None);
        };
        let url = endpoint.url();
        require_secure("userinfo_endpoint", url)?;
        let response = self
            .http()
            .get(url.clone())
            .bearer_auth(access_token)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| AuthError::Userinfo(describe(e)))?;
        let status = response.status();
        if !status.is_success() {
            return Err(AuthError::Userinfo(format!(
                "{url} answered HTTP {}",
                status.as_u16()
            )));
        }
        let is_jwt = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/jwt"));
        if is_jwt {
            return Err(AuthError::Userinfo(
                "signed userinfo (application/jwt) is not supported; configure the provider to answer JSON".into(),
            ));
        }
        let body = response
            .bytes()
            .await
            .map_err(|e| AuthError::Userinfo(describe(e)))?;
        let claims: BTreeMap<String, Value> = serde_json::from_slice(&body)
            .map_err(|e| AuthError::Userinfo(format!("not a JSON object: {e}")))?;
        if let Some(sub) = claims.get("sub")
            && sub.as_str() != Some(id_subject)
        {
            return Err(AuthError::Userinfo(
                "its `sub` differs from the ID token's: refused".into(),
            ));
        }
        Ok(Some(claims))
    }
}
