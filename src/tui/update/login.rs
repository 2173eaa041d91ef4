//! The login screen: its keys, and how a login starts or falls back.

use chrono::{DateTime, Utc};

use super::*;
use crate::config::FlowPreference;
use crate::tui::action::Action;
use crate::tui::message::Command;

mod terminal;

use terminal::{pick_person, terminal_again};

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
    let PendingFlow::Browser { browser, url } = &mut pending.flow else {
        return Vec::new();
    };
    let error = match result {
        Ok(()) => {
            *browser = BrowserState::Opened;
            return Vec::new();
        }
        // The launcher's complaint quotes its command line, the whole
        // login address with it: said once, on its own line, already.
        Err(e) => match url.as_deref() {
            Some(url) if !url.is_empty() => e.replace(url, "…"),
            _ => e,
        },
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
            scopes: Vec::new(),
        },
    ]
}

/// From the dashboard, log in at its session's provider again, the way
/// the login screen would first offer: as another person (`add_account`),
/// or as the same one asking for `scopes` too. Esc goes back to the
/// dashboard as it was.
pub(super) fn log_in_again(
    model: &mut Model,
    add_account: bool,
    scopes: Vec<String>,
    notice: String,
) -> Vec<Command> {
    let Screen::Dashboard(dash) = &model.screen else {
        return Vec::new();
    };
    let current = dash.session.clone();
    model.return_to = Some(Place::of(dash));
    let provider = current.provider.clone();
    let index = model.providers.iter().position(|p| p.name == provider);
    let flow = model
        .login_rows()
        .iter()
        .find(|r| Some(r.provider) == index)
        .map(|r| r.flow)
        .unwrap_or(LoginFlow::Browser);
    let generation = model.generation();
    let selected = model_selected(model, &provider);
    let notice = Some(Notice {
        level: Level::Info,
        text: notice,
    });
    if flow == LoginFlow::Terminal {
        return terminal_again(model, current, selected, add_account, scopes, notice);
    }
    let (pending, mut command) =
        start_login(provider.clone(), generation, flow, add_account, model.now);
    if let Command::StartLogin { scopes: asked, .. } = &mut command {
        *asked = scopes;
    }
    model.screen = Screen::Login(LoginScreen {
        selected,
        pending: Some(pending),
        notice,
        back_to: Some(current),
        filter: ListFilter::default(),
        picking: None,
        offers: LoginOffers::default(),
    });
    vec![command]
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

pub(super) fn login_action(model: &mut Model, action: Action) -> Vec<Command> {
    let rows = model.login_rows();
    let count = rows.len();
    let visible = match &model.screen {
        Screen::Login(login) => model.visible_logins(&login.filter),
        Screen::Dashboard(_) => Vec::new(),
    };
    let generation = model.generation();
    let browser_available = model.browser_available;
    let people = model.demo_people().len();
    let Screen::Login(login) = &mut model.screen else {
        return Vec::new();
    };
    if login.pending.is_none()
        && let Some(cursor) = login.picking
    {
        return pick_person(model, action, cursor, people, generation);
    }
    if action == Action::Back
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
        commands.extend(enter_dashboard(model, session));
        return commands;
    }
    if let Some(pending) = &mut login.pending {
        // The browser cannot come back here (another machine, SSH): paste
        // the address back instead.
        if action == Action::Paste && matches!(pending.flow, PendingFlow::Browser { .. }) {
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
        if action == Action::Confirm
            && let PendingFlow::Paste { input, .. } = &mut pending.flow
        {
            return paste_key(pending.generation, input, Key::Enter);
        }
        let pending = &*pending;
        return match action {
            Action::Back => {
                let generation = pending.generation;
                login.pending = None;
                login.notice = Some(Notice {
                    level: Level::Info,
                    text: "Login cancelled.".into(),
                });
                vec![Command::CancelLogin { generation }]
            }
            Action::Copy => {
                let (text, what) = match &pending.flow {
                    PendingFlow::Browser { url, .. } => (url.clone(), "the login address"),
                    PendingFlow::Device(code) => {
                        (code.as_ref().map(|c| c.user_code.clone()), "the code")
                    }
                    PendingFlow::Paste { url, .. } | PendingFlow::Terminal { url, .. } => {
                        (url.clone(), "the login address")
                    }
                };
                model.clipboard = text;
                model.say(Toast {
                    level: Level::Info,
                    text: format!(
                        "Copied {what} to your clipboard (OSC 52: your terminal may need to allow it)."
                    ),
                });
                Vec::new()
            }
            Action::OpenBrowser => match &pending.flow {
                PendingFlow::Browser { url, .. } => url.clone(),
                PendingFlow::Device(Some(code)) if browser_available => Some(
                    code.verification_uri_complete
                        .clone()
                        .unwrap_or_else(|| code.verification_uri.clone()),
                ),
                PendingFlow::Paste { url, .. } | PendingFlow::Terminal { url, .. } => url.clone(),
                PendingFlow::Device(_) => None,
            }
            .map(Command::OpenUrl)
            .into_iter()
            .collect(),
            _ => Vec::new(),
        };
    }
    if login.filter.editing {
        match action {
            Action::Back => {
                login.filter.editing = false;
                return Vec::new();
            }
            Action::Confirm => login.filter.editing = false,
            _ => {}
        }
    }
    // A row the filter hides is never the one Enter logs in with.
    let chosen = visible.contains(&login.selected) && count > 0;
    match action {
        Action::Filter => login.filter.editing = true,
        Action::Back if !login.filter.text.is_empty() => login.filter = ListFilter::default(),
        Action::Up | Action::Down => {
            let by = if action == Action::Up { -1 } else { 1 };
            login.selected =
                step_matching(&visible, login.selected, by, true).unwrap_or(login.selected);
        }
        // The demo's sign-in from the terminal: pick a demo user first.
        Action::Confirm
            if chosen && rows[login.selected.min(count - 1)].flow == LoginFlow::Terminal =>
        {
            login.notice = None;
            login.picking = Some(0);
        }
        Action::Confirm if chosen => {
            let row = rows[login.selected.min(count - 1)];
            let provider = model.providers[row.provider].name.clone();
            login.notice = None;
            let (pending, command) = start_login(provider, generation, row.flow, false, model.now);
            login.pending = Some(pending);
            return vec![command];
        }
        // The paste-back login for the selected provider.
        Action::Paste if chosen => {
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
            // The sign-in from the terminal needs a person: it starts with
            // `start_terminal_sign_in`; here it could only be a browser's.
            LoginFlow::Browser | LoginFlow::Terminal => PendingFlow::Browser {
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
        scopes: Vec::new(),
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

/// Letters typed (or pasted: a terminal pastes as keys) into the
/// paste-back login's address field.
pub(super) fn paste_text(model: &mut Model, key: Key) -> Vec<Command> {
    let Screen::Login(login) = &mut model.screen else {
        return Vec::new();
    };
    if login.filter.editing {
        super::lists::edit_filter(&mut login.filter.text, key);
        let Screen::Login(login) = &model.screen else {
            return Vec::new();
        };
        let visible = model.visible_logins(&login.filter);
        if let Screen::Login(login) = &mut model.screen
            && !visible.contains(&login.selected)
            && let Some(&first) = visible.first()
        {
            login.selected = first;
        }
        return Vec::new();
    }
    let Some(pending) = &mut login.pending else {
        return Vec::new();
    };
    let PendingFlow::Paste { input, .. } = &mut pending.flow else {
        return Vec::new();
    };
    paste_key(pending.generation, input, key)
}
