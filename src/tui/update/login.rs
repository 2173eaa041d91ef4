//! The login screen: its keys, and how a login starts or falls back.

use chrono::{DateTime, Utc};

use super::*;
use crate::config::FlowPreference;
use crate::tui::keymap::Key;
use crate::tui::message::Command;

/// When no browser opens and the provider's `flow` is `auto`, switch to a
/// code on another device if the provider offers it; else keep showing
/// the URL to copy.
pub(super) fn browser_opened(
    model: &mut Model,
    generation: u64,
    result: Result<(), String>,
) -> Vec<Command> {
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
pub(super) fn look_up_providers(model: &mut Model) -> Vec<Command> {
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

pub(super) fn login_key(model: &mut Model, key: Key) -> Vec<Command> {
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
    if let Some(pending) = &mut login.pending {
        if let PendingFlow::Paste { input, .. } = &mut pending.flow {
            return paste_key(pending.generation, input, key);
        }
        // The browser cannot come back here (another machine, SSH): paste
        // the address back instead.
        if key == Key::Char('p') && matches!(pending.flow, PendingFlow::Browser { .. }) {
            let old = pending.generation;
            let provider = pending.provider.clone();
            let add_account = pending.add_account;
            let (pending, command) = start_login(
                provider,
                generation,
                LoginFlow::Paste,
                add_account,
                model.now,
            );
            login.pending = Some(pending);
            login.notice = None;
            return vec![Command::CancelLogin { generation: old }, command];
        }
        let pending = &*pending;
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
                PendingFlow::Device(_) | PendingFlow::Paste { .. } => None,
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
        // The paste-back login for the selected provider.
        Key::Char('p') if count > 0 => {
            let row = rows[login.selected.min(count - 1)];
            let provider = model.providers[row.provider].name.clone();
            login.notice = None;
            let (pending, command) =
                start_login(provider, generation, LoginFlow::Paste, false, model.now);
            login.pending = Some(pending);
            return vec![command];
        }
        _ => {}
    }
    Vec::new()
}

pub(super) fn start_login(
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
            LoginFlow::Paste => PendingFlow::Paste {
                url: None,
                input: String::new(),
            },
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

/// The longest address taken: a real one is well under this.
const MAX_PASTED: usize = 16 * 1024;

/// Typing or pasting the address back (a terminal pastes as keys, its
/// newline as Enter). Esc is handled before: it cancels the login.
fn paste_key(generation: u64, input: &mut String, key: Key) -> Vec<Command> {
    match key {
        Key::Char(c) if input.len() < MAX_PASTED && !c.is_control() => input.push(c),
        Key::Backspace => {
            input.pop();
        }
        Key::Ctrl('u') => input.clear(),
        Key::Enter if !input.trim().is_empty() => {
            return vec![Command::PasteAddress {
                generation,
                text: std::mem::take(input),
            }];
        }
        _ => {}
    }
    Vec::new()
}
