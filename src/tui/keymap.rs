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
    /// Shown in the footer of its context.
    pub footer: bool,
}

const fn b(keys: &'static str, action: &'static str, context: Context, footer: bool) -> Binding {
    Binding {
        keys,
        action,
        context,
        footer,
    }
}

pub const BINDINGS: &[Binding] = &[
    b("?", "help: every key", Context::Everywhere, true),
    b("m / F10", "menu", Context::Dashboard, true),
    b("q", "quit", Context::Everywhere, true),
    b("Ctrl-C", "quit, from anywhere", Context::Everywhere, false),
    b(
        "Esc",
        "close, cancel, dismiss a message",
        Context::Everywhere,
        false,
    ),
    b("↑ ↓ / j k", "choose a provider", Context::Login, true),
    b("Enter", "log in in the browser", Context::Login, true),
    b("o", "open the login page again", Context::Login, false),
    b("Esc", "cancel the login under way", Context::Login, true),
    b("↑ ↓ / j k", "move", Context::Dashboard, true),
    b(
        "Tab / Shift-Tab",
        "switch between list and content",
        Context::Dashboard,
        true,
    ),
    b("Enter", "open, choose", Context::Dashboard, true),
    b("r", "reload the panel", Context::Dashboard, false),
    b("/", "filter organizations", Context::Organizations, true),
    b(
        "Enter",
        "make the organization active",
        Context::Organizations,
        true,
    ),
    b("Esc", "stop filtering", Context::Organizations, false),
    b("↑ ↓ / j k", "move", Context::Menu, false),
    b("Enter", "run the item", Context::Menu, false),
    b("Esc", "close the menu", Context::Menu, false),
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
