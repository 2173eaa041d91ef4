//! `--resource ID` of `token` and `exec`: a token for one configured API
//! instead of the login's.

use std::io::Write;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::CliError;
use super::min_ttl::api_plan;
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

/// The API's token for `session`: held while valid and while it has
/// `min_ttl` left (capped at half its lifetime, said on `err` as for the
/// login's token), else asked for.
pub(super) async fn token_for(
    ctx: &SessionService,
    session: &Session,
    resource: &str,
    org: Option<&str>,
    min_ttl: Duration,
    err: &mut (dyn Write + Send),
) -> Result<ApiToken, CliError> {
    let api = ctx.api_named(session, resource)?;
    let renew_below = session
        .apis
        .find(&api.resource, org)
        .or_else(|| session.apis.find(&api.resource, None))
        .map_or(min_ttl, |held| api_plan(held, min_ttl).renew_below);
    let token = ctx
        .api_token_lasting(session, &api, org, None, renew_below)
        .await?
        .token;
    if let Some(note) = api_plan(&token, min_ttl).note {
        writeln!(err, "{note}")?;
    }
    Ok(token)
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
