//! The demo's sign-in from the terminal on the login screen: the demo
//! user picker's keys, and the login as the person picked.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::super::*;
use crate::tui::action::Action;
use crate::tui::message::Command;

/// [`log_in_again`] where the demo's sign-in from the terminal comes
/// first: the same person again (more scopes) signs in at once; another
/// person is picked first.
pub(super) fn terminal_again(
    model: &mut Model,
    current: Arc<crate::auth::Session>,
    selected: usize,
    add_account: bool,
    scopes: Vec<String>,
    notice: Option<Notice>,
) -> Vec<Command> {
    let same = model
        .demo_people()
        .iter()
        .find(|p| p.subject == current.user.subject)
        .map(|p| p.id.clone())
        .filter(|_| !add_account);
    let current_subject = current.user.subject.clone();
    let mut screen = LoginScreen {
        selected,
        pending: None,
        notice,
        back_to: Some(current),
        filter: ListFilter::default(),
        picking: None,
        offers: Default::default(),
    };
    let commands = match same {
        Some(person) => {
            let provider = model.providers[model.login_rows()[selected].provider]
                .name
                .clone();
            let generation = model.generation();
            let (pending, command) = start_terminal_sign_in(
                provider,
                generation,
                person,
                add_account,
                scopes,
                model.now,
            );
            screen.pending = Some(pending);
            vec![command]
        }
        // Another person: the cursor starts on the first who is not this
        // one.
        None => {
            let other = model
                .demo_people()
                .iter()
                .position(|p| p.subject != current_subject)
                .unwrap_or(0);
            screen.picking = Some(other);
            Vec::new()
        }
    };
    model.screen = Screen::Login(screen);
    commands
}

/// The demo's sign-in from the terminal, as the demo user `person`.
pub(super) fn start_terminal_sign_in(
    provider: String,
    generation: u64,
    person: String,
    add_account: bool,
    scopes: Vec<String>,
    now: DateTime<Utc>,
) -> (PendingLogin, Command) {
    let pending = PendingLogin {
        provider: provider.clone(),
        generation,
        started: now,
        flow: PendingFlow::Terminal {
            person: person.clone(),
            url: None,
        },
        add_account,
    };
    let command = Command::SignInFromTerminal {
        provider,
        generation,
        person,
        add_account,
        scopes,
    };
    (pending, command)
}

/// Keys in the demo user picker: move, sign in as the one under the
/// cursor, or go back to the ways to log in.
pub(super) fn pick_person(
    model: &mut Model,
    action: Action,
    cursor: usize,
    people: usize,
    generation: u64,
) -> Vec<Command> {
    let rows = model.login_rows();
    let person = model.demo_people().get(cursor).map(|p| p.id.clone());
    let now = model.now;
    let Screen::Login(login) = &mut model.screen else {
        return Vec::new();
    };
    let provider = rows
        .get(login.selected)
        .and_then(|r| model.providers.get(r.provider))
        .map(|p| p.name.clone());
    match action {
        Action::Up | Action::Down if people > 0 => {
            let by = if action == Action::Up { people - 1 } else { 1 };
            login.picking = Some((cursor + by) % people);
        }
        Action::Back => login.picking = None,
        Action::Confirm => {
            let (Some(provider), Some(person)) = (provider, person) else {
                return Vec::new();
            };
            // Adding an account asks for a fresh sign-in.
            let add_account = login.back_to.is_some();
            login.picking = None;
            login.notice = None;
            let (pending, command) =
                start_terminal_sign_in(provider, generation, person, add_account, Vec::new(), now);
            login.pending = Some(pending);
            return vec![command];
        }
        _ => {}
    }
    Vec::new()
}
