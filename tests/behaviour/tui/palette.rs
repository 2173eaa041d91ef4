//! `:` is a palette of commands and places: panels, organizations,
//! accounts, logging out, reloading… not key bindings.

use crossterm::event::KeyCode;

use crate::assert_screens;
use crate::support::screens::{Demo, press, rows, type_text};
use authdash::tui::model::{Focus, NavItem, Popup};
use authdash::tui::palette::{Target, entries};

#[tokio::test]
async fn the_palette_lists_commands_and_places_not_keys() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("alice").await;
    press(&mut model, KeyCode::Char(':'));
    assert_screens!("palette", &model);
    let titles: Vec<String> = entries(&model, "").iter().map(|e| e.title()).collect();
    for wanted in [
        "Log out",
        "Open Billing",
        "Add account (log in as someone else)",
        "Quit",
    ] {
        assert!(titles.iter().any(|t| t == wanted), "{wanted}: {titles:?}");
    }
    assert!(
        titles.iter().any(|t| t.starts_with("Switch to Globex")),
        "{titles:?}"
    );
    for unwanted in ["move up", "Move up", "scroll a page up", "Scroll a page up"] {
        assert!(
            !titles.iter().any(|t| t == unwanted),
            "{unwanted}: {titles:?}"
        );
    }
}

#[tokio::test]
async fn words_find_panels_orgs_and_commands_first() {
    let demo = Demo::start().await;
    let (model, _) = demo.dashboard("alice").await;
    let first = |q: &str| entries(&model, q).first().map(|e| e.title());
    assert_eq!(first("bill").as_deref(), Some("Open Billing"));
    assert_eq!(first("glob").as_deref(), Some("Switch to Globex (Member)"));
    assert_eq!(first("log").as_deref(), Some("Log out"));
    assert!(
        !entries(&model, "log")
            .iter()
            .any(|e| e.title() == "Reload the panel"),
        "log does not find reload"
    );
    assert!(entries(&model, "zzzz").is_empty());
}

#[tokio::test]
async fn choosing_an_org_makes_it_active_and_a_panel_opens_it() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("alice").await;
    press(&mut model, KeyCode::Char(':'));
    type_text(&mut model, "glob");
    assert!(matches!(
        entries(&model, "glob").first().map(|e| &e.target),
        Some(Target::Org(_))
    ));
    press(&mut model, KeyCode::Enter);
    let dash = model.dashboard().expect("the dashboard");
    assert_eq!(
        dash.active_membership().map(|o| o.org_name.as_str()),
        Some("Globex")
    );
    press(&mut model, KeyCode::Char(':'));
    type_text(&mut model, "invoices");
    press(&mut model, KeyCode::Enter);
    let dash = model.dashboard().expect("the dashboard");
    assert!(matches!(model.nav_items()[dash.nav], NavItem::Panel(_)));
    assert_eq!(model.nav_title(model.nav_items()[dash.nav]), "Invoices");
    assert_eq!(dash.focus, Focus::Content);
    assert_eq!(model.popup, None);
}

#[tokio::test]
async fn the_box_keeps_its_size_and_counts_in_words() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("alice").await;
    press(&mut model, KeyCode::Char(':'));
    let frame_rows = |m: &authdash::tui::model::Model| -> Vec<usize> {
        rows(m, 80, 24)
            .iter()
            .enumerate()
            .filter(|(_, r)| r.contains("Commands and places") || r.contains("┘"))
            .map(|(i, _)| i)
            .collect()
    };
    let before = frame_rows(&model);
    type_text(&mut model, "bill");
    assert_eq!(frame_rows(&model), before, "the box does not jump");
    let screen = rows(&model, 80, 24).join("\n");
    assert!(screen.contains(" 1 match "), "{screen}");
    type_text(&mut model, "zzz");
    let screen = rows(&model, 80, 24).join("\n");
    assert!(screen.contains("Nothing matches"), "{screen}");
    assert!(matches!(model.popup, Some(Popup::Palette { .. })));
}
