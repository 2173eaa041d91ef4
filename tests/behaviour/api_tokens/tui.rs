//! The dashboard with panels naming APIs, as `authdash demo` runs them:
//! the panel shows its API's data, the Session inspector lists each API's
//! token (never its value unless revealed), and a panel whose API gives
//! no token is locked with why and `u`.

use authdash::tui::App;
use authdash::tui::model::NavItem;
use crossterm::event::KeyCode;

use crate::support::home::demo_login;
use crate::support::screens::{Demo, app_press, pump_until, rows};
use authdash::demo::DemoSettings;
use authdash::tui::message::Msg;

/// Two panels beside the demo's own: one on the demo's billing API, one
/// on an API the demo provider does not know.
const EXTRA: &str = r#"
[[authdash.panels]]
id = "billing-api"
title = "Billing API"
data_url = "{issuer}/api/orgs/{org_id}/panels/billing"
resource = "{issuer}/api/billing"

[[authdash.panels]]
id = "elsewhere"
title = "Elsewhere"
data_url = "{issuer}/api/orgs/{org_id}/panels/billing"
resource = "https://elsewhere.example/"
"#;

/// Alice's dashboard, resumed from the store a service login filled.
async fn alice(demo: &Demo, dir: &std::path::Path) -> App {
    let service = demo.service(dir);
    let session = demo_login(&service, "alice").await;
    demo.resumed_app(dir, session.logged_in_at).await
}

/// Move the navigation onto `item` with ↓ (or ↑), as a person would.
fn go_to(app: &mut App, item: NavItem) {
    for key in [KeyCode::Down, KeyCode::Up] {
        for _ in 0..20 {
            let dash = app.model.dashboard().expect("the dashboard");
            if app.model.nav_items().get(dash.nav) == Some(&item) {
                return;
            }
            app_press(app, key);
        }
    }
    panic!("{item:?} not reached");
}

fn panel(app: &App, id: &str) -> NavItem {
    NavItem::Panel(
        app.model
            .panels
            .iter()
            .position(|p| p.id == id)
            .expect("the panel"),
    )
}

async fn loaded(app: &mut App, id: &str) {
    let id = id.to_owned();
    pump_until(
        app,
        "the panel's answer",
        move |m| matches!(m, Msg::PanelLoaded { panel_id, .. } if *panel_id == id),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_panel_on_its_api_shows_data_and_the_inspector_lists_that_token() {
    let demo = Demo::start_with_panels(DemoSettings::default(), EXTRA).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = alice(&demo, dir.path()).await;
    let billing = panel(&app, "billing-api");
    go_to(&mut app, billing);
    loaded(&mut app, "billing-api").await;
    let screen = rows(&app.model, 120, 36).join("\n");
    assert!(screen.contains("Enterprise (25 seats)"), "{screen}");
    go_to(&mut app, NavItem::Session);
    // Tall enough for the whole inspector, below the session's summary.
    let screen = rows(&app.model, 160, 200).join("\n");
    assert!(screen.contains("API tokens"), "{screen}");
    let issuer = demo.provider.issuer_str().trim_end_matches('/').to_owned();
    assert!(
        screen.contains(&format!("{issuer}/api/billing")),
        "{screen}"
    );
    let session = &app.model.dashboard().expect("dashboard").session;
    let token = session.apis.tokens[0].secret().to_owned();
    assert!(!screen.contains(&token), "the API token shown unmasked");
    assert!(
        screen.contains(&format!("({} characters; v reveals)", token.len())),
        "{screen}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_panel_whose_api_gives_no_token_is_locked_with_why_and_u_asks_again() {
    let demo = Demo::start_with_panels(DemoSettings::default(), EXTRA).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = alice(&demo, dir.path()).await;
    let elsewhere = panel(&app, "elsewhere");
    go_to(&mut app, elsewhere);
    loaded(&mut app, "elsewhere").await;
    let screen = rows(&app.model, 120, 36).join("\n");
    assert!(
        screen.contains("Locked: no token for this panel's API."),
        "{screen}"
    );
    assert!(screen.contains("invalid_target"), "{screen}");
    assert!(screen.contains("u logs in again asking for it"), "{screen}");
    // The session is kept: still on the dashboard.
    assert!(app.model.dashboard().is_some());
    crate::assert_screens!("api_locked", &app.model);
    app_press(&mut app, KeyCode::Char('u'));
    let screen = rows(&app.model, 120, 36).join("\n");
    assert!(
        screen.contains("Logging in again to ask") && screen.contains("this panel's API"),
        "{screen}"
    );
}

/// The Session inspector's line for `label`, beside what it says.
fn inspector_line(screen: &str, label: &str, text: &str) -> bool {
    screen.lines().any(|line| {
        line.split_once(label)
            .is_some_and(|(_, rest)| rest.trim_start().starts_with(text))
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn authdash_demos_panels_show_their_apis_data_with_one_login_and_the_inspector_their_audiences()
 {
    let demo = Demo::start_with_apis().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut app = alice(&demo, dir.path()).await;
    let logins = |demo: &Demo| demo.provider.requests().get("/authorize").copied();
    let before = logins(&demo);
    assert!(before.is_some());
    for (id, shown) in [
        ("billing", "Enterprise (25 seats)"),
        ("reports", "latest 184 users"),
        ("invoices", "ACME-1042"),
    ] {
        let item = panel(&app, id);
        go_to(&mut app, item);
        loaded(&mut app, id).await;
        let screen = rows(&app.model, 120, 36).join("\n");
        assert!(screen.contains(shown), "{id}: {screen}");
    }
    assert_eq!(logins(&demo), before, "no login beside the first");
    go_to(&mut app, NavItem::Session);
    let screen = rows(&app.model, 160, 200).join("\n");
    let issuer = demo.provider.issuer_str().trim_end_matches('/').to_owned();
    for api in ["billing", "reports"] {
        let resource = format!("{issuer}/api/{api}");
        assert!(inspector_line(&screen, "api ", &resource), "{screen}");
        assert!(inspector_line(&screen, "audience ", &resource), "{screen}");
    }
}
