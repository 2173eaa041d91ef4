//! The dashboard as a person sees it, for snapshot and behaviour tests:
//! the in-process demo provider, real logins, and one clock for every
//! screen.
//!
//! A login happens now, on the system clock (the engine verifies the ID
//! token against it); the session is then moved onto [`CLOCK`], every time
//! it holds shifted by the same amount, so that a screen drawn at the clock
//! shows the same dates and the same countdowns on every run. Only what is
//! random by design is redacted (ports, `at_hash`, `nonce`, `sid`, device
//! codes).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use authdash::auth::{BrowserLogin, Provider, Session};
use authdash::config::Config;
use authdash::demo::{DemoProvider, DemoSettings, config_toml};
use authdash::panels::TemplateVars;
use authdash::session::{SessionService, SessionSetup};
use authdash::store::{FileStore, KeySource};
use authdash::tui::keymap::Key;
use authdash::tui::message::{Command, Msg};
use authdash::tui::model::{Model, NavItem};
use authdash::tui::update::{enter_dashboard, update};
use authdash::tui::view;
use authdash::tui::{App, Services};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::Value;

use super::browser;

/// The sizes every screen is drawn at: the smallest authdash supports, the
/// classic terminal, a laptop's half screen and a large monitor.
pub const SIZES: [(u16, u16); 4] = [(60, 20), (80, 24), (120, 36), (200, 60)];

/// Upper bound for one login or one message from the app.
pub const WAIT: Duration = Duration::from_secs(30);

/// The one clock of every screen test.
pub fn clock() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 14, 9, 26, 53)
        .single()
        .expect("a valid date")
}

/// Claims whose values are random by design.
const RANDOM_CLAIMS: [&str; 5] = ["at_hash", "c_hash", "nonce", "sid", "jti"];

/// Claims holding seconds since the epoch.
const TIME_CLAIMS: [&str; 5] = ["iat", "exp", "auth_time", "nbf", "updated_at"];

/// Move every time a session holds onto `at`: the login at `at`, each
/// other time as far from it as it was. The ID token's claims (whole
/// seconds) keep their distances from its `iat`, which becomes `at`: a
/// login's times straddle a second now and then, which would move "just
/// now" to "1 s ago" between runs.
pub fn rebase(session: &mut Session, at: DateTime<Utc>) {
    let from = session.logged_in_at;
    let moved = |t: DateTime<Utc>| at + (t - from);
    session.logged_in_at = at;
    session.refreshed_at = session.refreshed_at.map(moved);
    session.tokens.expires_at = session.tokens.expires_at.map(moved);
    let Some(iat) = session.id_claims.get("iat").and_then(Value::as_i64) else {
        return;
    };
    let shift = at.timestamp() - iat;
    let shift_claims = |claims: &mut std::collections::BTreeMap<String, Value>| {
        for name in TIME_CLAIMS {
            if let Some(secs) = claims.get(name).and_then(Value::as_i64) {
                // The sign-in and the token's issue are one moment on
                // screen, whichever side of a second each fell, and
                // however long a loaded machine took between them.
                let secs = if (secs - iat).abs() <= 30 { iat } else { secs };
                claims.insert(name.into(), Value::from(secs + shift));
            }
        }
        // Random by design: the same length, the same text every run.
        for name in RANDOM_CLAIMS {
            if let Some(Value::String(text)) = claims.get_mut(name) {
                *text = "r".repeat(text.chars().count());
            }
        }
    };
    shift_claims(&mut session.id_claims);
    if let Some(userinfo) = &mut session.userinfo {
        shift_claims(userinfo);
    }
}

/// The demo provider on a free port of 127.0.0.1 and the demo config for it.
pub struct Demo {
    pub provider: DemoProvider,
    pub config: Config,
}

impl Demo {
    pub async fn start() -> Self {
        Self::start_with(DemoSettings::default()).await
    }

    pub async fn start_with(settings: DemoSettings) -> Self {
        Self::start_with_panels(settings, "").await
    }

    /// The demo with more panels: `extra` is TOML appended to the demo's
    /// config, `{issuer}` in it replaced by the provider's address.
    pub async fn start_with_panels(settings: DemoSettings, extra: &str) -> Self {
        let provider = DemoProvider::start(settings)
            .await
            .expect("the demo provider starts");
        let issuer = provider.issuer_str().trim_end_matches('/').to_owned();
        let text = config_toml(&issuer) + &extra.replace("{issuer}", &issuer);
        let config = Config::parse(Path::new("demo.toml"), &text, &|_| None)
            .expect("the demo config parses");
        Self { provider, config }
    }

