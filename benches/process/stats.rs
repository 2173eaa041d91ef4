//! Samples, their median, and the table's rows.

use std::time::Duration;

/// Figures of one measured thing, in its unit.
#[derive(Debug, Default, Clone)]
pub struct Samples(pub Vec<f64>);

impl Samples {
    pub fn push(&mut self, value: f64) {
        self.0.push(value);
    }

    pub fn push_duration(&mut self, d: Duration) {
        self.push(d.as_secs_f64() * 1e3);
    }

    fn sorted(&self) -> Vec<f64> {
        let mut v = self.0.clone();
        v.sort_by(f64::total_cmp);
        v
    }

    pub fn median(&self) -> Option<f64> {
        let v = self.sorted();
        match v.len() {
            0 => None,
            n if n % 2 == 1 => Some(v[n / 2]),
            n => Some((v[n / 2 - 1] + v[n / 2]) / 2.0),
        }
    }

    /// The 10th percentile: the fast end of the runs, which a busy machine
    /// moves least (load only ever adds time) and one lucky run does not
    /// decide. Timed figures are judged by it.
    pub fn low(&self) -> Option<f64> {
        let v = self.sorted();
        v.get(v.len() / 10).copied()
    }

    /// `median (min–max, n)` with `decimals` places.
    pub fn describe(&self, decimals: usize) -> String {
        let v = self.sorted();
        match (v.first(), v.last(), self.median()) {
            (Some(min), Some(max), Some(median)) => format!(
                "{median:.decimals$} ({min:.decimals$}–{max:.decimals$}, n={})",
                v.len()
            ),
            _ => "not measured".to_owned(),
        }
    }
}

/// One line of the table.
pub struct Row {
    pub path: String,
    pub figure: String,
    pub budget: String,
    /// A figure that is exact (requests, the binary's size): passes or not
    /// against its budget. `None`: reported only, or judged by `measured`.
    pub pass: Option<bool>,
    /// A figure the machine's noise moves (times, memory): judged against
    /// its committed baseline, not against the budget.
    pub measured: Option<Measured>,
}

/// A noisy figure as it is compared with its baseline.
pub struct Measured {
    /// Its name in `baseline.toml`.
    pub key: &'static str,
    /// The figure (a time's 10th percentile, memory's median), less the
    /// floor where it has one.
    pub value: f64,
    /// The floor's 10th percentile in the same runs (`authdash --version`),
    /// already taken off `value`.
    pub floor: Option<f64>,
    pub unit: &'static str,
}

impl Row {
    pub fn new(path: impl Into<String>, figure: impl Into<String>, budget: &str) -> Row {
        Row {
            path: path.into(),
            figure: figure.into(),
            budget: budget.to_owned(),
            pass: None,
            measured: None,
        }
    }

    /// Judged against the baseline of `key`: `figure` less `floor`.
    pub fn measured(
        mut self,
        key: &'static str,
        figure: Option<f64>,
        floor: Option<f64>,
        unit: &'static str,
    ) -> Row {
        self.measured = figure.map(|m| Measured {
            key,
            value: m - floor.unwrap_or(0.0),
            floor,
            unit,
        });
        self
    }

    pub fn judged(mut self, pass: bool) -> Row {
        self.pass = Some(pass);
        self
    }
}

/// The table, in Markdown (so it pastes into the README as it is): each
/// noisy figure over its floor beside its baseline, PASS while it is no more
/// than [`super::baseline::TOLERANCE`] above it.
pub fn table(rows: &[Row], baseline: &super::baseline::Baseline) -> String {
    let mut out = String::from(
        "| path | median (min–max, runs) | judged: p10 over the floor | baseline | budget | |\n\
         | --- | --- | --- | --- | --- | --- |\n",
    );
    for row in rows {
        let (over, base, verdict) = match &row.measured {
            Some(m) => {
                let over = match m.floor {
                    Some(floor) => format!("{:.2} {} (floor {floor:.2})", m.value, m.unit),
                    None => "no floor".to_owned(),
                };
                match baseline.get(m.key) {
                    Some(b) => {
                        let verdict = baseline.verdict(m.value, b);
                        (over, format!("{b:.2} {}", m.unit), verdict)
                    }
                    None => (over, "none yet".to_owned(), String::new()),
                }
            }
            None => (
                String::new(),
                String::new(),
                match row.pass {
                    Some(true) => "PASS".to_owned(),
                    Some(false) => "MISS".to_owned(),
                    None => String::new(),
                },
            ),
        };
        out.push_str(&format!(
            "| {} | {} | {over} | {base} | {} | {verdict} |\n",
            row.path, row.figure, row.budget
        ));
    }
    out
}
