//! `--resource ID` of `token` and `exec`: a token for one configured API
//! instead of the login's.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::CliError;
use crate::auth::{ApiToken, Session};
use crate::identity::visible;
use crate::session::SessionService;

/// Refused before anything else when no provider of the config names
/// `resource`: the list of those it names.
pub(super) fn check_configured(ctx: &SessionService, resource: &str) -> Result<(), CliError> {
    let mut all: Vec<String> = Vec::new();
    for provider in &ctx.config.providers {
        for api in ctx.configured_apis(provider) {
            if api.resource == resource {
                return Ok(());
            }
            if !all.contains(&api.resource) {
                all.push(api.resource);
            }
        }
    }
    Err(CliError::Usage(format!(
        "`{}` is not an API {} names; {}",
        visible(resource),
        ctx.config.path.display(),
        if all.is_empty() {
            "it names none (add `resources = [\"...\"]` to the provider, or `resource` to a \
             panel's source)"
                .to_owned()
        } else {
            format!("use one of: {}", all.join(", "))
        }
    )))
}

/// The API's token for `session`: held while valid, else asked for.
pub(super) async fn token_for(
    ctx: &SessionService,
    session: &Session,
    resource: &str,
) -> Result<ApiToken, CliError> {
    let api = ctx.api_named(session, resource)?;
    Ok(ctx.api_token(session, &api, None, None).await?.token)
}

/// The APIs a session holds tokens for, for `status --json`: each one's
/// identifier, audience, scopes, expiry and renewals, never the token.
pub(super) fn held_json(session: &Session, now: DateTime<Utc>) -> Value {
    session
        .apis
        .tokens
        .iter()
        .map(|t| {
            json!({
                "resource": t.resource,
                "org_id": t.org,
                "audience": t.audience,
                "scopes": t.scopes,
                "expires_at": t.expires_at.map(|at| at.to_rfc3339_opts(SecondsFormat::Secs, true)),
                "valid": t.fresh(now),
                "renewals": t.renewals,
            })
        })
        .collect()
}
