//! Accounts across screens: a session that ended (here or elsewhere) goes
//! to the login screen offering to log in again and every other stored
//! account; a switch, a step-up or a new login comes back to the panel the
//! person was on; a step-up the provider did not grant is said.

use super::login::start_login;
use super::*;
use crate::tui::action::Action;
use crate::tui::message::{Command, RefreshFailure};

/// Leave the dashboard for the login screen because its session is over:
/// said at once, no renewal promised any more, the account offered to log
/// in again (the cursor on it) above the other stored ones.
pub(super) fn end_session(model: &mut Model, ended: Ended) -> Vec<Command> {
    let Screen::Dashboard(dash) = &model.screen else {
        return Vec::new();
    };
    let session = dash.session.clone();
    model.return_to = Some(Place::of(dash));
    let again = model.account_entry(&session);
    // Logged out or refused: the store no longer holds it. An expired one
    // stays stored, and is offered once, as "log in again".
    if ended != Ended::Expired {
        model.accounts.retain(|a| a.id != again.id);
    }
    for account in &mut model.accounts {
        account.active = false;
    }
    let others = model.accounts.iter().any(|a| a.id != again.id);
    let then = if others {
        "Log in again, or switch to another account above."
    } else {
        "Log in again."
    };
    let who = &again.who;
    let (level, text) = match &ended {
        Ended::Elsewhere => (
            Level::Error,
            format!("{who} was logged out elsewhere, by another authdash on this machine. {then}"),
        ),
        Ended::Refused(error) => (
            Level::Error,
            format!(
                "Your session ended: {}. {then}",
                error.trim_end_matches('.')
            ),
        ),
        Ended::Expired => (
            Level::Error,
            format!("Your session expired and cannot be renewed. {then}"),
        ),
        Ended::LoggedOut => (Level::Info, "Logging out…".to_owned()),
    };
    model.screen = Screen::Login(LoginScreen {
        selected: model_selected(model, &session.provider),
        pending: None,
        notice: Some(Notice { level, text }),
        back_to: None,
        filter: ListFilter::default(),
        offers: LoginOffers {
            again: Some(again),
            provider: Some(session.provider.clone()),
            ended: Some(ended),
            selected: Some(0),
        },
        picking: None,
    });
    model.popup = None;
    Vec::new()
}

/// A renewal's failure that only a new login mends.
pub(super) fn ended_by(failure: &RefreshFailure) -> Ended {
    if failure.logged_out_elsewhere {
        Ended::Elsewhere
    } else {
        Ended::Refused(failure.error.clone())
    }
}

/// The session of `account` ended where a panel's fetch found it out.
pub(super) fn session_ended(
    model: &mut Model,
    account: &AccountId,
    failure: &RefreshFailure,
) -> Vec<Command> {
    match model.dashboard() {
        Some(dash) if AccountId::of(&dash.session) == *account => {
            end_session(model, ended_by(failure))
        }
        _ => Vec::new(),
    }
}

/// The store on disk changed: the switcher's and the login screen's
/// accounts follow it, and the dashboard's account, when another process
/// logged it out, ends here too.
pub(super) fn store_changed(
    model: &mut Model,
    accounts: Vec<AccountEntry>,
    gone: &[AccountId],
) -> Vec<Command> {
    let shown = model.dashboard().map(|d| d.session.clone());
    let shown_id = shown.as_deref().map(AccountId::of);
    model.accounts = accounts;
    for account in &mut model.accounts {
        // Active is the one on screen, whatever another process chose.
        account.active = shown_id.as_ref() == Some(&account.id);
    }
    if let (Some(session), Some(id)) = (&shown, &shown_id) {
        if gone.contains(id) {
            return end_session(model, Ended::Elsewhere);
        }
        if !model.accounts.iter().any(|a| a.id == *id) {
            let mut entry = model.account_entry(session);
            entry.active = true;
            model.accounts.push(entry);
        }
    }
    // Adding an account (or a step-up) from a dashboard whose account is
    // now gone: Esc no longer goes back to it; it is offered to log in
    // again instead.
    let left = match &model.screen {
        Screen::Login(login) => login
            .back_to
            .as_ref()
            .filter(|s| gone.contains(&AccountId::of(s)))
            .map(|s| (model.account_entry(s), s.provider.clone())),
        Screen::Dashboard(_) => None,
    };
    if let (Screen::Login(login), Some((entry, provider))) = (&mut model.screen, left) {
        login.back_to = None;
        login.notice = Some(Notice {
            level: Level::Error,
            text: format!(
                "{} was logged out elsewhere, by another authdash on this machine.",
                entry.who
            ),
        });
        login.offers.again = Some(entry);
        login.offers.provider = Some(provider);
        login.offers.ended = Some(Ended::Elsewhere);
    }
    let count = match &model.screen {
        Screen::Login(login) => model.login_offers(login).len(),
        Screen::Dashboard(_) => 0,
    };
    if let Screen::Login(login) = &mut model.screen
        && let Some(at) = login.offers.selected
        && at >= count
    {
        login.offers.selected = count.checked_sub(1);
    }
    Vec::new()
}

