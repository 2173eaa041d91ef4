use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::layout::content_block;
use super::text::field;
use super::time::{clock, relative};
use crate::identity::visible;
use crate::tui::model::{Dashboard, Model, RefreshState};
use crate::tui::theme;

/// The session as it stands: whose, where, how long, how it renews, and
/// where the tokens are kept with which key; then the inspector (decoded
/// tokens, renewals, discovery). Token values only when revealed (`v`).
pub(crate) fn draw(frame: &mut Frame, area: Rect, model: &Model, dash: &Dashboard, focused: bool) {
    let block = content_block("Session", focused);
    let paragraph = paragraph(model, dash, block.inner(area).width);
    super::scrolled(frame, area, paragraph, block, dash.profile_scroll);
}

/// The Session pane's rows at `width` columns.
pub(crate) fn rows(model: &Model, dash: &Dashboard, width: u16) -> usize {
    paragraph(model, dash, width).line_count(width)
}

/// The labels' column: the longest label ("Other accounts") and two
/// spaces.
const LABEL: usize = 16;

fn paragraph(model: &Model, dash: &Dashboard, width: u16) -> Paragraph<'static> {
    let s = &dash.session;
    let now = model.now;
    let label = model
        .provider(&s.provider)
        .map(|p| p.label.as_str())
        .unwrap_or(&s.provider);
    let width = usize::from(width);
    let row = |name: &str, value: String| field(name, &value, LABEL, width, theme::key());
    let access = match (&dash.refresh, s.tokens.expires_at) {
        (RefreshState::Running, _) => "being renewed now".to_owned(),
        (
            RefreshState::Offline {
                error, retry_at, ..
            },
            _,
        ) => format!(
            "could not be renewed ({}); trying again {}",
            visible(error),
            relative(now, *retry_at)
        ),
        (RefreshState::Idle, Some(at)) if at > now => format!(
            "valid until {} ({}){}",
            clock(model, at),
            relative(now, at),
            if s.can_refresh() {
                ", renewed automatically shortly before"
            } else {
                ""
            }
        ),
        (RefreshState::Idle, Some(at)) => format!("expired {}", relative(now, at)),
        (RefreshState::Idle, None) => "valid (the provider gave no expiry)".to_owned(),
    };
    let id_token = match s.id_token_expires_at() {
        Some(at) if at > now => format!("expires {} ({})", clock(model, at), relative(now, at)),
        Some(at) => format!(
            "expired {} — the login it proves is older; renewals keep the session",
            relative(now, at)
        ),
        None => "no expiry".to_owned(),
    };
    let refresh = if s.can_refresh() {
        "kept: renews the session without a new login".to_owned()
    } else {
        "none: log in again when the access token expires".to_owned()
    };
    let mut lines: Vec<Line<'static>> = [
        row(
            "Account",
            format!(
                "{} at {label}",
                visible(s.user.email.as_deref().unwrap_or(s.user.display_name()))
            ),
        ),
        row("Subject", visible(&s.user.subject).into_owned()),
        row("Issuer", visible(&s.issuer).into_owned()),
        row("Access token", access),
        row("ID token", id_token),
        row("Refresh token", refresh),
        row("Logged in", clock(model, s.logged_in_at)),
    ]
    .concat();
    if let Some(at) = s.refreshed_at {
        lines.extend(row("Last renewed", clock(model, at)));
    }
    if !s.tokens.scopes.is_empty() {
        lines.extend(row(
            "Scopes",
            visible(&s.tokens.scopes.join(" ")).into_owned(),
        ));
    }
    lines.extend(row("Token store", model.store_description.clone()));
    let others = model.accounts.iter().filter(|a| !a.active).count();
    lines.extend(row(
        "Other accounts",
        match others {
            0 => "none (m → Add account)".to_owned(),
            n => format!("{n} (m → Switch account)"),
        },
    ));
    lines.extend(super::inspector::lines(model, dash, width));
    Paragraph::new(lines).wrap(Wrap { trim: false })
}
