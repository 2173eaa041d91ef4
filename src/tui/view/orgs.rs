//! The Organizations panel: the person's orgs as a list with a cursor, the
//! active one marked, names and roles in columns that never touch, the
//! position among all of them, and the selected org's details below.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use super::dashboard::content_block;
use super::popup::filter_line;
use super::text::{hanging, marked, truncate};
use crate::identity::{OrgMembership, visible};
use crate::tui::fuzzy::Query;
use crate::tui::model::{Dashboard, Model};
use crate::tui::theme;

/// The list and the selected org's details, inside the panel's border.
fn areas(area: Rect) -> [Rect; 2] {
    Layout::vertical([Constraint::Min(3), Constraint::Length(4)])
        .areas(content_block("", false).inner(area))
}

/// Where the list's rows are when the Organizations panel fills `area`
/// (the mouse finds the row clicked with it).
pub fn list_area(area: Rect) -> Rect {
    areas(area)[0]
}

/// The first org drawn in a list of `rows` rows: the top until the
/// selection would fall below the last row, then the selection on the
/// last row (as a fresh `ListState` scrolls).
pub fn first_visible(selected: usize, rows: usize) -> usize {
    (selected + 1).saturating_sub(rows.max(1))
}

/// `1,000`: counts people read at a glance.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub fn draw(frame: &mut Frame, area: Rect, _model: &Model, dash: &Dashboard, focused: bool) {
    let total = dash.session.user.orgs.len();
    let count = dash.filtered_count();
    let selected = dash.orgs.selected.min(count.saturating_sub(1));
    let position = match (count, dash.orgs.filter.is_empty()) {
        (0, _) => format!(" 0 of {} ", thousands(total)),
        (_, true) => format!(" {} of {} ", thousands(selected + 1), thousands(total)),
        (_, false) => format!(
            " {} of {} matching · {} in all ",
            thousands(selected + 1),
            thousands(count),
            thousands(total)
        ),
    };
    let block = content_block("Organizations", focused)
        .title_bottom(filter_line(
            &dash.orgs.filter,
            dash.orgs.editing,
            "/ filter",
        ))
        .title_bottom(Line::styled(position, theme::dim()).right_aligned());
    frame.render_widget(block, area);
    let [list_area, detail_area] = areas(area);

    if total == 0 {
        frame.render_widget(
            Paragraph::new(
                "You are not a member of any organization yet. An organization's admin \
                 or owner can invite you.",
            )
            .wrap(Wrap { trim: true })
            .style(theme::dim()),
            list_area,
        );
        return;
    }
    if count == 0 {
        frame.render_widget(
            Paragraph::new(format!(
                "No organization matches “{}”. Esc clears the filter.",
                visible(&dash.orgs.filter)
            ))
            .wrap(Wrap { trim: true })
            .style(theme::dim()),
            list_area,
        );
        return;
    }
    // Only the rows that fit are made: a person in 10,000 orgs costs a
    // screenful per frame, not 10,000 lines.
    let rows = usize::from(list_area.height);
    let first = first_visible(selected, rows);
    let query = Query::new(&dash.orgs.filter);
    let role_width = dash.orgs.role_width();
    // "● ", then the name, two spaces, the role column.
    let name_width = usize::from(list_area.width)
        .saturating_sub(2 + 2 + role_width)
        .min(dash.orgs.name_width().max(4));
    let items: Vec<ListItem> = (first..count.min(first + rows))
        .filter_map(|i| dash.filtered_org(i))
        .map(|o| org_line(dash, o, &query, name_width, role_width))
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
        const LABEL: usize = 13;
        let width = usize::from(detail_area.width);
        let mut lines = vec![Line::from(vec![
            Span::styled(format!("{:<LABEL$}", "Id"), theme::dim()),
            Span::raw(visible(&o.org_id).into_owned()),
        ])];
        for (i, text) in hanging(&visible(&perms), LABEL, LABEL, width)
            .into_iter()
            .enumerate()
        {
            let label = if i == 0 { "Permissions" } else { "" };
            lines.push(Line::from(vec![
                Span::styled(
                    format!("{label:<w$}", w = if i == 0 { LABEL } else { 0 }),
                    theme::dim(),
                ),
                Span::raw(text),
            ]));
        }
        let [_, details] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(detail_area);
        frame.render_widget(Paragraph::new(lines), details);
    }
}

/// One org: the active marker, the name cut to its column, the roles
/// aligned after it.
fn org_line(
    dash: &Dashboard,
    o: &OrgMembership,
    query: &Query,
    name_width: usize,
    role_width: usize,
) -> ListItem<'static> {
    let active = dash.active_org.as_deref() == Some(o.org_id.as_str());
    let name = truncate(&visible(&o.org_name), name_width);
    let pad = name_width.saturating_sub(name.width());
    let roles = visible(&o.roles().collect::<Vec<_>>().join(", ")).into_owned();
    let mut spans = vec![Span::styled(if active { "● " } else { "  " }, theme::ok())];
    spans.extend(marked(&name, &query.positions(&name), Default::default()));
    spans.push(Span::raw(" ".repeat(pad + 2)));
    spans.push(Span::styled(truncate(&roles, role_width), theme::key()));
    ListItem::new(Line::from(spans))
}
