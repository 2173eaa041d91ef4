//! `/.well-known/openid-configuration` and `/jwks`.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;

use super::Ctx;

/// The device authorization grant's `grant_type` (RFC 8628 §3.4).
pub(crate) const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// The scopes the demo understands; others are ignored.
/// `audit:read` is asked for only when a panel needs it (incremental
/// consent); the others are the demo config's.
pub(crate) const SCOPES: [&str; 5] = ["openid", "email", "profile", "offline_access", "audit:read"];

pub(crate) async fn openid_configuration(State(ctx): State<Arc<Ctx>>) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "issuer": ctx.issuer,
        "authorization_endpoint": ctx.endpoint("/authorize"),
        "token_endpoint": ctx.endpoint("/token"),
        "userinfo_endpoint": ctx.endpoint("/userinfo"),
        "jwks_uri": ctx.endpoint("/jwks"),
        "revocation_endpoint": ctx.endpoint("/revoke"),
        "end_session_endpoint": ctx.endpoint("/logout"),
        "device_authorization_endpoint": ctx.endpoint("/device"),
        "account_url": ctx.endpoint("/account"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": SCOPES,
        "token_endpoint_auth_methods_supported": ["none"],
        "revocation_endpoint_auth_methods_supported": ["none"],
        "code_challenge_methods_supported": ["S256"],
        "grant_types_supported": ["authorization_code", "refresh_token", DEVICE_CODE_GRANT],
        "claims_supported": [
            "iss", "sub", "aud", "azp", "exp", "iat", "auth_time", "nonce", "at_hash",
            "email", "email_verified", "name", "given_name", "family_name",
            "preferred_username", "picture"
        ],
        "prompt_values_supported": ["none", "login", "consent", "select_account"],
        "authorization_response_iss_parameter_supported": true,
        "claims_parameter_supported": false,
        "request_parameter_supported": false,
        "request_uri_parameter_supported": false,
    }))
}

pub(crate) async fn jwks(State(ctx): State<Arc<Ctx>>) -> Json<serde_json::Value> {
    Json(ctx.key.jwks.clone())
}
