//! `/token`: the authorization code, refresh token and device code grants.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

use super::discovery::DEVICE_CODE_GRANT;
use super::{Ctx, no_store, oauth_error};
use crate::demo::DEMO_CLIENT_ID;
use crate::demo::params::Params;
use crate::demo::state::{Continuation, DevicePoll, Issued, RefreshRefusal, random_token};
use crate::demo::tokens;

fn invalid_request(description: &str) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, "invalid_request", description)
}

fn invalid_grant(description: &str) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", description)
}

/// The client id from the body, or from HTTP Basic with an empty secret.
pub(crate) fn client_id(params: &Params, headers: &HeaderMap) -> Option<String> {
    if let Some(id) = params.get("client_id") {
        return Some(id.to_string());
    }
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD.decode(encoded.trim()).ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, _secret) = decoded.split_once(':')?;
    let id = url::form_urlencoded::parse(format!("x={id}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())?;
    Some(id)
}

/// POST /token.
pub(crate) async fn token(
    State(ctx): State<Arc<Ctx>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = Params::parse(&body);
    if let Some(name) = params.duplicated() {
        return invalid_request(&format!("parameter {name} appears more than once"));
    }
    match client_id(&params, &headers) {
        Some(id) if id == DEMO_CLIENT_ID => {}
        Some(_) => {
            return oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "unknown client_id",
            );
        }
        None => {
            return oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "client_id is required (public client, no secret)",
            );
        }
    }
    match params.get("grant_type") {
        Some("authorization_code") => authorization_code(&ctx, &params),
        Some("refresh_token") => refresh(&ctx, &params),
        Some(DEVICE_CODE_GRANT) => device_code(&ctx, &params),
        Some(_) => oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "grant_type must be authorization_code, refresh_token or \
             urn:ietf:params:oauth:grant-type:device_code",
        ),
        None => invalid_request("grant_type is missing"),
    }
}

/// Whether `verifier` matches an S256 `challenge` (RFC 7636 §4.6).
fn pkce_matches(verifier: &str, challenge: &str) -> bool {
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
    well_formed && URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == challenge
}

fn authorization_code(ctx: &Ctx, params: &Params) -> Response {
    let Some(code) = params.get("code") else {
        return invalid_request("code is missing");
    };
    let Some(redirect_uri) = params.get("redirect_uri") else {
        return invalid_request("redirect_uri is missing");
    };
    // Redeeming consumes the code, whatever happens next.
    let Some(grant) = ctx.store().redeem_code(code) else {
        return invalid_grant("the code is unknown, expired or already used");
    };
    if grant.redirect_uri != redirect_uri {
        return invalid_grant("redirect_uri does not match the authorization request");
    }
    let Some(verifier) = params.get("code_verifier") else {
        return invalid_grant("code_verifier is missing (PKCE is required)");
    };
    if !pkce_matches(verifier, &grant.code_challenge) {
        return invalid_grant("code_verifier does not match the code_challenge");
    }
    let continuation = Continuation {
        user: grant.user,
        scope: grant.scope,
        auth_time: grant.auth_time,
        family: random_token(),
    };
    let issued = {
        let mut store = ctx.store();
        store.note_redeemed(code, &continuation.family);
        store.issue(&continuation, ctx.settings.access_token_ttl, true)
    };
    respond(ctx, &continuation, grant.nonce.as_deref(), issued)
}

