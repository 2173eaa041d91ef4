//! The harness itself: a real login drawn at the clock, at every size.

use crossterm::event::KeyCode;

use crate::support::screens::{Demo, SIZES, clock, press, rows};

#[tokio::test]
async fn a_login_is_drawn_at_the_one_clock_at_every_size() {
    let demo = Demo::start().await;
    let (mut model, commands) = demo.dashboard("alice").await;
    assert!(
        commands.is_empty(),
        "Profile asks for nothing: {commands:?}"
    );
    let session = &model.dashboard().expect("the dashboard").session;
    assert_eq!(session.logged_in_at, clock());
    // The demo's access tokens live ten minutes: the countdown is the same
    // on every run.
    for (width, height) in SIZES {
        let screen = rows(&model, width, height).join("\n");
        assert!(screen.contains("Alice"), "{width}x{height}:\n{screen}");
    }
    press(&mut model, KeyCode::Char('q'));
    assert!(model.quit);
}
