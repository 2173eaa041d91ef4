use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::text::truncate;
use super::time::relative;
use crate::identity::visible;
use crate::tui::model::{Model, RefreshState, Screen};
use crate::tui::theme;

pub fn draw(frame: &mut Frame, area: Rect, model: &Model) {
    let mut spans = vec![Span::styled(" authdash ", theme::title())];
    if model.demo {
        spans.push(Span::styled("[demo] ", theme::warn()));
    }
    if let Screen::Dashboard(dash) = &model.screen {
        if let Some(accent) = accent_for(model, dash) {
            let label = accent.label.as_deref().unwrap_or(&accent.color);
            spans.push(Span::styled(
                format!(" {} ", visible(label)),
                theme::accent(&accent.color),
            ));
            spans.push(Span::raw(" "));
        }
        let user = &dash.session.user;
        // Long names are cut, never wrapped into the next widget.
        spans.push(Span::raw(truncate(&visible(user.display_name()), 28)));
        if let Some(email) = &user.email
            && Some(email.as_str()) != user.name.as_deref()
        {
            spans.push(Span::styled(
                format!(" <{}>", truncate(&visible(email), 32)),
                theme::dim(),
            ));
        }
        spans.push(Span::styled("  │  ", theme::dim()));
        match dash.active_membership() {
            Some(org) => {
                spans.push(Span::raw(truncate(&visible(&org.org_name), 24)));
                spans.push(Span::styled(
                    format!(
                        " ({})",
                        visible(&org.roles().collect::<Vec<_>>().join(", "))
                    ),
                    theme::dim(),
                ));
            }
            None => spans.push(Span::styled("no organization", theme::dim())),
        }
        spans.push(Span::styled("  │  ", theme::dim()));
        spans.extend(session_spans(model, dash));
    } else {
        spans.push(Span::styled("not logged in", theme::dim()));
    }
    let block = Block::new()
        .borders(Borders::BOTTOM)
        .border_style(theme::dim());
    frame.render_widget(Paragraph::new(Line::from(spans)).block(block), area);
}

/// The most specific accent for where the person acts: provider and org,
/// then org, then provider.
fn accent_for<'a>(
    model: &'a Model,
    dash: &crate::tui::model::Dashboard,
) -> Option<&'a crate::config::Accent> {
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

fn session_spans(model: &Model, dash: &crate::tui::model::Dashboard) -> Vec<Span<'static>> {
    let session = &dash.session;
    match &dash.refresh {
        RefreshState::Running => return vec![Span::styled("renewing session…", theme::warn())],
        RefreshState::Offline { .. } => {
            return vec![Span::styled(
                "offline: provider unreachable, retrying",
                theme::error(),
            )];
        }
        RefreshState::Idle => {}
    }
    match session.tokens.expires_at {
        Some(at) if session.can_refresh() => vec![Span::raw(format!(
            "session renews {}",
            relative(model.now, at)
        ))],
        Some(at) => vec![Span::raw(format!(
            "session expires {}",
            relative(model.now, at)
        ))],
        None => vec![Span::raw("session active")],
    }
}
