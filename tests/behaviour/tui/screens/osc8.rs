//! Addresses on the login screens are OSC 8 hyperlinks.

use super::*;

/// The login URL is an OSC 8 hyperlink in a real terminal: the opening
/// sequence rides in its first cell and the closing one in its last, and
/// the text between stays the URL as plain characters.
#[tokio::test]
async fn the_login_url_is_an_osc8_hyperlink() {
    let demo = Demo::start().await;
    let mut model = demo.model(fixed_now());
    let url = "http://127.0.0.1:1/authorize?client_id=authdash-demo&state=abc".to_owned();
    support::screens::browser_login_waiting(&mut model, &url);
    model.hyperlinks = true;
    let symbols = cells(&model);
    let open = format!("\u{1b}]8;;{url}\u{1b}\\");
    let start = symbols
        .iter()
        .position(|s| s.starts_with(&open))
        .expect("the URL opens an OSC 8 link");
    assert_eq!(&symbols[start][open.len()..], "h");
    let end = symbols
        .iter()
        .position(|s| s.ends_with("\u{1b}]8;;\u{1b}\\"))
        .expect("the link is closed");
    assert!(end > start);
    // Off (as in the other tests): no escape in any cell.
    model.hyperlinks = false;
    assert!(!render(&model).contains('\u{1b}'));
}

/// The device screen's address is an OSC 8 link too, to the address shown.
#[tokio::test]
async fn the_device_address_is_an_osc8_hyperlink() {
    let demo = Demo::start().await;
    let mut model = device_screen(
        &demo,
        authdash::tui::model::DeviceCode {
            user_code: "WDJB-MJHT".into(),
            verification_uri: "https://idp.example/device".into(),
            verification_uri_complete: None,
            expires_at: fixed_now() + TimeDelta::minutes(10),
            poll: None,
        },
    );
    model.hyperlinks = true;
    let symbols = cells(&model);
    let open = "\u{1b}]8;;https://idp.example/device\u{1b}\\";
    let start = symbols
        .iter()
        .position(|s| s.starts_with(open))
        .expect("the address opens an OSC 8 link");
    assert_eq!(&symbols[start][open.len()..], "h");
    assert!(
        symbols[start..]
            .iter()
            .any(|s| s.ends_with("\u{1b}]8;;\u{1b}\\")),
        "the link is closed"
    );
    model.hyperlinks = false;
    assert!(!render(&model).contains('\u{1b}'));
}

/// What each cell of the drawn screen holds, escapes included.
fn cells(model: &Model) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("test terminal");
    terminal
        .draw(|frame| view::draw(frame, model))
        .expect("draw");
    terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol().to_owned())
        .collect()
}
