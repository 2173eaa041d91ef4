use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::qr;
use super::time::relative;
use crate::identity::visible;
use crate::tui::model::{DeviceCode, Model, PollView};
use crate::tui::theme;

/// The device login: the code large, where to enter it, a QR code of the
/// complete URI, the countdown and what polling is doing.
pub fn draw(frame: &mut Frame, area: Rect, model: &Model, label: &str, code: Option<&DeviceCode>) {
    let Some(code) = code else {
        frame.render_widget(
            Paragraph::new(format!("Asking {label} for a code…")).style(theme::warn()),
            area,
        );
        return;
    };
    let qr_target = code
        .verification_uri_complete
        .as_deref()
        .unwrap_or(&code.verification_uri);
    let qr = qr::lines(qr_target).unwrap_or_default();
    let qr_width = qr.first().map(|l| l.width() as u16).unwrap_or(0);
    let side_by_side = area.width >= 50 + qr_width && area.height as usize >= qr.len();
    let [text_area, qr_area] = if side_by_side {
        Layout::horizontal([Constraint::Min(40), Constraint::Length(qr_width + 2)]).areas(area)
    } else {
        [area, Rect::default()]
    };

    let user_code = visible(&code.user_code);
    let spaced: String = user_code
        .chars()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(" ");
    let mut lines = vec![
        Line::from(vec![
            Span::styled("Log in to ", theme::warn()),
            Span::styled(label.to_owned(), theme::title()),
            Span::styled(
                " on another device (a phone, another computer):",
                theme::warn(),
            ),
        ]),
        Line::raw(""),
        Line::raw("1. Open this address:"),
        Line::styled(
            format!("   {}", visible(&code.verification_uri)),
            theme::ok(),
        ),
        Line::raw("2. Enter this code:"),
        Line::raw(""),
    ];
    let code_width = spaced.chars().count() + 6;
    lines.push(Line::styled(
        format!("   ┌{}┐", "─".repeat(code_width)),
        theme::key(),
    ));
    lines.push(Line::from(vec![
        Span::styled("   │   ", theme::key()),
        Span::styled(spaced, theme::code()),
        Span::styled("   │", theme::key()),
    ]));
    lines.push(Line::styled(
        format!("   └{}┘", "─".repeat(code_width)),
        theme::key(),
    ));
    // Whole, for a mouse selection (the box's letters are spaced apart).
    lines.push(Line::from(vec![
        Span::styled("   to copy: ", theme::dim()),
        Span::raw(user_code.clone().into_owned()),
        Span::styled("  (or press c)", theme::dim()),
    ]));
    // The countdown and the poll state before the QR code: on a small
    // terminal they stay in view.
    let expires = if code.expires_at > model.now {
        format!("The code expires {}.", relative(model.now, code.expires_at))
    } else {
        "The code has expired.".to_owned()
    };
    lines.push(Line::raw(expires));
    lines.push(Line::styled(poll_text(model, code.poll), theme::dim()));
    if !qr.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            if side_by_side {
                "Or scan the QR code with your phone (it carries the code)."
            } else {
                "Or scan the QR code below with your phone (it carries the code)."
            },
            theme::dim(),
        ));
    }
    if !side_by_side {
        lines.push(Line::raw(""));
        lines.extend(qr.iter().cloned());
    }
    let address = format!("   {}", visible(&code.verification_uri));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), text_area);
    if model.hyperlinks {
        link_address(frame, text_area, &address, &code.verification_uri);
    }
    if side_by_side {
        frame.render_widget(
            Paragraph::new(qr).block(Block::new().borders(Borders::NONE)),
            qr_area,
        );
    }
}

fn poll_text(model: &Model, poll: Option<PollView>) -> String {
    let until = |at: chrono::DateTime<chrono::Utc>| {
        let secs = (at - model.now).num_seconds().max(0);
        format!("{secs} s")
    };
    match poll {
        None => "Waiting for you to approve…".into(),
        Some(PollView::Waiting { next_at }) => {
            format!(
                "Waiting for you to approve… (next check in {})",
                until(next_at)
            )
        }
        Some(PollView::SlowingDown {
            every_secs,
            next_at,
        }) => format!(
            "Slowing down: the provider asked for checks every {every_secs} s (next in {}).",
            until(next_at)
        ),
        Some(PollView::Retrying { next_at }) => format!(
            "The provider could not be reached; trying again in {}.",
            until(next_at)
        ),
    }
}

/// Make the address a link where it was drawn whole on one row (a wrapped
/// one is left as text: a link cut in two would open half an address).
fn link_address(frame: &mut Frame, area: Rect, shown: &str, url: &str) {
    let buf = frame.buffer_mut();
    for y in area.top()..area.bottom() {
        let row: String = (area.left()..area.right())
            .filter_map(|x| buf.cell((x, y)).map(|c| c.symbol().to_owned()))
            .collect();
        if row.trim_end() == shown {
            let width = u16::try_from(shown.chars().count().saturating_sub(3)).unwrap_or(0);
            super::text::hyperlink(buf, Rect::new(area.x + 3, y, width, 1), url);
            return;
        }
    }
}
