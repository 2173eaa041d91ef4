//! The only place the model changes. Pure: returns commands, does no I/O.

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};

use super::action::{Action, Context};
use super::commands::{Availability, availability, contexts, resolve};
use super::keymap::{Key, normalise};
use super::message::{Command, Msg};
use super::model::*;
use crate::auth::{Session, SessionState};
use crate::session::AccountId;

mod accounts;
mod dashboard;
mod lists;
mod login;
mod mouse;
mod panels;
mod popup;
mod table;
mod unlock;

use dashboard::dashboard_action;
use lists::{nav_filter_text, org_filter_text};
use login::{browser_opened, login_action, look_up_providers};
use panels::load_selected_panel;
use popup::{palette_text, popup_action, popup_filter_text};

/// After the n-th renewal failing in a row for want of the network, wait
/// 15 s × 2ⁿ⁻¹ before the next try, at most 5 minutes.
fn offline_backoff(failures: u32) -> TimeDelta {
    let secs = 15_i64.saturating_mul(1 << failures.saturating_sub(1).min(5));
    TimeDelta::seconds(secs.min(300))
}

pub fn update(model: &mut Model, msg: Msg) -> Vec<Command> {
    match msg {
        Msg::Key(event) => key(model, normalise(event)),
        Msg::Tick(now) => tick(model, now),
        Msg::Resumed(result) => resumed(model, result),
        Msg::LoginRefused { generation, reason } => {
            if pending_mut(model, generation).is_some()
                && let Screen::Login(login) = &mut model.screen
            {
                login.notice = Some(Notice {
                    level: Level::Error,
                    text: reason,
                });
            }
            Vec::new()
        }
        Msg::Resize { width, height } => {
            model.terminal_size = Some((width, height));
            table::follow_resize(model);
            Vec::new()
        }
        Msg::LoginUrl { generation, url } => {
            if let Some(
                PendingFlow::Browser { url: slot, .. }
                | PendingFlow::Paste { url: slot, .. }
                | PendingFlow::Terminal { url: slot, .. },
            ) = pending_mut(model, generation).map(|p| &mut p.flow)
            {
                *slot = Some(url);
            }
            Vec::new()
        }
        Msg::Mouse { event, area } => mouse::mouse(model, area, event),
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
                Ok(session) => accounts::logged_in(model, session),
                Err(e) => {
                    let (back_to, offers) = match &mut model.screen {
                        Screen::Login(login) => {
                            (login.back_to.take(), std::mem::take(&mut login.offers))
                        }
                        Screen::Dashboard(_) => (None, LoginOffers::default()),
                    };
                    model.screen = Screen::Login(LoginScreen {
                        selected: selected_provider(model),
                        pending: None,
                        notice: Some(Notice {
                            level: Level::Error,
                            text: format!("Login failed: {e}"),
                        }),
                        back_to,
                        filter: ListFilter::default(),
                        picking: None,
                        offers,
                    });
                    Vec::new()
                }
            }
        }
        Msg::Refreshed {
            account,
            generation,
            result,
        } => refreshed(model, &account, generation, result),
        Msg::PanelLoaded {
            generation,
            panel_id,
            result,
        } => panels::panel_loaded(model, generation, &panel_id, result),
        Msg::ApiTokens { account, session } => panels::api_tokens_kept(model, &account, *session),
        Msg::ProviderSummary { account, result } => {
            if let Screen::Dashboard(dash) = &mut model.screen
                && AccountId::of(&dash.session) == account
            {
                dash.discovery = Some(match result {
                    Ok(rows) => Discovery::Found(rows),
                    Err(e) => Discovery::Failed(e),
                });
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
            model.note_active_account(&session);
            enter_dashboard(model, session)
        }
        Msg::AccountSwitched(Err(e)) => {
            model.say(Toast {
                level: Level::Error,
                text: format!("Could not switch accounts: {e}"),
            });
            Vec::new()
        }
        Msg::Notice(text) => {
            model.say(Toast {
                level: Level::Info,
                text,
            });
            Vec::new()
        }
        Msg::Failed(text) => {
            model.say(Toast {
                level: Level::Error,
                text,
            });
            Vec::new()
        }
        Msg::SessionEnded { account, failure } => {
            accounts::session_ended(model, &account, &failure)
        }
        Msg::StoreChanged { accounts, gone } => accounts::store_changed(model, accounts, &gone),
    }
}

