//! A line chart on round axes: ticks on the value axis at nice numbers,
//! as many as the height holds apart; labels along the label axis under
//! the points they name, as many as fit without touching.
//!
//! The axes are drawn here rather than by ratatui's `Chart`, which spreads
//! its labels evenly whatever the points: twelve months under five evenly
//! spread labels put every label between two months.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::symbols::Marker;
use ratatui::widgets::canvas::{Canvas, Line as Segment, Points};
use unicode_width::UnicodeWidthStr;

use super::{Series, fitting, value_title};
use crate::panels::axis::{Scale, short_labels};
use crate::panels::view::ChartView;
use crate::tui::theme;

/// The space between two labels of the label axis.
const GAP: usize = 2;

pub(super) fn draw(frame: &mut Frame, area: Rect, view: &ChartView, series: &Series) {
    let n = series.values.len();
    let latest = series.values.last().map(|y| {
        let value = series.value(*y);
        match series.named(n - 1) {
            Some(at) => format!("latest {value} ({at})"),
            None => format!("latest {value}"),
        }
    });
    let title = value_title(view, &series.unit);
    // Caption, at least three rows of plot, the axis and its labels.
    if area.height < 6 || area.width < 16 || n == 0 {
        let parts = [title, latest.unwrap_or_default()];
        let text = fitting(&parts, usize::from(area.width));
        frame
            .buffer_mut()
            .set_stringn(area.x, area.y, text, usize::from(area.width), theme::dim());
        return;
    }
    let plot_rows = area.height - 3;
    // A tick every third row or so: labels apart, and enough of them.
    let ticks_wanted = usize::from((plot_rows + 4) / 3).clamp(2, 10);
    let scale = Scale::for_values(&series.values, ticks_wanted);
    let ticks = scale.ticks();
    let tick_labels: Vec<String> = ticks.iter().map(|t| scale.label(*t)).collect();
    let label_width = tick_labels.iter().map(|l| l.width()).max().unwrap_or(1);
    let axis_x = area.x + u16::try_from(label_width + 1).unwrap_or(area.width);
    let plot = Rect {
        x: axis_x + 1,
        y: area.y + 1,
        width: area.right().saturating_sub(axis_x + 1),
        height: plot_rows,
    };
    if plot.width < 4 {
        return;
    }
    let buf = frame.buffer_mut();
    caption(buf, area, &title, latest.as_deref());
    // The value axis: a tick and its label on each nice number.
    for row in plot.y..plot.bottom() {
        buf.set_stringn(axis_x, row, "│", 1, theme::dim());
    }
    for (tick, label) in ticks.iter().zip(&tick_labels) {
        let row = plot.y + row_of(*tick, &scale, plot.height);
        let x = axis_x - 1 - u16::try_from(label.width()).unwrap_or(0);
        buf.set_stringn(x, row, label, label.width(), theme::dim());
        buf.set_stringn(axis_x, row, "┤", 1, theme::dim());
    }
    // The label axis, and the labels that fit.
    let axis_row = plot.bottom();
    buf.set_stringn(axis_x, axis_row, "└", 1, theme::dim());
    let rule = "─".repeat(usize::from(plot.width));
    buf.set_stringn(
        plot.x,
        axis_row,
        rule,
        usize::from(plot.width),
        theme::dim(),
    );
    let columns: Vec<u16> = (0..n)
        .map(|i| plot.x + column_of(i, n, plot.width))
        .collect();
    let placed = if series.named {
        place(&series.labels, &columns, area.x, area.right())
    } else {
        Vec::new()
    };
    let label_row = axis_row + 1;
    for (index, start, text) in &placed {
        buf.set_stringn(columns[*index], axis_row, "┬", 1, theme::dim());
        buf.set_stringn(*start, label_row, text, text.width(), theme::dim());
    }
    // The axis' own title where the labels leave room for it.
    let x_title = view
        .x_label
        .as_deref()
        .map(crate::identity::visible)
        .unwrap_or_default();
    let end = placed
        .last()
        .map(|(_, start, text)| usize::from(*start) + text.width() + GAP)
        .unwrap_or(usize::from(plot.x));
    let title_x = usize::from(area.right()).saturating_sub(x_title.width());
    if !x_title.is_empty() && title_x >= end {
        let x = u16::try_from(title_x).unwrap_or(area.right());
        buf.set_stringn(x, label_row, &x_title, x_title.width(), theme::dim());
    }
    frame.render_widget(plotted(series, &scale, n), plot);
}

/// The title of the values on the left of the top row; the latest value on
/// the right, where it fits.
fn caption(buf: &mut ratatui::buffer::Buffer, area: Rect, title: &str, latest: Option<&str>) {
    let width = usize::from(area.width);
    buf.set_stringn(area.x, area.y, title, width, theme::dim());
    if let Some(latest) = latest {
        let x = width.saturating_sub(latest.width());
        if x >= title.width() + GAP {
            let x = area.x + u16::try_from(x).unwrap_or(0);
            buf.set_stringn(x, area.y, latest, latest.width(), theme::ok());
        }
    }
}

