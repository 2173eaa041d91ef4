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

fn time(d: Duration) -> String {
    let micros = d.as_secs_f64() * 1e6;
    if micros >= 1000.0 {
        format!("{:.2} ms", micros / 1000.0)
    } else {
        format!("{micros:.1} µs")
    }
}

/// The table: each figure's median beside its budget, PASS or MISS.
pub fn print_table() {
    let figures = FIGURES.lock().unwrap_or_else(|p| p.into_inner());
    if figures.is_empty() {
        return;
    }
    println!();
    println!(
        "{:<44} {:>16} {:>12}  verdict",
        "in-process (median)", "figure", "budget"
    );
    for f in figures.iter() {
        let m = median(&f.samples);
        let figure = match f.unit {
            Unit::Time => time(m),
            Unit::PerSecond => format!("{:.0}/s", 1.0 / m.as_secs_f64().max(f64::MIN_POSITIVE)),
        };
        let (budget, verdict) = match f.budget {
            Budget::AtMost(b) => (
                format!("≤ {}", time(b)),
                if m <= b { "PASS" } else { "MISS" },
            ),
            Budget::Reported => ("reported".to_owned(), "-"),
        };
        println!("{:<44} {:>16} {:>12}  {verdict}", f.name, figure, budget);
    }
}
