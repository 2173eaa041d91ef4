//! Colours and styles in one place. The default reads on dark and light
//! terminals (named ANSI colours, which the terminal's own palette maps);
//! monochrome (`NO_COLOR`, or `theme = "mono"`) keeps only bold, dim and
//! reverse video, so focus and selection stay visible without colour.

use std::sync::atomic::{AtomicBool, Ordering};

use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::BorderType;

static MONO: AtomicBool = AtomicBool::new(false);

/// No colour from here on (set before the first frame; the binary decides
/// from `NO_COLOR` and the config's `theme`).
pub fn set_monochrome(on: bool) {
    MONO.store(on, Ordering::SeqCst);
}

pub fn monochrome() -> bool {
    MONO.load(Ordering::SeqCst)
}

/// `NO_COLOR` as <https://no-color.org> defines it: set and not empty.
pub fn no_color(value: Option<&str>) -> bool {
    value.is_some_and(|v| !v.is_empty())
}

/// `style` with its colours dropped when monochrome.
fn paint(style: Style) -> Style {
    if monochrome() {
        Style {
            fg: None,
            bg: None,
            underline_color: None,
            ..style
        }
    } else {
        style
    }
}

pub fn title() -> Style {
    paint(Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD))
}

pub fn dim() -> Style {
    if monochrome() {
        Style::new().add_modifier(Modifier::DIM)
    } else {
        Style::new().fg(Color::DarkGray)
    }
}

pub fn key() -> Style {
    paint(Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD))
}

pub fn selected(focused: bool) -> Style {
    if focused && !monochrome() {
        Style::new().fg(Color::Black).bg(Color::Cyan)
    } else {
        Style::new().add_modifier(Modifier::REVERSED)
    }
}

pub fn ok() -> Style {
    paint(Style::new().fg(Color::Green))
}

pub fn error() -> Style {
    paint(Style::new().fg(Color::Red).add_modifier(Modifier::BOLD))
}

pub fn warn() -> Style {
    paint(Style::new().fg(Color::Yellow))
}

/// The device code: large-ish and bold, readable on any background.
pub fn code() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

/// The QR code needs dark on light whatever the terminal's colours.
pub fn qr() -> Style {
    paint(Style::new().fg(Color::Black).bg(Color::White))
}

pub fn border(focused: bool) -> Style {
    if focused {
        paint(Style::new().fg(Color::Cyan))
    } else {
        dim()
    }
}

/// Focus shown without colour too: the focused pane has a thick border.
pub fn border_type(focused: bool) -> BorderType {
    if focused {
        BorderType::Thick
    } else {
        BorderType::Plain
    }
}

/// A configured accent (`[[authdash.accent]]`): the label in reverse video
/// in its colour, so where a person acts stands out even without colour.
pub fn accent(color: &str) -> Style {
    let c = match color {
        "red" => Color::Red,
        "green" => Color::Green,
        "yellow" => Color::Yellow,
        "blue" => Color::Blue,
        "magenta" => Color::Magenta,
        "cyan" => Color::Cyan,
        "white" => Color::White,
        _ => Color::Gray,
    };
    let style = paint(Style::new().fg(Color::Black).bg(c)).add_modifier(Modifier::BOLD);
    if monochrome() {
        style.add_modifier(Modifier::REVERSED)
    } else {
        style
    }
}
