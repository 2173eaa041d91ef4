//! Logging in, in the browser or with a code on another device. Progress
//! is reported as [`LoginEvent`]s: the CLI prints them, the TUI draws them.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::paste::{PasteHelp, PasteInput, PasteMode, device_grant_refused};
use super::{BrowserStandIn, SessionError, SessionService, login_lock};
use crate::auth::{
    self, AuthError, BrowserLogin, DeviceLogin, FlowChoice, FlowEnvironment, FlowPreference,
    LoginOptions, PollState, Provider, Refusal, Session, choose_flow,
};

/// A login's result: the session, and whether it was stored.
#[derive(Debug)]
pub struct LoggedIn {
    pub session: Session,
    pub saved: Result<(), SessionError>,
}

/// What to log in to, and how.
#[derive(Debug, Clone)]
pub struct LoginRequest {
    /// The config's provider name; `None` when the config has one.
    pub provider: Option<String>,
    /// `None` follows the provider's `flow` setting.
    pub flow: Option<FlowPreference>,
    /// What the face found out about this machine (device support is
    /// filled in after discovery).
    pub environment: FlowEnvironment,
    /// Ask the provider for a fresh login (`prompt=login`) so single
    /// sign-on does not hand back the same person.
    pub add_account: bool,
    /// Whether an address may be pasted back instead of the callback.
    pub paste: PasteMode,
    /// Scopes to ask for beyond the configured ones (a panel needs one the
    /// session was not granted); the account stays the same.
    pub scopes: Vec<String>,
}

/// The device flow's code and where to enter it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceCodeInfo {
    pub user_code: String,
    pub verification_uri: String,
    pub(crate) verification_uri_complete: Option<String>,
    pub(crate) expires_at: DateTime<Utc>,
}

/// What a login is doing, for the face to show.
#[derive(Debug, Clone)]
pub enum LoginEvent {
    /// The provider to log in to, with its label.
    Provider {
        name: String,
        label: String,
    },
    /// The login URL: always shown. `opening` says whether authdash tries
    /// to open a browser on it.
    BrowserUrl {
        url: String,
        opening: bool,
        /// `Some` when the address the browser ends at may be pasted back
        /// (and how to forward the port instead).
        paste: Option<PasteHelp>,
    },
    /// `flow = "auto"` turns to the paste-back login, and why.
    FallingBackToPaste(String),
    /// Whether the browser opened.
    BrowserOpened(Result<(), String>),
    /// No browser could start: a code on another device instead.
    FallingBackToDevice(String),
    DeviceCode(DeviceCodeInfo),
    DevicePoll(PollState),
    /// A response reached the callback that was not for this login (wrong
    /// `state` or issuer); the login goes on waiting.
    Refused(String),
    /// Another process is logging in to the same provider: this login
    /// waits for it (and then uses its session) instead of opening a
    /// second browser tab. `holder` names the process.
    WaitingForOtherLogin {
        holder: String,
    },
}

/// How much longer than a login may take a second one waits for it.
const LOGIN_WAIT_MARGIN: std::time::Duration = std::time::Duration::from_secs(30);

impl SessionService {
    /// Which provider a request means: the named one, or the only one.
    fn login_provider_name(&self, request: &LoginRequest) -> Result<String, SessionError> {
        match (&request.provider, self.config.providers.as_slice()) {
            (Some(n), _) => Ok(n.clone()),
            (None, [only]) => Ok(only.name.clone()),
            (None, _) => Err(SessionError::Usage(format!(
                "several providers are configured ({}); choose one with --provider NAME",
                self.provider_names()
            ))),
        }
    }

    /// Log in and store the session as the active account. Cancel by
    /// dropping the future. A session that cannot be stored is still
    /// returned, with why in `saved`: the face decides whether it is worth
    /// using for this run only.
    pub async fn login(
        &self,
        request: LoginRequest,
        events: &(dyn Fn(LoginEvent) + Send + Sync),
    ) -> Result<LoggedIn, SessionError> {
        self.login_via(request, None, None, events).await
    }

