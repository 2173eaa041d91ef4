//! The mouse, on the dashboard only (capture is off on the login screens
//! so the address and the code can be selected, and `M` turns it off
//! anywhere): a click picks a navigation entry, an organization, a menu
//! item, a table's row or (on its header) its sort column; the wheel moves
//! like the arrow keys, over a table its cursor. Every click becomes an
//! action of the action table, so it does exactly what the key would.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Constraint, Flex, Layout, Position, Rect};

use super::action::{Action, Context};
use super::commands::{Availability, availability, contexts};
use super::message::Command;
use super::model::{Focus, Model, NavItem, Popup, Screen};
use super::update::run_action;

/// The rows and columns `view` gives the header, the footer and the
/// navigation list (see `view::draw` and `view::dashboard`).
const HEADER_ROWS: u16 = 2;
const FOOTER_ROWS: u16 = 2;
const NAV_COLUMNS: u16 = 24;
const MENU_WIDTH: u16 = 44;

pub fn handle(model: &mut Model, area: Rect, event: MouseEvent) -> Vec<Command> {
    if !model.wants_mouse() {
        return Vec::new();
    }
    let at = Position::new(event.column, event.row);
    match event.kind {
        // The wheel over a table moves its cursor, wherever the focus is.
        MouseEventKind::ScrollUp | MouseEventKind::ScrollDown if model.popup.is_none() => {
            let down = event.kind == MouseEventKind::ScrollDown;
            super::update::table_wheel(model, area, at, down)
                .unwrap_or_else(|| first_with(model, if down { Action::Down } else { Action::Up }))
        }
        MouseEventKind::ScrollUp => first_with(model, Action::Up),
        MouseEventKind::ScrollDown => first_with(model, Action::Down),
        MouseEventKind::Down(MouseButton::Left) => {
            click(model, area, Position::new(event.column, event.row))
        }
        _ => Vec::new(),
    }
}

/// Run `action` in the first context that has it now.
fn first_with(model: &mut Model, action: Action) -> Vec<Command> {
    let found = contexts(model).into_iter().find(|c| {
        super::action::commands_in(*c).any(|cmd| cmd.action == action)
            && availability(model, *c, action) != Availability::Hidden
    });
    match found {
        Some(context) => run_action(model, context, action),
        None => Vec::new(),
    }
}

fn click(model: &mut Model, area: Rect, at: Position) -> Vec<Command> {
    if let Some(popup) = model.popup.clone() {
        // The popup shows only the lines its filter leaves.
        let (visible, width, context) = match &popup {
            Popup::Menu { filter, .. } => (model.visible_menu(filter), MENU_WIDTH, Context::Menu),
            Popup::Accounts { filter, .. } => (
                model.visible_accounts(filter),
                60.min(area.width),
                Context::Accounts,
            ),
            _ => return Vec::new(),
        };
        let frame = centered(area, width, visible.len() as u16 + 2);
        let Some(row) = row_in(frame, at, visible.len()) else {
            // A click outside the popup closes it, as Esc does.
            if !frame.contains(at) {
                model.popup = None;
            }
            return Vec::new();
        };
        let Some(&index) = visible.get(row) else {
            return Vec::new();
        };
        if let Some(Popup::Menu { selected, filter } | Popup::Accounts { selected, filter }) =
            &mut model.popup
        {
            *selected = index;
            filter.editing = false;
        }
        return run_action(model, context, Action::Confirm);
    }
    // A row of the open table (the cursor goes there) or its header
    // (sorted by that column).
    if let Some(commands) = super::update::table_click(model, area, at) {
        return commands;
    }
    let body = Rect {
        y: area.y + HEADER_ROWS,
        height: area.height.saturating_sub(HEADER_ROWS + FOOTER_ROWS),
        ..area
    };
    let items = model.nav_items();
    let visible = model.visible_nav_now();
    let Screen::Dashboard(dash) = &mut model.screen else {
        return Vec::new();
    };
    let nav = Rect {
        width: NAV_COLUMNS.min(body.width),
        ..body
    };
    if let Some(index) = row_in(nav, at, visible.len()).and_then(|row| visible.get(row).copied()) {
        dash.orgs.editing = false;
        dash.nav_filter.editing = false;
        if index < 9 && dash.nav_filter.text.is_empty() {
            return run_action(model, Context::Dashboard, Action::Jump(index as u8 + 1));
        }
        dash.nav = index;
        dash.focus = Focus::Nav;
        return run_action(model, Context::Dashboard, Action::Confirm);
    }
    if items.get(dash.nav) == Some(&NavItem::Organizations) {
        let content = Rect {
            x: body.x + NAV_COLUMNS,
            width: body.width.saturating_sub(NAV_COLUMNS),
            ..body
        };
        // The rows as `view::orgs` draws them: scrolled to the selection.
        let list = super::view::org_list_area(content, dash);
        let count = dash.filtered_count();
        if list.contains(at) && count > 0 {
            let selected = dash.orgs.selected.min(count - 1);
            let first = super::view::first_visible_org(selected, usize::from(list.height));
            let index = first + usize::from(at.y - list.y);
            if index < count {
                dash.orgs.selected = index;
                dash.focus = Focus::Content;
            }
        }
    }
    Vec::new()
}

/// The index of the row clicked inside `frame`'s border, if it shows one
/// of `count` rows.
fn row_in(frame: Rect, at: Position, count: usize) -> Option<usize> {
    let inner = Rect {
        x: frame.x + 1,
        y: frame.y + 1,
        width: frame.width.saturating_sub(2),
        height: frame.height.saturating_sub(2),
    };
    if !inner.contains(at) {
        return None;
    }
    let index = usize::from(at.y - inner.y);
    (index < count).then_some(index)
}

/// Where `view::popup` centres a popup.
fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(row);
    cell
}
