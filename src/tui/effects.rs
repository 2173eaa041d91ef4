//! Runs `update`'s commands as tokio tasks that answer with messages.
//! Every task is supervised: a panic becomes a message, not a torn screen.

use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::AbortHandle;

use super::message::{Command, Msg, RefreshFailure};
use chrono::{DateTime, TimeDelta, Utc};

use super::model::{AccountEntry, DeviceCode, LoginFlow, PollView, account_entries};
use crate::auth::{
    self, AuthError, BrowserLogin, BrowserSignOut, DeviceLogin, DiscoveryCache, LoginOptions,
    PollState, Provider, Session,
};
use crate::config::{Config, HttpSettings, ProviderConfig};
use crate::lifecycle;
use crate::panels::{self, FetchError};
use crate::store::{AccountId, Preferences, TokenStore};

/// What the tasks need from the outside world.
pub struct Services {
    pub config: Config,
    pub store: Arc<dyn TokenStore>,
    /// Where preferences (the active org) are kept.
    pub data_dir: PathBuf,
    /// `$BROWSER`, read by the binary.
    pub browser_var: Option<String>,
    /// Whether a browser can be opened here (see `auth::FlowEnvironment`):
    /// the login screen puts the likelier flow first.
    pub browser_available: bool,
    /// Where discovery documents and key sets are cached, if anywhere.
    pub discovery_cache: Option<DiscoveryCache>,
}

pub struct Effects {
    services: Arc<Services>,
    tx: UnboundedSender<Msg>,
    providers: Arc<tokio::sync::Mutex<HashMap<String, Arc<Provider>>>>,
    logins: Arc<Mutex<HashMap<u64, AbortHandle>>>,
}

impl Effects {
    pub fn new(services: Services, tx: UnboundedSender<Msg>) -> Self {
        Self {
            services: Arc::new(services),
            tx,
            providers: Arc::default(),
            logins: Arc::default(),
        }
    }

    pub fn services(&self) -> &Services {
        &self.services
    }

    pub fn run(&self, command: Command) {
        match command {
            Command::Discover { provider } => {
                let this = self.context();
                self.spawn(async move {
                    let result = this
                        .provider(&provider)
                        .await
                        .map(|p| p.supports_device_flow())
                        .map_err(|e| e.to_string());
                    Some(Msg::Discovered { provider, result })
                });
            }
            Command::StartLogin {
                provider,
                generation,
                flow,
                add_account,
            } => {
                let options = LoginOptions {
                    prompt: add_account.then(|| "login".to_owned()),
                };
                self.start_login(provider, generation, flow, options)
            }
            Command::LoadAccounts => {
                let this = self.context();
                self.spawn(async move { this.accounts().await.map(Msg::Accounts) });
            }
            Command::SwitchAccount(id) => {
                let this = self.context();
                self.spawn(async move { Some(Msg::AccountSwitched(this.switch(id).await)) });
            }
            Command::CancelLogin { generation } => {
                if let Some(handle) = lock(&self.logins).remove(&generation) {
                    handle.abort();
                }
            }
            Command::OpenUrl(url) => {
                let browser = self.services.browser_var.clone();
                self.spawn(async move {
                    match open_in_browser(url, browser).await {
                        Ok(()) => None,
                        Err(e) => Some(Msg::Failed(format!("Could not open the browser: {e}"))),
                    }
                });
            }
            Command::FetchPanel {
                generation,
                panel_id,
                url,
                session,
            } => {
                let this = self.context();
                self.spawn(async move {
                    let result = this.fetch_panel(&url, *session).await;
                    Some(Msg::PanelLoaded {
                        generation,
                        panel_id,
                        result,
                    })
                });
            }
            Command::Refresh(session) => {
                let this = self.context();
                self.spawn(async move { Some(Msg::Refreshed(this.refresh(*session).await)) });
            }
            Command::Logout {
                session,
                in_browser,
                everywhere,
            } => {
                let this = self.context();
                self.spawn(
                    async move { Some(this.logout(*session, in_browser, everywhere).await) },
                );
            }
            Command::SaveActiveOrg {
                provider,
                subject,
                org_id,
            } => {
                let dir = self.services.data_dir.clone();
                self.spawn(async move {
                    let saved = tokio::task::spawn_blocking(move || {
                        // Re-read so another authdash's choices survive.
                        let mut prefs = Preferences::load(&dir);
                        prefs.set_active_org(&provider, &subject, &org_id);
                        prefs.save(&dir)
                    })
                    .await;
                    match saved {
                        Ok(Ok(())) => None,
                        Ok(Err(e)) => Some(Msg::Failed(format!(
                            "Could not remember the active organization: {e}"
                        ))),
                        Err(e) => Some(Msg::Failed(format!("internal error: {e}"))),
                    }
                });
            }
        }
    }

