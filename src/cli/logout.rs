use std::io::Write;
use std::sync::Mutex;

use super::{CliError, Outcome};
use crate::auth::Session;
use crate::identity::visible;
use crate::session::SessionService;
use crate::session::{BrowserSignOutReport, LogoutEvent, LogoutOptions, is_bound};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoutScope {
    /// The account `--account`/`AUTHDASH_ACCOUNT` names, else the active one.
    Active,
    /// Every account of this config's providers stored here.
    All,
}

/// Log out through the session service: deleted here first, then revoked,
/// then (if asked) everywhere and in the browser. Sessions that another
/// config's providers issued are never sent anywhere.
pub async fn logout(
    ctx: &SessionService,
    scope: LogoutScope,
    in_browser: bool,
    everywhere: bool,
    selection: &super::Selection,
    out: &mut (dyn Write + Send),
) -> Result<Outcome, CliError> {
    let accounts = ctx.accounts().await?;
    let preferences = ctx.preferences();
    let targets: Vec<Session> = match scope {
        LogoutScope::Active => super::select::choose(&accounts, &preferences, selection)?
            .map(|c| c.session)
            .into_iter()
            .collect(),
        LogoutScope::All => accounts
            .sessions
            .iter()
            .filter(|s| is_bound(&ctx.config, s))
            .cloned()
            .collect(),
    };
    // Nothing to log out is what was asked for already: not a failure,
    // and no login is needed to get there (another config's accounts are
    // still named below).
    if targets.is_empty() {
        writeln!(out, "Not logged in: nothing to log out.")?;
    }
    let options = LogoutOptions {
        in_browser,
        everywhere,
    };
    let mut outcome = Outcome::Ok;
    let out = Mutex::new(out);
    let say = |text: String| {
        let mut out = out.lock().unwrap_or_else(|p| p.into_inner());
        let _ = writeln!(out, "{text}");
    };
    for session in targets {
        let events = |event: LogoutEvent| match event {
            LogoutEvent::LoggedOut(report) => say(visible(&report.summary()).into_owned()),
            LogoutEvent::BrowserUrl(url) => say(format!(
                "Signing out in the browser; if it does not open, visit {url}"
            )),
        };
        let report = ctx.logout(&session, options, &events).await?;
        if !report.complete() {
            outcome = Outcome::Failed;
        }
        match &report.browser {
            None => say(visible(&report.summary()).into_owned()),
            Some(browser) => say(browser_line(&report.provider, browser)),
        }
    }
    if scope == LogoutScope::All {
        let foreign = accounts
            .sessions
            .iter()
            .filter(|s| !is_bound(&ctx.config, s))
            .count();
        if foreign > 0 {
            say(format!(
                "{foreign} other stored account(s) belong to providers this config does not have; \
                 they were left as they are (log them out with the config that logged them in)."
            ));
        }
    }
    Ok(outcome)
}

fn browser_line(provider: &str, report: &BrowserSignOutReport) -> String {
    let provider = visible(provider);
    match report {
        BrowserSignOutReport::NotOffered => {
            format!("{provider} offers no browser sign-out (no end_session_endpoint).")
        }
        BrowserSignOutReport::SignedOut => "Signed out in the browser too.".into(),
        BrowserSignOutReport::Sent => {
            format!("The browser was sent to sign out at {provider}; it does not come back here.")
        }
        BrowserSignOutReport::Failed(e) => {
            format!("The browser sign-out did not complete: {}", visible(e))
        }
    }
}
