//! Where a table's parts go: the status line, the header, the rows;
//! column widths from their content; which columns are in view when the
//! table is wider than its pane. Pure, so that `update` (the cursor and
//! sideways scrolling) and the mouse find the same rows the view draws.

use ratatui::layout::Rect;
use unicode_width::UnicodeWidthStr;

use crate::panels::TableData;

/// Blank cells between two columns.
pub(crate) const SPACING: usize = 2;
/// The cursor's mark before the row under it (blank before the others),
/// so the cursor shows without colour too.
pub(crate) const MARKER: &str = "› ";
const MARKER_WIDTH: usize = 2;
/// No column is made wider than this; longer text is cut with `…`.
const MAX_COLUMN: usize = 40;
/// A column cut at the right edge is still drawn when this much of it fits.
const MIN_CUT: usize = 4;

/// The header's mark for the sorted column.
pub(crate) fn sort_mark(descending: bool) -> &'static str {
    if descending { " ▼" } else { " ▲" }
}

/// The parts of a table drawn in `area`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Parts {
    pub(crate) status: Rect,
    pub(crate) header: Rect,
    pub(crate) rows: Rect,
}

pub(crate) fn parts(area: Rect) -> Parts {
    let line = |y: u16| Rect {
        y,
        height: u16::from(area.height > y - area.y),
        ..area
    };
    Parts {
        status: line(area.y),
        header: line(area.y + 1),
        rows: Rect {
            y: area.y + 2.min(area.height),
            height: area.height.saturating_sub(2),
            ..area
        },
    }
}

/// Each column as wide as its widest cell or its header (with the sort
/// mark on the sorted column), at most [`MAX_COLUMN`]: from all rows,
/// so that filtering does not move the columns.
pub(crate) fn natural_widths(data: &TableData, sort: Option<(usize, bool)>) -> Vec<usize> {
    data.headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let cells = data.widths.get(i).copied().unwrap_or(0);
            let header = match sort {
                Some((c, desc)) if c == i => h.width() + sort_mark(desc).width(),
                _ => 0,
            };
            cells.max(header).clamp(1, MAX_COLUMN)
        })
        .collect()
}

/// The width the columns have in a table of `width` cells (the cursor's
/// mark takes the first two).
pub(crate) fn room(width: u16) -> usize {
    usize::from(width).saturating_sub(MARKER_WIDTH)
}

/// The columns in view from column `first` in `room` cells: (column,
/// width) each, as many whole ones as fit, and the next cut to what is
/// left when that is worth showing.
pub(crate) fn window(widths: &[usize], first: usize, room: usize) -> Vec<(usize, usize)> {
    let mut shown = Vec::new();
    let mut used = 0;
    for (i, &w) in widths.iter().enumerate().skip(first) {
        let gap = if shown.is_empty() { 0 } else { SPACING };
        let left = room.saturating_sub(used + gap);
        if w <= left {
            shown.push((i, w));
            used += gap + w;
        } else {
            if left >= MIN_CUT.min(w) || shown.is_empty() {
                shown.push((i, left.max(1)));
            }
            break;
        }
    }
    shown
}

/// Whether every column fits side by side.
pub(crate) fn fits(widths: &[usize], room: usize) -> bool {
    total(widths) <= room
}

fn total(widths: &[usize]) -> usize {
    widths.iter().sum::<usize>() + SPACING * widths.len().saturating_sub(1)
}

/// The last column worth scrolling to: the first from which the rest fit
/// (or the last column, when even that alone does not).
pub(crate) fn last_first(widths: &[usize], room: usize) -> usize {
    (0..widths.len())
        .find(|&f| total(&widths[f..]) <= room)
        .unwrap_or(widths.len().saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_columns_then_one_cut_and_scrolling_stops_when_the_rest_fit() {
        let widths = [10, 8, 12, 6];
        // 10 + 2 + 8 = 20, and a gap: 12 does not fit in the 5 left, cut.
        assert_eq!(window(&widths, 0, 27), [(0, 10), (1, 8), (2, 5)]);
        // Too little left for a cut column: not drawn.
        assert_eq!(window(&widths, 0, 25), [(0, 10), (1, 8)]);
        assert_eq!(window(&widths, 2, 25), [(2, 12), (3, 6)]);
        // A column wider than the whole table is cut to it.
        assert_eq!(window(&[50], 0, 30), [(0, 30)]);
        assert!(fits(&widths, 42) && !fits(&widths, 41));
        assert_eq!(last_first(&widths, 25), 2);
        assert_eq!(last_first(&widths, 42), 0);
        assert_eq!(last_first(&[50, 50], 30), 1);
    }

    #[test]
    fn the_parts_of_a_small_area_stay_inside_it() {
        let p = parts(Rect::new(3, 5, 20, 1));
        assert_eq!(p.status, Rect::new(3, 5, 20, 1));
        assert_eq!(p.header.height, 0);
        assert_eq!(p.rows.height, 0);
        let p = parts(Rect::new(0, 0, 20, 10));
        assert_eq!(p.rows, Rect::new(0, 2, 20, 8));
    }
}
