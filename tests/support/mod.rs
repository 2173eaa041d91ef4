//! Support code shared by the integration tests.
#![allow(dead_code)]

pub mod browser;
pub mod broken_provider;
