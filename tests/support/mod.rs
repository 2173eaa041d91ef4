//! Support code shared by the integration tests.
#![allow(dead_code)]

pub mod acme;
pub mod binary;
pub mod broken_provider;
pub mod browser;
pub mod cli;
pub mod engine;
pub mod home;
pub mod node_provider;
pub mod paste;
pub mod pty;
pub mod screens;
pub mod session;
