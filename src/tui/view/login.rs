use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState, Paragraph, Wrap};

use super::time::relative;
use crate::tui::model::{BrowserState, Level, LoginScreen, Model};
use crate::tui::theme;

pub fn draw(frame: &mut Frame, area: Rect, model: &Model, login: &LoginScreen) {
    let list_height = model.providers.len() as u16 + 2;
    let [list_area, status_area] =
        Layout::vertical([Constraint::Length(list_height), Constraint::Min(1)]).areas(area);

    let items: Vec<ListItem> = model
        .providers
        .iter()
        .map(|p| {
            ListItem::new(Line::from(vec![
                Span::raw(format!(" {} ", p.label)),
                Span::styled(format!(" {}", p.issuer), theme::dim()),
            ]))
        })
        .collect();
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme::border(login.pending.is_none()))
        .title(Span::styled(" Log in with ", theme::title()));
    let mut state = ListState::default().with_selected(Some(login.selected));
    frame.render_stateful_widget(
        List::new(items)
            .block(block)
            .highlight_style(theme::selected(login.pending.is_none()))
            .highlight_symbol("› "),
        list_area,
        &mut state,
    );

    let mut lines = Vec::new();
    if let Some(notice) = &login.notice {
        let style = match notice.level {
            Level::Error => theme::error(),
            Level::Info => theme::ok(),
        };
        lines.push(Line::styled(notice.text.clone(), style));
        lines.push(Line::raw(""));
    }
    match &login.pending {
        None => lines.push(Line::styled(
            "Press Enter to log in with the selected provider in your browser.",
            theme::dim(),
        )),
        Some(pending) => {
            let label = model
                .provider(&pending.provider)
                .map(|p| p.label.as_str())
                .unwrap_or(&pending.provider);
            lines.push(Line::from(vec![
                Span::styled("Waiting for you to sign in to ", theme::warn()),
                Span::styled(label.to_owned(), theme::title()),
                Span::styled(
                    format!(
                        " in your browser (started {})",
                        relative(model.now, pending.started)
                    ),
                    theme::warn(),
                ),
            ]));
            lines.push(Line::raw(""));
            match &pending.browser {
                BrowserState::Preparing => {
                    lines.push(Line::raw("Contacting the provider…"));
                }
                BrowserState::Opened => lines.push(Line::raw(
                    "The browser was asked to open the login page. If nothing appeared, open this URL yourself:",
                )),
                BrowserState::Failed(reason) => {
                    lines.push(Line::styled(
                        format!("Could not open a browser ({reason})."),
                        theme::error(),
                    ));
                    lines.push(Line::raw("Open this URL in any browser on this machine:"));
                }
            }
            if let Some(url) = &pending.url {
                lines.push(Line::raw(""));
                lines.push(Line::styled(url.clone(), theme::ok()));
                lines.push(Line::raw(""));
                lines.push(Line::from(vec![
                    Span::styled("o", theme::key()),
                    Span::styled(" open it again   ", theme::dim()),
                    Span::styled("Esc", theme::key()),
                    Span::styled(" cancel", theme::dim()),
                ]));
            }
        }
    }
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }),
        status_area.inner(ratatui::layout::Margin::new(1, 0)),
    );
}
