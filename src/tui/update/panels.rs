//! Panels on the dashboard: loading, refreshing, cancelling and their
//! keys (a table's sort and filter; on a locked panel, the way in).

use super::*;
use crate::panels::Access;
use crate::tui::action::Action;
use crate::tui::keymap::Key;
use crate::tui::message::Command;

/// Esc on a panel still loading: its fetch is dropped; the last good data
/// stays (said to be stale), else the panel says it was cancelled (r loads
/// it again). The cancel is recorded as the last attempt even beside
/// data: a panel that refreshes by itself would otherwise find its old
/// data due at the next tick and start the fetch Esc just stopped.
/// `None` when the panel is not loading.
pub(super) fn cancel_panel_fetch(model: &mut Model, index: usize) -> Option<Vec<Command>> {
    let now = model.now;
    let id = model.panels.get(index)?.id.clone();
    let Screen::Dashboard(dash) = &mut model.screen else {
        return None;
    };
    let state = dash.panel_states.get_mut(&id)?;
    state.loading.take()?;
    state.error = Some(PanelError {
        error: crate::panels::SourceError::Other(
            "cancelled (Esc) while waiting for the answer".into(),
        ),
        at: now,
    });
    Some(vec![Command::CancelPanels])
}

/// Stop the fetches under way: none of them is on screen any more.
pub(super) fn leave_panels(model: &mut Model) -> Vec<Command> {
    let Screen::Dashboard(dash) = &mut model.screen else {
        return Vec::new();
    };
    let mut any = false;
    dash.panel_states.retain(|_, s| {
        any |= s.loading.take().is_some();
        // A state that was only loading has nothing left to show.
        s.data.is_some() || s.error.is_some()
    });
    if any {
        vec![Command::CancelPanels]
    } else {
        Vec::new()
    }
}

/// A panel's answer: kept only when it is the fetch awaited for that
/// panel (a slow answer for another org or an older fetch is dropped).
pub(super) fn panel_loaded(
    model: &mut Model,
    generation: u64,
    panel_id: &str,
    result: Result<serde_json::Value, crate::panels::SourceError>,
) -> Vec<Command> {
    let now = model.now;
    let Screen::Dashboard(dash) = &mut model.screen else {
        return Vec::new();
    };
    let Some(state) = dash.panel_states.get_mut(panel_id) else {
        return Vec::new();
    };
    if state.loading != Some(generation) {
        return Vec::new();
    }
    state.loading = None;
    match result {
        Ok(value) => {
            state.data = Some(PanelValue { value, at: now });
            state.error = None;
        }
        Err(error) => {
            state.error = Some(PanelError { error, at: now });
            return Vec::new();
        }
    }
    super::table::shape_arrived(model, panel_id);
    Vec::new()
}

/// After a renewal: panels that failed get another go (the failure may
/// have been the old token).
pub(super) fn retry_failed_panels(model: &mut Model) -> Vec<Command> {
    if let Screen::Dashboard(dash) = &mut model.screen {
        for state in dash.panel_states.values_mut() {
            if state.error.is_some() && state.loading.is_none() {
                state.org_id.clear();
            }
        }
    }
    load_selected_panel(model, false)
}

/// Once a second: the open panel is fetched again when its `refresh`
/// interval has passed since its last answer.
pub(super) fn refresh_due_panel(model: &mut Model) -> Vec<Command> {
    let items = model.nav_items();
    let Some(dash) = model.dashboard() else {
        return Vec::new();
    };
    let Some(NavItem::Panel(i)) = items.get(dash.nav).copied() else {
        return Vec::new();
    };
    let Some(spec) = model.panels.get(i) else {
        return Vec::new();
    };
    let Some(every) = spec
        .refresh
        .and_then(|d| chrono::TimeDelta::from_std(d).ok())
    else {
        return Vec::new();
    };
    let due = dash.panel_states.get(&spec.id).is_some_and(|s| {
        let last = s
            .error
            .as_ref()
            .map(|e| e.at)
            .or(s.data.as_ref().map(|d| d.at));
        s.loading.is_none() && last.is_some_and(|at| model.now - at >= every)
    });
    if due {
        load_selected_panel(model, true)
    } else {
        Vec::new()
    }
}