    /// [`Self::login`] in the browser flow, with `stand_in` playing the
    /// browser: it is given the authorization URL instead of a browser.
    /// Everything else runs as in any login: the loopback callback and its
    /// `state` check, the code exchange with PKCE, the ID token's
    /// verification, the store. The stand-in decides which providers it
    /// plays for (the demo's signs in to its own provider only).
    pub async fn login_with_stand_in(
        &self,
        request: LoginRequest,
        stand_in: &dyn BrowserStandIn,
        events: &(dyn Fn(LoginEvent) + Send + Sync),
    ) -> Result<LoggedIn, SessionError> {
        self.login_via(request, Some(stand_in), None, events).await
    }

    /// [`Self::login`] for one API's token alone (`for_api`): see
    /// [`Self::login_for_api`].
    pub(super) async fn login_via(
        &self,
        request: LoginRequest,
        stand_in: Option<&dyn BrowserStandIn>,
        for_api: Option<super::api_login::ForApi<'_>>,
        events: &(dyn Fn(LoginEvent) + Send + Sync),
    ) -> Result<LoggedIn, SessionError> {
        let name = self.login_provider_name(&request)?;
        let provider = self.provider(&name).await?;
        events(LoginEvent::Provider {
            name: name.clone(),
            label: provider.config().label.clone(),
        });
        let started = Utc::now();
        let lock_dir = self.store_path.parent().unwrap_or(&self.data_dir);
        let lock_path = login_lock::path(lock_dir, provider.issuer(), &provider.config().client_id);
        let doing = format!("logging in to {}", provider.config().label);
        let _login_lock = match login_lock::try_take(lock_path.clone(), doing.clone()).await? {
            Ok(lock) => lock,
            Err(holder) => {
                events(LoginEvent::WaitingForOtherLogin { holder });
                let wait = self.config.login_timeout + LOGIN_WAIT_MARGIN;
                let lock = login_lock::take(lock_path, wait, doing).await?;
                // The other login's session is this one's, unless another
                // person is being added.
                if !request.add_account
                    && for_api.is_none()
                    && let Some(session) = self.logged_in_since(&provider, started).await?
                {
                    return Ok(LoggedIn {
                        session,
                        saved: Ok(()),
                    });
                }
                lock
            }
        };
        let apis = self.login_apis(provider.config());
        let mut extra_scopes = request.scopes.clone();
        extra_scopes.extend(apis.scopes);
        let mut options = LoginOptions {
            prompt: request.add_account.then(|| "login".to_owned()),
            extra_scopes,
            resources: apis.resources.clone(),
            device_poll_speedup: self.device_poll_speedup,
            ..LoginOptions::default()
        };
        if let Some(for_api) = &for_api {
            for_api.ask(&mut options);
        }
        let environment = FlowEnvironment {
            device_supported: provider.supports_device_flow(),
            ..request.environment
        };
        let preference = request.flow.unwrap_or(provider.config().flow);
        if preference == FlowPreference::Device && !environment.device_supported {
            return Err(SessionError::Usage(format!(
                "{} offers no device authorization endpoint; log in in the browser",
                provider.config().label
            )));
        }
        let auto = preference == FlowPreference::Auto;
        let may_fall_back = auto && environment.device_supported;
        let paste = request.paste.input().and_then(PasteInput::take);
        let label = provider.config().label.clone();
        let session = if let Some(stand_in) = stand_in {
            self.played_browser(provider, options, stand_in, events)
                .await?
        } else if let PasteMode::Chosen(_) = request.paste {
            self.browser(provider, options, false, false, paste, events)
                .await?
                .ok_or(SessionError::Task(
                    "a paste-back login ended without a session".into(),
                ))?
        } else {
            match choose_flow(preference, &environment) {
                FlowChoice::Device => {
                    match self.device(provider.clone(), options.clone(), events).await {
                        Err(SessionError::Auth(e)) if auto && paste.is_some() => {
                            let Some(why) = device_grant_refused(&e) else {
                                return Err(e.into());
                            };
                            events(LoginEvent::FallingBackToPaste(why));
                            self.pasted_browser(provider, options, paste, events)
                                .await?
                        }
                        other => other?,
                    }
                }
                choice => {
                    let open = choice == FlowChoice::Browser;
                    if !open && paste.is_some() {
                        events(LoginEvent::FallingBackToPaste(format!(
                            "no browser can be opened here and {label} offers no device login"
                        )));
                    }
                    match self
                        .browser(
                            provider.clone(),
                            options.clone(),
                            open,
                            may_fall_back,
                            if open { None } else { paste },
                            events,
                        )
                        .await?
                    {
                        Some(session) => session,
                        None => self.device(provider, options, events).await?,
                    }
                }
            }
        };
        if let Some(for_api) = for_api {
            return self.keep_api_login(for_api, session).await;
        }
        let mut session = session;
        session.apis.asked_at_login = apis.resources;
        // The session goes to the blocking task and comes back: no copy
        // of claims that can be megabytes.
        let store = self.store.clone();
        let (session, saved) = tokio::task::spawn_blocking(move || store.save_owned(session))
            .await
            .map_err(|e| SessionError::Task(e.to_string()))?;
        let saved = saved.map_err(SessionError::from);
        if let Err(e) = &saved {
            tracing::error!("could not save the session: {e}");
        }
        Ok(LoggedIn { session, saved })
    }

