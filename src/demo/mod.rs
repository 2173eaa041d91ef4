//! The embedded OpenID Provider behind `authdash demo`.
//!
//! A small but real provider: discovery, JWKS, the authorization code flow
//! with PKCE (S256, required) for one public client, refresh tokens with
//! rotation and reuse detection, userinfo in PropelAuth's shape, revocation
//! (RFC 7009), RP-initiated logout, the device authorization grant
//! (RFC 8628) with its verification page, and a demo data API for the dashboard's
//! panels. It binds `127.0.0.1` only and keeps everything in memory.
//!
//! The demo users and organizations come from `assets/demo/*.toml`, compiled
//! in and validated at start; beside them, generated users in 10, 1,000 and
//! 10,000 organizations (`orgs10`, `orgs1000`, `orgs10000`) for benchmarks,
//! whose organizations are made on first use.
//!
//! Where no browser and no second device reaches it, `authdash demo` signs
//! in from the terminal: [`TerminalSignIn`] plays the browser against this
//! provider's own sign-in page.

mod config;
mod context;
mod directory;
mod keys;
mod pages;
mod params;
mod routes;
mod state;
mod terminal;
#[cfg(test)]
mod tests;
mod tokens;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::{config_toml, config_toml_with_apis};
use directory::{Directory, DirectoryError, PanelRequirement};
pub use terminal::{DemoPerson, SignInAs, TerminalSignIn};

/// The one client the demo provider knows: public (no secret), PKCE required.
pub const DEMO_CLIENT_ID: &str = "authdash-demo";
/// The variable the demo config names for the backend API key ("log out
/// everywhere"); `authdash demo` supplies it itself, with the key of its
/// own provider ([`DemoProvider::backend_api_key`]).
pub const DEMO_BACKEND_KEY_ENV: &str = "AUTHDASH_DEMO_BACKEND_API_KEY";

/// How long [`DemoProvider::shutdown`] waits for open connections to finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// Why the demo provider could not start.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The embedded demo data is malformed.
    #[error("demo data: {0}")]
    Directory(#[from] DirectoryError),
    /// The embedded signing key cannot be used.
    #[error("demo signing key (assets/demo/signing-key.pem): {0}")]
    Key(String),
    /// The listening socket could not be opened.
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind {
        port: u16,
        #[source]
        source: std::io::Error,
    },
    /// The issuer URL could not be formed.
    #[error("demo issuer URL: {0}")]
    Issuer(String),
}

/// Settings of a demo provider run.
#[derive(Debug, Clone)]
pub struct DemoSettings {
    /// Port on 127.0.0.1; 0 picks any free port.
    pub port: u16,
    /// Lifetime of access tokens.
    pub access_token_ttl: Duration,
    /// Lifetime of ID tokens.
    pub id_token_ttl: Duration,
    /// Lifetime of authorization codes.
    pub code_ttl: Duration,
    /// Issue a new refresh token on each refresh and invalidate the old one.
    pub rotate_refresh_tokens: bool,
    /// Lifetime of device codes (RFC 8628 `expires_in`).
    pub device_code_ttl: Duration,
    /// The polling interval device authorizations advertise (`interval`).
    pub device_poll_interval: Duration,
    /// The gap the demo demands between two polls of one device code before
    /// it answers `slow_down`; `None` (or anything shorter) means the
    /// advertised interval. Set it above `device_poll_interval` to see a
    /// client slowed down, as by a provider whose clock runs ahead.
    pub device_enforced_interval: Option<Duration>,
    /// The day the panel data ends on (daily series end that day,
    /// monthly ones that month); `None` serves it as written in
    /// `assets/demo/panels.toml`. `authdash demo` passes today.
    pub data_today: Option<chrono::NaiveDate>,
    /// Whether the demo's billing and reports APIs still take the login's
    /// token, as before they had tokens of their own (the configs whose
    /// panels all use the login's token, [`config_toml`]). `authdash
    /// demo` turns it off: there they take only a JWT whose `aud` is
    /// their own ([`config_toml_with_apis`]).
    pub login_token_at_apis: bool,
    /// Test-only: the gaps between polls are measured this many times
    /// shorter (0 and 1 mean real time), for a client whose
    /// `LoginOptions::device_poll_speedup` is the same: what the demo
    /// advertises and adds on `slow_down` is unchanged.
    #[doc(hidden)]
    pub device_poll_speedup: u32,
}

