//! Tables as a lazygit or k9s user expects them: a row cursor the view
//! follows, sort and filter from wherever the person is, readable and
//! aligned columns, sideways scrolling, copying a row, and the sort,
//! filter and last panel kept across a resize and across runs.

use authdash::demo::DemoSettings;
use authdash::session::ViewChoice;
use authdash::tui::message::Command;
use authdash::tui::model::{Focus, Model, Screen};
use authdash::tui::update::enter_dashboard;
use crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

use crate::support::home::Home;
use crate::support::screens::{Demo, SIZES, keys, press, resize, rows, type_text};
use crate::{assert_screen, assert_screens};

/// Two hundred rows from a local program: a table longer than any pane.
const EVENTS: &str = r#"
[[authdash.panels]]
id = "events"
title = "Events"
description = "Two hundred rows from a local program."
source = { type = "command", argv = ["sh", "-c", 'i=1; printf "["; while [ $i -le 200 ]; do [ $i -gt 1 ] && printf ","; printf "{\"n\":%d,\"event\":\"event %03d\",\"ok\":true}" $i $i; i=$((i+1)); done; printf "]"'] }
view = { type = "table" }
"#;

fn focus(model: &Model) -> Focus {
    model.dashboard().expect("the dashboard").focus
}

fn screen(model: &Model, width: u16, height: u16) -> String {
    rows(model, width, height).join("\n")
}

/// The row the cursor is on, as drawn (marked `›` inside the panel, right
/// of the navigation list's 24 columns).
fn cursor_line(model: &Model, width: u16, height: u16) -> Option<String> {
    rows(model, width, height).into_iter().find(|l| {
        let content: String = l.chars().skip(24).collect();
        content.starts_with("│› ") || content.starts_with("┃› ")
    })
}

/// The first data row drawn (the line under the header), for telling
/// whether the view scrolled.
fn first_row(model: &Model, width: u16, height: u16, header: &str) -> String {
    let lines = rows(model, width, height);
    let at = lines
        .iter()
        .position(|l| l.contains(header))
        .expect("the header is drawn");
    lines[at + 1].clone()
}

/// alice on Invoices (Acme), the focus in the table.
async fn invoices() -> (Demo, Model) {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("alice").await;
    demo.open(&mut model, "invoices").await;
    press(&mut model, KeyCode::Enter);
    assert_eq!(focus(&model), Focus::Content);
    (demo, model)
}

#[tokio::test]
async fn invoices_with_the_cursor_moved_and_sorted_by_amount() {
    let (_demo, mut model) = invoices().await;
    // Sorted by Amount (the third column), largest first; the cursor on
    // the second row.
    keys(
        &mut model,
        &[
            KeyCode::Char('s'),
            KeyCode::Char('s'),
            KeyCode::Char('s'),
            KeyCode::Char('S'),
            KeyCode::Char('j'),
        ],
    );
    for (width, height) in SIZES {
        resize(&mut model, width, height);
        assert_screen!("table_invoices_sorted_alice", &model, width, height);
    }
    let text = screen(&model, 80, 24);
    assert!(text.contains("Amount ▼"), "{text}");
    assert!(text.contains("row 2 of 6"), "{text}");
    // Money right-aligned under its header: the amounts end where it ends.
    let lines = rows(&model, 80, 24);
    let column_after = |line: &str, text: &str| {
        line.find(text)
            .map(|at| line[..at].chars().count() + text.chars().count())
    };
    let header_end = lines
        .iter()
        .find_map(|l| column_after(l, "Amount ▼"))
        .expect("the header");
    for line in lines.iter().filter(|l| l.contains("ACME-")) {
        assert_eq!(column_after(line, ".00"), Some(header_end), "{line}");
    }
}

