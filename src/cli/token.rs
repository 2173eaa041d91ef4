use std::io::Write;

use super::{CliError, Context, Outcome};
use crate::lifecycle;

/// Print the active account's access token, renewed first when it is
/// about to expire. Nothing else goes to stdout; errors go to `err`.
pub async fn token(
    ctx: &Context,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Outcome, CliError> {
    let accounts = ctx.store.accounts()?;
    let Some(session) = accounts.active_session().cloned() else {
        writeln!(err, "Not logged in. Run `authdash login`.")?;
        return Ok(Outcome::Failed);
    };
    let fresh = if session.access_token_fresh(chrono::Utc::now()) {
        session
    } else {
        if !session.can_refresh() {
            writeln!(
                err,
                "The session has expired and cannot be renewed. Run `authdash login`."
            )?;
            return Ok(Outcome::Failed);
        }
        let provider = ctx.provider(&session.provider).await?;
        match lifecycle::fresh_session(&ctx.store, &provider, &session).await {
            Ok(s) => s,
            Err(e) if e.needs_login() => {
                writeln!(err, "{e}")?;
                return Ok(Outcome::Failed);
            }
            Err(e) => return Err(e.into()),
        }
    };
    writeln!(out, "{}", fresh.access_token())?;
    Ok(Outcome::Ok)
}