    /// The demo with `authdash demo`'s own panels and provider: Billing
    /// (and the Usage and Invoices picked from it) and Reports on APIs of
    /// their own, which take only a JWT whose `aud` is theirs.
    pub async fn start_with_apis() -> Self {
        let settings = DemoSettings {
            login_token_at_apis: false,
            ..DemoSettings::default()
        };
        let provider = DemoProvider::start(settings)
            .await
            .expect("the demo provider starts");
        let text = authdash::demo::config_toml_with_apis(provider.issuer_str());
        let config = Config::parse(Path::new("demo.toml"), &text, &|_| None)
            .expect("the demo config parses");
        Self { provider, config }
    }

    /// Carry out the panel fetches among `commands` as the app's effects
    /// do, through the session service (an http source with the session's
    /// token, a command source with it in its environment), and hand each
    /// answer to `update`.
    pub async fn run(&self, model: &mut Model, commands: Vec<Command>) {
        let dir = tempfile::tempdir().expect("a folder for the store");
        let service = Arc::new(
            self.service(dir.path())
                .with_program_environment(std::env::vars_os()),
        );
        // The model's session lives on the one clock, years before the
        // provider's; its token is fresh at the provider: use it as is.
        answer_fetches(&service, model, commands, |session| {
            session.tokens.expires_at = None
        })
        .await;
    }

    /// Move the navigation to panel `id` with ↓ and ↑, as a person would,
    /// and load it (the panels passed on the way stay loading). Every
    /// command the keys gave is returned, the fetch run included.
    pub async fn open(&self, model: &mut Model, id: &str) -> Vec<Command> {
        let (fetch, rest): (Vec<Command>, Vec<Command>) = nav_to_panel(model, id)
            .into_iter()
            .partition(|c| matches!(c, Command::FetchPanel { spec, .. } if spec.id == id));
        assert!(fetch.len() <= 1, "one fetch for the panel reached");
        self.run(model, fetch).await;
        rest
    }

    /// The demo as `authdash demo` runs it ("log out everywhere" set up
    /// with the demo's backend key), with `extra` (more panels, say) added
    /// to its config; `{issuer}` in it is the provider's address.
    pub async fn start_as_the_binary(extra: &str) -> Self {
        let provider = DemoProvider::start(DemoSettings::default())
            .await
            .expect("the demo provider starts");
        let issuer = provider.issuer_str().trim_end_matches('/').to_owned();
        let text = config_toml(&issuer) + &extra.replace("{issuer}", &issuer);
        let key = provider.backend_api_key().to_owned();
        let env =
            move |name: &str| (name == authdash::demo::DEMO_BACKEND_KEY_ENV).then(|| key.clone());
        let config =
            Config::parse(Path::new("demo.toml"), &text, &env).expect("the demo config parses");
        Self { provider, config }
    }

    /// The session service over a store in `dir` (made private; the key
    /// in a file beside the store), as `authdash demo` has it. Two of them
    /// on one folder are two processes sharing a store.
    pub fn service(&self, dir: &Path) -> SessionService {
        std::fs::create_dir_all(dir).expect("the store's folder");
        std::fs::set_permissions(dir, std::os::unix::fs::PermissionsExt::from_mode(0o700))
            .expect("the store's folder made private");
        let store = FileStore::new(dir, KeySource::KeyFile(dir.join("store.key")));
        SessionService::new(SessionSetup {
            config: self.config.clone(),
            store_path: store.path(),
            store: Arc::new(store),
            data_dir: dir.to_owned(),
            browser_var: None,
            discovery_cache: None,
        })
        .with_url_opener(browser::played_by_the_test())
    }

    /// The app with real effects over the store in `dir`, the stored
    /// session resumed (times in UTC). Its sessions are real ones
    /// ([`Self::login_asking`]), which the provider renews on the wall
    /// clock: the app's clock is set there, at `now`, and moves only when
    /// ticked.
    pub async fn resumed_app(&self, dir: &Path, now: DateTime<Utc>) -> App {
        let services = Services {
            session: self.service(dir),
            browser_available: true,
            demo_sign_in: None,
            over_ssh: false,
        };
        let mut app = App::new(services, true, now);
        app.model.utc = true;
        app.resume_stored_session().await;
        app
    }

    /// A model as `authdash demo` starts with, at the clock, times in UTC.
    pub fn model(&self) -> Model {
        let mut model = Model::new(&self.config, clock());
        model.utc = true;
        model.demo = true;
        model.demo_sign_in = Some(self.provider.terminal_sign_in());
        model
    }

