//! A chart's axes, pure: a value axis with round bounds and ticks ("nice
//! numbers": 0, 2k, 4k, 6k), tick labels as short as the step allows, and
//! dates on a label axis written short (`Jan`, `Dec 14`).

use chrono::{Datelike, NaiveDate};

/// A value axis: from `lo` to `hi` in steps of `step`, each a tick.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Scale {
    pub(crate) lo: f64,
    pub(crate) hi: f64,
    pub(crate) step: f64,
}

/// The steps an axis may take, times a power of ten (not 2.5: its ticks
/// read 3.75k, 4.25k).
const STEPS: [f64; 4] = [1.0, 2.0, 5.0, 10.0];

impl Scale {
    /// The roundest axis over `lo..=hi` with at most `max_ticks` ticks
    /// (at least 2): the smallest of 1, 2 and 5 times a power of ten
    /// that needs no more, bounds on multiples of it. An empty range is
    /// widened round its value.
    fn nice(lo: f64, hi: f64, max_ticks: usize) -> Self {
        let (lo, hi) = match (lo.is_finite(), hi.is_finite()) {
            (true, true) if lo <= hi => (lo, hi),
            (true, true) => (hi, lo),
            _ => (0.0, 1.0),
        };
        let (lo, hi) = if hi > lo {
            (lo, hi)
        } else if lo == 0.0 {
            (0.0, 1.0)
        } else {
            // A flat series: its value between round neighbours.
            let pad = lo.abs() / 10.0;
            (lo - pad, hi + pad)
        };
        // Zero inside the range is a tick: two intervals at least.
        let least = if lo < 0.0 && hi > 0.0 { 2 } else { 1 };
        let intervals = (max_ticks.max(2) - 1).max(least);
        let raw = (hi - lo) / intervals as f64;
        let mut power = 10f64.powf(raw.log10().floor());
        // Ten powers up always fits; the bound only guards the loop.
        for _ in 0..12 {
            for m in STEPS {
                let step = m * power;
                let first = (lo / step + 1e-9).floor();
                let last = (hi / step - 1e-9).ceil();
                if last - first <= intervals as f64 {
                    return Self {
                        lo: clean(first * step),
                        hi: clean(last * step),
                        step,
                    };
                }
            }
            power *= 10.0;
        }
        Self {
            lo,
            hi,
            step: hi - lo,
        }
    }

    /// The axis a series' values are drawn on: from zero when zero is
    /// near (the lowest value no further from it than the values spread),
    /// else round the values, so that a series that moves within a band
    /// far from zero fills the height instead of a sliver of it.
    pub(crate) fn for_values(values: &[f64], max_ticks: usize) -> Self {
        let (min, max) = values
            .iter()
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(*v), hi.max(*v))
            });
        if min > max {
            return Self::nice(0.0, 1.0, max_ticks);
        }
        let spread = max - min;
        let (lo, hi) = if spread == 0.0 {
            (min.min(0.0), max.max(0.0))
        } else if min >= 0.0 && min <= spread {
            (0.0, max)
        } else if max <= 0.0 && -max <= spread {
            (min, 0.0)
        } else {
            (min, max)
        };
        Self::nice(lo, hi, max_ticks)
    }

    /// Every tick, from `lo` to `hi`.
    pub(crate) fn ticks(&self) -> Vec<f64> {
        let count = ((self.hi - self.lo) / self.step).round() as usize;
        (0..=count)
            .map(|i| clean(self.lo + i as f64 * self.step))
            .collect()
    }

    /// A tick's label: thousands as `k`, millions as `M`, billions as
    /// `G`, with the decimals the step needs and no trailing zeros
    /// (`0`, `2k`, `3.5k`, `0.25`).
    pub(crate) fn label(&self, value: f64) -> String {
        let top = self.lo.abs().max(self.hi.abs());
        let (div, suffix) = [(1e9, "G"), (1e6, "M"), (1e3, "k")]
            .into_iter()
            .find(|(d, _)| top >= *d)
            .unwrap_or((1.0, ""));
        let step = self.step / div;
        let decimals = (0..6)
            .find(|d| {
                let scaled = step * 10f64.powi(*d);
                (scaled - scaled.round()).abs() < 1e-6
            })
            .unwrap_or(6) as usize;
        let value = clean(value / div);
        if value == 0.0 {
            return "0".to_owned();
        }
        let text = format!("{value:.decimals$}");
        let text = if text.contains('.') {
            text.trim_end_matches('0').trim_end_matches('.').to_owned()
        } else {
            text
        };
        format!("{text}{suffix}")
    }
}

