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
        let revoked = match ctx.provider(&session.provider).await {
            Ok(p) => p.revoke(&session).await.map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
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
