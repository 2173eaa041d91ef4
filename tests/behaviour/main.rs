//! authdash's integration tests, in one binary laid out by behaviour:
//! `cargo test --test behaviour logout::` runs every logout test. README's
//! Development section holds the index (behaviour → module). The attacks on
//! a behaviour sit beside it (`renewal::attacks`, `trust::attacks`, …).
//!
//! The tests share one process: none changes the working directory, the
//! umask, the environment, a signal's disposition or tracing's global
//! subscriber (a child process gets its own environment instead).

#[path = "../support/mod.rs"]
mod support;

mod api_tokens;
mod boundaries;
mod cli;
mod config;
mod conformance;
mod demo;
mod device;
mod interop;
mod login;
mod logout;
mod network;
mod panels;
mod paste;
mod perf;
mod readme;
mod renewal;
mod store;
mod trust;
mod tui;