/// Advance the clock: start refreshes that are due, end dead sessions.
pub fn tick(model: &mut Model, now: DateTime<Utc>) -> Vec<Command> {
    model.now = now;
    model.expire_toast();
    let Screen::Dashboard(dash) = &mut model.screen else {
        return look_up_providers(model);
    };
    let state = dash.session.state(now);
    if state == SessionState::Expired {
        return accounts::end_session(model, Ended::Expired);
    }
    let due = match &dash.refresh {
        // An unverified session (its last renewal's tokens kept, its
        // roles not confirmed) is due at once, however fresh its token.
        RefreshState::Idle => {
            matches!(state, SessionState::Renewable | SessionState::Unverified)
                && dash.session.can_refresh()
        }
        RefreshState::Offline { retry_at, .. } => now >= *retry_at,
        RefreshState::Running => false,
    };
    if due {
        dash.refresh = RefreshState::Running;
        model.next_generation += 1;
        let generation = model.next_generation;
        if let Screen::Dashboard(dash) = &mut model.screen {
            dash.renewal = Some(generation);
            dash.renewal_started = Some(now);
            return vec![Command::Refresh {
                session: dash.session.clone(),
                generation,
            }];
        }
    }
    panels::refresh_due_panel(model)
}

/// The store as read at start: resume a session, or the login screen.
fn resumed(model: &mut Model, result: Result<super::message::Resume, String>) -> Vec<Command> {
    let resume = match result {
        Ok(r) => r,
        Err(e) => {
            model.say(Toast {
                level: Level::Error,
                text: e,
            });
            return tick(model, model.now);
        }
    };
    if let Some(text) = resume.recovered {
        model.say(Toast {
            level: Level::Error,
            text,
        });
    }
    model.accounts = resume.accounts;
    match resume.session {
        Some(session) => enter_dashboard(model, session),
        // The login screen: find out what the providers offer now.
        None => tick(model, model.now),
    }
}

/// Show the dashboard for a session (after login, or from the store).
pub fn enter_dashboard(model: &mut Model, session: impl Into<Arc<Session>>) -> Vec<Command> {
    let session: Arc<Session> = session.into();
    let place = accounts::place_to_return(model);
    let returning = place.is_some();
    let remembered = model
        .preferences
        .active_org(&session.provider, &session.user.subject)
        .map(str::to_owned);
    model.screen = Screen::Dashboard(Box::new(Dashboard::new(session, remembered)));
    accounts::arrive(model, place);
    model.popup = None;
    // The panel on screen (a switch, `u`, a step-up, logging in again)
    // wins over the one this account was in last time.
    if !returning {
        table::restore_place(model);
    }
    let mut commands = tick(model, model.now);
    commands.extend(load_selected_panel(model, false));
    commands
}

