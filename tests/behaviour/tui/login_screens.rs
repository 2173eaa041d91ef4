//! The login screens: each provider a heading with its ways beneath, what
//! the selected way does next, the waiting screens (the address on one
//! line), the device code on loopback and elsewhere, and the demo's
//! sign-in from the terminal, run for real against the demo provider.

use std::path::Path;

use authdash::config::Config;
use authdash::session::BrowserStandIn;
use authdash::tui::message::{Command, Msg};
use authdash::tui::model::{
    DeviceCode, LoginFlow, Model, PendingFlow, PendingLogin, PollView, Screen,
};
use authdash::tui::update::update;
use chrono::TimeDelta;
use crossterm::event::KeyCode;

use crate::support::screens::{
    Demo, SIZES, browser_login_waiting, clock, key_event, press, pump_until, rows,
};
use crate::{assert_screen, assert_screens};

/// Discovery answered: whether `provider` offers the device login.
fn discovered(model: &mut Model, provider: &str, result: Result<bool, String>) {
    update(
        model,
        Msg::Discovered {
            provider: provider.into(),
            result,
        },
    );
}

/// The flow of the selected line.
fn selected_flow(model: &Model) -> Option<LoginFlow> {
    match &model.screen {
        Screen::Login(login) => model.login_rows().get(login.selected).map(|r| r.flow),
        Screen::Dashboard(_) => None,
    }
}

/// Down until the selected line is `flow` of provider `provider`.
fn select(model: &mut Model, provider: usize, flow: LoginFlow) {
    for _ in 0..model.login_rows().len() {
        let Screen::Login(login) = &model.screen else {
            panic!("the login screen");
        };
        if model
            .login_rows()
            .get(login.selected)
            .map(|r| (r.provider, r.flow))
            == Some((provider, flow))
        {
            return;
        }
        press(model, KeyCode::Down);
    }
    panic!("no line {flow:?} for provider {provider}");
}

fn pending(model: &Model) -> &PendingLogin {
    match &model.screen {
        Screen::Login(login) => login.pending.as_ref().expect("a login under way"),
        Screen::Dashboard(_) => panic!("still the login screen expected"),
    }
}

/// Two providers of a company, neither the demo's.
fn two_providers() -> Config {
    let text = r#"
[auth.acme]
label = "Acme (Okta)"
client_id = "0oa1b2c3d4"
server_metadata_url = "https://acme.okta.com/.well-known/openid-configuration"

[auth.globex]
label = "Globex (Keycloak)"
client_id = "authdash"
server_metadata_url = "https://sso.globex.example/realms/main/.well-known/openid-configuration"
"#;
    Config::parse(Path::new("two.toml"), text, &|_| None).expect("the config parses")
}

fn two_provider_model() -> Model {
    let mut model = Model::new(&two_providers(), clock());
    model.utc = true;
    discovered(&mut model, "acme", Ok(true));
    discovered(&mut model, "globex", Ok(false));
    model
}

/// A login address as long as a real one (PKCE, state, nonce, scopes).
fn long_url(issuer: &str) -> String {
    format!(
        "{issuer}/authorize?response_type=code&client_id=authdash-demo\
         &state=q0Xq3b1sKc9hZ2VXmN4r7A\
         &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256\
         &redirect_uri=http%3A%2F%2F127.0.0.1%3A41234%2Fcallback\
         &scope=openid+profile+email+offline_access&nonce=n0S6WzA2Mj9x"
    )
}

/// A device code whose verification address is `uri`.
fn device_code(uri: &str) -> DeviceCode {
    DeviceCode {
        user_code: "BCDF-GHJK".into(),
        verification_uri: uri.into(),
        verification_uri_complete: Some(format!("{uri}?user_code=BCDF-GHJK")),
        expires_at: clock() + TimeDelta::minutes(10),
        poll: None,
    }
}

/// Start the selected way (Enter) and answer it with a device code to
/// enter at `uri`.
fn device_login(model: &mut Model, uri: &str) {
    let commands = press(model, KeyCode::Enter);
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
    let generation = pending(model).generation;
    update(
        model,
        Msg::DeviceCode {
            generation,
            code: device_code(uri),
        },
    );
    update(
        model,
        Msg::DevicePoll {
            generation,
            poll: PollView::Waiting {
                next_at: clock() + TimeDelta::seconds(5),
            },
        },
    );
}

