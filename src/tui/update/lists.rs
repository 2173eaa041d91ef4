//! The dashboard's lists: the navigation (and its `/` filter) and the
//! organizations (their filter, and making one active).

use super::panels::{leave_panels, load_selected_panel};
use super::*;
use crate::tui::action::Action;
use crate::tui::keymap::Key;
use crate::tui::message::Command;

/// Select the list's entry `to`: the panel left stops loading, the one
/// chosen starts.
pub(super) fn select_nav(model: &mut Model, to: usize) -> Vec<Command> {
    let Screen::Dashboard(dash) = &mut model.screen else {
        return Vec::new();
    };
    if dash.nav == to {
        return Vec::new();
    }
    dash.nav = to;
    dash.profile_scroll = 0;
    // Leaving a panel: its fetch is no longer wanted.
    let mut commands = leave_panels(model);
    commands.extend(load_selected_panel(model, false));
    commands
}

/// `/` in the navigation list has the keyboard.
pub(super) fn nav_filter_action(model: &mut Model, action: Action) -> Vec<Command> {
    let visible = model.visible_nav_now();
    let Screen::Dashboard(dash) = &mut model.screen else {
        return Vec::new();
    };
    match action {
        Action::Back => dash.nav_filter.editing = false,
        Action::Confirm => {
            dash.nav_filter.editing = false;
            if visible.contains(&dash.nav) {
                dash.focus = Focus::Content;
                return load_selected_panel(model, false);
            }
        }
        Action::Up | Action::Down => {
            let by = if action == Action::Up { -1 } else { 1 };
            if let Some(to) = step_matching(&visible, dash.nav, by, false) {
                return select_nav(model, to);
            }
        }
        _ => {}
    }
    Vec::new()
}

/// Letters typed into the navigation list's filter: the selection moves
/// to the first entry that matches when it no longer does.
pub(super) fn nav_filter_text(model: &mut Model, key: Key) -> Vec<Command> {
    let Screen::Dashboard(dash) = &mut model.screen else {
        return Vec::new();
    };
    edit_filter(&mut dash.nav_filter.text, key);
    let Some(dash) = model.dashboard() else {
        return Vec::new();
    };
    let visible = model.visible_nav(dash);
    match visible.first() {
        Some(&first) if !visible.contains(&dash.nav) => select_nav(model, first),
        _ => Vec::new(),
    }
}

/// A key typed into a filter's text: a character, Backspace, Ctrl-U.
pub(super) fn edit_filter(text: &mut String, key: Key) {
    match key {
        Key::Char(c) => text.push(c),
        Key::Backspace => {
            text.pop();
        }
        Key::Ctrl('u') => text.clear(),
        _ => {}
    }
}

/// The organization list has the keys (Organizations, content focused).
pub(super) fn org_list_action(model: &mut Model, action: Action) -> Vec<Command> {
    let Screen::Dashboard(dash) = &mut model.screen else {
        return Vec::new();
    };
    let count = dash.filtered_count();
    match action {
        Action::Up => dash.orgs.selected = dash.orgs.selected.saturating_sub(1),
        Action::Down if count > 0 => dash.orgs.selected = (dash.orgs.selected + 1).min(count - 1),
        Action::Home => dash.orgs.selected = 0,
        Action::End => dash.orgs.selected = count.saturating_sub(1),
        Action::Back => {
            dash.orgs.clear();
            dash.orgs.selected = 0;
        }
        Action::Filter => dash.orgs.editing = true,
        Action::Confirm => return activate_selected_org(model),
        _ => {}
    }
    Vec::new()
}

/// The filter field has the keyboard: Esc, Enter and the arrows.
pub(super) fn org_filter_action(model: &mut Model, action: Action) -> Vec<Command> {
    let Screen::Dashboard(dash) = &mut model.screen else {
        return Vec::new();
    };
    match action {
        Action::Back => dash.orgs.editing = false,
        Action::Confirm => {
            dash.orgs.editing = false;
            return activate_selected_org(model);
        }
        Action::Up => dash.orgs.selected = dash.orgs.selected.saturating_sub(1),
        Action::Down => {
            let count = dash.filtered_count();
            if count > 0 {
                dash.orgs.selected = (dash.orgs.selected + 1).min(count - 1);
            }
        }
        _ => {}
    }
    Vec::new()
}

/// Letters typed into the filter.
pub(super) fn org_filter_text(model: &mut Model, key: Key) -> Vec<Command> {
    let Screen::Dashboard(dash) = &mut model.screen else {
        return Vec::new();
    };
    match key {
        Key::Backspace => dash.orgs.pop(),
        Key::Char(c) => dash.orgs.push(c),
        _ => return Vec::new(),
    }
    dash.orgs.selected = 0;
    Vec::new()
}

pub(super) fn activate_selected_org(model: &mut Model) -> Vec<Command> {
    let Screen::Dashboard(dash) = &mut model.screen else {
        return Vec::new();
    };
    let Some(org_id) = dash
        .filtered_org(dash.orgs.selected)
        .map(|o| o.org_id.clone())
    else {
        return Vec::new();
    };
    if dash.active_org.as_deref() == Some(org_id.as_str()) {
        return Vec::new();
    }
    switch_org(model, org_id)
}

/// Make `org_id` active: every panel's data and fetches belong to the
/// org before, so they go (a slow answer for it is dropped on arrival).
pub(super) fn switch_org(model: &mut Model, org_id: String) -> Vec<Command> {
    let Screen::Dashboard(dash) = &mut model.screen else {
        return Vec::new();
    };
    dash.active_org = Some(org_id.clone());
    let provider = dash.session.provider.clone();
    let subject = dash.session.user.subject.clone();
    model
        .preferences
        .set_active_org(&provider, &subject, &org_id);
    let mut commands = Vec::new();
    if std::mem::take(&mut dash.panel_states)
        .values()
        .any(|s| s.loading.is_some())
    {
        commands.push(Command::CancelPanels);
    }
    commands.push(Command::SaveActiveOrg {
        provider,
        subject,
        org_id,
    });
    commands.extend(load_selected_panel(model, false));
    commands
}
