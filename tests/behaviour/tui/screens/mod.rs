//! Whole-screen snapshots of the TUI on ratatui's `TestBackend`, and
//! behaviour tests of `update`, one module a screen, with sessions from real logins against the
//! in-process demo provider (no hand-made tokens). The model is driven
//! through `update` with key events, exactly as a person would.
//!
//! All traffic stays on 127.0.0.1 and every wait is bounded. What varies
//! between runs (ports, dates, epoch numbers, random URL values, relative
//! times) is redacted with insta filters.

use crate::support;

use std::path::Path;
use std::time::Duration;

use authdash::auth::Session;
use authdash::config::Config;
use authdash::demo::{DemoProvider, DemoSettings, config_toml};
use authdash::panels::Access;
use authdash::session::SessionService;
use authdash::store::{AccountId, FileStore, KeySource, TokenStore};
use authdash::tui::commands::{contexts, footer_hints, resolve};
use authdash::tui::keymap::Key;
use authdash::tui::message::{Command, Msg, RefreshFailure};
use authdash::tui::model::{
    BrowserState, Focus, Level, LoginFlow, Lookup, MenuItem, Model, NavItem, Notice, PanelState,
    PendingFlow, Popup, Screen,
};
use authdash::tui::update::{enter_dashboard, update};
use authdash::tui::{App, view};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use support::browser;

const WIDTH: u16 = 100;
const HEIGHT: u16 = 30;
/// Upper bound for any one wait: a login, a message from the app.
const WAIT: Duration = Duration::from_secs(30);

/// The panels of the demo config, in nav order after Profile,
/// Organizations and Session.
const NAV_BILLING: usize = 3;
const NAV_ADMIN: usize = 4;

const ACME: &str = "7a1b2c3d-4e5f-4a6b-8c7d-1e2f3a4b5c6d";
const GLOBEX: &str = "8b2c3d4e-5f6a-4b7c-9d8e-2f3a4b5c6d7e";

/// A fixed clock for screens that do not depend on a session's own times.
fn fixed_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 14, 9, 26, 53).unwrap()
}

/// The demo provider on a free port of 127.0.0.1 and the demo config for it.
struct Demo {
    _provider: DemoProvider,
    config: Config,
}

impl Demo {
    async fn start() -> Self {
        Self::start_with(DemoSettings::default()).await
    }

    async fn start_with(settings: DemoSettings) -> Self {
        let provider = DemoProvider::start(settings)
            .await
            .expect("the demo provider starts");
        let config = Config::parse(
            Path::new("demo.toml"),
            &config_toml(provider.issuer_str()),
            &|_| None,
        )
        .expect("the demo config parses");
        Self {
            _provider: provider,
            config,
        }
    }

    /// A model as `authdash demo` starts with, printing times in UTC.
    fn model(&self, now: DateTime<Utc>) -> Model {
        let mut model = Model::new(&self.config, now);
        model.utc = true;
        model.demo = true;
        // `authdash demo` signs its demo users in from the terminal too.
        model.demo_sign_in = Some(self._provider.terminal_sign_in());
        model
    }

    /// A real, verified session: `user` signs in on the demo provider's
    /// page and the redirect reaches a real loopback callback.
    async fn sign_in(&self, user: &str) -> Session {
        let mut session = support::screens::sign_in(&self.config, user, Vec::new()).await;
        // The ID token's times and the login's straddle a second now and
        // then ("just now" or "1 s ago"), more on a loaded machine: one
        // moment for all of them, the sign-in's (the session panel decodes
        // the ID token itself, whose auth_time no rebase moves).
        let signed_in = session
            .id_claims
            .get("auth_time")
            .and_then(serde_json::Value::as_i64)
            .unwrap_or(session.logged_in_at.timestamp());
        let at = DateTime::from_timestamp(signed_in, 0).expect("a whole second");
        support::screens::rebase(&mut session, at);
        session
    }

    /// The dashboard right after `user` logged in, the clock at the login.
    async fn dashboard(&self, user: &str) -> Model {
        let session = self.sign_in(user).await;
        let mut model = self.model(session.logged_in_at);
        let commands = enter_dashboard(&mut model, session);
        assert!(
            commands.is_empty(),
            "nothing to do on Profile: {commands:?}"
        );
        model
    }

    /// An app with real effects; `$BROWSER` is `true`, so "opening the
    /// browser" succeeds and shows nothing.
    fn app(&self, data_dir: &Path, now: DateTime<Utc>) -> App {
        support::screens::app(&self.config, &self._provider, data_dir, true, now)
    }

    /// [`Self::app`] with its session service set up by `setup` (a
    /// test-only setting).
    fn app_with(
        &self,
        data_dir: &Path,
        now: DateTime<Utc>,
        setup: impl FnOnce(SessionService) -> SessionService,
    ) -> App {
        support::screens::app_with(&self.config, &self._provider, data_dir, true, now, setup)
    }
}

