//! The terminal app: a model changed only by `update`, drawn by `view`.
//! Everything else arrives as a message: keys, ticks, the stored session
//! read at start, and the answers of `effects`' tasks, which reach tokens
//! only through [`crate::session::SessionService`].

pub mod action;
mod action_lines;
mod app;
pub mod clipboard;
mod clock;
pub mod commands;
mod effects;
mod fuzzy;
pub mod keymap;
pub mod message;
pub mod model;
pub mod mouse;
mod numbers;
mod open_table;
pub mod palette;
mod task_messages;
pub mod terminal;
pub mod theme;
pub mod update;
pub mod view;

pub use app::{App, arm_test_panic, report_first_frame, run};
pub use effects::Services;
use keymap::{Keymap, KeysError};

/// `[authdash.keys]` checked against the action table: unknown actions,
/// unreadable keys and conflicts are said before the terminal is taken.
pub fn check_keys(config: &crate::config::Config) -> Result<(), KeysError> {
    Keymap::from_config(config).map(|_| ())
}
