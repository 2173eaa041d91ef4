//! Screens with a person in many orgs: what is drawn, and where a click
//! lands.

use chrono::Utc;
use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

use crate::auth::{Session, TokenSet};
use crate::identity::{OrgMembership, User};
use crate::tui::model::{Focus, Model, NavItem, Screen};
use crate::tui::update::enter_dashboard;

const ORGS: usize = 10_000;

fn session(count: usize) -> Session {
    let orgs = (0..count)
        .map(|i| OrgMembership {
            org_id: format!("id-{i:05}"),
            org_name: format!("Org {i:05}"),
            url_safe_org_name: None,
            org_metadata: Default::default(),
            role: ["Member", "Admin", "Owner"][i % 3].into(),
            additional_roles: Vec::new(),
            inherited_roles: None,
            permissions: Vec::new(),
            role_structure: Default::default(),
        })
        .collect();
    Session {
        provider: "demo".into(),
        issuer: "http://127.0.0.1:1".into(),
        client_id: "authdash-demo".into(),
        tokens: TokenSet {
            access_token: "a".to_owned().into(),
            refresh_token: None,
            id_token: "i".to_owned().into(),
            expires_at: None,
            scopes: Vec::new(),
        },
        id_claims: Default::default(),
        userinfo: None,
        user: User {
            subject: "someone".into(),
            email: None,
            email_verified: None,
            name: Some("Some One".into()),
            picture: None,
            orgs,
        },
        logged_in_at: Utc::now(),
        refreshed_at: None,
        unverified: None,
        apis: Default::default(),
    }
}

/// The dashboard on Organizations, the list focused, `selected` chosen.
fn model(selected: usize) -> Model {
    let config = crate::config::Config::parse(
        std::path::Path::new("demo.toml"),
        &crate::demo::config_toml("http://127.0.0.1:1"),
        &|_| None,
    )
    .expect("the demo config parses");
    let mut model = Model::new(&config, Utc::now());
    let _ = enter_dashboard(&mut model, session(ORGS));
    let nav = model
        .nav_items()
        .iter()
        .position(|i| *i == NavItem::Organizations)
        .expect("an Organizations entry");
    let Screen::Dashboard(dash) = &mut model.screen else {
        panic!("the dashboard");
    };
    dash.nav = nav;
    dash.focus = Focus::Content;
    dash.orgs.selected = selected;
    model
}

fn screen(model: &Model) -> String {
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("a test terminal");
    terminal
        .draw(|frame| super::draw(frame, model))
        .expect("draw");
    terminal.backend().to_string()
}

#[test]
fn the_selected_org_far_down_a_long_list_is_drawn() {
    let model = model(9_000);
    let text = screen(&model);
    assert!(
        text.contains("Org 09000"),
        "the selection is on screen:\n{text}"
    );
    assert!(text.contains("Id           id-09000"), "its details too");
    assert!(!text.contains("Org 00001"), "the top has scrolled away");
    assert!(!text.contains("Org 09001"), "the selection is the last row");

    let top = screen(&self::model(3));
    assert!(top.contains("Org 00000") && top.contains("Org 00003"));

    // Past the end: the last org, as the keys would clamp it.
    let end = screen(&self::model(ORGS + 5));
    assert!(end.contains("Org 09999") && end.contains("Id           id-09999"));
}

#[test]
fn a_click_on_a_scrolled_list_picks_the_org_drawn_there() {
    let mut model = model(9_000);
    let text = screen(&model);
    // The row drawn with Org 08995 on it.
    let row = text
        .lines()
        .position(|l| l.contains("Org 08995"))
        .expect("Org 08995 is drawn");
    let column = text.lines().nth(row).and_then(|l| l.find("Org 08995"));
    let click = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: u16::try_from(column.expect("its column")).expect("a column") - 1,
        row: u16::try_from(row).expect("a row"),
        modifiers: KeyModifiers::NONE,
    };
    crate::tui::mouse::handle(&mut model, Rect::new(0, 0, 200, 60), click);
    let dash = model.dashboard().expect("the dashboard");
    assert_eq!(
        dash.filtered_org(dash.orgs.selected)
            .map(|o| o.org_name.as_str()),
        Some("Org 08995")
    );
}

#[test]
fn a_locked_panel_names_a_few_of_the_orgs_where_it_opens() {
    let mut model = model(0);
    let admin = model
        .nav_items()
        .iter()
        .position(|i| matches!(i, NavItem::Panel(p) if model.panels[*p].id == "admin"))
        .expect("the demo's Admin panel");
    if let Screen::Dashboard(dash) = &mut model.screen {
        dash.nav = admin;
    }
    let text = screen(&model);
    assert!(
        text.contains("It opens for you in Org 00001 (Admin), Org 00002 (Owner), Org 00004"),
        "the first three:\n{text}"
    );
    assert!(
        text.contains("and 6663 more."),
        "then how many more:\n{text}"
    );
}

#[test]
fn the_end_of_a_long_profile_scrolls_into_view() {
    let mut model = model(0);
    let orgs: serde_json::Map<String, serde_json::Value> = (0..1_000)
        .map(|i| {
            (
                format!("id-{i:05}"),
                serde_json::json!({"org_name": format!("Org {i:05}")}),
            )
        })
        .collect();
    let Screen::Dashboard(dash) = &mut model.screen else {
        panic!("the dashboard");
    };
    let mut session = (*dash.session).clone();
    session
        .id_claims
        .insert("a_orgs".into(), serde_json::Value::Object(orgs));
    session.id_claims.insert("zz_last".into(), "the end".into());
    dash.replace_session(session.into());
    dash.nav = 0;
    assert!(
        !screen(&model).contains("the end"),
        "below the fold at first"
    );
    if let Screen::Dashboard(dash) = &mut model.screen {
        // Past the end: the view shows the last rows.
        dash.profile_scroll = usize::MAX;
    }
    let text = screen(&model);
    assert!(
        text.contains("the end"),
        "the last claim scrolled in:\n{text}"
    );
    assert!(text.contains("Org 00999"), "and the last org before it");
}
