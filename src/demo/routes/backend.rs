//! The slice of PropelAuth's backend API the demo needs: log a user out of
//! every session. Guarded by an obviously demo-only API key.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::{Ctx, bearer, no_store, oauth_error};
use crate::demo::DEMO_BACKEND_API_KEY;

pub(crate) async fn logout_all_sessions(
    State(ctx): State<Arc<Ctx>>,
    headers: HeaderMap,
    Path(user_id): Path<String>,
) -> Response {
    if bearer(&headers) != Some(DEMO_BACKEND_API_KEY) {
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
