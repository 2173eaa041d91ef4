use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState};

use super::{orgs, panel, profile, session};
use crate::panels::Access;
use crate::tui::model::{Dashboard, Focus, Model, NavItem};
use crate::tui::theme;

pub fn draw(frame: &mut Frame, area: Rect, model: &Model, dash: &Dashboard) {
    let [nav_area, content_area] =
        Layout::horizontal([Constraint::Length(24), Constraint::Min(20)]).areas(area);
    let items = model.nav_items();
    let list: Vec<ListItem> = items
        .iter()
        .map(|item| match item {
            NavItem::Profile => ListItem::new(" Profile"),
            NavItem::Organizations => ListItem::new(" Organizations"),
            NavItem::Session => ListItem::new(" Session"),
            NavItem::Panel(i) => {
                let Some(spec) = model.panels.get(*i) else {
                    return ListItem::new("");
                };
                match model.access(dash, spec) {
                    Access::Allowed => ListItem::new(format!(" {}", spec.title)),
                    Access::Denied(_) => ListItem::new(Line::from(vec![
                        Span::raw(format!(" {} ", spec.title)),
                        Span::styled("(locked)", theme::dim()),
                    ])),
                }
            }
        })
        .collect();
    let nav_focused = dash.focus == Focus::Nav;
    let mut state = ListState::default().with_selected(Some(dash.nav));
    frame.render_stateful_widget(
        List::new(list)
            .block(
                Block::new()
                    .borders(Borders::ALL)
                    .border_style(theme::border(nav_focused))
                    .border_type(theme::border_type(nav_focused))
                    .title(" Navigate "),
            )
            .highlight_style(theme::selected(nav_focused))
            .highlight_symbol("›"),
        nav_area,
        &mut state,
    );
    let focused = dash.focus == Focus::Content;
    match items.get(dash.nav) {
        Some(NavItem::Organizations) => orgs::draw(frame, content_area, model, dash, focused),
        Some(NavItem::Session) => session::draw(frame, content_area, model, dash, focused),
        Some(NavItem::Panel(i)) => match model.panels.get(*i) {
            Some(spec) => panel::draw(frame, content_area, model, dash, spec, focused),
            None => profile::draw(frame, content_area, model, dash, focused),
        },
        _ => profile::draw(frame, content_area, model, dash, focused),
    }
}

pub fn content_block(title: &str, focused: bool) -> Block<'static> {
    Block::new()
        .borders(Borders::ALL)
        .border_style(theme::border(focused))
        .border_type(theme::border_type(focused))
        .title(Span::styled(format!(" {title} "), theme::title()))
}
