//! Runs `update`'s commands as tokio tasks that answer with messages,
//! through the session service (the CLI's too). Every task is supervised:
//! a panic becomes a message, not a torn screen.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use chrono::Utc;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::AbortHandle;

use super::clock::Clock;
use super::message::{Command, Msg, Resume};
use super::model::{LoginFlow, account_entries};
use super::task_messages::{failure, login_message};
use crate::auth::{FlowEnvironment, FlowPreference, Os, Session};
use crate::panels::TemplateVars;
use crate::session::AccountId;
use crate::session::{
    BrowserSignOutReport, LoginEvent, LoginRequest, LogoutEvent, LogoutOptions, PasteInput,
    PasteMode, SessionService,
};

mod api_login;

/// What the TUI needs from the outside world.
pub struct Services {
    pub session: SessionService,
    /// Whether a browser can be opened here (see `auth::FlowEnvironment`):
    /// the login screen puts the likelier flow first.
    pub browser_available: bool,
    /// `authdash demo`'s sign-in from the terminal (`None` elsewhere).
    pub demo_sign_in: Option<crate::demo::TerminalSignIn>,
    /// An SSH session: the screens show the `ssh -L` forward a loopback
    /// address needs.
    pub over_ssh: bool,
}

pub(crate) struct Effects {
    service: Arc<SessionService>,
    tx: UnboundedSender<Msg>,
    logins: Arc<Mutex<HashMap<u64, AbortHandle>>>,
    /// Panel fetches under way, by generation: cancelled together.
    panel_fetches: Arc<Mutex<HashMap<u64, AbortHandle>>>,
    /// Where a paste-back login's pasted addresses go, by generation.
    pastes: Arc<Mutex<HashMap<u64, tokio::sync::mpsc::Sender<String>>>>,
    /// The clock the screen is drawn with (times sent to `update`).
    clock: Clock,
    /// `authdash demo`'s sign-in from the terminal, if this is the demo.
    demo_sign_in: Option<crate::demo::TerminalSignIn>,
    /// What the store watcher has seen in the store (see `watch_store`).
    seen: Arc<Mutex<Seen>>,
}

/// The accounts the store is known to hold, each with the number of the
/// watcher's reads started when it became known, and that number. A
/// login adds its account once stored: a read that started before the
/// saving may not show it, and must not take it for gone.
#[derive(Debug, Default)]
struct Seen {
    reads: u64,
    accounts: Vec<(AccountId, u64)>,
}

impl Seen {
    fn add(&mut self, id: AccountId) {
        if !self.accounts.iter().any(|(known, _)| *known == id) {
            let since = self.reads;
            self.accounts.push((id, since));
        }
    }
}

impl Effects {
    pub(crate) fn new(service: SessionService, tx: UnboundedSender<Msg>, clock: Clock) -> Self {
        Self {
            service: Arc::new(service),
            tx,
            logins: Arc::default(),
            panel_fetches: Arc::default(),
            pastes: Arc::default(),
            clock,
            demo_sign_in: None,
            seen: Arc::default(),
        }
    }

    /// The demo's sign-in from the terminal, for `SignInFromTerminal`.
    pub(crate) fn with_demo_sign_in(
        mut self,
        sign_in: Option<crate::demo::TerminalSignIn>,
    ) -> Self {
        self.demo_sign_in = sign_in;
        self
    }

    pub(crate) fn service(&self) -> &Arc<SessionService> {
        &self.service
    }

