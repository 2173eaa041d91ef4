//! The header keeps where the person acts and the session's state at
//! every width; the footer follows the focus, the key that matters first.

use crossterm::event::KeyCode;

use crate::support::screens::{Demo, SIZES, keys, press, rows};

#[tokio::test]
async fn the_org_and_the_session_state_stay_at_every_width() {
    let demo = Demo::start().await;
    let (model, _) = demo.dashboard("alice").await;
    for (width, height) in SIZES {
        let header = &rows(&model, width, height)[0];
        assert!(header.contains("Acme"), "{width}: {header}");
        assert!(
            header.contains("renews in 9 min"),
            "the session's state is the last to go: {width}: {header}"
        );
    }
    // What goes first as it narrows: the email, then the demo tag, the
    // name; the role goes before the session's state is shortened.
    let at = |w| rows(&model, w, 24)[0].clone();
    assert!(at(200).contains("<alice@example.com>") && at(200).contains("[demo]"));
    assert!(!at(80).contains("alice@example.com") && at(80).contains("Alice Anderson"));
    assert!(!at(60).contains("Alice") && at(60).contains("Acme (Owner)"));
}

#[tokio::test]
async fn the_footer_leads_with_the_key_for_what_is_in_focus() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("alice").await;
    let footer = |m: &authdash::tui::model::Model| rows(m, 60, 20)[19].clone();
    assert!(
        footer(&model).trim_start().starts_with("Enter open"),
        "in the list, Enter opens: {}",
        footer(&model)
    );
    assert!(!footer(&model).contains("move"), "no hint for the arrows");
    // Billing, in its content: reload and back come first.
    keys(&mut model, &[KeyCode::Char('4'), KeyCode::Enter]);
    assert!(
        footer(&model)
            .trim_start()
            .starts_with("r reload  Esc back"),
        "{}",
        footer(&model)
    );
    // Globex, where alice is a Member: Billing locks, and `u` unlocks it
    // by going back to Acme.
    press(&mut model, KeyCode::Esc);
    keys(
        &mut model,
        &[
            KeyCode::Char('2'),
            KeyCode::Enter,
            KeyCode::Down,
            KeyCode::Enter,
        ],
    );
    keys(&mut model, &[KeyCode::Esc, KeyCode::Char('4')]);
    let text = footer(&model);
    assert!(
        text.trim_start().starts_with("Enter open  u unlock"),
        "{text}"
    );
}

#[tokio::test]
async fn a_key_that_works_elsewhere_says_where() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("alice").await;
    press(&mut model, KeyCode::Char('s'));
    let said = model.toast.as_ref().map(|t| t.text.clone());
    assert_eq!(
        said.as_deref(),
        Some("Sort a table by the next column: only on a table panel.")
    );
}
