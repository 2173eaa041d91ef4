//! The subcommands for scripts and terminals without the TUI, following
//! `gh auth`: `status` (exit 1 when logged out), `token` (the access token
//! and nothing else on stdout), `switch`, `login`, `logout`; and `init`
//! (a config to start from) and `doctor` (checks a config and its providers).
//!
//! Each takes its outside world as arguments and writes to the writers it
//! is given, so tests run them without a process.

pub mod doctor;
mod init;
mod login;
mod logout;
mod status;
mod switch;
mod token;

use std::path::PathBuf;
use std::sync::Arc;

use crate::auth::{AuthError, Provider};
use crate::config::Config;
use crate::store::{StoreError, TokenStore};

pub use doctor::{ConfigSource, DoctorRequest, doctor};
pub use init::{Preset, init};
pub use login::{LoginRequest, login};
pub use logout::{LogoutScope, logout};
pub use status::status;
pub use switch::switch;
pub use token::token;

/// What every subcommand needs.
pub struct Context {
    pub config: Config,
    pub store: Arc<dyn TokenStore>,
    pub store_path: PathBuf,
    /// `$BROWSER`, read by the binary.
    pub browser_var: Option<String>,
    /// Where discovery documents and key sets are cached, if anywhere.
    pub discovery_cache: Option<crate::auth::DiscoveryCache>,
}

/// How a subcommand ended, as an exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// Not logged in, nothing to do, or the provider said no.
    Failed,
}

impl Outcome {
    pub fn code(self) -> u8 {
        match self {
            Outcome::Ok => 0,
            Outcome::Failed => 1,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Lifecycle(#[from] crate::lifecycle::LifecycleError),
    #[error("{0}")]
    Usage(String),
    #[error("cannot write the output: {0}")]
    Output(#[from] std::io::Error),
}

impl Context {
    pub(crate) async fn provider(&self, name: &str) -> Result<Provider, CliError> {
        let config = self.config.provider(name).ok_or_else(|| {
            CliError::Usage(format!(
                "no provider `{name}` in {}; the config has: {}",
                self.config.path.display(),
                self.provider_names()
            ))
        })?;
        Ok(
            Provider::discover_cached(config, &self.config.http, self.discovery_cache.as_ref())
                .await?,
        )
    }

    pub(crate) fn provider_names(&self) -> String {
        self.config
            .providers
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}
