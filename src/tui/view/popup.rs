use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, List, ListItem, ListState, Paragraph};

use crate::identity::visible;
use crate::tui::keymap::{BINDINGS, Context, context_title};
use crate::tui::model::{MenuItem, Model, Popup, Screen};
use crate::tui::theme;

pub fn draw(frame: &mut Frame, model: &Model) {
    match &model.popup {
        Some(Popup::Menu { selected }) => menu(frame, model, *selected),
        Some(Popup::Accounts { selected }) => accounts(frame, model, *selected),
        Some(Popup::Help) => help(frame),
        None => {}
    }
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(row);
    cell
}

fn menu(frame: &mut Frame, model: &Model, selected: usize) {
    let has_account_page = match &model.screen {
        Screen::Dashboard(d) => model
            .provider(&d.session.provider)
            .is_some_and(|p| p.account_url.is_some()),
        Screen::Login(_) => false,
    };
    let menu = model.menu_items();
    let items: Vec<ListItem> = menu
        .iter()
        .map(|item| {
            let available = *item != MenuItem::OpenAccountPage || has_account_page;
            if available {
                ListItem::new(format!(" {}", item.label()))
            } else {
                ListItem::new(Line::from(vec![
                    Span::styled(format!(" {}", item.label()), theme::dim()),
                    Span::styled(" (no account_url)", theme::dim()),
                ]))
            }
        })
        .collect();
    let area = centered(frame.area(), 44, menu.len() as u16 + 2);
    frame.render_widget(Clear, area);
    let mut state = ListState::default().with_selected(Some(selected));
    frame.render_stateful_widget(
        List::new(items)
            .block(
                Block::new()
                    .borders(Borders::ALL)
                    .border_style(theme::border(true))
                    .title(Span::styled(" Menu ", theme::title())),
            )
            .highlight_style(theme::selected(true))
            .highlight_symbol("›"),
        area,
        &mut state,
    );
}

fn accounts(frame: &mut Frame, model: &Model, selected: usize) {
    let items: Vec<ListItem> = model
        .accounts
        .iter()
        .map(|a| {
            ListItem::new(Line::from(vec![
                Span::styled(if a.active { " ● " } else { "   " }, theme::ok()),
                Span::raw(visible(&a.who).into_owned()),
                Span::styled(format!("  {}", a.provider_label), theme::dim()),
            ]))
        })
        .collect();
    let width = 60.min(frame.area().width);
    let area = centered(frame.area(), width, model.accounts.len() as u16 + 2);
    frame.render_widget(Clear, area);
    let mut state = ListState::default().with_selected(Some(selected));
    frame.render_stateful_widget(
        List::new(items)
            .block(
                Block::new()
                    .borders(Borders::ALL)
                    .border_style(theme::border(true))
                    .title(Span::styled(" Switch account (Enter) ", theme::title())),
            )
            .highlight_style(theme::selected(true)),
        area,
        &mut state,
    );
}

fn help(frame: &mut Frame) {
    let mut lines = Vec::new();
    for context in [
        Context::Everywhere,
        Context::Login,
        Context::Dashboard,
        Context::Organizations,
        Context::Menu,
    ] {
        lines.push(Line::styled(context_title(context), theme::title()));
        for b in BINDINGS.iter().filter(|b| b.context == context) {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<16}", b.keys), theme::key()),
                Span::raw(b.action),
            ]));
        }
    }
    let height = (lines.len() as u16 + 2).min(frame.area().height);
    let area = centered(frame.area(), 60.min(frame.area().width), height);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::new()
                .borders(Borders::ALL)
                .border_style(theme::border(true))
                .title(Span::styled(" Keys (Esc closes) ", theme::title())),
        ),
        area,
    );
}
