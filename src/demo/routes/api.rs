//! Bearer-protected resources: `/userinfo` and the demo panel data API.

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::{Ctx, bearer, invalid_token, no_store, oauth_error};
use crate::demo::directory::{Directory, User};

/// The demo's two APIs with tokens of their own: billing (its panel,
/// and the usage and invoices picked from it) and reports.
pub(crate) fn demo_apis(issuer: &str) -> [String; 2] {
    [
        format!("{issuer}/api/billing"),
        format!("{issuer}/api/reports"),
    ]
}

/// The API a demo panel belongs to, if it has one of its own.
fn api_of(issuer: &str, panel_id: &str) -> Option<String> {
    match panel_id {
        "billing" | "reports" => Some(format!("{issuer}/api/{panel_id}")),
        _ => None,
    }
}

/// The user a valid bearer token stands for, or the 401 to answer with:
/// a token of the login's (opaque, kept by the provider), the one that
/// `/userinfo` and the panels without an API of their own take.
fn authenticate<'a>(ctx: &'a Ctx, headers: &HeaderMap) -> Result<&'a User, Box<Response>> {
    let Some(token) = bearer(headers) else {
        return Err(Box::new(invalid_token("a Bearer access token is required")));
    };
    let Some(grant) = ctx.store().access(token) else {
        return Err(Box::new(invalid_token(
            "the access token is unknown, expired or revoked",
        )));
    };
    if let Some(api) = grant.audience {
        return Err(Box::new(invalid_token(&format!(
            "the access token was made for another API ({api}), not for this one"
        ))));
    }
    ctx.directory
        .user(&grant.user)
        .ok_or_else(|| Box::new(invalid_token("the token's user no longer exists")))
}

/// [`authenticate`] for one of the demo's own APIs (`api`), as an API
/// that takes JWTs does: the token's signature is verified with the
/// provider's key, and its `aud` must name this API (RFC 9068 §4) — the
/// token of another API, or the login's, is refused with why. The
/// provider's state is not asked: a signed token is good until it
/// expires, revoked or not, as at a real API. With
/// [`crate::demo::DemoSettings::login_token_at_apis`] the login's token
/// is taken here too.
fn authenticate_api<'a>(
    ctx: &'a Ctx,
    headers: &HeaderMap,
    api: &str,
) -> Result<&'a User, Box<Response>> {
    let refuse = |why: &str| Box::new(invalid_token(why));
    let Some(token) = bearer(headers) else {
        return Err(refuse("a Bearer access token is required"));
    };
    let Ok(header) = jsonwebtoken::decode_header(token) else {
        if ctx.settings.login_token_at_apis {
            return authenticate(ctx, headers);
        }
        return Err(refuse(&format!(
            "this API takes only a JWT made for it (aud {api}); this token is not one \
             (the login's token, or an unknown one)"
        )));
    };
    // RFC 9068 §4: an access token says so; a JWT of another kind (an ID
    // token) is not one, whatever its aud.
    let typ = header.typ.unwrap_or_default().to_ascii_lowercase();
    if !matches!(typ.as_str(), "at+jwt" | "application/at+jwt") {
        return Err(refuse(
            "the token is not an access token (its typ is not at+jwt, RFC 9068)",
        ));
    }
    let key = ctx.key.decoding_key().map_err(|e| refuse(&e))?;
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_audience(&[api]);
    validation.set_issuer(&[&ctx.issuer]);
    validation.set_required_spec_claims(&["exp", "aud", "iss", "sub"]);
    validation.leeway = 5;
    // RFC 7519 §4.1.5: a token is not taken before its `nbf`.
    validation.validate_nbf = true;
    let claims = match jsonwebtoken::decode::<serde_json::Value>(token, &key, &validation) {
        Ok(data) => data.claims,
        Err(e) => {
            use jsonwebtoken::errors::ErrorKind;
            return Err(refuse(&match e.kind() {
                ErrorKind::InvalidAudience => {
                    let aud = crate::auth::audience_of(token).join(", ");
                    format!("the access token was made for {aud}, not for this API ({api})")
                }
                ErrorKind::ExpiredSignature => "the access token has expired".to_owned(),
                ErrorKind::ImmatureSignature => {
                    "the access token is not valid yet (nbf)".to_owned()
                }
                ErrorKind::InvalidSignature => {
                    "the access token's signature does not verify with the demo provider's key"
                        .to_owned()
                }
                _ => format!("the access token is not one the demo provider made for {api}: {e}"),
            }));
        }
    };
    claims["sub"]
        .as_str()
        .and_then(|sub| ctx.directory.user_by_sub(sub))
        .ok_or_else(|| refuse("the token's user no longer exists"))
}

