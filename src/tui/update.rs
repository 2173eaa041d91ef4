//! The only place the model changes. Pure: returns commands, does no I/O.

use chrono::{DateTime, TimeDelta, Utc};

use super::keymap::{Key, normalise};
use super::message::{Command, Msg};
use super::model::*;
use crate::auth::Session;
use crate::config::FlowPreference;
use crate::panels::Access;

/// After the n-th renewal failing in a row for want of the network, wait
/// 15 s × 2ⁿ⁻¹ before the next try, at most 5 minutes.
pub fn offline_backoff(failures: u32) -> TimeDelta {
    let secs = 15_i64.saturating_mul(1 << failures.saturating_sub(1).min(5));
    TimeDelta::seconds(secs.min(300))
}

pub fn update(model: &mut Model, msg: Msg) -> Vec<Command> {
    match msg {
        Msg::Key(event) => key(model, normalise(event)),
        Msg::Tick => Vec::new(),
        Msg::Resize => Vec::new(),
        Msg::LoginUrl { generation, url } => {
            if let Some(PendingFlow::Browser { url: slot, .. }) =
                pending_mut(model, generation).map(|p| &mut p.flow)
            {
                *slot = Some(url);
            }
            Vec::new()
        }
        Msg::BrowserOpened { generation, result } => browser_opened(model, generation, result),
        Msg::Discovered { provider, result } => {
            if let Some(p) = model.providers.iter_mut().find(|p| p.name == provider) {
                p.lookup = match result {
                    Ok(device) => Lookup::Found { device },
                    Err(e) => Lookup::Failed(e),
                };
            }
            let rows = model.login_rows().len();
            if let Screen::Login(login) = &mut model.screen {
                login.selected = login.selected.min(rows.saturating_sub(1));
            }
            Vec::new()
        }
        Msg::DeviceCode { generation, code } => {
            if let Some(p) = pending_mut(model, generation) {
                p.flow = PendingFlow::Device(Some(code));
            }
            Vec::new()
        }
        Msg::DevicePoll { generation, poll } => {
            if let Some(PendingFlow::Device(Some(code))) =
                pending_mut(model, generation).map(|p| &mut p.flow)
            {
                code.poll = Some(poll);
            }
            Vec::new()
        }
        Msg::LoginFinished { generation, result } => {
            if pending_mut(model, generation).is_none() {
                return Vec::new();
            }
            match result {
                Ok(session) => {
                    let mut commands = enter_dashboard(model, *session);
                    commands.push(Command::LoadAccounts);
                    commands
                }
                Err(e) => {
                    let back_to = match &mut model.screen {
                        Screen::Login(login) => login.back_to.take(),
                        Screen::Dashboard(_) => None,
                    };
                    model.screen = Screen::Login(LoginScreen {
                        selected: selected_provider(model),
                        pending: None,
                        notice: Some(Notice {
                            level: Level::Error,
                            text: format!("Login failed: {e}"),
                        }),
                        back_to,
                    });
                    Vec::new()
                }
            }
        }
        Msg::Refreshed(result) => refreshed(model, result),
        Msg::PanelLoaded {
            generation,
            panel_id,
            result,
        } => {
            if let Screen::Dashboard(dash) = &mut model.screen
                && let Some(PanelState::Loading {
                    generation: waiting,
                    org_id,
                }) = dash.panel_states.get(&panel_id)
                && *waiting == generation
            {
                let org_id = org_id.clone();
                let state = match result {
                    Ok(data) => PanelState::Loaded { org_id, data },
                    Err(error) => PanelState::Failed { org_id, error },
                };
                dash.panel_states.insert(panel_id, state);
            }
            Vec::new()
        }
        Msg::LoggedOut { notice } => {
            if let Screen::Login(login) = &mut model.screen {
                login.notice = Some(Notice {
                    level: Level::Info,
                    text: notice,
                });
            }
            vec![Command::LoadAccounts]
        }
        Msg::Accounts(accounts) => {
            model.accounts = accounts;
            Vec::new()
        }
        Msg::AccountSwitched(Ok(session)) => {
            let mut commands = enter_dashboard(model, *session);
            commands.push(Command::LoadAccounts);
            commands
        }
        Msg::AccountSwitched(Err(e)) => {
            model.toast = Some(Toast {
                level: Level::Error,
                text: format!("Could not switch accounts: {e}"),
            });
            Vec::new()
        }
        Msg::Failed(text) => {
            model.toast = Some(Toast {
                level: Level::Error,
                text,
            });
            Vec::new()
        }
    }
}

