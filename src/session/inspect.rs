//! What the Session inspector shows about a session's provider and
//! tokens: the discovery summary, and a token decoded for reading (never
//! for trusting: verification happened when the session was made).

use base64::Engine as _;
use serde_json::Value;

use super::{SessionError, SessionService};
use crate::auth::{Provider, Session};

impl SessionService {
    /// The discovery summary of the provider that issued `session`.
    pub async fn describe_provider(
        &self,
        session: &Session,
    ) -> Result<Vec<(String, String)>, SessionError> {
        let provider = self.provider_of(session).await?;
        Ok(discovery_summary(&provider))
    }
}

fn names<T: serde::Serialize>(items: &[T]) -> String {
    items
        .iter()
        .filter_map(|i| serde_json::to_value(i).ok())
        .map(|v| match v {
            Value::String(s) => s,
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Issuer, endpoints, algorithms and grants, as label/value lines.
fn discovery_summary(provider: &Provider) -> Vec<(String, String)> {
    let m = provider.metadata();
    let mut out = vec![
        ("issuer".to_owned(), provider.issuer().to_owned()),
        (
            "authorization".to_owned(),
            m.authorization_endpoint().url().to_string(),
        ),
    ];
    let mut optional = |label: &str, value: Option<String>| {
        out.push((
            label.to_owned(),
            value.unwrap_or_else(|| "— (not offered)".to_owned()),
        ));
    };
    optional("token", m.token_endpoint().map(|u| u.url().to_string()));
    optional(
        "userinfo",
        m.userinfo_endpoint().map(|u| u.url().to_string()),
    );
    optional("jwks", Some(m.jwks_uri().url().to_string()));
    optional(
        "device",
        provider
            .device_authorization_endpoint()
            .map(|u| u.to_string()),
    );
    optional(
        "revocation",
        provider.revocation_endpoint().map(|u| u.to_string()),
    );
    optional(
        "end session",
        provider.end_session_endpoint().map(|u| u.to_string()),
    );
    optional(
        "ID token algs",
        Some(names(m.id_token_signing_alg_values_supported())),
    );
    optional("grants", m.grant_types_supported().map(|g| names(g)));
    optional(
        "scopes",
        m.scopes_supported().map(|s| {
            s.iter()
                .map(|x| x.as_str().to_owned())
                .collect::<Vec<_>>()
                .join(" ")
        }),
    );
    out
}

/// A JWT's header and claims, decoded without checking anything (for
/// reading only); `None` for an opaque token.
pub(crate) fn decode_jwt(token: &str) -> Option<(Value, Value)> {
    let mut parts = token.split('.');
    let (header, claims, _sig) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let decode = |part: &str| -> Option<Value> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(part.trim_end_matches('='))
            .ok()?;
        serde_json::from_slice(&bytes).ok()
    };
    Some((decode(header)?, decode(claims)?))
}