/// A login finished: a step-up's scopes the provider did not grant are
/// said (and `u` stops asking for them), then the dashboard opens where
/// the person was.
pub(super) fn logged_in(model: &mut Model, session: Box<Session>) -> Vec<Command> {
    let id = AccountId::of(&session);
    let asked = model
        .step_up
        .take()
        .filter(|s| s.account == id)
        .map(|s| s.scopes)
        .unwrap_or_default();
    let refused: Vec<String> = asked
        .into_iter()
        .filter(|s| !session.tokens.scopes.contains(s))
        .collect();
    // Any other login asks afresh: the provider may allow them now.
    model.refused_scopes.retain(|(account, _)| *account != id);
    model
        .refused_scopes
        .extend(refused.iter().map(|s| (id.clone(), s.clone())));
    let label = model
        .provider(&session.provider)
        .map_or_else(|| session.provider.clone(), |p| p.label.clone());
    model.note_active_account(&session);
    let commands = enter_dashboard(model, session);
    if !refused.is_empty() {
        let (them, it) = if refused.len() == 1 {
            ("the scope", "it")
        } else {
            ("the scopes", "them")
        };
        model.say(Toast {
            level: Level::Error,
            text: format!(
                "The provider ({label}) did not grant {them} {}: the panel stays locked until \
                 the client is allowed {it} there.",
                refused.join(", ")
            ),
        });
    }
    commands
}

/// Where the dashboard about to open puts the person: where they are on
/// the dashboard being replaced (a switch), else where they were when it
/// was left for the login screen.
pub(super) fn place_to_return(model: &mut Model) -> Option<Place> {
    match &model.screen {
        Screen::Dashboard(dash) => Some(Place::of(dash)),
        Screen::Login(_) => model.return_to.take(),
    }
}

/// Put the new dashboard at `place`.
pub(super) fn arrive(model: &mut Model, place: Option<Place>) {
    let entries = model.nav_items().len();
    model.step_up = None;
    if let (Screen::Dashboard(dash), Some(place)) = (&mut model.screen, place)
        && place.nav < entries
    {
        dash.nav = place.nav;
        dash.focus = place.focus;
    }
}

/// The login screen's keys while stored accounts are offered above the
/// ways to log in: the arrows step through both as one list, Enter on an
/// account logs in again or switches to it. `None`: a key for the ways
/// to log in.
pub(super) fn offer_action(model: &mut Model, action: Action) -> Option<Vec<Command>> {
    let Screen::Login(login) = &model.screen else {
        return None;
    };
    if login.filter.editing {
        return None;
    }
    let offers: Vec<(bool, AccountEntry)> = model
        .login_offers(login)
        .into_iter()
        .map(|o| (matches!(o, Offer::Again(_)), o.entry().clone()))
        .collect();
    let count = offers.len();
    if count == 0 {
        return None;
    }
    let rows = model.visible_logins(&login.filter);
    let again_provider = login.offers.provider.clone();
    let generation = model.generation();
    let now = model.now;
    let again_row = again_provider.as_deref().map(|p| model_selected(model, p));
    let again_flow = again_row.and_then(|r| model.login_rows().get(r).map(|row| row.flow));
    let Screen::Login(login) = &mut model.screen else {
        return None;
    };
    let on = login.offers.selected;
    match (on, action) {
        (Some(i), Action::Up) if i > 0 => login.offers.selected = Some(i - 1),
        (Some(_), Action::Up) => match rows.last() {
            Some(&row) => {
                login.offers.selected = None;
                login.selected = row;
            }
            None => login.offers.selected = Some(count - 1),
        },
        (Some(i), Action::Down) if i + 1 < count => login.offers.selected = Some(i + 1),
        (Some(_), Action::Down) => match rows.first() {
            Some(&row) => {
                login.offers.selected = None;
                login.selected = row;
            }
            None => login.offers.selected = Some(0),
        },
        (None, Action::Up) if rows.first() == Some(&login.selected) => {
            login.offers.selected = Some(count - 1)
        }
        (None, Action::Down) if rows.last() == Some(&login.selected) => {
            login.offers.selected = Some(0)
        }
        (Some(i), Action::Confirm) => {
            let (is_again, entry) = offers.get(i)?.clone();
            if is_again {
                let provider = again_provider?;
                let flow = again_flow.unwrap_or(LoginFlow::Browser);
                let (pending, command) = start_login(provider, generation, flow, false, now);
                login.selected = again_row.unwrap_or(login.selected);
                login.pending = Some(pending);
                login.notice = None;
                return Some(vec![command]);
            }
            login.notice = Some(Notice {
                level: Level::Info,
                text: format!("Switching to {}…", entry.who),
            });
            return Some(vec![Command::SwitchAccount(entry.id)]);
        }
        // `/` and `p` are about the ways to log in: the cursor goes there
        // (`p` on the account that ended pastes back for its provider).
        (Some(i), Action::Filter | Action::Paste) => {
            login.offers.selected = None;
            if action == Action::Paste {
                match (offers.get(i), again_row) {
                    (Some((true, _)), Some(row)) => login.selected = row,
                    _ => return Some(Vec::new()),
                }
            }
            return None;
        }
        _ => return None,
    }
    Some(Vec::new())
}
