//! Whole-screen snapshots of the TUI on ratatui's `TestBackend`, and
//! behaviour tests of `update`, with sessions from real logins against the
//! in-process demo provider (no hand-made tokens). The model is driven
//! through `update` with key events, exactly as a person would.
//!
//! All traffic stays on 127.0.0.1 and every wait is bounded. What varies
//! between runs (ports, dates, epoch numbers, random URL values, relative
//! times) is redacted with insta filters.

mod support;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use authdash::auth::{BrowserLogin, Provider, Session};
use authdash::config::Config;
use authdash::demo::{DemoProvider, DemoSettings, config_toml};
use authdash::panels::Access;
use authdash::session::{SessionService, SessionSetup};
use authdash::store::{AccountId, FileStore, KeySource, TokenStore};
use authdash::tui::commands::{contexts, footer_hints, resolve};
use authdash::tui::keymap::Key;
use authdash::tui::message::{Command, Msg, RefreshFailure};
use authdash::tui::model::{
    BrowserState, Focus, Level, LoginFlow, Lookup, MenuItem, Model, NavItem, Notice, PanelState,
    PendingFlow, Popup, Screen,
};
use authdash::tui::update::{enter_dashboard, update};
use authdash::tui::{App, Services, view};
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
        let provider = DemoProvider::start(DemoSettings::default())
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
        let config = &self.config;
        let login = async {
            let provider = Arc::new(
                Provider::discover(&config.providers[0], &config.http)
                    .await
                    .expect("discovery"),
            );
            let login = BrowserLogin::start(provider, Duration::from_secs(30), Default::default())
                .await
                .expect("the login starts");
            let url = login.authorize_url().to_string();
            let finish = tokio::spawn(login.finish());
            let response = browser::sign_in(&url, user).await.expect("sign-in");
            assert!(
                response.status().is_success(),
                "the callback answered {}",
                response.status()
            );
            finish.await.expect("the login task").expect("a session")
        };
        let mut session = tokio::time::timeout(WAIT, login)
            .await
            .expect("the login finishes in time");
        // The ID token's times and the login's straddle a second now and
        // then ("just now" or "1 s ago"): one moment for all of them.
        let at =
            DateTime::from_timestamp(session.logged_in_at.timestamp(), 0).expect("a whole second");
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
        // The store refuses a folder others can read.
        #[cfg(unix)]
        std::fs::set_permissions(
            data_dir,
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        )
        .expect("data dir made private");
        let store = FileStore::new(data_dir, KeySource::KeyFile(data_dir.join("store.key")));
        let services = Services {
            session: SessionService::new(SessionSetup {
                config: self.config.clone(),
                store_path: store.path(),
                store: Arc::new(store),
                data_dir: data_dir.to_owned(),
                browser_var: Some("true".into()),
                discovery_cache: None,
            }),
            browser_available: true,
            demo_sign_in: Some(self._provider.terminal_sign_in()),
            over_ssh: false,
        };
        let mut app = App::new(services, true, now);
        app.model.utc = true;
        app
    }
}

