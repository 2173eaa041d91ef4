//! The menu: its popup, adding and switching accounts, log out everywhere,
//! and its filter.

use super::*;

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
    support::screens::assert_logs_out_everywhere(&commands);
    assert!(matches!(model.screen, Screen::Login(_)));
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
