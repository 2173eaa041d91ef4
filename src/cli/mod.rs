//! The subcommands for scripts and terminals without the TUI, following
//! `gh auth`: `status` (exit 4 when logged out), `token` (the access token
//! and nothing else on stdout), `switch`, `login`, `logout`; and `init`
//! (a config to start from) and `doctor` (checks a config and its providers).
//!
//! A face over [`crate::session::SessionService`]: logging in, tokens and
//! logging out go through it, as the TUI's do; these only print. Each takes
//! its outside world as arguments and writes to the writers it is given,
//! so tests run them without a process. (`authdash trust` records what
//! `config::trust` keeps: it runs before any config is read.)

mod api;
pub mod doctor;
mod exec;
mod init;
mod login;
mod logout;
mod min_ttl;
mod select;
mod status;
mod switch;
mod token;
mod trust;
mod usable;

use crate::auth::AuthError;
use crate::session::SessionError;
use crate::session::StoreError;

pub use doctor::{ConfigSource, DoctorRequest, doctor, doctor_tokens};
pub use exec::{ExecRequest, exec};
pub use init::{Preset, init};
pub use login::{LoginRequest, login};
pub use logout::{LogoutScope, logout};
pub use select::{Chosen, Rule, Selection};
pub use status::{StatusFormat, status};
pub use switch::switch;
pub use token::{TokenFormat, TokenRequest, parse_duration, token};
pub use trust::{TrustRequest, list as list_trusted, trust, untrust};

/// The exit codes, the same for every command (and listed in `--help`).
pub mod exit {
    pub(crate) const OK: u8 = 0;
    /// Something failed: the provider, the network, the store.
    pub(crate) const FAILED: u8 = 1;
    /// Bad usage or a bad config: fix the command or the file.
    pub const USAGE: u8 = 2;
    /// A login is needed: `authdash login` in a terminal.
    pub(crate) const NEEDS_LOGIN: u8 = 4;
    /// For `--help`.
    pub const HELP: &str = "Exit codes:\n  \
        0    ok\n  \
        1    failed: a check failed (doctor), no terminal, a provider error\n  \
        2    bad usage, or a missing, invalid or untrusted config (the error names the file, the key and the fix)\n  \
        4    a login is needed (run `authdash login` in a terminal)\n  \
        101  an internal error: the terminal is restored and the report is in the log file";
}

/// The one line a command that needs a login says when it may not start
/// one itself.
pub const HOW_TO_LOG_IN: &str = "run `authdash login` in a terminal (add --device on a machine without a browser, or \
     --paste to paste the address back)";

/// How a subcommand ended, as an exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// Nothing to do, or the provider said no.
    Failed,
    /// No usable session: a login is needed.
    NeedsLogin,
    /// The process a command ran ended with this code (`exec`).
    Code(u8),
}

impl Outcome {
    pub fn code(self) -> u8 {
        match self {
            Outcome::Ok => exit::OK,
            Outcome::Failed => exit::FAILED,
            Outcome::NeedsLogin => exit::NEEDS_LOGIN,
            Outcome::Code(c) => c,
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
    Session(Box<SessionError>),
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Trust(#[from] crate::config::trust::TrustError),
    #[error("cannot write the output: {0}")]
    Output(#[from] std::io::Error),
}

impl CliError {
    /// The exit code for this error: usage and config mistakes 2, a login
    /// needed 4, anything else 1.
    pub fn code(&self) -> u8 {
        match self {
            CliError::Usage(_) => exit::USAGE,
            // The file's fault, not the list's: fix it, or name another.
            CliError::Trust(e) if e.is_about_the_file() => exit::USAGE,
            CliError::Session(e) if e.needs_login() => exit::NEEDS_LOGIN,
            CliError::Session(e)
                if matches!(
                    **e,
                    SessionError::Usage(_) | SessionError::UnknownProvider { .. }
                ) =>
            {
                exit::USAGE
            }
            _ => exit::FAILED,
        }
    }
}

impl From<SessionError> for CliError {
    fn from(e: SessionError) -> Self {
        CliError::Session(Box::new(e))
    }
}