    /// A session of `provider` stored by a login that ended after
    /// `since` (another process's), still alive.
    async fn logged_in_since(
        &self,
        provider: &Provider,
        since: DateTime<Utc>,
    ) -> Result<Option<Session>, SessionError> {
        let accounts = self.accounts().await?;
        let now = Utc::now();
        let fits = |s: &&Session| {
            s.issuer == provider.issuer()
                && s.client_id == provider.config().client_id
                && s.logged_in_at >= since
                && s.is_alive(now)
        };
        Ok(accounts
            .active_session()
            .filter(fits)
            .or_else(|| {
                accounts
                    .sessions
                    .iter()
                    .filter(fits)
                    .max_by_key(|s| s.logged_in_at)
            })
            .cloned())
    }

    /// The paste-back login (no browser opened here).
    async fn pasted_browser(
        &self,
        provider: Arc<Provider>,
        options: LoginOptions,
        paste: Option<tokio::sync::mpsc::Receiver<String>>,
        events: &(dyn Fn(LoginEvent) + Send + Sync),
    ) -> Result<Session, SessionError> {
        self.browser(provider, options, false, false, paste, events)
            .await?
            .ok_or_else(|| SessionError::Task("a paste-back login ended without a session".into()))
    }

    /// The browser flow with `stand_in` for the browser: a stand-in that
    /// fails ends the login at once (nothing else would come back).
    async fn played_browser(
        &self,
        provider: Arc<Provider>,
        options: LoginOptions,
        stand_in: &dyn BrowserStandIn,
        events: &(dyn Fn(LoginEvent) + Send + Sync),
    ) -> Result<Session, SessionError> {
        let mut login = BrowserLogin::start(provider, self.config.login_timeout, options).await?;
        let mut refusals = login.refusals();
        let url = login.authorize_url().to_string();
        events(LoginEvent::BrowserUrl {
            url: url.clone(),
            opening: true,
            paste: None,
        });
        // The callback answers from its own task, so the stand-in can take
        // the whole way to it before the login waits for the outcome.
        stand_in.open(&url).await.map_err(SessionError::StandIn)?;
        events(LoginEvent::BrowserOpened(Ok(())));
        let finish = login.finish();
        tokio::pin!(finish);
        loop {
            tokio::select! {
                result = &mut finish => return Ok(result?),
                refusal = next_refusal(&mut refusals) => match refusal {
                    Some(refusal) => events(LoginEvent::Refused(refusal.to_string())),
                    None => refusals = None,
                },
            }
        }
    }

