//! A table's keys: the row cursor (the view scrolls only to keep it in
//! sight), sideways scrolling of a table wider than its pane, sort,
//! filter and copying a row; and what outlives the run: each table's
//! sort and filter and the entry of the list last open, per account.

use ratatui::layout::Rect;

use super::*;
use crate::panels::View;
use crate::panels::{CellKind, TableData};
use crate::session::{SortMemory, TableMemory, ViewChoice};
use crate::tui::action::Action;
use crate::tui::action::Availability;
use crate::tui::keymap::Key;
use crate::tui::message::Command;
use crate::tui::open_table::{availability, open_table, sideways, table, table_mut, viewport};
use crate::tui::view::{table_area, table_layout};

/// Rows a page key moves when the table's height is not known.
const PAGE: usize = 10;

/// A table's action, in the table.
pub(super) fn table_action(model: &mut Model, action: Action) -> Vec<Command> {
    let (rows, room) = viewport(model);
    let page = rows.unwrap_or(PAGE).max(1);
    if action == Action::CopyRow {
        return copy_row(model);
    }
    if action == Action::Back
        && let Some((_, state)) = table(model)
        && state.filter.is_empty()
    {
        if let Screen::Dashboard(dash) = &mut model.screen {
            dash.focus = Focus::Nav;
        }
        return Vec::new();
    }
    let Some((data, state)) = table_mut(model) else {
        return Vec::new();
    };
    let last = state.order.len().saturating_sub(1);
    match action {
        Action::Up => state.move_to(state.cursor.saturating_sub(1), rows),
        Action::Down => state.move_to(state.cursor.saturating_add(1), rows),
        Action::PageUp => state.move_to(state.cursor.saturating_sub(page), rows),
        Action::PageDown => state.move_to(state.cursor.saturating_add(page), rows),
        Action::Home => state.move_to(0, rows),
        Action::End => state.move_to(last, rows),
        Action::SortNext => {
            let columns = data.headers.len();
            state.sort = match state.sort {
                None => Some((0, false)),
                Some((c, _)) if c + 1 >= columns => None,
                Some((c, _)) => Some((c + 1, false)),
            };
            state.arrange(data);
            state.follow(rows);
            reveal_sorted(data, state, room);
        }
        Action::SortReverse => {
            state.sort = match state.sort {
                Some((c, desc)) => Some((c, !desc)),
                None => Some((0, true)),
            };
            state.arrange(data);
            state.follow(rows);
            reveal_sorted(data, state, room);
        }
        Action::Filter => state.editing = true,
        // Esc with a filter: the filter goes, the cursor stays on its row.
        Action::Back => {
            state.filter.clear();
            state.arrange(data);
            state.follow(rows);
        }
        Action::Left => state.column = state.column.saturating_sub(1),
        Action::Right => {
            if let Some(last) = sideways(data, state, room) {
                state.column = (state.column + 1).min(last);
            }
        }
        _ => {}
    }
    Vec::new()
}

/// A table wider than its pane scrolls sideways to show the column it is
/// now sorted by, when that is out of view.
fn reveal_sorted(data: &TableData, state: &mut TableState, room: Option<usize>) {
    let (Some((column, _)), Some(room)) = (state.sort, room) else {
        return;
    };
    let widths = table_layout::natural_widths(data, state.sort);
    let last = table_layout::last_first(&widths, room);
    let first = state.column.min(last);
    let shown = table_layout::window(&widths, first, room);
    // A column cut at the edge does not count as shown: its mark may be.
    let whole = |&&(c, w): &&(usize, usize)| c == column && w == widths[c];
    if !shown.iter().any(|s| whole(&s)) {
        state.column = column.min(last);
    }
}

/// `s`, `S` or `/` with the list in focus on a table panel: the focus goes
/// into the table, and the key does there what it says.
pub(super) fn from_list(model: &mut Model, action: Action) -> Vec<Command> {
    if let Screen::Dashboard(dash) = &mut model.screen {
        dash.focus = Focus::Content;
    }
    // A table still loading says so, as in the table.
    if let Availability::Disabled(why) = availability(model, action) {
        model.say(Toast {
            level: Level::Info,
            text: why,
        });
        return Vec::new();
    }
    table_action(model, action)
}