#[tokio::test]
async fn members_with_readable_headers_words_and_dashes() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("alice").await;
    demo.open(&mut model, "members").await;
    press(&mut model, KeyCode::Enter);
    // Sorted by Last seen (days), most days first; the cursor moved.
    keys(
        &mut model,
        &[
            KeyCode::Char('s'),
            KeyCode::Char('s'),
            KeyCode::Char('s'),
            KeyCode::Char('s'),
            KeyCode::Char('S'),
            KeyCode::Down,
        ],
    );
    for (width, height) in SIZES {
        resize(&mut model, width, height);
        assert_screen!("table_members_sorted_alice", &model, width, height);
    }
    let text = screen(&model, 200, 60);
    for word in ["Last seen (days) ▼", "MFA", "yes", "no", "—"] {
        assert!(text.contains(word), "{word}:\n{text}");
    }
    let cells: Vec<String> = rows(&model, 200, 60)
        .into_iter()
        .filter(|l| l.contains("@example.com") && l.contains('┃'))
        .collect();
    assert_eq!(cells.len(), 4, "{text}");
    for line in &cells {
        assert!(!line.contains("true") && !line.contains("-1"), "{line}");
    }
    // Erin, never seen, sorts last whichever the order.
    let erin = text.find("Erin Evans").expect("erin");
    let alice = text.find("Alice Anderson  alice").expect("alice");
    assert!(alice < erin, "{text}");
}

#[tokio::test]
async fn a_filtered_table_says_how_many_rows_match() {
    let (_demo, mut model) = invoices().await;
    press(&mut model, KeyCode::Char('/'));
    type_text(&mut model, "paid");
    assert_screen!("table_invoices_filtering_alice", &model, 80, 24);
    press(&mut model, KeyCode::Enter);
    assert_screens!("table_invoices_filtered_alice", &model);
    let text = screen(&model, 80, 24);
    assert!(
        text.contains("row 1 of 5 · 5 of 6 rows match “paid”"),
        "{text}"
    );
    assert!(!text.contains("open"), "{text}");
    // Substring on the cells' text, not fuzzy: "pad" matches nothing.
    press(&mut model, KeyCode::Char('/'));
    for _ in 0.."paid".len() {
        press(&mut model, KeyCode::Backspace);
    }
    type_text(&mut model, "pad");
    press(&mut model, KeyCode::Enter);
    let text = screen(&model, 80, 24);
    assert!(text.contains("no row of 6 matches “pad”"), "{text}");
}

#[tokio::test]
async fn a_table_wider_than_its_pane_scrolls_sideways_and_esc_leaves() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("alice").await;
    resize(&mut model, 60, 20);
    demo.open(&mut model, "members").await;
    press(&mut model, KeyCode::Enter);
    let text = screen(&model, 60, 20);
    assert!(text.contains("columns 1–2 of 5"), "{text}");
    assert!(text.contains("→ columns"), "the footer says how: {text}");
    keys(&mut model, &[KeyCode::Right, KeyCode::Right]);
    assert_screen!("table_members_sideways_alice", &model, 60, 20);
    let text = screen(&model, 60, 20);
    assert!(text.contains("Role"), "{text}");
    assert!(!text.contains("Name "), "scrolled past Name: {text}");
    // → stops at the last column; ← (or h) comes back.
    for _ in 0..10 {
        press(&mut model, KeyCode::Right);
    }
    assert!(screen(&model, 60, 20).contains("MFA"));
    keys(
        &mut model,
        &[KeyCode::Char('h'), KeyCode::Left, KeyCode::Left],
    );
    assert!(screen(&model, 60, 20).contains("Name"));
    // ← at the first column stays in the table and says why.
    press(&mut model, KeyCode::Left);
    assert_eq!(focus(&model), Focus::Content);
    assert!(
        model
            .toast
            .as_ref()
            .is_some_and(|t| t.text.contains("Esc goes back")),
        "{:?}",
        model.toast
    );
    // Esc: the message goes first (while it shows), then the table.
    keys(&mut model, &[KeyCode::Esc, KeyCode::Esc]);
    assert_eq!(focus(&model), Focus::Nav);
    // Sorting by a column out of view brings it into view, mark and all.
    keys(
        &mut model,
        &[KeyCode::Char('s'), KeyCode::Char('s'), KeyCode::Char('s')],
    );
    let text = screen(&model, 60, 20);
    assert!(text.contains("Role ▲"), "{text}");
    keys(&mut model, &[KeyCode::Char('S'), KeyCode::Char('s')]);
    let text = screen(&model, 60, 20);
    assert!(text.contains("Last seen (days) ▲"), "{text}");
    press(&mut model, KeyCode::Esc);
    assert_eq!(focus(&model), Focus::Nav);
    // At 200 columns everything fits: ← leaves the table, as elsewhere.
    resize(&mut model, 200, 60);
    press(&mut model, KeyCode::Enter);
    press(&mut model, KeyCode::Left);
    assert_eq!(focus(&model), Focus::Nav);
}

