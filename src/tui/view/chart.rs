//! A chart panel: a line or bar chart with labelled axes, or a sparkline.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Axis, Bar, BarChart, BarGroup, Chart, Dataset, GraphType, Paragraph, Sparkline,
};

use crate::identity::visible;
use crate::panels::view::{ChartKind, ChartView, grouped};
use crate::tui::theme;

pub fn draw(frame: &mut Frame, area: Rect, view: &ChartView, points: &[(String, f64)]) {
    let unit = view.unit.as_deref().map(visible).unwrap_or_default();
    let with_unit = |n: f64| {
        let n = grouped((n * 100.0).round() / 100.0, None);
        if unit.is_empty() {
            n
        } else {
            format!("{n} {unit}")
        }
    };
    let (min, max) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (_, y)| {
            (lo.min(*y), hi.max(*y))
        });
    let (min, max) = if points.is_empty() {
        (0.0, 1.0)
    } else {
        (min, max)
    };
    let last = points
        .last()
        .map(|(l, y)| format!("latest {}: {}", visible(l), with_unit(*y)));
    match view.kind {
        ChartKind::Sparkline => {
            let [summary, spark] =
                Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(area);
            frame.render_widget(
                Paragraph::new(vec![
                    Line::raw(last.unwrap_or_default()),
                    Line::styled(
                        format!(
                            "low {} · high {} · {} points",
                            with_unit(min),
                            with_unit(max),
                            points.len()
                        ),
                        theme::dim(),
                    ),
                ]),
                summary,
            );
            // A sparkline draws whole numbers from zero: scale the range
            // low..high to 1..=100 so the shape shows, not the offset.
            let span = if max > min { max - min } else { 1.0 };
            let data: Vec<u64> = points
                .iter()
                .map(|(_, y)| ((y - min) / span * 99.0 + 1.0).round().max(0.0) as u64)
                .collect();
            frame.render_widget(Sparkline::default().data(&data).style(theme::ok()), spark);
        }
        ChartKind::Bar => {
            // Bars as wide as their labels (at most 8), and as many as
            // fit: the latest ones, when the series is longer.
            let width = points
                .iter()
                .map(|(l, _)| l.chars().count())
                .max()
                .unwrap_or(1)
                .clamp(3, 8);
            let fit = (usize::from(area.width) + 1) / (width + 1);
            let shown = &points[points.len().saturating_sub(fit.max(1))..];
            let bars: Vec<Bar> = shown
                .iter()
                .map(|(label, y)| {
                    Bar::default()
                        .value(y.max(0.0).round() as u64)
                        .label(Line::raw(visible(label).into_owned()))
                        .text_value(grouped(y.round(), None))
                })
                .collect();
            let [caption, chart] =
                Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
            let mut text = axis_caption(view, &unit);
            if shown.len() < points.len() {
                text.push_str(&format!(" · the last {} of {}", shown.len(), points.len()));
            }
            frame.render_widget(Paragraph::new(Line::styled(text, theme::dim())), caption);
            frame.render_widget(
                BarChart::default()
                    .data(BarGroup::default().bars(&bars))
                    .bar_width(u16::try_from(width).unwrap_or(8))
                    .bar_gap(1)
                    .bar_style(theme::ok()),
                chart,
            );
        }
        ChartKind::Line => {
            let data: Vec<(f64, f64)> = points
                .iter()
                .enumerate()
                .map(|(i, (_, y))| (i as f64, *y))
                .collect();
            let lo = min.min(0.0);
            let hi = if max > lo { max } else { lo + 1.0 };
            let x_labels: Vec<Span> = match (points.first(), points.last()) {
                (Some(a), Some(b)) => vec![
                    Span::raw(visible(&a.0).into_owned()),
                    Span::raw(visible(&b.0).into_owned()),
                ],
                _ => Vec::new(),
            };
            let dataset = Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(theme::ok())
                .data(&data);
            let y_title = match (&view.y_label, unit.is_empty()) {
                (Some(l), true) => visible(l).into_owned(),
                (Some(l), false) => format!("{} ({unit})", visible(l)),
                (None, _) => unit.to_string(),
            };
            let chart = Chart::new(vec![dataset])
                .x_axis(
                    Axis::default()
                        .title(
                            view.x_label
                                .as_deref()
                                .map(visible)
                                .unwrap_or_default()
                                .into_owned(),
                        )
                        .bounds([0.0, (points.len().max(2) - 1) as f64])
                        .labels(x_labels),
                )
                .y_axis(
                    Axis::default()
                        .title(y_title)
                        .bounds([lo, hi])
                        .labels(vec![Span::raw(with_unit(lo)), Span::raw(with_unit(hi))]),
                );
            frame.render_widget(chart, area);
        }
    }
}

fn axis_caption(view: &ChartView, unit: &str) -> String {
    let y = view.y_label.as_deref().map(visible).unwrap_or_default();
    let x = view.x_label.as_deref().map(visible).unwrap_or_default();
    match (y.is_empty(), unit.is_empty()) {
        (false, false) => format!("{y} ({unit}) by {x}"),
        (false, true) => format!("{y} by {x}"),
        (true, false) => format!("{unit} by {x}"),
        (true, true) => x.into_owned(),
    }
}
