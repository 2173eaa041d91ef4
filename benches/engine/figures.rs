//! The figures the benches collect beside criterion's own statistics, and
//! the table that prints each median next to its budget.

use std::sync::Mutex;
use std::time::Duration;

/// What a figure is held to.
#[derive(Clone, Copy)]
pub enum Budget {
    /// The median must stay at or under this.
    AtMost(Duration),
    /// Reported only (the issue sets no budget).
    Reported,
}

/// How a figure is printed.
#[derive(Clone, Copy)]
pub enum Unit {
    /// A duration per iteration.
    Time,
    /// Iterations per second.
    PerSecond,
}

struct Figure {
    name: String,
    budget: Budget,
    unit: Unit,
    /// Time per iteration of every batch criterion ran (warm-up included).
    samples: Vec<Duration>,
}

static FIGURES: Mutex<Vec<Figure>> = Mutex::new(Vec::new());

/// Note one batch's time per iteration for `name`.
pub fn record(name: &str, budget: Budget, unit: Unit, per_iteration: Duration) {
    let mut figures = FIGURES.lock().unwrap_or_else(|p| p.into_inner());
    match figures.iter_mut().find(|f| f.name == name) {
        Some(f) => f.samples.push(per_iteration),
        None => figures.push(Figure {
            name: name.to_owned(),
            budget,
            unit,
            samples: vec![per_iteration],
        }),
    }
}

/// `total` over `iterations`, for [`record`].
pub fn per_iteration(total: Duration, iterations: u64) -> Duration {
    total / u32::try_from(iterations.max(1)).unwrap_or(u32::MAX)
}

fn median(samples: &[Duration]) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}

/// The 10th percentile: what the verdict goes by (see `baseline.rs`).
fn low(samples: &[Duration]) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    sorted.get(sorted.len() / 10).copied().unwrap_or_default()
}

fn time(d: Duration) -> String {
    let micros = d.as_secs_f64() * 1e6;
    if micros >= 1000.0 {
        format!("{:.2} ms", micros / 1000.0)
    } else {
        format!("{micros:.1} µs")
    }
}

/// The table: each figure's median beside its budget and its baseline,
/// judged against the baseline (a budget the median sits near would judge
/// the machine's noise); `AUTHDASH_BENCH_BASELINE=write` records the run.
pub fn print_table() {
    use crate::baseline::{self, Baseline};
    let figures = FIGURES.lock().unwrap_or_else(|p| p.into_inner());
    if figures.is_empty() {
        return;
    }
    let base = Baseline::load(baseline::ENGINE_FILE);
    println!();
    println!(
        "{:<48} {:>12} {:>12} {:>12} {:>12}  verdict",
        "in-process", "median", "budget", "judged: p10", "baseline"
    );
    let mut measured = Vec::new();
    for f in figures.iter() {
        let m = median(&f.samples);
        let judged = low(&f.samples);
        let micros = judged.as_secs_f64() * 1e6;
        measured.push((f.name.as_str(), micros));
        let figure = match f.unit {
            Unit::Time => time(m),
            Unit::PerSecond => format!("{:.0}/s", 1.0 / m.as_secs_f64().max(f64::MIN_POSITIVE)),
        };
        let budget = match f.budget {
            Budget::AtMost(b) => format!("≤ {}", time(b)),
            Budget::Reported => "reported".to_owned(),
        };
        let (was, verdict) = match base.get(&f.name) {
            Some(b) => (
                time(Duration::from_secs_f64(b / 1e6)),
                base.verdict(micros, b),
            ),
            None => ("none yet".to_owned(), "-".to_owned()),
        };
        println!(
            "{:<48} {:>12} {:>12} {:>12} {:>12}  {verdict}",
            f.name,
            figure,
            budget,
            time(judged),
            was
        );
    }
    if baseline::writing() {
        let what =
            "The engine bench's baseline: each figure's 10th percentile per iteration, in µs.";
        let machine = format!("{}", chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"));
        match base.write(baseline::ENGINE_FILE, what, measured, &machine) {
            Ok(()) => println!("baseline written: benches/engine/baseline.toml"),
            Err(e) => eprintln!("engine bench: the baseline: {e}"),
        }
    }
}
