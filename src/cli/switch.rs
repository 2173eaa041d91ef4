use std::io::Write;

use super::{CliError, Outcome};
use crate::auth::Session;
use crate::identity::visible;
use crate::session::AccountId;
use crate::session::SessionService;

/// Without an argument, list the accounts; with one (an email, a subject,
/// `provider/subject`, or the number shown in the list), make it active.
pub fn switch(
    ctx: &SessionService,
    to: Option<&str>,
    out: &mut dyn Write,
) -> Result<Outcome, CliError> {
    let accounts = ctx.store.accounts()?;
    if accounts.sessions.is_empty() {
        writeln!(out, "No accounts. Run `authdash login`.")?;
        return Ok(Outcome::NeedsLogin);
    }
    let Some(wanted) = to else {
        for (i, s) in accounts.sessions.iter().enumerate() {
            let id = AccountId::of(s);
            let active = accounts.active.as_ref() == Some(&id);
            writeln!(
                out,
                "{}{} {:<28} {}  ({})",
                if active { "*" } else { " " },
                i + 1,
                visible(account_name(s)),
                visible(&s.provider),
                visible(&id.to_string()),
            )?;
        }
        return Ok(Outcome::Ok);
    };
    let matches = super::select::matching(&accounts, wanted);
    match matches.as_slice() {
        [one] => {
            ctx.set_active(one)?;
            let name = accounts
                .find(one)
                .map(|s| format!("{} ({})", visible(account_name(s)), visible(&s.provider)))
                .unwrap_or_else(|| visible(&one.to_string()).into_owned());
            writeln!(out, "Active account: {name}")?;
            Ok(Outcome::Ok)
        }
        [] => Err(CliError::Usage(format!(
            "no account matches `{}`; `authdash switch` lists them",
            visible(wanted)
        ))),
        _ => Err(CliError::Usage(format!(
            "`{}` matches several accounts; use provider/subject or the number from `authdash switch`",
            visible(wanted)
        ))),
    }
}

/// What an account is called in the list and after a switch: its email,
/// else its name, else its subject.
fn account_name(s: &Session) -> &str {
    s.user
        .email
        .as_deref()
        .or(s.user.name.as_deref())
        .unwrap_or(&s.user.subject)
}
