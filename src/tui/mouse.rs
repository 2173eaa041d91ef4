//! A mouse event is a message like any other: `update` finds what was
//! clicked with the layout `view` draws with, and changes the model.

use crossterm::event::MouseEvent;
use ratatui::layout::Rect;

use super::message::{Command, Msg};
use super::model::Model;

/// A mouse event on a terminal of `area`, through `update`.
pub fn handle(model: &mut Model, area: Rect, event: MouseEvent) -> Vec<Command> {
    super::update::update(model, Msg::Mouse { event, area })
}