/// Advance the clock: start refreshes that are due, end dead sessions.
pub fn tick(model: &mut Model, now: DateTime<Utc>) -> Vec<Command> {
    model.now = now;
    let Screen::Dashboard(dash) = &mut model.screen else {
        return look_up_providers(model);
    };
    if !dash.session.is_alive(now) {
        let provider = dash.session.provider.clone();
        model.screen = login_with(
            model_selected(model, &provider),
            Level::Error,
            "Your session expired and cannot be renewed: log in again.".into(),
        );
        return Vec::new();
    }
    let due = match &dash.refresh {
        RefreshState::Idle => !dash.session.access_token_fresh(now) && dash.session.can_refresh(),
        RefreshState::Offline { retry_at, .. } => now >= *retry_at,
        RefreshState::Running => false,
    };
    if due {
        dash.refresh = RefreshState::Running;
        return vec![Command::Refresh(Box::new(dash.session.clone()))];
    }
    Vec::new()
}

/// When no browser opens and the provider's `flow` is `auto`, switch to a
/// code on another device if the provider offers it; else keep showing
/// the URL to copy.
fn browser_opened(model: &mut Model, generation: u64, result: Result<(), String>) -> Vec<Command> {
    let next = model.generation();
    let fallback = |model: &Model, provider: &str| {
        model.provider(provider).is_some_and(|p| {
            p.flow == FlowPreference::Auto && p.lookup == Lookup::Found { device: true }
        })
    };
    let Some(pending) = pending_mut(model, generation) else {
        return Vec::new();
    };
    let PendingFlow::Browser { browser, .. } = &mut pending.flow else {
        return Vec::new();
    };
    let error = match result {
        Ok(()) => {
            *browser = BrowserState::Opened;
            return Vec::new();
        }
        Err(e) => e,
    };
    *browser = BrowserState::Failed(error.clone());
    let provider = pending.provider.clone();
    let add_account = pending.add_account;
    if !fallback(model, &provider) {
        return Vec::new();
    }
    let Screen::Login(login) = &mut model.screen else {
        return Vec::new();
    };
    login.notice = Some(Notice {
        level: Level::Info,
        text: format!("No browser could be opened ({error}): log in with a code instead."),
    });
    login.pending = Some(PendingLogin {
        provider: provider.clone(),
        generation: next,
        started: model.now,
        flow: PendingFlow::Device(None),
        add_account,
    });
    vec![
        Command::CancelLogin { generation },
        Command::StartLogin {
            provider,
            generation: next,
            flow: LoginFlow::Device,
            add_account,
        },
    ]
}

/// While the login screen shows, find out (once) what each provider offers.
fn look_up_providers(model: &mut Model) -> Vec<Command> {
    model
        .providers
        .iter_mut()
        .filter(|p| p.lookup == Lookup::NotYet)
        .map(|p| {
            p.lookup = Lookup::Running;
            Command::Discover {
                provider: p.name.clone(),
            }
        })
        .collect()
}

/// Show the dashboard for a session (after login, or from the store).
pub fn enter_dashboard(model: &mut Model, session: Session) -> Vec<Command> {
    let remembered = model
        .preferences
        .active_org(&session.provider, &session.user.subject)
        .map(str::to_owned);
    model.screen = Screen::Dashboard(Box::new(Dashboard::new(session, remembered)));
    model.popup = None;
    let mut commands = tick(model, model.now);
    commands.extend(load_selected_panel(model, false));
    commands
}

fn refreshed(
    model: &mut Model,
    result: Result<Box<Session>, super::message::RefreshFailure>,
) -> Vec<Command> {
    let now = model.now;
    let Screen::Dashboard(dash) = &mut model.screen else {
        return Vec::new();
    };
    match result {
        Ok(session) => {
            dash.session = *session;
            dash.refresh = RefreshState::Idle;
            dash.refresh_failures = 0;
            if dash.active_membership().is_none() {
                dash.active_org = dash.session.user.orgs.first().map(|o| o.org_id.clone());
            }
            // Panels that failed on an expired token get another go.
            let failed: Vec<String> = dash
                .panel_states
                .iter()
                .filter(|(_, s)| matches!(s, PanelState::Failed { .. }))
                .map(|(id, _)| id.clone())
                .collect();
            for id in failed {
                dash.panel_states.remove(&id);
            }
            load_selected_panel(model, false)
        }
        Err(failure) if failure.needs_login => {
            let provider = dash.session.provider.clone();
            let selected = model_selected(model, &provider);
            model.screen = login_with(
                selected,
                Level::Error,
                format!("Your session ended: {}", failure.error),
            );
            model.popup = None;
            Vec::new()
        }
        Err(failure) => {
            dash.refresh_failures += 1;
            let since = match &dash.refresh {
                RefreshState::Offline { since, .. } => *since,
                _ => now,
            };
            dash.refresh = RefreshState::Offline {
                since,
                error: failure.error,
                retry_at: now + offline_backoff(dash.refresh_failures),
            };
            Vec::new()
        }
    }
}

