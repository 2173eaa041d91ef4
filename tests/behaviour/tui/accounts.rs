//! Accounts as a person lives with them: a session ended elsewhere is said
//! at once and the login screen offers that account and every other stored
//! one; the menu's logout does the same; a switch, `u` or a step-up keeps
//! the panel on screen; what cannot be undone asks first, in its own popup;
//! the menu shows each item's own key.

use authdash::auth::Session;
use authdash::session::{AccountId, LogoutOptions, SessionService};
use authdash::tui::App;
use authdash::tui::message::{Command, Msg};
use authdash::tui::model::{Ended, Focus, Level, MenuItem, Model, NavItem, Offer, Popup, Screen};
use authdash::tui::update::update;
use chrono::TimeDelta;
use crossterm::event::KeyCode;

use crate::assert_screens;
use crate::support::screens::{
    Demo, app_press, assert_logs_out_everywhere, keys, press, press_key, pump_through, rows, tick,
    type_text,
};

/// Billing, in the navigation list after Profile, Organizations, Session.
const NAV_BILLING: usize = 3;
const NAV_INVOICES: usize = 7;

fn login_screen(model: &Model) -> &authdash::tui::model::LoginScreen {
    match &model.screen {
        Screen::Login(login) => login,
        Screen::Dashboard(d) => panic!(
            "expected the login screen, the dashboard of {} shows",
            d.session.user.display_name()
        ),
    }
}

fn who(model: &Model) -> String {
    model
        .dashboard()
        .and_then(|d| d.session.user.email.clone())
        .unwrap_or_else(|| "(the login screen)".into())
}

/// The login screen's offers: (who, again?) in order, and the one under
/// the cursor.
fn offers(model: &Model) -> (Vec<(String, bool)>, Option<usize>) {
    let login = login_screen(model);
    let offers = model
        .login_offers(login)
        .into_iter()
        .map(|o| (o.entry().who.clone(), matches!(o, Offer::Again(_))))
        .collect();
    (offers, login.offers.selected)
}

/// The accounts the login screen offers: alice's session goes on, bob
/// (logged out elsewhere) logs in again.
#[track_caller]
fn assert_alice_goes_on_and_bob_logs_in_again(model: &Model) {
    assert_eq!(
        offers(model).0,
        [
            ("alice@example.com".to_owned(), true),
            ("bob@example.com".to_owned(), false)
        ]
    );
}

/// The app's messages applied through the next change of the store.
async fn store_changed(app: &mut App) {
    pump_through(app, "the store's change", |m| {
        matches!(m, Msg::StoreChanged { .. })
    })
    .await;
}

/// `users` logged in and stored in that order (the last one active), in
/// a store of their own; the app resumed on it, moved to Billing.
async fn two_accounts(demo: &Demo, dir: &std::path::Path, users: [&str; 2]) -> (App, Vec<Session>) {
    let service = demo.service(dir);
    let mut sessions = Vec::new();
    for user in users {
        let session = demo.login_asking(user, Vec::new()).await;
        service.store.save(&session).expect("stored");
        sessions.push(session);
    }
    let now = sessions.last().expect("two").logged_in_at;
    let mut app = demo.resumed_app(dir, now).await;
    assert_eq!(app.model.accounts.len(), 2);
    for _ in 0..NAV_BILLING {
        app_press(&mut app, KeyCode::Down);
    }
    (app, sessions)
}

/// Another process (its own session service on the same store) logs
/// `session`'s account out: deleted there, revoked at the provider.
async fn log_out_elsewhere(other: &SessionService, session: &Session) {
    let report = other
        .logout(session, LogoutOptions::default(), &|_| {})
        .await
        .expect("the other process logs out");
    assert_eq!(report.deleted, Ok(true), "{report:?}");
}