/// A key while the table's filter is typed: letters, Backspace and
/// Ctrl-U edit it (the cursor goes to the first row that matches);
/// Enter keeps it, Esc drops it.
pub(super) fn filter_key(model: &mut Model, key: Key) -> Vec<Command> {
    let (rows, _) = viewport(model);
    let Some((data, state)) = table_mut(model) else {
        return Vec::new();
    };
    match key {
        Key::Enter => state.editing = false,
        Key::Esc => {
            state.editing = false;
            state.filter.clear();
            state.arrange(data);
        }
        Key::Char(c) => state.filter.push(c),
        Key::Backspace => {
            state.filter.pop();
        }
        Key::Ctrl('u') => state.filter.clear(),
        _ => return Vec::new(),
    }
    if matches!(key, Key::Char(_) | Key::Backspace | Key::Ctrl('u')) {
        state.cursor = 0;
        state.scroll = 0;
        state.arrange(data);
    }
    state.follow(rows);
    Vec::new()
}

/// `y`: the row under the cursor as tab-separated text on the clipboard
/// (a missing value as nothing).
fn copy_row(model: &mut Model) -> Vec<Command> {
    let Some((data, state)) = table(model) else {
        return Vec::new();
    };
    let Some(row) = state.current(data) else {
        return Vec::new();
    };
    let text = row
        .iter()
        .map(|c| match c.kind {
            CellKind::Missing => "",
            _ => c.text.as_str(),
        })
        .collect::<Vec<_>>()
        .join("\t");
    let said = format!("Copied row {} to the clipboard.", state.cursor + 1);
    model.clipboard = Some(text);
    model.say(Toast {
        level: Level::Info,
        text: said,
    });
    Vec::new()
}

/// The terminal changed size: the open table keeps its cursor, filter and
/// scroll, moved only as far as keeps the cursor in sight.
pub(super) fn follow_resize(model: &mut Model) {
    let (rows, room) = viewport(model);
    if let Some((data, state)) = table_mut(model) {
        state.follow(rows);
        if let Some(last) = sideways(data, state, room) {
            state.column = state.column.min(last);
        }
    }
}

/// A panel's data arrived: a table is shaped once, and arranged as its
/// state says (a remembered sort and filter included).
pub(super) fn shape_arrived(model: &mut Model, panel_id: &str) {
    let Some(View::Table(view)) = model
        .panels
        .iter()
        .find(|p| p.id == panel_id)
        .map(|p| p.view.clone())
    else {
        return;
    };
    let open = open_table(model)
        .and_then(|i| model.panels.get(i))
        .map(|p| p.id == panel_id);
    let (rows, _) = viewport(model);
    let Screen::Dashboard(dash) = &mut model.screen else {
        return;
    };
    let Some(state) = dash.panel_states.get_mut(panel_id) else {
        return;
    };
    let Some(data) = &state.data else {
        return;
    };
    let shaped = view.shape(&data.value);
    if let Ok(table) = &shaped {
        state.table.arrange(table);
        state
            .table
            .follow(if open == Some(true) { rows } else { None });
    }
    state.shaped = Some(shaped);
}

/// A new panel state for `panel_id`, with the table's remembered sort and
/// filter.
pub(super) fn remembered_state(
    model: &Model,
    panel_id: &str,
    org_id: String,
    generation: u64,
) -> PanelState {
    let mut state = PanelState::loading(org_id, generation);
    if let Some(dash) = model.dashboard()
        && let Some(memory) =
            model
                .preferences
                .table(&dash.session.provider, &dash.session.user.subject, panel_id)
    {
        state.table.sort = memory.sort.map(|s| (s.column, s.descending));
        state.table.filter = memory.filter.clone();
    }
    state
}

/// The name an entry of the list is remembered by: a panel's id (the
/// entries before the panels are where a dashboard starts anyway).
fn place_name(model: &Model, item: NavItem) -> Option<String> {
    match item {
        NavItem::Panel(i) => Some(model.panels.get(i)?.id.clone()),
        _ => None,
    }
}

/// A new dashboard opens on the panel its account was in last, when it is
/// still there.
pub(super) fn restore_place(model: &mut Model) {
    let Some(dash) = model.dashboard() else {
        return;
    };
    let Some(place) = model
        .preferences
        .last_place(&dash.session.provider, &dash.session.user.subject)
        .map(str::to_owned)
    else {
        return;
    };
    let items = model.nav_items();
    let found = items
        .iter()
        .position(|item| place_name(model, *item).as_deref() == Some(place.as_str()));
    if let (Some(index), Screen::Dashboard(dash)) = (found, &mut model.screen) {
        dash.nav = index;
    }
}

