//! The dashboard's keys: navigation, organizations, panels.

use super::*;
use crate::panels::Access;
use crate::tui::keymap::Key;
use crate::tui::message::Command;

pub(super) fn dashboard_key(model: &mut Model, key: Key) -> Vec<Command> {
    let items = model.nav_items();
    let Screen::Dashboard(dash) = &mut model.screen else {
        return Vec::new();
    };
    let item = items.get(dash.nav).copied().unwrap_or(NavItem::Profile);
    if dash.orgs.editing {
        return org_filter_key(model, key);
    }
    match key {
        Key::Char('m') | Key::F(10) => {
            model.popup = Some(Popup::Menu { selected: 0 });
            return Vec::new();
        }
        Key::Tab | Key::BackTab => {
            dash.focus = match dash.focus {
                Focus::Nav => Focus::Content,
                Focus::Content => Focus::Nav,
            };
            return Vec::new();
        }
        Key::Char('/') => {
            dash.nav = 1;
            dash.focus = Focus::Content;
            dash.orgs.editing = true;
            return Vec::new();
        }
        Key::Char('r') => return load_selected_panel(model, true),
        _ => {}
    }
    match dash.focus {
        Focus::Nav => {
            let before = dash.nav;
            match key {
                Key::Up | Key::Char('k') => dash.nav = dash.nav.saturating_sub(1),
                Key::Down | Key::Char('j') => dash.nav = (dash.nav + 1).min(items.len() - 1),
                Key::Home => dash.nav = 0,
                Key::End => dash.nav = items.len() - 1,
                Key::Enter | Key::Right | Key::Char('l') => dash.focus = Focus::Content,
                _ => {}
            }
            if dash.nav != before || key == Key::Enter {
                return load_selected_panel(model, false);
            }
            Vec::new()
        }
        Focus::Content => match (item, key) {
            (_, Key::Left | Key::Char('h')) => {
                dash.focus = Focus::Nav;
                Vec::new()
            }
            (NavItem::Profile, Key::Up | Key::Char('k')) => {
                dash.profile_scroll = dash.profile_scroll.saturating_sub(1);
                Vec::new()
            }
            (NavItem::Profile, Key::Down | Key::Char('j')) => {
                dash.profile_scroll = dash.profile_scroll.saturating_add(1);
                Vec::new()
            }
            (NavItem::Profile, Key::PageUp) => {
                dash.profile_scroll = dash.profile_scroll.saturating_sub(10);
                Vec::new()
            }
            (NavItem::Profile, Key::PageDown) => {
                dash.profile_scroll = dash.profile_scroll.saturating_add(10);
                Vec::new()
            }
            (NavItem::Organizations, _) => org_list_key(model, key),
            _ => Vec::new(),
        },
    }
}

pub(super) fn org_list_key(model: &mut Model, key: Key) -> Vec<Command> {
    let Screen::Dashboard(dash) = &mut model.screen else {
        return Vec::new();
    };
    let count = dash.filtered_orgs().len();
    match key {
        Key::Up | Key::Char('k') => dash.orgs.selected = dash.orgs.selected.saturating_sub(1),
        Key::Down | Key::Char('j') if count > 0 => {
            dash.orgs.selected = (dash.orgs.selected + 1).min(count - 1)
        }
        Key::Esc if !dash.orgs.filter.is_empty() => {
            dash.orgs.filter.clear();
            dash.orgs.selected = 0;
        }
        Key::Enter => return activate_selected_org(model),
        _ => {}
    }
    Vec::new()
}

pub(super) fn org_filter_key(model: &mut Model, key: Key) -> Vec<Command> {
    let Screen::Dashboard(dash) = &mut model.screen else {
        return Vec::new();
    };
    match key {
        Key::Esc => dash.orgs.editing = false,
        Key::Enter => {
            dash.orgs.editing = false;
            return activate_selected_org(model);
        }
        Key::Backspace => {
            dash.orgs.filter.pop();
            dash.orgs.selected = 0;
        }
        Key::Char(c) => {
            dash.orgs.filter.push(c);
            dash.orgs.selected = 0;
        }
        Key::Up => dash.orgs.selected = dash.orgs.selected.saturating_sub(1),
        Key::Down => {
            let count = dash.filtered_orgs().len();
            if count > 0 {
                dash.orgs.selected = (dash.orgs.selected + 1).min(count - 1);
            }
        }
        _ => {}
    }
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