fn key(model: &mut Model, key: Key) -> Vec<Command> {
    if key == Key::Ctrl('c') {
        model.quit = true;
        return Vec::new();
    }
    if model.popup.is_some() {
        return popup_key(model, key);
    }
    if key == Key::Esc && model.toast.is_some() {
        model.toast = None;
        return Vec::new();
    }
    if !model.text_input_active() {
        match key {
            Key::Char('q') => {
                model.quit = true;
                return Vec::new();
            }
            Key::Char('?') => {
                model.popup = Some(Popup::Help);
                return Vec::new();
            }
            _ => {}
        }
    }
    match &model.screen {
        Screen::Login(_) => login_key(model, key),
        Screen::Dashboard(_) => dashboard_key(model, key),
    }
}

fn popup_key(model: &mut Model, key: Key) -> Vec<Command> {
    match model.popup {
        Some(Popup::Help) => {
            if matches!(key, Key::Esc | Key::Char('?') | Key::Enter) {
                model.popup = None;
            }
            Vec::new()
        }
        Some(Popup::Accounts { selected }) => {
            let n = model.accounts.len().max(1);
            match key {
                Key::Esc => model.popup = None,
                Key::Up | Key::Char('k') => {
                    model.popup = Some(Popup::Accounts {
                        selected: (selected + n - 1) % n,
                    })
                }
                Key::Down | Key::Char('j') => {
                    model.popup = Some(Popup::Accounts {
                        selected: (selected + 1) % n,
                    })
                }
                Key::Enter => {
                    model.popup = None;
                    if let Some(entry) = model.accounts.get(selected)
                        && !entry.active
                    {
                        return vec![Command::SwitchAccount(entry.id.clone())];
                    }
                }
                _ => {}
            }
            Vec::new()
        }
        Some(Popup::Menu { selected }) => {
            let n = MenuItem::ALL.len();
            match key {
                Key::Esc | Key::Char('m') | Key::F(10) => model.popup = None,
                Key::Up | Key::Char('k') | Key::BackTab => {
                    model.popup = Some(Popup::Menu {
                        selected: (selected + n - 1) % n,
                    })
                }
                Key::Down | Key::Char('j') | Key::Tab => {
                    model.popup = Some(Popup::Menu {
                        selected: (selected + 1) % n,
                    })
                }
                Key::Enter => {
                    model.popup = None;
                    return menu_action(model, MenuItem::ALL[selected.min(n - 1)]);
                }
                _ => {}
            }
            Vec::new()
        }
        None => Vec::new(),
    }
}

fn menu_action(model: &mut Model, item: MenuItem) -> Vec<Command> {
    let Screen::Dashboard(dash) = &mut model.screen else {
        return Vec::new();
    };
    match item {
        MenuItem::SwitchOrganization => {
            dash.nav = 1;
            dash.focus = Focus::Content;
            Vec::new()
        }
        MenuItem::OpenAccountPage => {
            let provider = dash.session.provider.clone();
            match model
                .provider(&provider)
                .and_then(|p| p.account_url.clone())
            {
                Some(url) => vec![Command::OpenUrl(url)],
                None => {
                    model.toast = Some(Toast {
                        level: Level::Error,
                        text: format!(
                            "No account page for {provider}: set account_url under [auth.{provider}] in the config."
                        ),
                    });
                    Vec::new()
                }
            }
        }
        MenuItem::SwitchAccount => {
            if model.accounts.len() < 2 {
                model.toast = Some(Toast {
                    level: Level::Info,
                    text: "Only this account is stored here: \"Add account\" logs in someone else."
                        .into(),
                });
                return Vec::new();
            }
            let selected = model.accounts.iter().position(|a| a.active).unwrap_or(0);
            model.popup = Some(Popup::Accounts { selected });
            Vec::new()
        }
        MenuItem::AddAccount => {
            let current = Box::new(dash.session.clone());
            let provider = current.provider.clone();
            let index = model.providers.iter().position(|p| p.name == provider);
            let flow = model
                .login_rows()
                .iter()
                .find(|r| Some(r.provider) == index)
                .map(|r| r.flow)
                .unwrap_or(LoginFlow::Browser);
            let generation = model.generation();
            let (pending, command) =
                start_login(provider.clone(), generation, flow, true, model.now);
            let selected = model_selected(model, &provider);
            let back_to = Some(current);
            model.screen = Screen::Login(LoginScreen {
                selected,
                pending: Some(pending),
                notice: Some(Notice {
                    level: Level::Info,
                    text: "Adding an account: the provider asks who you are. Esc goes back.".into(),
                }),
                back_to,
            });
            vec![command]
        }
        MenuItem::LogOut | MenuItem::LogOutInBrowser => {
            let session = dash.session.clone();
            let selected = model_selected(model, &session.provider);
            model.screen = login_with(selected, Level::Info, "Logging out…".into());
            vec![Command::Logout {
                session: Box::new(session),
                in_browser: item == MenuItem::LogOutInBrowser,
            }]
        }
        MenuItem::Quit => {
            model.quit = true;
            Vec::new()
        }
    }
}

