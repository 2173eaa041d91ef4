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
    let mut commands = dashboard_action_inner(model, context, action);
    // The inspector's discovery summary is looked up once the person
    // turns to the Session panel (not while the list passes over it).
    if let Some(dash) = model.dashboard()
        && dash.focus == Focus::Content
        && dash.discovery.is_none()
        && model.nav_items().get(dash.nav) == Some(&NavItem::Session)
    {
        commands.extend(describe_provider(model));
    }
    commands
}

/// Ask for the session's provider's discovery summary (`r` asks again).
fn describe_provider(model: &mut Model) -> Vec<Command> {
    let Screen::Dashboard(dash) = &mut model.screen else {
        return Vec::new();
    };
    dash.discovery = Some(Err("looking it up…".into()));
    vec![Command::DescribeProvider {
        session: dash.session.clone(),
    }]
}

fn dashboard_action_inner(model: &mut Model, context: Context, action: Action) -> Vec<Command> {
    let items = model.nav_items();
    let visible = model.visible_nav_now();
    let Screen::Dashboard(dash) = &mut model.screen else {
        return Vec::new();
    };
    let item = items.get(dash.nav).copied().unwrap_or(NavItem::Profile);
    match context {
        Context::Filter => {
            if dash.nav_filter.editing {
                return nav_filter_action(model, action);
            }
            // A table's row filter, else the organizations' filter.
            if let NavItem::Panel(i) = item
                && dash.panel_states.values().any(|s| s.table.editing)
            {
                let key = match action {
                    Action::Confirm => Key::Enter,
                    Action::Back => Key::Esc,
                    _ => return Vec::new(),
                };
                return panel_key(model, i, key).unwrap_or_default();
            }
            return org_filter_action(model, action);
        }
        Context::Organizations => return org_list_action(model, action),
        _ => {}
    }
    // Esc while the panel on screen waits for its answer: stop waiting.
    if action == Action::Back
        && let NavItem::Panel(i) = item
        && let Some(commands) = cancel_panel_fetch(model, i)
    {
        return commands;
    }
    let Screen::Dashboard(dash) = &mut model.screen else {
        return Vec::new();
    };
    if let NavItem::Panel(i) = item
        && (dash.focus == Focus::Content || action == Action::Unlock)
        && let Some(key) = panel_key_of(action)
        && let Some(commands) = panel_key(model, i, key)
    {
        return commands;
    }
    let Screen::Dashboard(dash) = &mut model.screen else {
        return Vec::new();
    };
    if item == NavItem::Session {
        match action {
            // Reveal or mask the token values in the Session inspector.
            Action::Reveal => {
                dash.reveal_tokens = !dash.reveal_tokens;
                return Vec::new();
            }
            Action::Reload => return describe_provider(model),
            _ => {}
        }
    }
    match action {
        Action::Menu => {
            model.popup = Some(Popup::Menu {
                selected: 0,
                filter: ListFilter::default(),
            });
            return Vec::new();
        }
        // Tabs: the next entry, with the focus where it was.
        Action::NextPanel | Action::PrevPanel => {
            let by = if action == Action::NextPanel { 1 } else { -1 };
            let to = step_matching(&visible, dash.nav, by, true).unwrap_or(dash.nav);
            return select_nav(model, to);
        }
        Action::OrgPicker => {
            dash.nav = 1;
            dash.focus = Focus::Content;
            return Vec::new();
        }
        // The list in focus filters (organizations and tables took `/`
        // above); elsewhere, the navigation list.
        Action::Filter => {
            dash.focus = Focus::Nav;
            dash.nav_filter.editing = true;
            return Vec::new();
        }
        Action::Jump(n) => {
            // The numbers name the whole list's entries, filtered or not.
            dash.nav_filter = ListFilter::default();
            dash.nav = usize::from(n).saturating_sub(1).min(items.len() - 1);
            dash.focus = Focus::Nav;
            return load_selected_panel(model, false);
        }
        Action::Reload => return load_selected_panel(model, true),
        _ => {}
    }
    match dash.focus {
        Focus::Nav => {
            let to = match action {
                Action::Up => step_matching(&visible, dash.nav, -1, false),
                Action::Down => step_matching(&visible, dash.nav, 1, false),
                Action::Home => visible.first().copied(),
                Action::End => visible.last().copied(),
                Action::Back => {
                    dash.nav_filter = ListFilter::default();
                    return Vec::new();
                }
                Action::Confirm | Action::Right => {
                    dash.focus = Focus::Content;
                    return match action {
                        Action::Confirm => load_selected_panel(model, false),
                        _ => Vec::new(),
                    };
                }
                _ => None,
            };
            match to {
                Some(to) => select_nav(model, to),
                None => Vec::new(),
            }
        }
        Focus::Content => {
            match (item, action) {
                (_, Action::Left | Action::Back) => dash.focus = Focus::Nav,
                (NavItem::Organizations, _) => return org_list_action(model, action),
                (NavItem::Profile | NavItem::Session, Action::Up) => {
                    dash.profile_scroll = dash.profile_scroll.saturating_sub(1)
                }
                (NavItem::Profile | NavItem::Session, Action::Down) => {
                    dash.profile_scroll = dash.profile_scroll.saturating_add(1)
                }
                (NavItem::Profile | NavItem::Session, Action::PageUp) => {
                    dash.profile_scroll = dash.profile_scroll.saturating_sub(10)
                }
                (NavItem::Profile | NavItem::Session, Action::PageDown) => {
                    dash.profile_scroll = dash.profile_scroll.saturating_add(10)
                }
                (NavItem::Profile | NavItem::Session, Action::Home) => dash.profile_scroll = 0,
                _ => {}
            }
            Vec::new()
        }
    }
}

