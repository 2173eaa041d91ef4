//! The login screen: its snapshots, the browser and device flows, the paste
//! choice, cancelling, and a second instance on a fixed port.

use super::*;

/// With discovery done, a provider that offers the device grant gets two
/// lines; choosing the code on another device shows the code, the address,
/// a QR code, the countdown and the poll state. Alice approves on the
/// "other device" and the dashboard opens (at the demo's next poll: its
/// 5 s interval, with the app's margin 6 s, at ten times speed).
#[tokio::test]
async fn snapshot_device_login() {
    const SPEEDUP: u32 = 10;
    let demo = Demo::start_with(DemoSettings {
        device_poll_speedup: SPEEDUP,
        ..DemoSettings::default()
    })
    .await;
    let data = tempfile::tempdir().expect("temp dir");
    let mut app = demo.app_with(data.path(), fixed_now(), |service| {
        service.with_device_poll_speedup(SPEEDUP)
    });
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
    // Bounded as a whole: a client polling too soon hears `slow_down`
    // after `slow_down`, each a message.
    let finished = pump_until(&mut app, "the end of the login", |m| {
        matches!(m, Msg::LoginFinished { .. })
    });
    tokio::time::timeout(WAIT, finished)
        .await
        .expect("the login ends at the poll after the approval");
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