/// Rounding noise off (0.1 + 0.2), and no negative zero.
fn clean(v: f64) -> f64 {
    let r = (v * 1e9).round() / 1e9;
    if r == 0.0 { 0.0 } else { r }
}

/// A label on a chart's label axis that is a date: a month (`2025-01`) or
/// a day (`2025-12-14`, or the date of an RFC 3339 time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stamp {
    Month(NaiveDate),
    Day(NaiveDate),
}

impl Stamp {
    pub(crate) fn parse(label: &str) -> Option<Self> {
        let label = label.trim();
        if label.len() == 7 {
            return NaiveDate::parse_from_str(&format!("{label}-01"), "%Y-%m-%d")
                .ok()
                .map(Stamp::Month);
        }
        let day = label.get(..10)?;
        if label.len() > 10 && !label[10..].starts_with(['T', 't', ' ']) {
            return None;
        }
        NaiveDate::parse_from_str(day, "%Y-%m-%d")
            .ok()
            .map(Stamp::Day)
    }

    fn date(self) -> NaiveDate {
        match self {
            Stamp::Month(d) | Stamp::Day(d) => d,
        }
    }

    /// `Jan`, `Dec 14`; with the year, `Jan 2025`, `Dec 14 2025`.
    pub(crate) fn short(self, with_year: bool) -> String {
        let text = match self {
            Stamp::Month(d) => d.format("%b").to_string(),
            Stamp::Day(d) => format!("{} {}", d.format("%b"), d.day()),
        };
        if with_year {
            format!("{text} {}", self.date().year())
        } else {
            text
        }
    }
}

