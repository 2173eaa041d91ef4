use std::io::Write;

use chrono::{DateTime, Local, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::select::{self, Chosen, Selection};
use super::{CliError, Outcome};
use crate::auth::{Session, SessionState};
use crate::identity::visible;
use crate::session::AccountId;
use crate::session::SessionService;

/// How `status` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFormat {
    Human,
    Json,
    /// One short line for a shell prompt, from the store alone.
    Prompt,
}

/// Who is logged in where, and which account and org this run would use
/// (and which rule chose them). `NeedsLogin` when that account is not
/// usable. Reads the store only: no request, no lock.
pub fn status(
    ctx: &SessionService,
    format: StatusFormat,
    selection: &Selection,
    out: &mut dyn Write,
) -> Result<Outcome, CliError> {
    let accounts = ctx.store.accounts()?;
    let preferences = ctx.preferences();
    let chosen = select::choose(&accounts, &preferences, selection)?;
    let now = Utc::now();
    let active = accounts.active.clone();
    let logged_in = chosen.as_ref().is_some_and(|c| {
        c.session.is_alive(now) && crate::session::is_bound(&ctx.config, &c.session)
    });
    let outcome = if logged_in {
        Outcome::Ok
    } else {
        Outcome::NeedsLogin
    };
    if format == StatusFormat::Prompt {
        writeln!(out, "{}", prompt_line(chosen.as_ref(), now))?;
        return Ok(outcome);
    }
    if format == StatusFormat::Json {
        let report = json!({
            "logged_in": logged_in,
            "active": chosen.as_ref().map(|c| json!({
                "provider": c.session.provider,
                "issuer": c.session.issuer,
                "subject": c.session.user.subject,
                "chosen_by": c.account_rule.to_string(),
                "org": c.org.as_ref().map(|(id, name)| json!({"org_id": id, "org_name": name})),
                "org_chosen_by": c.org_rule.to_string(),
            })),
            "accounts": accounts.sessions.iter().map(|s| account_json(s, active.as_ref(), now)).collect::<Vec<_>>(),
            "store": {
                "path": ctx.store_path.display().to_string(),
                "key": ctx.store.describe_key(),
            },
            "recovered": accounts.recovered,
        });
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        )?;
    } else {
        if let Some(note) = &accounts.recovered {
            writeln!(out, "! {}", visible(note))?;
        }
        if accounts.sessions.is_empty() {
            writeln!(
                out,
                "Not logged in. Run `authdash login` (or `authdash` for the dashboard)."
            )?;
        }
        for s in &accounts.sessions {
            describe(ctx, s, active.as_ref() == Some(&AccountId::of(s)), now, out)?;
        }
        if let Some(c) = &chosen {
            writeln!(
                out,
                "This run uses {} ({}).",
                visible(
                    c.session
                        .user
                        .email
                        .as_deref()
                        .unwrap_or(c.session.user.display_name())
                ),
                c.account_reason()
            )?;
            if let Some((_, name)) = &c.org {
                writeln!(out, "Org: {} ({}).", visible(name), c.org_reason())?;
            }
        }
        writeln!(
            out,
            "Token store: {}, encrypted with {}.",
            visible(&ctx.store_path.display().to_string()),
            ctx.store.describe_key()
        )?;
    }
    Ok(outcome)
}

/// `alice@example.com (Acme) 42m`, `… expired`, `… renews on use`, or
/// `logged out`: short, and escaped like everything from a provider.
fn prompt_line(chosen: Option<&Chosen>, now: DateTime<Utc>) -> String {
    let Some(c) = chosen else {
        return "logged out".to_owned();
    };
    let s = &c.session;
    let who = visible(s.user.email.as_deref().unwrap_or(s.user.display_name())).into_owned();
    let org = c
        .org
        .as_ref()
        .map(|(_, name)| format!(" ({})", visible(name)))
        .unwrap_or_default();
    let left = match (s.state(now), s.tokens.expires_at) {
        (SessionState::Valid, Some(at)) => format!("{}m", (at - now).num_minutes().max(0)),
        (SessionState::Valid, None) => "ok".to_owned(),
        (SessionState::Renewable, _) => "renews on use".to_owned(),
        (SessionState::Unverified, _) => "unverified".to_owned(),
        (SessionState::Expired, _) => "expired".to_owned(),
    };
    format!("{who}{org} {left}")
}

