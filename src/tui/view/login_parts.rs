//! What the login screens share: the column their parts stack in, the
//! notice above them, the SSH forward beside a loopback address, the key
//! named for an action.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;

use super::login_text::Text;
use crate::identity::visible;
use crate::tui::action::Action;
use crate::tui::model::{Level, LoginScreen, Model};
use crate::tui::theme;

/// Parts stacked in the column and centred in its height: each part's
/// height as asked, the last ones cut first where they do not all fit.
pub(super) fn stack(area: Rect, heights: &[u16]) -> Vec<Rect> {
    let total: u16 = heights.iter().sum();
    let top = area.y + area.height.saturating_sub(total) / 2;
    let mut y = top;
    heights
        .iter()
        .map(|&h| {
            let h = h.min(area.bottom().saturating_sub(y));
            let rect = Rect::new(area.x, y, area.width, h);
            y += h;
            rect
        })
        .collect()
}

/// Why the login screen shows (logged out, a failed login…), above it.
pub(super) fn notice(login: &LoginScreen, width: u16) -> Text {
    let mut text = Text::new(width);
    if let Some(notice) = &login.notice {
        let style = match notice.level {
            Level::Error => theme::error(),
            Level::Info => theme::ok(),
        };
        text.say(visible(&notice.text).into_owned(), style);
        text.blank();
    }
    text
}

/// Over SSH: the forward that lets a browser on the person's own computer
/// reach a loopback address here.
pub(super) fn forward(text: &mut Text, url: &str) {
    let Some(port) = url::Url::parse(url)
        .ok()
        .and_then(|u| u.port_or_known_default())
    else {
        return;
    };
    text.say(
        "Over SSH, a browser on your own computer reaches it once you forward the port:",
        Style::new(),
    );
    text.line(Line::styled(
        format!("  ssh -L {port}:127.0.0.1:{port} YOU@THIS-MACHINE"),
        theme::ok(),
    ));
}

/// The key the person presses for `action` (the config may rebind it).
pub(super) fn first_key(model: &Model, action: Action) -> String {
    model
        .keymap
        .keys(action)
        .first()
        .map(ToString::to_string)
        .unwrap_or_default()
}
