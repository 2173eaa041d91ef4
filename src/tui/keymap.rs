//! One list of keys drives the footer hints and the help overlay.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Where a key applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Everywhere,
    Login,
    Dashboard,
    Organizations,
    Menu,
}

pub struct Binding {
    pub keys: &'static str,
    pub action: &'static str,
    pub context: Context,
    /// The footer's word for it; `None` keeps it out of the footer.
    pub footer: Option<&'static str>,
}

const fn b(
    keys: &'static str,
    action: &'static str,
    context: Context,
    footer: Option<&'static str>,
) -> Binding {
    Binding {
        keys,
        action,
        context,
        footer,
    }
}

pub const BINDINGS: &[Binding] = &[
    b("?", "help: every key", Context::Everywhere, Some("help")),
    b("q", "quit", Context::Everywhere, Some("quit")),
    b("Ctrl-C", "quit, from anywhere", Context::Everywhere, None),
    b(
        "Esc",
        "close, cancel, dismiss a message",
        Context::Everywhere,
        None,
    ),
    b(
        "↑ ↓ / j k",
        "choose a provider",
        Context::Login,
        Some("choose"),
    ),
    b(
        "Enter",
        "log in in the browser",
        Context::Login,
        Some("log in"),
    ),
    b(
        "o",
        "open the login page (again) in a browser here",
        Context::Login,
        None,
    ),
    b(
        "Esc",
        "cancel the login under way",
        Context::Login,
        Some("cancel"),
    ),
    b(
        "m / F10",
        "menu: switch org, account, log out",
        Context::Dashboard,
        Some("menu"),
    ),
    b("↑ ↓ / j k", "move", Context::Dashboard, Some("move")),
    b(
        "Tab / Shift-Tab",
        "switch between list and content",
        Context::Dashboard,
        Some("focus"),
    ),
    b("Enter", "open, choose", Context::Dashboard, Some("open")),
    b("r", "reload the panel", Context::Dashboard, None),
    b(
        "/",
        "filter organizations",
        Context::Organizations,
        Some("filter"),
    ),
    b(
        "Enter",
        "make the organization active",
        Context::Organizations,
        Some("make active"),
    ),
    b(
        "Esc",
        "stop filtering, then clear the filter",
        Context::Organizations,
        None,
    ),
    b("↑ ↓ / j k", "move", Context::Menu, None),
    b("Enter", "run the item", Context::Menu, None),
    b("Esc", "close the menu", Context::Menu, None),
];

pub fn context_title(c: Context) -> &'static str {
    match c {
        Context::Everywhere => "Everywhere",
        Context::Login => "Login screen",
        Context::Dashboard => "Dashboard",
        Context::Organizations => "Organizations",
        Context::Menu => "Menu",
    }
}

/// Keys as the app reads them: SHIFT folded into the character, BackTab
/// as Shift-Tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Ctrl(char),
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    F(u8),
    Other,
}

pub fn normalise(event: KeyEvent) -> Key {
    let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
    match event.code {
        KeyCode::Char(c) if ctrl => Key::Ctrl(c.to_ascii_lowercase()),
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::Left => Key::Left,
        KeyCode::Right => Key::Right,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::Home => Key::Home,
        KeyCode::End => Key::End,
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Esc,
        KeyCode::Tab if event.modifiers.contains(KeyModifiers::SHIFT) => Key::BackTab,
        KeyCode::Tab => Key::Tab,
        KeyCode::BackTab => Key::BackTab,
        KeyCode::Backspace => Key::Backspace,
        KeyCode::F(n) => Key::F(n),
        _ => Key::Other,
    }
}
