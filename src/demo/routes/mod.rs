//! The provider's HTTP surface.

mod api;
mod authorize;
mod backend;
mod device;
mod discovery;
mod session;
mod token;

pub(crate) use api::userinfo_json;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

pub(crate) use super::context::Ctx;
use super::pages;

pub(crate) fn router(ctx: Arc<Ctx>) -> Router {
    Router::new()
        .route(
            "/.well-known/openid-configuration",
            get(discovery::openid_configuration),
        )
        .route("/jwks", get(discovery::jwks))
        .route("/authorize", get(authorize::show).post(authorize::decide))
        .route("/device", get(device::show).post(device::post))
        .route("/token", axum::routing::post(token::token))
        .route("/userinfo", get(api::userinfo).post(api::userinfo))
        .route("/revoke", axum::routing::post(session::revoke))
        .route("/logout", get(session::logout))
        .route("/account", get(session::account))
        .route("/api/orgs/{org_id}/panels/{panel_id}", get(api::panel))
        .route("/api/trouble/{kind}", get(api::trouble))
        .route(
            "/api/backend/v1/user/{user_id}/logout_all_sessions",
            axum::routing::post(backend::logout_all_sessions),
        )
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(ctx.clone(), count))
        .with_state(ctx)
}

/// Counts every request, whatever its answer.
async fn count(State(ctx): State<Arc<Ctx>>, request: Request, next: Next) -> Response {
    ctx.count_request(request.uri().path());
    next.run(request).await
}

async fn not_found() -> Response {
    html_error(
        StatusCode::NOT_FOUND,
        "Not found",
        "The demo provider has no page here.",
    )
}

/// An OAuth error body, `{"error": ..., "error_description": ...}`.
pub(crate) fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let body = serde_json::json!({ "error": error, "error_description": description });
    no_store((status, axum::Json(body)).into_response())
}

/// 401 for a missing, unknown, expired or revoked bearer token (RFC 6750 §3).
pub(crate) fn invalid_token(description: &str) -> Response {
    let mut response = oauth_error(StatusCode::UNAUTHORIZED, "invalid_token", description);
    let challenge = format!(
        "Bearer realm=\"authdash-demo\", error=\"invalid_token\", error_description=\"{}\"",
        description.replace(['"', '\\'], "'")
    );
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

/// An HTML error page.
pub(crate) fn html_error(status: StatusCode, title: &str, message: &str) -> Response {
    (status, Html(pages::error(title, message))).into_response()
}

/// Marks a response as not cacheable (token responses, errors).
pub(crate) fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// The bearer token from `Authorization: Bearer ...`.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Whether a redirect URI is a loopback `http` URI (RFC 8252 §7.3): host
/// `127.0.0.1`, `[::1]` or `localhost`, any port, any path, no fragment.
pub(crate) fn is_loopback_redirect(uri: &str) -> bool {
    let Ok(url) = url::Url::parse(uri) else {
        return false;
    };
    if url.scheme() != "http" || url.fragment().is_some() || !url.username().is_empty() {
        return false;
    }
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip == std::net::Ipv4Addr::LOCALHOST,
        Some(url::Host::Ipv6(ip)) => ip == std::net::Ipv6Addr::LOCALHOST,
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// The demo browser-session cookie.
pub(crate) const SESSION_COOKIE: &str = "authdash_demo_session";

/// The demo browser session id from the request's cookies.
pub(crate) fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_redirects() {
        for ok in [
            "http://127.0.0.1:8765/callback",
            "http://127.0.0.1/",
            "http://[::1]:9/x?y=1",
            "http://localhost:8501/oauth2callback",
        ] {
            assert!(is_loopback_redirect(ok), "{ok}");
        }
        for bad in [
            "https://127.0.0.1/cb",
            "http://example.com/cb",
            "http://127.0.0.2/cb",
            "http://localhost.example.com/cb",
            "http://127.0.0.1/cb#frag",
            "http://user@127.0.0.1/cb",
            "not a url",
            "",
        ] {
            assert!(!is_loopback_redirect(bad), "{bad}");
        }
    }

    #[test]
    fn bearer_header() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer(&headers), None);
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer abc"),
        );
        assert_eq!(bearer(&headers), Some("abc"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer(&headers), None);
    }
}
