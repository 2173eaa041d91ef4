use ratatui::style::{Color, Style};
use ratatui::text::Line;

/// The QR code of `text`, black on white.
pub fn lines(text: &str) -> Option<Vec<Line<'static>>> {
    let style = Style::new().fg(Color::Black).bg(Color::White);
    crate::qr::rows(text).map(|rows| rows.into_iter().map(|r| Line::styled(r, style)).collect())
}
