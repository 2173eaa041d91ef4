//! The header: where the person acts (account, organization, role) and
//! the state of their session, at every width. What matters least goes
//! first as the terminal narrows — the email, the `[demo]` tag, the name,
//! the role — so that at 60 columns the organization and the session's
//! state (the one thing that changes by itself) remain (k9s's crumbs).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::text::truncate;
use super::time::relative;
use crate::auth::SessionState;
use crate::identity::visible;
use crate::tui::model::{Dashboard, Model, RefreshState, Screen};
use crate::tui::theme;

pub(crate) fn draw(frame: &mut Frame, area: Rect, model: &Model) {
    let width = usize::from(area.width);
    let line = match &model.screen {
        Screen::Dashboard(dash) => dashboard_line(model, dash, width),
        Screen::Login(_) => {
            let mut spans = vec![Span::styled(" authdash ", theme::title())];
            if model.demo {
                spans.push(Span::styled("[demo] ", theme::warn()));
            }
            spans.push(Span::styled("not logged in", theme::dim()));
            Line::from(spans)
        }
    };
    let block = Block::new()
        .borders(Borders::BOTTOM)
        .border_style(theme::dim());
    frame.render_widget(Paragraph::new(line).block(block), area);
}

/// The parts of the header, each with the step at which it goes.
struct Parts {
    accent: Option<(String, Style)>,
    name: String,
    email: Option<String>,
    org: Option<String>,
    role: Option<String>,
    session: StateText,
}

/// How the header says the session's state: in full, and short.
struct StateText {
    long: String,
    short: String,
    style: Style,
}

/// The first arrangement that fits `width`, from the fullest.
fn dashboard_line(model: &Model, dash: &Dashboard, width: usize) -> Line<'static> {
    let parts = parts(model, dash);
    // Each step drops one more thing: the email, the demo tag, the name,
    // the role, then the session's long wording, then the separators'
    // spacing. The organization's name is cut last of all.
    for step in 0..=6 {
        let line = arrange(model, &parts, step, None);
        if line.width() <= width {
            return line;
        }
    }
    let rest = arrange(model, &parts, 6, Some(0)).width();
    let org_room = width.saturating_sub(rest);
    arrange(model, &parts, 6, Some(org_room))
}

fn arrange(model: &Model, parts: &Parts, step: u8, org_room: Option<usize>) -> Line<'static> {
    let sep = if step >= 6 { " │ " } else { "  │  " };
    let mut spans = vec![Span::styled(" authdash ", theme::title())];
    if let Some((label, style)) = &parts.accent {
        spans.push(Span::styled(format!(" {label} "), *style));
        spans.push(Span::raw(" "));
    }
    if model.demo && step < 2 {
        spans.push(Span::styled("[demo] ", theme::warn()));
    }
    if step < 3 {
        spans.push(Span::raw(parts.name.clone()));
        if let Some(email) = parts.email.as_ref().filter(|_| step < 1) {
            spans.push(Span::styled(format!(" <{email}>"), theme::dim()));
        }
        spans.push(Span::styled(sep, theme::dim()));
    } else {
        spans.push(Span::styled(&sep[1..], theme::dim()));
    }
    match &parts.org {
        Some(org) => {
            let org = match org_room {
                Some(room) => truncate(org, room.max(1)),
                None => org.clone(),
            };
            spans.push(Span::raw(org));
            if let Some(role) = parts.role.as_ref().filter(|_| step < 4) {
                spans.push(Span::styled(format!(" ({role})"), theme::dim()));
            }
        }
        None => spans.push(Span::styled("no organization", theme::dim())),
    }
    spans.push(Span::styled(sep, theme::dim()));
    let session = if step < 5 {
        &parts.session.long
    } else {
        &parts.session.short
    };
    spans.push(Span::styled(session.clone(), parts.session.style));
    Line::from(spans)
}

fn parts(model: &Model, dash: &Dashboard) -> Parts {
    let user = &dash.session.user;
    let accent = accent_for(model, dash).map(|a| {
        let label = a.label.as_deref().unwrap_or(&a.color);
        (visible(label).into_owned(), theme::accent(&a.color))
    });
    let org = dash.active_membership();
    Parts {
        accent,
        // Long names are cut, never wrapped into the next widget.
        name: truncate(&visible(user.display_name()), 28),
        email: user
            .email
            .as_ref()
            .filter(|e| Some(e.as_str()) != user.name.as_deref())
            .map(|e| truncate(&visible(e), 32)),
        org: org.map(|o| truncate(&visible(&o.org_name), 32)),
        role: org.map(|o| visible(&o.roles().collect::<Vec<_>>().join(", ")).into_owned()),
        session: session_state(model, dash),
    }
}

/// The most specific accent for where the person acts: provider and org,
/// then org, then provider.
fn accent_for<'a>(model: &'a Model, dash: &Dashboard) -> Option<&'a crate::config::Accent> {
    let provider = dash.session.provider.as_str();
    let org = dash.active_membership();
    let org_matches =
        |want: &str| org.is_some_and(|o| o.org_id == want || o.org_name.eq_ignore_ascii_case(want));
    let score = |a: &crate::config::Accent| {
        let p = match &a.provider {
            Some(p) if p == provider => 1,
            Some(_) => return None,
            None => 0,
        };
        let o = match &a.org {
            Some(o) if org_matches(o) => 2,
            Some(_) => return None,
            None => 0,
        };
        Some(p + o)
    };
    model
        .accents
        .iter()
        .filter_map(|a| score(a).map(|s| (s, a)))
        .max_by_key(|(s, _)| *s)
        .map(|(_, a)| a)
}

fn session_state(model: &Model, dash: &Dashboard) -> StateText {
    let session = &dash.session;
    let plain = |long: String, short: String| StateText {
        long,
        short,
        style: Style::new(),
    };
    if session.state(model.now) == SessionState::Unverified
        && !matches!(dash.refresh, RefreshState::Running)
    {
        let again = match &dash.refresh {
            RefreshState::Offline { retry_at, .. } => {
                format!(", retry {}", relative(model.now, *retry_at))
            }
            _ => String::new(),
        };
        return StateText {
            long: format!("roles unverified{again}"),
            short: "unverified".into(),
            style: theme::warn(),
        };
    }
    match &dash.refresh {
        RefreshState::Running => {
            return StateText {
                long: "renewing the session…".into(),
                short: "renewing…".into(),
                style: theme::warn(),
            };
        }
        RefreshState::Offline { retry_at, .. } => {
            let again = relative(model.now, *retry_at);
            return StateText {
                long: format!("offline: provider unreachable, retrying {again}"),
                short: format!("offline, retry {again}"),
                style: theme::error(),
            };
        }
        RefreshState::Idle => {}
    }
    match session.tokens.expires_at {
        Some(at) if session.can_refresh() => {
            let when = relative(model.now, at);
            plain(format!("session renews {when}"), format!("renews {when}"))
        }
        Some(at) => {
            let when = relative(model.now, at);
            let state = plain(format!("session expires {when}"), format!("expires {when}"));
            // No refresh token: the end is near and nothing will renew it.
            if at - model.now < chrono::TimeDelta::minutes(5) {
                StateText {
                    style: theme::warn(),
                    ..state
                }
            } else {
                state
            }
        }
        None => plain("session active".into(), "active".into()),
    }
}
