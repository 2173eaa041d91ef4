use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState, Paragraph, Wrap};

use super::dashboard::content_block;
use crate::identity::visible;
use crate::tui::model::{Dashboard, Model};
use crate::tui::theme;

pub fn draw(frame: &mut Frame, area: Rect, _model: &Model, dash: &Dashboard, focused: bool) {
    let block = content_block("Organizations", focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [filter_area, list_area, detail_area] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(3),
        Constraint::Length(5),
    ])
    .areas(inner);

    let filter_line = if dash.orgs.editing {
        Line::from(vec![
            Span::styled("Filter: ", theme::key()),
            Span::raw(visible(&dash.orgs.filter).into_owned()),
            Span::styled("▏", theme::key()),
            Span::styled("   Enter choose · Esc done", theme::dim()),
        ])
    } else if dash.orgs.filter.is_empty() {
        Line::styled(
            "/ to filter · Enter makes the selected org active",
            theme::dim(),
        )
    } else {
        Line::from(vec![
            Span::styled("Filter: ", theme::dim()),
            Span::raw(visible(&dash.orgs.filter).into_owned()),
            Span::styled("   (/ to edit, Esc to clear)", theme::dim()),
        ])
    };
    frame.render_widget(Paragraph::new(filter_line), filter_area);

    let orgs = dash.filtered_orgs();
    if dash.session.user.orgs.is_empty() {
        frame.render_widget(
            Paragraph::new("You are not a member of any organization.").style(theme::dim()),
            list_area,
        );
        return;
    }
    if orgs.is_empty() {
        frame.render_widget(
            Paragraph::new(format!(
                "No organization matches “{}”.",
                visible(&dash.orgs.filter)
            ))
            .style(theme::dim()),
            list_area,
        );
        return;
    }
    let items: Vec<ListItem> = orgs
        .iter()
        .map(|o| {
            let active = dash.active_org.as_deref() == Some(o.org_id.as_str());
            ListItem::new(Line::from(vec![
                Span::styled(if active { "● " } else { "  " }, theme::ok()),
                Span::raw(format!("{:<20}", visible(&o.org_name))),
                Span::styled(
                    visible(&o.roles().collect::<Vec<_>>().join(", ")).into_owned(),
                    theme::key(),
                ),
            ]))
        })
        .collect();
    let mut state =
        ListState::default().with_selected(Some(dash.orgs.selected.min(orgs.len() - 1)));
    frame.render_stateful_widget(
        List::new(items).highlight_style(theme::selected(focused)),
        list_area,
        &mut state,
    );
    if let Some(o) = orgs.get(dash.orgs.selected.min(orgs.len() - 1)) {
        let perms = if o.permissions.is_empty() {
            "none".to_owned()
        } else {
            o.permissions.join(", ")
        };
        let lines = vec![
            Line::from(vec![
                Span::styled("Role: ", theme::dim()),
                Span::raw(visible(&o.roles().collect::<Vec<_>>().join(", ")).into_owned()),
                Span::styled("   id: ", theme::dim()),
                Span::raw(visible(&o.org_id).into_owned()),
            ]),
            Line::from(vec![
                Span::styled("Permissions: ", theme::dim()),
                Span::raw(visible(&perms).into_owned()),
            ]),
        ];
        frame.render_widget(
            Paragraph::new(lines).wrap(Wrap { trim: false }),
            detail_area,
        );
    }
}