#[tokio::test]
async fn j_never_scrolls_when_every_row_fits() {
    let (_demo, mut model) = invoices().await;
    resize(&mut model, 80, 24);
    for _ in 0..12 {
        press(&mut model, KeyCode::Char('j'));
    }
    let text = screen(&model, 80, 24);
    for n in 1037..=1042 {
        assert!(text.contains(&format!("ACME-{n}")), "ACME-{n}:\n{text}");
    }
    assert!(text.contains("row 6 of 6"), "{text}");
    assert!(
        cursor_line(&model, 80, 24).is_some_and(|l| l.contains("ACME-1037")),
        "{text}"
    );
    // The view never moved: the first row is still the first drawn.
    assert!(
        first_row(&model, 80, 24, "Date").contains("ACME-1042"),
        "{text}"
    );
}

#[tokio::test]
async fn the_cursor_stays_in_sight_and_the_view_moves_only_for_it() {
    let demo = Demo::start_with_panels(DemoSettings::default(), EVENTS).await;
    let (mut model, _) = demo.dashboard("alice").await;
    resize(&mut model, 80, 24);
    demo.open(&mut model, "events").await;
    press(&mut model, KeyCode::Enter);
    let seen = |model: &Model| {
        let line = cursor_line(model, 80, 24).expect("the cursor's row is drawn");
        let text = screen(model, 80, 24);
        (line, text)
    };
    press(&mut model, KeyCode::PageDown);
    let (line, text) = seen(&model);
    assert!(text.contains("row "), "{text}");
    assert!(!line.contains("event 001"), "a page down: {line}");
    press(&mut model, KeyCode::PageDown);
    press(&mut model, KeyCode::PageDown);
    let (line, text) = seen(&model);
    let row: usize = text
        .split("row ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("the position");
    assert!(line.contains(&format!("event {row:03}")), "{line}\n{text}");
    press(&mut model, KeyCode::End);
    let (line, text) = seen(&model);
    assert!(line.contains("event 200"), "{text}");
    assert!(text.contains("row 200 of 200"), "{text}");
    // Up from the bottom: the view stays until the cursor reaches its top.
    let bottom_first = first_row(&model, 80, 24, "N  Ok");
    keys(&mut model, &[KeyCode::Up, KeyCode::Up, KeyCode::Char('k')]);
    assert_eq!(first_row(&model, 80, 24, "N  Ok"), bottom_first);
    assert!(seen(&model).0.contains("event 197"));
    press(&mut model, KeyCode::Home);
    let (line, text) = seen(&model);
    assert!(line.contains("event 001"), "{text}");
    // Numbers right-aligned, booleans as words.
    assert!(line.contains("  1  yes"), "{line}");
}

#[tokio::test]
async fn sort_reverse_and_filter_work_from_the_navigation_list() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("alice").await;
    demo.open(&mut model, "invoices").await;
    assert_eq!(focus(&model), Focus::Nav);
    press(&mut model, KeyCode::Char('s'));
    assert_eq!(focus(&model), Focus::Content, "s goes into the table");
    assert!(screen(&model, 80, 24).contains("Invoice ▲"));
    press(&mut model, KeyCode::Esc);
    assert_eq!(focus(&model), Focus::Nav);
    press(&mut model, KeyCode::Char('S'));
    assert!(screen(&model, 80, 24).contains("Invoice ▼"));
    assert!(
        cursor_line(&model, 80, 24).is_some_and(|l| l.contains("ACME-1042")),
        "{}",
        screen(&model, 80, 24)
    );
    press(&mut model, KeyCode::Esc);
    press(&mut model, KeyCode::Char('/'));
    assert!(model.text_input_active(), "/ types into the table's filter");
    type_text(&mut model, "1040");
    press(&mut model, KeyCode::Enter);
    let text = screen(&model, 80, 24);
    assert!(text.contains("1 of 6 rows match “1040”"), "{text}");
    // The footer inside the table: its keys first.
    let footer = rows(&model, 80, 24).pop().expect("the footer");
    assert!(
        footer
            .trim_start()
            .starts_with("s sort  S reverse  / filter  y copy row"),
        "{footer}"
    );
    // Esc clears the filter, the next one leaves the table.
    press(&mut model, KeyCode::Esc);
    assert!(screen(&model, 80, 24).contains("row 1 of 6"));
    assert_eq!(focus(&model), Focus::Content);
    press(&mut model, KeyCode::Esc);
    assert_eq!(focus(&model), Focus::Nav);
}

