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
    /// `None`: reported only, no budget to pass.
    pub pass: Option<bool>,
}

impl Row {
    pub fn new(path: impl Into<String>, figure: impl Into<String>, budget: &str) -> Row {
        Row {
            path: path.into(),
            figure: figure.into(),
            budget: budget.to_owned(),
            pass: None,
        }
    }

    pub fn judged(mut self, pass: bool) -> Row {
        self.pass = Some(pass);
        self
    }
}

/// The table, in Markdown (so it pastes into the README as it is).
pub fn table(rows: &[Row]) -> String {
    let mut out =
        String::from("| path | median (min–max, runs) | budget | |\n| --- | --- | --- | --- |\n");
    for row in rows {
        let verdict = match row.pass {
            Some(true) => "PASS",
            Some(false) => "MISS",
            None => "",
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            row.path, row.figure, row.budget, verdict
        ));
    }
    out
}
