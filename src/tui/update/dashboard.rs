//! The dashboard's keys: navigation, organizations, panels.

use super::*;
use crate::panels::Access;
use crate::tui::action::{Action, Context};
use crate::tui::keymap::Key;
use crate::tui::message::Command;

pub(super) fn dashboard_action(
    model: &mut Model,
    context: Context,
    action: Action,
) -> Vec<Command> {
    let items = model.nav_items();
    let Screen::Dashboard(dash) = &mut model.screen else {
        return Vec::new();
    };
    let item = items.get(dash.nav).copied().unwrap_or(NavItem::Profile);
    match context {
        Context::Filter => return org_filter_action(model, action),
        Context::Organizations => return org_list_action(model, action),
        _ => {}
    }
    match action {
        Action::Menu => {
            model.popup = Some(Popup::Menu { selected: 0 });
            return Vec::new();
        }
        Action::NextFocus | Action::PrevFocus => {
            dash.focus = match dash.focus {
                Focus::Nav => Focus::Content,
                Focus::Content => Focus::Nav,
            };
            return Vec::new();
        }
        Action::OrgPicker => {
            dash.nav = 1;
            dash.focus = Focus::Content;
            return Vec::new();
        }
        Action::Filter => {
            dash.nav = 1;
            dash.focus = Focus::Content;
            dash.orgs.editing = true;
            return Vec::new();
        }
        Action::Jump(n) => {
            dash.nav = usize::from(n).saturating_sub(1).min(items.len() - 1);
            dash.focus = Focus::Nav;
            return load_selected_panel(model, false);
        }
        Action::Reload => return load_selected_panel(model, true),
        _ => {}
    }
    match dash.focus {
        Focus::Nav => {
            let before = dash.nav;
            match action {
                Action::Up => dash.nav = dash.nav.saturating_sub(1),
                Action::Down => dash.nav = (dash.nav + 1).min(items.len() - 1),
                Action::Home => dash.nav = 0,
                Action::End => dash.nav = items.len() - 1,
                Action::Confirm | Action::Right => dash.focus = Focus::Content,
                _ => {}
            }
            if dash.nav != before || action == Action::Confirm {
                return load_selected_panel(model, false);
            }
            Vec::new()
        }
        Focus::Content => {
            match (item, action) {
                (_, Action::Left | Action::Back) => dash.focus = Focus::Nav,
                (NavItem::Organizations, _) => return org_list_action(model, action),
                (NavItem::Profile, Action::Up) => {
                    dash.profile_scroll = dash.profile_scroll.saturating_sub(1)
                }
                (NavItem::Profile, Action::Down) => {
                    dash.profile_scroll = dash.profile_scroll.saturating_add(1)
                }
                (NavItem::Profile, Action::PageUp) => {
                    dash.profile_scroll = dash.profile_scroll.saturating_sub(10)
                }
                (NavItem::Profile, Action::PageDown) => {
                    dash.profile_scroll = dash.profile_scroll.saturating_add(10)
                }
                (NavItem::Profile, Action::Home) => dash.profile_scroll = 0,
                _ => {}
            }
            Vec::new()
        }
    }
}

/// The organization list has the keys (Organizations, content focused).
pub(super) fn org_list_action(model: &mut Model, action: Action) -> Vec<Command> {
    let Screen::Dashboard(dash) = &mut model.screen else {
        return Vec::new();
    };
    let count = dash.filtered_orgs().len();
    match action {
        Action::Up => dash.orgs.selected = dash.orgs.selected.saturating_sub(1),
        Action::Down if count > 0 => dash.orgs.selected = (dash.orgs.selected + 1).min(count - 1),
        Action::Home => dash.orgs.selected = 0,
        Action::End => dash.orgs.selected = count.saturating_sub(1),
        Action::Back => {
            dash.orgs.filter.clear();
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
            let count = dash.filtered_orgs().len();
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
        Key::Backspace => {
            dash.orgs.filter.pop();
        }
        Key::Char(c) => dash.orgs.filter.push(c),
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
        .filtered_orgs()
        .get(dash.orgs.selected)
        .map(|o| o.org_id.clone())
    else {
        return Vec::new();
    };
    if dash.active_org.as_deref() == Some(org_id.as_str()) {
        return Vec::new();
    }
    dash.active_org = Some(org_id.clone());
    dash.panel_states.clear();
    let provider = dash.session.provider.clone();
    let subject = dash.session.user.subject.clone();
    model
        .preferences
        .set_active_org(&provider, &subject, &org_id);
    vec![Command::SaveActiveOrg {
        provider,
        subject,
        org_id,
    }]
}

/// Start fetching the selected panel's data when it is open to the user
/// and not loaded for the active org (or when `force`d).
pub(super) fn load_selected_panel(model: &mut Model, force: bool) -> Vec<Command> {
    let items = model.nav_items();
    let generation = model.generation();
    let Some(dash) = model.dashboard() else {
        return Vec::new();
    };
    let Some(NavItem::Panel(i)) = items.get(dash.nav).copied() else {
        return Vec::new();
    };
    let Some(panel) = model.panels.get(i) else {
        return Vec::new();
    };
    if !matches!(model.access(dash, panel), Access::Allowed) {
        return Vec::new();
    }
    let org_id = dash.active_org.clone().unwrap_or_default();
    let url = match panel.data_url_for(&org_id) {
        Ok(Some(url)) => url,
        Ok(None) => return Vec::new(),
        Err(e) => {
            let (panel_id, error) = (panel.id.clone(), e.to_string());
            if let Screen::Dashboard(dash) = &mut model.screen {
                dash.panel_states
                    .insert(panel_id, PanelState::Failed { org_id, error });
            }
            return Vec::new();
        }
    };
    let current = dash.panel_states.get(&panel.id).map(|s| match s {
        PanelState::Loading { org_id, .. }
        | PanelState::Loaded { org_id, .. }
        | PanelState::Failed { org_id, .. } => org_id.as_str(),
    });
    if !force && current == Some(org_id.as_str()) {
        return Vec::new();
    }
    let panel_id = panel.id.clone();
    let session = Box::new(dash.session.clone());
    if let Screen::Dashboard(dash) = &mut model.screen {
        dash.panel_states
            .insert(panel_id.clone(), PanelState::Loading { generation, org_id });
    }
    vec![Command::FetchPanel {
        generation,
        panel_id,
        url,
        session,
    }]
}
