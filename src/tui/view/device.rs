use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::login_text::Text;
use super::qr;
use super::time::relative;
use crate::identity::visible;
use crate::tui::model::{DeviceCode, Model, PollView, is_loopback_url};
use crate::tui::theme;

/// The text beside a QR code is at least this wide.
const TEXT_BESIDE_QR: u16 = 48;

/// The device login: the code large, where to enter it, the countdown and
/// what polling is doing, then a QR code of the complete URI. An address
/// on this machine's loopback (the demo's) is for a browser here: it
/// promises no phone and has no QR code (a phone that scans it reaches
/// nothing), and over SSH it says which port to forward.
pub(crate) fn text(model: &Model, label: &str, code: Option<&DeviceCode>, width: u16) -> Vec<Text> {
    let Some(code) = code else {
        let mut text = Text::new(width);
        text.say(format!("Asking {label} for a code…"), theme::warn());
        return vec![text];
    };
    let loopback = is_loopback_url(&code.verification_uri);
    let qr_target = code
        .verification_uri_complete
        .as_deref()
        .unwrap_or(&code.verification_uri);
    let qr = if loopback {
        Vec::new()
    } else {
        qr::lines(qr_target).unwrap_or_default()
    };
    let qr_width = qr.first().map(|l| l.width() as u16).unwrap_or(0);
    let side_by_side = !qr.is_empty() && width >= TEXT_BESIDE_QR + qr_width + 2;
    let text_width = if side_by_side {
        width - qr_width - 2
    } else {
        width
    };
    let mut text = Text::new(text_width);
    text.wrap(
        vec![Span::raw(if loopback {
            "1. Open this address in a browser on this machine:".to_owned()
        } else {
            "1. Open this address on your phone or another computer:".to_owned()
        })],
        3,
    );
    text.url(3, &visible(&code.verification_uri), theme::ok());
    text.line(Line::raw("2. Enter this code:"));
    let user_code = visible(&code.user_code);
    let spaced: String = user_code
        .chars()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(" ");
    let code_width = spaced.chars().count() + 6;
    text.line(Line::styled(
        format!("   ┌{}┐", "─".repeat(code_width)),
        theme::key(),
    ));
    text.line(Line::from(vec![
        Span::styled("   │   ", theme::key()),
        Span::styled(spaced, theme::code()),
        Span::styled("   │", theme::key()),
    ]));
    text.line(Line::styled(
        format!("   └{}┘", "─".repeat(code_width)),
        theme::key(),
    ));
    // Whole, for a mouse selection (the box's letters are spaced apart).
    text.line(Line::from(vec![
        Span::styled("   to copy: ", theme::dim()),
        Span::raw(user_code.into_owned()),
        Span::styled("  (or press c)", theme::dim()),
    ]));
    // The countdown and the poll state before the QR code: on a small
    // terminal they stay in view.
    let expires = if code.expires_at > model.now {
        format!("The code expires {}.", relative(model.now, code.expires_at))
    } else {
        "The code has expired.".to_owned()
    };
    text.say(expires, Style::new());
    text.say(poll_text(model, code.poll), theme::dim());
    let mut parts = Vec::new();
    if loopback {
        parts.push(text);
        if model.over_ssh {
            let mut forward = Text::new(width);
            super::login_parts::forward(&mut forward, &code.verification_uri);
            parts.push(forward);
        }
        let mut note = Text::new(width);
        note.say(
            "The address is this machine's own, which a phone cannot reach: there is no QR \
             code to scan.",
            theme::dim(),
        );
        parts.push(note);
    } else if !qr.is_empty() {
        let with = if code.verification_uri_complete.is_some() {
            "it opens the address with the code filled in"
        } else {
            "it opens the address"
        };
        if side_by_side {
            text.blank();
            text.say(
                format!("Or scan the QR code with your phone: {with}."),
                theme::dim(),
            );
            text.beside(qr);
            parts.push(text);
        } else {
            parts.push(text);
            // Below, whole or not at all: half a QR code scans as nothing.
            let mut scan = Text::new(width);
            scan.say(
                format!("Or scan the QR code below with your phone: {with}."),
                theme::dim(),
            );
            scan.blank();
            for line in qr {
                scan.line(line);
            }
            parts.push(scan);
        }
    } else {
        parts.push(text);
    }
    parts
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
