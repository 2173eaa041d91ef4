//! Colours and styles in one place. Three palettes: dark (the default:
//! named ANSI colours, which the terminal's own palette maps), light (no
//! yellow or cyan text, which fade on a white background), and monochrome
//! (`NO_COLOR`, or `theme = "mono"`), which keeps only bold, dim and
//! reverse video, so focus and selection stay visible without colour.
//! `theme = "auto"` takes the background from `COLORFGBG` where the
//! terminal sets it (rxvt, Konsole, …); asking the terminal itself (OSC 11)
//! would hold up the first frame on terminals that never answer.

use std::sync::atomic::{AtomicU8, Ordering};

use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::BorderType;

use crate::config::ThemeChoice;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Palette {
    Dark,
    Light,
    Mono,
}

static PALETTE: AtomicU8 = AtomicU8::new(0);

/// The palette from here on (set before the first frame; the binary
/// decides with [`choose`]).
pub fn set_palette(palette: Palette) {
    PALETTE.store(palette as u8, Ordering::SeqCst);
}

fn palette() -> Palette {
    match PALETTE.load(Ordering::SeqCst) {
        1 => Palette::Light,
        2 => Palette::Mono,
        _ => Palette::Dark,
    }
}

fn monochrome() -> bool {
    palette() == Palette::Mono
}

/// `NO_COLOR` as <https://no-color.org> defines it: set and not empty.
fn no_color(value: Option<&str>) -> bool {
    value.is_some_and(|v| !v.is_empty())
}

/// The palette for the config's `theme`, `NO_COLOR` and `COLORFGBG`:
/// `NO_COLOR` wins over everything, an explicit theme over detection.
pub fn choose(theme: ThemeChoice, no_color_env: Option<&str>, colorfgbg: Option<&str>) -> Palette {
    if no_color(no_color_env) {
        return Palette::Mono;
    }
    match theme {
        ThemeChoice::Mono => Palette::Mono,
        ThemeChoice::Light => Palette::Light,
        ThemeChoice::Dark => Palette::Dark,
        ThemeChoice::Auto => match background_is_light(colorfgbg) {
            Some(true) => Palette::Light,
            _ => Palette::Dark,
        },
    }
}

/// `COLORFGBG` is "fg;bg" (sometimes "fg;default;bg"): the last field is
/// the background's ANSI colour number; 7 and 9..=15 are light.
fn background_is_light(colorfgbg: Option<&str>) -> Option<bool> {
    let bg: u8 = colorfgbg?.rsplit(';').next()?.trim().parse().ok()?;
    Some(bg == 7 || (9..=15).contains(&bg))
}

/// `style` with its colours dropped when monochrome.
fn paint(style: Style) -> Style {
    paint_in(palette(), style)
}

fn paint_in(palette: Palette, style: Style) -> Style {
    if palette == Palette::Mono {
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

/// The text colours that differ by background: (title, key, warn, focus).
fn text_colours(palette: Palette) -> (Color, Color, Color, Color) {
    match palette {
        Palette::Light => (Color::Blue, Color::Magenta, Color::Red, Color::Blue),
        _ => (Color::Cyan, Color::Yellow, Color::Yellow, Color::Cyan),
    }
}

pub(crate) fn title() -> Style {
    title_in(palette())
}

fn title_in(palette: Palette) -> Style {
    let (title, ..) = text_colours(palette);
    paint_in(palette, Style::new().fg(title).add_modifier(Modifier::BOLD))
}

pub(crate) fn dim() -> Style {
    if monochrome() {
        Style::new().add_modifier(Modifier::DIM)
    } else {
        Style::new().fg(Color::DarkGray)
    }
}

pub(crate) fn key() -> Style {
    key_in(palette())
}

fn key_in(palette: Palette) -> Style {
    let (_, key, ..) = text_colours(palette);
    paint_in(palette, Style::new().fg(key).add_modifier(Modifier::BOLD))
}

/// The letters a filter matched in a line: underlined and bold in every
/// palette, so they show on the selected line and without colour too.
pub(crate) fn matched() -> Style {
    Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
}

pub(crate) fn selected(focused: bool) -> Style {
    if focused && !monochrome() {
        Style::new().fg(Color::Black).bg(Color::Cyan)
    } else {
        Style::new().add_modifier(Modifier::REVERSED)
    }
}

pub(crate) fn ok() -> Style {
    paint(Style::new().fg(Color::Green))
}

pub(crate) fn error() -> Style {
    paint(Style::new().fg(Color::Red).add_modifier(Modifier::BOLD))
}

pub(crate) fn warn() -> Style {
    warn_in(palette())
}

fn warn_in(palette: Palette) -> Style {
    let (_, _, warn, _) = text_colours(palette);
    paint_in(palette, Style::new().fg(warn))
}

/// The device code: large-ish and bold, readable on any background.
pub(crate) fn code() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

/// The QR code needs dark on light whatever the terminal's colours.
pub(crate) fn qr() -> Style {
    paint(Style::new().fg(Color::Black).bg(Color::White))
}

pub(crate) fn border(focused: bool) -> Style {
    border_in(palette(), focused)
}

fn border_in(palette: Palette, focused: bool) -> Style {
    let (.., focus) = text_colours(palette);
    if focused {
        paint_in(palette, Style::new().fg(focus))
    } else {
        dim()
    }
}

/// Focus shown without colour too: the focused pane has a thick border.
pub(crate) fn border_type(focused: bool) -> BorderType {
    if focused {
        BorderType::Thick
    } else {
        BorderType::Plain
    }
}

/// A configured accent (`[[authdash.accent]]`): the label in reverse video
/// in its colour, so where a person acts stands out even without colour.
pub(crate) fn accent(color: &str) -> Style {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colorfgbg_tells_a_light_background_from_a_dark_one() {
        assert_eq!(background_is_light(Some("0;15")), Some(true));
        assert_eq!(background_is_light(Some("0;default;7")), Some(true));
        assert_eq!(background_is_light(Some("15;0")), Some(false));
        assert_eq!(background_is_light(Some("15;8")), Some(false));
        assert_eq!(background_is_light(Some("garbage")), None);
        assert_eq!(background_is_light(None), None);
    }

    #[test]
    fn no_color_beats_the_theme_and_the_theme_beats_detection() {
        use ThemeChoice::*;
        assert_eq!(choose(Light, Some("1"), None), Palette::Mono);
        assert_eq!(choose(Auto, Some(""), Some("0;15")), Palette::Light);
        assert_eq!(choose(Auto, None, Some("15;0")), Palette::Dark);
        assert_eq!(choose(Auto, None, None), Palette::Dark);
        assert_eq!(choose(Dark, None, Some("0;15")), Palette::Dark);
        assert_eq!(choose(Light, None, Some("15;0")), Palette::Light);
        assert_eq!(choose(Mono, None, None), Palette::Mono);
    }

    /// Yellow and cyan text fade into a white background: the light
    /// palette draws none; the monochrome one draws no colour at all.
    #[test]
    fn the_light_palette_has_no_text_that_fades_on_white() {
        let styles = |p| [title_in(p), key_in(p), warn_in(p), border_in(p, true)];
        for style in styles(Palette::Light) {
            assert!(
                !matches!(
                    style.fg,
                    Some(Color::Yellow | Color::LightYellow | Color::Cyan | Color::LightCyan)
                ),
                "{style:?}"
            );
        }
        for style in styles(Palette::Mono) {
            assert_eq!((style.fg, style.bg), (None, None), "{style:?}");
        }
        assert_ne!(title_in(Palette::Light), title_in(Palette::Dark));
    }
}
