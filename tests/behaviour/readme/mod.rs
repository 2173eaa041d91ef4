//! README against the tests: its screens are snapshots, and the Security
//! section names real tests.

mod screens;
mod security;