    /// A real, verified session of `user` (signed in on the demo
    /// provider's page, through a real loopback callback), moved onto the
    /// clock.
    pub async fn session(&self, user: &str) -> Session {
        self.session_asking(user, Vec::new()).await
    }

    /// The same login asking the provider for `scopes` beyond the
    /// configured ones (a step-up); the provider grants those it knows.
    pub async fn session_asking(&self, user: &str, scopes: Vec<String>) -> Session {
        let mut session = self.login_asking(user, scopes).await;
        rebase(&mut session, clock());
        session
    }

    /// A real session of `user`, asking for `scopes` too, on the wall
    /// clock: for the app's own effects, whose renewals the provider
    /// verifies against the first login's times.
    pub async fn login_asking(&self, user: &str, scopes: Vec<String>) -> Session {
        sign_in(&self.config, user, scopes).await
    }

    /// The dashboard right after `user` logged in, at the clock. The
    /// commands it asked for (none on Profile) are returned beside it.
    pub async fn dashboard(&self, user: &str) -> (Model, Vec<Command>) {
        let session = self.session(user).await;
        let mut model = self.model();
        let commands = enter_dashboard(&mut model, session);
        (model, commands)
    }
}

impl Demo {
    /// The app as `authdash demo` runs it, with real effects: logins
    /// against the demo provider, the store in `data_dir`, the demo's
    /// sign-in from the terminal. `$BROWSER` is `true`: "opening the
    /// browser" succeeds and shows nothing. `browser_available` is what
    /// the binary would have found out about the machine.
    pub fn app(&self, data_dir: &Path, browser_available: bool) -> App {
        app(
            &self.config,
            &self.provider,
            data_dir,
            browser_available,
            clock(),
        )
    }
}

/// Carry out the panel fetches among `commands` through `service`, as the
/// app's effects do, each session first given to `adjust`, and hand each
/// answer to `update`.
pub async fn answer_fetches(
    service: &Arc<SessionService>,
    model: &mut Model,
    commands: Vec<Command>,
    adjust: impl Fn(&mut Session),
) {
    for command in commands {
        let Command::FetchPanel {
            generation,
            spec,
            org_id,
            org_name,
            session,
        } = command
        else {
            continue;
        };
        let vars = TemplateVars {
            org_id: &org_id,
            org_name: &org_name,
            user_id: &session.user.subject,
        };
        let mut session = (*session).clone();
        adjust(&mut session);
        let fetched = tokio::time::timeout(WAIT, service.fetch_source(&session, &spec, vars))
            .await
            .expect("the panel's data in time");
        update(
            model,
            Msg::PanelLoaded {
                generation,
                panel_id: spec.id.clone(),
                result: fetched.data,
            },
        );
    }
}

