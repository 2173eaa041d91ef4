//! The committed baseline of each noisy figure, and the verdict against it;
//! shared by both benches.
//!
//! A budget alone judged a figure that moves ±25 % between runs on a shared
//! machine: PASS at 4.94 ms against 5 ms said nothing. Instead each figure
//! is compared with the one this repository last recorded (a
//! `baseline.toml` beside the bench): more than [`TOLERANCE`] above it is a
//! regression. A time is judged by its 10th percentile, the fast end of the
//! runs, which load (that only ever adds time) moves least and one lucky
//! run does not decide. The process bench takes its timed figures less a floor
//! measured in the same runs (the binary's own `--version`, started the same
//! way), so that what the machine's load does to starting any process
//! weighs on neither. `AUTHDASH_BENCH_BASELINE=write cargo bench` records a
//! run's figures as the new baseline (those that ran; the others stay).

use std::collections::BTreeMap;
use std::path::Path;

/// The process bench's figures judged against the baseline, by their names
/// in its file.
pub const WARM_START: &str = "warm_start_ms";
pub const STATUS_JSON: &str = "status_json_ms";
pub const STATUS_PROMPT: &str = "status_prompt_ms";
pub const STATUS_PROMPT_LOCKED: &str = "status_prompt_lock_held_ms";
pub const MEMORY_1000_ORGS: &str = "memory_1000_orgs_mib";
pub const MEMORY_2_ORGS: &str = "memory_2_orgs_mib";
pub const ALL: &[&str] = &[
    WARM_START,
    STATUS_JSON,
    STATUS_PROMPT,
    STATUS_PROMPT_LOCKED,
    MEMORY_1000_ORGS,
    MEMORY_2_ORGS,
];

/// How far above its baseline a figure may be before it is a regression.
pub const TOLERANCE: f64 = 0.20;

pub const PROCESS_FILE: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/benches/process/baseline.toml");
pub const ENGINE_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/engine/baseline.toml");

/// `AUTHDASH_BENCH_BASELINE=write`: record this run's figures.
pub fn writing() -> bool {
    std::env::var("AUTHDASH_BENCH_BASELINE").is_ok_and(|v| v == "write")
}

#[derive(Debug, Default)]
pub struct Baseline(BTreeMap<String, f64>);

impl Baseline {
    /// The committed baseline; an unreadable file judges nothing (and says
    /// why), so a first run still prints its figures.
    pub fn load(file: &str) -> Baseline {
        match std::fs::read_to_string(file) {
            Ok(text) => Baseline::parse(&text).unwrap_or_else(|e| {
                eprintln!("bench: {file}: {e}; no figure is judged");
                Baseline::default()
            }),
            Err(e) => {
                eprintln!("bench: {file}: {e}; no figure is judged");
                Baseline::default()
            }
        }
    }

    pub fn parse(text: &str) -> Result<Baseline, String> {
        let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
        let figures = match table.get("figures") {
            Some(toml::Value::Table(t)) => t,
            _ => return Err("no [figures] table".into()),
        };
        let mut out = BTreeMap::new();
        for (key, value) in figures {
            let n = match value {
                toml::Value::Float(f) => *f,
                toml::Value::Integer(i) => *i as f64,
                other => return Err(format!("{key} = {other}: not a number")),
            };
            out.insert(key.clone(), n);
        }
        Ok(Baseline(out))
    }

    pub fn get(&self, key: &str) -> Option<f64> {
        self.0.get(key).copied()
    }

    /// PASS within the tolerance, else how far over.
    pub fn verdict(&self, value: f64, baseline: f64) -> String {
        if value <= baseline * (1.0 + TOLERANCE) {
            "PASS".to_owned()
        } else {
            format!(
                "MISS: +{:.0} % over its baseline",
                (value / baseline - 1.0) * 100.0
            )
        }
    }

    /// The figures measured replace theirs in `file`; the others stay.
    /// `what` says in the file what the figures are.
    pub fn write<'a>(
        mut self,
        file: &str,
        what: &str,
        measured: impl IntoIterator<Item = (&'a str, f64)>,
        machine: &str,
    ) -> Result<(), String> {
        for (key, value) in measured {
            self.0
                .insert(key.to_owned(), (value * 100.0).round() / 100.0);
        }
        let mut text = format!(
            "# {what}\n\
             # A run more than 20 % above a figure here is a regression.\n\
             # Written by `AUTHDASH_BENCH_BASELINE=write cargo bench` on\n"
        );
        for line in machine.lines().filter(|l| !l.is_empty()) {
            text.push_str(&format!("# {line}\n"));
        }
        text.push_str("\n[figures]\n");
        for (key, value) in &self.0 {
            // A key of letters, digits, - and _ is written bare; any other
            // quoted (Rust's quoting of printable text is TOML's).
            if key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                text.push_str(&format!("{key} = {value}\n"));
            } else {
                text.push_str(&format!("{key:?} = {value}\n"));
            }
        }
        std::fs::write(Path::new(file), text).map_err(|e| format!("{file}: {e}"))
    }
}
