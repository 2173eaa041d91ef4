//! The table on screen: which panel it is, its data and cursor, the rows
//! and width it gets, how far it scrolls sideways, and which of a table's
//! keys apply now. `update` moves the table with these and the action
//! table asks them what runs.

use ratatui::layout::Rect;

use super::action::Action;
use super::action::Availability;
use super::model::{Model, NavItem, Screen, TableState};
use super::view::{table_area, table_layout};
use crate::panels::TableData;
use crate::panels::View;

/// The open panel, when it is a table the person may see: its index.
pub(crate) fn open_table(model: &Model) -> Option<usize> {
    let dash = model.dashboard()?;
    let NavItem::Panel(i) = *model.nav_items().get(dash.nav)? else {
        return None;
    };
    is_table(model, i).then_some(i)
}

/// Panel `index` is a table open to the person.
pub(crate) fn is_table(model: &Model, index: usize) -> bool {
    let (Some(dash), Some(spec)) = (model.dashboard(), model.panels.get(index)) else {
        return false;
    };
    matches!(spec.view, View::Table(_))
        && matches!(model.access(dash, spec), crate::panels::Access::Allowed)
}

/// The open table's data and state.
pub(crate) fn table(model: &Model) -> Option<(&TableData, &TableState)> {
    let spec = model.panels.get(open_table(model)?)?;
    let state = model.dashboard()?.panel_states.get(&spec.id)?;
    match &state.shaped {
        Some(Ok(data)) => Some((data, &state.table)),
        _ => None,
    }
}

pub(crate) fn table_mut(model: &mut Model) -> Option<(&TableData, &mut TableState)> {
    let id = model.panels.get(open_table(model)?)?.id.clone();
    let Screen::Dashboard(dash) = &mut model.screen else {
        return None;
    };
    let state = dash.panel_states.get_mut(&id)?;
    match &state.shaped {
        Some(Ok(data)) => Some((data, &mut state.table)),
        _ => None,
    }
}

/// Where the open table is on the terminal, when its size is known.
fn area(model: &Model) -> Option<Rect> {
    let (width, height) = model.terminal_size?;
    table_area(model, Rect::new(0, 0, width, height))
}

/// The rows the open table shows at once, and the width its columns
/// share.
pub(crate) fn viewport(model: &Model) -> (Option<usize>, Option<usize>) {
    match area(model) {
        Some(area) => (
            Some(usize::from(table_layout::parts(area).rows.height)),
            Some(table_layout::room(area.width)),
        ),
        None => (None, None),
    }
}

/// The first column the table can scroll to, and the last, in `room`.
pub(crate) fn sideways(data: &TableData, state: &TableState, room: Option<usize>) -> Option<usize> {
    let widths = table_layout::natural_widths(data, state.sort);
    let room = room?;
    (!table_layout::fits(&widths, room)).then(|| table_layout::last_first(&widths, room))
}

/// Whether a table's action can run now, and why not.
pub(crate) fn availability(model: &Model, action: Action) -> Availability {
    use Availability::*;
    let shaped = open_table(model)
        .and_then(|i| model.panels.get(i))
        .and_then(|spec| model.dashboard()?.panel_states.get(&spec.id))
        .and_then(|s| s.shaped.as_ref());
    let (data, state) = match (shaped, table(model)) {
        (_, Some(open)) => open,
        // Without data, Esc and the arrows are the dashboard's (Esc stops
        // the wait for it).
        (Some(Err(_)), None) if is_key_for_rows(action) => return Hidden,
        (Some(Err(_)), None) => return Disabled("the data is not a table".into()),
        (None, None) if is_key_for_rows(action) => return Hidden,
        _ => return Disabled("the table has no data yet".into()),
    };
    match action {
        Action::CopyRow if state.order.is_empty() => Disabled("no row matches the filter".into()),
        Action::SortNext | Action::SortReverse if data.headers.is_empty() => {
            Disabled("the table has no columns".into())
        }
        Action::Left | Action::Right => {
            let (_, room) = viewport(model);
            match sideways(data, state, room) {
                None => Hidden,
                Some(_) if action == Action::Left && state.column == 0 => {
                    Disabled("the first column is in view; Esc goes back to the list".into())
                }
                Some(last) if action == Action::Right && state.column >= last => {
                    Disabled("the last column is in view".into())
                }
                Some(_) => Enabled,
            }
        }
        _ => Enabled,
    }
}

fn is_key_for_rows(action: Action) -> bool {
    matches!(
        action,
        Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Home
            | Action::End
            | Action::Back
            | Action::Left
            | Action::Right
    )
}
