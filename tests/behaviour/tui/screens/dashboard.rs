//! The dashboard: Profile, Organizations, the panels and their locks,
//! the navigation filter and Tab, and the header's accent.

use super::*;

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