#[tokio::test]
async fn a_renewal_answering_logged_out_elsewhere_offers_that_account_and_the_other_stored_one() {
    let demo = Demo::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut app, sessions) = two_accounts(&demo, dir.path(), ["bob", "alice"]).await;
    assert_eq!(who(&app.model), "alice@example.com");
    log_out_elsewhere(&demo.service(dir.path()), &sessions[1]).await;

    // Nine minutes on, the access token is due for renewal: the renewal
    // finds the account gone from the store.
    let now = app.model.now + TimeDelta::minutes(9);
    app.tick(now);
    pump_through(&mut app, "the renewal's answer", |m| {
        matches!(m, Msg::Refreshed { .. })
    })
    .await;

    let login = login_screen(&app.model);
    assert_eq!(login.offers.ended, Some(Ended::Elsewhere));
    let notice = login.notice.as_ref().expect("a reason");
    assert_eq!(notice.level, Level::Error);
    assert!(
        notice
            .text
            .contains("alice@example.com was logged out elsewhere"),
        "{notice:?}"
    );
    assert_eq!(
        offers(&app.model),
        (
            vec![
                ("alice@example.com".into(), true),
                ("bob@example.com".into(), false)
            ],
            Some(0)
        ),
        "log in again as alice (the cursor there), or switch to bob"
    );
    let screen = rows(&app.model, 80, 24).join("\n");
    assert!(!screen.contains("renews"), "no renewal promised:\n{screen}");
    assert!(screen.contains("not logged in"), "{screen}");
    assert!(screen.contains("log in again"), "{screen}");
    assert!(screen.contains("switch to it"), "{screen}");
    assert_screens!("accounts_logged_out_elsewhere", &app.model);
}

#[tokio::test]
async fn enter_on_another_stored_account_switches_to_it_without_a_login() {
    let demo = Demo::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut app, sessions) = two_accounts(&demo, dir.path(), ["bob", "alice"]).await;
    log_out_elsewhere(&demo.service(dir.path()), &sessions[1]).await;
    let now = app.model.now + TimeDelta::minutes(9);
    app.tick(now);
    pump_through(&mut app, "the renewal's answer", |m| {
        matches!(m, Msg::Refreshed { .. })
    })
    .await;

    app_press(&mut app, KeyCode::Down);
    assert_eq!(offers(&app.model).1, Some(1), "the cursor on bob");
    app_press(&mut app, KeyCode::Enter);
    let login = login_screen(&app.model);
    assert!(login.pending.is_none(), "no login starts");
    assert_eq!(
        login.notice.as_ref().map(|n| n.text.as_str()),
        Some("Switching to bob@example.com…")
    );
    pump_through(&mut app, "the switch", |m| {
        matches!(m, Msg::AccountSwitched(_))
    })
    .await;
    assert_eq!(who(&app.model), "bob@example.com");
    let dash = app.model.dashboard().expect("bob's dashboard");
    assert_eq!(
        app.model.nav_items()[dash.nav],
        NavItem::Panel(0),
        "still on Billing, where alice was"
    );
    assert_eq!(
        AccountId::of(&dash.session),
        AccountId::of(&sessions[0]),
        "bob's stored session, no new one"
    );
    let screen = rows(&app.model, 80, 24).join("\n");
    assert!(screen.contains("Billing (locked)"), "{screen}");
}

/// The store changes under the app (`authdash logout` in another
/// process): said at once, without waiting for a renewal.
#[tokio::test]
async fn another_process_logging_out_ends_the_session_at_once() {
    let demo = Demo::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut app, sessions) = two_accounts(&demo, dir.path(), ["bob", "alice"]).await;
    app.watch_store();
    log_out_elsewhere(&demo.service(dir.path()), &sessions[1]).await;
    // A change the watcher saw before the logout (the two logins' writes)
    // may arrive first on a loaded machine: the logout's is one of the
    // next few.
    for _ in 0..5 {
        store_changed(&mut app).await;
        if app.model.dashboard().is_none() {
            break;
        }
    }
    assert_eq!(
        login_screen(&app.model).offers.ended,
        Some(Ended::Elsewhere)
    );
    assert_alice_goes_on_and_bob_logs_in_again(&app.model);
}

