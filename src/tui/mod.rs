//! The terminal app: a model changed only by `update`, drawn by `view`.
//! Everything else arrives as a message: keys, ticks, the stored session
//! read at start, and the answers of `effects`' tasks, which reach tokens
//! only through [`crate::session::SessionService`].

mod app;
pub mod clock;
mod effects;
pub mod keymap;
pub mod message;
pub mod model;
pub mod terminal;
pub mod theme;
pub mod update;
pub mod view;

pub use app::{App, arm_test_panic, run};
pub use effects::Services;
