//! Keys: how the app reads them, how a person writes them, and which keys
//! start which [`Action`]: the defaults of the action table (written out
//! in `assets/default-keys.toml`), patched by `[authdash.keys]`. Unknown actions, unreadable keys and two
//! actions on one key in one context are refused before the terminal is
//! taken.

use std::collections::BTreeMap;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::{ACTIONS, Action, Context};
use super::action_lines::commands_in;
use crate::config::Config;

/// The head of `assets/default-keys.toml`, above the keys.
#[cfg(test)]
const DEFAULT_KEYS_HEADER: &str = "\
# authdash's default keys, compiled in. Each action takes a key or a list of
# keys; `[authdash.keys]` in your config replaces an action's keys, e.g.
#   [authdash.keys]
#   quit = [\"q\", \"x\"]
#   menu = \"f9\"
# Keys: a character (\"q\", \"?\", \"/\"), \"ctrl-x\", \"enter\", \"esc\", \"tab\",
# \"shift-tab\", \"backspace\", \"space\", \"up\", \"down\", \"left\", \"right\", \"pgup\",
# \"pgdn\", \"home\", \"end\", \"f1\"..\"f12\". Ctrl-C always quits, whatever is here.
";

/// Keys as the app reads them: SHIFT folded into the character, BackTab
/// as Shift-Tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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

pub(crate) fn normalise(event: KeyEvent) -> Key {
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

impl Key {
    /// A key as the config writes it: "q", "ctrl-x", "enter", "f10"…
    fn parse(text: &str) -> Option<Key> {
        let mut chars = text.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            return (!c.is_control()).then_some(Key::Char(c));
        }
        let lower = text.to_ascii_lowercase();
        if let Some(rest) = lower.strip_prefix("ctrl-") {
            let mut chars = rest.chars();
            return match (chars.next(), chars.next()) {
                (Some(c), None) if c.is_ascii_alphanumeric() => Some(Key::Ctrl(c)),
                _ => None,
            };
        }
        if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
            return (1..=12).contains(&n).then_some(Key::F(n));
        }
        Some(match lower.as_str() {
            "up" => Key::Up,
            "down" => Key::Down,
            "left" => Key::Left,
            "right" => Key::Right,
            "pgup" | "pageup" => Key::PageUp,
            "pgdn" | "pagedown" => Key::PageDown,
            "home" => Key::Home,
            "end" => Key::End,
            "enter" | "return" => Key::Enter,
            "esc" | "escape" => Key::Esc,
            "tab" => Key::Tab,
            "shift-tab" | "backtab" => Key::BackTab,
            "backspace" => Key::Backspace,
            "space" => Key::Char(' '),
            _ => return None,
        })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Char(' ') => write!(f, "Space"),
            Key::Char(c) => write!(f, "{c}"),
            Key::Ctrl(c) => write!(f, "Ctrl-{}", c.to_ascii_uppercase()),
            Key::Up => write!(f, "↑"),
            Key::Down => write!(f, "↓"),
            Key::Left => write!(f, "←"),
            Key::Right => write!(f, "→"),
            Key::PageUp => write!(f, "PgUp"),
            Key::PageDown => write!(f, "PgDn"),
            Key::Home => write!(f, "Home"),
            Key::End => write!(f, "End"),
            Key::Enter => write!(f, "Enter"),
            Key::Esc => write!(f, "Esc"),
            Key::Tab => write!(f, "Tab"),
            Key::BackTab => write!(f, "Shift-Tab"),
            Key::Backspace => write!(f, "Backspace"),
            Key::F(n) => write!(f, "F{n}"),
            Key::Other => write!(f, "?"),
        }
    }
}

/// Why `[authdash.keys]` cannot be used; said before the terminal is taken,
/// in the config errors' form (file, key, fix), the config's text in it
/// with its control characters made visible.
#[derive(Debug, thiserror::Error)]
#[error(
    "{}: `{}`: {}\n  fix: {}",
    crate::identity::visible(path),
    crate::identity::visible(key),
    crate::identity::visible(problem),
    crate::identity::visible(fix)
)]
pub struct KeysError {
    path: String,
    key: String,
    problem: String,
    fix: String,
}

/// Which keys start which action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Keymap {
    keys: BTreeMap<Action, Vec<Key>>,
}

impl Default for Keymap {
    /// The compiled-in defaults (a test keeps the file valid).
    fn default() -> Self {
        Self::parse_defaults().unwrap_or(Self {
            keys: BTreeMap::new(),
        })
    }
}

