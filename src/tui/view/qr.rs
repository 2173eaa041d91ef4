use ratatui::text::Line;

/// The QR code of `text`, dark on light.
pub(crate) fn lines(text: &str) -> Option<Vec<Line<'static>>> {
    let style = crate::tui::theme::qr();
    crate::qr::rows(text).map(|rows| rows.into_iter().map(|r| Line::styled(r, style)).collect())
}