#[tokio::test]
async fn the_demo_lists_its_ways_under_the_provider() {
    let demo = Demo::start().await;
    let mut model = demo.model();
    discovered(&mut model, "demo", Ok(true));
    assert_screens!("login_demo", &model);
    for (width, height) in SIZES {
        let screen = rows(&model, width, height);
        // The label once, as a heading; each way told apart whole, on
        // its own line.
        let headings = screen
            .iter()
            .filter(|r| r.contains("authdash demo provider  http://127.0.0.1:"))
            .count();
        assert_eq!(headings, 1, "{width}x{height}:\n{}", screen.join("\n"));
        for way in [
            "In the browser",
            "With a code (device login)",
            "From this terminal, as a demo user",
            "By pasting the address back",
        ] {
            let line = screen.iter().find(|r| r.contains(way));
            assert!(
                line.is_some_and(|l| !l.contains("authdash demo provider")),
                "{way} at {width}x{height}:\n{}",
                screen.join("\n")
            );
        }
    }
}

/// Enter on the sign-in from the terminal lists the demo users, the
/// generated ones too.
#[tokio::test]
async fn the_terminal_sign_in_lists_the_demo_users() {
    let demo = Demo::start().await;
    let mut model = demo.model();
    discovered(&mut model, "demo", Ok(true));
    select(&mut model, 0, LoginFlow::Terminal);
    let commands = press(&mut model, KeyCode::Enter);
    assert!(commands.is_empty(), "nothing starts yet: {commands:?}");
    press(&mut model, KeyCode::Down);
    assert_screens!("login_demo_people", &model);
    for (width, height) in SIZES {
        let screen = rows(&model, width, height).join("\n");
        for id in [
            "alice",
            "bob",
            "carol",
            "dave",
            "orgs10 ",
            "orgs1000 ",
            "orgs10000",
        ] {
            assert!(screen.contains(id), "{id} at {width}x{height}:\n{screen}");
        }
    }
    // Esc goes back to the ways, Esc again does nothing more.
    press(&mut model, KeyCode::Esc);
    let screen = rows(&model, 80, 24).join("\n");
    assert!(!screen.contains("Sign in as"), "{screen}");
    assert_eq!(selected_flow(&model), Some(LoginFlow::Terminal));
}

/// The whole way: the sign-in from the terminal, bob picked, reaches the
/// dashboard as bob through a real login — the provider's sign-in page
/// and form, its redirect to the loopback callback, the code exchange,
/// the ID token verified — with no browser.
#[tokio::test]
async fn signing_in_from_the_terminal_reaches_the_dashboard_as_the_person_picked() {
    let demo = Demo::start().await;
    let data = tempfile::tempdir().expect("temp dir");
    // No browser here: the sign-in from the terminal comes first.
    let mut app = demo.app(data.path(), false);
    assert_eq!(selected_flow(&app.model), Some(LoginFlow::Terminal));
    app.handle(key_event(KeyCode::Enter));
    app.handle(key_event(KeyCode::Down));
    app.handle(key_event(KeyCode::Enter));
    match &pending(&app.model).flow {
        PendingFlow::Terminal { person, .. } => assert_eq!(person, "bob"),
        other => panic!("the sign-in from the terminal: {other:?}"),
    }
    pump_until(&mut app, "the end of the login", |m| {
        matches!(m, Msg::LoginFinished { .. })
    })
    .await;
    let dash = app.model.dashboard().expect("the dashboard");
    assert_eq!(dash.session.user.email.as_deref(), Some("bob@example.com"));
    assert_eq!(
        dash.session.id_claims.get("email").and_then(|v| v.as_str()),
        Some("bob@example.com"),
        "the verified ID token names bob"
    );
    assert!(dash.session.unverified.is_none());
    let requests = demo.provider.requests();
    // The sign-in page, then its form: as a browser would.
    assert_eq!(requests.get("/authorize"), Some(&2), "{requests:?}");
    assert_eq!(requests.get("/token"), Some(&1), "{requests:?}");
    assert!(requests.contains_key("/jwks"), "{requests:?}");
    let screen = rows(&app.model, 80, 24).join("\n");
    assert!(screen.contains("Bob Brown"), "{screen}");
}