    fn start_login(
        &self,
        provider: String,
        generation: u64,
        flow: LoginFlow,
        options: LoginOptions,
    ) {
        let this = self.context();
        let tx = self.tx.clone();
        let logins = self.logins.clone();
        let handle = self.spawn(async move {
            let result = match flow {
                LoginFlow::Browser => this.login(&provider, generation, options, &tx).await,
                LoginFlow::Device => this.device_login(&provider, generation, options, &tx).await,
            };
            lock(&logins).remove(&generation);
            Some(Msg::LoginFinished {
                generation,
                result: result.map(Box::new).map_err(|e| e.to_string()),
            })
        });
        lock(&self.logins).insert(generation, handle);
    }

    fn context(&self) -> Context {
        Context {
            services: self.services.clone(),
            tx: self.tx.clone(),
            providers: self.providers.clone(),
        }
    }

    /// Run `task` and send what it returns; a panic inside is reported.
    fn spawn<F>(&self, task: F) -> AbortHandle
    where
        F: Future<Output = Option<Msg>> + Send + 'static,
    {
        let tx = self.tx.clone();
        let inner = tokio::spawn(task);
        let handle = inner.abort_handle();
        tokio::spawn(async move {
            match inner.await {
                Ok(Some(msg)) => {
                    let _ = tx.send(msg);
                }
                Ok(None) => {}
                Err(e) if e.is_panic() => {
                    let _ = tx.send(Msg::Failed(
                        "An internal error stopped a background task; details are in the log."
                            .into(),
                    ));
                }
                Err(_) => {}
            }
        });
        handle
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

async fn open_in_browser(url: String, browser: Option<String>) -> Result<(), String> {
    tokio::task::spawn_blocking(move || auth::open_url(&url, browser.as_deref()))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())
}

impl Context {
    /// Send the browser to the provider's end-session page through a
    /// loopback page of ours, and wait (bounded) for it to come back.
    async fn sign_out_in_browser(
        &self,
        provider: &Provider,
        session: &Session,
    ) -> Result<String, String> {
        let Some(sign_out) = BrowserSignOut::start(provider, session)
            .await
            .map_err(|e| e.to_string())?
        else {
            return Ok("The provider offers no browser sign-out (no end_session_endpoint).".into());
        };
        open_in_browser(
            sign_out.start_url().to_string(),
            self.services.browser_var.clone(),
        )
        .await?;
        sign_out
            .wait(auth::SIGN_OUT_WAIT)
            .await
            .map_err(|e| e.to_string())?;
        Ok("You are signed out in the browser too.".into())
    }
}

fn poll_view(state: PollState, now: DateTime<Utc>) -> PollView {
    let next_at = now + TimeDelta::from_std(state.next_poll_in()).unwrap_or(TimeDelta::zero());
    match state {
        PollState::Waiting { .. } => PollView::Waiting { next_at },
        PollState::SlowingDown { interval, .. } => PollView::SlowingDown {
            every_secs: interval.as_secs(),
            next_at,
        },
        PollState::Retrying { .. } => PollView::Retrying { next_at },
    }
}

/// What a task carries: shared, cheap to clone.
#[derive(Clone)]
struct Context {
    services: Arc<Services>,
    tx: UnboundedSender<Msg>,
    providers: Arc<tokio::sync::Mutex<HashMap<String, Arc<Provider>>>>,
}

impl Context {
    fn provider_config(&self, name: &str) -> Result<&ProviderConfig, AuthError> {
        self.services
            .config
            .provider(name)
            .ok_or(AuthError::MissingEndpoint(
                "provider of that name in the config",
            ))
    }