    pub(crate) fn run(&self, command: Command) {
        let service = self.service.clone();
        match command {
            Command::Resume => {
                self.spawn(async move { Some(Msg::Resumed(resume(&service).await)) })
            }
            Command::Discover { provider } => self.spawn(async move {
                let result = service
                    .provider(&provider)
                    .await
                    .map(|p| p.supports_device_flow())
                    .map_err(|e| e.to_string());
                Some(Msg::Discovered { provider, result })
            }),
            Command::StartLogin {
                provider,
                generation,
                flow,
                add_account,
                scopes,
            } => self.start_login(provider, generation, flow, add_account, scopes),
            Command::LoadAccounts => self.spawn(async move {
                let accounts = match service.accounts().await {
                    Ok(a) => a,
                    Err(e) => {
                        tracing::warn!("cannot list the accounts: {e}");
                        return None;
                    }
                };
                Some(Msg::Accounts(account_entries(&accounts, &service.config)))
            }),
            Command::SwitchAccount(id) => {
                self.spawn(async move { Some(Msg::AccountSwitched(switch(&service, id).await)) })
            }
            Command::SignInFromTerminal {
                provider,
                generation,
                person,
                add_account,
                scopes,
            } => self.sign_in_from_terminal(provider, generation, person, add_account, scopes),
            Command::StartApiLogin {
                provider,
                generation,
                flow,
                api,
                session,
            } => self.start_api_login(provider, generation, flow, api, session),
            Command::CancelLogin { generation } => {
                lock(&self.pastes).remove(&generation);
                if let Some(handle) = lock(&self.logins).remove(&generation) {
                    handle.abort();
                }
            }
            Command::PasteAddress { generation, text } => {
                if let Some(tx) = lock(&self.pastes).get(&generation) {
                    // The login reads them one by one; a full queue drops it.
                    let _ = tx.try_send(text);
                }
            }
            Command::OpenUrl(url) => self.spawn(async move {
                match service.open_in_browser(url).await {
                    Ok(()) => None,
                    Err(e) => Some(Msg::Failed(format!("Could not open the browser: {e}"))),
                }
            }),
            Command::DescribeProvider { session } => self.spawn(async move {
                let result = service
                    .describe_provider(&session)
                    .await
                    .map_err(|e| e.to_string());
                Some(Msg::ProviderSummary {
                    account: AccountId::of(&session),
                    result,
                })
            }),
            Command::CancelPanels => {
                for (_, handle) in lock(&self.panel_fetches).drain() {
                    handle.abort();
                }
            }
            Command::FetchPanel {
                generation,
                spec,
                org_id,
                org_name,
                session,
            } => {
                let tx = self.tx.clone();
                let fetches = self.panel_fetches.clone();
                let handle = self.spawn_handle(async move {
                    let vars = TemplateVars {
                        org_id: &org_id,
                        org_name: &org_name,
                        user_id: &session.user.subject,
                    };
                    let fetched = service.fetch_source(&session, &spec, vars).await;
                    lock(&fetches).remove(&generation);
                    if let Some(e) = &fetched.ended {
                        let _ = tx.send(Msg::SessionEnded {
                            account: AccountId::of(&session),
                            failure: failure(e),
                        });
                    }
                    if let Some(kept) = fetched.api_session {
                        let _ = tx.send(Msg::ApiTokens {
                            account: AccountId::of(&session),
                            session: Box::new(kept),
                        });
                    }
                    if let Some(renewed) = fetched.renewed {
                        // The dashboard must hold the new tokens: the old
                        // refresh token may be spent.
                        let _ = tx.send(Msg::Refreshed {
                            account: AccountId::of(&session),
                            generation: None,
                            result: Ok(Box::new(renewed)),
                        });
                    }
                    Some(Msg::PanelLoaded {
                        generation,
                        panel_id: spec.id.clone(),
                        result: fetched.data,
                    })
                });
                lock(&self.panel_fetches).insert(generation, handle);
            }
            Command::Refresh {
                session,
                generation,
            } => self.spawn(async move {
                let result = service
                    .renew(&session)
                    .await
                    .map(Box::new)
                    .map_err(|e| failure(&e));
                Some(Msg::Refreshed {
                    account: AccountId::of(&session),
                    generation: Some(generation),
                    result,
                })
            }),
            Command::Logout {
                session,
                in_browser,
                everywhere,
            } => {
                let tx = self.tx.clone();
                self.spawn(async move {
                    Some(logout(&service, &session, in_browser, everywhere, &tx).await)
                })
            }
            Command::SaveActiveOrg {
                provider,
                subject,
                org_id,
            } => self.spawn(async move {
                match service.remember_active_org(provider, subject, org_id).await {
                    Ok(()) => None,
                    Err(e) => Some(Msg::Failed(format!(
                        "Could not remember the active organization: {e}"
                    ))),
                }
            }),
            Command::SaveView {
                provider,
                subject,
                choice,
            } => self.spawn(async move {
                match service.remember_view(provider, subject, choice).await {
                    Ok(()) => None,
                    Err(e) => {
                        // Losing a table's sort is not worth a message.
                        tracing::warn!("could not remember the dashboard's view: {e}");
                        None
                    }
                }
            }),
        }
    }

