//! What a read of the whole dashboard at the four sizes, by someone who
//! did not write it, found cut, touching, lost or jumping (issue 16's
//! "Done"): each test shows the screen at the size that showed it.

use crossterm::event::KeyCode;

use crate::support::screens::{Demo, keys, resize, rows};

/// The rows inside the content pane (right of the navigation list),
/// without its borders.
fn pane(screen: &[String]) -> Vec<String> {
    screen
        .iter()
        .filter_map(|r| {
            let mut cells = r.split(['│', '┃']);
            cells.nth(3).map(str::to_owned)
        })
        .collect()
}

#[tokio::test]
async fn a_date_claim_too_long_for_its_row_drops_its_countdown_not_half_of_it() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("alice").await;
    let at_80 = pane(&rows(&model, 80, 24));
    keys(&mut model, &[KeyCode::Enter, KeyCode::PageDown]);
    let at_60 = pane(&rows(&model, 60, 20));
    for (size, body) in [("80x24", at_80), ("60x20", at_60)] {
        let row = body
            .iter()
            .find(|r| r.contains("auth_time"))
            .unwrap_or_else(|| panic!("auth_time at {size}: {body:#?}"));
        // "(just now)" whole or not at all; a date cut ends in "…".
        assert_eq!(row.contains('('), row.contains(')'), "{size}: {row:?}");
        let value = row.trim_end();
        assert!(
            [")", "…", "UTC", "+00:00"]
                .iter()
                .any(|end| value.ends_with(end)),
            "auth_time at {size} cut without …: {row:?}"
        );
    }
}

#[tokio::test]
async fn the_claims_legend_wraps_at_60_columns() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("alice").await;
    keys(&mut model, &[KeyCode::Enter, KeyCode::PageDown]);
    let body = pane(&rows(&model, 60, 20)).join("\n");
    assert!(
        body.contains("(◆) and userinfo (◇)"),
        "the legend whole: {body}"
    );
}

#[tokio::test]
async fn a_panels_description_keeps_every_row_it_wraps_to() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("alice").await;
    demo.open(&mut model, "billing").await;
    let body = pane(&rows(&model, 80, 24));
    // "Plan, invoices and payment method of the active organization."
    // wraps at 80 columns: its second row is not given to the data.
    assert!(
        body[1].trim_end() == "organization.",
        "the description's last word: {body:#?}"
    );
    assert!(body[2].starts_with("Enterprise plan"), "{body:#?}");
    demo.open(&mut model, "members").await;
    let body = pane(&rows(&model, 60, 20));
    assert!(
        body.iter().any(|r| r.trim_end().ends_with("members.")),
        "Members' description whole at 60x20: {body:#?}"
    );
}

#[tokio::test]
async fn labelled_values_wrap_under_their_column_and_a_missing_one_is_a_dash() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("alice").await;
    demo.open(&mut model, "billing").await;
    let body = pane(&rows(&model, 60, 20));
    let at = body
        .iter()
        .position(|r| r.starts_with("Plan "))
        .unwrap_or_else(|| panic!("the plan: {body:#?}"));
    assert!(
        body[at + 1].starts_with(&" ".repeat(17)) && body[at + 1].contains("seats)"),
        "the plan's value wraps under itself: {body:#?}"
    );
    // dave is in no organization: the local program prints no org.
    let (mut model, _) = demo.dashboard("dave").await;
    demo.open(&mut model, "machine").await;
    let body = pane(&rows(&model, 80, 24));
    let org = body
        .iter()
        .find(|r| r.starts_with("Org "))
        .unwrap_or_else(|| panic!("the org: {body:#?}"));
    assert!(
        org.contains('—'),
        "a missing value reads as a dash: {org:?}"
    );
}

#[tokio::test]
async fn the_sessions_values_wrap_under_their_column_and_never_touch_their_name() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("alice").await;
    keys(&mut model, &[KeyCode::Char('3')]);
    let body = pane(&rows(&model, 80, 24));
    let at = body
        .iter()
        .position(|r| r.starts_with("Account "))
        .unwrap_or_else(|| panic!("the account: {body:#?}"));
    // "alice@example.com at authdash demo provider" is wider than the
    // pane: its rest goes under the value, not under the label.
    assert!(
        body[at + 1].starts_with(&" ".repeat(16)) && body[at + 1].contains("provider"),
        "{body:#?}"
    );
    for label in ["Access token ", "Refresh token "] {
        let at = body
            .iter()
            .position(|r| r.starts_with(label))
            .unwrap_or_else(|| panic!("{label}: {body:#?}"));
        let value = &body[at][16..];
        assert!(
            !value.trim().is_empty(),
            "{label} has its value beside it: {body:#?}"
        );
        assert!(
            body[at + 1].starts_with(&" ".repeat(16)),
            "{label}: {body:#?}"
        );
    }
    // The claims: the longest name, preferred_username, keeps two spaces
    // before its value.
    keys(&mut model, &[KeyCode::Enter]);
    let mut seen = Vec::new();
    for _ in 0..10 {
        let body = pane(&rows(&model, 80, 24));
        if let Some(row) = body.iter().find(|r| r.starts_with("preferred_username")) {
            assert!(
                row.starts_with("preferred_username  alice"),
                "the name and its value apart: {row:?}"
            );
            return;
        }
        seen = body;
        keys(&mut model, &[KeyCode::PageDown]);
    }
    panic!("no preferred_username: {seen:#?}");
}