    /// `Ok(None)`: no browser opened and `may_fall_back` allows the device
    /// flow instead. With `paste`, an address pasted back finishes the
    /// login as the callback would.
    async fn browser(
        &self,
        provider: Arc<Provider>,
        options: LoginOptions,
        open: bool,
        may_fall_back: bool,
        paste: Option<tokio::sync::mpsc::Receiver<String>>,
        events: &(dyn Fn(LoginEvent) + Send + Sync),
    ) -> Result<Option<Session>, SessionError> {
        let fixed_port = provider.config().redirect.port != 0;
        let mut login = BrowserLogin::start(provider, self.config.login_timeout, options).await?;
        let mut refusals = login.refusals();
        let url = login.authorize_url().to_string();
        events(LoginEvent::BrowserUrl {
            url: url.clone(),
            opening: open,
            paste: paste
                .is_some()
                .then(|| PasteHelp::new(login.redirect_uri(), fixed_port)),
        });
        // An embedding program's opener may keep the page until its window
        // is closed (a GUI's web view): the login waits for the person
        // meanwhile, within its own bound, not for the opener to return.
        let opening = self.open_in_browser(url);
        tokio::pin!(opening);
        let mut opened = !open;
        // Responses that were not for this login are said at once; the
        // login goes on waiting for the real one.
        let refused_paste =
            |why: crate::auth::PasteRefusal| events(LoginEvent::Refused(why.to_string()));
        let finish = async {
            match paste {
                Some(lines) => login.finish_or_paste(lines, &refused_paste).await,
                None => login.finish().await,
            }
        };
        tokio::pin!(finish);
        loop {
            tokio::select! {
                result = &mut opening, if !opened => {
                    opened = true;
                    match result {
                        Err(e) if may_fall_back => {
                            events(LoginEvent::FallingBackToDevice(e));
                            return Ok(None);
                        }
                        other => {
                            if other.is_err() {
                                tracing::info!(
                                    "no browser opened; waiting for the URL to be opened by hand"
                                );
                            }
                            events(LoginEvent::BrowserOpened(other));
                        }
                    }
                }
                result = &mut finish => return Ok(Some(result?)),
                refusal = next_refusal(&mut refusals) => match refusal {
                    Some(refusal) => events(LoginEvent::Refused(refusal.to_string())),
                    None => refusals = None,
                },
            }
        }
    }

    async fn device(
        &self,
        provider: Arc<Provider>,
        options: LoginOptions,
        events: &(dyn Fn(LoginEvent) + Send + Sync),
    ) -> Result<Session, SessionError> {
        let login = DeviceLogin::start(provider, options).await?;
        events(LoginEvent::DeviceCode(DeviceCodeInfo {
            user_code: login.user_code().to_owned(),
            verification_uri: login.verification_uri().to_owned(),
            verification_uri_complete: login.verification_uri_complete().map(str::to_owned),
            expires_at: login.expires_at(),
        }));
        Ok(login
            .poll(|state| events(LoginEvent::DevicePoll(state)))
            .await?)
    }

    /// Open `url` with `$BROWSER` or the system's browser, off the async
    /// threads.
    pub(crate) async fn open_in_browser(&self, url: String) -> Result<(), String> {
        let browser = self.browser_var.clone();
        let opener = self.url_opener.clone();
        tokio::task::spawn_blocking(move || match opener {
            Some(open) => open(&url),
            None => auth::open_url(&url, browser.as_deref()).map_err(|e: AuthError| e.to_string()),
        })
        .await
        .map_err(|e| e.to_string())?
    }
}

/// The next refusal, or never when there is no channel.
async fn next_refusal(
    refusals: &mut Option<tokio::sync::mpsc::Receiver<Refusal>>,
) -> Option<Refusal> {
    match refusals {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}
