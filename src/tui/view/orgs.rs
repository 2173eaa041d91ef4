//! The Organizations panel: the person's orgs as a list with a cursor, the
//! active one marked, names and roles in columns that never touch, the
//! position among all of them, and the selected org's details below.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use super::layout::content_block;
use super::popup::filter_line;
use super::text::{hanging, marked, truncate};
use crate::identity::{OrgMembership, visible};
use crate::tui::fuzzy::Query;
use crate::tui::model::{Dashboard, Model};
use crate::tui::numbers::thousands;
use crate::tui::theme;

/// The list and the selected org's details (a blank row, then as many
/// rows as they wrap to, the list keeping three), inside the border.
fn areas(area: Rect, dash: &Dashboard) -> [Rect; 2] {
    let inner = content_block("", false).inner(area);
    let details = selected(dash).map_or(0, |o| details(o, usize::from(inner.width)).len());
    let most = inner.height.saturating_sub(3);
    let height = u16::try_from(details + 1).unwrap_or(u16::MAX).min(most);
    Layout::vertical([Constraint::Min(3), Constraint::Length(height)]).areas(inner)
}

/// Where the list's rows are when the Organizations panel fills `area`
/// (the mouse finds the row clicked with it).
pub(crate) fn list_area(area: Rect, dash: &Dashboard) -> Rect {
    areas(area, dash)[0]
}

/// The org under the cursor.
fn selected(dash: &Dashboard) -> Option<&OrgMembership> {
    let count = dash.filtered_count();
    dash.filtered_org(dash.orgs.selected.min(count.checked_sub(1)?))
}

/// The label column of the details.
const LABEL: usize = 13;

/// An org's id and permissions, wrapped under their column to `width`.
fn details(o: &OrgMembership, width: usize) -> Vec<Line<'static>> {
    let perms = if o.permissions.is_empty() {
        "none".to_owned()
    } else {
        o.permissions.join(", ")
    };
    let mut lines = Vec::new();
    for (label, value) in [("Id", visible(&o.org_id)), ("Permissions", visible(&perms))] {
        for (i, text) in hanging(&value, LABEL, LABEL, width).into_iter().enumerate() {
            let label = if i == 0 { label } else { "" };
            lines.push(Line::from(vec![
                Span::styled(
                    format!("{label:<w$}", w = if i == 0 { LABEL } else { 0 }),
                    theme::dim(),
                ),
                Span::raw(text),
            ]));
        }
    }
    lines
}

/// The first org drawn in a list of `rows` rows: the top until the
/// selection would fall below the last row, then the selection on the
/// last row (as a fresh `ListState` scrolls).
pub(crate) fn first_visible(selected: usize, rows: usize) -> usize {
    (selected + 1).saturating_sub(rows.max(1))
}

pub(crate) fn draw(frame: &mut Frame, area: Rect, _model: &Model, dash: &Dashboard, focused: bool) {
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
    let filter = filter_line(&dash.orgs.filter, dash.orgs.editing, "/ filter");
    // The filter and the position share the bottom edge: where both do
    // not fit, the position drops its "· 1,000 in all" before the filter
    // goes.
    let room = usize::from(area.width).saturating_sub(2 + filter.width());
    let position = if position.width() > room && !dash.orgs.filter.is_empty() && count > 0 {
        format!(" {} of {} ", thousands(selected + 1), thousands(count))
    } else {
        position
    };
    let block = content_block("Organizations", focused)
        .title_bottom(filter)
        .title_bottom(Line::styled(position, theme::dim()).right_aligned());
    frame.render_widget(block, area);
    let [list_area, detail_area] = areas(area, dash);

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
        let [_, shown] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(detail_area);
        let mut lines = details(o, usize::from(shown.width));
        // Cut where the pane ends: the last row shown says there is more.
        let rows = usize::from(shown.height);
        if lines.len() > rows && rows > 0 {
            lines.truncate(rows);
            if let Some(last) = lines.last_mut() {
                let label = last.spans.first().map_or(0, Span::width);
                let room = usize::from(shown.width).saturating_sub(label);
                if let Some(text) = last.spans.last_mut() {
                    let kept = text.content.trim_end().to_owned();
                    text.content = if kept.width() + 2 <= room {
                        format!("{kept} …")
                    } else {
                        truncate(&format!("{kept}  "), room)
                    }
                    .into();
                }
            }
        }
        frame.render_widget(Paragraph::new(lines), shown);
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