/// The dashboard's renewal fails: started as a tick starts it, answered
/// for the same account and generation.
fn renewal_failed(model: &mut Model, failure: RefreshFailure) -> Vec<Command> {
    let Screen::Dashboard(dash) = &mut model.screen else {
        panic!("expected the dashboard");
    };
    dash.refresh = authdash::tui::model::RefreshState::Running;
    dash.renewal = 41;
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

// ---------------------------------------------------------------- snapshots

/// With discovery done, a provider that offers the device grant gets two
/// lines; choosing the code on another device shows the code, the address,
/// a QR code, the countdown and the poll state. Alice approves on the
/// "other device" and the dashboard opens.
#[tokio::test]
async fn snapshot_device_login() {
    let demo = Demo::start().await;
    let data = tempfile::tempdir().expect("temp dir");
    let mut app = demo.app(data.path(), fixed_now());
    app.resume_stored_session().await;
    pump_until(&mut app, "discovery", |m| {
        matches!(m, Msg::Discovered { .. })
    })
    .await;
    assert_screen!("login_screen_two_flows", &app.model);
    app.handle(key_event(KeyCode::Down));
    app.handle(key_event(KeyCode::Enter));
    pump_until(&mut app, "the device code", |m| {
        matches!(m, Msg::DeviceCode { .. })
    })
    .await;
    pump_until(&mut app, "the first poll", |m| {
        matches!(m, Msg::DevicePoll { .. })
    })
    .await;
    app.tick(fixed_now());
    let complete = match &app.model.screen {
        Screen::Login(login) => match login.pending.as_ref().map(|p| &p.flow) {
            Some(PendingFlow::Device(Some(code))) => code
                .verification_uri_complete
                .clone()
                .expect("the demo gives the complete URI"),
            other => panic!("a device login with its code: {other:?}"),
        },
        Screen::Dashboard(_) => panic!("still on the login screen"),
    };
    assert_screen!("device_pending", &app.model);
    let approved =
        tokio::spawn(async move { browser::approve_device(&complete, None, "alice").await });
    pump_until(&mut app, "the end of the login", |m| {
        matches!(m, Msg::LoginFinished { .. })
    })
    .await;
    approved.await.expect("task").expect("approved");
    let Screen::Dashboard(dash) = &app.model.screen else {
        panic!("the dashboard after approval: {:?}", app.model.screen);
    };
    assert_eq!(
        dash.session.user.email.as_deref(),
        Some("alice@example.com")
    );
}

#[tokio::test]
async fn snapshot_login_screen() {
    let demo = Demo::start().await;
    let model = demo.model(fixed_now());
    assert!(matches!(model.screen, Screen::Login(_)));
    assert_screen!("login_screen", &model);
}

/// Enter on the login screen starts the app's own login; the URL it sends
/// is shown for copying. Then alice signs in and the dashboard opens.
#[tokio::test]
async fn snapshot_login_pending_then_signed_in() {
    let demo = Demo::start().await;
    let data = tempfile::tempdir().expect("temp dir");
    let mut app = demo.app(data.path(), fixed_now());
    app.handle(key_event(KeyCode::Enter));
    let generation = match &app.model.screen {
        Screen::Login(login) => {
            login
                .pending
                .as_ref()
                .expect("a login under way")
                .generation
        }
        Screen::Dashboard(_) => panic!("still on the login screen"),
    };
    assert!(render(&app.model).contains("(started just now)"));
    assert_screen!("login_preparing", &app.model);
    pump_until(
        &mut app,
        "the login URL",
        |m| matches!(m, Msg::LoginUrl { generation: g, .. } if *g == generation),
    )
    .await;
    pump_until(&mut app, "the browser", |m| {
        matches!(m, Msg::BrowserOpened { .. })
    })
    .await;
    app.tick(fixed_now() + TimeDelta::seconds(3));
    let url = match &app.model.screen {
        Screen::Login(login) => {
            let pending = login.pending.as_ref().expect("a login under way");
            let PendingFlow::Browser { url, browser } = &pending.flow else {
                panic!("a browser login: {pending:?}");
            };
            assert_eq!(*browser, BrowserState::Opened);
            url.clone().expect("the URL is shown")
        }
        Screen::Dashboard(_) => panic!("still on the login screen"),
    };
    assert!(url.starts_with(&format!("{}/authorize?", issuer(&demo))));
    assert_screen!("login_pending", &app.model);

    let signed_in = tokio::spawn(async move { browser::sign_in(&url, "alice").await });
    pump_until(&mut app, "the end of the login", |m| {
        matches!(m, Msg::LoginFinished { .. })
    })
    .await;
    let response = tokio::time::timeout(WAIT, signed_in)
        .await
        .expect("the browser finishes")
        .expect("browser task")
        .expect("sign-in");
    assert!(response.status().is_success());
    let dash = dash(&app.model);
    assert_eq!(
        dash.session.user.email.as_deref(),
        Some("alice@example.com")
    );
    assert_eq!(dash.active_org.as_deref(), Some(ACME));
}

fn issuer(demo: &Demo) -> String {
    demo.config.providers[0]
        .server_metadata_url
        .as_str()
        .trim_end_matches("/.well-known/openid-configuration")
        .to_owned()
}

#[tokio::test]
async fn snapshot_dashboard_profile_alice() {
    let demo = Demo::start().await;
    let model = demo.dashboard("alice").await;
    assert_eq!(dash(&model).nav, 0);
    assert_screen!("dashboard_profile_alice", &model);
}

#[tokio::test]
async fn snapshot_organizations_filtered() {
    let demo = Demo::start().await;
    let mut model = demo.dashboard("alice").await;
    press(&mut model, KeyCode::Char('o'));
    press(&mut model, KeyCode::Char('/'));
    type_text(&mut model, "glo");
    let d = dash(&model);
    assert!(d.orgs.editing);
    assert_eq!(d.orgs.filter, "glo");
    let names: Vec<&str> = d
        .filtered_orgs()
        .iter()
        .map(|o| o.org_name.as_str())
        .collect();
    assert_eq!(names, ["Globex"]);
    assert_screen!("organizations_filter_glo", &model);
}

#[tokio::test]
async fn snapshot_locked_billing_bob() {
    let demo = Demo::start().await;
    let mut model = demo.dashboard("bob").await;
    for _ in 0..NAV_BILLING {
        let commands = press(&mut model, KeyCode::Down);
        assert!(commands.is_empty(), "a locked panel fetches nothing");
    }
    let d = dash(&model);
    assert_eq!(model.nav_items()[d.nav], NavItem::Panel(0));
    match model.access(d, &model.panels[0]) {
        Access::Denied(denial) => {
            let text = denial.explain();
            assert!(text.contains("permission can_view_billing"), "{text}");
            assert!(text.contains("in Acme"), "{text}");
            assert!(text.contains("You are Admin there"), "{text}");
        }
        Access::Allowed => panic!("bob must not see Billing"),
    }
    assert_screen!("locked_billing_bob", &model);
}

#[tokio::test]
async fn snapshot_locked_admin_carol() {
    let demo = Demo::start().await;
    let mut model = demo.dashboard("carol").await;
    for _ in 0..NAV_ADMIN {
        assert!(press(&mut model, KeyCode::Char('j')).is_empty());
    }
    match model.access(dash(&model), &model.panels[1]) {
        Access::Denied(denial) => {
            let text = denial.explain();
            assert!(text.contains("role Admin or higher in Acme"), "{text}");
            assert!(text.contains("You are Member there"), "{text}");
        }
        Access::Allowed => panic!("carol must not see Admin"),
    }
    assert_screen!("locked_admin_carol", &model);
}

/// Alice opens Billing in Acme; the data comes from the demo API through
/// the app's own fetch command.
#[tokio::test]
async fn snapshot_open_billing_alice() {
    let demo = Demo::start().await;
    let data = tempfile::tempdir().expect("temp dir");
    let mut app = demo.app(data.path(), fixed_now());
    app.handle(key_event(KeyCode::Enter));
    pump_until(&mut app, "the login URL", |m| {
        matches!(m, Msg::LoginUrl { .. })
    })
    .await;
    let url = match &app.model.screen {
        Screen::Login(login) => login
            .pending
            .as_ref()
            .and_then(|p| match &p.flow {
                PendingFlow::Browser { url, .. } | PendingFlow::Paste { url, .. } => url.clone(),
                PendingFlow::Device(_) | PendingFlow::Terminal { .. } => None,
            })
            .expect("the URL is shown"),
        Screen::Dashboard(_) => panic!("still on the login screen"),
    };
    let signed_in = tokio::spawn(async move { browser::sign_in(&url, "alice").await });
    pump_until(&mut app, "the end of the login", |m| {
        matches!(m, Msg::LoginFinished { .. })
    })
    .await;
    tokio::time::timeout(WAIT, signed_in)
        .await
        .expect("the browser finishes")
        .expect("browser task")
        .expect("sign-in");
    let logged_in_at = dash(&app.model).session.logged_in_at;
    app.model.now = logged_in_at;

    for _ in 0..NAV_BILLING {
        app.handle(key_event(KeyCode::Char('j')));
    }
    match dash(&app.model).panel_states.get("billing") {
        Some(PanelState {
            org_id,
            loading: Some(_),
            ..
        }) => assert_eq!(org_id, ACME),
        other => panic!("Billing should be loading, is {other:?}"),
    }
    assert_screen!("billing_loading_alice", &app.model);
    pump_until(
        &mut app,
        "the Billing data",
        |m| matches!(m, Msg::PanelLoaded { panel_id, .. } if panel_id == "billing"),
    )
    .await;
    match dash(&app.model).panel_states.get("billing") {
        Some(state @ PanelState { data: Some(_), .. }) => {
            assert_eq!(state.org_id, ACME);
            assert!(
                state
                    .kv()
                    .unwrap_or_default()
                    .items
                    .iter()
                    .any(|(label, _)| label == "Payment method")
            );
        }
        other => panic!("Billing should be loaded, is {other:?}"),
    }
    assert_screen!("billing_open_alice", &app.model);
}

#[tokio::test]
async fn snapshot_menu_popup() {
    let demo = Demo::start().await;
    let mut model = demo.dashboard("alice").await;
    // Over Organizations: the Profile's claims change with every login.
    press(&mut model, KeyCode::Down);
    press(&mut model, KeyCode::Char('m'));
    assert_eq!(
        model.popup,
        Some(Popup::Menu {
            selected: 0,
            filter: Default::default()
        })
    );
    assert_screen!("menu_popup", &model);
}

#[tokio::test]
async fn snapshot_help_overlay() {
    let demo = Demo::start().await;
    let mut model = demo.dashboard("alice").await;
    press(&mut model, KeyCode::Down);
    press(&mut model, KeyCode::Char('?'));
    assert_eq!(model.popup, Some(Popup::Help));
    assert_screen!("help_overlay", &model);
}

#[tokio::test]
async fn snapshot_no_org_dave_on_billing() {
    let demo = Demo::start().await;
    let mut model = demo.dashboard("dave").await;
    assert_eq!(dash(&model).active_org, None);
    for _ in 0..NAV_BILLING {
        assert!(press(&mut model, KeyCode::Down).is_empty());
    }
    assert!(matches!(
        model.access(dash(&model), &model.panels[0]),
        Access::Denied(_)
    ));
    assert_screen!("no_org_dave_billing", &model);
}

#[tokio::test]
async fn snapshot_session_ended_after_refresh_failure() {
    let demo = Demo::start().await;
    let mut model = demo.dashboard("carol").await;
    let commands = renewal_failed(
        &mut model,
        RefreshFailure {
            error: "the provider refused the refresh token (invalid_grant)".into(),
            needs_login: true,
            logged_out_elsewhere: false,
            unverified: None,
        },
    );
    assert!(commands.is_empty());
    match &model.screen {
        Screen::Login(login) => {
            assert!(login.pending.is_none());
            assert_eq!(
                login.notice,
                Some(Notice {
                    level: Level::Error,
                    text: "Your session ended: the provider refused the refresh token \
                           (invalid_grant). Log in again."
                        .into(),
                })
            );
        }
        Screen::Dashboard(_) => panic!("a dead session must go back to login"),
    }
    assert_screen!("session_ended", &model);
}

// ---------------------------------------------------------------- behaviour

#[tokio::test]
async fn q_quits_but_not_while_typing_in_the_org_filter() {
    let demo = Demo::start().await;
    let mut model = demo.dashboard("alice").await;

    press(&mut model, KeyCode::Char('o'));
    press(&mut model, KeyCode::Char('/'));
    assert!(model.text_input_active());
    press(&mut model, KeyCode::Char('q'));
    assert!(!model.quit, "q is text in the filter");
    assert_eq!(dash(&model).orgs.filter, "q");

    press(&mut model, KeyCode::Esc);
    assert!(!model.text_input_active());
    assert!(!model.quit);

    // Popups have the keyboard too.
    press(&mut model, KeyCode::Char('?'));
    press(&mut model, KeyCode::Char('q'));
    assert!(!model.quit, "q does nothing while the help is open");
    press(&mut model, KeyCode::Esc);
    press(&mut model, KeyCode::Char('m'));
    press(&mut model, KeyCode::Char('q'));
    assert!(!model.quit, "q does nothing while the menu is open");
    press(&mut model, KeyCode::Esc);
    assert_eq!(model.popup, None);

    let commands = press(&mut model, KeyCode::Char('q'));
    assert!(commands.is_empty());
    assert!(model.quit);
}

/// `?` is the key that shows every other key: it stays in the footer
/// however many keys the screen has and however narrow the terminal.
#[tokio::test]
async fn help_and_quit_stay_in_the_footer_on_narrow_terminals() {
    let demo = Demo::start().await;
    let mut model = demo.dashboard("alice").await;
    press(&mut model, KeyCode::Down); // Organizations: the most keys
    for width in [60, 80, 100] {
        let screen = render_sized(&model, width, 24);
        let footer = screen.lines().last().expect("a footer");
        assert!(footer.contains(" ? help"), "{footer}");
        assert!(footer.contains(" q quit"), "{footer}");
    }
    let login = demo.model(fixed_now());
    let screen = render_sized(&login, 80, 24);
    let footer = screen.lines().last().expect("a footer");
    assert!(footer.contains(" ? help  q quit"), "{footer}");
}

#[tokio::test]
async fn q_quits_from_the_login_screen() {
    let demo = Demo::start().await;
    let mut model = demo.model(fixed_now());
    press(&mut model, KeyCode::Char('q'));
    assert!(model.quit);
}

#[tokio::test]
async fn esc_cancels_a_pending_login_and_its_late_result_is_ignored() {
    let demo = Demo::start().await;
    let mut model = demo.model(fixed_now());
    let commands = press(&mut model, KeyCode::Enter);
    let generation = match commands.as_slice() {
        [
            Command::StartLogin {
                provider,
                generation,
                flow,
                add_account: false,
                ..
            },
        ] => {
            assert_eq!(provider, "demo");
            assert_eq!(
                *flow,
                LoginFlow::Browser,
                "the browser first where one opens"
            );
            *generation
        }
        other => panic!("expected StartLogin, got {other:?}"),
    };
    update(
        &mut model,
        Msg::LoginUrl {
            generation,
            url: "http://127.0.0.1:9/authorize".into(),
        },
    );

    let commands = press(&mut model, KeyCode::Esc);
    match commands.as_slice() {
        [Command::CancelLogin { generation: g }] => assert_eq!(*g, generation),
        other => panic!("expected CancelLogin, got {other:?}"),
    }
    match &model.screen {
        Screen::Login(login) => {
            assert!(login.pending.is_none());
            assert_eq!(
                login.notice.as_ref().map(|n| n.text.as_str()),
                Some("Login cancelled.")
            );
        }
        Screen::Dashboard(_) => panic!("still on the login screen"),
    }

    // The cancelled login's session arrives anyway: it is not used.
    let session = demo.sign_in("alice").await;
    update(
        &mut model,
        Msg::LoginFinished {
            generation,
            result: Ok(Box::new(session)),
        },
    );
    assert!(matches!(model.screen, Screen::Login(_)));
}

#[tokio::test]
async fn enter_in_organizations_changes_the_active_org_and_saves_it() {
    let demo = Demo::start().await;
    let mut model = demo.dashboard("alice").await;
    assert_eq!(dash(&model).active_org.as_deref(), Some(ACME));
    let subject = dash(&model).session.user.subject.clone();

    press(&mut model, KeyCode::Down); // Organizations
    press(&mut model, KeyCode::Enter); // into the list
    assert_eq!(dash(&model).focus, Focus::Content);
    press(&mut model, KeyCode::Down); // Globex
    let commands = press(&mut model, KeyCode::Enter);
    match commands.as_slice() {
        [
            Command::SaveActiveOrg {
                provider,
                subject: s,
                org_id,
            },
        ] => {
            assert_eq!(provider, "demo");
            assert_eq!(s, &subject);
            assert_eq!(org_id, GLOBEX);
        }
        other => panic!("expected SaveActiveOrg, got {other:?}"),
    }
    assert_eq!(dash(&model).active_org.as_deref(), Some(GLOBEX));
    assert_eq!(model.preferences.active_org("demo", &subject), Some(GLOBEX));

    // Choosing the active org again saves nothing.
    assert!(press(&mut model, KeyCode::Enter).is_empty());

    // Through the filter: `/acm` Enter.
    press(&mut model, KeyCode::Char('/'));
    type_text(&mut model, "acm");
    let commands = press(&mut model, KeyCode::Enter);
    assert!(
        matches!(commands.as_slice(), [Command::SaveActiveOrg { org_id, .. }] if org_id == ACME),
        "{commands:?}"
    );
    assert!(!dash(&model).orgs.editing);
    assert_eq!(dash(&model).active_org.as_deref(), Some(ACME));
}

#[tokio::test]
async fn a_stale_panel_result_is_ignored() {
    let demo = Demo::start().await;
    let mut model = demo.dashboard("alice").await;
    for _ in 1..NAV_BILLING {
        press(&mut model, KeyCode::Down);
    }
    let commands = press(&mut model, KeyCode::Down);
    let generation = match commands.as_slice() {
        [
            Command::FetchPanel {
                generation,
                spec,
                org_id,
                ..
            },
        ] => {
            assert_eq!(spec.id, "billing");
            assert_eq!(org_id, ACME);
            *generation
        }
        other => panic!("expected FetchPanel, got {other:?}"),
    };
    let data = |summary: &str| serde_json::json!({ "summary": summary });

    // A result of older work (another org, an earlier reload).
    update(
        &mut model,
        Msg::PanelLoaded {
            generation: generation - 1,
            panel_id: "billing".into(),
            result: Ok(data("stale")),
        },
    );
    assert!(matches!(
        dash(&model).panel_states.get("billing"),
        Some(PanelState { loading: Some(g), .. }) if *g == generation
    ));

    // `r` reloads: the first fetch is stale now, its result dropped.
    let commands = press(&mut model, KeyCode::Char('r'));
    let reload = match commands.as_slice() {
        [Command::FetchPanel { generation, .. }] => *generation,
        other => panic!("expected FetchPanel, got {other:?}"),
    };
    assert_ne!(reload, generation);
    update(
        &mut model,
        Msg::PanelLoaded {
            generation,
            panel_id: "billing".into(),
            result: Ok(data("from the first fetch")),
        },
    );
    assert!(matches!(
        dash(&model).panel_states.get("billing"),
        Some(PanelState {
            loading: Some(_),
            data: None,
            ..
        })
    ));

    update(
        &mut model,
        Msg::PanelLoaded {
            generation: reload,
            panel_id: "billing".into(),
            result: Ok(data("current")),
        },
    );
    match dash(&model).panel_states.get("billing") {
        Some(state @ PanelState { data: Some(_), .. }) => {
            assert_eq!(state.org_id, ACME);
            assert_eq!(
                state.kv().and_then(|d| d.summary).as_deref(),
                Some("current")
            );
        }
        other => panic!("expected Loaded, got {other:?}"),
    }
}

#[tokio::test]
async fn a_refresh_failure_that_needs_login_returns_to_login_with_the_reason() {
    let demo = Demo::start().await;
    let mut model = demo.dashboard("bob").await;
    press(&mut model, KeyCode::Char('m'));
    let commands = renewal_failed(
        &mut model,
        RefreshFailure {
            error: "invalid_grant: refresh token revoked".into(),
            needs_login: true,
            logged_out_elsewhere: false,
            unverified: None,
        },
    );
    assert!(commands.is_empty());
    assert_eq!(model.popup, None, "the menu closes with the dashboard");
    match &model.screen {
        Screen::Login(login) => {
            let notice = login.notice.as_ref().expect("a reason");
            assert_eq!(notice.level, Level::Error);
            assert!(
                notice.text.contains("invalid_grant: refresh token revoked"),
                "{}",
                notice.text
            );
        }
        Screen::Dashboard(_) => panic!("expected the login screen"),
    }
}

#[tokio::test]
async fn a_refresh_failure_offline_keeps_the_dashboard() {
    let demo = Demo::start().await;
    let mut model = demo.dashboard("bob").await;
    let commands = renewal_failed(
        &mut model,
        RefreshFailure {
            error: "connection refused".into(),
            needs_login: false,
            logged_out_elsewhere: false,
            unverified: None,
        },
    );
    assert!(commands.is_empty());
    assert!(matches!(
        dash(&model).refresh,
        authdash::tui::model::RefreshState::Offline { .. }
    ));
    assert!(
        render(&model).contains("offline"),
        "the header says so: {}",
        render(&model)
    );
}

/// `flow = "auto"`: when the browser cannot be opened and the provider
/// offers the device grant, the login switches to a code on another device
/// by itself; without the grant, the URL stays on screen to copy.
#[tokio::test]
async fn a_browser_that_will_not_open_falls_back_to_the_device_flow() {
    let demo = Demo::start().await;
    for device in [true, false] {
        let mut model = demo.model(fixed_now());
        model.providers[0].lookup = Lookup::Found { device };
        let commands = press(&mut model, KeyCode::Enter);
        let [
            Command::StartLogin {
                generation, flow, ..
            },
        ] = commands.as_slice()
        else {
            panic!("expected StartLogin, got {commands:?}");
        };
        assert_eq!(*flow, LoginFlow::Browser);
        let generation = *generation;
        let commands = update(
            &mut model,
            Msg::BrowserOpened {
                generation,
                result: Err("no display".into()),
            },
        );
        let Screen::Login(login) = &model.screen else {
            panic!("still on the login screen");
        };
        let pending = login.pending.as_ref().expect("a login under way");
        if device {
            assert!(
                matches!(
                    commands.as_slice(),
                    [
                        Command::CancelLogin { generation: g },
                        Command::StartLogin { flow: LoginFlow::Device, .. },
                    ] if *g == generation
                ),
                "{commands:?}"
            );
            assert!(matches!(pending.flow, PendingFlow::Device(None)));
            let notice = login.notice.as_ref().expect("a notice says why");
            assert!(notice.text.contains("no display"), "{notice:?}");
        } else {
            assert!(commands.is_empty(), "{commands:?}");
            assert!(matches!(
                &pending.flow,
                PendingFlow::Browser { browser: BrowserState::Failed(e), .. } if e == "no display"
            ));
        }
    }
}

/// The Session panel says whose session it is, how long its tokens last,
/// how it renews, and where the tokens are kept with which key.
#[tokio::test]
async fn snapshot_session_panel() {
    let demo = Demo::start().await;
    let mut model = demo.dashboard("alice").await;
    model.store_description =
        "/home/alice/.local/share/authdash/sessions.json, encrypted with key file (0600)".into();
    press(&mut model, KeyCode::Down);
    press(&mut model, KeyCode::Down);
    assert_screen!("session_panel_alice", &model);
}

/// Menu → Add account starts a fresh login (`prompt=login`) for the same
/// provider; Esc goes back to the dashboard of the account in use.
#[tokio::test]
async fn add_account_asks_for_a_fresh_login_and_esc_goes_back() {
    let demo = Demo::start().await;
    let mut model = demo.dashboard("alice").await;
    press(&mut model, KeyCode::Char('m'));
    press(&mut model, KeyCode::Down);
    press(&mut model, KeyCode::Down);
    let commands = press(&mut model, KeyCode::Enter);
    assert!(
        matches!(
            commands.as_slice(),
            [Command::StartLogin {
                add_account: true,
                ..
            }]
        ),
        "{commands:?}"
    );
    assert!(matches!(model.screen, Screen::Login(_)));
    let commands = press(&mut model, KeyCode::Esc);
    assert!(
        matches!(commands.first(), Some(Command::CancelLogin { .. })),
        "{commands:?}"
    );
    assert_eq!(
        dash(&model).session.user.email.as_deref(),
        Some("alice@example.com")
    );
}

/// An added account joins the switcher, active, with the one before it;
/// the store is not read again for that (it holds every account's claims).
#[tokio::test]
async fn an_added_account_joins_the_switcher_without_reading_the_store() {
    let demo = Demo::start().await;
    let mut model = demo.dashboard("alice").await;
    let alice = dash(&model).session.clone();
    model.note_active_account(&alice);
    for key in [KeyCode::Char('m'), KeyCode::Down, KeyCode::Down] {
        press(&mut model, key);
    }
    let commands = press(&mut model, KeyCode::Enter);
    let [Command::StartLogin { generation, .. }] = commands.as_slice() else {
        panic!("add account logs in: {commands:?}");
    };
    let bob = demo.sign_in("bob").await;
    let commands = update(
        &mut model,
        Msg::LoginFinished {
            generation: *generation,
            result: Ok(Box::new(bob)),
        },
    );
    assert!(
        !commands.iter().any(|c| matches!(c, Command::LoadAccounts)),
        "{commands:?}"
    );
    let listed: Vec<(&str, bool)> = model
        .accounts
        .iter()
        .map(|a| (a.who.as_str(), a.active))
        .collect();
    assert_eq!(
        listed,
        [("alice@example.com", false), ("bob@example.com", true)]
    );
}

/// Two stored accounts: the switcher lists both and Enter makes the other
/// one active, through the store.
#[tokio::test]
async fn switch_account_through_the_menu() {
    let demo = Demo::start().await;
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = tmp.path().join("data");
    let store = FileStore::new(&data, KeySource::KeyFile(data.join("store.key")));
    store
        .save(&demo.sign_in("alice").await)
        .expect("save alice");
    store.save(&demo.sign_in("bob").await).expect("save bob");
    let mut app = demo.app(&data, fixed_now());
    app.resume_stored_session().await;
    assert_eq!(
        dash(&app.model).session.user.email.as_deref(),
        Some("bob@example.com"),
        "the last login is active"
    );
    assert_eq!(app.model.accounts.len(), 2);
    for key in [KeyCode::Char('m'), KeyCode::Down, KeyCode::Enter] {
        app.handle(key_event(key));
    }
    assert!(matches!(
        app.model.popup,
        Some(Popup::Accounts { selected: 1, .. })
    ));
    // `/` narrows the accounts to Alice's; Enter switches to her.
    for key in "/ali".chars() {
        app.handle(key_event(KeyCode::Char(key)));
    }
    let screen = render(&app.model);
    assert!(screen.contains("alice@example.com"), "{screen}");
    assert!(!screen.contains("bob@example.com  authdash"), "{screen}");
    assert!(matches!(
        app.model.popup,
        Some(Popup::Accounts { selected: 0, .. })
    ));
    app.handle(key_event(KeyCode::Enter));
    pump_until(&mut app, "the switch", |m| {
        matches!(m, Msg::AccountSwitched(_))
    })
    .await;
    assert_eq!(
        dash(&app.model).session.user.email.as_deref(),
        Some("alice@example.com")
    );
    let active = store
        .accounts()
        .expect("accounts")
        .active_session()
        .cloned();
    assert_eq!(
        active.and_then(|s| s.user.email),
        Some("alice@example.com".to_owned()),
        "the store remembers the choice"
    );
}

/// "Log out everywhere" shows only for a provider set up for it, and asks
/// the runtime to end every session before logging out here.
#[tokio::test]
async fn log_out_everywhere_is_offered_only_where_configured() {
    let demo = Demo::start().await;
    let mut model = demo.dashboard("alice").await;
    assert!(!model.menu_items().contains(&MenuItem::LogOutEverywhere));
    model.providers[0].logout_everywhere = true;
    let items = model.menu_items();
    let index = items
        .iter()
        .position(|i| *i == MenuItem::LogOutEverywhere)
        .expect("offered");
    press(&mut model, KeyCode::Char('m'));
    for _ in 0..index {
        press(&mut model, KeyCode::Down);
    }
    // It asks first; `y` goes on.
    assert!(press(&mut model, KeyCode::Enter).is_empty());
    assert_eq!(
        model.popup,
        Some(Popup::Confirm {
            item: MenuItem::LogOutEverywhere
        })
    );
    let commands = press(&mut model, KeyCode::Char('y'));
    assert!(
        matches!(
            commands.as_slice(),
            [Command::Logout {
                everywhere: true,
                in_browser: false,
                ..
            }]
        ),
        "{commands:?}"
    );
    assert!(matches!(model.screen, Screen::Login(_)));
}

// ------------------------------------------------- text from the provider

const CLEAR: &str = "\u{1b}[2J";
const SHOWN_CLEAR: &str = "\\u{1b}[2J";

/// The screen holds the escape written out, and no raw ESC or bidi override.
fn assert_drawn_visible(screen: &str, what: &str, shown: &[&str]) {
    for s in shown {
        assert!(screen.contains(s), "{what}: `{s}` not drawn:\n{screen}");
    }
    assert!(!screen.contains('\u{1b}'), "{what}: a raw ESC:\n{screen}");
    assert!(
        !screen.contains('\u{202e}'),
        "{what}: a raw bidi override:\n{screen}"
    );
}

/// A provider whose claims, org names and error texts hold terminal
/// escapes and bidi overrides: the dashboard draws them as `\u{..}`.
#[tokio::test]
async fn claims_and_org_names_with_control_characters_are_drawn_visible() {
    let demo = Demo::start().await;
    let mut model = demo.dashboard("alice").await;
    if let Screen::Dashboard(d) = &mut model.screen {
        let mut altered = (*d.session).clone();
        let s = &mut altered;
        let name = format!("Alice{CLEAR}");
        for claims in std::iter::once(&mut s.id_claims).chain(s.userinfo.as_mut()) {
            claims.insert("name".into(), serde_json::Value::String(name.clone()));
            claims.insert(
                "a\u{9b}31m".into(),
                serde_json::Value::String("evil\u{202e}gpj.exe".into()),
            );
        }
        s.user.name = Some(name);
        s.user.email = Some(format!("alice{CLEAR}@example.com"));
        for org in &mut s.user.orgs {
            org.org_name = format!("{}\u{202e}{CLEAR}", org.org_name);
        }
        s.user.subject = format!("sub{CLEAR}");
        // As a renewal brings new claims: the Profile text is made again.
        d.replace_session(altered.into());
    }
    let profile = render_sized(&model, 140, 60);
    assert_drawn_visible(
        &profile,
        "profile and header",
        &[
            &format!("Alice{SHOWN_CLEAR}"),
            &format!("alice{SHOWN_CLEAR}@example.com"),
            "evil\\u{202e}gpj.exe",
            "a\\u{9b}31m",
            &format!("name                Alice{SHOWN_CLEAR}"),
            &format!("Acme\\u{{202e}}{SHOWN_CLEAR}"),
        ],
    );
    assert!(!profile.contains('\u{9b}'), "a raw C1 CSI:\n{profile}");

    press(&mut model, KeyCode::Down);
    let orgs = render_sized(&model, 140, HEIGHT);
    assert_drawn_visible(
        &orgs,
        "organizations",
        &[&format!("Globex\\u{{202e}}{SHOWN_CLEAR}")],
    );

    press(&mut model, KeyCode::Down);
    let session = render_sized(&model, 140, HEIGHT);
    assert_drawn_visible(&session, "session", &[&format!("sub{SHOWN_CLEAR}")]);

    model.toast = Some(authdash::tui::model::Toast {
        level: Level::Error,
        text: format!("the provider said: boom{CLEAR}"),
    });
    let toast = render_sized(&model, 140, HEIGHT);
    assert_drawn_visible(&toast, "toast", &[&format!("boom{SHOWN_CLEAR}")]);
}

/// A provider's error description and device-flow fields holding escapes.
#[tokio::test]
async fn login_errors_and_device_codes_with_control_characters_are_drawn_visible() {
    let demo = Demo::start().await;
    let mut model = demo.model(fixed_now());
    model.providers[0].lookup = Lookup::Failed(format!("discovery said {CLEAR}no"));
    if let Screen::Login(login) = &mut model.screen {
        login.notice = Some(Notice {
            level: Level::Error,
            text: format!("access_denied: go away{CLEAR}"),
        });
    }
    let screen = render(&model);
    assert_drawn_visible(
        &screen,
        "login",
        &[
            &format!("discovery said {SHOWN_CLEAR}no"),
            &format!("go away{SHOWN_CLEAR}"),
        ],
    );

    let provider = demo.config.providers[0].name.clone();
    if let Screen::Login(login) = &mut model.screen {
        login.pending = Some(authdash::tui::model::PendingLogin {
            provider,
            generation: 0,
            started: fixed_now(),
            flow: PendingFlow::Device(Some(authdash::tui::model::DeviceCode {
                user_code: format!("AB{CLEAR}"),
                verification_uri: format!("https://idp.example/device\u{202e}{CLEAR}"),
                verification_uri_complete: None,
                expires_at: fixed_now() + TimeDelta::minutes(5),
                poll: None,
            })),
            add_account: false,
        });
    }
    let screen = render_sized(&model, 140, 40);
    assert_drawn_visible(
        &screen,
        "device login",
        &[
            "https://idp.example/device\\u{202e}\\u{1b}[2J",
            "A B \\ u { 1 b } [ 2 J",
        ],
    );
}

/// A response refused by the callback is said on the login screen at once,
/// the login still pending; one for an older login is not.
#[tokio::test]
async fn a_refused_sign_in_response_is_said_while_the_login_waits() {
    let demo = Demo::start().await;
    let mut model = demo.model(fixed_now());
    let generation = match press(&mut model, KeyCode::Enter).as_slice() {
        [Command::StartLogin { generation, .. }] => *generation,
        other => panic!("expected StartLogin, got {other:?}"),
    };
    let reason = "a sign-in response that was not for this login was refused; still waiting \
                  (its state is not this login's)";
    update(
        &mut model,
        Msg::LoginRefused {
            generation: generation + 100,
            reason: "stale".into(),
        },
    );
    let Screen::Login(login) = &model.screen else {
        panic!("expected the login screen");
    };
    assert_eq!(
        login.notice, None,
        "another login's refusal is not this one's"
    );
    update(
        &mut model,
        Msg::LoginRefused {
            generation,
            reason: reason.into(),
        },
    );
    let Screen::Login(login) = &model.screen else {
        panic!("expected the login screen");
    };
    assert!(login.pending.is_some(), "the login goes on");
    assert_eq!(login.notice.as_ref().map(|n| n.text.as_str()), Some(reason));
    assert!(render(&model).contains("was refused; still waiting"));
}

/// `p` on the login screen: the paste-back login. The address is typed
/// (or pasted) back into the screen; a wrong one is refused with a line and
/// the login goes on; the right one logs in.
#[tokio::test]
async fn the_paste_choice_logs_in_with_the_address_typed_back() {
    let demo = Demo::start().await;
    let data = tempfile::tempdir().expect("temp dir");
    let mut app = demo.app(data.path(), fixed_now());
    app.handle(key_event(KeyCode::Char('p')));
    pump_until(&mut app, "the login URL", |m| {
        matches!(m, Msg::LoginUrl { .. })
    })
    .await;
    let url = match &app.model.screen {
        Screen::Login(login) => match &login.pending.as_ref().expect("a login").flow {
            PendingFlow::Paste { url, .. } => url.clone().expect("the URL is shown"),
            other => panic!("a paste-back login: {other:?}"),
        },
        Screen::Dashboard(_) => panic!("still on the login screen"),
    };
    let screen = render(&app.model);
    assert!(screen.contains("Paste it here"), "{screen}");
    let landed = browser::authorize_redirect(&url, "alice")
        .await
        .expect("signed in at the provider");
    let type_in = |app: &mut App, text: &str| {
        for c in text.chars() {
            app.handle(key_event(KeyCode::Char(c)));
        }
        app.handle(key_event(KeyCode::Enter));
    };
    type_in(&mut app, "not an address, and q does not quit");
    assert!(!app.model.quit);
    pump_until(&mut app, "the refusal", |m| {
        matches!(m, Msg::LoginRefused { .. })
    })
    .await;
    assert!(render(&app.model).contains("not an address"));
    type_in(&mut app, landed.as_str());
    pump_until(&mut app, "the end of the login", |m| {
        matches!(m, Msg::LoginFinished { .. })
    })
    .await;
    assert_eq!(
        dash(&app.model).session.user.email.as_deref(),
        Some("alice@example.com")
    );
}

// ------------------------------------------------------- the action table

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

/// Every hint in the footer names a key that, pressed in that state, runs
/// the hinted action and visibly does something (or asks for work).
#[tokio::test]
async fn every_footer_hint_names_a_key_that_does_something() {
    let demo = Demo::start().await;
    let session = demo.sign_in("alice").await;
    for (name, dashboard, keys) in STATES {
        let model = state(&demo, &session, *dashboard, keys);
        let hints = footer_hints(&model);
        assert!(!hints.is_empty(), "{name}: no hints");
        for hint in hints {
            let mut model = state(&demo, &session, *dashboard, keys);
            let contexts = contexts(&model);
            assert_eq!(
                resolve(&model, &contexts, hint.key),
                Some((hint.context, hint.action)),
                "{name}: the hint {} {} runs something else",
                hint.key,
                hint.word
            );
            let before = render(&model);
            let commands = update(&mut model, event_for(hint.key));
            let after = render(&model);
            assert!(
                model.quit || !commands.is_empty() || before != after,
                "{name}: the hint {} {} does nothing",
                hint.key,
                hint.word
            );
        }
    }
}

/// The footer only offers what applies: no "Esc cancel" with nothing
/// pending, and the dashboard's keys leave the footer while a popup has
/// the keyboard.
#[tokio::test]
async fn the_footer_offers_only_what_applies_now() {
    let demo = Demo::start().await;
    let session = demo.sign_in("alice").await;
    let footer = |model: &Model| render(model).lines().last().unwrap_or_default().to_owned();
    let login = state(&demo, &session, false, &[]);
    assert!(!footer(&login).contains("cancel"), "{}", footer(&login));
    let pending = state(&demo, &session, false, &[KeyCode::Enter]);
    assert!(
        footer(&pending).contains("Esc cancel"),
        "{}",
        footer(&pending)
    );
    assert!(!footer(&pending).contains("log in"), "{}", footer(&pending));
    let menu = state(&demo, &session, true, &[KeyCode::Char('m')]);
    assert!(footer(&menu).contains("Enter run"), "{}", footer(&menu));
    assert!(!footer(&menu).contains("orgs"), "{}", footer(&menu));
    assert!(!footer(&menu).contains("q quit"), "{}", footer(&menu));
}

/// `q` asks first while a login is pending; Enter quits, Esc stays.
#[tokio::test]
async fn quitting_while_a_login_is_pending_asks_first() {
    let demo = Demo::start().await;
    let mut model = demo.model(fixed_now());
    press(&mut model, KeyCode::Enter);
    press(&mut model, KeyCode::Char('q'));
    assert!(!model.quit);
    assert_eq!(model.popup, Some(Popup::ConfirmQuit));
    assert_screen!("confirm_quit", &model);
    press(&mut model, KeyCode::Esc);
    assert_eq!(model.popup, None);
    assert!(!model.quit);
    press(&mut model, KeyCode::Char('q'));
    press(&mut model, KeyCode::Enter);
    assert!(model.quit);
}

/// `:` lists the commands and places available now; typing narrows them
/// (fuzzy), `q` is a letter there, and Enter runs the first.
#[tokio::test]
async fn the_command_palette_finds_and_runs_an_action() {
    let demo = Demo::start().await;
    let mut model = demo.dashboard("alice").await;
    press(&mut model, KeyCode::Char(':'));
    assert_screen!("palette_alice", &model);
    type_text(&mut model, "qu");
    assert!(!model.quit, "q is text in the palette");
    let Some(Popup::Palette { query, .. }) = &model.popup else {
        panic!("the palette is open: {:?}", model.popup);
    };
    assert_eq!(query, "qu");
    press(&mut model, KeyCode::Backspace);
    press(&mut model, KeyCode::Backspace);
    type_text(&mut model, "bill");
    press(&mut model, KeyCode::Enter);
    assert_eq!(model.popup, None);
    assert_eq!(dash(&model).nav, NAV_BILLING, "Billing opened");
    assert_eq!(dash(&model).focus, Focus::Content);
}

/// A gated action says why instead of doing nothing: `r` on the profile.
#[tokio::test]
async fn a_disabled_action_says_why() {
    let demo = Demo::start().await;
    let mut model = demo.dashboard("alice").await;
    press(&mut model, KeyCode::Char('r'));
    let toast = model.toast.as_ref().expect("a reason");
    assert_eq!(toast.text, "Only a panel's data reloads.");
}

/// Errors queue rather than overwrite; Esc shows the next.
#[tokio::test]
async fn errors_queue_until_acknowledged() {
    let demo = Demo::start().await;
    let mut model = demo.dashboard("alice").await;
    update(&mut model, Msg::Failed("first".into()));
    update(&mut model, Msg::Failed("second".into()));
    assert_eq!(
        model.toast.as_ref().map(|t| t.text.as_str()),
        Some("First.")
    );
    assert!(render(&model).contains("Esc: next of 1 more"));
    press(&mut model, KeyCode::Esc);
    assert_eq!(
        model.toast.as_ref().map(|t| t.text.as_str()),
        Some("Second.")
    );
    press(&mut model, KeyCode::Esc);
    assert_eq!(model.toast, None);
}

/// `c` during a device login puts the code on the clipboard (the loop
/// sends it as OSC 52).
#[tokio::test]
async fn c_copies_the_device_code() {
    let demo = Demo::start().await;
    let mut model = device_screen(
        &demo,
        authdash::tui::model::DeviceCode {
            user_code: "WDJB-MJHT".into(),
            verification_uri: "http://127.0.0.1:1/device".into(),
            verification_uri_complete: None,
            expires_at: fixed_now() + TimeDelta::minutes(10),
            poll: None,
        },
    );
    press(&mut model, KeyCode::Char('c'));
    assert_eq!(model.clipboard.as_deref(), Some("WDJB-MJHT"));
    assert_eq!(
        authdash::tui::clipboard::osc52("WDJB-MJHT"),
        "\u{1b}]52;c;V0RKQi1NSkhU\u{7}"
    );
}

// ------------------------------------------------------------------ mouse

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

/// A click picks a navigation entry, an organization row and a menu item;
/// the mouse is never captured on the login screen.
#[tokio::test]
async fn clicks_pick_navigation_entries_rows_and_menu_items() {
    let demo = Demo::start().await;
    let login = demo.model(fixed_now());
    assert!(
        !login.wants_mouse(),
        "capture stays off on the login screen"
    );
    let mut model = demo.dashboard("alice").await;
    assert!(model.wants_mouse());
    // Rows: header 2, the list's border 1, then Profile, Organizations…
    click(&mut model, 5, 5);
    assert_eq!(dash(&model).nav, 2, "Session");
    click(&mut model, 5, 4);
    assert_eq!(dash(&model).nav, 1, "Organizations");
    // The second organization: the second row below the list's border.
    click(&mut model, 40, 4);
    assert_eq!(dash(&model).orgs.selected, 1);
    assert_eq!(dash(&model).focus, Focus::Content);
    // The menu's last item, Quit.
    press(&mut model, KeyCode::Char('m'));
    let quit_row = render(&model)
        .lines()
        .position(|l| l.contains(" Quit "))
        .expect("the menu shows Quit") as u16;
    click(&mut model, WIDTH / 2, quit_row);
    assert!(model.quit, "Quit clicked");
    // `M` lets go of the mouse.
    let mut model = demo.dashboard("alice").await;
    press(&mut model, KeyCode::Char('M'));
    assert!(!model.wants_mouse());
    assert!(click(&mut model, 5, 5).is_empty());
    assert_eq!(dash(&model).nav, 0);
}

/// `/` filters the list in focus: the navigation (Enter opens the match,
/// Esc ends the typing and again clears it, `1`..`9` still name the whole
/// list's entries).
#[tokio::test]
async fn slash_filters_the_navigation_list() {
    let demo = Demo::start().await;
    let mut model = demo.dashboard("alice").await;
    press(&mut model, KeyCode::Char('/'));
    assert!(model.text_input_active());
    // Typing moves the selection to a match, which loads as it shows.
    for c in "BIL".chars() {
        press(&mut model, KeyCode::Char(c));
    }
    let titles = |model: &Model| -> Vec<String> {
        let d = dash(model);
        model
            .visible_nav(d)
            .iter()
            .map(|&i| model.nav_title(model.nav_items()[i]).to_owned())
            .collect()
    };
    assert_eq!(titles(&model), ["Billing"]);
    assert_eq!(dash(&model).nav, 3, "the selection follows the match");
    let screen = render(&model);
    assert!(screen.contains("Billing"), "{screen}");
    assert!(!screen.contains("Organizations"), "{screen}");
    assert!(screen.contains("/BIL▏"), "the filter shows: {screen}");
    // `q` is a letter here.
    press(&mut model, KeyCode::Char('q'));
    assert!(!model.quit);
    assert!(titles(&model).is_empty(), "nothing has bilq");
    press(&mut model, KeyCode::Backspace);
    press(&mut model, KeyCode::Enter);
    assert_eq!(dash(&model).focus, Focus::Content);
    assert!(!model.text_input_active());
    // Billing's data is awaited: Esc stops waiting first, then goes back
    // to the list, and once more clears the filter.
    let commands = press(&mut model, KeyCode::Esc);
    assert!(
        matches!(commands.as_slice(), [Command::CancelPanels]),
        "the first Esc stops the wait: {commands:?}"
    );
    assert_eq!(dash(&model).focus, Focus::Content);
    press(&mut model, KeyCode::Esc);
    assert_eq!(dash(&model).focus, Focus::Nav);
    assert_eq!(titles(&model), ["Billing"]);
    press(&mut model, KeyCode::Esc);
    assert_eq!(titles(&model).len(), model.nav_items().len());
    // A filter with two matches: the arrows step over the others.
    press(&mut model, KeyCode::Char('/'));
    for c in "ion".chars() {
        press(&mut model, KeyCode::Char(c));
    }
    assert_eq!(titles(&model), ["Organizations", "Session"]);
    assert_eq!(
        dash(&model).nav,
        1,
        "Billing no longer matches: the first match"
    );
    press(&mut model, KeyCode::Down);
    assert_eq!(dash(&model).nav, 2, "Session");
    press(&mut model, KeyCode::Down);
    assert_eq!(dash(&model).nav, 2, "the last match");
    press(&mut model, KeyCode::Up);
    assert_eq!(dash(&model).nav, 1, "Organizations");
    press(&mut model, KeyCode::Esc);
    // A click picks the second line shown, Session.
    click(&mut model, 5, 4);
    assert_eq!(dash(&model).nav, 2);
    // The numbers jump over the filter, and drop it.
    press(&mut model, KeyCode::Char('4'));
    assert_eq!(dash(&model).nav, 3);
    assert_eq!(titles(&model).len(), model.nav_items().len());
}

/// The login screen's ways to log in filter too: "code" leaves the device
/// login, and Enter starts it; `q` is a letter while typing.
#[tokio::test]
async fn slash_filters_the_ways_to_log_in() {
    let demo = Demo::start().await;
    let mut model = demo.model(fixed_now());
    model.providers[0].lookup = Lookup::Found { device: true };
    // The browser, a code, the demo's sign-in from the terminal, pasting
    // the address back.
    assert_eq!(model.login_rows().len(), 4);
    press(&mut model, KeyCode::Char('/'));
    type_text(&mut model, "qcode");
    assert!(!model.quit);
    assert!(render(&model).contains("No way"), "nothing has qcode");
    for _ in 0..5 {
        press(&mut model, KeyCode::Backspace);
    }
    type_text(&mut model, "code");
    let screen = render(&model);
    assert!(screen.contains("With a code (device login)"), "{screen}");
    assert!(!screen.contains("In the browser"), "{screen}");
    let commands = press(&mut model, KeyCode::Enter);
    assert!(
        matches!(
            commands.as_slice(),
            [Command::StartLogin {
                flow: LoginFlow::Device,
                ..
            }]
        ),
        "{commands:?}"
    );
}

/// The menu filters too: only the log-out lines for "log", Enter runs the
/// one selected, and a filter that leaves nothing says so.
#[tokio::test]
async fn slash_filters_the_menu() {
    let demo = Demo::start().await;
    let mut model = demo.dashboard("alice").await;
    press(&mut model, KeyCode::Char('m'));
    press(&mut model, KeyCode::Char('/'));
    type_text(&mut model, "log");
    let screen = render(&model);
    assert!(screen.contains("Log out"), "{screen}");
    assert!(!screen.contains("Switch organization"), "{screen}");
    assert!(!screen.contains("Quit"), "{screen}");
    // Add account (log in as someone else), Log out, Log out also in the
    // browser: Down three times wraps round to Log out.
    for _ in 0..4 {
        press(&mut model, KeyCode::Down);
    }
    let commands = press(&mut model, KeyCode::Enter);
    assert!(
        matches!(
            commands.as_slice(),
            [Command::Logout {
                in_browser: false,
                everywhere: false,
                ..
            }]
        ),
        "{commands:?}"
    );
    let mut model = demo.dashboard("alice").await;
    press(&mut model, KeyCode::Char('m'));
    press(&mut model, KeyCode::Char('/'));
    type_text(&mut model, "zzz");
    press(&mut model, KeyCode::Esc);
    assert!(model.popup.is_some(), "Esc ends the typing first");
    assert!(press(&mut model, KeyCode::Enter).is_empty());
    let said = model.toast.as_ref().map(|t| t.text.clone());
    assert_eq!(said.as_deref(), Some("No item matches the filter."));
    press(&mut model, KeyCode::Esc); // the message
    press(&mut model, KeyCode::Esc);
    assert_eq!(model.popup, None);
}

/// Tab and Shift-Tab step through the list's entries like tabs, the focus
/// staying where it is; they wrap at the ends.
#[tokio::test]
async fn tab_steps_through_the_panels() {
    let demo = Demo::start().await;
    let mut model = demo.dashboard("alice").await;
    press(&mut model, KeyCode::Tab);
    assert_eq!(dash(&model).nav, 1);
    assert_eq!(dash(&model).focus, Focus::Nav);
    press(&mut model, KeyCode::Enter);
    let commands = press(&mut model, KeyCode::Tab);
    assert_eq!(dash(&model).nav, 2, "Session");
    assert_eq!(dash(&model).focus, Focus::Content, "the focus stays");
    assert!(
        matches!(commands.as_slice(), [Command::DescribeProvider { .. }]),
        "the panel tabbed to loads: {commands:?}"
    );
    press(&mut model, KeyCode::BackTab);
    press(&mut model, KeyCode::BackTab);
    press(&mut model, KeyCode::BackTab);
    assert_eq!(dash(&model).nav, model.nav_items().len() - 1, "wrapped");
}

// ----------------------------------------------------- sizes and accents

/// Every screen and popup at the smallest, the usual and a large size,
/// footer included; below the smallest, it says how big it needs to be.
#[tokio::test]
async fn snapshots_at_60x20_80x24_and_200x60() {
    let demo = Demo::start().await;
    let session = demo.sign_in("alice").await;
    for (name, dashboard, keys) in STATES {
        // On the dashboard, from Organizations: the profile's claims carry
        // random values and times that wrap differently at each width.
        let keys: Vec<KeyCode> = if *name == "organizations list" {
            vec![KeyCode::Char('2'), KeyCode::Enter]
        } else if *dashboard {
            std::iter::once(KeyCode::Char('2'))
                .chain(keys.iter().copied())
                .collect()
        } else {
            keys.to_vec()
        };
        let model = state(&demo, &session, *dashboard, &keys);
        for (w, h) in [(60, 20), (80, 24), (200, 60)] {
            let text = render_sized(&model, w, h);
            let name = format!("sized_{}_{w}x{h}", name.replace(' ', "_"));
            assert_screen_text!(name.as_str(), text);
        }
    }
    // The device screen, with a code of our own: nothing to redact but
    // the port.
    let model = device_screen(
        &demo,
        authdash::tui::model::DeviceCode {
            user_code: "WDJB-MJHT".into(),
            verification_uri: "https://idp.example/device".into(),
            verification_uri_complete: Some(
                "https://idp.example/device?user_code=WDJB-MJHT".into(),
            ),
            expires_at: fixed_now() + TimeDelta::minutes(10),
            poll: Some(authdash::tui::model::PollView::Waiting {
                next_at: fixed_now() + TimeDelta::seconds(6),
            }),
        },
    );
    for (w, h) in [(60, 20), (80, 24), (200, 60)] {
        let text = render_sized(&model, w, h);
        assert!(text.contains("WDJB-MJHT"), "{text}");
        assert!(text.contains("expires in 10 min"), "{text}");
        assert_screen_text!(format!("sized_device_{w}x{h}").as_str(), text);
    }
    // The account switcher, two accounts stored.
    let mut model = state(&demo, &session, true, &[]);
    let entry = |who: &str, subject: &str, active: bool| authdash::tui::model::AccountEntry {
        id: AccountId {
            issuer: session.issuer.clone(),
            subject: subject.into(),
            client_id: session.client_id.clone(),
        },
        who: who.into(),
        provider_label: "authdash demo provider".into(),
        active,
    };
    model.accounts = vec![
        entry("alice@example.com", &session.user.subject, true),
        entry("bob@example.com", "bob", false),
    ];
    model.popup = Some(Popup::Accounts {
        selected: 1,
        filter: Default::default(),
    });
    for (w, h) in [(60, 20), (80, 24), (200, 60)] {
        let text = render_sized(&model, w, h);
        assert!(text.contains("bob@example.com"), "{text}");
        assert_screen_text!(format!("sized_accounts_{w}x{h}").as_str(), text);
    }
    let model = state(&demo, &session, true, &[]);
    let small = render_sized(&model, 59, 19);
    assert!(small.contains("authdash needs at least 60x20"), "{small}");
    assert!(small.contains("this terminal is 59x19"), "{small}");
}

/// `[[authdash.accent]]` puts the label in the header where it applies:
/// the org's accent over the provider's.
#[tokio::test]
async fn the_accent_of_the_provider_and_org_is_in_the_header() {
    let demo = Demo::start().await;
    let mut model = demo.dashboard("alice").await;
    model.accents = vec![
        authdash::config::Accent {
            provider: Some("demo".into()),
            org: None,
            color: "blue".into(),
            label: Some("DEMO".into()),
        },
        authdash::config::Accent {
            provider: None,
            org: Some("Acme".into()),
            color: "red".into(),
            label: Some("PRODUCTION".into()),
        },
    ];
    let header = render(&model).lines().next().unwrap_or_default().to_owned();
    assert!(header.contains(" PRODUCTION "), "{header}");
    // Globex has no accent of its own: the provider's.
    press(&mut model, KeyCode::Down);
    press(&mut model, KeyCode::Enter);
    press(&mut model, KeyCode::Down);
    press(&mut model, KeyCode::Enter);
    let header = render(&model).lines().next().unwrap_or_default().to_owned();
    assert!(header.contains(" DEMO "), "{header}");
}

// ------------------------------------------------- a second instance

/// Two authdash with a fixed callback port: while the first waits for its
/// login, the second's login says that another authdash holds the port,
/// rather than failing obscurely.
#[tokio::test]
async fn a_second_instance_on_the_same_fixed_port_says_another_login_holds_it() {
    let demo = Demo::start().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let text = config_toml(demo._provider.issuer_str()).replacen(
        "[auth.demo]",
        &format!("[auth]\nredirect_uri = \"http://127.0.0.1:{port}/callback\"\n\n[auth.demo]"),
        1,
    );
    let config = Config::parse(Path::new("fixed.toml"), &text, &|_| None).expect("config");
    let fixed = Demo {
        _provider: demo._provider,
        config,
    };
    let (dir_a, dir_b) = (
        tempfile::tempdir().expect("temp dir"),
        tempfile::tempdir().expect("temp dir"),
    );
    let mut first = fixed.app(dir_a.path(), fixed_now());
    first.handle(key_event(KeyCode::Enter));
    pump_until(&mut first, "the first login's address", |m| {
        matches!(m, Msg::LoginUrl { .. })
    })
    .await;
    let mut second = fixed.app(dir_b.path(), fixed_now());
    second.handle(key_event(KeyCode::Enter));
    pump_until(&mut second, "the second login's end", |m| {
        matches!(m, Msg::LoginFinished { .. })
    })
    .await;
    let notice = match &second.model.screen {
        Screen::Login(l) => l.notice.clone().map(|n| n.text).unwrap_or_default(),
        Screen::Dashboard(_) => panic!("the second login cannot have succeeded"),
    };
    assert!(
        notice.contains("another authdash waiting for a login holds it"),
        "{notice}"
    );
    assert!(notice.contains(&format!("port {port}")), "{notice}");
    // Drawn too, in full (it wraps on the login screen).
    let screen = without_breaks(&render(&second.model));
    assert!(screen.contains("another authdash"), "{screen}");
}

/// The rendered screen as one line of text, row breaks and padding gone.
fn without_breaks(screen: &str) -> String {
    screen
        .lines()
        .map(|l| l.trim_matches('"').trim())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The login URL is an OSC 8 hyperlink in a real terminal: the opening
/// sequence rides in its first cell and the closing one in its last, and
/// the text between stays the URL as plain characters.
#[tokio::test]
async fn the_login_url_is_an_osc8_hyperlink() {
    let demo = Demo::start().await;
    let mut model = demo.model(fixed_now());
    press(&mut model, KeyCode::Enter);
    let generation = match &model.screen {
        Screen::Login(l) => l.pending.as_ref().expect("pending").generation,
        Screen::Dashboard(_) => panic!("login screen"),
    };
    let url = "http://127.0.0.1:1/authorize?client_id=authdash-demo&state=abc".to_owned();
    update(
        &mut model,
        Msg::LoginUrl {
            generation,
            url: url.clone(),
        },
    );
    update(
        &mut model,
        Msg::BrowserOpened {
            generation,
            result: Ok(()),
        },
    );
    model.hyperlinks = true;
    let symbols = cells(&model);
    let open = format!("\u{1b}]8;;{url}\u{1b}\\");
    let start = symbols
        .iter()
        .position(|s| s.starts_with(&open))
        .expect("the URL opens an OSC 8 link");
    assert_eq!(&symbols[start][open.len()..], "h");
    let end = symbols
        .iter()
        .position(|s| s.ends_with("\u{1b}]8;;\u{1b}\\"))
        .expect("the link is closed");
    assert!(end > start);
    // Off (as in the other tests): no escape in any cell.
    model.hyperlinks = false;
    assert!(!render(&model).contains('\u{1b}'));
}

/// The device screen's address is an OSC 8 link too, to the address shown.
#[tokio::test]
async fn the_device_address_is_an_osc8_hyperlink() {
    let demo = Demo::start().await;
    let mut model = device_screen(
        &demo,
        authdash::tui::model::DeviceCode {
            user_code: "WDJB-MJHT".into(),
            verification_uri: "https://idp.example/device".into(),
            verification_uri_complete: None,
            expires_at: fixed_now() + TimeDelta::minutes(10),
            poll: None,
        },
    );
    model.hyperlinks = true;
    let symbols = cells(&model);
    let open = "\u{1b}]8;;https://idp.example/device\u{1b}\\";
    let start = symbols
        .iter()
        .position(|s| s.starts_with(open))
        .expect("the address opens an OSC 8 link");
    assert_eq!(&symbols[start][open.len()..], "h");
    assert!(
        symbols[start..]
            .iter()
            .any(|s| s.ends_with("\u{1b}]8;;\u{1b}\\")),
        "the link is closed"
    );
    model.hyperlinks = false;
    assert!(!render(&model).contains('\u{1b}'));
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

/// What each cell of the drawn screen holds, escapes included.
fn cells(model: &Model) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("test terminal");
    terminal
        .draw(|frame| view::draw(frame, model))
        .expect("draw");
    terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol().to_owned())
        .collect()
}
