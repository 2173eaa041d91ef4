use std::io::Write;

use super::{CliError, Context, Outcome};
use crate::identity::visible;
use crate::session::AccountId;

/// Without an argument, list the accounts; with one (an email, a subject,
/// `provider/subject`, or the number shown in the list), make it active.
pub fn switch(ctx: &Context, to: Option<&str>, out: &mut dyn Write) -> Result<Outcome, CliError> {
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
                visible(s.user.email.as_deref().unwrap_or(s.user.display_name())),
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
            writeln!(out, "Active account: {}", visible(&one.to_string()))?;
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