    fn http_settings(&self) -> &HttpSettings {
        &self.services.config.http
    }

    /// Discovery once per run; a failure is not cached, so a retry retries.
    async fn provider(&self, name: &str) -> Result<Arc<Provider>, AuthError> {
        let mut cache = self.providers.lock().await;
        if let Some(p) = cache.get(name) {
            return Ok(p.clone());
        }
        let provider = Arc::new(
            Provider::discover_cached(
                self.provider_config(name)?,
                self.http_settings(),
                self.services.discovery_cache.as_ref(),
            )
            .await?,
        );
        cache.insert(name.to_owned(), provider.clone());
        Ok(provider)
    }

    async fn login(
        &self,
        name: &str,
        generation: u64,
        options: LoginOptions,
        tx: &UnboundedSender<Msg>,
    ) -> Result<Session, AuthError> {
        let provider = self.provider(name).await?;
        let login =
            BrowserLogin::start(provider, self.services.config.login_timeout, options).await?;
        let url = login.authorize_url().to_string();
        let _ = tx.send(Msg::LoginUrl {
            generation,
            url: url.clone(),
        });
        let opened = open_in_browser(url, self.services.browser_var.clone()).await;
        let _ = tx.send(Msg::BrowserOpened {
            generation,
            result: opened,
        });
        let session = login.finish().await?;
        self.save(&session).await;
        Ok(session)
    }

    async fn device_login(
        &self,
        name: &str,
        generation: u64,
        options: LoginOptions,
        tx: &UnboundedSender<Msg>,
    ) -> Result<Session, AuthError> {
        let provider = self.provider(name).await?;
        let login = DeviceLogin::start(provider, options).await?;
        let _ = tx.send(Msg::DeviceCode {
            generation,
            code: DeviceCode {
                user_code: login.user_code().to_owned(),
                verification_uri: login.verification_uri().to_owned(),
                verification_uri_complete: login.verification_uri_complete().map(str::to_owned),
                expires_at: login.expires_at(),
                poll: None,
            },
        });
        let progress_tx = tx.clone();
        let session = login
            .poll(move |state| {
                let _ = progress_tx.send(Msg::DevicePoll {
                    generation,
                    poll: poll_view(state, Utc::now()),
                });
            })
            .await?;
        self.save(&session).await;
        Ok(session)
    }

    /// A session that cannot be saved still works for this run.
    async fn save(&self, session: &Session) {
        let store = self.services.store.clone();
        let session = session.clone();
        let result = tokio::task::spawn_blocking(move || store.save(&session)).await;
        match result {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!("could not save the session: {e}"),
            Err(e) => tracing::error!("could not save the session: {e}"),
        }
    }

    async fn refresh(&self, session: Session) -> Result<Box<Session>, RefreshFailure> {
        let provider = self
            .provider(&session.provider)
            .await
            .map_err(|e| RefreshFailure {
                error: e.to_string(),
                needs_login: false,
            })?;
        lifecycle::refresh(&self.services.store, &provider, &session)
            .await
            .map(Box::new)
            .map_err(|e| RefreshFailure {
                needs_login: e.needs_login(),
                error: e.to_string(),
            })
    }

