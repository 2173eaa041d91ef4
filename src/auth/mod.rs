//! The OpenID Connect engine: discovery and keys, the loopback browser
//! login, the device login (RFC 8628), ID token verification, userinfo, refresh and revocation.
//!
//! Both loopback servers (the login callback and the browser sign-out) run
//! on `loopback_server`: bounded against other local processes and web
//! pages, and closed with every connection when their login or sign-out
//! ends. A response at the callback that is not for the login in progress
//! is refused and reported ([`BrowserLogin::refusals`]) while the login
//! keeps waiting.

mod access_token;
mod api_token;
mod browser;
mod cache;
mod clamp;
mod device;
mod device_choice;
mod end_session;
mod error;
mod everywhere;
pub mod http;
mod login;
mod loopback;
mod loopback_server;
mod metadata;
mod pages;
mod paste;
mod provider;
mod refresh;
mod refusal;
mod revoke;
mod session;
mod tokens;
mod userinfo;
mod verify;

pub use crate::config::FlowPreference;
pub use api_token::audience_of;
pub(crate) use api_token::{has_scope, org_of, request_scopes, sendable_in, sendable_to};
pub(crate) use browser::open_url;
pub use cache::DiscoveryCache;
pub use device::{DeviceLogin, PollState};
pub(crate) use device_choice::choose_flow;
pub use device_choice::{FlowChoice, FlowEnvironment, Os};
pub(crate) use end_session::SIGN_OUT_WAIT;
pub use end_session::{BrowserSignOut, SignOutError};
pub use error::{AuthError, CallbackError, OAuthErrorText};
pub use login::{BrowserLogin, LoginOptions};
pub(crate) use metadata::{Metadata, is_issuer_of, issuer_of};
pub(crate) use pages::escape as html_escape;
pub use paste::PasteRefusal;
pub use provider::Provider;
pub use refusal::{Refusal, RefusalReason};
pub(crate) use session::ApiTokens;
pub(crate) use session::SessionState;
pub use session::{ApiToken, REFRESH_MARGIN, Session, TokenSet};