    /// Look at the store's file every [`STORE_WATCH`]; when it changed,
    /// read the accounts and say which are gone (`authdash logout` in
    /// another process). `known`: the accounts the app read from it last;
    /// only an account seen there can be gone (one whose saving failed
    /// never was). The first look reads the store. Ends with the app.
    pub(crate) fn watch_store(&self, known: Vec<AccountId>) {
        let service = self.service.clone();
        let tx = self.tx.clone();
        let seen = self.seen.clone();
        for id in known {
            lock(&seen).add(id);
        }
        tokio::spawn(async move {
            let ids = |a: &crate::session::Accounts| {
                a.sessions.iter().map(AccountId::of).collect::<Vec<_>>()
            };
            let mut stamp = None;
            let mut every = tokio::time::interval(STORE_WATCH);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                if tx.is_closed() {
                    return;
                }
                let now = Some(service.store_stamp());
                if now == stamp {
                    continue;
                }
                stamp = now;
                let read = {
                    let mut seen = lock(&seen);
                    seen.reads += 1;
                    seen.reads
                };
                let accounts = match service.accounts().await {
                    Ok(a) => a,
                    Err(e) => {
                        tracing::warn!("the store changed and cannot be read: {e}");
                        continue;
                    }
                };
                let present = ids(&accounts);
                let mut gone = Vec::new();
                {
                    let mut seen = lock(&seen);
                    seen.accounts.retain(|(id, since)| {
                        let kept = present.contains(id) || *since >= read;
                        if !kept {
                            gone.push(id.clone());
                        }
                        kept
                    });
                    for id in present {
                        seen.add(id);
                    }
                }
                let msg = Msg::StoreChanged {
                    accounts: account_entries(&accounts, &service.config),
                    gone,
                };
                if tx.send(msg).is_err() {
                    return;
                }
            }
        });
    }

    /// A login as the person chose it here (the flow's kind is all that
    /// matters of the environment); a paste-back login gets its input,
    /// kept under `generation` for the pasted address.
    fn login_request(
        &self,
        provider: String,
        generation: u64,
        flow: LoginFlow,
        add_account: bool,
        scopes: Vec<String>,
    ) -> LoginRequest {
        LoginRequest {
            provider: Some(provider),
            flow: Some(match flow {
                LoginFlow::Browser | LoginFlow::Paste | LoginFlow::Terminal => {
                    FlowPreference::Browser
                }
                LoginFlow::Device => FlowPreference::Device,
            }),
            environment: FlowEnvironment::from_vars(Os::current(), false, &|_| None),
            add_account,
            paste: match flow {
                LoginFlow::Paste => {
                    let (input, tx) = PasteInput::channel();
                    lock(&self.pastes).insert(generation, tx);
                    PasteMode::Chosen(input)
                }
                _ => PasteMode::Off,
            },
            scopes,
        }
    }

    fn start_login(
        &self,
        provider: String,
        generation: u64,
        flow: LoginFlow,
        add_account: bool,
        scopes: Vec<String>,
    ) {
        let service = self.service.clone();
        let tx = self.tx.clone();
        let logins = self.logins.clone();
        let clock = self.clock.clone();
        let request = self.login_request(provider, generation, flow, add_account, scopes);
        let pastes = self.pastes.clone();
        let seen = self.seen.clone();
        let handle = self.spawn_handle(async move {
            let events = |event: LoginEvent| {
                if let Some(msg) = login_message(generation, event, &clock) {
                    let _ = tx.send(msg);
                }
            };
            let result = service
                .login(request, &events)
                .await
                .map(|logged_in| kept(logged_in, &tx, &seen));
            lock(&logins).remove(&generation);
            lock(&pastes).remove(&generation);
            Some(Msg::LoginFinished {
                generation,
                result: result.map(Box::new).map_err(|e| e.to_string()),
            })
        });
        lock(&self.logins).insert(generation, handle);
    }

    /// A browser login whose browser is the demo's stand-in, signing in
    /// as `person`. Only the demo has one, and it signs in to the demo's
    /// own provider only: anywhere else this ends the login with why.
    fn sign_in_from_terminal(
        &self,
        provider: String,
        generation: u64,
        person: String,
        add_account: bool,
        scopes: Vec<String>,
    ) {
        let service = self.service.clone();
        let tx = self.tx.clone();
        let logins = self.logins.clone();
        let clock = self.clock.clone();
        let seen = self.seen.clone();
        let stand_in = self
            .demo_sign_in
            .as_ref()
            .and_then(|sign_in| sign_in.as_person(&person));
        let request = LoginRequest {
            provider: Some(provider),
            flow: Some(FlowPreference::Browser),
            environment: FlowEnvironment::from_vars(Os::current(), false, &|_| None),
            add_account,
            paste: PasteMode::Off,
            scopes,
        };
        let handle = self.spawn_handle(async move {
            let events = |event: LoginEvent| {
                if let Some(msg) = login_message(generation, event, &clock) {
                    let _ = tx.send(msg);
                }
            };
            let result = match &stand_in {
                Some(stand_in) => service
                    .login_with_stand_in(request, stand_in, &events)
                    .await
                    .map(|logged_in| kept(logged_in, &tx, &seen))
                    .map_err(|e| e.to_string()),
                None => Err(format!(
                    "signing in from the terminal is for `authdash demo` and its demo users; {person} is not one"
                )),
            };
            lock(&logins).remove(&generation);
            Some(Msg::LoginFinished {
                generation,
                result: result.map(Box::new),
            })
        });
        lock(&self.logins).insert(generation, handle);
    }

    fn spawn<F>(&self, task: F)
    where
        F: Future<Output = Option<Msg>> + Send + 'static,
    {
        self.spawn_handle(task);
    }

    /// Run `task` and send what it returns; a panic inside is reported.
    fn spawn_handle<F>(&self, task: F) -> AbortHandle
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