/// Adding an account from a dashboard whose account another process then
/// logs out: Esc no longer goes back to that dashboard; the account is
/// offered to log in again.
#[tokio::test]
async fn an_account_logged_out_while_adding_another_is_not_gone_back_to() {
    let demo = Demo::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut app, sessions) = two_accounts(&demo, dir.path(), ["bob", "alice"]).await;
    app.watch_store();
    for key in [KeyCode::Char('m'), KeyCode::Char('a')] {
        app_press(&mut app, key);
    }
    assert!(
        login_screen(&app.model).back_to.is_some(),
        "Esc would go back"
    );
    log_out_elsewhere(&demo.service(dir.path()), &sessions[1]).await;
    // The watcher's first look may come before the logout (and see only
    // the two logins' writes): wait for the change with the account gone.
    pump_through(
        &mut app,
        "the logout's change to the store",
        |m| matches!(m, Msg::StoreChanged { gone, .. } if !gone.is_empty()),
    )
    .await;
    app_press(&mut app, KeyCode::Esc);
    let login = login_screen(&app.model);
    assert!(login.pending.is_none(), "the login is cancelled");
    assert_eq!(login.offers.ended, Some(Ended::Elsewhere));
    assert_alice_goes_on_and_bob_logs_in_again(&app.model);
}

/// A panel's API refuses the revoked token; the renewal the fetch then
/// needs finds the account logged out: the session ends, rather than the
/// panel offering `r` again.
#[tokio::test]
async fn a_panel_refused_after_a_failed_renewal_ends_the_session() {
    let demo = Demo::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut app, sessions) = two_accounts(&demo, dir.path(), ["bob", "alice"]).await;
    pump_through(
        &mut app,
        "Billing's data",
        |m| matches!(m, Msg::PanelLoaded { panel_id, .. } if panel_id == "billing"),
    )
    .await;
    log_out_elsewhere(&demo.service(dir.path()), &sessions[1]).await;
    app_press(&mut app, KeyCode::Char('r'));
    pump_through(&mut app, "the end of the session", |m| {
        matches!(m, Msg::SessionEnded { .. })
    })
    .await;
    let login = login_screen(&app.model);
    assert_eq!(login.offers.ended, Some(Ended::Elsewhere));
    let screen = rows(&app.model, 80, 24).join("\n");
    assert!(!screen.contains("Press r"), "{screen}");
}

#[tokio::test]
async fn logging_out_from_the_menu_offers_the_other_stored_account() {
    let demo = Demo::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut app, _) = two_accounts(&demo, dir.path(), ["bob", "alice"]).await;
    for key in [KeyCode::Char('m'), KeyCode::Char('L')] {
        app_press(&mut app, key);
    }
    assert_eq!(
        login_screen(&app.model).offers.ended,
        Some(Ended::LoggedOut)
    );
    assert_eq!(
        offers(&app.model),
        (
            vec![
                ("alice@example.com".into(), true),
                ("bob@example.com".into(), false)
            ],
            Some(0)
        )
    );
    pump_through(&mut app, "the logout", |m| {
        matches!(m, Msg::LoggedOut { .. })
    })
    .await;
    let stored: Vec<String> = demo
        .service(dir.path())
        .store
        .accounts()
        .expect("the store")
        .sessions
        .iter()
        .filter_map(|s| s.user.email.clone())
        .collect();
    assert_eq!(stored, ["bob@example.com"], "alice's tokens are gone");
    keys(&mut app.model, &[KeyCode::Char('j')]);
    app_press(&mut app, KeyCode::Enter);
    assert!(
        login_screen(&app.model).pending.is_none(),
        "no login starts"
    );
    pump_through(&mut app, "the switch", |m| {
        matches!(m, Msg::AccountSwitched(_))
    })
    .await;
    assert_eq!(who(&app.model), "bob@example.com");
    let dash = app.model.dashboard().expect("bob's dashboard");
    assert_eq!(app.model.nav_items()[dash.nav], NavItem::Panel(0));
}

/// `u` on a panel locked in this org switches to the org that opens it;
/// the panel stays selected.
#[tokio::test]
async fn u_switches_org_and_the_panel_stays_selected() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("alice").await;
    // Globex, where alice is a Member: Invoices is locked there.
    keys(&mut model, &[KeyCode::Char('o'), KeyCode::Char('/')]);
    type_text(&mut model, "glo");
    keys(&mut model, &[KeyCode::Enter, KeyCode::Char('h')]);
    for _ in 1..NAV_INVOICES {
        press(&mut model, KeyCode::Char('j'));
    }
    let dash = model.dashboard().expect("the dashboard");
    assert_eq!(model.nav_items()[dash.nav], NavItem::Panel(4));
    assert_eq!(
        dash.active_membership().map(|o| o.org_name.as_str()),
        Some("Globex")
    );
    let commands = press_key(&mut model, authdash::tui::keymap::Key::Char('u'));
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::FetchPanel { spec, .. } if spec.id == "invoices")),
        "{commands:?}"
    );
    let dash = model.dashboard().expect("the dashboard");
    assert_eq!(
        dash.active_membership().map(|o| o.org_name.as_str()),
        Some("Acme")
    );
    assert_eq!(
        model.nav_items()[dash.nav],
        NavItem::Panel(4),
        "still Invoices"
    );
}