#[tokio::test]
async fn an_organizations_details_show_every_permission_or_say_there_is_more() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("alice").await;
    keys(&mut model, &[KeyCode::Char('2'), KeyCode::Enter]);
    // Acme's five permissions wrap to three rows at 80 columns.
    let body = pane(&rows(&model, 80, 24)).join("\n");
    assert!(body.contains("can_view_reports"), "{body}");
    // At 60 columns the id wraps under its column, not into the border.
    let body = pane(&rows(&model, 60, 20));
    let at = body
        .iter()
        .position(|r| r.starts_with("Id "))
        .unwrap_or_else(|| panic!("the id: {body:#?}"));
    let id: String = body[at..=at + 1]
        .iter()
        .map(|r| r.trim())
        .collect::<Vec<_>>()
        .join("");
    assert!(id.ends_with("4e5f-4a6b-8c7d-1e2f3a4b5c6d"), "{body:#?}");
    let last = body
        .iter()
        .rev()
        .find(|r| !r.trim().is_empty())
        .expect("a row");
    assert!(
        last.contains("can_view_reports") || last.trim_end().ends_with('…'),
        "the details end whole or with …: {body:#?}"
    );
}

#[tokio::test]
async fn a_narrow_organization_list_keeps_its_filter_in_view() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("orgs1000").await;
    keys(
        &mut model,
        &[KeyCode::Char('2'), KeyCode::Enter, KeyCode::Char('/')],
    );
    crate::support::screens::type_text(&mut model, "bio");
    keys(&mut model, &[KeyCode::Down, KeyCode::Down]);
    let screen = rows(&model, 60, 20);
    let bottom = &screen[17];
    assert!(
        bottom.contains("/bio") && bottom.contains("3 of 124"),
        "the filter and the position: {bottom:?}"
    );
}

#[tokio::test]
async fn the_helps_footer_offers_the_way_its_scroll_still_goes() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("alice").await;
    resize(&mut model, 80, 24);
    keys(&mut model, &[KeyCode::Char('?'), KeyCode::End]);
    let footer = rows(&model, 80, 24).pop().expect("a footer");
    assert!(
        footer.contains("↑ scroll") && !footer.contains("↓ scroll"),
        "at the end: {footer:?}"
    );
    keys(&mut model, &[KeyCode::Home]);
    let footer = rows(&model, 80, 24).pop().expect("a footer");
    assert!(
        footer.contains("↓ scroll") && !footer.contains("↑ scroll"),
        "at the top: {footer:?}"
    );
    // Down still scrolls from the top, Up from the end.
    keys(&mut model, &[KeyCode::Down]);
    assert_eq!(model.help_scroll, 1);
}

#[tokio::test]
async fn r_on_a_locked_panel_says_there_is_nothing_to_reload() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("carol").await;
    demo.open(&mut model, "billing").await;
    let commands = keys(&mut model, &[KeyCode::Char('r')]);
    assert!(commands.is_empty(), "nothing is fetched: {commands:?}");
    let screen = rows(&model, 80, 24);
    assert!(
        screen[22].contains("locked panel has no data to reload"),
        "said, not silent: {screen:#?}"
    );
}

#[tokio::test]
async fn the_help_lists_no_letter_where_letters_are_typed() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("alice").await;
    resize(&mut model, 120, 36);
    keys(&mut model, &[KeyCode::Char('?'), KeyCode::Home]);
    // The help's text, page after page (its rows between its borders).
    let mut text: Vec<String> = Vec::new();
    for _ in 0..10 {
        let screen = rows(&model, 120, 36);
        text.extend(
            screen[2..screen.len() - 2]
                .iter()
                .filter_map(|r| r.split('│').nth(1).map(str::to_owned)),
        );
        keys(&mut model, &[KeyCode::PageDown]);
    }
    for section in ["Command palette", "Typing a filter"] {
        let at = text
            .iter()
            .position(|r| r.starts_with(section))
            .unwrap_or_else(|| panic!("{section}: {text:#?}"));
        let moves: Vec<&String> = text[at + 1..]
            .iter()
            .take_while(|r| r.starts_with("  "))
            .filter(|r| r.contains("move up") || r.contains("move down"))
            .collect();
        assert_eq!(moves.len(), 2, "{section}: {text:#?}");
        for row in moves {
            // k and j are typed into the query there: only the arrows move.
            assert!(
                !row.contains(" k ") && !row.contains(" j "),
                "{section}: {row:?}"
            );
        }
    }
}

