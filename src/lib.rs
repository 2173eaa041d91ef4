//! authdash: log in with OpenID Connect and show who you are, which
//! organizations you belong to, and what your role there unlocks.
//!
//! The engine (`config`, `auth`, `store`, `identity`, `panels`) never imports
//! `tui` or `demo`; `identity` is pure data.

pub mod auth;
pub mod cli;
pub mod config;
pub mod demo;
pub mod identity;
pub mod lifecycle;
pub mod panels;
pub mod qr;
pub mod store;
pub mod tui;
