use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState};

use super::layout::split;
use super::popup::filter_title;
use super::text::marked;
use super::{orgs, panel, profile, session};
use crate::identity::visible;
use crate::panels::Access;
use crate::tui::model::{Dashboard, Focus, Model, NavItem};
use crate::tui::theme;
use ratatui::style::Style;

pub(crate) fn draw(frame: &mut Frame, area: Rect, model: &Model, dash: &Dashboard) {
    let [nav_area, content_area] = split(area);
    let items = model.nav_items();
    let shown = model.visible_nav(dash);
    let query = dash.nav_filter.query();
    let list: Vec<ListItem> = shown
        .iter()
        .filter_map(|&i| items.get(i))
        .map(|item| {
            let title = visible(model.nav_title(*item)).into_owned();
            let mut spans = vec![Span::raw(" ")];
            spans.extend(marked(&title, &query.positions(&title), Style::new()));
            if let NavItem::Panel(i) = item
                && let Some(Access::Denied(_)) = model.panels.get(*i).map(|s| model.access(dash, s))
            {
                spans.push(Span::styled(" (locked)", theme::dim()));
            }
            ListItem::new(Line::from(spans))
        })
        .collect();
    let nav_focused = dash.focus == Focus::Nav;
    let mut state = ListState::default().with_selected(shown.iter().position(|&i| i == dash.nav));
    let mut block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme::border(nav_focused))
        .border_type(theme::border_type(nav_focused))
        .title(" Navigate ");
    if dash.nav_filter.shown() {
        block = block.title_bottom(filter_title(&dash.nav_filter, ""));
    }
    frame.render_stateful_widget(
        List::new(list)
            .block(block)
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
