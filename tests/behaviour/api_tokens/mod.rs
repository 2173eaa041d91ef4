//! Panels that call several APIs, each with a token of its own (issue 19):
//! RFC 8707 against oidc-provider with two APIs that accept only their own
//! audience, the refusals that lock one panel and keep the session, the
//! Auth0 and Entra request shapes, the store, the CLI and the screens.

mod apis;
mod attacks;
mod attacks_step_up_org;
mod cli;
mod config;
mod demo;
mod fake;
mod interop;
mod orgs;
mod refusals;
mod stepup;
mod styles;
mod tui;
