//! A table panel: headers, rows filtered by `/` and sorted by `s`,
//! scrolled with the arrows.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Row, Table};

use crate::identity::visible;
use crate::panels::view::{Cell, TableData};
use crate::tui::model::TableState;
use crate::tui::theme;

/// The rows as the person arranged them: filtered (any cell contains the
/// text, case-insensitive), then sorted (numbers as numbers).
pub fn arranged<'a>(data: &'a TableData, state: &TableState) -> Vec<&'a Vec<Cell>> {
    let needle = state.filter.to_lowercase();
    let mut rows: Vec<&Vec<Cell>> = data
        .rows
        .iter()
        .filter(|r| needle.is_empty() || r.iter().any(|c| c.text.to_lowercase().contains(&needle)))
        .collect();
    if let Some((column, descending)) = state.sort {
        rows.sort_by(|a, b| {
            let (a, b) = (a.get(column), b.get(column));
            let order = match (a.and_then(|c| c.number), b.and_then(|c| c.number)) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                _ => a.map(|c| c.text.as_str()).cmp(&b.map(|c| c.text.as_str())),
            };
            if descending { order.reverse() } else { order }
        });
    }
    rows
}

pub fn draw(frame: &mut Frame, area: Rect, data: &TableData, state: &TableState) {
    let rows = arranged(data, state);
    let [status, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let sort = match state.sort {
        Some((c, desc)) => format!(
            "sorted by {}{}",
            data.headers.get(c).map(String::as_str).unwrap_or("?"),
            if desc { " ↓" } else { " ↑" }
        ),
        None => "s sorts".to_owned(),
    };
    let filter = if state.editing {
        format!("filter: {}▏", state.filter)
    } else if state.filter.is_empty() {
        "/ filters".to_owned()
    } else {
        format!("filter: {}", state.filter)
    };
    frame.render_widget(
        Paragraph::new(Line::styled(
            format!(
                "{} of {} rows · {sort} · {filter}",
                rows.len(),
                data.rows.len()
            ),
            theme::dim(),
        )),
        status,
    );
    let widths = fitted_widths(data, body.width);
    let scroll = state.scroll.min(rows.len().saturating_sub(1));
    let table = Table::new(
        rows.iter().skip(scroll).map(|r| {
            Row::new(
                r.iter()
                    .map(|c| visible(&c.text).into_owned())
                    .collect::<Vec<_>>(),
            )
        }),
        widths.into_iter().map(Constraint::Length),
    )
    .header(
        Row::new(
            data.headers
                .iter()
                .map(|h| visible(h).into_owned())
                .collect::<Vec<_>>(),
        )
        .style(theme::key()),
    )
    .column_spacing(2);
    frame.render_widget(table, body);
}

/// Column widths that fit `width` exactly as given (the layout solver is
/// left no conflict to settle, which it may settle differently each
/// time): each column as wide as its widest cell (at most 40), then the
/// widest columns narrowed one cell at a time until the row fits.
fn fitted_widths(data: &TableData, width: u16) -> Vec<u16> {
    const SPACING: usize = 2;
    let mut widths: Vec<usize> = data
        .headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            data.rows
                .iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.text.chars().count())
                .chain([h.chars().count()])
                .max()
                .unwrap_or(1)
                .min(40)
        })
        .collect();
    let available = usize::from(width).saturating_sub(SPACING * widths.len().saturating_sub(1));
    while widths.iter().sum::<usize>() > available {
        // The first of the widest columns gives up a cell.
        let Some((i, &w)) = widths
            .iter()
            .enumerate()
            .max_by_key(|(i, w)| (**w, std::cmp::Reverse(*i)))
        else {
            break;
        };
        if w <= 3 {
            break;
        }
        widths[i] -= 1;
    }
    widths
        .into_iter()
        .map(|w| u16::try_from(w).unwrap_or(u16::MAX))
        .collect()
}
