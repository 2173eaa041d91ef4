use std::io::Write;
use std::sync::Arc;

use super::{CliError, Context, Outcome};
use crate::auth::{
    self, AuthError, BrowserLogin, DeviceLogin, FlowChoice, FlowEnvironment, FlowPreference,
    LoginOptions, PollState, Provider, Session, choose_flow,
};

/// How `login` was asked to run, beyond the config.
#[derive(Debug, Clone, Copy)]
pub struct LoginRequest<'a> {
    pub provider: Option<&'a str>,
    /// Ask the provider for a fresh login (`prompt=login`) so single
    /// sign-on does not hand back the same person.
    pub add_account: bool,
    /// `--browser` / `--device`; `None` follows the provider's `flow`.
    pub flow: Option<FlowPreference>,
    /// What the binary found out about this machine (device support is
    /// filled in after discovery).
    pub environment: FlowEnvironment,
}

/// Log in and make the account active: in the browser, or with a code on
/// another device, as `choose_flow` decides. Messages go to `err`: stdout
/// stays clean for scripts.
pub async fn login(
    ctx: &Context,
    request: LoginRequest<'_>,
    err: &mut dyn Write,
) -> Result<Outcome, CliError> {
    let LoginRequest {
        provider,
        add_account,
        ..
    } = request;
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
    let environment = FlowEnvironment {
        device_supported: provider.supports_device_flow(),
        ..request.environment
    };
    let preference = request.flow.unwrap_or(provider.config().flow);
    if preference == FlowPreference::Device && !environment.device_supported {
        return Err(CliError::Usage(format!(
            "{} offers no device authorization endpoint; log in with --browser",
            provider.config().label
        )));
    }
    let may_fall_back = preference == FlowPreference::Auto && environment.device_supported;
    let session = match choose_flow(preference, &environment) {
        FlowChoice::Device => device(provider.clone(), options, err).await?,
        choice => {
            let open = choice == FlowChoice::Browser;
            match browser(
                ctx,
                provider.clone(),
                options.clone(),
                open,
                may_fall_back,
                err,
            )
            .await?
            {
                Some(session) => session,
                None => device(provider.clone(), options, err).await?,
            }
        }
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

/// `Ok(None)`: no browser opened and `may_fall_back` allows the device
/// flow instead.
async fn browser(
    ctx: &Context,
    provider: Arc<Provider>,
    options: LoginOptions,
    open: bool,
    may_fall_back: bool,
    err: &mut dyn Write,
) -> Result<Option<Session>, CliError> {
    let login = BrowserLogin::start(provider.clone(), ctx.config.login_timeout, options).await?;
    let url = login.authorize_url().to_string();
    let label = &provider.config().label;
    if open {
        writeln!(
            err,
            "Log in to {label} in your browser. If it does not open, visit:\n\n  {url}\n"
        )?;
        match auth::open_url(&url, ctx.browser_var.as_deref()) {
            Ok(()) => writeln!(err, "Waiting for the browser (Ctrl-C cancels)…")?,
            Err(e) if may_fall_back => {
                writeln!(
                    err,
                    "{e}: logging in with a code on another device instead.\n"
                )?;
                return Ok(None);
            }
            Err(e) => writeln!(
                err,
                "{e}. Open the URL above yourself; waiting (Ctrl-C cancels)…"
            )?,
        }
    } else {
        writeln!(
            err,
            "No browser can be opened here and {label} offers no device login.\n\
             Open this URL in a browser on this machine:\n\n  {url}\n\nWaiting (Ctrl-C cancels)…"
        )?;
    }
    tokio::select! {
        result = login.finish() => Ok(Some(result?)),
        _ = tokio::signal::ctrl_c() => Err(AuthError::Cancelled.into()),
    }
}

async fn device(
    provider: Arc<Provider>,
    options: LoginOptions,
    err: &mut dyn Write,
) -> Result<Session, CliError> {
    let login = DeviceLogin::start(provider.clone(), options).await?;
    let minutes = (login.expires_at() - chrono::Utc::now())
        .num_minutes()
        .max(1);
    writeln!(
        err,
        "Log in to {} on another device (a phone, another computer):\n\n  \
         1. Open   {}\n  2. Enter  {}\n",
        provider.config().label,
        login.verification_uri(),
        login.user_code()
    )?;
    let target = login
        .verification_uri_complete()
        .unwrap_or(login.verification_uri())
        .to_owned();
    if std::io::IsTerminal::is_terminal(&std::io::stderr())
        && let Some(rows) = crate::qr::rows(&target)
    {
        writeln!(err, "  Or scan this with your phone:\n")?;
        for row in rows {
            // Black on white, whatever the terminal's colours.
            writeln!(err, "  \x1b[30;47m{row}\x1b[0m")?;
        }
        writeln!(err)?;
    }
    writeln!(
        err,
        "The code expires in {minutes} min. Waiting for you (Ctrl-C cancels)…"
    )?;
    let slowed = std::sync::atomic::AtomicBool::new(false);
    let poll = login.poll(|state| {
        if let PollState::SlowingDown { interval, .. } = state
            && !slowed.swap(true, std::sync::atomic::Ordering::Relaxed)
        {
            tracing::info!("the provider asked to poll every {} s", interval.as_secs());
        }
    });
    tokio::select! {
        result = poll => Ok(result?),
        _ = tokio::signal::ctrl_c() => Err(AuthError::Cancelled.into()),
    }
}
