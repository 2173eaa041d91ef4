//! A sparkline as wide as its pane: each point a bar of equal width with a
//! column between bars where there is room, the latest value, the lowest
//! and the highest said above with their dates, the first and the last
//! date under the bars.

use ratatui::Frame;
use ratatui::layout::Rect;
use unicode_width::UnicodeWidthStr;

use super::Series;
use crate::panels::axis::short_labels;
use crate::panels::view::grouped;
use crate::tui::theme;

/// Eighths of a row, from empty to full.
const LEVELS: [&str; 9] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];

pub(super) fn draw(frame: &mut Frame, area: Rect, series: &Series) {
    let n = series.values.len();
    let (Some((low, high)), Some(last)) = (series.extremes(), series.values.last()) else {
        return;
    };
    let width = usize::from(area.width);
    let at = |i: usize| {
        series
            .named(i)
            .map(|d| format!(" ({d})"))
            .unwrap_or_default()
    };
    let latest = format!("latest {}{}", series.value(*last), at(n - 1));
    let number = |i: usize| grouped((series.values[i] * 100.0).round() / 100.0, None);
    let (low_value, high_value) = (number(low), number(high));
    // As many points as columns at most: the latest.
    let count = if n > width {
        format!("the last {width} of {n} points")
    } else {
        format!("{n} points")
    };
    // The longest that fits: dates and count, dates, the values alone.
    let dated = format!("low {low_value}{} · high {high_value}{}", at(low), at(high));
    let day = |i: usize| series.named(i).map(|d| format!(" {d}")).unwrap_or_default();
    let range = [
        format!("{dated} · {count}"),
        dated,
        format!(
            "low {low_value}{} · high {high_value}{}",
            day(low),
            day(high)
        ),
        format!("low {low_value} · high {high_value}"),
    ];
    let range = range
        .iter()
        .find(|r| r.width() <= width)
        .unwrap_or(&range[3]);
    let buf = frame.buffer_mut();
    buf.set_stringn(area.x, area.y, latest, width, theme::ok());
    if area.height > 1 {
        buf.set_stringn(area.x, area.y + 1, range, width, theme::dim());
    }
    // The dates under the bars when there are rows to spare.
    let dates = series.named && area.height >= 6;
    let top = area.y + 2;
    let bottom = area.bottom() - u16::from(dates);
    if bottom <= top || width == 0 {
        return;
    }
    let rows = bottom - top;
    let shown = n.min(width);
    let from = n - shown;
    // Bars of one width, spread over the whole width: the columns left
    // over widen some gaps by one.
    let slot = width / shown;
    // A column between bars wherever a bar keeps one of its own, so that
    // neighbours never merge into one block.
    let gap = usize::from(slot >= 2);
    let bar = slot - gap;
    let left = |k: usize| k * width / shown;
    let levels = heights(&series.values[from..], rows);
    for (k, level) in levels.iter().enumerate() {
        let x = area.x + u16::try_from(left(k)).unwrap_or(0);
        for r in 0..rows {
            let fill = level.saturating_sub(usize::from(r) * 8).min(8);
            if fill == 0 {
                break;
            }
            let cells = LEVELS[fill].repeat(bar);
            buf.set_stringn(x, bottom - 1 - r, cells, bar, theme::ok());
        }
    }
    if dates {
        let used = left(shown - 1) + bar;
        let ends = short_labels(&series.labels, &[from, n - 1]);
        let (first, last) = (&ends[0], &ends[1]);
        let row = area.bottom() - 1;
        buf.set_stringn(area.x, row, first, width, theme::dim());
        let last_x = used.saturating_sub(last.width());
        if shown > 1 && last_x >= first.width() + 2 {
            let x = area.x + u16::try_from(last_x).unwrap_or(0);
            buf.set_stringn(x, row, last, last.width(), theme::dim());
        }
    }
}

/// Each value's bar in eighths of a row over `rows` rows: the lowest one
/// eighth, the highest full, the rest in proportion (a sparkline shows
/// the shape, its low and high are said in words); a flat series at half.
fn heights(values: &[f64], rows: u16) -> Vec<usize> {
    let full = usize::from(rows) * 8;
    let (min, max) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(*v), hi.max(*v))
        });
    values
        .iter()
        .map(|v| {
            if max > min {
                1 + ((v - min) / (max - min) * (full - 1) as f64).round() as usize
            } else {
                (full / 2).max(1)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_run_from_one_eighth_to_full() {
        assert_eq!(heights(&[164.0, 220.0, 192.0], 2), [1, 16, 9]);
        assert_eq!(heights(&[5.0, 5.0], 2), [8, 8]);
    }
}