#[tokio::test]
async fn y_copies_the_row_under_the_cursor() {
    let (_demo, mut model) = invoices().await;
    press(&mut model, KeyCode::Char('j'));
    assert_eq!(model.clipboard, None);
    press(&mut model, KeyCode::Char('y'));
    assert_eq!(
        model.clipboard.as_deref(),
        Some("ACME-1041\t2025-11-01\t€4,800.00\tpaid")
    );
    let toast = model.toast.as_ref().expect("a message");
    assert!(toast.text.starts_with("Copied row 2"), "{}", toast.text);
    // Nothing to copy when the filter leaves no row: said, not copied.
    model.clipboard = None;
    press(&mut model, KeyCode::Char('/'));
    type_text(&mut model, "zzz");
    press(&mut model, KeyCode::Enter);
    press(&mut model, KeyCode::Char('y'));
    assert_eq!(model.clipboard, None);
    assert!(
        model
            .toast
            .as_ref()
            .is_some_and(|t| t.text.contains("No row matches")),
        "{:?}",
        model.toast
    );
}

#[tokio::test]
async fn a_resize_keeps_the_cursor_the_scroll_and_the_filter() {
    let demo = Demo::start_with_panels(DemoSettings::default(), EVENTS).await;
    let (mut model, _) = demo.dashboard("alice").await;
    resize(&mut model, 200, 60);
    demo.open(&mut model, "events").await;
    press(&mut model, KeyCode::Enter);
    press(&mut model, KeyCode::Char('/'));
    type_text(&mut model, "event 1");
    press(&mut model, KeyCode::Enter);
    for _ in 0..70 {
        press(&mut model, KeyCode::Down);
    }
    let before = screen(&model, 200, 60);
    assert!(before.contains("row 71 of 100"), "{before}");
    let big_first = first_row(&model, 200, 60, "N  Ok");
    // Smaller: the view moves only as far as keeps the cursor in sight,
    // so the cursor's row is the last drawn.
    resize(&mut model, 60, 20);
    let small = screen(&model, 60, 20);
    assert!(small.contains("row 71 of 100"), "{small}");
    let lines = rows(&model, 60, 20);
    let last_drawn = lines
        .iter()
        .rev()
        .find(|l| l.contains("event "))
        .expect("rows drawn");
    assert!(last_drawn.contains("› event 170"), "{small}");
    // Larger again: the cursor, the filter and the view where it was.
    resize(&mut model, 200, 60);
    let after = screen(&model, 200, 60);
    assert!(
        after.contains("row 71 of 100 · 100 of 200 rows match “event 1”"),
        "{after}"
    );
    assert!(
        cursor_line(&model, 200, 60).is_some_and(|l| l.contains("event 170")),
        "{after}"
    );
    assert_ne!(first_row(&model, 200, 60, "N  Ok"), big_first, "{after}");
    // The smaller terminal moved the view down to row 61; back at 51
    // rows it shows the last 51 (none left empty), not its old first.
    assert!(
        first_row(&model, 200, 60, "N  Ok").contains("event 149"),
        "{after}"
    );
}

