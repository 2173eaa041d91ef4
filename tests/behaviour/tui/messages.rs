//! The status line: information goes by itself, errors stay until read;
//! one voice; short causes.

use chrono::TimeDelta;
use crossterm::event::KeyCode;

use crate::support::screens::{Demo, press, rows, tick};
use authdash::tui::message::Msg;
use authdash::tui::model::Level;
use authdash::tui::update::update;

#[tokio::test]
async fn information_goes_by_itself_and_errors_stay() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("alice").await;
    update(&mut model, Msg::Notice("the org was saved".into()));
    assert_eq!(
        model.toast.as_ref().map(|t| t.text.as_str()),
        Some("The org was saved."),
        "a sentence"
    );
    tick(&mut model, TimeDelta::seconds(4));
    assert!(model.toast.is_some(), "still there after 4 s");
    tick(&mut model, TimeDelta::seconds(2));
    assert!(model.toast.is_none(), "gone after 5 s");

    update(
        &mut model,
        Msg::Failed("cannot reach 127.0.0.1:9: connection refused".into()),
    );
    tick(&mut model, TimeDelta::minutes(10));
    let toast = model.toast.as_ref().expect("an error stays");
    assert_eq!(toast.level, Level::Error);
    assert_eq!(toast.text, "Cannot reach 127.0.0.1:9: connection refused.");
    assert!(rows(&model, 80, 24).join("\n").contains("Esc to dismiss"));
    press(&mut model, KeyCode::Esc);
    assert!(model.toast.is_none());
}
