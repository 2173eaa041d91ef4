use chrono::DateTime;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::dashboard::content_block;
use super::time::clock;
use crate::tui::model::{Dashboard, Model};
use crate::tui::theme;

/// Draws the claims the dashboard prepared when the session arrived
/// (`ProfileText`): only the times are formatted here, in the model's zone.
pub fn draw(frame: &mut Frame, area: Rect, model: &Model, dash: &Dashboard, focused: bool) {
    let text = &dash.profile;
    let width = text.name_width;
    let mut lines = vec![
        Line::from(vec![
            Span::styled(
                "Claims of the verified ID token and userinfo ",
                theme::dim(),
            ),
            Span::styled("(◆ ID token, ◇ userinfo)", theme::dim()),
        ]),
        Line::raw(""),
    ];
    let indent = " ".repeat(width + 5);
    // Each line takes at least one row, so none past the scroll offset
    // plus the height can show: they are not made (a 1,000-org claim is
    // some 15,000 lines).
    let shown = usize::from(dash.profile_scroll) + usize::from(area.height);
    for claim in &text.claims {
        if lines.len() >= shown {
            break;
        }
        let first = match claim.time.and_then(|s| DateTime::from_timestamp(s, 0)) {
            Some(at) => Span::raw(format!(
                "{} ({})",
                clock(model, at),
                claim.time.unwrap_or_default()
            )),
            None => Span::raw(claim.lines().next().unwrap_or_default()),
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", claim.source), theme::dim()),
            Span::styled(format!("{:<width$}  ", claim.name), theme::key()),
            first,
        ]));
        if claim.time.is_none() {
            lines.extend(
                claim
                    .lines()
                    .skip(1)
                    .take(shown.saturating_sub(lines.len()))
                    .map(|l| Line::from(vec![Span::raw(indent.as_str()), Span::raw(l)])),
            );
        }
    }
    let paragraph = Paragraph::new(lines)
        .block(content_block("Profile", focused))
        .wrap(Wrap { trim: false })
        .scroll((dash.profile_scroll, 0));
    frame.render_widget(paragraph, area);
}
