//! The charts as a person reads them, with the demo's data fetched from
//! its data API: Usage, a line chart of monthly charges on round axes
//! with the months along the bottom; Reports, a sparkline of daily active
//! users as wide as its pane, with the first and last day, the latest, the
//! lowest and the highest value.

use authdash::tui::model::Model;

use crate::support::screens::{Demo, SIZES, filters, render, rows};

/// Move to panel `id` with the keys, as a person would, and answer the
/// fetch it asks for with the demo data API's answer (the real token of
/// the real login; the model's clock stays the harness's).
async fn open(demo: &Demo, model: &mut Model, id: &str) {
    demo.open(model, id).await;
    let state = &model.dashboard().expect("the dashboard").panel_states[id];
    assert!(
        state.data.is_some() && state.error.is_none(),
        "{id}: {state:?}"
    );
}

/// The rows of the panel's body at one size: the text right of the
/// navigation's border, to the panel's right border.
fn panel_rows(model: &Model, width: u16, height: u16) -> Vec<String> {
    // Below the header (which has its own separators).
    rows(model, width, height)
        .into_iter()
        .skip(2)
        .filter_map(|row| {
            let (_, rest) = row.split_once('│')?;
            Some(rest.trim_end_matches('│').to_owned())
        })
        .collect()
}

/// [`crate::assert_screens`] without the harness's QR-code filter: a
/// sparkline's bars are runs of the blocks a QR code is drawn with, and
/// they are what this screen is about.
fn assert_bars_at_every_size(name: &str, model: &Model) {
    let owned: Vec<(String, String)> = filters()
        .into_iter()
        .filter(|(pattern, _)| !pattern.contains('█'))
        .collect();
    let filters: Vec<(&str, &str)> = owned
        .iter()
        .map(|(p, r)| (p.as_str(), r.as_str()))
        .collect();
    for (width, height) in SIZES {
        let text = render(model, width, height);
        insta::with_settings!({
            filters => filters.clone(),
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(format!("{name}_{width}x{height}"), text);
        });
    }
}

#[tokio::test]
async fn usage_is_a_line_chart_on_round_axes_with_the_months_along_it() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("alice").await;
    open(&demo, &mut model, "usage").await;
    crate::assert_screens!("chart_usage_line", &model);

    for (width, height) in SIZES {
        let body = panel_rows(&model, width, height);
        let screen = body.join("\n");
        // Each tick of the value axis a round number of thousands (3.5k,
        // 4k, 4.5k…; 3.8k, 4k, 4.2k…), never the series' own 5,172.41.
        let ticks: Vec<f64> = body
            .iter()
            .filter_map(|r| r.split_once('┤'))
            .map(|(label, _)| {
                let k = label.trim().strip_suffix('k').expect("thousands");
                k.parse::<f64>().expect("a number") * 1000.0
            })
            .collect();
        assert!(ticks.len() >= 2, "{width}x{height}:\n{screen}");
        let step = ticks[0] - ticks[1];
        assert!(
            [100.0, 200.0, 500.0, 1000.0, 2000.0].contains(&step),
            "{width}x{height}: a round step: {ticks:?}"
        );
        assert!(
            ticks
                .windows(2)
                .all(|w| w[0] - w[1] == step && w[1] % step == 0.0),
            "{width}x{height}: evenly spaced on multiples of the step: {ticks:?}"
        );
        // The series fills the height: the lowest tick below 3,800, the
        // highest above 5,172.41, neither a whole step away.
        let (top, bottom) = (ticks[0], ticks[ticks.len() - 1]);
        assert!(
            bottom <= 3800.0 && bottom > 3800.0 - step,
            "{width}x{height}: {ticks:?}"
        );
        assert!(
            top >= 5172.41 && top < 5172.41 + step,
            "{width}x{height}: {ticks:?}"
        );
        assert!(!screen.contains("5,172.41 ┤"), "{screen}");
        // The unit where the values are named.
        assert!(screen.contains("usage (€)"), "{width}x{height}:\n{screen}");
        // Months along the axis, short, the year once, more than two.
        let labels = body.iter().rev().find(|r| r.contains("Jan 2025"));
        let months = labels.map_or(0, |r| {
            [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ]
            .iter()
            .filter(|m| r.contains(*m))
            .count()
        });
        assert!(months >= 3, "{width}x{height}:\n{screen}");
        assert!(!screen.contains("2025-0"), "{width}x{height}:\n{screen}");
    }
}

#[tokio::test]
async fn reports_is_a_sparkline_as_wide_as_its_pane_with_its_dates() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("alice").await;
    open(&demo, &mut model, "reports").await;
    assert_bars_at_every_size("chart_reports_sparkline", &model);

    for (width, height) in SIZES {
        let body = panel_rows(&model, width, height);
        let screen = body.join("\n");
        let pane = body.iter().map(|r| r.chars().count()).max().unwrap_or(0);
        // The bars' row: from the first column to the last few.
        let bars = body.iter().rfind(|r| r.contains('█')).expect("bars");
        let first = bars.chars().position(|c| c != ' ').unwrap_or(usize::MAX);
        let last = bars
            .chars()
            .collect::<Vec<_>>()
            .iter()
            .rposition(|c| *c != ' ')
            .unwrap_or(0);
        assert_eq!(first, 0, "{width}x{height}:\n{screen}");
        assert!(
            last + 1 >= pane * 9 / 10,
            "{width}x{height}: bars end at {last} of {pane}:\n{screen}"
        );
        assert!(
            screen.contains("latest 184 users (Dec 14)"),
            "{width}x{height}:\n{screen}"
        );
        // The lowest and the highest with their days (in parentheses
        // where they fit).
        let range = body
            .iter()
            .find(|r| r.starts_with("low "))
            .expect("low and high");
        assert!(
            ["low 164", "Dec 6", "high 220", "Dec 10"]
                .iter()
                .all(|part| range.contains(part)),
            "{width}x{height}:\n{screen}"
        );
        let dates = body.iter().find(|r| r.starts_with("Dec 1 2025"));
        assert!(
            dates.is_some_and(|r| r.trim_end().ends_with("Dec 14")),
            "{width}x{height}:\n{screen}"
        );
    }
}
