//! The subcommands for scripts and terminals without the TUI, following
//! `gh auth`: `status` (exit 1 when logged out), `token` (the access token
//! and nothing else on stdout), `switch`, `login`, `logout`; and `init`
//! (a config to start from) and `doctor` (checks a config and its providers).
//!
//! A face over [`crate::session::SessionService`]: logging in, tokens and
//! logging out go through it, as the TUI's do; these only print. Each takes
//! its outside world as arguments and writes to the writers it is given,
//! so tests run them without a process. (`authdash trust` is in
//! `config::trust`: it runs before any config is read.)

pub mod doctor;
mod init;
mod login;
mod logout;
mod status;
mod switch;
mod token;

use crate::auth::AuthError;
use crate::session::SessionError;
use crate::store::StoreError;

pub use doctor::{ConfigSource, DoctorRequest, doctor};
pub use init::{Preset, init};
pub use login::{LoginRequest, login};
pub use logout::{LogoutScope, logout};
pub use status::status;
pub use switch::switch;
pub use token::token;

/// What every subcommand needs: the session service, the one way to
/// sessions it shares with the TUI.
pub use crate::session::SessionService as Context;

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
    Session(Box<SessionError>),
    #[error("{0}")]
    Usage(String),
    #[error("cannot write the output: {0}")]
    Output(#[from] std::io::Error),
}

impl From<SessionError> for CliError {
    fn from(e: SessionError) -> Self {
        CliError::Session(Box::new(e))
    }
}
