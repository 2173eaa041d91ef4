//! The network rules: hardening against a hostile provider, TLS, and
//! addresses (https everywhere but loopback, templating).

mod hardening;
mod requests;
mod tls;
mod urls;
