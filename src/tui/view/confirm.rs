//! A confirmation in a popup of its own, for what cannot be undone from
//! here (lazygit's): what will happen, said in full, then Enter or `y` to
//! go on and Esc to stay.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use crate::identity::visible;
use crate::tui::action::Action;
use crate::tui::model::{MenuItem, Model};
use crate::tui::theme;

pub(crate) fn draw(frame: &mut Frame, model: &Model, item: MenuItem) {
    let Some(dash) = model.dashboard() else {
        return;
    };
    let session = &dash.session;
    let who = visible(
        session
            .user
            .email
            .as_deref()
            .unwrap_or(session.user.display_name()),
    )
    .into_owned();
    let at = model
        .provider(&session.provider)
        .map_or(session.provider.as_str(), |p| p.label.as_str());
    let (title, text, go) = match item {
        MenuItem::LogOutEverywhere => (
            " Log out everywhere? ",
            format!(
                "Every session of {who} at {at} ends, on every device and in every app that \
                 signs in there, and authdash logs out here."
            ),
            "log out everywhere",
        ),
        MenuItem::LogOutInBrowser => (
            " Log out, also in the browser? ",
            format!(
                "{who} is logged out here and the tokens are revoked at {at}; then the browser \
                 opens to end the sign-in there too, which signs that browser out of every site \
                 using it."
            ),
            "log out",
        ),
        other => (" Go on? ", other.label().to_owned(), "go on"),
    };
    let area = frame.area();
    let width = 64.min(area.width.saturating_sub(4)).max(20);
    let inner = usize::from(width.saturating_sub(4));
    let mut lines: Vec<Line> = wrap(&text, inner).into_iter().map(Line::raw).collect();
    lines.push(Line::raw(""));
    let keys = |action| {
        model
            .keymap
            .keys(action)
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
    };
    let mut go_keys = keys(Action::Confirm);
    go_keys.extend(keys(Action::Yes));
    lines.push(Line::from(vec![
        Span::styled(go_keys.join("/"), theme::key()),
        Span::raw(format!(" {go}   ")),
        Span::styled(keys(Action::Back).join("/"), theme::key()),
        Span::raw(" stay"),
    ]));
    let height = (lines.len() as u16 + 2).min(area.height);
    let [row] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(row);
    frame.render_widget(Clear, popup);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme::border(true))
        .title(Span::styled(title, theme::title()));
    let text_area = block.inner(popup);
    frame.render_widget(block, popup);
    let padded = Rect {
        x: text_area.x + 1,
        width: text_area.width.saturating_sub(2),
        ..text_area
    };
    frame.render_widget(Paragraph::new(lines), padded);
}

/// `text` in lines of at most `width` columns, broken between words (a
/// word longer than a line is cut).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word = word.to_owned();
        while word.width() > width {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let cut: String = word.chars().take(width).collect();
            word = word.chars().skip(cut.chars().count()).collect();
            lines.push(cut);
        }
        if !line.is_empty() && line.width() + 1 + word.width() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_between_words_within_the_width() {
        assert_eq!(
            wrap("log out everywhere then here", 12),
            ["log out", "everywhere", "then here"]
        );
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
    }
}