#[tokio::test]
async fn session_opened_by_its_number_starts_at_its_top() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("alice").await;
    resize(&mut model, 80, 24);
    keys(
        &mut model,
        &[KeyCode::Enter, KeyCode::PageDown, KeyCode::Char('3')],
    );
    let screen = rows(&model, 80, 24);
    assert!(
        screen[3].contains("Account"),
        "Session from its first row, not Profile's scroll: {screen:#?}"
    );
    assert!(screen[21].contains(" 1–18 of "), "{screen:#?}");
}

/// Alice remembers Invoices as the panel she was last in; she switches to
/// bob from Billing and back: Billing stays on screen both ways.
#[tokio::test]
async fn a_switch_keeps_the_panel_on_screen_over_the_one_remembered() {
    use authdash::tui::message::Msg;
    use authdash::tui::model::NavItem;

    use crate::support::screens::{app_press, pump_through};

    let demo = Demo::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let service = demo.service(dir.path());
    let mut now = None;
    for user in ["bob", "alice"] {
        let session = demo.login_asking(user, Vec::new()).await;
        service.store.save(&session).expect("stored");
        now = Some(session.logged_in_at);
    }
    let mut app = demo.resumed_app(dir.path(), now.expect("two")).await;
    // Into Invoices (remembered), back to the list, up to Billing.
    for key in [
        KeyCode::Char('8'),
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Char('4'),
    ] {
        app_press(&mut app, key);
    }
    let billing = |app: &authdash::tui::App| {
        let dash = app.model.dashboard().expect("a dashboard");
        let index = app.model.panels.iter().position(|p| p.id == "billing");
        app.model.nav_items().get(dash.nav).copied() == index.map(NavItem::Panel)
    };
    assert!(billing(&app));
    for _ in 0..2 {
        for key in [
            KeyCode::Char('m'),
            KeyCode::Char('s'),
            KeyCode::Char('j'),
            KeyCode::Enter,
        ] {
            app_press(&mut app, key);
        }
        pump_through(&mut app, "the switch", |m| {
            matches!(m, Msg::AccountSwitched(_))
        })
        .await;
        let email = app
            .model
            .dashboard()
            .and_then(|d| d.session.user.email.clone());
        assert!(billing(&app), "{email:?} is on Billing still");
    }
}

/// A panel of labelled values taller than its pane (This machine at
/// 60x20) says where it is and scrolls as Profile does, once the focus is
/// in it: nothing of it is out of reach.
#[tokio::test]
async fn a_panel_of_values_taller_than_its_pane_scrolls_and_says_where_it_is() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("alice").await;
    resize(&mut model, 60, 20);
    demo.open(&mut model, "machine").await;
    let screen = rows(&model, 60, 20);
    let bottom = &screen[17];
    let (shown, total) = position(bottom).unwrap_or_else(|| panic!("no position: {screen:#?}"));
    assert_eq!(shown, (1, 14), "{bottom}");
    assert!(total > 14, "{screen:#?}");
    let before = pane(&screen);

    // In the list, ↓ moves to the next entry; in the panel, a row.
    keys(&mut model, &[KeyCode::Enter, KeyCode::Down]);
    let screen = rows(&model, 60, 20);
    assert_eq!(position(&screen[17]).map(|p| p.0), Some((2, 15)));
    assert_eq!(pane(&screen)[..13], before[1..14], "every row up by one");

    keys(&mut model, &[KeyCode::End]);
    let screen = rows(&model, 60, 20);
    assert_eq!(position(&screen[17]), Some(((total - 13, total), total)));
    // The end stops at the last row: one more press moves nothing.
    keys(&mut model, &[KeyCode::Down]);
    assert_eq!(rows(&model, 60, 20), screen);
    keys(&mut model, &[KeyCode::Home]);
    let screen = rows(&model, 60, 20);
    assert_eq!(pane(&screen), before);
    // At 120x36 it fits: no position, nothing to scroll.
    resize(&mut model, 120, 36);
    let screen = rows(&model, 120, 36);
    assert!(position(&screen[33]).is_none(), "{screen:#?}");
}

/// "1–14 of 20" in a pane's bottom border: the rows shown and how many.
fn position(border: &str) -> Option<((usize, usize), usize)> {
    let (range, total) = border.rsplit_once(" of ")?;
    let range = range.rsplit(' ').next()?;
    let (from, to) = range.split_once('–')?;
    let total: String = total.chars().take_while(char::is_ascii_digit).collect();
    Some(((from.parse().ok()?, to.parse().ok()?), total.parse().ok()?))
}
