use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, List, ListItem, ListState, Paragraph};

use crate::identity::visible;
use crate::tui::action::{Action, Context};
use crate::tui::commands::{help_lines, palette_entries};
use crate::tui::model::{ListFilter, MenuItem, Model, Popup, Screen};
use crate::tui::theme;

pub fn draw(frame: &mut Frame, model: &Model) {
    match &model.popup {
        Some(Popup::Menu { selected, filter }) => menu(frame, model, *selected, filter),
        Some(Popup::Accounts { selected, filter }) => accounts(frame, model, *selected, filter),
        Some(Popup::Help) => help(frame, model),
        Some(Popup::Palette { query, selected }) => palette(frame, model, query, *selected),
        Some(Popup::ConfirmQuit) => confirm_quit(frame, model),
        Some(Popup::Confirm { item }) => super::confirm::draw(frame, model, *item),
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

fn menu(frame: &mut Frame, model: &Model, selected: usize, filter: &ListFilter) {
    let has_account_page = match &model.screen {
        Screen::Dashboard(d) => model
            .provider(&d.session.provider)
            .is_some_and(|p| p.account_url.is_some()),
        Screen::Login(_) => false,
    };
    let menu = model.mnemonics();
    let shown = model.visible_menu(filter);
    let items: Vec<ListItem> = shown
        .iter()
        .filter_map(|&i| menu.get(i))
        .map(|(item, key)| {
            let available = *item != MenuItem::OpenAccountPage || has_account_page;
            // Each item's own key beside it; none while the filter takes
            // the letters.
            let key = match key {
                Some(k) if !filter.editing => format!(" {k} "),
                _ => "   ".to_owned(),
            };
            if available {
                ListItem::new(Line::from(vec![
                    Span::styled(key, theme::key()),
                    Span::raw(item.label()),
                ]))
            } else {
                ListItem::new(Line::from(vec![
                    Span::styled(key, theme::dim()),
                    Span::styled(item.label(), theme::dim()),
                    Span::styled(" (no account_url)", theme::dim()),
                ]))
            }
        })
        .collect();
    let area = centered(frame.area(), 44, shown.len() as u16 + 2);
    frame.render_widget(Clear, area);
    let mut state = ListState::default().with_selected(shown.iter().position(|&i| i == selected));
    frame.render_stateful_widget(
        List::new(items)
            .block(
                Block::new()
                    .borders(Borders::ALL)
                    .border_style(theme::border(true))
                    .title(Span::styled(" Menu ", theme::title()))
                    .title_bottom(filter_title(filter, "/ filter")),
            )
            .highlight_style(theme::selected(true))
            .highlight_symbol("›"),
        area,
        &mut state,
    );
}

fn accounts(frame: &mut Frame, model: &Model, selected: usize, filter: &ListFilter) {
    let shown = model.visible_accounts(filter);
    let items: Vec<ListItem> = shown
        .iter()
        .filter_map(|&i| model.accounts.get(i))
        .map(|a| {
            ListItem::new(Line::from(vec![
                Span::styled(if a.active { " ● " } else { "   " }, theme::ok()),
                Span::raw(visible(&a.who).into_owned()),
                Span::styled(format!("  {}", a.provider_label), theme::dim()),
            ]))
        })
        .collect();
    let width = 60.min(frame.area().width);
    let area = centered(frame.area(), width, shown.len() as u16 + 2);
    frame.render_widget(Clear, area);
    let mut state = ListState::default().with_selected(shown.iter().position(|&i| i == selected));
    frame.render_stateful_widget(
        List::new(items)
            .block(
                Block::new()
                    .borders(Borders::ALL)
                    .border_style(theme::border(true))
                    .title(Span::styled(" Switch account (Enter) ", theme::title()))
                    .title_bottom(filter_title(filter, "/ filter")),
            )
            .highlight_style(theme::selected(true)),
        area,
        &mut state,
    );
}

/// A list's filter in its frame's bottom edge: the text being typed with
/// a cursor, the text that narrows the list, or how to start one.
pub fn filter_title(filter: &ListFilter, idle: &'static str) -> Line<'static> {
    if filter.editing {
        Line::from(vec![
            Span::styled(" /", theme::key()),
            Span::raw(visible(&filter.text).into_owned()),
            Span::styled("▏", theme::key()),
        ])
    } else if !filter.text.is_empty() {
        Line::from(vec![
            Span::styled(" /", theme::dim()),
            Span::raw(visible(&filter.text).into_owned()),
            Span::styled(" (Esc clears) ", theme::dim()),
        ])
    } else {
        Line::styled(format!(" {idle} "), theme::dim())
    }
}

/// Every line of the action table, by context; an action that cannot run
/// now is greyed with the reason, never left out.
fn help(frame: &mut Frame, model: &Model) {
    let mut lines = Vec::new();
    let mut last: Option<Context> = None;
    for (context, command, why) in help_lines(model) {
        if last != Some(context) {
            lines.push(Line::styled(context.title(), theme::title()));
            last = Some(context);
        }
        let keys = model.keymap.label(command.action);
        let mut spans = vec![Span::styled(format!("  {keys:<16}"), theme::key())];
        match why {
            Some(why) => {
                spans[0].style = theme::dim();
                spans.push(Span::styled(command.label, theme::dim()));
                spans.push(Span::styled(format!(" ({why})"), theme::dim()));
            }
            None => spans.push(Span::raw(command.label)),
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::styled("Anywhere", theme::title()));
    lines.push(Line::from(vec![
        Span::styled(format!("  {:<16}", "Ctrl-C"), theme::key()),
        Span::raw("quit (asks first while a login is pending)"),
    ]));
    let area = centered(
        frame.area(),
        76.min(frame.area().width),
        frame.area().height.saturating_sub(2).max(3),
    );
    let room = usize::from(area.height.saturating_sub(2));
    // Start at the contexts that apply now, so they are in view.
    let opened_at = screen_context_line(&lines, model) as i64;
    let first = (opened_at + i64::from(model.help_scroll))
        .clamp(0, lines.len().saturating_sub(room) as i64) as usize;
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).scroll((first as u16, 0)).block(
            Block::new()
                .borders(Borders::ALL)
                .border_style(theme::border(true))
                .title(Span::styled(" Keys (Esc closes) ", theme::title())),
        ),
        area,
    );
}

/// The help's first line for the screen's most specific context.
fn screen_context_line(lines: &[Line], model: &Model) -> usize {
    let Some(context) = crate::tui::commands::screen_contexts(model)
        .first()
        .copied()
    else {
        return 0;
    };
    if context == Context::Global {
        return 0;
    }
    lines
        .iter()
        .position(|l| l.to_string() == context.title())
        .unwrap_or(0)
}

/// `:` — the actions available now, best match first; greyed ones say why.
fn palette(frame: &mut Frame, model: &Model, query: &str, selected: usize) {
    let entries = palette_entries(model, query);
    let width = 70.min(frame.area().width);
    let height = (entries.len() as u16 + 4)
        .min(frame.area().height.saturating_sub(2))
        .max(5);
    let area = centered(frame.area(), width, height);
    frame.render_widget(Clear, area);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme::border(true))
        .title(Span::styled(
            " Command palette (Esc closes) ",
            theme::title(),
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [input, list] = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(inner);
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(vec![
                Span::styled(" : ", theme::key()),
                Span::raw(visible(query).into_owned()),
                Span::styled("▏", theme::key()),
            ]),
            Line::styled(format!(" {} actions", entries.len()), theme::dim()),
        ]),
        input,
    );
    let items: Vec<ListItem> = entries
        .iter()
        .map(|e| {
            let mut spans = vec![Span::styled(format!(" {:<12}", e.keys), theme::key())];
            match &e.disabled {
                Some(why) => {
                    spans[0].style = theme::dim();
                    spans.push(Span::styled(e.label, theme::dim()));
                    spans.push(Span::styled(format!(" ({why})"), theme::dim()));
                }
                None => spans.push(Span::raw(e.label)),
            }
            ListItem::new(Line::from(spans))
        })
        .collect();
    let mut state = ListState::default().with_selected(Some(selected));
    frame.render_stateful_widget(
        List::new(items)
            .highlight_style(theme::selected(true))
            .highlight_symbol("›"),
        list,
        &mut state,
    );
}

fn confirm_quit(frame: &mut Frame, model: &Model) {
    let area = centered(frame.area(), 50.min(frame.area().width), 5);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(vec![
            Line::raw(" A login is waiting for you. Quit and cancel it?"),
            Line::raw(""),
            Line::from(vec![
                Span::styled(
                    format!(" {}", model.keymap.label(Action::Confirm)),
                    theme::key(),
                ),
                Span::raw(" quit   "),
                Span::styled(model.keymap.label(Action::Back), theme::key()),
                Span::raw(" stay"),
            ]),
        ])
        .block(
            Block::new()
                .borders(Borders::ALL)
                .border_style(theme::border(true))
                .title(Span::styled(" Quit? ", theme::title())),
        ),
        area,
    );
}
