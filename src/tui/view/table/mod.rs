//! A table panel: a status line (where the cursor is, what the filter
//! leaves, which columns are in view), the header with the sort column
//! marked, and the rows in view with the cursor's row highlighted and
//! marked. Numbers are right-aligned; columns are as wide as their
//! content and cut with `…`.

pub(crate) mod layout;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use self::layout::{MARKER, fits, last_first, natural_widths, parts, room, sort_mark, window};
use super::text::truncate;
use crate::panels::view::{ShapeError, TableView};
use crate::panels::{CellKind, TableData};
use crate::tui::model::{PanelState, PanelValue, TableState, in_sight};
use crate::tui::theme;

/// A table panel's data as its state arranged it: shaped once when it
/// arrived (shaped here only for a state made without it).
pub(crate) fn draw_panel(
    frame: &mut Frame,
    area: Rect,
    view: &TableView,
    data: &PanelValue,
    state: Option<&PanelState>,
    focused: bool,
) -> Result<(), ShapeError> {
    match state.and_then(|s| s.shaped.as_ref().map(|shaped| (shaped, &s.table))) {
        Some((Ok(table), arranged)) => draw(frame, area, table, arranged, focused),
        Some((Err(e), _)) => return Err(e.clone()),
        None => {
            let table = view.shape(&data.value)?;
            let mut arranged = state.map(|s| s.table.clone()).unwrap_or_default();
            arranged.arrange(&table);
            draw(frame, area, &table, &arranged, focused);
        }
    }
    Ok(())
}

fn draw(frame: &mut Frame, area: Rect, data: &TableData, state: &TableState, focused: bool) {
    let parts = parts(area);
    let widths = natural_widths(data, state.sort);
    let room = room(area.width);
    // The sideways scroll as the keys left it, no further than needed.
    let first = state.column.min(last_first(&widths, room));
    let shown = window(&widths, first, room);
    frame.render_widget(
        Paragraph::new(Line::styled(
            truncate(
                &status(data, state, &widths, &shown, room),
                usize::from(area.width),
            ),
            theme::dim(),
        )),
        parts.status,
    );

    let mut header = vec![Span::raw(" ".repeat(MARKER.width()))];
    for (n, &(column, width)) in shown.iter().enumerate() {
        let title = data.headers.get(column).map(String::as_str).unwrap_or("");
        let text = match state.sort {
            Some((c, desc)) if c == column => {
                let mark = sort_mark(desc);
                format!(
                    "{}{mark}",
                    truncate(title, width.saturating_sub(mark.width()))
                )
            }
            _ => truncate(title, width),
        };
        header.push(Span::styled(
            pad(&text, width, n, numeric(data, column)),
            theme::key(),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(header)), parts.header);

    let rows = usize::from(parts.rows.height);
    let scroll = in_sight(state.scroll, state.cursor, rows, state.order.len());
    let lines: Vec<Line> = state
        .order
        .iter()
        .enumerate()
        .skip(scroll)
        .take(rows)
        .filter_map(|(position, &index)| {
            let row = data.rows.get(index)?;
            let under_cursor = position == state.cursor;
            let mut spans = vec![Span::raw(if under_cursor {
                MARKER.to_owned()
            } else {
                " ".repeat(MARKER.width())
            })];
            for (n, &(column, width)) in shown.iter().enumerate() {
                let (text, style) = match row.get(column) {
                    Some(cell) if cell.kind == CellKind::Missing => {
                        (cell.text.as_str(), theme::dim())
                    }
                    Some(cell) => (cell.text.as_str(), Style::new()),
                    None => ("", Style::new()),
                };
                spans.push(Span::styled(
                    pad(&truncate(text, width), width, n, numeric(data, column)),
                    style,
                ));
            }
            let mut line = Line::from(spans);
            if under_cursor {
                let used = line.width();
                line.push_span(Span::raw(
                    " ".repeat(usize::from(area.width).saturating_sub(used)),
                ));
                line = line.style(theme::selected(focused));
            }
            Some(line)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), parts.rows);
}

fn numeric(data: &TableData, column: usize) -> bool {
    data.numeric.get(column).copied().unwrap_or(false)
}

/// `text` in `width` cells, after the gap before the `n`th column shown:
/// numbers flush right, the rest flush left.
fn pad(text: &str, width: usize, n: usize, right: bool) -> String {
    let gap = if n == 0 { 0 } else { layout::SPACING };
    let fill = width.saturating_sub(text.width());
    if right {
        format!("{:gap$}{:fill$}{text}", "", "")
    } else {
        format!("{:gap$}{text}{:fill$}", "", "")
    }
}

/// Where the cursor is among the rows shown, what the filter leaves,
/// which columns are in view, and the sort when its column is not.
fn status(
    data: &TableData,
    state: &TableState,
    widths: &[usize],
    shown: &[(usize, usize)],
    room: usize,
) -> String {
    let total = data.rows.len();
    let matching = state.order.len();
    let mut parts = Vec::new();
    if state.editing {
        parts.push(format!("filter: {}▏", state.filter));
    }
    let position = match (total, matching) {
        (0, _) => "no rows".to_owned(),
        (_, 0) => format!("no row of {total} matches “{}”", state.filter),
        _ if state.filter.is_empty() => format!("row {} of {total}", state.cursor + 1),
        _ if state.editing => {
            format!(
                "row {} of {matching} · {matching} of {total} rows match",
                state.cursor + 1
            )
        }
        _ => format!(
            "row {} of {matching} · {matching} of {total} rows match “{}”",
            state.cursor + 1,
            state.filter
        ),
    };
    parts.push(position);
    if !fits(widths, room)
        && let (Some((from, _)), Some((to, _))) = (shown.first(), shown.last())
    {
        parts.push(format!(
            "columns {}–{} of {}",
            from + 1,
            to + 1,
            widths.len()
        ));
    }
    if let Some((column, desc)) = state.sort
        && !shown.iter().any(|(c, _)| *c == column)
    {
        parts.push(format!(
            "sorted by {}{}",
            data.headers.get(column).map(String::as_str).unwrap_or("?"),
            sort_mark(desc)
        ));
    }
    parts.join(" · ")
}
