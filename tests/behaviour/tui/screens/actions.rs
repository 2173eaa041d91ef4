//! The action table: every footer hint does something, the footer offers
//! only what applies, the palette runs actions and says why one is off.

use super::*;

/// Every hint in the footer names a key that, pressed in that state, runs
/// the hinted action and visibly does something (or asks for work).
#[tokio::test]
async fn every_footer_hint_names_a_key_that_does_something() {
    let demo = Demo::start().await;
    let session = demo.sign_in("alice").await;
    for (name, dashboard, keys) in STATES {
        let model = state(&demo, &session, *dashboard, keys);
        let hints = footer_hints(&model);
        assert!(!hints.is_empty(), "{name}: no hints");
        for hint in hints {
            let mut model = state(&demo, &session, *dashboard, keys);
            let contexts = contexts(&model);
            assert_eq!(
                resolve(&model, &contexts, hint.key),
                Some((hint.context, hint.action)),
                "{name}: the hint {} {} runs something else",
                hint.key,
                hint.word
            );
            let before = render(&model);
            let commands = update(&mut model, event_for(hint.key));
            let after = render(&model);
            assert!(
                model.quit || !commands.is_empty() || before != after,
                "{name}: the hint {} {} does nothing",
                hint.key,
                hint.word
            );
        }
    }
}

/// The footer only offers what applies: no "Esc cancel" with nothing
/// pending, and the dashboard's keys leave the footer while a popup has
/// the keyboard.
#[tokio::test]
async fn the_footer_offers_only_what_applies_now() {
    let demo = Demo::start().await;
    let session = demo.sign_in("alice").await;
    let footer = |model: &Model| render(model).lines().last().unwrap_or_default().to_owned();
    let login = state(&demo, &session, false, &[]);
    assert!(!footer(&login).contains("cancel"), "{}", footer(&login));
    let pending = state(&demo, &session, false, &[KeyCode::Enter]);
    assert!(
        footer(&pending).contains("Esc cancel"),
        "{}",
        footer(&pending)
    );
    assert!(!footer(&pending).contains("log in"), "{}", footer(&pending));
    let menu = state(&demo, &session, true, &[KeyCode::Char('m')]);
    assert!(footer(&menu).contains("Enter run"), "{}", footer(&menu));
    assert!(!footer(&menu).contains("orgs"), "{}", footer(&menu));
    assert!(!footer(&menu).contains("q quit"), "{}", footer(&menu));
}

/// `:` lists the commands and places available now; typing narrows them
/// (fuzzy), `q` is a letter there, and Enter runs the first.
#[tokio::test]
async fn the_command_palette_finds_and_runs_an_action() {
    let demo = Demo::start().await;
    let mut model = demo.dashboard("alice").await;
    press(&mut model, KeyCode::Char(':'));
    assert_screen!("palette_alice", &model);
    type_text(&mut model, "qu");
    assert!(!model.quit, "q is text in the palette");
    let Some(Popup::Palette { query, .. }) = &model.popup else {
        panic!("the palette is open: {:?}", model.popup);
    };
    assert_eq!(query, "qu");
    press(&mut model, KeyCode::Backspace);
    press(&mut model, KeyCode::Backspace);
    type_text(&mut model, "bill");
    press(&mut model, KeyCode::Enter);
    assert_eq!(model.popup, None);
    assert_eq!(dash(&model).nav, NAV_BILLING, "Billing opened");
    assert_eq!(dash(&model).focus, Focus::Content);
}

/// A gated action says why instead of doing nothing: `r` on the profile.
#[tokio::test]
async fn a_disabled_action_says_why() {
    let demo = Demo::start().await;
    let mut model = demo.dashboard("alice").await;
    press(&mut model, KeyCode::Char('r'));
    let toast = model.toast.as_ref().expect("a reason");
    assert_eq!(toast.text, "Only a panel's data reloads.");
}
