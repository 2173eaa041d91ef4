use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, List, ListItem, ListState, Paragraph};

use super::layout::{accounts_area, centered, menu_area};
use crate::identity::visible;
use crate::tui::action::Action;
use crate::tui::model::{ListFilter, MenuItem, Model, Popup, Screen};
use crate::tui::palette::{count as palette_count, entries as palette_entries};
use crate::tui::theme;

pub(crate) fn draw(frame: &mut Frame, model: &Model) {
    match &model.popup {
        Some(Popup::Menu { selected, filter }) => menu(frame, model, *selected, filter),
        Some(Popup::Accounts { selected, filter }) => accounts(frame, model, *selected, filter),
        Some(Popup::Help) => super::help::draw(frame, model),
        Some(Popup::Palette { query, selected }) => palette(frame, model, query, *selected),
        Some(Popup::ConfirmQuit) => confirm_quit(frame, model),
        Some(Popup::Confirm { item }) => super::confirm::draw(frame, model, *item),
        None => {}
    }
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
    let query = filter.query();
    let items: Vec<ListItem> = shown
        .iter()
        .filter_map(|&i| menu.get(i))
        .map(|(item, key)| {
            let available = *item != MenuItem::OpenAccountPage || has_account_page;
            let style = if available {
                ratatui::style::Style::new()
            } else {
                theme::dim()
            };
            // Each item's own key beside it; none while the filter takes
            // the letters.
            let key = match key {
                Some(k) if !filter.editing => format!(" {k} "),
                _ => "   ".to_owned(),
            };
            let label = item.label();
            let key_style = if available {
                theme::key()
            } else {
                theme::dim()
            };
            let mut spans = vec![Span::styled(key, key_style)];
            spans.extend(super::text::marked(label, &query.positions(label), style));
            if !available {
                spans.push(Span::styled(" (no account_url)", theme::dim()));
            }
            ListItem::new(Line::from(spans))
        })
        .collect();
    let area = menu_area(frame.area(), shown.len());
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
    let query = filter.query();
    let items: Vec<ListItem> = shown
        .iter()
        .filter_map(|&i| model.accounts.get(i))
        .map(|a| {
            let who = visible(&a.who).into_owned();
            let mut spans = vec![Span::styled(
                if a.active { " ● " } else { "   " },
                theme::ok(),
            )];
            spans.extend(super::text::marked(
                &who,
                &query.positions(&who),
                ratatui::style::Style::new(),
            ));
            spans.push(Span::styled(
                format!("  {}", a.provider_label),
                theme::dim(),
            ));
            ListItem::new(Line::from(spans))
        })
        .collect();
    let area = accounts_area(frame.area(), shown.len());
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
pub(crate) fn filter_title(filter: &ListFilter, idle: &'static str) -> Line<'static> {
    filter_line(&filter.text, filter.editing, idle)
}

/// [`filter_title`] for a filter kept as its text and whether it is typed.
pub(crate) fn filter_line(text: &str, editing: bool, idle: &'static str) -> Line<'static> {
    if editing {
        Line::from(vec![
            Span::styled(" /", theme::key()),
            Span::raw(visible(text).into_owned()),
            Span::styled("▏", theme::key()),
        ])
    } else if !text.is_empty() {
        Line::from(vec![
            Span::styled(" /", theme::dim()),
            Span::raw(visible(text).into_owned()),
            Span::styled(" (Esc clears) ", theme::dim()),
        ])
    } else if idle.is_empty() {
        Line::default()
    } else {
        Line::styled(format!(" {idle} "), theme::dim())
    }
}

/// `:` — commands and places, best match first, the letters matched
/// marked; greyed ones say why. The box keeps its size as the list
/// narrows, so it does not jump while typing.
fn palette(frame: &mut Frame, model: &Model, query: &str, selected: usize) {
    let entries = palette_entries(model, query);
    let screen = frame.area();
    let width = 76.min(screen.width.saturating_sub(4));
    let height = 24.min(screen.height.saturating_sub(4)).max(6);
    let area = centered(screen, width, height);
    frame.render_widget(Clear, area);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme::border(true))
        .title(Span::styled(" Commands and places ", theme::title()))
        .title_bottom(
            Line::styled(
                format!(" {} ", palette_count(entries.len(), query)),
                theme::dim(),
            )
            .right_aligned(),
        );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [input, list] = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(inner);
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" : ", theme::key()),
            Span::raw(visible(query).into_owned()),
            Span::styled("▏", theme::key()),
        ])),
        input,
    );
    let fuzzy = crate::tui::fuzzy::Query::new(query);
    let rows = usize::from(list.height);
    let selected = selected.min(entries.len().saturating_sub(1));
    let first = (selected + 1).saturating_sub(rows.max(1));
    // The keys or the kind in a right-hand column; the title cut before it.
    let side = 12;
    let room = usize::from(list.width).saturating_sub(side + 2);
    let items: Vec<ListItem> = entries
        .iter()
        .skip(first)
        .take(rows)
        .map(|e| {
            let style = if e.disabled.is_some() {
                theme::dim()
            } else {
                ratatui::style::Style::new()
            };
            let title = super::text::truncate(&e.title(), room);
            let start = e.prefix.chars().count();
            let positions: Vec<usize> = fuzzy
                .positions(&e.text)
                .into_iter()
                .map(|p| p + start)
                .collect();
            let mut spans = vec![Span::raw(" ")];
            spans.extend(super::text::marked(&title, &positions, style));
            let mut used = 1 + unicode_width::UnicodeWidthStr::width(title.as_str());
            if let Some(why) = &e.disabled {
                let why = super::text::truncate(&format!(" — {why}"), room.saturating_sub(used));
                used += unicode_width::UnicodeWidthStr::width(why.as_str());
                spans.push(Span::styled(why, theme::dim()));
            }
            let tag = if e.keys.is_empty() {
                Span::styled(e.kind.word(), theme::dim())
            } else {
                Span::styled(e.keys.clone(), theme::key())
            };
            let pad = usize::from(list.width).saturating_sub(used + tag.width() + 1);
            spans.push(Span::raw(" ".repeat(pad)));
            spans.push(tag);
            ListItem::new(Line::from(spans))
        })
        .collect();
    if items.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(
                format!(" Nothing matches “{}”.", visible(query)),
                theme::dim(),
            )),
            list,
        );
        return;
    }
    let mut state = ListState::default().with_selected(Some(selected - first));
    frame.render_stateful_widget(
        List::new(items).highlight_style(theme::selected(true)),
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
