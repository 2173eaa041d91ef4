//! `authdash token`: the access token for scripts and tools, in the shape
//! they want (raw, an HTTP header, JSON, shell variables, or a Kubernetes
//! ExecCredential for kubectl's exec plugins).

use std::io::Write;
use std::time::Duration;

use chrono::SecondsFormat;
use serde_json::json;

use super::select::Selection;
use super::usable::{Need, usable};
use super::{CliError, LoginRequest, Outcome};
use crate::session::SessionService;

/// How `token` prints the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum TokenFormat {
    /// The token alone.
    #[default]
    Raw,
    /// `Authorization: Bearer TOKEN`.
    Header,
    /// The token, its type, scopes and expiry.
    Json,
    /// Shell lines to `eval`, with the names `exec` uses.
    Env,
    /// A Kubernetes client.authentication.k8s.io/v1 ExecCredential.
    ExecCredential,
}

/// What `token` was asked.
#[derive(Debug, Clone, Copy)]
pub struct TokenRequest<'a> {
    pub format: TokenFormat,
    /// Renew first when less than this remains, or less than half the
    /// token's lifetime when that is shorter (said on stderr).
    pub min_ttl: Option<Duration>,
    pub selection: &'a Selection,
    /// `Some` when it may log in itself (an interactive run).
    pub login: Option<LoginRequest<'a>>,
    /// A token for this configured API (`--resource`) instead of the
    /// login's.
    pub resource: Option<&'a str>,
}

/// Print the chosen account's access token, renewed first when it is
/// about to expire (or has less than `min_ttl` left, capped at half its
/// lifetime so that a `min_ttl` the provider cannot meet never renews on
/// every call). Nothing else goes to stdout; messages go to `err`.
pub async fn token(
    ctx: &SessionService,
    request: TokenRequest<'_>,
    out: &mut dyn Write,
    err: &mut (dyn Write + Send),
) -> Result<Outcome, CliError> {
    if let Some(resource) = request.resource {
        super::api::check_configured(ctx, resource)?;
    }
    let need = Need {
        selection: request.selection,
        // With --resource, --min-ttl is the API token's.
        min_ttl: match request.resource {
            Some(_) => Duration::ZERO,
            None => request.min_ttl.unwrap_or_default(),
        },
        login: request.login,
    };
    let chosen = match usable(ctx, need, err).await? {
        Ok(c) => c,
        Err(outcome) => return Ok(outcome),
    };
    let session = &chosen.session;
    let api = match request.resource {
        Some(resource) => Some(
            super::api::token_for(
                ctx,
                session,
                resource,
                chosen.org.as_ref().map(|(id, _)| id.as_str()),
                request.min_ttl.unwrap_or_default(),
                err,
            )
            .await?,
        ),
        None => None,
    };
    let token = api
        .as_ref()
        .map_or_else(|| session.access_token(), |t| t.secret());
    let expires = api
        .as_ref()
        .map_or(session.tokens.expires_at, |t| t.expires_at)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true));
    let scopes = api.as_ref().map_or(&session.tokens.scopes, |t| &t.scopes);
    match request.format {
        TokenFormat::Raw => writeln!(out, "{token}")?,
        TokenFormat::Header => writeln!(out, "Authorization: Bearer {token}")?,
        TokenFormat::Json => {
            let value = json!({
                "access_token": token,
                "token_type": "Bearer",
                "scopes": scopes,
                "expires_at": expires,
                "issuer": session.issuer,
                "subject": session.user.subject,
                "org_id": chosen.org.as_ref().map(|(id, _)| id),
            });
            let value = match &api {
                Some(t) => {
                    let mut value = value;
                    value["resource"] = json!(t.resource);
                    value
                }
                None => value,
            };
            writeln!(out, "{value}")?;
        }
        TokenFormat::Env => {
            let names = &ctx.config.exec_env;
            writeln!(out, "export {}={}", names.token, shell_words::quote(token))?;
            if let Some((id, _)) = &chosen.org {
                writeln!(out, "export {}={}", names.org_id, shell_words::quote(id))?;
            }
        }
        TokenFormat::ExecCredential => {
            let mut status = json!({ "token": token });
            if let Some(at) = expires {
                status["expirationTimestamp"] = json!(at);
            }
            let credential = json!({
                "apiVersion": "client.authentication.k8s.io/v1",
                "kind": "ExecCredential",
                "spec": { "interactive": request.login.is_some() },
                "status": status,
            });
            writeln!(out, "{credential}")?;
        }
    }
    Ok(Outcome::Ok)
}

/// A duration as people write it: `90` or `90s`, `5m`, `1h`, `1h30m`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("`{text}` is not a duration: write e.g. 90s, 5m, 1h or 1h30m");
    let text = text.trim();
    if text.is_empty() {
        return Err(bad());
    }
    if let Ok(secs) = text.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    let mut total: u64 = 0;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return Err(bad()),
        };
        let n: u64 = number.parse().map_err(|_| bad())?;
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(bad)?;
        number.clear();
    }
    if !number.is_empty() {
        return Err(bad());
    }
    Ok(Duration::from_secs(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_as_people_write_them() {
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        for bad in ["", "m", "5x", "1h30", "-5m"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
