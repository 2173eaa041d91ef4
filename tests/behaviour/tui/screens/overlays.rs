//! The help overlay, the footer at narrow widths, and queued errors.

use super::*;

#[tokio::test]
async fn snapshot_help_overlay() {
    let demo = Demo::start().await;
    let mut model = demo.dashboard("alice").await;
    press(&mut model, KeyCode::Down);
    press(&mut model, KeyCode::Char('?'));
    assert_eq!(model.popup, Some(Popup::Help));
    assert_screen!("help_overlay", &model);
}

/// `?` is the key that shows every other key: it stays in the footer
/// however many keys the screen has and however narrow the terminal.
#[tokio::test]
async fn help_and_quit_stay_in_the_footer_on_narrow_terminals() {
    let demo = Demo::start().await;
    let mut model = demo.dashboard("alice").await;
    press(&mut model, KeyCode::Down); // Organizations: the most keys
    for width in [60, 80, 100] {
        let screen = render_sized(&model, width, 24);
        let footer = screen.lines().last().expect("a footer");
        assert!(footer.contains(" ? help"), "{footer}");
        assert!(footer.contains(" q quit"), "{footer}");
    }
    let login = demo.model(fixed_now());
    let screen = render_sized(&login, 80, 24);
    let footer = screen.lines().last().expect("a footer");
    assert!(footer.contains(" ? help  q quit"), "{footer}");
}

/// Errors queue rather than overwrite; Esc shows the next.
#[tokio::test]
async fn errors_queue_until_acknowledged() {
    let demo = Demo::start().await;
    let mut model = demo.dashboard("alice").await;
    update(&mut model, Msg::Failed("first".into()));
    update(&mut model, Msg::Failed("second".into()));
    assert_eq!(
        model.toast.as_ref().map(|t| t.text.as_str()),
        Some("First.")
    );
    assert!(render(&model).contains("Esc: next of 1 more"));
    press(&mut model, KeyCode::Esc);
    assert_eq!(
        model.toast.as_ref().map(|t| t.text.as_str()),
        Some("Second.")
    );
    press(&mut model, KeyCode::Esc);
    assert_eq!(model.toast, None);
}