/// After an action: the entry the person is in (the focus in its
/// content) and the open table's sort and filter, remembered (in the
/// model, and saved for the next run) when they differ from what is
/// remembered. A filter being typed is saved once done.
pub(super) fn remember(model: &mut Model) -> Vec<Command> {
    let Some(dash) = model.dashboard() else {
        return Vec::new();
    };
    let provider = dash.session.provider.clone();
    let subject = dash.session.user.subject.clone();
    let mut choices = Vec::new();
    let item = model.nav_items().get(dash.nav).copied();
    // The entry the person went into: passing by in the list is no choice
    // (and asks for no work).
    if dash.focus == Focus::Content
        && let Some(place) = item.and_then(|i| place_name(model, i))
        && model.preferences.last_place(&provider, &subject) != Some(place.as_str())
    {
        model
            .preferences
            .set_last_place(&provider, &subject, &place);
        choices.push(ViewChoice::LastPlace(place));
    }
    if let Some(NavItem::Panel(i)) = item
        && let Some(spec) = model.panels.get(i)
        && let Some(state) = model.dashboard().and_then(|d| d.panel_states.get(&spec.id))
        && !state.table.editing
        && matches!(spec.view, View::Table(_))
    {
        let memory = TableMemory {
            sort: state
                .table
                .sort
                .map(|(column, descending)| SortMemory { column, descending }),
            filter: state.table.filter.clone(),
        };
        let remembered = model
            .preferences
            .table(&provider, &subject, &spec.id)
            .cloned()
            .unwrap_or_default();
        if memory != remembered {
            let panel = spec.id.clone();
            model
                .preferences
                .set_table(&provider, &subject, &panel, memory.clone());
            choices.push(ViewChoice::Table { panel, memory });
        }
    }
    choices
        .into_iter()
        .map(|choice| Command::SaveView {
            provider: provider.clone(),
            subject: subject.clone(),
            choice,
        })
        .collect()
}

/// A click on the open table at `at` on a terminal of `area`: on a row,
/// the cursor goes there; on a header, the table is sorted by that
/// column (again: the order turns round). The focus goes into the table.
pub(super) fn click(
    model: &mut Model,
    area: Rect,
    at: ratatui::layout::Position,
) -> Option<Vec<Command>> {
    let table = table_area(model, area)?;
    if !table.contains(at) {
        return None;
    }
    let parts = table_layout::parts(table);
    let rows = usize::from(parts.rows.height);
    let room = table_layout::room(table.width);
    if let Screen::Dashboard(dash) = &mut model.screen {
        dash.focus = Focus::Content;
    }
    let Some((data, state)) = table_mut(model) else {
        return Some(Vec::new());
    };
    if parts.rows.contains(at) {
        let first = in_sight(state.scroll, state.cursor, rows, state.order.len());
        let index = first + usize::from(at.y - parts.rows.y);
        if index < state.order.len() {
            state.scroll = first;
            state.move_to(index, Some(rows));
        }
    } else if parts.header.contains(at) {
        let widths = table_layout::natural_widths(data, state.sort);
        let first = state.column.min(table_layout::last_first(&widths, room));
        let mut x = usize::from(parts.header.x) + table_layout::MARKER.chars().count();
        let column = table_layout::window(&widths, first, room)
            .into_iter()
            .enumerate()
            .find_map(|(n, (column, width))| {
                if n > 0 {
                    x += table_layout::SPACING;
                }
                let hit = (x..x + width).contains(&usize::from(at.x));
                x += width;
                hit.then_some(column)
            })?;
        state.sort = match state.sort {
            Some((c, desc)) if c == column => Some((c, !desc)),
            _ => Some((column, false)),
        };
        state.arrange(data);
        state.follow(Some(rows));
    }
    Some(remember(model))
}

/// The wheel over the open table: the cursor moves, as the arrows do.
pub(super) fn wheel(
    model: &mut Model,
    area: Rect,
    at: ratatui::layout::Position,
    down: bool,
) -> Option<Vec<Command>> {
    if !table_area(model, area)?.contains(at) {
        return None;
    }
    if let Screen::Dashboard(dash) = &mut model.screen {
        dash.focus = Focus::Content;
    }
    Some(run_action(
        model,
        crate::tui::action::Context::Table,
        if down { Action::Down } else { Action::Up },
    ))
}
