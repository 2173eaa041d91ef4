//! `/revoke`, `/logout` (RP-initiated logout) and `/account`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::core::{CoreIdToken, CoreIdTokenVerifier, CoreJsonWebKeySet};
use openidconnect::{ClientId, IssuerUrl, Nonce};

use super::{
    Ctx, SESSION_COOKIE, html_error, is_loopback_redirect, no_store, oauth_error, session_cookie,
};
use crate::demo::DEMO_CLIENT_ID;
use crate::demo::pages;
use crate::demo::params::Params;

/// POST /revoke (RFC 7009). 200 whether or not the token was known.
pub(crate) async fn revoke(State(ctx): State<Arc<Ctx>>, body: Bytes) -> Response {
    let params = Params::parse(&body);
    if let Some(id) = params.get("client_id")
        && id != DEMO_CLIENT_ID
    {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "unknown client_id",
        );
    }
    let Some(token) = params.get("token") else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "token is missing",
        );
    };
    if ctx.store().revoke(token) {
        tracing::info!("token revoked");
    }
    no_store(StatusCode::OK.into_response())
}

/// Whether `hint` is an ID token this provider signed for the demo client.
/// Expired hints are accepted (OIDC RP-Initiated Logout §2).
fn valid_id_token_hint(ctx: &Ctx, hint: &str) -> bool {
    let Ok(token) = hint.parse::<CoreIdToken>() else {
        return false;
    };
    // Read `iat` (unverified) only to evaluate expiry at issue time.
    let issued_at = hint
        .split('.')
        .nth(1)
        .and_then(|payload| URL_SAFE_NO_PAD.decode(payload).ok())
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .and_then(|claims| claims.get("iat").and_then(serde_json::Value::as_i64))
        .and_then(|iat| chrono::DateTime::from_timestamp(iat, 0));
    let (Some(issued_at), Ok(issuer), Ok(jwks)) = (
        issued_at,
        IssuerUrl::new(ctx.issuer.clone()),
        serde_json::from_value::<CoreJsonWebKeySet>(ctx.key.jwks.clone()),
    ) else {
        return false;
    };
    let verifier =
        CoreIdTokenVerifier::new_public_client(ClientId::new(DEMO_CLIENT_ID.into()), issuer, jwks)
            .set_time_fn(move || issued_at);
    token.claims(&verifier, |_: Option<&Nonce>| Ok(())).is_ok()
}

/// GET /logout: ends the demo browser session.
pub(crate) async fn logout(
    State(ctx): State<Arc<Ctx>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params = Params::from_query(query.as_deref());
    if let Some(id) = params.get("client_id")
        && id != DEMO_CLIENT_ID
    {
        return html_error(
            StatusCode::BAD_REQUEST,
            "Unknown client",
            "The demo provider only knows the client \"authdash-demo\".",
        );
    }
    if let Some(hint) = params.get("id_token_hint")
        && !valid_id_token_hint(&ctx, hint)
    {
        return html_error(
            StatusCode::BAD_REQUEST,
            "Invalid logout request",
            "id_token_hint is not an ID token issued by this provider.",
        );
    }
    let target = params.get("post_logout_redirect_uri");
    if let Some(uri) = target
        && !is_loopback_redirect(uri)
    {
        return html_error(
            StatusCode::BAD_REQUEST,
            "Invalid logout request",
            "post_logout_redirect_uri must be a loopback http URI.",
        );
    }
    if let Some(session) = session_cookie(&headers) {
        ctx.store().end_session(&session);
    }
    let mut response = match target.and_then(|uri| url::Url::parse(uri).ok()) {
        Some(mut url) => {
            if let Some(state) = params.get("state") {
                url.query_pairs_mut().append_pair("state", state);
            }
            Redirect::to(url.as_str()).into_response()
        }
        None => Html(pages::signed_out()).into_response(),
    };
    let clear = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    if let Ok(value) = HeaderValue::from_str(&clear) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    tracing::info!("demo browser session ended");
    no_store(response)
}

/// GET /account: who is signed in to the demo browser session.
pub(crate) async fn account(State(ctx): State<Arc<Ctx>>, headers: HeaderMap) -> Response {
    let user = session_cookie(&headers).and_then(|id| ctx.store().session_user(&id));
    no_store(Html(pages::account(&ctx.directory, user.as_deref())).into_response())
}
