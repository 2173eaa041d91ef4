use std::io::Write;

use super::{CliError, Context, Outcome};

/// Print the active account's access token, renewed first when it is
/// about to expire. Nothing else goes to stdout; errors go to `err`.
pub async fn token(
    ctx: &Context,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Outcome, CliError> {
    let accounts = ctx.accounts().await?;
    let Some(session) = accounts.active_session().cloned() else {
        writeln!(err, "Not logged in. Run `authdash login`.")?;
        return Ok(Outcome::Failed);
    };
    if !session.access_token_fresh(chrono::Utc::now()) && !session.can_refresh() {
        writeln!(
            err,
            "The session has expired and cannot be renewed. Run `authdash login`."
        )?;
        return Ok(Outcome::Failed);
    }
    match ctx.usable(&session).await {
        Ok(fresh) => {
            writeln!(out, "{}", fresh.access_token())?;
            Ok(Outcome::Ok)
        }
        Err(e) if e.needs_login() => {
            writeln!(err, "{e}")?;
            Ok(Outcome::Failed)
        }
        Err(e) => Err(e.into()),
    }
}