/// Select the list's entry `to`: the panel left stops loading, the one
/// chosen starts.
fn select_nav(model: &mut Model, to: usize) -> Vec<Command> {
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
fn nav_filter_action(model: &mut Model, action: Action) -> Vec<Command> {
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

/// Esc on a panel still loading: its fetch is dropped; the last good data
/// stays (said to be stale), else the panel says it was cancelled (r loads
/// it again). The cancel is recorded as the last attempt even beside
/// data: a panel that refreshes by itself would otherwise find its old
/// data due at the next tick and start the fetch Esc just stopped.
/// `None` when the panel is not loading.
fn cancel_panel_fetch(model: &mut Model, index: usize) -> Option<Vec<Command>> {
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
fn leave_panels(model: &mut Model) -> Vec<Command> {
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

/// Keys for an open panel (content focus): a table's sort, filter and
/// scroll; on a locked panel, the way in. `None`: not a panel key.
fn panel_key(model: &mut Model, index: usize, key: Key) -> Option<Vec<Command>> {
    let spec = model.panels.get(index)?.clone();
    let dash = model.dashboard()?;
    if let Access::Denied(_) = model.access(dash, &spec) {
        if key == Key::Char('u') {
            let org = model
                .unlocking_orgs(dash, &spec)
                .first()
                .map(|o| o.org_id.clone());
            // No org gives a scope the session lacks: ask for it first.
            let missing = missing_scopes(&spec, &dash.session);
            return Some(match org {
                _ if !missing.is_empty() => ask_for_scopes(model, missing),
                Some(org_id) => switch_org(model, org_id),
                None => Vec::new(),
            });
        }
        return None;
    }
    if !matches!(spec.view, crate::panels::View::Table(_)) {
        return None;
    }
    let Screen::Dashboard(dash) = &mut model.screen else {
        return None;
    };
    let state = dash.panel_states.get_mut(&spec.id)?;
    let table = &mut state.table;
    if table.editing {
        match key {
            Key::Esc => {
                table.editing = false;
                table.filter.clear();
            }
            Key::Enter => table.editing = false,
            Key::Backspace => {
                table.filter.pop();
            }
            Key::Char(c) => table.filter.push(c),
            _ => {}
        }
        table.scroll = 0;
        return Some(Vec::new());
    }
    let columns = match (&spec.view, &state.data) {
        (crate::panels::View::Table(view), Some(data)) => view
            .shape(&data.value)
            .map(|t| t.headers.len())
            .unwrap_or(0),
        _ => 0,
    };
    let table = &mut state.table;
    match key {
        Key::Char('/') => table.editing = true,
        // Sort by the next column; `S` turns the order round.
        Key::Char('s') if columns > 0 => {
            table.sort = match table.sort {
                None => Some((0, false)),
                Some((c, _)) if c + 1 >= columns => None,
                Some((c, _)) => Some((c + 1, false)),
            }
        }
        Key::Char('S') => {
            if let Some((_, desc)) = &mut table.sort {
                *desc = !*desc;
            }
        }
        Key::Down | Key::Char('j') => table.scroll = table.scroll.saturating_add(1),
        Key::Up | Key::Char('k') => table.scroll = table.scroll.saturating_sub(1),
        Key::PageDown => table.scroll = table.scroll.saturating_add(10),
        Key::PageUp => table.scroll = table.scroll.saturating_sub(10),
        Key::Esc if !table.filter.is_empty() => table.filter.clear(),
        _ => return None,
    }
    Some(Vec::new())
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
        Err(error) => state.error = Some(PanelError { error, at: now }),
    }
    Vec::new()
}

/// A renewal's result for the Session inspector: when, how long (for the
/// one the dashboard started), and how it ended; the last five are kept.
pub(super) fn record_renewal(
    dash: &mut Dashboard,
    now: chrono::DateTime<chrono::Utc>,
    awaited: bool,
    result: &Result<Box<crate::auth::Session>, crate::tui::message::RefreshFailure>,
) {
    let started = if awaited {
        dash.renewal_started.take()
    } else {
        None
    };
    dash.renewals.push(RenewalRecord {
        at: now,
        took_ms: started.map_or(-1, |s| (now - s).num_milliseconds()),
        result: result.as_ref().map(|_| ()).map_err(|f| f.error.clone()),
    });
    let excess = dash.renewals.len().saturating_sub(5);
    dash.renewals.drain(..excess);
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
    if let Screen::Dashboard(dash) = &mut model.screen {
        let state = dash
            .panel_states
            .entry(spec.id.clone())
            .or_insert_with(|| PanelState::loading(org_id.clone(), generation));
        if state.org_id != org_id {
            *state = PanelState::loading(org_id.clone(), generation);
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
fn panel_key_of(action: Action) -> Option<Key> {
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
    let items = model.nav_items();
    let Some(NavItem::Panel(i)) = model.dashboard().and_then(|d| items.get(d.nav).copied()) else {
        return Vec::new();
    };
    panel_key(model, i, key).unwrap_or_default()
}

/// The scopes a panel needs that the session was not granted.
pub fn missing_scopes(spec: &crate::panels::PanelSpec, session: &Session) -> Vec<String> {
    spec.requires
        .scopes
        .iter()
        .filter(|s| !session.tokens.scopes.contains(s))
        .cloned()
        .collect()
}

/// Incremental consent: log in again, as the same person, asking the
/// provider for `scopes` too. Esc goes back to the dashboard as it was.
fn ask_for_scopes(model: &mut Model, scopes: Vec<String>) -> Vec<Command> {
    let Screen::Dashboard(dash) = &model.screen else {
        return Vec::new();
    };
    let current = dash.session.clone();
    let provider = current.provider.clone();
    let index = model.providers.iter().position(|p| p.name == provider);
    let flow = model
        .login_rows()
        .iter()
        .find(|r| Some(r.provider) == index)
        .map(|r| r.flow)
        .unwrap_or(LoginFlow::Browser);
    let label = model
        .provider(&provider)
        .map(|p| p.label.clone())
        .unwrap_or_else(|| provider.clone());
    let generation = model.generation();
    let (pending, mut command) = start_login(provider.clone(), generation, flow, false, model.now);
    if let Command::StartLogin { scopes: asked, .. } = &mut command {
        asked.clone_from(&scopes);
    }
    let selected = model_selected(model, &provider);
    model.screen = Screen::Login(LoginScreen {
        selected,
        pending: Some(pending),
        notice: Some(Notice {
            level: Level::Info,
            text: format!(
                "Logging in again to ask {label} for {}: the same account, with more access. Esc goes back.",
                scopes.join(", ")
            ),
        }),
        back_to: Some(current),
        filter: ListFilter::default(),
    });
    vec![command]
}
