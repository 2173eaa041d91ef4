//! Whole-process benchmarks: the `authdash` binary (the release build
//! under `cargo bench`) as a person runs it, against the demo provider
//! hosted here, in this process, so that the measured process holds only
//! authdash. Prints the machine, then one table with the budget beside each
//! figure (median of N runs, with min and max).
//!
//! `cargo bench --bench process`. Every wait is bounded; a scenario that
//! fails says why in its row instead of a figure.

#[path = "../../tests/support/browser.rs"]
#[allow(dead_code)]
mod browser;
mod home;
#[path = "../../tests/support/pty.rs"]
#[allow(dead_code)]
mod pty;
mod stats;

use std::collections::BTreeMap;
use std::time::Duration;

use authdash::demo::{DemoProvider, DemoSettings};
use home::{BIN, Home};
use pty::Pty;
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
        match Home::new(provider.issuer_str()) {
            Ok(home) => {
                rows.extend(bench.logins_by_cli(&home));
                rows.extend(bench.warm_start(&home));
                rows.extend(bench.status(&home));
                rows.extend(bench.renewal(&home));
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
    println!("{}", stats::table(&rows));
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
    format!(
        "machine: {cores} cores (nproc), {cpu}, Linux {kernel}; {}\nbinary: {BIN}\n",
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

    /// `authdash login --browser` as `user`, the bench playing the person.
    fn cli_login(&self, home: &Home, user: &str) -> Result<(), String> {
        let mut cmd = home.command(&["login", "--browser"]);
        let runtime = self.runtime;
        let user = user.to_owned();
        std::thread::scope(|s| {
            let person = s.spawn(|| -> Result<(), String> {
                let url = home.take_url(WAIT)?;
                let response = runtime.block_on(browser::sign_in(&url, &user))?;
                if !response.status().is_success() {
                    return Err(format!("the callback answered {}", response.status()));
                }
                Ok(())
            });
            let run = home::run(&mut cmd, WAIT);
            let person = person.join().unwrap_or(Err("the person panicked".into()));
            run.and_then(|(out, _)| {
                person?;
                if out.status.success() {
                    Ok(())
                } else {
                    Err(format!(
                        "login exited {}: {}",
                        out.status,
                        String::from_utf8_lossy(&out.stderr)
                    ))
                }
            })
        })
    }

    /// First login (nothing cached) and a login with discovery and keys
    /// cached (on disk, so across processes): the requests each made.
    fn logins_by_cli(&self, home: &Home) -> Vec<Row> {
        let mut rows = Vec::new();
        for (what, budget) in [
            ("provider requests: first login (CLI)", 4),
            ("provider requests: login, discovery and keys cached", 2),
        ] {
            let before = self.requests();
            let row = match self.cli_login(home, "alice") {
                Ok(()) => {
                    let d = delta(&before, &self.requests());
                    let n: u64 = d.values().sum();
                    Row::new(what, describe_requests(&d), &budget.to_string()).judged(n <= budget)
                }
                Err(e) => Row::new(what, failed(&e), &budget.to_string()).judged(false),
            };
            rows.push(row);
        }
        rows
    }

    /// The TUI with valid stored tokens: launch to the first dashboard
    /// frame (the binary's report), and the requests it made.
    fn warm_start(&self, home: &Home) -> Vec<Row> {
        let before = self.requests();
        let mut launch = Samples::default();
        let mut spawn = Samples::default();
        let mut from_main = Samples::default();
        let config = home.config_path().display().to_string();
        let mut error = None;
        for _ in 0..RUNS {
            let _ = std::fs::remove_file(home.report_path());
            let result = (|| -> Result<(), String> {
                let mut app = Pty::spawn(BIN, &["--config", &config], &home.env(), home.path())?;
                let report = home.take_report(WAIT)?;
                let us = |a: u64, b: u64| b.saturating_sub(a) as f64 / 1e3;
                launch.push(us(app.spawn_started_us, report.unix_us));
                spawn.push(us(app.spawn_started_us, app.spawn_returned_us));
                from_main.push(report.since_main_us as f64 / 1e3);
                app.wait_for("Alice Anderson", WAIT)?;
                app.quit(WAIT)
            })();
            if let Err(e) = result {
                error = Some(e);
                break;
            }
        }
        let d = delta(&before, &self.requests());
        let n: u64 = d.values().sum();
        let mut rows = vec![match &error {
            None => Row::new(
                "warm start: launch → first dashboard frame (pty)",
                ms(&launch),
                "≤ 5 ms",
            )
            .judged(launch.median().is_some_and(|m| m <= 5.0)),
            Some(e) => Row::new("warm start", failed(e), "≤ 5 ms").judged(false),
        }];
        if error.is_none() {
            rows.push(Row::new(
                "… of which fork + exec by the launcher (portable-pty)",
                ms(&spawn),
                "",
            ));
            rows.push(Row::new(
                "… of which top of main → first dashboard frame",
                ms(&from_main),
                "",
            ));
        }
        rows.push(
            Row::new(
                format!("provider requests: warm start (all {RUNS} runs)"),
                describe_requests(&d),
                "0",
            )
            .judged(n == 0 && error.is_none()),
        );
        rows
    }

    /// `status --json` and `status --prompt`, valid stored tokens; the
    /// prompt also while another process holds the store's lock.
    fn status(&self, home: &Home) -> Vec<Row> {
        let mut rows = Vec::new();
        let cases: [(&str, &[&str], &str, f64); 2] = [
            (
                "`status --json` (warm)",
                &["status", "--json"],
                "\"logged_in\": true",
                3.0,
            ),
            (
                "`status --prompt`",
                &["status", "--prompt"],
                "alice@example.com",
                2.0,
            ),
        ];
        for (what, args, expect, budget) in cases {
            let before = self.requests();
            let timed = time_runs(home, args, expect);
            let d = delta(&before, &self.requests());
            let budget_text = format!("≤ {budget} ms, 0 requests");
            rows.push(match timed {
                Ok(s) => Row::new(
                    what,
                    format!("{}; requests {}", ms(&s), describe_requests(&d)),
                    &budget_text,
                )
                .judged(s.median().is_some_and(|m| m <= budget) && d.is_empty()),
                Err(e) => Row::new(what, failed(&e), &budget_text).judged(false),
            });
        }
        // No lock wait: the same while the store's lock is held.
        let what = "`status --prompt`, store lock held by another process";
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(home.data_dir().join("sessions.lock"));
        let row = match lock {
            Ok(file) => match file.lock() {
                Ok(()) => {
                    let timed = time_runs(home, &["status", "--prompt"], "alice@example.com");
                    let _ = file.unlock();
                    match timed {
                        Ok(s) => Row::new(what, ms(&s), "≤ 2 ms, no lock wait")
                            .judged(s.median().is_some_and(|m| m <= 2.0)),
                        Err(e) => Row::new(what, failed(&e), "no lock wait").judged(false),
                    }
                }
                Err(e) => Row::new(what, failed(&format!("lock: {e}")), ""),
            },
            Err(e) => Row::new(what, failed(&format!("lock file: {e}")), ""),
        };
        rows.push(row);
        rows
    }

    /// `authdash token --min-ttl 1h` with 10-minute access tokens: one
    /// renewal per run.
    fn renewal(&self, home: &Home) -> Vec<Row> {
        let what = "provider requests: renewal (`token --min-ttl 1h`)";
        let mut counts = Vec::new();
        for _ in 0..3 {
            let before = self.requests();
            match home::run(&mut home.command(&["token", "--min-ttl", "1h"]), WAIT) {
                Ok((out, _)) if out.status.success() => {
                    counts.push(delta(&before, &self.requests()));
                }
                Ok((out, _)) => {
                    let e = format!(
                        "exit {}: {}",
                        out.status,
                        String::from_utf8_lossy(&out.stderr)
                    );
                    return vec![Row::new(what, failed(&e), "1").judged(false)];
                }
                Err(e) => return vec![Row::new(what, failed(&e), "1").judged(false)],
            }
        }
        let worst = counts
            .iter()
            .map(|d| d.values().sum::<u64>())
            .max()
            .unwrap_or(0);
        let figure = counts
            .iter()
            .map(describe_requests)
            .collect::<Vec<_>>()
            .join("; ");
        vec![Row::new(what, figure, "1").judged(worst == 1)]
    }

    /// A login in the TUI as `user`, in a fresh home: the round trip from
    /// the callback request to the first dashboard frame, then (with
    /// `panels`) Billing, Admin and Reports opened one after the other;
    /// the peak and current RSS read while it still runs (kB).
    fn tui_login(&self, user: &str, name: &str, panels: bool) -> Result<LoginRun, String> {
        let home = Home::new(self.provider.issuer_str())?;
        let config = home.config_path().display().to_string();
        // AUTHDASH_BENCH_WRAP="valgrind --tool=massif …": profile the TUI
        // (the figures are then the profiler's, and every wait is longer).
        let wrap = std::env::var("AUTHDASH_BENCH_WRAP").unwrap_or_default();
        let wait = if wrap.is_empty() { WAIT } else { WAIT * 20 };
        let mut command: Vec<&str> = wrap.split_whitespace().collect();
        command.extend([BIN, "--config", &config]);
        let mut app = Pty::spawn(command[0], &command[1..], &home.env(), home.path())?;
        app.wait_for("then press Enter", wait)?;
        app.send("\r")?;
        let url = home.take_url(wait)?;
        let redirect = self
            .runtime
            .block_on(browser::authorize_redirect(&url, user))?;
        let sent = pty::unix_us();
        let response = self.runtime.block_on(browser::follow(&redirect))?;
        if !response.status().is_success() {
            return Err(format!("the callback answered {}", response.status()));
        }
        let report = wait_report_or_refusal(&home, &mut app, wait)?;
        let round_trip_ms = report.unix_us.saturating_sub(sent) as f64 / 1e3;
        app.wait_for(name, wait)?;
        if panels {
            // Profile → Organizations → Session → Billing, then Admin, Reports.
            for (keys, shows) in [
                ("jjj", "Visa ending 4242"),
                ("j", "Audit log retention"),
                ("j", "latest 14:"),
            ] {
                app.send(keys)?;
                app.wait_for(shows, wait)?;
            }
        }
        let pid = app.pid().ok_or("no pid")?;
        let (hwm_kb, rss_kb) = pty::memory_kb(pid)?;
        app.quit(wait)?;
        Ok(LoginRun {
            round_trip_ms,
            hwm_kb,
            rss_kb,
        })
    }

    /// Peak RSS after a login and three panels: a user in 1,000 orgs, and
    /// one in two.
    fn memory(&self) -> Vec<Row> {
        let cases = [
            ("orgs1000", "Oscar Thousand", "1,000 orgs", 20.0),
            ("alice", "Alice Anderson", "2 orgs", 12.0),
        ];
        let mut rows = Vec::new();
        for (user, name, orgs, budget) in cases {
            let what = format!("memory: peak RSS, TUI after login + 3 panels, user in {orgs}");
            let budget_text = format!("≤ {budget} MiB");
            let mut hwm = Samples::default();
            let mut rss = Samples::default();
            let mut error = None;
            for _ in 0..login_runs() {
                match self.tui_login(user, name, true) {
                    Ok(run) => {
                        hwm.push(run.hwm_kb as f64 / 1024.0);
                        rss.push(run.rss_kb as f64 / 1024.0);
                    }
                    Err(e) => {
                        error = Some(e);
                        break;
                    }
                }
            }
            rows.push(match error {
                None => Row::new(
                    what,
                    format!("{} MiB (RSS then {} MiB)", hwm.describe(1), rss.describe(1)),
                    &budget_text,
                )
                .judged(hwm.median().is_some_and(|m| m <= budget)),
                Some(e) => Row::new(what, failed(&e), &budget_text).judged(false),
            });
        }
        rows
    }

    /// Peak RSS and the login round trip as the claims grow.
    fn scale(&self) -> Vec<Row> {
        let cases = [
            ("orgs10", "Olivia Ten", 10),
            ("orgs1000", "Oscar Thousand", 1_000),
            ("orgs10000", "Otto Tenthousand", 10_000),
        ];
        let mut rows = Vec::new();
        for (user, name, n) in cases {
            let claims = self
                .provider
                .userinfo(user)
                .map(|v| v.to_string().len())
                .unwrap_or(0);
            let what = format!("scale: {n} orgs, userinfo {:.0} KB", claims as f64 / 1024.0);
            let mut hwm = Samples::default();
            let mut trip = Samples::default();
            let mut error = None;
            for _ in 0..login_runs() {
                match self.tui_login(user, name, false) {
                    Ok(run) => {
                        hwm.push(run.hwm_kb as f64 / 1024.0);
                        trip.push(run.round_trip_ms);
                    }
                    Err(e) => {
                        error = Some(e);
                        break;
                    }
                }
            }
            rows.push(match error {
                None => Row::new(
                    what,
                    format!(
                        "peak RSS {} MiB; login round trip {}",
                        hwm.describe(1),
                        ms(&trip)
                    ),
                    "linear in the claims",
                ),
                Some(e) => Row::new(what, failed(&e), "linear in the claims").judged(false),
            });
        }
        rows
    }
}

struct LoginRun {
    round_trip_ms: f64,
    hwm_kb: u64,
    rss_kb: u64,
}

/// The first-frame report after a login, or the login's refusal as shown
/// on the screen (e.g. a userinfo over the body cap), bounded.
fn wait_report_or_refusal(
    home: &Home,
    app: &mut Pty,
    wait: Duration,
) -> Result<home::FrameReport, String> {
    let deadline = std::time::Instant::now() + wait;
    loop {
        if let Ok(report) = home.take_report(Duration::from_millis(5)) {
            return Ok(report);
        }
        let screen = app.contents();
        if let Some(line) = screen
            .lines()
            .find(|l| l.contains("cap") || l.contains("failed") || l.contains("refused"))
        {
            return Err(format!("login refused: {}", line.trim()));
        }
        if std::time::Instant::now() >= deadline {
            return Err(format!("no dashboard within {wait:?}:\n{screen}"));
        }
    }
}

/// Runs `authdash ARGS` [`RUNS`] times; each must succeed and print
/// `expect`. Spawn to exit, ms.
fn time_runs(home: &Home, args: &[&str], expect: &str) -> Result<Samples, String> {
    let mut samples = Samples::default();
    for _ in 0..RUNS {
        let (out, took) = home::run(&mut home.command(args), WAIT)?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() || !stdout.contains(expect) {
            return Err(format!(
                "`{}` exited {} without {expect:?}: {stdout} {}",
                args.join(" "),
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        samples.push_duration(took);
    }
    Ok(samples)
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