#[tokio::test]
async fn sort_filter_and_the_last_panel_are_kept_across_runs() {
    let demo = Demo::start().await;
    let home = Home::new();
    let service = home.service(&demo.config);
    let session = demo.session("alice").await;
    let mut model = demo.model();
    model.preferences = service.preferences();
    enter_dashboard(&mut model, session.clone());
    let mut saved = demo.open(&mut model, "invoices").await;
    saved.extend(press(&mut model, KeyCode::Char('S')));
    saved.extend(press(&mut model, KeyCode::Char('/')));
    type_text(&mut model, "paid");
    saved.extend(press(&mut model, KeyCode::Enter));
    let choices: Vec<ViewChoice> = saved
        .into_iter()
        .filter_map(|c| match c {
            Command::SaveView {
                provider,
                subject,
                choice,
            } => {
                assert_eq!(
                    (provider.as_str(), subject.as_str()),
                    ("demo", session.user.subject.as_str())
                );
                Some(choice)
            }
            _ => None,
        })
        .collect();
    assert!(
        choices.contains(&ViewChoice::LastPlace("invoices".into())),
        "{choices:?}"
    );
    assert!(
        choices
            .iter()
            .any(|c| matches!(c, ViewChoice::Table { panel, memory }
            if panel == "invoices" && memory.filter == "paid")),
        "{choices:?}"
    );
    // What the app's effects do with them.
    for choice in choices {
        service
            .remember_view("demo".into(), session.user.subject.clone(), choice)
            .await
            .expect("remembered");
    }

    // The next run: a new model reads the preferences back.
    let mut next = demo.model();
    next.preferences = service.preferences();
    let commands = enter_dashboard(&mut next, session);
    demo.run(&mut next, commands).await;
    let text = screen(&next, 120, 36);
    assert!(
        text.contains("Invoices · Acme"),
        "the last panel opens: {text}"
    );
    assert!(text.contains("Invoice ▼"), "{text}");
    assert!(text.contains("5 of 6 rows match “paid”"), "{text}");
    let Screen::Dashboard(dash) = &next.screen else {
        panic!("the dashboard");
    };
    assert_eq!(dash.focus, Focus::Nav);
}

fn mouse(model: &mut Model, kind: MouseEventKind, column: u16, row: u16) {
    let event = MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    };
    authdash::tui::mouse::handle(model, Rect::new(0, 0, 80, 24), event);
}

/// Where `text` is drawn at 80x24: (column, row).
fn find(model: &Model, text: &str) -> (u16, u16) {
    rows(model, 80, 24)
        .iter()
        .enumerate()
        .find_map(|(y, line)| {
            let at = line.find(text)?;
            Some((line[..at].chars().count() as u16, y as u16))
        })
        .unwrap_or_else(|| panic!("{text} is not drawn"))
}

#[tokio::test]
async fn a_click_moves_the_cursor_the_wheel_scrolls_and_a_header_sorts() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("alice").await;
    resize(&mut model, 80, 24);
    demo.open(&mut model, "invoices").await;
    // A click on a row, the focus still in the list: the cursor goes there.
    let (x, y) = find(&model, "ACME-1039");
    mouse(&mut model, MouseEventKind::Down(MouseButton::Left), x, y);
    assert_eq!(focus(&model), Focus::Content);
    assert!(screen(&model, 80, 24).contains("row 4 of 6"));
    mouse(&mut model, MouseEventKind::ScrollDown, x, y);
    assert!(screen(&model, 80, 24).contains("row 5 of 6"));
    mouse(&mut model, MouseEventKind::ScrollUp, x, y);
    mouse(&mut model, MouseEventKind::ScrollUp, x, y);
    assert!(screen(&model, 80, 24).contains("row 3 of 6"));
    // A header: sorted by it; again: the order turns round.
    let (x, y) = find(&model, "Status");
    mouse(&mut model, MouseEventKind::Down(MouseButton::Left), x, y);
    assert!(screen(&model, 80, 24).contains("Status ▲"));
    let (x, y) = find(&model, "Status");
    mouse(&mut model, MouseEventKind::Down(MouseButton::Left), x, y);
    let text = screen(&model, 80, 24);
    assert!(text.contains("Status ▼"), "{text}");
    assert!(
        first_row(&model, 80, 24, "Status").contains("paid"),
        "{text}"
    );
    // The wheel over the navigation list still moves the list.
    press(&mut model, KeyCode::Esc);
    let (x, y) = find(&model, "Profile");
    let nav = model.dashboard().map(|d| d.nav);
    mouse(&mut model, MouseEventKind::ScrollUp, x, y);
    assert_ne!(model.dashboard().map(|d| d.nav), nav);
}
