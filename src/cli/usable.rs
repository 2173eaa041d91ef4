//! The account (and org) a command that needs a token uses, logged in
//! first when that is allowed, else "a login is needed" (exit 4).

use std::io::Write;
use std::time::Duration;

use super::select::{self, Chosen, Selection};
use super::{CliError, HOW_TO_LOG_IN, LoginRequest, Outcome};
use crate::identity::visible;
use crate::session::SessionService;
use crate::session::{is_bound, provider_for};

/// What a token-needing command may do to get one.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Need<'a> {
    pub(crate) selection: &'a Selection,
    /// Renew first when less than this remains (`--min-ttl`), or less
    /// than half the token's lifetime when that is shorter.
    pub(crate) min_ttl: Duration,
    /// `Some` when the command may log in itself (an interactive run with
    /// no `--account`); `None` in a non-interactive run: exit 4 instead.
    pub(crate) login: Option<LoginRequest<'a>>,
}

/// The chosen account with a usable token, or the outcome to exit with
/// after saying why on `err`.
pub(crate) async fn usable(
    ctx: &SessionService,
    need: Need<'_>,
    err: &mut (dyn Write + Send),
) -> Result<Result<Chosen, Outcome>, CliError> {
    let mut logged_in_now = false;
    loop {
        let accounts = ctx.accounts().await?;
        let preferences = ctx.preferences();
        let chosen = select::choose(&accounts, &preferences, need.selection)?;
        let now = chrono::Utc::now();
        let why = match &chosen {
            None => "Not logged in".to_owned(),
            Some(c) if !is_bound(&ctx.config, &c.session) => {
                // Says whose issuer and client it was, and what to do.
                match provider_for(&ctx.config, &c.session) {
                    Err(e) => e.to_string(),
                    Ok(_) => "The account is not this config's".to_owned(),
                }
            }
            Some(c) if !c.session.is_alive(now) => format!(
                "The session of {} has expired and cannot be renewed",
                visible(c.session.user.display_name())
            ),
            Some(c) => {
                let plan = super::min_ttl::plan(&c.session, need.min_ttl);
                match ctx.usable_for(&c.session, plan.renew_below).await {
                    Ok(session) => {
                        if let Some(note) = &plan.note {
                            writeln!(err, "{note}")?;
                        }
                        return Ok(Ok(Chosen {
                            session,
                            ..c.clone()
                        }));
                    }
                    Err(e) if e.needs_login() => e.to_string(),
                    Err(e) => return Err(e.into()),
                }
            }
        };
        match need.login {
            // One login per run: a login that still leaves nothing usable
            // (another account chosen) is not repeated.
            Some(request) if !logged_in_now && need.selection.account.is_none() => {
                writeln!(err, "{why}: logging in first.")?;
                super::login(ctx, request, err).await?;
                logged_in_now = true;
            }
            _ => {
                writeln!(err, "{why}: {HOW_TO_LOG_IN}.")?;
                return Ok(Err(Outcome::NeedsLogin));
            }
        }
    }
}
