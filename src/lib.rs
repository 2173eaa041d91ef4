//! authdash: log in with OpenID Connect and show who you are, which
//! organizations you belong to, and what your role there unlocks.
//!
//! The engine (`http`, `config`, `auth`, `store`, `session`, `identity`,
//! `panels`) never imports `cli`, `tui` or `demo`; `identity` is pure data
//! and `http` knows nothing of the rest. The faces reach tokens only
//! through [`session::SessionService`].

#![warn(unreachable_pub)]

pub mod auth;
pub mod cli;
pub mod config;
pub mod demo;
pub mod http;
pub mod identity;
pub mod panels;
mod qr;
pub mod session;
pub mod store;
pub mod tui;