/// A real session of `user` at the first provider of `config`, asking for
/// `scopes` too: signed in on the demo provider's page, through a real
/// loopback callback, on the wall clock.
pub async fn sign_in(config: &Config, user: &str, scopes: Vec<String>) -> Session {
    let login = async {
        let provider = Arc::new(
            Provider::discover(&config.providers[0], &config.http)
                .await
                .expect("discovery"),
        );
        let options = authdash::auth::LoginOptions {
            extra_scopes: scopes,
            ..Default::default()
        };
        let login = BrowserLogin::start(provider, WAIT, options)
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
    tokio::time::timeout(WAIT, login)
        .await
        .expect("the login finishes in time")
}

/// The app as `authdash demo` runs it with `config`, at `now`, with real
/// effects: logins against `provider`, the store in `data_dir`, the demo's
/// sign-in from the terminal. `$BROWSER` is `true`: "opening the browser"
/// succeeds and shows nothing.
pub fn app(
    config: &Config,
    provider: &DemoProvider,
    data_dir: &Path,
    browser_available: bool,
    now: DateTime<Utc>,
) -> App {
    app_with(config, provider, data_dir, browser_available, now, |s| s)
}

/// [`app`] with its session service set up by `setup` (a test-only
/// setting, such as the device poll's speed-up).
pub fn app_with(
    config: &Config,
    provider: &DemoProvider,
    data_dir: &Path,
    browser_available: bool,
    now: DateTime<Utc>,
    setup: impl FnOnce(SessionService) -> SessionService,
) -> App {
    // The store refuses a folder others can read.
    #[cfg(unix)]
    std::fs::set_permissions(
        data_dir,
        std::os::unix::fs::PermissionsExt::from_mode(0o700),
    )
    .expect("data dir made private");
    let store = FileStore::new(data_dir, KeySource::KeyFile(data_dir.join("store.key")));
    let services = Services {
        session: setup(
            SessionService::new(SessionSetup {
                config: config.clone(),
                store_path: store.path(),
                store: Arc::new(store),
                data_dir: data_dir.to_owned(),
                browser_var: None,
                discovery_cache: None,
            })
            .with_url_opener(browser::played_by_the_test()),
        ),
        browser_available,
        demo_sign_in: Some(provider.terminal_sign_in()),
        over_ssh: false,
    };
    let mut app = App::new(services, true, now);
    app.model.utc = true;
    app
}

/// Apply the app's messages until one matches `done` (that one too); every
/// wait bounded by [`WAIT`]. A failure the app reports ends the test.
pub async fn pump_until(app: &mut App, what: &str, done: impl Fn(&Msg) -> bool) {
    loop {
        let msg = tokio::time::timeout(WAIT, app.next_message())
            .await
            .unwrap_or_else(|_| panic!("no {what} within {WAIT:?}"))
            .expect("the app's channel is open");
        if let Msg::Failed(text) = &msg {
            panic!("the app reported a failure while waiting for {what}: {text}");
        }
        let stop = done(&msg);
        app.handle(msg);
        if stop {
            return;
        }
    }
}

pub fn key_event(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// Hand the app's messages to `update` until one matches `done` (that one
/// included), failures the app reports among them; every wait bounded by
/// [`WAIT`].
pub async fn pump_through(app: &mut App, what: &str, done: impl Fn(&Msg) -> bool) {
    loop {
        let msg = tokio::time::timeout(WAIT, app.next_message())
            .await
            .unwrap_or_else(|_| panic!("no {what} within {WAIT:?}"))
            .expect("the app's channel is open");
        let stop = done(&msg);
        app.handle(msg);
        if stop {
            return;
        }
    }
}

/// A key for the app, as its loop hands it on.
pub fn app_press(app: &mut App, code: KeyCode) {
    app.handle(key_event(code));
}

/// A key as `update` gets it from the terminal.
pub fn press(model: &mut Model, code: KeyCode) -> Vec<Command> {
    update(model, key_event(code))
}

/// Enter on the login screen's browser choice, then what a browser login
/// answers: the authorization address `url`, and the browser opened.
pub fn browser_login_waiting(model: &mut Model, url: &str) {
    press(model, KeyCode::Enter);
    let generation = match &model.screen {
        authdash::tui::model::Screen::Login(login) => {
            login
                .pending
                .as_ref()
                .expect("a login under way")
                .generation
        }
        authdash::tui::model::Screen::Dashboard(_) => panic!("the login screen expected"),
    };
    for msg in [
        Msg::LoginUrl {
            generation,
            url: url.to_owned(),
        },
        Msg::BrowserOpened {
            generation,
            result: Ok(()),
        },
    ] {
        update(model, msg);
    }
}

/// Move the navigation to panel `id` with ↓ and ↑, as a person would:
/// the commands of every key (the panels passed on the way start fetches
/// the next move cancels).
pub fn nav_to_panel(model: &mut Model, id: &str) -> Vec<Command> {
    let index = model.panels.iter().position(|p| p.id == id).expect("panel");
    let target = model
        .nav_items()
        .iter()
        .position(|n| *n == NavItem::Panel(index))
        .expect("in the navigation");
    let mut commands = Vec::new();
    loop {
        let current = model.dashboard().map(|d| d.nav).unwrap_or_default();
        if current == target {
            return commands;
        }
        let code = if current < target {
            KeyCode::Down
        } else {
            KeyCode::Up
        };
        commands.extend(press(model, code));
    }
}

/// `commands` are the one logout everywhere (revoking at the provider
/// and ending its sessions, no browser sign-out).
#[track_caller]
pub fn assert_logs_out_everywhere(commands: &[Command]) {
    assert!(
        matches!(
            commands,
            [Command::Logout {
                everywhere: true,
                in_browser: false,
                ..
            }]
        ),
        "{commands:?}"
    );
}

/// Several keys; the commands of all of them.
pub fn keys(model: &mut Model, codes: &[KeyCode]) -> Vec<Command> {
    codes.iter().flat_map(|c| press(model, *c)).collect()
}

/// A key with modifiers, as the keymap writes it.
pub fn press_key(model: &mut Model, key: Key) -> Vec<Command> {
    let event = match key {
        Key::Char(c) => KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE),
        Key::Ctrl(c) => KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL),
        other => panic!("press_key takes characters; use press for {other:?}"),
    };
    update(model, Msg::Key(event))
}