/// Where a browser opens, the sign-in from the terminal comes after the
/// browser and the code; where none does, first.
#[tokio::test]
async fn the_terminal_sign_in_comes_first_only_without_a_browser() {
    let demo = Demo::start().await;
    let data = tempfile::tempdir().expect("temp dir");
    for (browser, first) in [(true, LoginFlow::Browser), (false, LoginFlow::Terminal)] {
        let mut app = demo.app(data.path(), browser);
        discovered(&mut app.model, "demo", Ok(true));
        let flows: Vec<LoginFlow> = app.model.login_rows().iter().map(|r| r.flow).collect();
        assert_eq!(flows.first(), Some(&first), "browser {browser}: {flows:?}");
        assert!(flows.contains(&LoginFlow::Terminal), "{flows:?}");
        assert_eq!(flows.last(), Some(&LoginFlow::Paste), "{flows:?}");
    }
}

/// A configured provider never has the sign-in from the terminal: not in
/// a config of its own, and not beside a running demo (another issuer).
/// The demo's stand-in browser refuses another provider's address before
/// any request.
#[tokio::test]
async fn the_terminal_sign_in_exists_for_the_demo_provider_only() {
    let model = two_provider_model();
    let flows: Vec<LoginFlow> = model.login_rows().iter().map(|r| r.flow).collect();
    assert!(!flows.contains(&LoginFlow::Terminal), "{flows:?}");
    let screen = rows(&model, 80, 24).join("\n");
    assert!(!screen.contains("From this terminal"), "{screen}");

    let ours = Demo::start().await;
    let other = Demo::start().await;
    let mut model = other.model();
    model.demo_sign_in = Some(ours.provider.terminal_sign_in());
    let flows: Vec<LoginFlow> = model.login_rows().iter().map(|r| r.flow).collect();
    assert!(!flows.contains(&LoginFlow::Terminal), "{flows:?}");

    let stand_in = ours
        .provider
        .terminal_sign_in()
        .as_person("alice")
        .expect("alice is a demo user");
    for url in [
        long_url(other.provider.issuer_str()),
        long_url("https://acme.okta.com"),
        format!("{}/device", ours.provider.issuer_str()),
    ] {
        let refused = stand_in.open(&url).await.expect_err(&url);
        assert!(refused.contains("demo provider"), "{refused}");
    }
    assert_eq!(other.provider.request_count(), 0);
    assert_eq!(ours.provider.request_count(), 0);
    assert!(
        ours.provider
            .terminal_sign_in()
            .as_person("mallory")
            .is_none(),
        "only the demo's users"
    );
}

#[tokio::test]
async fn two_providers_each_a_heading() {
    let mut model = two_provider_model();
    assert_screens!("login_two_providers", &model);
    select(&mut model, 1, LoginFlow::Browser);
    let screen = rows(&model, 60, 20).join("\n");
    assert!(screen.contains("Acme (Okta)"), "{screen}");
    assert!(screen.contains("Globex (Keycloak)"), "{screen}");
    assert!(screen.contains("› In the browser"), "{screen}");
}

/// The browser login under way: the long address on one line (a link to
/// the whole; `c` copies the whole), and every sentence whole.
#[tokio::test]
async fn the_browser_waiting_screen_keeps_the_address_on_one_line() {
    let demo = Demo::start().await;
    let mut model = demo.model();
    model.hyperlinks = true;
    assert_eq!(selected_flow(&model), Some(LoginFlow::Browser));
    let url = long_url(demo.provider.issuer_str());
    browser_login_waiting(&mut model, &url);
    let mut plain = demo.model();
    browser_login_waiting(&mut plain, &url);
    assert_screens!("login_waiting_browser", &plain);
    for (width, height) in SIZES {
        let screen = rows(&plain, width, height);
        let with_address: Vec<&String> = screen
            .iter()
            .filter(|r| r.contains("/authorize") || r.contains("nonce"))
            .collect();
        assert_eq!(with_address.len(), 1, "{width}x{height}: {with_address:?}");
        assert!(
            screen
                .iter()
                .any(|r| r.contains("open this address yourself:")),
            "{width}x{height}:\n{}",
            screen.join("\n")
        );
        // The link carries the whole address, however it is cut.
        let text = crate::support::screens::render(&model, width, height);
        assert!(
            text.contains(&format!("\u{1b}]8;;{url}\u{1b}\\")),
            "{width}x{height}"
        );
    }
    press(&mut plain, KeyCode::Char('c'));
    assert_eq!(plain.clipboard.as_deref(), Some(url.as_str()));
}

