use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState, Paragraph, Wrap};

use super::dashboard::content_block;
use crate::identity::{OrgMembership, visible};
use crate::tui::model::{Dashboard, Model};
use crate::tui::theme;

/// The filter line, the list and the selected org's details, inside the
/// panel's border.
fn areas(area: Rect) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(3),
        Constraint::Length(5),
    ])
    .areas(content_block("", false).inner(area))
}

/// Where the list's rows are when the Organizations panel fills `area`
/// (the mouse finds the row clicked with it).
pub fn list_area(area: Rect) -> Rect {
    areas(area)[1]
}

/// The first org drawn in a list of `rows` rows: the top until the
/// selection would fall below the last row, then the selection on the
/// last row (as a fresh `ListState` scrolls).
pub fn first_visible(selected: usize, rows: usize) -> usize {
    (selected + 1).saturating_sub(rows.max(1))
}

pub fn draw(frame: &mut Frame, area: Rect, _model: &Model, dash: &Dashboard, focused: bool) {
    let block = content_block("Organizations", focused);
    frame.render_widget(block, area);
    let [filter_area, list_area, detail_area] = areas(area);

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

    let count = dash.filtered_count();
    if dash.session.user.orgs.is_empty() {
        frame.render_widget(
            Paragraph::new("You are not a member of any organization.").style(theme::dim()),
            list_area,
        );
        return;
    }
    if count == 0 {
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
    // Only the rows that fit are made: a person in 10,000 orgs costs a
    // screenful per frame, not 10,000 lines.
    let selected = dash.orgs.selected.min(count - 1);
    let rows = usize::from(list_area.height);
    let first = first_visible(selected, rows);
    let items: Vec<ListItem> = (first..count.min(first + rows))
        .filter_map(|i| dash.filtered_org(i))
        .map(|o| org_line(dash, o))
        .collect();
    let mut state = ListState::default().with_selected(Some(selected - first));
    frame.render_stateful_widget(
        List::new(items).highlight_style(theme::selected(focused)),
        list_area,
        &mut state,
    );
    if let Some(o) = dash.filtered_org(selected) {
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

fn org_line<'a>(dash: &Dashboard, o: &'a OrgMembership) -> ListItem<'a> {
    let active = dash.active_org.as_deref() == Some(o.org_id.as_str());
    ListItem::new(Line::from(vec![
        Span::styled(if active { "● " } else { "  " }, theme::ok()),
        Span::raw(format!("{:<20}", visible(&o.org_name))),
        Span::styled(
            visible(&o.roles().collect::<Vec<_>>().join(", ")).into_owned(),
            theme::key(),
        ),
    ]))
}
