//! `/device`: the device authorization endpoint (RFC 8628 §3.1–3.2, a
//! client's POST with `client_id`) and the verification page where a demo
//! user enters the code and approves or denies (§3.3, GET and form POSTs).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::discovery::SCOPES;
use super::{Ctx, SESSION_COOKIE, no_store, oauth_error, token::client_id};
use crate::demo::DEMO_CLIENT_ID;
use crate::demo::pages;
use crate::demo::params::Params;
use crate::demo::state::{UserCodeState, normalize_user_code};

/// POST /device: a client's device authorization request (it names a
/// client), else the verification page's form.
pub(crate) async fn post(State(ctx): State<Arc<Ctx>>, headers: HeaderMap, body: Bytes) -> Response {
    let params = Params::parse(&body);
    if params.get("client_id").is_some() || headers.contains_key(header::AUTHORIZATION) {
        authorize_device(&ctx, &params, &headers)
    } else {
        form(&ctx, &params)
    }
}

/// RFC 8628 §3.1: `client_id` and `scope` in, the codes out.
fn authorize_device(ctx: &Ctx, params: &Params, headers: &HeaderMap) -> Response {
    if let Some(name) = params.duplicated() {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            &format!("parameter {name} appears more than once"),
        );
    }
    if client_id(params, headers).as_deref() != Some(DEMO_CLIENT_ID) {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "unknown client_id (the demo knows only \"authdash-demo\")",
        );
    }
    let requested: Vec<&str> = params.get("scope").unwrap_or("").split(' ').collect();
    if !requested.contains(&"openid") {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            "scope must include openid",
        );
    }
    let mut scopes: Vec<&str> = Vec::new();
    for scope in requested {
        if SCOPES.contains(&scope) && !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    let settings = &ctx.settings;
    let issued = ctx.store().add_device(
        scopes.join(" "),
        settings.device_code_ttl,
        settings.device_poll_interval,
        settings
            .device_enforced_interval
            .unwrap_or(settings.device_poll_interval),
        settings.device_poll_speedup,
    );
    let verification_uri = ctx.endpoint("/device");
    // User codes are letters and a dash: nothing to escape.
    let complete = format!("{verification_uri}?user_code={}", issued.user_code);
    tracing::info!("device authorization started");
    let body = serde_json::json!({
        "device_code": issued.device_code,
        "user_code": issued.user_code,
        "verification_uri": verification_uri,
        "verification_uri_complete": complete,
        "expires_in": settings.device_code_ttl.as_secs(),
        "interval": settings.device_poll_interval.as_secs(),
    });
    no_store((StatusCode::OK, Json(body)).into_response())
}

/// GET /device: the code entry page, prefilled from `?user_code=`.
pub(crate) async fn show(RawQuery(query): RawQuery) -> Response {
    let params = Params::from_query(query.as_deref());
    let prefill = params
        .get("user_code")
        .map(|typed| normalize_user_code(typed).unwrap_or_else(|| typed.to_string()))
        .unwrap_or_default();
    page(StatusCode::OK, pages::device_code_entry(&prefill, None))
}

/// The verification page's forms: a code (→ pick a user), then a user or
/// Deny (→ done).
fn form(ctx: &Ctx, params: &Params) -> Response {
    let typed = params.get("user_code").unwrap_or("");
    let Some(user_code) = normalize_user_code(typed) else {
        let error = if typed.is_empty() {
            "Type the code your device shows."
        } else {
            "That is not a code: it has 8 letters, like BCDF-GHJK."
        };
        return page(
            StatusCode::BAD_REQUEST,
            pages::device_code_entry(typed, Some(error)),
        );
    };
    if ctx.store().user_code_state(&user_code) != UserCodeState::Pending {
        return page(
            StatusCode::BAD_REQUEST,
            pages::device_code_entry(
                &user_code,
                Some(
                    "This code is unknown, has expired or was already used. \
                     Check it, or start the sign-in on your device again for a new one.",
                ),
            ),
        );
    }
    let deny = params.get("deny").is_some();
    let user = params.get("user");
    if !deny && user.is_none() {
        return page(
            StatusCode::OK,
            pages::device_approve(&ctx.directory, &user_code),
        );
    }
    let user = match (deny, user.and_then(|id| ctx.directory.user(id))) {
        (true, _) => None,
        (false, Some(user)) => Some(user),
        (false, None) => {
            return page(
                StatusCode::BAD_REQUEST,
                pages::device_approve(&ctx.directory, &user_code),
            );
        }
    };
    if !ctx
        .store()
        .answer_device(&user_code, user.map(|u| u.id.as_str()))
    {
        return page(
            StatusCode::BAD_REQUEST,
            pages::device_code_entry(
                &user_code,
                Some("This code has expired or was already used meanwhile."),
            ),
        );
    }
    let mut response = page(StatusCode::OK, pages::device_done(user.is_some()));
    if let Some(user) = user {
        tracing::info!(user = %user.id, "demo user approved a device");
        let session = ctx.store().start_session(&user.id);
        let cookie = format!("{SESSION_COOKIE}={session}; Path=/; HttpOnly; SameSite=Lax");
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().insert(header::SET_COOKIE, value);
        }
    } else {
        tracing::info!("demo user denied a device");
    }
    response
}

fn page(status: StatusCode, html: String) -> Response {
    let mut response = (status, Html(html)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    response
}
