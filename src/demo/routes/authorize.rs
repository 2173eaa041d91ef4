//! `/authorize`: the sign-in page (GET) and the user's choice (POST).

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Utc;

use super::discovery::SCOPES;
use super::{Ctx, SESSION_COOKIE, html_error, is_loopback_redirect, session_cookie};
use crate::demo::DEMO_CLIENT_ID;
use crate::demo::pages;
use crate::demo::params::Params;
use crate::demo::state::{CodeGrant, PendingAuth};

/// Where and how to send the authorization response.
struct Reply<'a> {
    ctx: &'a Ctx,
    redirect_uri: &'a str,
    state: Option<&'a str>,
}

impl Reply<'_> {
    /// Redirects back to the client with `pairs`, `state` and `iss` (RFC 9207).
    fn redirect(&self, pairs: &[(&str, &str)]) -> Response {
        let Ok(mut url) = url::Url::parse(self.redirect_uri) else {
            return html_error(
                StatusCode::BAD_REQUEST,
                "Invalid redirect_uri",
                "The redirect_uri is not a valid URL.",
            );
        };
        {
            let mut query = url.query_pairs_mut();
            for (k, v) in pairs {
                query.append_pair(k, v);
            }
            if let Some(state) = self.state {
                query.append_pair("state", state);
            }
            query.append_pair("iss", &self.ctx.issuer);
        }
        let mut response = Redirect::to(url.as_str()).into_response();
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }

    fn error(&self, error: &str, description: &str) -> Response {
        tracing::info!(error, description, "authorization request refused");
        self.redirect(&[("error", error), ("error_description", description)])
    }
}