/// The series as braille lines between its points.
fn plotted<'a>(
    series: &'a Series,
    scale: &Scale,
    n: usize,
) -> Canvas<'a, impl Fn(&mut ratatui::widgets::canvas::Context) + 'a> {
    let color = theme::ok().fg.unwrap_or(Color::Reset);
    let values = &series.values;
    Canvas::default()
        .marker(Marker::Braille)
        .x_bounds(x_bounds(n))
        .y_bounds([scale.lo, scale.hi])
        .paint(move |ctx| {
            if let [only] = values.as_slice() {
                ctx.draw(&Points {
                    coords: &[(0.0, *only)],
                    color,
                });
            }
            for (i, pair) in values.windows(2).enumerate() {
                ctx.draw(&Segment::new(
                    i as f64,
                    pair[0],
                    (i + 1) as f64,
                    pair[1],
                    color,
                ));
            }
        })
}

/// The points from 0 to n - 1; one point in the middle.
fn x_bounds(n: usize) -> [f64; 2] {
    if n < 2 {
        [-1.0, 1.0]
    } else {
        [0.0, (n - 1) as f64]
    }
}

/// The column of point `i` of `n` in a plot `width` cells wide, as the
/// braille canvas puts it (two dots a cell, rounded).
fn column_of(i: usize, n: usize, width: u16) -> u16 {
    let [lo, hi] = x_bounds(n);
    let x = if n < 2 { 0.0 } else { i as f64 };
    let dot = ((x - lo) * (f64::from(width) * 2.0 - 1.0) / (hi - lo)).round();
    (dot as u16) / 2
}

/// The row of `value` in a plot `height` rows high, as the braille canvas
/// puts it (four dots a row, rounded).
fn row_of(value: f64, scale: &Scale, height: u16) -> u16 {
    let dot = ((scale.hi - value) * (f64::from(height) * 4.0 - 1.0) / (scale.hi - scale.lo))
        .round()
        .max(0.0);
    ((dot as u16) / 4).min(height.saturating_sub(1))
}

/// Which labels to draw and where: every `k`-th point from the first, for
/// the smallest `k` whose labels (dates short, the year where it changes)
/// fit between `left` and `right`, each centred under its point, at least
/// [`GAP`] apart. `(index, first column, text)`.
fn place(labels: &[String], columns: &[u16], left: u16, right: u16) -> Vec<(usize, u16, String)> {
    let n = labels.len();
    for stride in 1..=n.max(1) {
        let shown: Vec<usize> = (0..n).step_by(stride).collect();
        let texts = short_labels(labels, &shown);
        let mut placed = Vec::with_capacity(shown.len());
        let mut free = usize::from(left);
        let fits = shown.iter().zip(texts).all(|(i, text)| {
            let width = text.width();
            let centred = usize::from(columns[*i]).saturating_sub(width / 2);
            let start = centred
                .max(usize::from(left))
                .min(usize::from(right).saturating_sub(width));
            if start < free || start + width > usize::from(right) {
                return false;
            }
            free = start + width + GAP;
            placed.push((*i, u16::try_from(start).unwrap_or(left), text));
            true
        });
        if fits {
            return placed;
        }
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn months() -> Vec<String> {
        (1..=12).map(|m| format!("2025-{m:02}")).collect()
    }

    #[test]
    fn labels_that_fit_are_all_drawn() {
        let columns: Vec<u16> = (0..12).map(|i| 10 + i * 10).collect();
        let placed = place(&months(), &columns, 0, 130);
        let texts: Vec<&str> = placed.iter().map(|(_, _, t)| t.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Jan 2025", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                "Dec"
            ]
        );
        // Centred under their points.
        assert_eq!(placed[1].1, 20 - 1);
    }

    #[test]
    fn labels_that_would_touch_are_thinned_evenly() {
        let columns: Vec<u16> = (0..12).map(|i| 10 + i * 4).collect();
        let placed = place(&months(), &columns, 0, 60);
        let indices: Vec<usize> = placed.iter().map(|(i, _, _)| *i).collect();
        assert_eq!(indices, [0, 2, 4, 6, 8, 10]);
        for pair in placed.windows(2) {
            let end = usize::from(pair[0].1) + pair[0].2.width();
            assert!(end + GAP <= usize::from(pair[1].1), "{placed:?}");
        }
    }

    /// The labels' columns and the ticks' rows are where the braille
    /// canvas draws a point of that index and value.
    #[test]
    fn points_and_rows_land_where_the_canvas_draws_them() {
        use ratatui::buffer::Buffer;
        use ratatui::widgets::Widget;
        let scale = Scale {
            lo: 3500.0,
            hi: 5500.0,
            step: 500.0,
        };
        for (n, width, height) in [(12, 50, 10), (14, 33, 7), (1, 20, 5), (2, 7, 3)] {
            for i in 0..n {
                for value in scale.ticks() {
                    let area = Rect::new(0, 0, width, height);
                    let mut buf = Buffer::empty(area);
                    let x = if n < 2 { 0.0 } else { i as f64 };
                    Canvas::default()
                        .marker(Marker::Braille)
                        .x_bounds(x_bounds(n))
                        .y_bounds([scale.lo, scale.hi])
                        .paint(|ctx| {
                            ctx.draw(&Points {
                                coords: &[(x, value)],
                                color: Color::Reset,
                            })
                        })
                        .render(area, &mut buf);
                    let (col, row) = (column_of(i, n, width), row_of(value, &scale, height));
                    assert_ne!(
                        buf[(col, row)].symbol(),
                        " ",
                        "point {i} of {n} at {value} in {width}x{height}"
                    );
                }
            }
        }
    }
}
