//! The terminal app: a model changed only by `update`, drawn by `view`,
//! with network work in tasks that answer through messages.

mod app;
mod effects;
pub mod keymap;
pub mod message;
pub mod model;
pub mod terminal;
pub mod theme;
pub mod update;
pub mod view;

pub use app::{App, run};
pub use effects::Services;
