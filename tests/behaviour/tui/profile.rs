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