fn login_key(model: &mut Model, key: Key) -> Vec<Command> {
    let rows = model.login_rows();
    let count = rows.len();
    let generation = model.generation();
    let browser_available = model.browser_available;
    let Screen::Login(login) = &mut model.screen else {
        return Vec::new();
    };
    if key == Key::Esc
        && let Some(session) = login.back_to.take()
    {
        let mut commands: Vec<Command> = login
            .pending
            .take()
            .map(|p| Command::CancelLogin {
                generation: p.generation,
            })
            .into_iter()
            .collect();
        commands.extend(enter_dashboard(model, *session));
        return commands;
    }
    if let Some(pending) = &login.pending {
        return match key {
            Key::Esc => {
                let generation = pending.generation;
                login.pending = None;
                login.notice = Some(Notice {
                    level: Level::Info,
                    text: "Login cancelled.".into(),
                });
                vec![Command::CancelLogin { generation }]
            }
            Key::Char('o') => match &pending.flow {
                PendingFlow::Browser { url, .. } => url.clone(),
                PendingFlow::Device(Some(code)) if browser_available => Some(
                    code.verification_uri_complete
                        .clone()
                        .unwrap_or_else(|| code.verification_uri.clone()),
                ),
                PendingFlow::Device(_) => None,
            }
            .map(Command::OpenUrl)
            .into_iter()
            .collect(),
            _ => Vec::new(),
        };
    }
    match key {
        Key::Up | Key::Char('k') | Key::BackTab if count > 0 => {
            login.selected = (login.selected + count - 1) % count;
        }
        Key::Down | Key::Char('j') | Key::Tab if count > 0 => {
            login.selected = (login.selected + 1) % count;
        }
        Key::Enter if count > 0 => {
            let row = rows[login.selected.min(count - 1)];
            let provider = model.providers[row.provider].name.clone();
            login.notice = None;
            let (pending, command) = start_login(provider, generation, row.flow, false, model.now);
            login.pending = Some(pending);
            return vec![command];
        }
        _ => {}
    }
    Vec::new()
}

fn start_login(
    provider: String,
    generation: u64,
    flow: LoginFlow,
    add_account: bool,
    now: DateTime<Utc>,
) -> (PendingLogin, Command) {
    let pending = PendingLogin {
        provider: provider.clone(),
        generation,
        started: now,
        flow: match flow {
            LoginFlow::Browser => PendingFlow::Browser {
                url: None,
                browser: BrowserState::Preparing,
            },
            LoginFlow::Device => PendingFlow::Device(None),
        },
        add_account,
    };
    let command = Command::StartLogin {
        provider,
        generation,
        flow,
        add_account,
    };
    (pending, command)
}

fn dashboard_key(model: &mut Model, key: Key) -> Vec<Command> {
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

fn org_list_key(model: &mut Model, key: Key) -> Vec<Command> {
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

fn org_filter_key(model: &mut Model, key: Key) -> Vec<Command> {
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

fn activate_selected_org(model: &mut Model) -> Vec<Command> {
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
fn load_selected_panel(model: &mut Model, force: bool) -> Vec<Command> {
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
    let Some(url) = panel.data_url_for(&org_id) else {
        return Vec::new();
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

fn pending_mut(model: &mut Model, generation: u64) -> Option<&mut PendingLogin> {
    match &mut model.screen {
        Screen::Login(LoginScreen {
            pending: Some(p), ..
        }) if p.generation == generation => Some(p),
        _ => None,
    }
}

fn selected_provider(model: &Model) -> usize {
    match &model.screen {
        Screen::Login(l) => l.selected,
        Screen::Dashboard(d) => model_selected(model, &d.session.provider),
    }
}

/// The first login line of the named provider.
fn model_selected(model: &Model, name: &str) -> usize {
    let index = model.providers.iter().position(|p| p.name == name);
    model
        .login_rows()
        .iter()
        .position(|r| Some(r.provider) == index)
        .unwrap_or(0)
}

fn login_with(selected: usize, level: Level, text: String) -> Screen {
    Screen::Login(LoginScreen {
        selected,
        pending: None,
        notice: Some(Notice { level, text }),
        back_to: None,
    })
}

#[cfg(test)]
mod tests {
    use super::offline_backoff;

    #[test]
    fn renewals_back_off_to_five_minutes() {
        let secs: Vec<i64> = (1..=8).map(|n| offline_backoff(n).num_seconds()).collect();
        assert_eq!(secs, [15, 30, 60, 120, 240, 300, 300, 300]);
    }
}
