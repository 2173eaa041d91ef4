use std::io::Write;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::{CliError, Context, Outcome};
use crate::auth::Session;
use crate::identity::visible;
use crate::store::AccountId;

/// Who is logged in where. `Failed` when no account is usable.
pub fn status(ctx: &Context, as_json: bool, out: &mut dyn Write) -> Result<Outcome, CliError> {
    let accounts = ctx.store.accounts()?;
    let now = Utc::now();
    let active = accounts.active.clone();
    let logged_in = accounts
        .active_session()
        .is_some_and(|s| s.is_alive(now) && crate::session::is_bound(&ctx.config, s));
    if as_json {
        let report = json!({
            "logged_in": logged_in,
            "active": accounts.active_session().map(|s| json!({"provider": s.provider, "issuer": s.issuer, "subject": s.user.subject})),
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
        writeln!(
            out,
            "Token store: {}, encrypted with {}.",
            ctx.store_path.display(),
            ctx.store.describe_key()
        )?;
    }
    Ok(if logged_in {
        Outcome::Ok
    } else {
        Outcome::Failed
    })
}

fn time(t: Option<DateTime<Utc>>) -> Value {
    t.map(|t| Value::String(t.to_rfc3339()))
        .unwrap_or(Value::Null)
}

fn account_json(s: &Session, active: Option<&AccountId>, now: DateTime<Utc>) -> Value {
    json!({
        "provider": s.provider,
        "issuer": s.issuer,
        "subject": s.user.subject,
        "name": s.user.name,
        "email": s.user.email,
        "active": active == Some(&AccountId::of(s)),
        "state": state(s, now),
        "access_token_expires_at": time(s.tokens.expires_at),
        "id_token_expires_at": time(s.id_token_expires_at()),
        "refreshable": s.can_refresh(),
        "orgs": s.user.orgs.iter().map(|o| json!({
            "org_id": o.org_id,
            "org_name": o.org_name,
            "roles": o.roles().collect::<Vec<_>>(),
            "permissions": o.permissions,
        })).collect::<Vec<_>>(),
    })
}

/// "valid", "renewable" (expired access token, refresh token kept), "expired".
fn state(s: &Session, now: DateTime<Utc>) -> &'static str {
    if s.access_token_fresh(now) {
        "valid"
    } else if s.can_refresh() {
        "renewable"
    } else {
        "expired"
    }
}

fn describe(
    ctx: &Context,
    s: &Session,
    active: bool,
    now: DateTime<Utc>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let label = crate::session::provider_for(&ctx.config, s)
        .map(|p| p.label.as_str())
        .unwrap_or("not a provider of this config: not used here");
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
    let mark = match state(s, now) {
        "expired" => "✗ Session expired for",
        _ => "✓ Logged in as",
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
        writeln!(out, "    organizations: {}", orgs.join(", "))?;
    }
    let access = match (s.tokens.expires_at, state(s, now)) {
        (Some(at), "valid") => format!("valid until {}", at.to_rfc3339()),
        (_, "valid") => "valid".into(),
        (_, "renewable") => "expired; renewed on next use with the refresh token".into(),
        _ => "expired, and no refresh token: log in again".into(),
    };
    writeln!(out, "    access token: {access}")?;
    Ok(())
}