impl Keymap {
    /// The keys of the action table.
    fn parse_defaults() -> Result<Self, KeysError> {
        let mut keys = BTreeMap::new();
        for def in ACTIONS {
            let parsed = def
                .keys
                .iter()
                .map(|k| Key::parse(k))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| KeysError {
                    path: "src/tui/action.rs".into(),
                    key: def.name.into(),
                    problem: "a key that cannot be read".into(),
                    fix: "write keys as `[authdash.keys]` takes them".into(),
                })?;
            keys.insert(def.action, parsed);
        }
        Ok(Self { keys })
    }

    /// `assets/default-keys.toml`: the action table's keys as a config
    /// writes them, under the file's header (a test keeps the file equal).
    #[cfg(test)]
    fn default_keys_toml() -> String {
        let mut out = DEFAULT_KEYS_HEADER.to_owned();
        for def in ACTIONS {
            let quoted: Vec<String> = def.keys.iter().map(|k| format!("\"{k}\"")).collect();
            let value = match quoted.as_slice() {
                [one] => one.clone(),
                many => format!("[{}]", many.join(", ")),
            };
            out.push_str(&format!("{} = {value}\n", def.name));
        }
        out
    }

    /// The defaults patched by the config's `[authdash.keys]`.
    pub(crate) fn from_config(config: &Config) -> Result<Self, KeysError> {
        let path = config.path.display().to_string();
        let mut map = Self::parse_defaults()?;
        let names: Vec<&str> = Action::all().map(Action::name).collect();
        for (name, list) in &config.ui.keys {
            let key = format!("authdash.keys.{name}");
            let error = |problem: String, fix: String| KeysError {
                path: path.clone(),
                key: key.clone(),
                problem,
                fix,
            };
            let Some(action) = Action::from_name(name) else {
                return Err(error(
                    "unknown action".into(),
                    format!("use one of: {}", names.join(", ")),
                ));
            };
            let mut keys = Vec::new();
            for text in list {
                let Some(k) = Key::parse(text) else {
                    return Err(error(
                        format!("`{text}` is not a key"),
                        "write a character (\"x\"), \"ctrl-x\", \"enter\", \"esc\", \"tab\", \
                         \"shift-tab\", \"up\", \"pgdn\", \"home\", \"f1\"..\"f12\"…"
                            .into(),
                    ));
                };
                if k == Key::Ctrl('c') {
                    return Err(error(
                        "Ctrl-C always quits".into(),
                        "choose another key".into(),
                    ));
                }
                keys.push(k);
            }
            if keys.is_empty() {
                return Err(error(
                    "binds no key: the action could not be reached".into(),
                    "give it at least one key".into(),
                ));
            }
            map.keys.insert(action, keys);
        }
        if let Some((context, key, a, b)) = map.conflicts().into_iter().next() {
            return Err(KeysError {
                path,
                key: "authdash.keys".into(),
                problem: format!(
                    "`{key}` starts both `{}` and `{}` in {}",
                    a.name(),
                    b.name(),
                    context.title()
                ),
                fix: format!("give `{}` or `{}` another key", a.name(), b.name()),
            });
        }
        Ok(map)
    }

    pub(crate) fn keys(&self, action: Action) -> &[Key] {
        self.keys.get(&action).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The keys of `action` as the footer and help write them: "↑ k".
    pub(crate) fn label(&self, action: Action) -> String {
        self.keys(action)
            .iter()
            .map(Key::to_string)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The keys that start `action` in `context`, as the help and the
    /// README list them: where letters are typed as text (the palette, a
    /// filter), a letter bound to the action types itself instead, so it
    /// is left out while another key does the same.
    pub(crate) fn label_in(&self, context: Context, action: Action) -> String {
        let keys: Vec<String> = self
            .keys(action)
            .iter()
            .filter(|k| !(context.takes_text() && matches!(k, Key::Char(_))))
            .map(Key::to_string)
            .collect();
        if keys.is_empty() {
            return self.label(action);
        }
        keys.join(" ")
    }

    /// The actions of a context, with the global ones where they reach.
    fn actions_in(context: Context) -> Vec<Action> {
        let mut actions: Vec<Action> = commands_in(context).map(|c| c.action).collect();
        if !context.exclusive() {
            actions.extend(commands_in(Context::Global).map(|c| c.action));
        }
        actions.sort();
        actions.dedup();
        actions
    }

    /// Keys that start two actions in one context.
    fn conflicts(&self) -> Vec<(Context, Key, Action, Action)> {
        let mut found = Vec::new();
        for context in Context::ALL {
            let mut seen: BTreeMap<Key, Action> = BTreeMap::new();
            for action in Self::actions_in(context) {
                for key in self.keys(action) {
                    match seen.get(key) {
                        Some(other) if *other != action => {
                            found.push((context, *key, *other, action))
                        }
                        _ => {
                            seen.insert(*key, action);
                        }
                    }
                }
            }
        }
        found
    }

    /// The README's keys table, from the action table (a test keeps the
    /// README equal to it).
    #[cfg(test)]
    fn markdown_table(&self) -> String {
        let mut out = String::from("| where | keys | action |\n|-------|------|--------|\n");
        for command in super::action_lines::COMMANDS {
            if matches!(command.action, Action::Jump(n) if n > 1) {
                continue;
            }
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                command.context.title(),
                self.label_in(command.context, command.action)
                    .replace('|', "\\|"),
                command.label
            ));
        }
        out.push_str("| everywhere | Ctrl-C | quit (not configurable) |\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::tui::action_lines::COMMANDS;

    fn config(keys: &str) -> Config {
        let text = format!(
            "[auth]\nclient_id = \"cid\"\n\
             server_metadata_url = \"https://idp.example/.well-known/openid-configuration\"\n\
             [authdash.keys]\n{keys}"
        );
        Config::parse(Path::new("authdash.toml"), &text, &|_| None).expect("the config parses")
    }

    #[test]
    fn the_action_table_binds_every_action_once() {
        let map = Keymap::parse_defaults().expect("the action table's keys read");
        let mut names = Vec::new();
        for action in Action::all() {
            assert!(
                !map.keys(action).is_empty(),
                "`{}` has no key",
                action.name()
            );
            assert!(
                COMMANDS.iter().any(|c| c.action == action),
                "`{}` is in no context of the table",
                action.name()
            );
            names.push(action.name());
        }
        for line in COMMANDS {
            assert!(
                line.action.def().is_some(),
                "{:?} has no entry in ACTIONS",
                line.action
            );
        }
        let count = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), count, "two actions share a name");
    }

    /// The file people read for the defaults says what the table binds.
    #[test]
    fn the_default_keys_file_is_the_action_table() {
        let file = include_str!("../../assets/default-keys.toml");
        let table = Keymap::default_keys_toml();
        assert!(
            file == table,
            "assets/default-keys.toml differs from the action table; write this there:\n{table}"
        );
        let parsed: toml::Table = toml::from_str(&table).expect("TOML");
        assert_eq!(parsed.len(), ACTIONS.len());
    }

    #[test]
    fn no_key_starts_two_actions_in_one_context() {
        assert_eq!(Keymap::default().conflicts(), Vec::new());
    }

    #[test]
    fn keys_round_trip_between_config_text_and_display() {
        for (text, key) in [
            ("q", Key::Char('q')),
            ("ctrl-x", Key::Ctrl('x')),
            ("Enter", Key::Enter),
            ("shift-tab", Key::BackTab),
            ("f10", Key::F(10)),
            ("pgdn", Key::PageDown),
            ("space", Key::Char(' ')),
        ] {
            assert_eq!(Key::parse(text), Some(key), "{text}");
        }
        assert_eq!(Key::parse("f13"), None);
        assert_eq!(Key::parse("hyper-x"), None);
        assert_eq!(Key::Ctrl('x').to_string(), "Ctrl-X");
    }

    #[test]
    fn the_config_rebinds_an_action() {
        let map = Keymap::from_config(&config("quit = [\"x\", \"f12\"]\nmenu = \"f9\"\n"))
            .expect("valid keys");
        assert_eq!(map.keys(Action::Quit), [Key::Char('x'), Key::F(12)]);
        assert_eq!(map.keys(Action::Menu), [Key::F(9)]);
        assert_eq!(map.keys(Action::Help), [Key::Char('?')]);
    }

    #[test]
    fn an_unknown_action_is_refused_naming_file_key_and_fix() {
        let err = Keymap::from_config(&config("qiut = \"x\"\n")).expect_err("unknown action");
        let text = err.to_string();
        assert!(
            text.starts_with("authdash.toml: `authdash.keys.qiut`: unknown action"),
            "{text}"
        );
        assert!(text.contains("fix: use one of: help, quit"), "{text}");
    }

    #[test]
    fn a_key_that_cannot_be_read_is_refused() {
        let err = Keymap::from_config(&config("quit = \"hyper-q\"\n")).expect_err("bad key");
        assert!(err.to_string().contains("`hyper-q` is not a key"), "{err}");
    }

    #[test]
    fn two_actions_on_one_key_in_one_context_are_refused() {
        let err = Keymap::from_config(&config("reload = \"m\"\n")).expect_err("conflict");
        let text = err.to_string();
        assert!(text.contains("`m` starts both"), "{text}");
        assert!(text.contains("Dashboard"), "{text}");
        // The same key in two contexts that never meet is fine: `o` picks
        // an org on the dashboard and opens the browser during a login.
        assert_eq!(Keymap::default().keys(Action::OrgPicker), [Key::Char('o')]);
        assert_eq!(
            Keymap::default().keys(Action::OpenBrowser),
            [Key::Char('o')]
        );
    }

    #[test]
    fn the_readme_keys_table_is_the_action_table() {
        let readme = include_str!("../../README.md");
        let table = Keymap::default().markdown_table();
        assert!(
            readme.contains(&table),
            "README.md's keys table differs from the action table; paste this under ## Keys:\n{table}"
        );
    }
}