/// RFC 3339 in UTC, to the second: `2025-03-14T09:36:53Z`.
fn time(t: Option<DateTime<Utc>>) -> Value {
    t.map(|t| Value::String(t.to_rfc3339_opts(SecondsFormat::Secs, true)))
        .unwrap_or(Value::Null)
}

/// A moment as a person reads it: local time to the second, and how far
/// off it is (`2025-03-14 10:36:53 +01:00 (in 9 min)`).
fn local(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (at - now).num_seconds();
    let span = |s: i64| {
        let s = s.abs();
        if s < 60 {
            format!("{s} s")
        } else if s < 3600 {
            format!("{} min", s / 60)
        } else if s < 86_400 * 2 {
            format!("{} h {} min", s / 3600, (s % 3600) / 60)
        } else {
            format!("{} days", s / 86_400)
        }
    };
    let relative = match secs {
        0 => "now".to_owned(),
        s if s > 0 => format!("in {}", span(s)),
        s => format!("{} ago", span(s)),
    };
    format!(
        "{} ({relative})",
        at.with_timezone(&Local).format("%Y-%m-%d %H:%M:%S %:z")
    )
}

fn account_json(s: &Session, active: Option<&AccountId>, now: DateTime<Utc>) -> Value {
    json!({
        "provider": s.provider,
        "issuer": s.issuer,
        "subject": s.user.subject,
        "name": s.user.name,
        "email": s.user.email,
        "active": active == Some(&AccountId::of(s)),
        "state": s.state(now).name(),
        "unverified": s.unverified,
        "access_token_expires_at": time(s.tokens.expires_at),
        "id_token_expires_at": time(s.id_token_expires_at()),
        "refreshable": s.can_refresh(),
        "apis": super::api::held_json(s, now),
        "orgs": s.user.orgs.iter().map(|o| json!({
            "org_id": o.org_id,
            "org_name": o.org_name,
            "roles": o.roles().collect::<Vec<_>>(),
            "permissions": o.permissions,
        })).collect::<Vec<_>>(),
    })
}

fn describe(
    ctx: &SessionService,
    s: &Session,
    active: bool,
    now: DateTime<Utc>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    // The label is the config's text: shown, never run.
    let label = crate::session::provider_for(&ctx.config, s)
        .map(|p| visible(&p.label))
        .unwrap_or("not a provider of this config: not used here".into());
    writeln!(
        out,
        "{} ({label}) — {}",
        visible(&s.provider),
        visible(&s.issuer)
    )?;
    let who = match &s.user.email {
        Some(e) if Some(e.as_str()) != s.user.name.as_deref() => {
            format!("{} <{e}>", s.user.display_name())
        }
        _ => s.user.display_name().to_owned(),
    };
    let who = visible(&who);
    let mark = match s.state(now) {
        SessionState::Expired => "✗ Session expired for",
        SessionState::Unverified => "! Renewal not verified for",
        SessionState::Valid | SessionState::Renewable => "✓ Logged in as",
    };
    writeln!(
        out,
        "  {mark} {who}{}",
        if active { "  [active]" } else { "" }
    )?;
    if !s.user.orgs.is_empty() {
        let orgs: Vec<String> = s
            .user
            .orgs
            .iter()
            .map(|o| {
                format!(
                    "{} ({})",
                    visible(&o.org_name),
                    visible(&o.roles().collect::<Vec<_>>().join(", "))
                )
            })
            .collect();
        let label = if s.unverified.is_some() {
            "organizations (as last verified; not confirmed since)"
        } else {
            "organizations"
        };
        writeln!(out, "    {label}: {}", orgs.join(", "))?;
    }
    let access = match (s.tokens.expires_at, s.state(now)) {
        (Some(at), SessionState::Valid) => format!("valid until {}", local(at, now)),
        (None, SessionState::Valid) => "valid".into(),
        (_, SessionState::Renewable) => {
            "expired; renewed on next use with the refresh token".into()
        }
        (_, SessionState::Unverified) => format!(
            "the last renewal could not be verified ({}); tried again on next use",
            visible(s.unverified.as_deref().unwrap_or_default())
        ),
        (_, SessionState::Expired) => "expired, and no refresh token: log in again".into(),
    };
    writeln!(out, "    access token: {access}")?;
    Ok(())
}