/// GET /authorize: validates the request and shows the sign-in page.
pub(crate) async fn show(
    State(ctx): State<Arc<Ctx>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params = Params::from_query(query.as_deref());

    // Errors about the client or its redirect URI must not redirect.
    if matches!(params.duplicated(), Some("client_id" | "redirect_uri")) {
        return html_error(
            StatusCode::BAD_REQUEST,
            "Invalid request",
            "client_id and redirect_uri must each appear once.",
        );
    }
    match params.get("client_id") {
        Some(DEMO_CLIENT_ID) => {}
        Some(_) => {
            return html_error(
                StatusCode::BAD_REQUEST,
                "Unknown client",
                "The demo provider only knows the client \"authdash-demo\".",
            );
        }
        None => {
            return html_error(
                StatusCode::BAD_REQUEST,
                "Missing client_id",
                "The authorization request has no client_id.",
            );
        }
    }
    let Some(redirect_uri) = params.get("redirect_uri") else {
        return html_error(
            StatusCode::BAD_REQUEST,
            "Missing redirect_uri",
            "The authorization request has no redirect_uri.",
        );
    };
    if !is_loopback_redirect(redirect_uri) {
        return html_error(
            StatusCode::BAD_REQUEST,
            "Invalid redirect_uri",
            "The demo client may only redirect to http://127.0.0.1, http://[::1] or \
             http://localhost (any port, any path), as RFC 8252 §7.3 describes.",
        );
    }

    let reply = Reply {
        ctx: &ctx,
        redirect_uri,
        state: params.get("state"),
    };
    if let Some(name) = params.duplicated() {
        return reply.error(
            "invalid_request",
            &format!("parameter {name} appears more than once"),
        );
    }
    match params.get("response_type") {
        Some("code") => {}
        Some(_) => {
            return reply.error(
                "unsupported_response_type",
                "only response_type=code is supported",
            );
        }
        None => return reply.error("invalid_request", "response_type is missing"),
    }
    if params.get("request").is_some() {
        return reply.error("request_not_supported", "request objects are not supported");
    }
    if params.get("request_uri").is_some() {
        return reply.error("request_uri_not_supported", "request_uri is not supported");
    }
    if params.get("response_mode").is_some_and(|m| m != "query") {
        return reply.error("invalid_request", "only response_mode=query is supported");
    }
    let requested: Vec<&str> = params.get("scope").unwrap_or("").split(' ').collect();
    if !requested.contains(&"openid") {
        return reply.error("invalid_scope", "scope must include openid");
    }
    let mut scopes: Vec<&str> = Vec::new();
    for scope in requested {
        if SCOPES.contains(&scope) && !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    let Some(code_challenge) = params.get("code_challenge") else {
        return reply.error(
            "invalid_request",
            "PKCE is required: send code_challenge with code_challenge_method=S256",
        );
    };
    if params.get("code_challenge_method") != Some("S256") {
        return reply.error("invalid_request", "code_challenge_method must be S256");
    }
    if code_challenge.len() != 43
        || !code_challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return reply.error(
            "invalid_request",
            "code_challenge must be the base64url SHA-256 of the verifier (43 characters)",
        );
    }

    let pending = PendingAuth {
        redirect_uri: redirect_uri.to_string(),
        state: params.get("state").map(str::to_string),
        nonce: params.get("nonce").map(str::to_string),
        code_challenge: code_challenge.to_string(),
        scope: scopes.join(" "),
        expires: Instant::now(),
    };

    let prompts: Vec<&str> = params.get("prompt").unwrap_or("").split(' ').collect();
    if prompts.contains(&"none") {
        if prompts.len() > 1 {
            return reply.error("invalid_request", "prompt=none cannot be combined");
        }
        let user = session_cookie(&headers).and_then(|id| ctx.store().session_user(&id));
        return match user {
            Some(user) => {
                let code = issue_code(&ctx, &pending, &user);
                reply.redirect(&[("code", &code)])
            }
            None => reply.error("login_required", "nobody is signed in to the demo provider"),
        };
    }

    let request_id = ctx.store().add_pending(pending);
    let mut response = Html(pages::sign_in(&ctx.directory, &request_id)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    response
}

fn issue_code(ctx: &Ctx, pending: &PendingAuth, user: &str) -> String {
    ctx.store().add_code(CodeGrant {
        user: user.to_string(),
        redirect_uri: pending.redirect_uri.clone(),
        code_challenge: pending.code_challenge.clone(),
        nonce: pending.nonce.clone(),
        scope: pending.scope.clone(),
        auth_time: Utc::now(),
        expires: Instant::now() + ctx.settings.code_ttl,
    })
}

/// POST /authorize: the sign-in page's form (a user, or Deny).
pub(crate) async fn decide(State(ctx): State<Arc<Ctx>>, body: Bytes) -> Response {
    let params = Params::parse(&body);
    let Some(request_id) = params.get(pages::REQUEST_ID_FIELD) else {
        return html_error(
            StatusCode::BAD_REQUEST,
            "Invalid sign-in",
            "The form has no request_id. Start the sign-in again from authdash.",
        );
    };
    let deny = params.get("deny").is_some();
    let user = params
        .get(pages::USER_FIELD)
        .and_then(|id| ctx.directory.user(id));
    if !deny && user.is_none() {
        return html_error(
            StatusCode::BAD_REQUEST,
            "Invalid sign-in",
            "Pick one of the demo users, or Deny.",
        );
    }
    let Some(pending) = ctx.store().take_pending(request_id) else {
        return html_error(
            StatusCode::BAD_REQUEST,
            "Sign-in expired",
            "This sign-in request has expired or was already answered. Start again from authdash.",
        );
    };
    let reply = Reply {
        ctx: &ctx,
        redirect_uri: &pending.redirect_uri,
        state: pending.state.as_deref(),
    };
    let user = match (deny, user) {
        (false, Some(user)) => user,
        _ => return reply.error("access_denied", "the user denied the sign-in"),
    };
    let code = issue_code(&ctx, &pending, &user.id);
    let session = ctx.store().start_session(&user.id);
    tracing::info!(user = %user.id, "demo user signed in");
    let mut response = reply.redirect(&[("code", &code)]);
    let cookie = format!("{SESSION_COOKIE}={session}; Path=/; HttpOnly; SameSite=Lax");
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}