/// `p` on the login screen: the steps, the address on one line, the
/// callback it lands on, and the field the address goes in.
#[tokio::test]
async fn the_paste_back_screen() {
    let demo = Demo::start().await;
    let mut model = demo.model();
    press(&mut model, KeyCode::Char('p'));
    let generation = pending(&model).generation;
    update(
        &mut model,
        Msg::LoginUrl {
            generation,
            url: long_url(demo.provider.issuer_str()),
        },
    );
    crate::support::screens::type_text(&mut model, "http://127.0.0.1:41234/callback?code=abc");
    assert_screens!("login_waiting_paste", &model);
    for (width, height) in SIZES {
        let screen = rows(&model, width, height).join("\n");
        assert!(
            screen.contains("/callback?code=abc▏"),
            "{width}x{height}:\n{screen}"
        );
        assert!(
            screen.contains("Paste it here"),
            "{width}x{height}:\n{screen}"
        );
    }
}

/// The demo's code is entered on 127.0.0.1: in a browser on this machine,
/// no phone promised, no QR code; over SSH, the port to forward.
#[tokio::test]
async fn the_demo_device_screen_promises_no_phone() {
    let demo = Demo::start().await;
    let mut model = demo.model();
    discovered(&mut model, "demo", Ok(true));
    select(&mut model, 0, LoginFlow::Device);
    device_login(
        &mut model,
        &format!("{}/device", demo.provider.issuer_str()),
    );
    assert_screens!("login_device_demo", &model);
    for (width, height) in SIZES {
        let screen = rows(&model, width, height).join("\n");
        assert!(
            screen.contains("in a browser on this machine"),
            "{width}x{height}:\n{screen}"
        );
        assert!(!screen.contains("phone or"), "{width}x{height}:\n{screen}");
        assert!(
            !screen.contains("QR code with"),
            "{width}x{height}:\n{screen}"
        );
        assert!(
            !screen.contains('█'),
            "no QR code at {width}x{height}:\n{screen}"
        );
    }
    model.over_ssh = true;
    assert_screen!("login_device_demo_over_ssh", &model, 80, 24);
    let port = demo.provider.issuer().port().expect("the demo's port");
    for (width, height) in SIZES {
        let screen = rows(&model, width, height).join("\n");
        assert!(
            screen.contains(&format!("ssh -L {port}:127.0.0.1:{port} ")),
            "{width}x{height}:\n{screen}"
        );
    }
}

/// A provider elsewhere: the phone or another computer, and the QR code
/// where it fits whole.
#[tokio::test]
async fn a_device_screen_elsewhere_offers_the_phone_and_the_qr_code() {
    let mut model = two_provider_model();
    select(&mut model, 0, LoginFlow::Device);
    device_login(&mut model, "https://acme.okta.com/activate");
    assert_screens!("login_device_provider", &model);
    let screen = rows(&model, 200, 60).join("\n");
    assert!(
        screen.contains("on your phone or another computer"),
        "{screen}"
    );
    assert!(screen.contains("scan the QR code"), "{screen}");
    assert!(screen.contains('█'), "{screen}");
}