/// An account switch through the menu keeps the panel and its focus.
#[tokio::test]
async fn a_switch_through_the_menu_keeps_the_panel() {
    let demo = Demo::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut app, _) = two_accounts(&demo, dir.path(), ["bob", "alice"]).await;
    app_press(&mut app, KeyCode::Enter);
    for key in [KeyCode::Char('m'), KeyCode::Char('s')] {
        app_press(&mut app, key);
    }
    assert!(matches!(app.model.popup, Some(Popup::Accounts { .. })));
    for key in [KeyCode::Char('j'), KeyCode::Enter] {
        app_press(&mut app, key);
    }
    pump_through(&mut app, "the switch", |m| {
        matches!(m, Msg::AccountSwitched(_))
    })
    .await;
    assert_eq!(who(&app.model), "bob@example.com");
    let dash = app.model.dashboard().expect("bob's dashboard");
    assert_eq!(app.model.nav_items()[dash.nav], NavItem::Panel(0));
    assert_eq!(dash.focus, Focus::Content);
}

/// The menu with each item's own key; the destructive ones asking first.
#[tokio::test]
async fn the_menu_shows_each_items_key_and_the_key_runs_it() {
    let demo = Demo::start_as_the_binary("").await;
    let (mut model, _) = demo.dashboard("alice").await;
    press(&mut model, KeyCode::Down);
    press(&mut model, KeyCode::Char('m'));
    let keys_shown: Vec<(MenuItem, Option<String>)> = model
        .mnemonics()
        .into_iter()
        .map(|(item, key)| (item, key.map(|k| k.to_string())))
        .collect();
    // The menu's own keys, and `q`: a popup never quits.
    let menu_keys = ["j", "k", "↑", "↓", "Enter", "Esc", "/", "m", "F10", "q"];
    let mut seen = Vec::new();
    for (item, key) in &keys_shown {
        let key = key
            .as_deref()
            .unwrap_or_else(|| panic!("{item:?} has no key"));
        assert!(!menu_keys.contains(&key), "{item:?} takes the menu's {key}");
        assert!(!seen.contains(&key), "{key} twice");
        seen.push(key);
    }
    let screen = rows(&model, 80, 24).join("\n");
    for line in [
        "o Switch organization",
        "L Log out",
        "B Log out, also in the browser",
        "E Log out everywhere (every device)",
    ] {
        assert!(screen.contains(line), "{line:?} not in:\n{screen}");
    }
    assert_screens!("accounts_menu_mnemonics", &model);

    // `o`: the organizations, as the item says.
    press(&mut model, KeyCode::Char('o'));
    assert_eq!(model.popup, None);
    let dash = model.dashboard().expect("the dashboard");
    assert_eq!(model.nav_items()[dash.nav], NavItem::Organizations);
    assert_eq!(dash.focus, Focus::Content);
    // Letters typed into the menu's filter are text, not keys.
    keys(
        &mut model,
        &[KeyCode::Esc, KeyCode::Char('m'), KeyCode::Char('/')],
    );
    let commands = keys(&mut model, &[KeyCode::Char('L')]);
    assert!(commands.is_empty(), "{commands:?}");
    assert!(matches!(model.screen, Screen::Dashboard(_)));
    assert!(matches!(&model.popup, Some(Popup::Menu { filter, .. }) if filter.text == "L"));
}