/// Start fetching the selected panel's data when it is open to the user
/// and not loaded for the active org (or when `force`d).
pub(super) fn load_selected_panel(model: &mut Model, force: bool) -> Vec<Command> {
    let items = model.nav_items();
    let generation = model.generation();
    let Some(dash) = model.dashboard() else {
        return Vec::new();
    };
    let i = match items.get(dash.nav).copied() {
        Some(NavItem::Panel(i)) => i,
        Some(NavItem::Session) if force => return describe_provider(model),
        _ => return Vec::new(),
    };
    let Some(panel) = model.panels.get(i) else {
        return Vec::new();
    };
    if !matches!(model.access(dash, panel), Access::Allowed) {
        return Vec::new();
    }
    if !panel.has_source() {
        return Vec::new();
    }
    let org_id = dash.active_org.clone().unwrap_or_default();
    let org_name = dash
        .active_membership()
        .map(|o| o.org_name.clone())
        .unwrap_or_default();
    let current = dash.panel_states.get(&panel.id);
    if !force && current.is_some_and(|s| s.org_id == org_id) {
        return Vec::new();
    }
    let spec = Box::new(panel.clone());
    let session = dash.session.clone();
    let fresh = super::table::remembered_state(model, &spec.id, org_id.clone(), generation);
    if let Screen::Dashboard(dash) = &mut model.screen {
        let state = dash
            .panel_states
            .entry(spec.id.clone())
            .or_insert_with(|| fresh.clone());
        if state.org_id != org_id {
            *state = fresh;
        }
        state.loading = Some(generation);
        // The last failure is history once a reload runs; the last good
        // data stays on screen meanwhile.
        state.error = None;
    }
    vec![Command::FetchPanel {
        generation,
        spec,
        org_id,
        org_name,
        session,
    }]
}

/// The key a panel's own handling (tables, locked panels) knows an action
/// by: the table decides what applies to it.
pub(super) fn panel_key_of(action: Action) -> Option<Key> {
    Some(match action {
        Action::Up => Key::Up,
        Action::Down => Key::Down,
        Action::PageUp => Key::PageUp,
        Action::PageDown => Key::PageDown,
        Action::Back => Key::Esc,
        Action::Filter => Key::Char('/'),
        Action::SortNext => Key::Char('s'),
        Action::SortReverse => Key::Char('S'),
        Action::Unlock => Key::Char('u'),
        _ => return None,
    })
}

/// Letters typed into a table's row filter.
pub(super) fn table_filter_text(model: &mut Model, key: Key) -> Vec<Command> {
    super::table::filter_key(model, key)
}

/// The inspector's discovery summary is looked up once the person turns
/// to the Session panel (not while the list passes over it).
pub(super) fn describe_provider_if_wanted(model: &mut Model) -> Vec<Command> {
    match model.dashboard() {
        Some(dash)
            if dash.focus == Focus::Content
                && dash.discovery.is_none()
                && model.nav_items().get(dash.nav) == Some(&NavItem::Session) =>
        {
            describe_provider(model)
        }
        _ => Vec::new(),
    }
}

/// Ask for the session's provider's discovery summary (`r` asks again).
pub(super) fn describe_provider(model: &mut Model) -> Vec<Command> {
    let Screen::Dashboard(dash) = &mut model.screen else {
        return Vec::new();
    };
    dash.discovery = Some(Discovery::Looking);
    vec![Command::DescribeProvider {
        session: dash.session.clone(),
    }]
}

/// The session a panel's fetch stored with its API token: kept, so that
/// the next fetch finds the token and the inspector lists it. Not a
/// renewal (the login's tokens are as they were).
pub(super) fn api_tokens_kept(
    model: &mut Model,
    account: &AccountId,
    session: Session,
) -> Vec<Command> {
    if let Screen::Dashboard(dash) = &mut model.screen
        && AccountId::of(&dash.session) == *account
    {
        dash.replace_session(std::sync::Arc::new(session));
    }
    Vec::new()
}