/// A login's session: an account the store watcher has seen once saved
/// (so that a logout elsewhere is noticed); a failed save is said, as the
/// session then ends with the app.
fn kept(
    logged_in: crate::session::LoggedIn,
    tx: &UnboundedSender<Msg>,
    seen: &Mutex<Seen>,
) -> Session {
    match logged_in.saved {
        Ok(()) => lock(seen).add(AccountId::of(&logged_in.session)),
        Err(e) => {
            let _ = tx.send(Msg::Failed(format!(
                "Logged in, but the session could not be stored, so it ends when you quit: {e}"
            )));
        }
    }
    logged_in.session
}

/// How often the store's file is looked at for changes by other processes.
const STORE_WATCH: std::time::Duration = std::time::Duration::from_secs(1);

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The store at start: the accounts, and the session to go on with.
async fn resume(service: &SessionService) -> Result<Resume, String> {
    let accounts = service.accounts().await.map_err(|e| e.to_string())?;
    Ok(Resume {
        session: service.resumable(&accounts, Utc::now()).map(Box::new),
        recovered: accounts.recovered.clone(),
        accounts: account_entries(&accounts, &service.config),
    })
}

async fn switch(service: &SessionService, id: AccountId) -> Result<Box<Session>, String> {
    service
        .activate(id)
        .await
        .map(Box::new)
        .map_err(|e| e.to_string())
}

/// Log out through the service; the logged-out part is said at once, the
/// browser's outcome when it comes.
async fn logout(
    service: &SessionService,
    session: &Session,
    in_browser: bool,
    everywhere: bool,
    tx: &UnboundedSender<Msg>,
) -> Msg {
    let events = |event: LogoutEvent| {
        if let LogoutEvent::LoggedOut(report) = event {
            let _ = tx.send(Msg::LoggedOut {
                notice: format!(
                    "{} Finish signing out in the browser that opened.",
                    report.summary()
                ),
            });
        }
    };
    let options = LogoutOptions {
        in_browser,
        everywhere,
    };
    match service.logout(session, options, &events).await {
        Err(e) => Msg::LoggedOut {
            notice: format!("Not logged out: {e}"),
        },
        Ok(report) => match &report.browser {
            None => Msg::LoggedOut {
                notice: report.summary(),
            },
            Some(BrowserSignOutReport::SignedOut) => {
                Msg::Notice("You are signed out in the browser too.".into())
            }
            Some(BrowserSignOutReport::Sent) => Msg::Notice(
                "The browser was sent to sign out at the provider; it does not come back here."
                    .into(),
            ),
            Some(BrowserSignOutReport::NotOffered) => Msg::Notice(
                "The provider offers no browser sign-out (no end_session_endpoint).".into(),
            ),
            Some(BrowserSignOutReport::Failed(e)) => {
                Msg::Failed(format!("Signing out in the browser failed: {e}"))
            }
        },
    }
}