/// Adding an account where no browser opens: the menu's Add account
/// lists the demo users at once; the one picked is signed in beside the
/// first, and Esc before that goes back to the dashboard as it was.
#[tokio::test]
async fn adding_an_account_without_a_browser_picks_a_demo_user() {
    let demo = Demo::start().await;
    let data = tempfile::tempdir().expect("temp dir");
    let mut app = demo.app(data.path(), false);
    for code in [KeyCode::Enter, KeyCode::Enter] {
        app.handle(key_event(code));
    }
    pump_until(&mut app, "alice's login", |m| {
        matches!(m, Msg::LoginFinished { .. })
    })
    .await;
    let add_account = |app: &mut authdash::tui::App| {
        app.handle(key_event(KeyCode::Char('m')));
        app.handle(key_event(KeyCode::Char('/')));
        for c in "add".chars() {
            app.handle(key_event(KeyCode::Char(c)));
        }
        // Enter ends the filter and runs the one item left.
        app.handle(key_event(KeyCode::Enter));
    };
    add_account(&mut app);
    let screen = rows(&app.model, 80, 24).join("\n");
    assert!(screen.contains("Sign in as"), "{screen}");
    // Another person than alice is under the cursor.
    assert!(screen.contains("› bob"), "{screen}");
    // Esc closes the list, Esc again goes back to alice's dashboard.
    app.handle(key_event(KeyCode::Esc));
    app.handle(key_event(KeyCode::Esc));
    let dash = app.model.dashboard().expect("back on the dashboard");
    assert_eq!(
        dash.session.user.email.as_deref(),
        Some("alice@example.com")
    );

    add_account(&mut app);
    app.handle(key_event(KeyCode::Down));
    app.handle(key_event(KeyCode::Enter));
    pump_until(&mut app, "carol's login", |m| {
        matches!(m, Msg::LoginFinished { .. })
    })
    .await;
    let dash = app.model.dashboard().expect("the dashboard");
    assert_eq!(
        dash.session.user.email.as_deref(),
        Some("carol@example.com")
    );
    assert_eq!(app.model.accounts.len(), 2, "{:?}", app.model.accounts);
}

/// The QR code's modules as drawn: two rows of modules per text row (`▀`
/// the upper, `▄` the lower, `█` both), from the first row and column of
/// the finder patterns to the last.
fn drawn_qr(screen: &[String]) -> Vec<Vec<bool>> {
    let blocks = |c: char| matches!(c, '█' | '▀' | '▄');
    let rows: Vec<Vec<char>> = screen
        .iter()
        .map(|r| r.chars().collect())
        .filter(|r: &Vec<char>| r.iter().filter(|c| blocks(**c)).count() >= 7)
        .collect();
    let left = rows
        .iter()
        .filter_map(|r| r.iter().position(|c| blocks(*c)))
        .min()
        .expect("a QR code on screen");
    let right = rows
        .iter()
        .filter_map(|r| r.iter().rposition(|c| blocks(*c)))
        .max()
        .expect("a QR code on screen");
    let mut modules = Vec::new();
    for row in &rows {
        let cells = &row[left..=right];
        modules.push(cells.iter().map(|c| matches!(c, '█' | '▀')).collect());
        modules.push(cells.iter().map(|c| matches!(c, '█' | '▄')).collect());
    }
    // The last text row's lower half is the quiet zone when the code's
    // width is odd.
    modules.truncate(right - left + 1);
    modules
}

/// The device screen's QR code, read back module by module, is the QR
/// code of the complete verification address: the address with the code
/// in it, so that a phone that scans it lands on the code prefilled.
#[tokio::test]
async fn the_device_qr_code_holds_the_address_with_the_code() {
    let mut model = two_provider_model();
    select(&mut model, 0, LoginFlow::Device);
    device_login(&mut model, "https://acme.okta.com/activate");
    let expected = qrcode::QrCode::new("https://acme.okta.com/activate?user_code=BCDF-GHJK")
        .expect("the address fits a QR code");
    let width = expected.width();
    let want: Vec<Vec<bool>> = expected
        .to_colors()
        .chunks(width)
        .map(|row| row.iter().map(|c| *c == qrcode::Color::Dark).collect())
        .collect();
    for (w, h) in [(120, 36), (200, 60)] {
        let screen = rows(&model, w, h);
        assert_eq!(
            drawn_qr(&screen),
            want,
            "the QR code at {w}x{h} is not the address with the code:\n{}",
            screen.join("\n")
        );
    }
}
