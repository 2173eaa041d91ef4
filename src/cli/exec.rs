//! `authdash exec -- CMD [ARGS…]`: run a command with a fresh access token
//! (and the chosen org's id) in its environment, never in its arguments,
//! where `ps` would show it to every user of the machine.

use std::ffi::OsString;
use std::io::Write;
use std::time::Duration;

use super::select::Selection;
use super::usable::{Need, usable};
use super::{CliError, LoginRequest, Outcome};
use crate::session::SessionService;

/// What `exec` was asked.
#[derive(Debug, Clone, Copy)]
pub struct ExecRequest<'a> {
    /// CMD and its arguments, passed through untouched.
    pub command: &'a [OsString],
    pub selection: &'a Selection,
    /// Renew first when less than this remains, or less than half the
    /// token's lifetime when that is shorter (said on stderr).
    pub min_ttl: Option<Duration>,
    /// `Some` when it may log in itself (an interactive run).
    pub login: Option<LoginRequest<'a>>,
    /// The token of this configured API (`--resource`) instead of the
    /// login's.
    pub resource: Option<&'a str>,
}

/// Run CMD with the token in the variables the config names
/// (`exec_token_env`, `exec_org_env`). On Unix authdash *becomes* CMD
/// (`execve`): CMD has authdash's process id, so every signal sent to it
/// (Ctrl-C, `kill`, a job's timeout) reaches CMD, and its exit status is
/// the command's. This returns only when CMD could not be started.
pub async fn exec(
    ctx: &SessionService,
    request: ExecRequest<'_>,
    err: &mut (dyn Write + Send),
) -> Result<Outcome, CliError> {
    let Some((program, args)) = request.command.split_first() else {
        return Err(CliError::Usage(
            "name the command to run: authdash exec -- CMD [ARGS…]".to_owned(),
        ));
    };
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
    let api = match request.resource {
        Some(resource) => Some(
            super::api::token_for(
                ctx,
                &chosen.session,
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
        .map_or_else(|| chosen.session.access_token(), |t| t.secret());
    let names = &ctx.config.exec_env;
    let mut command = std::process::Command::new(program);
    command.args(args).env(&names.token, token);
    match &chosen.org {
        Some((id, _)) => command.env(&names.org_id, id),
        // An org id inherited from a parent run would be another account's.
        None => command.env_remove(&names.org_id),
    };
    let program = program.to_string_lossy().into_owned();
    run(command, &program, err)
}

#[cfg(unix)]
fn run(
    mut command: std::process::Command,
    program: &str,
    err: &mut (dyn Write + Send),
) -> Result<Outcome, CliError> {
    use std::os::unix::process::CommandExt as _;
    let e = command.exec();
    writeln!(
        err,
        "cannot run `{}`: {e}",
        crate::identity::visible(program)
    )?;
    Ok(Outcome::Failed)
}

#[cfg(not(unix))]
fn run(
    mut command: std::process::Command,
    program: &str,
    err: &mut (dyn Write + Send),
) -> Result<Outcome, CliError> {
    // Ctrl-C reaches the child through the console; authdash only waits.
    match command.status() {
        Ok(status) => Ok(Outcome::Code(
            status
                .code()
                .and_then(|c| u8::try_from(c).ok())
                .unwrap_or(1),
        )),
        Err(e) => {
            writeln!(
                err,
                "cannot run `{}`: {e}",
                crate::identity::visible(program)
            )?;
            Ok(Outcome::Failed)
        }
    }
}
