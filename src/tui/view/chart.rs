//! A chart panel: a line chart on round axes, bars, or a sparkline as wide
//! as its pane; labels that are dates written short.

mod line;
mod spark;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Bar, BarChart, BarGroup, Paragraph};
use unicode_width::UnicodeWidthStr;

use crate::identity::visible;
use crate::panels::axis::Stamp;
use crate::panels::view::{ChartKind, ChartView, grouped};
use crate::tui::theme;

/// A series as the chart draws it: labels made visible, values, and how
/// to write a value.
struct Series {
    labels: Vec<String>,
    values: Vec<f64>,
    /// Whether the labels name the points (`x` configured), rather than
    /// count them.
    named: bool,
    unit: String,
}

impl Series {
    fn new(view: &ChartView, points: &[(String, f64)]) -> Self {
        Self {
            labels: points
                .iter()
                .map(|(l, _)| visible(l).into_owned())
                .collect(),
            values: points.iter().map(|(_, y)| *y).collect(),
            named: view.x.is_some(),
            unit: view.unit.as_deref().map(visible).unwrap_or_default().into(),
        }
    }

    /// `5,172.41 €`: to the cent, grouped, the unit after.
    fn value(&self, n: f64) -> String {
        let n = grouped((n * 100.0).round() / 100.0, None);
        if self.unit.is_empty() {
            n
        } else {
            format!("{n} {}", self.unit)
        }
    }

    /// A point's label for a sentence: a month with its year (`Dec
    /// 2025`), a day without (`Dec 14`: the axis says the year), else as it
    /// is.
    fn named(&self, index: usize) -> Option<String> {
        let label = self.labels.get(index).filter(|_| self.named)?;
        Some(match Stamp::parse(label) {
            Some(month @ Stamp::Month(_)) => month.short(true),
            Some(day) => day.short(false),
            None => label.clone(),
        })
    }

    /// The index of the lowest and of the highest value (the first of
    /// equals).
    fn extremes(&self) -> Option<(usize, usize)> {
        let mut it = self.values.iter().enumerate();
        let (first, _) = it.next()?;
        Some(it.fold((first, first), |(lo, hi), (i, v)| {
            (
                if *v < self.values[lo] { i } else { lo },
                if *v > self.values[hi] { i } else { hi },
            )
        }))
    }
}

pub(crate) fn draw(frame: &mut Frame, area: Rect, view: &ChartView, points: &[(String, f64)]) {
    let series = Series::new(view, points);
    match view.kind {
        ChartKind::Sparkline => spark::draw(frame, area, &series),
        ChartKind::Line => line::draw(frame, area, view, &series),
        ChartKind::Bar => bars(frame, area, view, &series),
    }
}

/// The axis title of the values: `usage (€)`, `usage`, `€`.
fn value_title(view: &ChartView, unit: &str) -> String {
    match (view.y_label.as_deref().map(visible), unit.is_empty()) {
        (Some(l), true) => l.into_owned(),
        (Some(l), false) => format!("{l} ({unit})"),
        (None, _) => unit.to_owned(),
    }
}

/// Parts of a line, in order, as many as fit in `width` (the first always,
/// cut): `a · b · c`.
fn fitting(parts: &[String], width: usize) -> String {
    let mut line = String::new();
    for part in parts.iter().filter(|p| !p.is_empty()) {
        let next = if line.is_empty() {
            part.clone()
        } else {
            format!("{line} · {part}")
        };
        if next.width() > width && !line.is_empty() {
            break;
        }
        line = next;
    }
    line
}

/// Bars from zero, as wide as their labels and values (3 to 8 columns),
/// and as many as fit: the latest ones, when the series is longer. Dates
/// are written short under the bars, their range in the caption.
fn bars(frame: &mut Frame, area: Rect, view: &ChartView, series: &Series) {
    let all: Vec<usize> = (0..series.labels.len()).collect();
    let dated = series.named
        && series.labels.iter().all(|l| Stamp::parse(l).is_some())
        && !series.labels.is_empty();
    let labels: Vec<String> = if dated {
        series
            .labels
            .iter()
            .filter_map(|l| Stamp::parse(l).map(|s| s.short(false)))
            .collect()
    } else {
        series.labels.clone()
    };
    let texts: Vec<String> = series
        .values
        .iter()
        .map(|y| grouped(y.round(), None))
        .collect();
    let needed = labels
        .iter()
        .chain(&texts)
        .map(|l| l.width())
        .max()
        .unwrap_or(1)
        .clamp(3, 8);
    // Wider where the pane has room for every bar, up to 12 columns.
    let room = (usize::from(area.width) + 1) / labels.len().max(1);
    let width = room.saturating_sub(1).clamp(needed, needed.max(12));
    let fit = (usize::from(area.width) + 1) / (width + 1);
    let from = labels.len().saturating_sub(fit.max(1));
    let bars: Vec<Bar> = (from..labels.len())
        .map(|i| {
            Bar::default()
                .value(series.values[i].max(0.0).round() as u64)
                .label(Line::raw(labels[i].clone()))
                .text_value(texts[i].clone())
        })
        .collect();
    let [caption, chart] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let x = view.x_label.as_deref().map(visible).unwrap_or_default();
    let mut parts = vec![match (value_title(view, &series.unit), x.is_empty()) {
        (y, true) => y,
        (y, false) if y.is_empty() => x.into_owned(),
        (y, false) => format!("{y} by {x}"),
    }];
    // That bars are left out matters more than their dates' range (the
    // dates are under them too).
    if from > 0 {
        parts.push(format!("the last {} of {}", all.len() - from, all.len()));
    }
    if dated {
        let end = |i: usize| Stamp::parse(&series.labels[i]).map(|s| s.short(true));
        if let (Some(first), Some(last)) = (end(from), end(all.len() - 1)) {
            parts.push(format!("{first} – {last}"));
        }
    }
    frame.render_widget(
        Paragraph::new(Line::styled(
            fitting(&parts, usize::from(area.width)),
            theme::dim(),
        )),
        caption,
    );
    frame.render_widget(
        BarChart::default()
            .data(BarGroup::default().bars(&bars))
            .bar_width(u16::try_from(width).unwrap_or(8))
            .bar_gap(1)
            .bar_style(theme::ok()),
        chart,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_that_do_not_fit_are_left_off_from_the_end() {
        let parts = ["latest 184".to_owned(), "low 164".into(), "high 220".into()];
        assert_eq!(fitting(&parts, 80), "latest 184 · low 164 · high 220");
        assert_eq!(fitting(&parts, 25), "latest 184 · low 164");
        assert_eq!(fitting(&parts, 4), "latest 184");
    }

    #[test]
    fn the_lowest_and_highest_point() {
        let view = ChartView::default();
        let points: Vec<(String, f64)> = [3.0, 1.0, 4.0, 1.0, 5.0, 5.0]
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), *v))
            .collect();
        assert_eq!(Series::new(&view, &points).extremes(), Some((1, 4)));
        assert_eq!(Series::new(&view, &[]).extremes(), None);
    }
}