/// Letters typed into whatever has the keyboard.
pub fn type_text(model: &mut Model, text: &str) {
    for c in text.chars() {
        press(model, KeyCode::Char(c));
    }
}

/// The screen as text, one quoted line per row.
pub fn render(model: &Model, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|frame| view::draw(frame, model))
        .expect("draw");
    terminal.backend().to_string()
}

/// The screen as cells, with their styles.
pub fn buffer(model: &Model, width: u16, height: u16) -> ratatui::buffer::Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|frame| view::draw(frame, model))
        .expect("draw");
    terminal.backend().buffer().clone()
}

/// The letters of the first row holding `text` whose cells carry
/// `modifier`, in order.
pub fn marked_in_row(
    buffer: &ratatui::buffer::Buffer,
    text: &str,
    modifier: ratatui::style::Modifier,
) -> String {
    let area = buffer.area;
    for y in area.top()..area.bottom() {
        let row: String = (area.left()..area.right())
            .map(|x| buffer[(x, y)].symbol().to_owned())
            .collect();
        if row.contains(text) {
            return (area.left()..area.right())
                .filter(|x| buffer[(*x, y)].modifier.contains(modifier))
                .map(|x| buffer[(x, y)].symbol().to_owned())
                .collect();
        }
    }
    String::new()
}

/// The screen's rows without the quotes `TestBackend` puts round them.
pub fn rows(model: &Model, width: u16, height: u16) -> Vec<String> {
    render(model, width, height)
        .lines()
        .map(|l| {
            l.strip_prefix('"')
                .and_then(|l| l.strip_suffix('"'))
                .unwrap_or(l)
                .to_owned()
        })
        .collect()
}

/// The terminal's size, as the app reports it at start and on a resize.
pub fn resize(model: &mut Model, width: u16, height: u16) -> Vec<Command> {
    update(model, Msg::Resize { width, height })
}

/// Advance the model's clock by `by` (a tick, as the app sends them).
pub fn tick(model: &mut Model, by: TimeDelta) -> Vec<Command> {
    let now = model.now + by;
    update(model, Msg::Tick(now))
}

/// What is random by design, redacted; everything else stays.
pub fn filters() -> Vec<(String, String)> {
    let value = "[A-Za-z0-9_-]*";
    let brk = r#"(?:[ ]*"\n"[ ]?)"#;
    vec![
        (
            format!("(?P<k>state|nonce|code_challenge)={value}(?P<b>{brk})?{value}"),
            "${k}=[RANDOM]${b}".into(),
        ),
        // Loopback ports keep their width so that columns stay put.
        (
            r"(?P<h>127\.0\.0\.1|localhost)(?P<c>:|%3A)\d{4,5}".into(),
            "${h}${c}PORT_".into(),
        ),
        (
            r"(?P<a>[│ ] +)[B-Z](?: [B-Z]){3} - [B-Z](?: [B-Z]){3}".into(),
            "${a}X X X X - X X X X".into(),
        ),
        (r"\b[B-Z]{4}-[B-Z]{4}\b".into(), "XXXX-XXXX".into()),
        // The forward of a loopback port names it first.
        (r"ssh -L \d{4,5}:".into(), "ssh -L PORT_:".into()),
        (r#"[█▀▄][█▀▄ ]{8,}[█▀▄]"#.into(), "[QR]".into()),
    ]
}

/// Snapshot the screen at one size, named `name_WxH`.
#[macro_export]
macro_rules! assert_screen {
    ($name:expr, $model:expr, $width:expr, $height:expr) => {{
        let text = $crate::support::screens::render($model, $width, $height);
        let owned = $crate::support::screens::filters();
        let filters: Vec<(&str, &str)> = owned
            .iter()
            .map(|(p, r)| (p.as_str(), r.as_str()))
            .collect();
        let name = format!("{}_{}x{}", $name, $width, $height);
        insta::with_settings!({
            filters => filters,
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, text);
        });
    }};
}

/// Snapshot the screen at every one of [`SIZES`].
#[macro_export]
macro_rules! assert_screens {
    ($name:expr, $model:expr) => {{
        for (width, height) in $crate::support::screens::SIZES {
            $crate::assert_screen!($name, $model, width, height);
        }
    }};
}