fn refresh(ctx: &Ctx, params: &Params) -> Response {
    let Some(refresh_token) = params.get("refresh_token") else {
        return invalid_request("refresh_token is missing");
    };
    let audience = match params.get("resource") {
        None => None,
        Some(api) if super::api::demo_apis(&ctx.issuer).contains(&api.to_owned()) => {
            Some(api.to_owned())
        }
        Some(_) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_target",
                "the demo provider issues tokens for its billing and reports APIs only",
            );
        }
    };
    // What is refused is refused before the refresh token is used: a
    // refusal leaves it as it was (rotated, it would be spent, and the
    // next renewal taken for a replay).
    let granted = ctx.store().active_refresh_scope(refresh_token);
    if let (Some(requested), Some(granted)) = (params.get("scope"), granted) {
        let granted: Vec<&str> = granted.split(' ').collect();
        if !requested.split(' ').all(|s| granted.contains(&s)) {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_scope",
                "a refresh cannot widen the granted scope",
            );
        }
    }
    let rotate = ctx.settings.rotate_refresh_tokens;
    let continuation = match ctx.store().use_refresh(refresh_token, rotate) {
        Ok(continuation) => continuation,
        Err(RefreshRefusal::Reused) => {
            ctx.refresh_reuse_rejections.fetch_add(1, Ordering::Relaxed);
            tracing::warn!("a rotated refresh token was reused; its grant is revoked");
            return invalid_grant("the refresh token was already used (rotated)");
        }
        Err(RefreshRefusal::Revoked) => return invalid_grant("the refresh token was revoked"),
        Err(RefreshRefusal::Unknown) => {
            return invalid_grant("the refresh token is unknown or expired");
        }
    };
    if let Some(requested) = params.get("scope") {
        let granted: Vec<&str> = continuation.scope.split(' ').collect();
        if !requested.split(' ').all(|s| granted.contains(&s)) {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_scope",
                "a refresh cannot widen the granted scope",
            );
        }
    }
    let Some(audience) = audience else {
        let issued = ctx
            .store()
            .issue(&continuation, ctx.settings.access_token_ttl, rotate);
        return respond(ctx, &continuation, None, issued);
    };
    // An API's token says what it may do there: the scopes asked for it,
    // else the grant's.
    let scope = params
        .get("scope")
        .unwrap_or(&continuation.scope)
        .to_owned();
    let Some(user) = ctx.directory.user(&continuation.user) else {
        return invalid_grant("the user no longer exists");
    };
    let ttl = ctx.settings.access_token_ttl;
    let jwt = match tokens::api_access_token(ctx, user, &audience, &scope, ttl) {
        Ok(jwt) => jwt,
        Err(err) => {
            tracing::error!(error = %err, "cannot sign an API's access token");
            return oauth_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "the access token could not be signed",
            );
        }
    };
    let issued = ctx
        .store()
        .issue_with(&continuation, ttl, rotate, jwt, Some(audience));
    let grant = Continuation {
        scope,
        ..continuation
    };
    respond(ctx, &grant, None, issued)
}

/// One poll of a device authorization (RFC 8628 §3.4–3.5).
fn device_code(ctx: &Ctx, params: &Params) -> Response {
    ctx.device_polls.fetch_add(1, Ordering::Relaxed);
    let Some(device_code) = params.get("device_code") else {
        return invalid_request("device_code is missing");
    };
    let poll = ctx.store().poll_device(device_code);
    let pending =
        |error: &str, description: &str| oauth_error(StatusCode::BAD_REQUEST, error, description);
    match poll {
        DevicePoll::Pending => pending(
            "authorization_pending",
            "the user has not answered on the verification page yet",
        ),
        DevicePoll::SlowDown => pending(
            "slow_down",
            "polled sooner than the interval allows; the interval for this code is now 5 s longer",
        ),
        DevicePoll::Denied => pending("access_denied", "the user denied the device"),
        DevicePoll::Expired => pending(
            "expired_token",
            "the device code has expired; start a new device authorization",
        ),
        DevicePoll::Unknown => invalid_grant("the device code is unknown or already used"),
        DevicePoll::Approved(continuation) => {
            let issued = ctx
                .store()
                .issue(&continuation, ctx.settings.access_token_ttl, true);
            respond(ctx, &continuation, None, issued)
        }
    }
}

fn respond(ctx: &Ctx, grant: &Continuation, nonce: Option<&str>, issued: Issued) -> Response {
    let Some(user) = ctx.directory.user(&grant.user) else {
        return invalid_grant("the user no longer exists");
    };
    let id_token = match tokens::id_token(ctx, user, nonce, grant.auth_time, &issued.access_token) {
        Ok(token) => token,
        Err(err) => {
            tracing::error!(error = %err, "cannot sign the ID token");
            return oauth_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "the ID token could not be signed",
            );
        }
    };
    let mut body = serde_json::json!({
        "access_token": issued.access_token,
        "token_type": "Bearer",
        "expires_in": ctx.settings.access_token_ttl.as_secs(),
        "id_token": id_token,
        "scope": grant.scope,
    });
    if let (Some(refresh), Some(map)) = (issued.refresh_token, body.as_object_mut()) {
        map.insert("refresh_token".into(), refresh.into());
    }
    no_store((StatusCode::OK, Json(body)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_s256() {
        // RFC 7636 Appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(pkce_matches(verifier, challenge));
        assert!(!pkce_matches(
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXx",
            challenge
        ));
        assert!(!pkce_matches("short", challenge));
    }
}