impl Default for DemoSettings {
    fn default() -> Self {
        DemoSettings {
            port: 0,
            access_token_ttl: Duration::from_secs(10 * 60),
            id_token_ttl: Duration::from_secs(60 * 60),
            code_ttl: Duration::from_secs(60),
            rotate_refresh_tokens: true,
            device_code_ttl: Duration::from_secs(600),
            device_poll_interval: Duration::from_secs(5),
            device_enforced_interval: None,
            data_today: None,
            login_token_at_apis: true,
            device_poll_speedup: 1,
        }
    }
}

/// A running demo provider. Dropping it stops the server.
pub struct DemoProvider {
    ctx: Arc<context::Ctx>,
    issuer: url::Url,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for DemoProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoProvider")
            .field("issuer", &self.ctx.issuer)
            .finish_non_exhaustive()
    }
}

impl DemoProvider {
    /// Loads the demo data and key, binds `127.0.0.1:port` and starts serving.
    pub async fn start(settings: DemoSettings) -> Result<DemoProvider, DemoError> {
        let directory = match settings.data_today {
            Some(today) => Directory::load()?.dated(today),
            None => Directory::load()?,
        };
        let key = keys::SigningKey::load()?;
        let port = settings.port;
        let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
            .await
            .map_err(|source| DemoError::Bind { port, source })?;
        let bound = listener
            .local_addr()
            .map_err(|source| DemoError::Bind { port, source })?;
        let issuer_str = format!("http://127.0.0.1:{}", bound.port());
        let issuer = url::Url::parse(&issuer_str).map_err(|e| DemoError::Issuer(e.to_string()))?;

        let ctx = Arc::new(context::Ctx::new(issuer_str, settings, directory, key));
        let app = routes::router(ctx.clone());
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let shutdown = async move {
                let _ = stop_rx.await;
            };
            if let Err(err) = axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await
            {
                tracing::error!(error = %err, "demo provider server stopped with an error");
            }
        });
        tracing::info!(issuer = %ctx.issuer, "demo provider listening");
        Ok(DemoProvider {
            ctx,
            issuer,
            stop: Some(stop_tx),
            task: Some(task),
        })
    }

    /// The issuer as a URL. Note that `Url` prints a trailing slash; the
    /// issuer string in discovery and tokens has none (see [`Self::issuer_str`]).
    pub fn issuer(&self) -> url::Url {
        self.issuer.clone()
    }

    /// The exact issuer string used in discovery and tokens, `http://127.0.0.1:PORT`.
    pub fn issuer_str(&self) -> &str {
        &self.ctx.issuer
    }

    /// The key of this run's backend API ("log out everywhere"): random,
    /// made at start and known only to this process, so that no other
    /// local process can end the sessions of a running demo.
    pub fn backend_api_key(&self) -> &str {
        &self.ctx.backend_api_key
    }

    /// The public client's id, [`DEMO_CLIENT_ID`].
    pub fn client_id(&self) -> &'static str {
        DEMO_CLIENT_ID
    }

    /// The demo users, organizations and memberships.
    pub fn directory(&self) -> &Directory {
        &self.ctx.directory
    }

    /// How many times a refresh token that had already been rotated away
    /// was presented again (and refused).
    pub fn refresh_reuse_rejections(&self) -> u64 {
        self.ctx.refresh_reuse_rejections.load(Ordering::Relaxed)
    }

    /// How many requests the provider has answered, by path (`/token`,
    /// `/userinfo`, …; any query left out), since it started: what a
    /// client asked of it. Past 64 distinct paths the rest are counted
    /// under `"(other paths)"`.
    pub fn requests(&self) -> std::collections::BTreeMap<String, u64> {
        self.ctx.requests()
    }

    /// What `/userinfo` answers for the user with short id `user` (the
    /// claims a client receives; benchmarks print their size).
    pub fn userinfo(&self, user: &str) -> Option<serde_json::Value> {
        let user = self.ctx.directory.user(user)?;
        Some(routes::userinfo_json(&self.ctx.directory, user))
    }

    /// How many requests the provider has answered since it started.
    pub fn request_count(&self) -> u64 {
        self.ctx.requests().values().sum()
    }

    /// How many times the token endpoint was polled with a device code
    /// (every answer counts: pending, slow_down, success, errors).
    pub fn device_polls(&self) -> u64 {
        self.ctx.device_polls.load(Ordering::Relaxed)
    }

    /// Stops accepting connections, lets open requests finish (bounded), and
    /// stops the server.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(SHUTDOWN_GRACE, &mut task)
                .await
                .is_err()
        {
            task.abort();
        }
        tracing::info!(issuer = %self.ctx.issuer, "demo provider stopped");
    }
}

impl Drop for DemoProvider {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