/// Labels of a label axis as a person reads them: when every one is a date
/// (of one kind), written short, the year with the first label shown and
/// wherever it changes from the label before; otherwise as they are.
/// `shown` are the indices drawn, in order.
pub(crate) fn short_labels(labels: &[String], shown: &[usize]) -> Vec<String> {
    let stamps: Option<Vec<Stamp>> = labels.iter().map(|l| Stamp::parse(l)).collect();
    let same_kind = stamps.as_ref().is_some_and(|s| {
        s.iter().all(|x| matches!(x, Stamp::Month(_)))
            || s.iter().all(|x| matches!(x, Stamp::Day(_)))
    });
    let Some(stamps) = stamps.filter(|_| same_kind) else {
        return shown.iter().map(|i| labels[*i].clone()).collect();
    };
    let mut year = None;
    shown
        .iter()
        .map(|i| {
            let stamp = stamps[*i];
            let y = stamp.date().year();
            let text = stamp.short(year != Some(y));
            year = Some(y);
            text
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scale(lo: f64, hi: f64, step: f64) -> Scale {
        Scale { lo, hi, step }
    }

    #[test]
    fn a_range_from_zero_gets_round_bounds_and_few_ticks() {
        let s = Scale::nice(0.0, 5172.41, 4);
        assert_eq!(s, scale(0.0, 6000.0, 2000.0));
        assert_eq!(s.ticks(), [0.0, 2000.0, 4000.0, 6000.0]);
        let labels: Vec<String> = s.ticks().iter().map(|t| s.label(*t)).collect();
        assert_eq!(labels, ["0", "2k", "4k", "6k"]);
        // More room, more ticks.
        assert_eq!(Scale::nice(0.0, 5172.41, 7), scale(0.0, 6000.0, 1000.0));
    }

    #[test]
    fn a_band_far_from_zero_is_drawn_round_the_band() {
        let usage = [3800.0, 4029.63, 4395.81, 5172.41];
        let s = Scale::for_values(&usage, 5);
        assert_eq!(s, scale(3500.0, 5500.0, 500.0));
        let labels: Vec<String> = s.ticks().iter().map(|t| s.label(*t)).collect();
        assert_eq!(labels, ["3.5k", "4k", "4.5k", "5k", "5.5k"]);
        // Near zero, from zero.
        assert_eq!(Scale::for_values(&[10.0, 38.0, 50.0], 6).lo, 0.0);
    }

    #[test]
    fn negative_ranges() {
        let s = Scale::nice(-5172.41, -3800.0, 5);
        assert_eq!(s, scale(-5500.0, -3500.0, 500.0));
        assert_eq!(s.label(-3500.0), "-3.5k");
        assert_eq!(Scale::nice(-120.0, 340.0, 5), scale(-200.0, 400.0, 200.0));
        // All below zero and near it: up to zero.
        assert_eq!(Scale::for_values(&[-4.0, -1.0], 5).hi, 0.0);
    }

    #[test]
    fn a_flat_series_one_point_and_none() {
        // Flat: from zero to round above it.
        let flat = Scale::for_values(&[184.0, 184.0, 184.0], 5);
        assert_eq!(flat, scale(0.0, 200.0, 50.0));
        // One point is flat too; zero alone gets a unit axis.
        assert_eq!(Scale::for_values(&[7.0], 3), scale(0.0, 10.0, 5.0));
        assert_eq!(Scale::for_values(&[0.0], 3), scale(0.0, 1.0, 0.5));
        assert_eq!(Scale::for_values(&[], 3), scale(0.0, 1.0, 0.5));
        // A flat range asked of `nice` directly: round neighbours.
        assert_eq!(Scale::nice(184.0, 184.0, 3), scale(150.0, 250.0, 50.0));
        // Zero inside the range stays a tick, whatever the room.
        assert_eq!(Scale::nice(-1.0, 1.0, 2), scale(-1.0, 1.0, 1.0));
        assert!(Scale::nice(f64::NAN, 1.0, 3).hi > 0.0);
    }

    #[test]
    fn tick_labels_have_the_decimals_the_step_needs() {
        let s = Scale::nice(0.0, 1.0, 6);
        assert_eq!(s, scale(0.0, 1.0, 0.2));
        let labels: Vec<String> = s.ticks().iter().map(|t| s.label(*t)).collect();
        assert_eq!(labels, ["0", "0.2", "0.4", "0.6", "0.8", "1"]);
        let s = Scale::nice(0.0, 0.05, 6);
        assert_eq!(s.label(0.03), "0.03");
        let s = Scale::nice(400.0, 500.0, 6);
        assert_eq!(s.ticks(), [400.0, 420.0, 440.0, 460.0, 480.0, 500.0]);
        assert_eq!(s.label(420.0), "420");
        assert_eq!(Scale::nice(0.0, 2.5e6, 6).label(1.5e6), "1.5M");
    }

    #[test]
    fn dates_are_written_short_with_the_year_where_it_changes() {
        let months: Vec<String> = ["2024-11", "2024-12", "2025-01", "2025-02"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            short_labels(&months, &[0, 1, 2, 3]),
            ["Nov 2024", "Dec", "Jan 2025", "Feb"]
        );
        assert_eq!(short_labels(&months, &[1, 3]), ["Dec 2024", "Feb 2025"]);
        let days: Vec<String> = ["2025-12-01", "2025-12-14T08:00:00Z"]
            .map(String::from)
            .to_vec();
        assert_eq!(short_labels(&days, &[0, 1]), ["Dec 1 2025", "Dec 14"]);
        // Not all dates, or of two kinds: as they are.
        let mixed: Vec<String> = ["2025-01", "Feb"].map(String::from).to_vec();
        assert_eq!(short_labels(&mixed, &[0, 1]), ["2025-01", "Feb"]);
        let kinds: Vec<String> = ["2025-01", "2025-01-02"].map(String::from).to_vec();
        assert_eq!(short_labels(&kinds, &[0, 1]), ["2025-01", "2025-01-02"]);
        assert_eq!(Stamp::parse("2025-13"), None);
        assert_eq!(Stamp::parse("2025-01-02x"), None);
    }
}
