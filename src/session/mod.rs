//! The session service: the only way a face (the CLI, the TUI, or your
//! own) logs in, gets a usable session, fetches with a token and logs out.
//! `auth` and `store` meet here, and nowhere else, so the rules that must
//! always hold are enforced once:
//!
//! - a session is used only with the provider that issued it (issuer and
//!   client_id; `binding`);
//! - a renewal runs under the store lock, takes another process's newer
//!   tokens instead of spending the refresh token twice, stores a rotated
//!   refresh token before anything that can fail, and never brings back
//!   an account another process logged out (`renew`);
//! - only a definite answer (`invalid_grant`, an unknown client) ends a
//!   session ([`SessionError::needs_login`]);
//! - logout deletes locally first, then revokes, then signs out in the
//!   browser and everywhere (`logout`).

mod api_login;
mod api_tokens;
mod binding;
mod choices;
mod error;
mod inspect;
mod login;
mod login_lock;
mod logout;
mod panel_http;
mod panel_url;
mod paste;
mod program;
mod redact;
mod renew;
mod source;
mod stand_in;
mod store_check;
mod watch;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

pub use crate::store::{AccountId, Accounts, Preferences, StoreError};
pub(crate) use crate::store::{SortMemory, TableMemory};
use api_tokens::ApiAccess;
pub(crate) use binding::{is_bound, provider_for};
pub use choices::ViewChoice;
pub use error::SessionError;
pub(crate) use inspect::decode_jwt;
pub use login::{DeviceCodeInfo, LoggedIn, LoginEvent, LoginRequest};
pub use logout::{BrowserSignOutReport, LogoutEvent, LogoutOptions, LogoutReport, Revocation};
pub use panel_http::fetch_http;
pub use paste::{PasteHelp, PasteInput, PasteMode};
use program::program_environment;
pub use program::{PROGRAM_ENVIRONMENT, ProgramRun, run_command};
pub use source::FetchedSource;
pub use stand_in::BrowserStandIn;
pub use store_check::{StoreContents, StoreInspector, StoreKey};

use crate::auth::{DiscoveryCache, Provider, Session};
use crate::config::Config;
use crate::store::TokenStore;

/// Opens an address in the person's browser, or says why it could not.
pub type UrlOpener = Arc<dyn Fn(&str) -> Result<(), String> + Send + Sync>;

/// Everything a face needs to reach sessions: the config, the store, the
/// folders, the browser to open, and the providers discovered so far.
pub struct SessionService {
    pub config: Config,
    /// Read it freely; change sessions only through this service.
    pub store: Arc<dyn TokenStore>,
    /// Where the store's file is, for messages.
    pub(crate) store_path: PathBuf,
    /// Where preferences (the active org) are kept.
    pub data_dir: PathBuf,
    browser_var: Option<String>,
    /// Opens addresses instead of `$BROWSER` or the system's browser
    /// ([`Self::with_url_opener`]).
    url_opener: Option<UrlOpener>,
    discovery_cache: Option<DiscoveryCache>,
    providers: tokio::sync::Mutex<HashMap<String, Arc<Provider>>>,
    /// Held (shared) by every renewal: quitting takes it exclusively, so
    /// it waits for renewals under way (a rotated refresh token in flight
    /// must reach the store).
    renewals: Arc<tokio::sync::RwLock<()>>,
    /// What a command panel's program inherits besides its token: none
    /// until [`Self::with_program_environment`].
    program_environment: Vec<(std::ffi::OsString, std::ffi::OsString)>,
    /// How long a logout gives revocation: `logout::REVOKE_TIMEOUT` but
    /// in tests ([`Self::with_revoke_timeout`]).
    revoke_timeout: std::time::Duration,
    /// [`crate::auth::LoginOptions::device_poll_speedup`]: 1 but in tests
    /// ([`Self::with_device_poll_speedup`]).
    device_poll_speedup: u32,
}

impl std::fmt::Debug for SessionService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionService")
            .field("config", &self.config.path)
            .field("data_dir", &self.data_dir)
            .finish_non_exhaustive()
    }
}

/// What a [`SessionService`] is made of; the binary fills it from the
/// command line and the environment, tests from temporary folders.
pub struct SessionSetup {
    pub config: Config,
    pub store: Arc<dyn TokenStore>,
    /// Where the store's file is, for messages.
    pub store_path: PathBuf,
    /// Where preferences (the active org) are kept.
    pub data_dir: PathBuf,
    /// `$BROWSER`, read by the binary.
    pub browser_var: Option<String>,
    /// Where discovery documents and key sets are cached, if anywhere.
    pub discovery_cache: Option<DiscoveryCache>,
}

impl SessionService {
    pub fn new(setup: SessionSetup) -> Self {
        let SessionSetup {
            config,
            store,
            store_path,
            data_dir,
            browser_var,
            discovery_cache,
        } = setup;
        Self {
            config,
            store,
            store_path,
            data_dir,
            browser_var,
            url_opener: None,
            discovery_cache,
            providers: tokio::sync::Mutex::default(),
            renewals: Arc::default(),
            program_environment: Vec::new(),
            revoke_timeout: logout::REVOKE_TIMEOUT,
            device_poll_speedup: 1,
        }
    }

    /// Test-only: a shorter bound on a logout's revocation, so that a test
    /// of a revocation that never answers waits a second, not fifteen.
    #[doc(hidden)]
    pub fn with_revoke_timeout(mut self, bound: std::time::Duration) -> Self {
        self.revoke_timeout = bound;
        self
    }

