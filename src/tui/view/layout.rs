//! Where things are on screen: the header, body and footer, the
//! navigation beside the content, a content pane's frame, a centred popup.
//! Drawing and the mouse's hit-testing both measure with these, so a
//! click lands where the thing it means was drawn.

use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders};

use crate::tui::theme;

/// The header, the body and the footer of a terminal of `area`.
pub(crate) fn areas(area: Rect) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(3),
        Constraint::Length(2),
    ])
    .areas(area)
}

/// The navigation list and the content beside it.
pub(crate) fn split(area: Rect) -> [Rect; 2] {
    Layout::horizontal([Constraint::Length(24), Constraint::Min(20)]).areas(area)
}

/// Where the content pane is in the dashboard's `area`.
pub(crate) fn content_area(area: Rect) -> Rect {
    split(area)[1]
}

/// A content pane's frame; its `inner` is where the pane's rows go.
pub(crate) fn content_block(title: &str, focused: bool) -> Block<'static> {
    Block::new()
        .borders(Borders::ALL)
        .border_style(theme::border(focused))
        .border_type(theme::border_type(focused))
        .title(Span::styled(format!(" {title} "), theme::title()))
}

/// A popup of `width` × `height` in the middle of `area`.
pub(crate) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(row);
    cell
}

/// The menu popup, showing `rows` items, on a terminal of `screen`.
pub(crate) fn menu_area(screen: Rect, rows: usize) -> Rect {
    centered(screen, 44, popup_height(rows))
}

/// The account switcher, showing `rows` accounts, on a terminal of
/// `screen`.
pub(crate) fn accounts_area(screen: Rect, rows: usize) -> Rect {
    centered(screen, 60.min(screen.width), popup_height(rows))
}

/// A list popup's rows and its border.
fn popup_height(rows: usize) -> u16 {
    u16::try_from(rows).unwrap_or(u16::MAX).saturating_add(2)
}