/// Userinfo in PropelAuth's shape (with OIDC's `sub` and standard names too).
pub(crate) fn userinfo_json(directory: &Directory, user: &User) -> serde_json::Value {
    let mut orgs = serde_json::Map::new();
    for (org, membership) in directory.memberships_of(&user.id) {
        let roles = directory.roles();
        orgs.insert(
            org.org_id.clone(),
            serde_json::json!({
                "org_id": org.org_id,
                "org_name": org.org_name,
                "url_safe_org_name": org.url_safe_org_name,
                "org_metadata": org.org_metadata,
                "user_role": membership.role,
                "inherited_user_roles_plus_current_role": roles.at_or_below(&membership.role),
                "user_permissions": roles.permissions(&membership.role),
                "org_role_structure": "single_role_in_hierarchy",
                "additional_roles": [],
            }),
        );
    }
    serde_json::json!({
        "sub": user.user_id,
        "user_id": user.user_id,
        "email": user.email,
        "email_verified": true,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "given_name": user.first_name,
        "family_name": user.last_name,
        "name": user.name(),
        "picture_url": user.picture_url,
        "picture": user.picture_url,
        "username": user.username,
        "preferred_username": user.username,
        "org_id_to_org_info": orgs,
    })
}

/// GET or POST /userinfo.
pub(crate) async fn userinfo(State(ctx): State<Arc<Ctx>>, headers: HeaderMap) -> Response {
    match authenticate(&ctx, &headers) {
        Ok(user) => no_store(Json(userinfo_json(&ctx.directory, user)).into_response()),
        Err(response) => *response,
    }
}

fn not_found(description: &str) -> Response {
    oauth_error(StatusCode::NOT_FOUND, "not_found", description)
}

fn forbidden(description: &str) -> Response {
    oauth_error(StatusCode::FORBIDDEN, "forbidden", description)
}

/// GET /api/orgs/{org_id}/panels/{panel_id}.
pub(crate) async fn panel(
    State(ctx): State<Arc<Ctx>>,
    headers: HeaderMap,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Response {
    let api = path
        .as_ref()
        .ok()
        .and_then(|Path((_, panel_id))| api_of(&ctx.issuer, panel_id));
    let checked = match &api {
        Some(api) => authenticate_api(&ctx, &headers, api),
        None => authenticate(&ctx, &headers),
    };
    let user = match checked {
        Ok(user) => user,
        Err(response) => return *response,
    };
    let Ok(Path((org_id, panel_id))) = path else {
        return not_found("no such organization or panel");
    };
    let directory = &ctx.directory;
    let Some(panel) = directory.panel(&panel_id) else {
        return not_found("no such panel");
    };
    let Some(org) = directory.org(&org_id) else {
        return not_found("no such organization");
    };
    let Some(membership) = directory.membership(&user.id, &org.org_id) else {
        return forbidden(&format!("you are not a member of {}", org.org_name));
    };
    if !directory.allows(membership, panel) {
        let need = match &panel.requirement {
            crate::demo::PanelRequirement::Permission(p) => format!("the permission {p}"),
            crate::demo::PanelRequirement::MinimumRole(r) => format!("at least the role {r}"),
        };
        return forbidden(&format!(
            "{} needs {need} in {}; your role is {}",
            panel.title, org.org_name, membership.role
        ));
    }
    match directory.panel_data(&org.org_id, &panel.id) {
        Some(data) => no_store(Json(data).into_response()),
        None => not_found("this organization has no data for that panel"),
    }
}

/// GET /api/trouble/{kind}: a data API misbehaving on purpose, behind the
/// same bearer check, so every error state of a panel can be seen (and
/// is tested) against a real server: `status-500`, `bad-json`, `slow`
/// (answers after 20 s), `huge` (5 MiB), `unauthorized-once` (401 for the
/// first token it sees, then 200 for any other), `always-401`, `forbidden`.
pub(crate) async fn trouble(
    State(ctx): State<Arc<Ctx>>,
    headers: HeaderMap,
    Path(kind): Path<String>,
) -> Response {
    if let Err(response) = authenticate(&ctx, &headers) {
        return *response;
    }
    let ok =
        || no_store(Json(serde_json::json!({ "data": { "items": [1, 2, 3] } })).into_response());
    match kind.as_str() {
        "status-500" => oauth_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "the reports database is down",
        ),
        "bad-json" => (StatusCode::OK, "{\"data\": [1, 2,").into_response(),
        "slow" => {
            tokio::time::sleep(std::time::Duration::from_secs(20)).await;
            ok()
        }
        "huge" => (StatusCode::OK, vec![b' '; 5 * 1024 * 1024]).into_response(),
        "unauthorized-once" => {
            let token = bearer(&headers).unwrap_or_default().to_owned();
            let mut first = ctx
                .first_trouble_token
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            match first.as_deref() {
                None => {
                    *first = Some(token);
                    invalid_token("the access token was revoked")
                }
                Some(seen) if seen == token => invalid_token("the access token was revoked"),
                Some(_) => ok(),
            }
        }
        "always-401" => invalid_token("this API accepts no token of yours"),
        "forbidden" => forbidden("reports are closed to your role"),
        _ => ok(),
    }
}
