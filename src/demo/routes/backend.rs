//! The slice of PropelAuth's backend API the demo needs: log a user out of
//! every session. Guarded by a key made at random for each run.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use subtle::ConstantTimeEq as _;

use super::{Ctx, bearer, no_store, oauth_error};

pub(crate) async fn logout_all_sessions(
    State(ctx): State<Arc<Ctx>>,
    headers: HeaderMap,
    Path(user_id): Path<String>,
) -> Response {
    let presented = bearer(&headers).unwrap_or_default().as_bytes();
    if !bool::from(presented.ct_eq(ctx.backend_api_key.as_bytes())) {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a backend API key is required",
        );
    }
    let Some(user) = ctx.directory.user_by_sub(&user_id) else {
        return oauth_error(StatusCode::NOT_FOUND, "not_found", "no such user");
    };
    let ended = ctx.store().revoke_user(&user.id);
    tracing::info!(user = %user.id, grants = ended, "logged out everywhere");
    no_store((StatusCode::OK, "{}").into_response())
}
