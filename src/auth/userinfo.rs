//! Userinfo as plain JSON: PropelAuth's has `user_id` where the typed
//! openidconnect call insists on `sub`. Only that mapper may go without
//! `sub`, and only when `user_id` is the ID token's subject: otherwise an
//! answer about nobody in particular could dress up the session.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{AuthError, Provider};
use crate::http::{BodyError, RAISE_CAP, describe, read_capped, require_secure_from};

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
        require_secure_from(self.is_loopback(), "userinfo_endpoint", url)?;
        let body = self
            .http()
            .timed(self.userinfo_body(url, access_token))
            .await?;
        // Parsed as any JSON first: a type error from serde quotes the
        // value it met, and a hostile userinfo can answer with a string
        // holding the access token it was sent. Syntax errors quote nothing.
        let claims: BTreeMap<String, Value> = match serde_json::from_slice::<Value>(&body) {
            Ok(Value::Object(fields)) => fields.into_iter().collect(),
            Ok(other) => {
                return Err(AuthError::Userinfo(format!(
                    "not a JSON object but {}",
                    crate::identity::json_type(&other)
                )));
            }
            Err(e) => return Err(AuthError::Userinfo(format!("not JSON: {e}"))),
        };
        match claims.get("sub") {
            Some(sub) if sub.as_str() != Some(id_subject) => {
                return Err(AuthError::Userinfo(
                    "its `sub` differs from the ID token's: refused".into(),
                ));
            }
            Some(_) => {}
            None => self.subjectless_userinfo(&claims, id_subject)?,
        }
        Ok(Some(claims))
    }

    /// The userinfo answer's body: the request and the read, timed as
    /// waiting for the provider.
    async fn userinfo_body(
        &self,
        url: &url::Url,
        access_token: &str,
    ) -> Result<Vec<u8>, AuthError> {
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
        read_capped(response, self.http().cap())
            .await
            .map_err(|e| match e {
                BodyError::Transport(reason) => AuthError::Userinfo(reason),
                too_large => AuthError::Userinfo(format!("{url}: {too_large}{RAISE_CAP}")),
            })
    }

    /// Userinfo without `sub`: PropelAuth's shape (`user_id`) under the
    /// `propelauth` mapper, naming the ID token's subject; nothing else.
    fn subjectless_userinfo(
        &self,
        claims: &BTreeMap<String, Value>,
        id_subject: &str,
    ) -> Result<(), AuthError> {
        if self.config().org_claims.name() != "propelauth" {
            return Err(AuthError::Userinfo(
                "it has no `sub` (OIDC Core §5.3.2 requires one): refused; only PropelAuth's \
                 userinfo, under org_claims = \"propelauth\", may name the subject `user_id`"
                    .into(),
            ));
        }
        match claims.get("user_id").and_then(Value::as_str) {
            Some(user_id) if user_id == id_subject => Ok(()),
            Some(_) => Err(AuthError::Userinfo(
                "its `user_id` differs from the ID token's `sub`: refused".into(),
            )),
            None => Err(AuthError::Userinfo(
                "it has neither `sub` nor PropelAuth's `user_id`: refused".into(),
            )),
        }
    }
}
