//! The mouse: a click is a message to `update`, and it lands on what is
//! drawn under it at every size (the hit-testing measures with the
//! functions the view draws with).

use crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

use authdash::tui::message::Msg;
use authdash::tui::model::{Focus, Model};
use authdash::tui::update::update;

use crate::support::screens::{Demo, SIZES, press, resize, rows};

/// A left click at (`column`, `row`) on a terminal of `size`, as the app
/// sends it.
fn click(model: &mut Model, size: (u16, u16), column: u16, row: u16) {
    let event = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column,
        row,
        modifiers: KeyModifiers::NONE,
    };
    let area = Rect::new(0, 0, size.0, size.1);
    update(model, Msg::Mouse { event, area });
}

/// Where `text` is first drawn at column `from` or right of it:
/// (column, row).
fn drawn(model: &Model, size: (u16, u16), text: &str, from: usize) -> (u16, u16) {
    rows(model, size.0, size.1)
        .iter()
        .enumerate()
        .find_map(|(y, line)| {
            let skip: String = line.chars().take(from).collect();
            let at = line[skip.len()..].find(text)? + skip.len();
            Some((line[..at].chars().count() as u16, y as u16))
        })
        .unwrap_or_else(|| panic!("{text} is not drawn at {size:?}"))
}

#[tokio::test]
async fn a_click_picks_what_is_drawn_under_it_at_every_size() {
    let demo = Demo::start().await;
    for size in SIZES {
        let (mut model, _) = demo.dashboard("alice").await;
        resize(&mut model, size.0, size.1);
        // A navigation entry: Session, where its title is drawn.
        let (x, y) = drawn(&model, size, "Session", 0);
        click(&mut model, size, x, y);
        let nav = model.dashboard().expect("the dashboard").nav;
        assert_eq!(
            model.nav_title(model.nav_items()[nav]),
            "Session",
            "{size:?}"
        );
        // An organization's row in the Organizations pane (right of the
        // navigation), where its name is drawn.
        let (x, y) = drawn(&model, size, "Organizations", 0);
        click(&mut model, size, x, y);
        let (x, y) = drawn(&model, size, "Globex", 25);
        click(&mut model, size, x, y);
        let dash = model.dashboard().expect("the dashboard");
        assert_eq!(dash.focus, Focus::Content, "{size:?}");
        let picked = dash.filtered_org(dash.orgs.selected).expect("an org");
        assert_eq!(picked.org_name, "Globex", "{size:?}");
        // The menu's Quit, where the menu draws it.
        press(&mut model, KeyCode::Char('m'));
        let (x, y) = drawn(&model, size, " Quit", 0);
        click(&mut model, size, x + 2, y);
        assert!(model.quit, "Quit clicked at {size:?}");
    }
}

#[tokio::test]
async fn a_click_outside_the_menu_closes_it() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("alice").await;
    press(&mut model, KeyCode::Char('m'));
    assert!(model.popup.is_some());
    click(&mut model, (80, 24), 0, 23);
    assert!(model.popup.is_none());
    assert!(!model.quit);
}
