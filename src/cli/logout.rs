use std::io::Write;

use super::{CliError, Context, Outcome};
use crate::auth::Session;
use crate::store::AccountId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoutScope {
    /// The active account.
    Active,
    /// Every account stored here.
    All,
}

/// Revoke at the provider (when it can), then forget the tokens here —
/// whatever the provider said, so a network failure never keeps a logged
/// out person logged in locally.
pub async fn logout(
    ctx: &Context,
    scope: LogoutScope,
    in_browser: bool,
    everywhere: bool,
    out: &mut dyn Write,
) -> Result<Outcome, CliError> {
    let accounts = ctx.store.accounts()?;
    let targets: Vec<Session> = match scope {
        LogoutScope::Active => accounts.active_session().cloned().into_iter().collect(),
        LogoutScope::All => accounts.sessions.clone(),
    };
    if targets.is_empty() {
        writeln!(out, "Not logged in: nothing to do.")?;
        return Ok(Outcome::Failed);
    }
    let mut outcome = Outcome::Ok;
    for session in targets {
        let id = AccountId::of(&session);
        let provider = ctx.provider(&session.provider).await;
        if everywhere {
            match &provider {
                Ok(p) if p.config().logout_everywhere.is_none() => {
                    return Err(CliError::Usage(format!(
                        "logging out everywhere is not set up for {}: set \
                         logout_everywhere_api_key_env in its config (PropelAuth's backend API key)",
                        session.provider
                    )));
                }
                Ok(p) => match p.log_out_everywhere(&session).await {
                    Ok(()) => writeln!(
                        out,
                        "Every session of {} on every device has ended.",
                        session.user.display_name()
                    )?,
                    Err(e) => {
                        outcome = Outcome::Failed;
                        writeln!(out, "Logging out everywhere failed: {e}")?;
                    }
                },
                Err(_) => {}
            }
        }
        let revoked = match &provider {
            Ok(p) => p.revoke(&session).await.map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        if in_browser && let Ok(p) = &provider {
            sign_out_in_browser(ctx, p, &session, out).await?;
        }
        ctx.store.remove(&id)?;
        let who = session
            .user
            .email
            .as_deref()
            .unwrap_or(session.user.display_name());
        match revoked {
            Ok(true) => writeln!(
                out,
                "Logged out {who} at {}: tokens revoked and deleted.",
                session.provider
            )?,
            Ok(false) => writeln!(
                out,
                "Logged out {who} at {}: tokens deleted here (the provider has no revocation endpoint).",
                session.provider
            )?,
            Err(e) => {
                outcome = Outcome::Failed;
                writeln!(
                    out,
                    "Logged out {who} at {} here, but the provider could not revoke the tokens: {e}",
                    session.provider
                )?
            }
        }
    }
    Ok(outcome)
}

/// End the provider's browser session too: the browser gets a loopback
/// address of ours (no token on a command line) that redirects onwards.
async fn sign_out_in_browser(
    ctx: &Context,
    provider: &crate::auth::Provider,
    session: &Session,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let Some(sign_out) = crate::auth::BrowserSignOut::start(provider, session).await? else {
        writeln!(
            out,
            "{} offers no browser sign-out (no end_session_endpoint).",
            session.provider
        )?;
        return Ok(());
    };
    let url = sign_out.start_url().to_string();
    writeln!(
        out,
        "Signing out in the browser; if it does not open, visit {url}"
    )?;
    if let Err(e) = crate::auth::open_url(&url, ctx.browser_var.as_deref()) {
        writeln!(out, "{e}")?;
    }
    match sign_out.wait(crate::auth::SIGN_OUT_WAIT).await {
        Ok(()) => writeln!(out, "Signed out in the browser too.")?,
        Err(e) => writeln!(out, "The browser sign-out did not complete: {e}")?,
    }
    Ok(())
}