#[tokio::test]
async fn log_out_everywhere_asks_first_esc_stays_y_goes_on() {
    let demo = Demo::start_as_the_binary("").await;
    let (mut model, _) = demo.dashboard("alice").await;
    // Over Organizations, as the menu's snapshot.
    press(&mut model, KeyCode::Down);
    press(&mut model, KeyCode::Char('m'));
    let commands = press(&mut model, KeyCode::Char('E'));
    assert!(commands.is_empty(), "nothing runs yet: {commands:?}");
    assert_eq!(
        model.popup,
        Some(Popup::Confirm {
            item: MenuItem::LogOutEverywhere
        })
    );
    let screen = rows(&model, 80, 24).join("\n");
    assert!(screen.contains("Log out everywhere?"), "{screen}");
    assert_screens!("accounts_confirm_everywhere", &model);

    // Esc: stays, nothing revoked or deleted.
    let commands = press(&mut model, KeyCode::Esc);
    assert!(commands.is_empty(), "{commands:?}");
    assert_eq!(model.popup, None);
    assert_eq!(who(&model), "alice@example.com");
    // Any other key neither runs it nor closes the question.
    keys(&mut model, &[KeyCode::Char('m'), KeyCode::Char('E')]);
    assert!(keys(&mut model, &[KeyCode::Char('n'), KeyCode::Char('q')]).is_empty());
    assert!(matches!(model.popup, Some(Popup::Confirm { .. })));
    assert!(!model.quit);

    let commands = press(&mut model, KeyCode::Char('y'));
    assert_logs_out_everywhere(&commands);
    assert_eq!(login_screen(&model).offers.ended, Some(Ended::LoggedOut));
}

#[tokio::test]
async fn log_out_in_the_browser_asks_first_and_enter_goes_on() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("alice").await;
    // Chosen with the arrows and Enter, as well as by its key.
    press(&mut model, KeyCode::Char('m'));
    let at = model
        .menu_items()
        .iter()
        .position(|i| *i == MenuItem::LogOutInBrowser)
        .expect("offered");
    for _ in 0..at {
        press(&mut model, KeyCode::Down);
    }
    assert!(press(&mut model, KeyCode::Enter).is_empty());
    assert_eq!(
        model.popup,
        Some(Popup::Confirm {
            item: MenuItem::LogOutInBrowser
        })
    );
    assert!(
        rows(&model, 60, 20)
            .join("\n")
            .contains("Log out, also in the browser?")
    );
    let commands = press(&mut model, KeyCode::Enter);
    assert!(
        matches!(
            commands.as_slice(),
            [Command::Logout {
                everywhere: false,
                in_browser: true,
                ..
            }]
        ),
        "{commands:?}"
    );
}

/// The model's word for a session that ended, as the renewal reports it
/// (driven through `update`: a tick starts the renewal, its answer ends
/// it), for one account and not another's.
#[tokio::test]
async fn a_renewal_refused_for_another_account_ends_nothing() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("carol").await;
    let commands = tick(&mut model, TimeDelta::minutes(9));
    let Some(Command::Refresh {
        generation,
        session,
    }) = commands.into_iter().next()
    else {
        panic!("a renewal is due");
    };
    let mut other = AccountId::of(&session);
    other.subject.push_str("-someone-else");
    let failure = || authdash::tui::message::RefreshFailure {
        error: "the provider refused the refresh token (invalid_grant)".into(),
        needs_login: true,
        logged_out_elsewhere: false,
        unverified: None,
    };
    update(
        &mut model,
        Msg::Refreshed {
            account: other,
            generation: Some(generation),
            result: Err(failure()),
        },
    );
    assert!(model.dashboard().is_some(), "another account's failure");
    update(
        &mut model,
        Msg::Refreshed {
            account: AccountId::of(&session),
            generation: Some(generation),
            result: Err(failure()),
        },
    );
    let login = login_screen(&model);
    assert_eq!(
        login.offers.ended,
        Some(Ended::Refused(
            "the provider refused the refresh token (invalid_grant)".into()
        ))
    );
    assert_eq!(
        offers(&model),
        (vec![("carol@example.com".into(), true)], Some(0))
    );
    // Enter logs in again at carol's provider.
    let commands = press(&mut model, KeyCode::Enter);
    assert!(
        matches!(
            commands.as_slice(),
            [Command::StartLogin {
                add_account: false,
                ..
            }]
        ),
        "{commands:?}"
    );
}