    async fn fetch_panel(&self, url: &str, session: Session) -> Result<panels::PanelData, String> {
        let provider = self
            .provider(&session.provider)
            .await
            .map_err(|e| e.to_string())?;
        let http = provider.http();
        match panels::fetch(http, url, session.access_token()).await {
            Err(FetchError::Unauthorized) if session.can_refresh() => {
                let fresh = lifecycle::refresh(&self.services.store, &provider, &session)
                    .await
                    .map_err(|e| e.to_string())?;
                // The dashboard must hold the new tokens: the old refresh
                // token may be spent.
                let _ = self.tx.send(Msg::Refreshed(Ok(Box::new(fresh.clone()))));
                panels::fetch(http, url, fresh.access_token())
                    .await
                    .map_err(|e| e.to_string())
            }
            other => other.map_err(|e| e.to_string()),
        }
    }

    /// The stored accounts for the switcher; `None` (logged) when the
    /// store cannot be read.
    async fn accounts(&self) -> Option<Vec<AccountEntry>> {
        let store = self.services.store.clone();
        let accounts = match tokio::task::spawn_blocking(move || store.accounts()).await {
            Ok(Ok(a)) => a,
            Ok(Err(e)) => {
                tracing::warn!("cannot list the accounts: {e}");
                return None;
            }
            Err(_) => return None,
        };
        Some(account_entries(&accounts, &self.services.config))
    }

    async fn switch(&self, id: AccountId) -> Result<Box<Session>, String> {
        let store = self.services.store.clone();
        tokio::task::spawn_blocking(move || {
            store.activate(&id)?;
            store.accounts()
        })
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?
        .active_session()
        .cloned()
        .map(Box::new)
        .ok_or_else(|| "the account is no longer stored".to_owned())
    }

    /// Revoke at the provider, and forget the tokens here whatever happens
    /// there; then, if asked, end the provider's browser session too.
    async fn logout(&self, session: Session, in_browser: bool, everywhere: bool) -> Msg {
        let provider = self.provider(&session.provider).await;
        let everywhere = match (&provider, everywhere) {
            (Ok(p), true) => Some(p.log_out_everywhere(&session).await),
            _ => None,
        };
        let revoked = match &provider {
            Ok(p) => tokio::time::timeout(Duration::from_secs(15), p.revoke(&session))
                .await
                .unwrap_or_else(|_| Err(AuthError::Revocation("timed out".into()))),
            Err(e) => Err(AuthError::Revocation(e.to_string())),
        };
        let store = self.services.store.clone();
        let id = AccountId::of(&session);
        let removed = tokio::task::spawn_blocking(move || store.remove(&id)).await;
        let local = match removed {
            Ok(Ok(_)) => None,
            Ok(Err(e)) => Some(e.to_string()),
            Err(e) => Some(e.to_string()),
        };
        let notice = match (revoked, local) {
            (Ok(true), None) => {
                "Logged out: the provider revoked the tokens and they are deleted here.".to_owned()
            }
            (Ok(false), None) => {
                "Logged out: tokens deleted here (the provider offers no revocation).".to_owned()
            }
            (Err(e), None) => {
                format!("Logged out here, but the provider could not revoke the tokens: {e}")
            }
            (_, Some(e)) => format!("Logged out, but the stored tokens could not be deleted: {e}"),
        };
        let notice = match everywhere {
            Some(Ok(())) => format!("{notice} Every session on every device has ended too."),
            Some(Err(e)) => format!("{notice} Logging out everywhere failed: {e}"),
            None => notice,
        };
        let (Ok(provider), true) = (provider, in_browser) else {
            return Msg::LoggedOut { notice };
        };
        // Logged out here already: say so now, then wait for the browser.
        let _ = self.tx.send(Msg::LoggedOut {
            notice: format!("{notice} Finish signing out in the browser that opened."),
        });
        match self.sign_out_in_browser(&provider, &session).await {
            Ok(text) => Msg::Notice(text),
            Err(e) => Msg::Failed(format!("Signing out in the browser failed: {e}")),
        }
    }
}
