use std::io::Write;
use std::sync::Arc;

use super::{CliError, Context, Outcome};
use crate::auth::{self, AuthError, BrowserLogin, LoginOptions};

/// Log in through the browser and make the account active. `add_account`
/// asks the provider for a fresh login (`prompt=login`) so single sign-on
/// does not hand back the same person. Messages go to `err`: stdout stays
/// clean for scripts.
pub async fn login(
    ctx: &Context,
    provider: Option<&str>,
    add_account: bool,
    err: &mut dyn Write,
) -> Result<Outcome, CliError> {
    let name = match provider {
        Some(n) => n.to_owned(),
        None => match ctx.config.providers.as_slice() {
            [only] => only.name.clone(),
            _ => {
                return Err(CliError::Usage(format!(
                    "several providers are configured ({}); choose one with --provider NAME",
                    ctx.provider_names()
                )));
            }
        },
    };
    let provider = Arc::new(ctx.provider(&name).await?);
    let options = LoginOptions {
        prompt: add_account.then(|| "login".to_owned()),
    };
    let login = BrowserLogin::start(provider.clone(), ctx.config.login_timeout, options).await?;
    let url = login.authorize_url().to_string();
    writeln!(
        err,
        "Log in to {} in your browser. If it does not open, visit:\n\n  {url}\n",
        provider.config().label
    )?;
    match auth::open_url(&url, ctx.browser_var.as_deref()) {
        Ok(()) => writeln!(err, "Waiting for the browser (Ctrl-C cancels)…")?,
        Err(e) => writeln!(
            err,
            "{e}. Open the URL above yourself; waiting (Ctrl-C cancels)…"
        )?,
    }
    let session = tokio::select! {
        result = login.finish() => result?,
        _ = tokio::signal::ctrl_c() => return Err(AuthError::Cancelled.into()),
    };
    let store = ctx.store.clone();
    let saved = session.clone();
    tokio::task::spawn_blocking(move || store.save(&saved))
        .await
        .map_err(|e| CliError::Usage(format!("internal error: {e}")))??;
    writeln!(
        err,
        "Logged in to {} as {}.",
        provider.config().label,
        session
            .user
            .email
            .as_deref()
            .unwrap_or(session.user.display_name())
    )?;
    Ok(Outcome::Ok)
}
