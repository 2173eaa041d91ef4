//! Whole-process benchmarks: the `authdash` binary (the release build
//! under `cargo bench`) as a person runs it, against the demo provider
//! hosted here, in this process, so that the measured process holds only
//! authdash. Prints the machine, then one table: each figure (median of N
//! runs, with min and max); a timed one also less its floor (`authdash
//! --version` in the same runs), judged against the committed baseline
//! (`baseline.rs`); exact ones (requests, size) against their budget.
//!
//! `cargo bench --bench process`. Every wait is bounded; a scenario that
//! fails says why in its row instead of a figure.

#[path = "../baseline.rs"]
#[allow(dead_code)]
mod baseline;
#[path = "../../tests/support/browser.rs"]
#[allow(dead_code)]
mod browser;
mod cli;
mod home;
#[path = "../../tests/support/pty.rs"]
#[allow(dead_code)]
mod pty;
mod stats;
mod tui;

use std::collections::BTreeMap;
use std::time::Duration;

use authdash::demo::{DemoProvider, DemoSettings};
use home::{BIN, Home};
use stats::{Row, Samples};

/// Runs of the quick whole-process paths (warm start, status).
const RUNS: usize = 50;
/// Runs of a login in the TUI (each a fraction of a second); AUTHDASH_BENCH_RUNS
/// changes it (1 when profiling).
fn login_runs() -> usize {
    std::env::var("AUTHDASH_BENCH_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(5)
}
/// Upper bound for any one step.
const WAIT: Duration = Duration::from_secs(20);

type Runtime = tokio::runtime::Runtime;

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` does not: then
    // there is nothing to check beyond that this compiles.
    if !std::env::args().any(|a| a == "--bench") {
        println!("process: a benchmark; run it with `cargo bench --bench process`");
        return;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return eprintln!("process bench: no runtime: {e}"),
    };
    let provider = match runtime.block_on(DemoProvider::start(DemoSettings::default())) {
        Ok(p) => p,
        Err(e) => return eprintln!("process bench: the demo provider: {e}"),
    };
    println!("{}", machine());
    let bench = Bench {
        runtime: &runtime,
        provider: &provider,
    };
    // AUTHDASH_BENCH_ONLY=memory (or cli, memory, scale, binary): one group.
    let only = std::env::var("AUTHDASH_BENCH_ONLY").unwrap_or_default();
    let run = |group: &str| only.is_empty() || only.split(',').any(|g| g == group);
    let mut rows = Vec::new();
    if run("cli") {
        rows.push(cli::minimal_process());
        match Home::new(provider.issuer_str()) {
            Ok(home) => {
                rows.extend(bench.logins_by_cli(&home));
                rows.extend(bench.warm_start(&home));
                rows.extend(bench.status(&home));
                rows.extend(bench.renewal());
                // AUTHDASH_BENCH_KEEP=1: keep the logged-in home, to profile
                // `status` or a warm start by hand (its tokens last 10 min).
                if std::env::var_os("AUTHDASH_BENCH_KEEP").is_some() {
                    println!("home kept: {}", home.keep().display());
                }
            }
            Err(e) => rows.push(Row::new("home", failed(&e), "")),
        }
    }
    if run("memory") {
        rows.extend(bench.memory());
    }
    if run("scale") {
        rows.extend(bench.scale());
    }
    if run("binary") {
        rows.push(binary_size());
    }
    let baseline = baseline::Baseline::load(baseline::PROCESS_FILE);
    println!("{}", stats::table(&rows, &baseline));
    if baseline::writing() {
        let measured = rows
            .iter()
            .filter_map(|r| r.measured.as_ref().map(|m| (m.key, m.value)));
        let what = "The process bench's baseline: each time's 10th percentile over its floor's \
                    (`authdash --version` in the same runs), in ms; memory in MiB.";
        match baseline.write(baseline::PROCESS_FILE, what, measured, &machine()) {
            Ok(()) => println!("baseline written: benches/process/baseline.toml"),
            Err(e) => eprintln!("process bench: the baseline: {e}"),
        }
    }
    runtime.block_on(provider.shutdown());
}

/// The machine the figures are from.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|k| k.trim().to_owned())
        .unwrap_or_else(|_| "unknown".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    // The machine may be shared: the load says how much the figures may
    // have waited for a core.
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into());
    format!(
        "machine: {cores} cores (nproc), {cpu}, Linux {kernel}, load average {load} at the start; {}\nbinary: {BIN}\n",
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC")
    )
}

struct Bench<'a> {
    runtime: &'a Runtime,
    provider: &'a DemoProvider,
}

/// Requests authdash made: everything but the browser's (`/authorize`) and
/// the panels' data API (`/api/…`), by path.
fn authdash_requests(all: &BTreeMap<String, u64>) -> BTreeMap<String, u64> {
    all.iter()
        .filter(|(path, _)| *path != "/authorize" && !path.starts_with("/api/"))
        .map(|(p, n)| (p.clone(), *n))
        .collect()
}

/// `after - before`, paths with no new request left out.
fn delta(before: &BTreeMap<String, u64>, after: &BTreeMap<String, u64>) -> BTreeMap<String, u64> {
    after
        .iter()
        .map(|(p, n)| (p.clone(), n - before.get(p).copied().unwrap_or(0)))
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// `4 (/.well-known/openid-configuration 1, /jwks 1, …)`.
fn describe_requests(d: &BTreeMap<String, u64>) -> String {
    let total: u64 = d.values().sum();
    if d.is_empty() {
        return "0".into();
    }
    let parts: Vec<String> = d.iter().map(|(p, n)| format!("{p} {n}")).collect();
    format!("{total} ({})", parts.join(", "))
}

fn ms(samples: &Samples) -> String {
    format!("{} ms", samples.describe(2))
}

impl Bench<'_> {
    fn requests(&self) -> BTreeMap<String, u64> {
        authdash_requests(&self.provider.requests())
    }
}

fn binary_size() -> Row {
    match std::fs::metadata(BIN) {
        Ok(m) => {
            let mb = m.len() as f64 / 1e6;
            Row::new("binary: release size", format!("{mb:.1} MB"), "≤ 10 MB").judged(mb <= 10.0)
        }
        Err(e) => Row::new("binary", failed(&e.to_string()), "≤ 10 MB").judged(false),
    }
}

/// A failure, on one line of the table (and in full on stderr).
fn failed(e: &str) -> String {
    eprintln!("process bench: {e}\n");
    let line: String = e.lines().next().unwrap_or("").chars().take(120).collect();
    format!("failed: {}", line.replace('|', "/"))
}
