//! `?`: as wide as its content, reasons never cut, the scroll stopping at
//! both ends.

use crossterm::event::KeyCode;

use crate::support::screens::{Demo, SIZES, keys, press, resize, rows};

#[tokio::test]
async fn help_fits_its_content_and_greys_what_does_not_apply() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("alice").await;
    // The app tells the model its size before the help opens at the keys
    // of the screen under it.
    for (width, height) in SIZES {
        resize(&mut model, width, height);
        press(&mut model, KeyCode::Char('?'));
        crate::assert_screen!("help", &model, width, height);
        press(&mut model, KeyCode::Esc);
    }
    // On Profile, sorting and revealing do nothing: greyed with where they
    // work, the reason whole even at 60 columns (wrapped, not cut).
    for (width, height) in SIZES {
        resize(&mut model, width, height);
        press(&mut model, KeyCode::Esc);
        press(&mut model, KeyCode::Char('?'));
        let mut seen = String::new();
        for _ in 0..40 {
            seen.push_str(&inside_the_help(&rows(&model, width, height)));
            press(&mut model, KeyCode::PageDown);
        }
        let flat: String = seen.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains("only on a table panel"), "{width}x{height}");
        assert!(flat.contains("only on Session"), "{width}x{height}");
    }
}

#[tokio::test]
async fn help_scrolls_no_further_than_its_ends() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("alice").await;
    resize(&mut model, 80, 24);
    press(&mut model, KeyCode::Char('?'));
    keys(&mut model, &[KeyCode::Home]);
    assert_eq!(model.help_scroll, 0);
    // Up at the top is not stored: one Down moves one line.
    keys(
        &mut model,
        &[KeyCode::Up, KeyCode::Up, KeyCode::Up, KeyCode::Down],
    );
    assert_eq!(model.help_scroll, 1);
    keys(&mut model, &[KeyCode::End]);
    let last = model.help_scroll;
    assert!(last > 0);
    let screen = rows(&model, 80, 24).join("\n");
    assert!(screen.contains("Ctrl-C"), "the end is on screen: {screen}");
    keys(&mut model, &[KeyCode::Down, KeyCode::Down, KeyCode::Up]);
    assert_eq!(model.help_scroll, last - 1, "Down at the end is not stored");
}

/// The text inside the help's frame, row after row.
fn inside_the_help(screen: &[String]) -> String {
    let Some((top, line)) = screen
        .iter()
        .enumerate()
        .find(|(_, r)| r.contains("┌ Keys"))
    else {
        return String::new();
    };
    let chars: Vec<char> = line.chars().collect();
    let left = chars.iter().position(|c| *c == '┌').unwrap_or(0);
    let right = chars.iter().rposition(|c| *c == '┐').unwrap_or(chars.len());
    screen[top + 1..]
        .iter()
        .map(|r| {
            r.chars()
                .skip(left + 1)
                .take(right.saturating_sub(left + 1))
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(" ")
}