/// The dashboard's renewal fails: started as a tick starts it, answered
/// for the same account and generation.
fn renewal_failed(model: &mut Model, failure: RefreshFailure) -> Vec<Command> {
    let Screen::Dashboard(dash) = &mut model.screen else {
        panic!("expected the dashboard");
    };
    dash.refresh = authdash::tui::model::RefreshState::Running;
    dash.renewal = Some(41);
    let account = AccountId::of(&dash.session);
    update(
        model,
        Msg::Refreshed {
            account,
            generation: Some(41),
            result: Err(failure),
        },
    )
}

fn key_event(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn press(model: &mut Model, code: KeyCode) -> Vec<Command> {
    update(model, key_event(code))
}

fn type_text(model: &mut Model, text: &str) {
    for c in text.chars() {
        let commands = press(model, KeyCode::Char(c));
        assert!(commands.is_empty(), "typing {c:?} did {commands:?}");
    }
}

/// Apply the app's messages until one matches `done`; every wait bounded.
async fn pump_until(app: &mut App, what: &str, done: impl Fn(&Msg) -> bool) {
    loop {
        let msg = tokio::time::timeout(WAIT, app.next_message())
            .await
            .unwrap_or_else(|_| panic!("no {what} within {WAIT:?}"))
            .expect("the app's channel is open");
        let stop = done(&msg);
        if let Msg::Failed(text) = &msg {
            panic!("the app reported a failure while waiting for {what}: {text}");
        }
        app.handle(msg);
        if stop {
            return;
        }
    }
}

fn dash(model: &Model) -> &authdash::tui::model::Dashboard {
    model.dashboard().expect("the dashboard is shown")
}

/// The screen as text, one quoted line per row.
fn render(model: &Model) -> String {
    render_sized(model, WIDTH, HEIGHT)
}

fn render_sized(model: &Model, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|frame| view::draw(frame, model))
        .expect("draw");
    terminal.backend().to_string()
}

/// Redactions of what varies between runs. A line break inside a wrapped
/// value is `"` newline `"` in the rendered text; the break is kept.
const BREAK: &str = r#"(?:[ ]*"\n"[ ]?)"#;

fn filters() -> Vec<(String, String)> {
    let value = "[A-Za-z0-9_-]*";
    vec![
        // Random values in the authorization URL, wrapped or not.
        (
            format!("(?P<k>state|nonce|code_challenge)={value}(?P<b>{BREAK})?{value}"),
            "${k}=[RANDOM]${b}".into(),
        ),
        // Loopback ports: the provider's and the callback's.
        (
            format!(r"127\.0\.0\.1(?P<c>:|%3A)(?P<p>\d*)(?P<b>{BREAK})?\d*"),
            "127.0.0.1${c}[PORT]${b}".into(),
        ),
        // Random claims of the ID token.
        (
            r"(?P<k>at_hash|nonce|sid|jti)(?P<s>\s+)[A-Za-z0-9_-]{8,}".into(),
            "${k}${s}[RANDOM]".into(),
        ),
        // Dates and times, and the epoch numbers beside them, keeping
        // their width so the columns stay put.
        (
            r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC".into(),
            "YYYY-MM-DD hh:mm:ss UTC".into(),
        ),
        // A date whose zone a narrow column cut off.
        (
            r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}".into(),
            "YYYY-MM-DD hh:mm:ss".into(),
        ),
        // A time whose date wrapped onto the line before.
        (r"\b\d{2}:\d{2}:\d{2} UTC".into(), "hh:mm:ss UTC".into()),
        (r"\(\d{10}\)".into(), "(EPOCH-SECS)".into()),
        // Relative times beside dates.
        (
            r"\((?:in )?\d+ (?:s|min|h \d+ min)(?: ago)?\)".into(),
            "([RELATIVE])".into(),
        ),
        // The device code and its QR code differ every login.
        (
            r"(?P<a>│   )[B-Z](?: [B-Z]){3} - [B-Z](?: [B-Z]){3}(?P<z>   │)".into(),
            "${a}X X X X - X X X X${z}".into(),
        ),
        // Everything from a QR row's first block to the end of the line.
        (r#"\s*[█▀▄][█▀▄ ]*""#.into(), r#" [QR]""#.into()),
        (
            r"to copy: [B-Z]{4}-[B-Z]{4}".into(),
            "to copy: XXXX-XXXX".into(),
        ),
        // The status line's spinner turns with the clock of the login.
        (r"[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] (?P<w>[^…]+…)".into(), "⠿ ${w}".into()),
        // The session's countdown: "renews in 9 min". (Other relative
        // times are taken at a fixed clock and stay.)
        (
            r"(?P<w>session renews|session expires) in \d+ (?:s|min|h \d+ min|days)\b".into(),
            "${w} in [DURATION]".into(),
        ),
    ]
}