    /// Test-only: device logins sleep `speedup` times less between polls
    /// than the interval says, against a demo provider whose
    /// `device_poll_speedup` is the same, so that a test waiting for a
    /// poll waits a fraction of the 5 s interval.
    #[doc(hidden)]
    pub fn with_device_poll_speedup(mut self, speedup: u32) -> Self {
        self.device_poll_speedup = speedup;
        self
    }

    /// Open login and sign-out addresses with `opener` instead of
    /// `$BROWSER` or the system's browser: for a program that shows them its
    /// own way (a GUI's web view, a launcher of its own), or none at all
    /// (a test playing the person from the address it is given).
    pub fn with_url_opener(mut self, opener: UrlOpener) -> Self {
        self.url_opener = Some(opener);
        self
    }

    /// Let command panels' programs inherit, of `vars` (the binary passes
    /// its environment), only the variables
    /// `program_environment` allows: never the secrets a
    /// config names (`client_secret_env`, `logout_everywhere_api_key_env`).
    pub fn with_program_environment(
        mut self,
        vars: impl IntoIterator<Item = (std::ffi::OsString, std::ffi::OsString)>,
    ) -> Self {
        self.program_environment = program_environment(vars);
        self
    }

    /// The configured providers' names, for messages.
    fn provider_names(&self) -> String {
        self.config
            .providers
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A configured provider, discovered once per run (a failure is not
    /// kept, so a retry retries).
    pub async fn provider(&self, name: &str) -> Result<Arc<Provider>, SessionError> {
        let config = self
            .config
            .provider(name)
            .ok_or_else(|| SessionError::UnknownProvider {
                name: name.to_owned(),
                path: self.config.path.display().to_string(),
                names: self.provider_names(),
            })?;
        let mut cache = self.providers.lock().await;
        if let Some(p) = cache.get(name) {
            return Ok(p.clone());
        }
        let provider = Arc::new(
            Provider::discover_cached(config, &self.config.http, self.discovery_cache.as_ref())
                .await?,
        );
        cache.insert(name.to_owned(), provider.clone());
        Ok(provider)
    }

    /// The provider that issued `session`, discovered; refused before any
    /// request when the config has no such provider.
    async fn provider_of(&self, session: &Session) -> Result<Arc<Provider>, SessionError> {
        let config = provider_for(&self.config, session)?;
        let provider = self.provider(&config.name).await?;
        binding::check_discovered(&self.config, &provider, session)?;
        Ok(provider)
    }

    /// The stored accounts (blocking briefly on the file; no lock).
    pub async fn accounts(&self) -> Result<Accounts, SessionError> {
        let store = self.store.clone();
        blocking(move || store.accounts()).await
    }

    /// The session to resume at start: the active account's when it is
    /// this config's and still alive (or renewable), else any such one.
    pub(crate) fn resumable(&self, accounts: &Accounts, now: DateTime<Utc>) -> Option<Session> {
        let usable = |s: &&Session| is_bound(&self.config, s) && s.is_alive(now);
        accounts
            .active_session()
            .filter(usable)
            .or_else(|| accounts.sessions.iter().find(usable))
            .cloned()
    }

    /// Wait for renewals under way, at most `timeout`: call before the
    /// runtime goes away.
    pub async fn wait_for_renewals(&self, timeout: Duration) {
        let _ = tokio::time::timeout(timeout, self.renewals.write()).await;
    }

    /// How long a quitting face waits for a renewal: the longest a
    /// request may take, and a little more.
    pub(crate) fn renewal_grace(&self) -> Duration {
        self.config.http.request_timeout + Duration::from_secs(2)
    }
}

/// `session` as the store holds it now (read under the lock): the same
/// account and the same client. Another client's session of the same
/// person, stored by a config naming the same issuer with another
/// client_id, is not this session's to take, spend or remove; none at all
/// means another process logged it out.
pub(crate) fn stored_of(
    accounts: &crate::store::Accounts,
    session: &Session,
) -> Result<Session, SessionError> {
    accounts
        .find(&crate::store::AccountId::of(session))
        .filter(|s| s.client_id == session.client_id)
        .cloned()
        .ok_or_else(|| SessionError::LoggedOutElsewhere {
            // The name came from the provider: shown, never run.
            who: crate::identity::visible(session.user.display_name()).into_owned(),
        })
}

/// Run blocking store work off the async worker threads.
pub(crate) async fn blocking<T, E>(
    work: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, SessionError>
where
    T: Send + 'static,
    E: Into<SessionError> + Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| SessionError::Task(e.to_string()))?
        .map_err(Into::into)
}

impl SessionService {
    /// [`Self::usable`], renewed first when less than `min_ttl` of the
    /// access token remains (`authdash token --min-ttl`). A provider whose
    /// tokens live shorter than `min_ttl` gets one renewal, not a loop.
    pub(crate) async fn usable_for(
        &self,
        session: &Session,
        min_ttl: Duration,
    ) -> Result<Session, SessionError> {
        let now = Utc::now();
        let short = session.tokens.expires_at.is_some_and(|at| {
            at - now < chrono::Duration::from_std(min_ttl).unwrap_or(chrono::Duration::MAX)
        });
        if short && session.can_refresh() {
            provider_for(&self.config, session)?;
            return self.renew(session).await;
        }
        self.usable(session).await
    }
}
