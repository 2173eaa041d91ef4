use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

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
        let user = &dash.session.user;
        spans.push(Span::raw(visible(user.display_name()).into_owned()));
        if let Some(email) = &user.email
            && Some(email.as_str()) != user.name.as_deref()
        {
            spans.push(Span::styled(format!(" <{}>", visible(email)), theme::dim()));
        }
        spans.push(Span::styled("  │  ", theme::dim()));
        match dash.active_membership() {
            Some(org) => {
                spans.push(Span::raw(visible(&org.org_name).into_owned()));
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