/// A renewal's answer: only for the account on screen, and a failure only
/// from the renewal the dashboard is waiting for (a result for account A
/// never lands on B's dashboard; a failure for A never logs B out).
pub(super) fn refreshed(
    model: &mut Model,
    account: &AccountId,
    generation: Option<u64>,
    result: Result<Box<Session>, super::message::RefreshFailure>,
) -> Vec<Command> {
    let now = model.now;
    let Screen::Dashboard(dash) = &mut model.screen else {
        return Vec::new();
    };
    if AccountId::of(&dash.session) != *account {
        return Vec::new();
    }
    let awaited = dash.renewal.is_some() && generation == dash.renewal;
    if result.is_err() && !awaited {
        return Vec::new();
    }
    dashboard::record_renewal(dash, now, awaited, &result);
    if awaited {
        dash.renewal = None;
    }
    match result {
        Ok(session) => {
            dash.replace_session(session.into());
            if awaited || dash.refresh != RefreshState::Running {
                dash.refresh = RefreshState::Idle;
            }
            dash.refresh_failures = 0;
            if dash.active_membership().is_none() {
                dash.active_org = dash.session.user.orgs.first().map(|o| o.org_id.clone());
            }
            // Panels that failed on an expired token get another go.
            panels::retry_failed_panels(model)
        }
        Err(failure) if failure.needs_login => {
            accounts::end_session(model, accounts::ended_by(&failure))
        }
        Err(mut failure) => {
            // Renewed but not verified: the roles the dashboard holds are
            // no longer confirmed. Its gates go by the stored session from
            // now on (org-gated panels lock) until a renewal verifies.
            if let Some(session) = failure.unverified.take() {
                dash.replace_session(Arc::from(session));
            }
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
    // Ctrl-C reaches past everything: it quits (asking first while a
    // login is pending, and not twice).
    if key == Key::Ctrl('c') {
        if model.popup == Some(Popup::ConfirmQuit) {
            model.quit = true;
            return Vec::new();
        }
        return request_quit(model);
    }
    let contexts = contexts(model);
    // A text field takes letters first: `q` is a letter there.
    if model.text_input_active()
        && let Key::Char(_) | Key::Backspace | Key::Ctrl('u') = key
    {
        return match (&model.popup, &model.screen) {
            (Some(Popup::Palette { .. }), _) => palette_text(model, key),
            (Some(_), _) => popup_filter_text(model, key),
            (_, Screen::Login(_)) => login::paste_text(model, key),
            (_, Screen::Dashboard(d)) if d.nav_filter.editing => nav_filter_text(model, key),
            (_, Screen::Dashboard(d)) if d.panel_states.values().any(|s| s.table.editing) => {
                panels::table_filter_text(model, key)
            }
            _ => org_filter_text(model, key),
        };
    }
    if key == Key::Esc && model.popup.is_none() && model.toast.is_some() {
        model.acknowledge();
        return Vec::new();
    }
    match resolve(model, &contexts, key) {
        Some((context, action)) => run_action(model, context, action),
        None if matches!(model.popup, Some(Popup::Menu { .. })) => popup::menu_mnemonic(model, key),
        None => {
            if let Some(text) = super::commands::explain(model, &contexts, key) {
                model.say(Toast {
                    level: Level::Info,
                    text,
                });
            }
            Vec::new()
        }
    }
}

/// Run an action in a context (a key, the palette, a mouse click): a
/// disabled one says why instead. Where the person is afterwards (the
/// entry open, a table's sort and filter) is remembered for the next run.
fn run_action(model: &mut Model, context: Context, action: Action) -> Vec<Command> {
    let mut commands = act(model, context, action);
    commands.extend(table::remember(model));
    commands
}

fn act(model: &mut Model, context: Context, action: Action) -> Vec<Command> {
    if let Availability::Disabled(why) = availability(model, context, action) {
        model.say(Toast {
            level: Level::Info,
            text: why,
        });
        return Vec::new();
    }
    match context {
        Context::Global => match action {
            Action::Help => {
                model.popup = Some(Popup::Help);
                let line = crate::tui::view::help_opening_line(model, model.size());
                model.help_scroll = u16::try_from(line).unwrap_or(u16::MAX);
                Vec::new()
            }
            Action::Quit => request_quit(model),
            Action::Palette => {
                model.popup = Some(Popup::Palette {
                    query: String::new(),
                    selected: 0,
                });
                Vec::new()
            }
            Action::ToggleMouse => {
                model.mouse = !model.mouse;
                model.say(Toast {
                    level: Level::Info,
                    text: if model.mouse {
                        "Mouse on: click and scroll; M again to select text.".into()
                    } else {
                        "Mouse off: select text with the mouse; M turns it back on.".into()
                    },
                });
                Vec::new()
            }
            _ => Vec::new(),
        },
        Context::Menu
        | Context::Accounts
        | Context::Help
        | Context::Palette
        | Context::ConfirmQuit
        | Context::Confirm => popup_action(model, action),
        // A popup's filter is being typed.
        Context::Filter if model.popup.is_some() => popup_action(model, action),
        Context::Filter if matches!(model.screen, Screen::Login(_)) => login_action(model, action),
        Context::Login => {
            accounts::offer_action(model, action).unwrap_or_else(|| login_action(model, action))
        }
        Context::LoginPending => login_action(model, action),
        Context::Table => table::table_action(model, action),
        Context::Dashboard | Context::Organizations | Context::Filter => {
            dashboard_action(model, context, action)
        }
    }
}

/// `q`: quit, but ask first while a login is pending (its browser or
/// device would be left waiting).
fn request_quit(model: &mut Model) -> Vec<Command> {
    let pending = matches!(&model.screen, Screen::Login(l) if l.pending.is_some());
    if pending {
        model.popup = Some(Popup::ConfirmQuit);
    } else {
        model.quit = true;
    }
    Vec::new()
}

pub(super) fn pending_mut(model: &mut Model, generation: u64) -> Option<&mut PendingLogin> {
    match &mut model.screen {
        Screen::Login(LoginScreen {
            pending: Some(p), ..
        }) if p.generation == generation => Some(p),
        _ => None,
    }
}

pub(super) fn selected_provider(model: &Model) -> usize {
    match &model.screen {
        Screen::Login(l) => l.selected,
        Screen::Dashboard(d) => model_selected(model, &d.session.provider),
    }
}

/// The first login line of the named provider.
pub(super) fn model_selected(model: &Model, name: &str) -> usize {
    let index = model.providers.iter().position(|p| p.name == name);
    model
        .login_rows()
        .iter()
        .position(|r| Some(r.provider) == index)
        .unwrap_or(0)
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
