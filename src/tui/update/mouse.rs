//! The mouse, on the dashboard only (capture is off on the login screens
//! so the address and the code can be selected, and `M` turns it off
//! anywhere): a click picks a navigation entry, an organization, a menu
//! item, a table's row or (on its header) its sort column; the wheel moves
//! like the arrow keys, over a table its cursor. Every click becomes an
//! action of the action table, so it does exactly what the key would.
//! Where things are comes from the functions `view` draws with.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::*;
use crate::tui::action_lines::commands_in;
use crate::tui::view::{
    accounts_area, first_visible_org, menu_area, org_list_area, screen_areas, split_dashboard,
};

/// A mouse event on a terminal of `area`.
pub(super) fn mouse(model: &mut Model, area: Rect, event: MouseEvent) -> Vec<Command> {
    if !model.wants_mouse() {
        return Vec::new();
    }
    let at = Position::new(event.column, event.row);
    match event.kind {
        // The wheel over a table moves its cursor, wherever the focus is.
        MouseEventKind::ScrollUp | MouseEventKind::ScrollDown if model.popup.is_none() => {
            let down = event.kind == MouseEventKind::ScrollDown;
            table::wheel(model, area, at, down)
                .unwrap_or_else(|| first_with(model, if down { Action::Down } else { Action::Up }))
        }
        MouseEventKind::ScrollUp => first_with(model, Action::Up),
        MouseEventKind::ScrollDown => first_with(model, Action::Down),
        MouseEventKind::Down(MouseButton::Left) => click(model, area, at),
        _ => Vec::new(),
    }
}

/// Run `action` in the first context that has it now.
fn first_with(model: &mut Model, action: Action) -> Vec<Command> {
    let found = contexts(model).into_iter().find(|c| {
        commands_in(*c).any(|cmd| cmd.action == action)
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
        let (visible, frame, context) = match &popup {
            Popup::Menu { filter, .. } => {
                let visible = model.visible_menu(filter);
                let frame = menu_area(area, visible.len());
                (visible, frame, Context::Menu)
            }
            Popup::Accounts { filter, .. } => {
                let visible = model.visible_accounts(filter);
                let frame = accounts_area(area, visible.len());
                (visible, frame, Context::Accounts)
            }
            _ => return Vec::new(),
        };
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
    if let Some(commands) = table::click(model, area, at) {
        return commands;
    }
    let [_, body, _] = screen_areas(area);
    let [nav, content] = split_dashboard(body);
    let items = model.nav_items();
    let visible = model.visible_nav_now();
    let Screen::Dashboard(dash) = &mut model.screen else {
        return Vec::new();
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
        // The rows as `view::orgs` draws them: scrolled to the selection.
        let list = org_list_area(content, dash);
        let count = dash.filtered_count();
        if list.contains(at) && count > 0 {
            let selected = dash.orgs.selected.min(count - 1);
            let first = first_visible_org(selected, usize::from(list.height));
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