macro_rules! assert_screen {
    ($name:expr, $model:expr) => {{
        let text = render($model);
        assert_screen_text!($name, text);
    }};
}

macro_rules! assert_screen_text {
    ($name:expr, $text:expr) => {{
        let text = $text;
        let owned = filters();
        let filters: Vec<(&str, &str)> = owned
            .iter()
            .map(|(pattern, replacement)| (pattern.as_str(), replacement.as_str()))
            .collect();
        insta::with_settings!({
            filters => filters,
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!($name, text);
        });
    }};
}

fn click(model: &mut Model, column: u16, row: u16) -> Vec<Command> {
    authdash::tui::mouse::handle(
        model,
        ratatui::layout::Rect::new(0, 0, WIDTH, HEIGHT),
        crossterm::event::MouseEvent {
            kind: crossterm::event::MouseEventKind::Down(crossterm::event::MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        },
    )
}

/// The rendered screen as one line of text, row breaks and padding gone.
fn without_breaks(screen: &str) -> String {
    screen
        .lines()
        .map(|l| l.trim_matches('"').trim())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A login under way whose device code is `code`.
fn device_screen(demo: &Demo, code: authdash::tui::model::DeviceCode) -> Model {
    let mut model = demo.model(fixed_now());
    press(&mut model, KeyCode::Enter);
    let generation = match &model.screen {
        Screen::Login(l) => l.pending.as_ref().expect("pending").generation,
        Screen::Dashboard(_) => panic!("login screen"),
    };
    update(&mut model, Msg::DeviceCode { generation, code });
    model
}

/// The key event a person presses for `key`.
fn event_for(key: Key) -> Msg {
    let (code, modifiers) = match key {
        Key::Char(c) => (KeyCode::Char(c), KeyModifiers::NONE),
        Key::Ctrl(c) => (KeyCode::Char(c), KeyModifiers::CONTROL),
        Key::Up => (KeyCode::Up, KeyModifiers::NONE),
        Key::Down => (KeyCode::Down, KeyModifiers::NONE),
        Key::Left => (KeyCode::Left, KeyModifiers::NONE),
        Key::Right => (KeyCode::Right, KeyModifiers::NONE),
        Key::PageUp => (KeyCode::PageUp, KeyModifiers::NONE),
        Key::PageDown => (KeyCode::PageDown, KeyModifiers::NONE),
        Key::Home => (KeyCode::Home, KeyModifiers::NONE),
        Key::End => (KeyCode::End, KeyModifiers::NONE),
        Key::Enter => (KeyCode::Enter, KeyModifiers::NONE),
        Key::Esc => (KeyCode::Esc, KeyModifiers::NONE),
        Key::Tab => (KeyCode::Tab, KeyModifiers::NONE),
        Key::BackTab => (KeyCode::BackTab, KeyModifiers::SHIFT),
        Key::Backspace => (KeyCode::Backspace, KeyModifiers::NONE),
        Key::F(n) => (KeyCode::F(n), KeyModifiers::NONE),
        Key::Other => (KeyCode::Null, KeyModifiers::NONE),
    };
    Msg::Key(KeyEvent::new(code, modifiers))
}

/// The states a person meets, each reached by keys from the login screen
/// or from Alice's dashboard.
const STATES: &[(&str, bool, &[KeyCode])] = &[
    ("login", false, &[]),
    ("login pending", false, &[KeyCode::Enter]),
    (
        "quit while pending",
        false,
        &[KeyCode::Enter, KeyCode::Char('q')],
    ),
    ("dashboard", true, &[]),
    ("organizations list", true, &[KeyCode::Down, KeyCode::Enter]),
    ("filter", true, &[KeyCode::Char('o'), KeyCode::Char('/')]),
    (
        "navigation filter",
        true,
        &[KeyCode::Char('/'), KeyCode::Char('s')],
    ),
    (
        "menu filter",
        true,
        &[
            KeyCode::Char('m'),
            KeyCode::Char('/'),
            KeyCode::Char('l'),
            KeyCode::Char('o'),
            KeyCode::Char('g'),
        ],
    ),
    ("billing panel", true, &[KeyCode::Char('4')]),
    ("menu", true, &[KeyCode::Char('m')]),
    ("help", true, &[KeyCode::Char('?')]),
    ("palette", true, &[KeyCode::Char(':')]),
];

fn state(demo: &Demo, session: &Session, dashboard: bool, keys: &[KeyCode]) -> Model {
    let mut model = demo.model(session.logged_in_at);
    if dashboard {
        enter_dashboard(&mut model, session.clone());
    }
    for key in keys {
        press(&mut model, *key);
    }
    model
}

mod actions;
mod dashboard;
mod login;
mod menu;
mod mouse;
mod osc8;
mod overlays;
mod provider_text;
mod renewal;
mod sizes;
