//! The organization list and the other lists' filters: a cursor, the
//! active org marked, names and roles in columns that never touch, the
//! position among all of them, fuzzy matching with the letters marked.

use crossterm::event::KeyCode;

use crate::assert_screens;
use crate::support::screens::{Demo, buffer, keys, marked_in_row, press, rows, type_text};
use ratatui::style::Modifier;

/// Organizations, its list in focus.
fn open_organizations(model: &mut authdash::tui::model::Model) {
    keys(model, &[KeyCode::Char('2'), KeyCode::Enter]);
}

#[tokio::test]
async fn a_thousand_organizations_show_where_the_cursor_is() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("orgs1000").await;
    open_organizations(&mut model);
    assert_screens!("orgs_1000", &model);
    let screen = rows(&model, 80, 24).join("\n");
    assert!(screen.contains("1 of 1,000"), "{screen}");
    keys(&mut model, &[KeyCode::End]);
    let screen = rows(&model, 80, 24).join("\n");
    assert!(screen.contains("1,000 of 1,000"), "the end: {screen}");
    keys(&mut model, &[KeyCode::Up, KeyCode::Up]);
    let screen = rows(&model, 80, 24).join("\n");
    assert!(screen.contains("998 of 1,000"), "{screen}");
}

#[tokio::test]
async fn g_and_shift_g_go_to_the_top_and_the_end_as_in_vim_and_k9s() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("orgs1000").await;
    open_organizations(&mut model);
    keys(&mut model, &[KeyCode::Char('G')]);
    let screen = rows(&model, 80, 24).join("\n");
    assert!(screen.contains("1,000 of 1,000"), "G, the end: {screen}");
    keys(&mut model, &[KeyCode::Char('g')]);
    let screen = rows(&model, 80, 24).join("\n");
    assert!(screen.contains("1 of 1,000"), "g, the top: {screen}");
    // A long pane too: Profile's end, then its top ("A–B of C").
    let position = |model: &authdash::tui::model::Model| -> Option<(String, String, String)> {
        let screen = rows(model, 80, 24).join("\n");
        let at = screen.rfind(" of ")?;
        let before = screen[..at].rsplit(' ').next()?;
        let (a, b) = before.split_once('–')?;
        let total = screen[at + 4..].split(' ').next()?;
        Some((a.to_owned(), b.to_owned(), total.to_owned()))
    };
    keys(
        &mut model,
        &[
            KeyCode::Esc,
            KeyCode::Char('1'),
            KeyCode::Enter,
            KeyCode::Char('G'),
        ],
    );
    let (_, last, total) = position(&model).expect("Profile's position after G");
    assert_eq!(last, total, "G shows Profile's last row");
    keys(&mut model, &[KeyCode::Char('g')]);
    let (first, _, _) = position(&model).expect("Profile's position after g");
    assert_eq!(first, "1", "g shows Profile's first row");
}

#[tokio::test]
async fn a_long_name_is_cut_before_its_role_column() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("orgs1000").await;
    open_organizations(&mut model);
    for line in rows(&model, 60, 20) {
        // Every row of the list: a name, at least two spaces, a role.
        let Some(row) = line.split('│').nth(1) else {
            continue;
        };
        for role in ["Owner", "Admin", "Member"] {
            if let Some(at) = row.find(role) {
                assert!(
                    row[..at].ends_with("  "),
                    "the name touches the role: {row:?}"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_org_filter_is_fuzzy_and_says_how_many_match() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("alice").await;
    open_organizations(&mut model);
    press(&mut model, KeyCode::Char('/'));
    type_text(&mut model, "glx");
    let dash = model.dashboard().expect("the dashboard");
    let names: Vec<&str> = dash
        .filtered_orgs()
        .iter()
        .map(|o| o.org_name.as_str())
        .collect();
    assert_eq!(names, ["Globex"], "g…l…x, not adjacent");
    let screen = rows(&model, 80, 24).join("\n");
    assert!(screen.contains("1 of 1 matching · 2 in all"), "{screen}");
    let cells = buffer(&model, 80, 24);
    assert_eq!(
        marked_in_row(&cells, "Globex", Modifier::UNDERLINED),
        "Glx",
        "the letters matched are marked"
    );
    assert_screens!("orgs_filtered_glx", &model);
    press(&mut model, KeyCode::Enter);
    let dash = model.dashboard().expect("the dashboard");
    assert_eq!(
        dash.active_membership().map(|o| o.org_name.as_str()),
        Some("Globex"),
        "Enter makes the match active"
    );
}

#[tokio::test]
async fn the_navigation_filter_is_fuzzy() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("alice").await;
    press(&mut model, KeyCode::Char('/'));
    type_text(&mut model, "ivc");
    let shown: Vec<&str> = model
        .visible_nav_now()
        .into_iter()
        .map(|i| model.nav_title(model.nav_items()[i]))
        .collect();
    assert_eq!(shown, ["Invoices"], "i…v…c");
}
