//! Profile opens on who you are, where and as what; then the claims,
//! their wrapped values under their column, with a scroll position.

use crossterm::event::KeyCode;

use crate::assert_screens;
use crate::support::screens::{Demo, keys, resize, rows};

#[tokio::test]
async fn profile_opens_on_a_summary() {
    let demo = Demo::start().await;
    let (model, _) = demo.dashboard("alice").await;
    assert_screens!("profile", &model);
    let screen = rows(&model, 80, 24);
    let body: Vec<&str> = screen[3..]
        .iter()
        .filter_map(|r| r.split('│').nth(1))
        .collect();
    assert!(body[0].starts_with("Alice Anderson"), "{body:?}");
    let find = |label: &str| {
        body.iter()
            .find(|r| r.starts_with(label))
            .unwrap_or_else(|| panic!("no {label}: {body:?}"))
            .to_string()
    };
    assert!(find("Email").contains("alice@example.com"));
    assert!(find("Organization").contains("Acme"));
    assert!(find("Role").contains("Owner"));
    assert!(find("Permissions").contains("can_view_billing"));
    assert!(find("Session").contains("renews in 9 min"));
}

#[tokio::test]
async fn wrapped_values_stay_under_their_column() {
    let demo = Demo::start().await;
    let (model, _) = demo.dashboard("alice").await;
    let screen = rows(&model, 60, 20);
    let body: Vec<&str> = screen[3..]
        .iter()
        .filter_map(|r| r.split('│').nth(1))
        .collect();
    let at = body
        .iter()
        .position(|r| r.starts_with("Permissions"))
        .expect("the permissions");
    let next = body[at + 1];
    assert!(
        next.starts_with(&" ".repeat(14)) && next.trim_start().starts_with("can_"),
        "the rest of the permissions under the first: {next:?}"
    );
}

#[tokio::test]
async fn a_long_profile_says_where_it_is_and_stops_at_the_end() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("orgs1000").await;
    resize(&mut model, 80, 24);
    keys(&mut model, &[KeyCode::Enter]);
    let screen = rows(&model, 80, 24).join("\n");
    assert!(screen.contains("1–18 of "), "a position: {screen}");
    keys(&mut model, &[KeyCode::End]);
    let end = model.dashboard().expect("dash").profile_scroll;
    keys(&mut model, &[KeyCode::Down, KeyCode::Down, KeyCode::Up]);
    assert_eq!(
        model.dashboard().expect("dash").profile_scroll,
        end - 1,
        "a press past the end is not stored"
    );
    let screen = rows(&model, 80, 24).join("\n");
    assert!(screen.contains(" of "), "{screen}");
}

/// Scrolling by one moves every row of the Profile up by one, wherever it
/// is: in the summary, across short claims and deep inside the 1,000-org
/// claim (whose thousands of lines are skipped without being laid out);
/// at the end the last claim's last row is the pane's last. Alice at 60
/// columns scrolls past claims that wrap, orgs1000 at 80 into its long one.
#[tokio::test]
async fn one_line_down_moves_every_row_up_by_one_anywhere_in_a_long_profile() {
    let demo = Demo::start().await;
    for (user, width, height) in [("alice", 60, 20), ("orgs1000", 80, 24)] {
        let (mut model, _) = demo.dashboard(user).await;
        scroll_through_the_profile(&mut model, user, width, height);
    }
}

fn scroll_through_the_profile(
    model: &mut authdash::tui::model::Model,
    user: &str,
    width: u16,
    height: u16,
) {
    resize(model, width, height);
    keys(model, &[KeyCode::Enter, KeyCode::End]);
    let end = model.dashboard().expect("dash").profile_scroll;
    // The pane's inner rows: between its top and bottom edges.
    let pane = |model: &authdash::tui::model::Model| -> Vec<String> {
        let h = usize::from(height);
        rows(model, width, height)[3..h - 3]
            .iter()
            .map(|r| r.chars().skip(24).collect())
            .collect()
    };
    // Rows miscounted while skipping would leave blank rows under it.
    let last = pane(model);
    assert!(
        last[last.len() - 1]
            .trim_matches([' ', '│', '┃'])
            .starts_with(['◆', '◇']),
        "{user}: {last:#?}"
    );
    // Places: the top, a page or two down, a third and a half of the way
    // (pages), and the row before the end.
    let pages = end / usize::from(height - 6);
    let places: Vec<Vec<KeyCode>> = [0, 1, 2, pages / 3, pages / 2]
        .into_iter()
        .map(|n| {
            let mut k = vec![KeyCode::Home];
            k.extend(std::iter::repeat_n(KeyCode::PageDown, n));
            k
        })
        .chain([vec![KeyCode::End, KeyCode::Up]])
        .collect();
    for place in places {
        keys(model, &place);
        let at = model.dashboard().expect("dash").profile_scroll;
        let before = pane(model);
        keys(model, &[KeyCode::Down]);
        assert_eq!(model.dashboard().expect("dash").profile_scroll, at + 1);
        let after = pane(model);
        assert_eq!(before[1..], after[..after.len() - 1], "{user} at row {at}");
    }
}
