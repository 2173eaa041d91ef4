//! The command line and the warm start: logins through `authdash login`,
//! the dashboard with stored tokens, `status`, a renewal.

use super::baseline;
use super::stats::{Row, Samples};
use super::{Bench, RUNS, WAIT, delta, describe_requests, failed, ms};
use crate::browser;
use crate::home::{self, BIN, Home};
use crate::pty::Pty;

impl Bench<'_> {
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
    pub(super) fn logins_by_cli(&self, home: &Home) -> Vec<Row> {
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
    pub(super) fn warm_start(&self, home: &Home) -> Vec<Row> {
        let before = self.requests();
        let mut launch = Samples::default();
        let mut spawn = Samples::default();
        let mut from_main = Samples::default();
        let mut floor = Samples::default();
        let config = home.config_path().display().to_string();
        let mut error = None;
        for _ in 0..RUNS {
            let _ = std::fs::remove_file(home.report_path());
            let result = (|| -> Result<(), String> {
                floor.push_duration(floor_run(home)?);
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
            .measured(baseline::WARM_START, launch.low(), floor.low(), "ms"),
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
    pub(super) fn status(&self, home: &Home) -> Vec<Row> {
        let mut rows = Vec::new();
        let cases: [(&str, &[&str], &str, f64, &'static str); 2] = [
            (
                "`status --json` (warm)",
                &["status", "--json"],
                "\"logged_in\": true",
                3.0,
                baseline::STATUS_JSON,
            ),
            (
                "`status --prompt`",
                &["status", "--prompt"],
                "alice@example.com",
                2.0,
                baseline::STATUS_PROMPT,
            ),
        ];
        for (what, args, expect, budget, key) in cases {
            let before = self.requests();
            let timed = time_runs(home, args, expect);
            let d = delta(&before, &self.requests());
            let budget_text = format!("≤ {budget} ms, 0 requests");
            rows.push(match timed {
                // The requests are exact: any is a failure; the time is
                // judged against its baseline.
                Ok((s, floor)) if d.is_empty() => Row::new(
                    what,
                    format!("{}; requests 0", ms(&s)),
                    &budget_text,
                )
                .measured(key, s.low(), floor.low(), "ms"),
                Ok((s, _)) => Row::new(
                    what,
                    format!("{}; requests {}", ms(&s), describe_requests(&d)),
                    &budget_text,
                )
                .judged(false),
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
                        Ok((s, floor)) => Row::new(what, ms(&s), "≤ 2 ms, no lock wait").measured(
                            baseline::STATUS_PROMPT_LOCKED,
                            s.low(),
                            floor.low(),
                            "ms",
                        ),
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

    /// `authdash token` at a provider whose access tokens last 30 s, under
    /// the renewal margin: every run renews once. (`--min-ttl` no longer
    /// forces it: it asks at most half a token's lifetime.) The provider
    /// is one of its own, so the other rows keep their 10-minute tokens.
    pub(super) fn renewal(&self) -> Vec<Row> {
        let what = "provider requests: renewal (`token`, 30-second access tokens)";
        // The demo keeps roles in userinfo only (as PropelAuth does): a
        // renewal asks the token endpoint and userinfo, on purpose.
        let budget = "2: /token, and /userinfo where roles come from it";
        let settings = authdash::demo::DemoSettings {
            access_token_ttl: std::time::Duration::from_secs(30),
            ..Default::default()
        };
        let provider = match self
            .runtime
            .block_on(authdash::demo::DemoProvider::start(settings))
        {
            Ok(p) => p,
            Err(e) => return vec![Row::new(what, failed(&e.to_string()), budget).judged(false)],
        };
        let short = Bench {
            runtime: self.runtime,
            provider: &provider,
        };
        let rows = short.renewals(what, budget);
        self.runtime.block_on(provider.shutdown());
        rows
    }

    fn renewals(&self, what: &str, budget: &str) -> Vec<Row> {
        let home = match Home::new(self.provider.issuer_str()) {
            Ok(home) => home,
            Err(e) => return vec![Row::new(what, failed(&e), budget).judged(false)],
        };
        if let Err(e) = self.cli_login(&home, "alice") {
            return vec![Row::new(what, failed(&e), budget).judged(false)];
        }
        let mut counts = Vec::new();
        for _ in 0..3 {
            let before = self.requests();
            match home::run(&mut home.command(&["token"]), WAIT) {
                Ok((out, _)) if out.status.success() => {
                    counts.push(delta(&before, &self.requests()));
                }
                Ok((out, _)) => {
                    let e = format!(
                        "exit {}: {}",
                        out.status,
                        String::from_utf8_lossy(&out.stderr)
                    );
                    return vec![Row::new(what, failed(&e), budget).judged(false)];
                }
                Err(e) => return vec![Row::new(what, failed(&e), budget).judged(false)],
            }
        }
        let figure = counts
            .iter()
            .map(describe_requests)
            .collect::<Vec<_>>()
            .join("; ");
        // Each run renews: fewer than two would be a renewal skipped.
        let exact = counts.iter().all(|d| d.values().sum::<u64>() == 2);
        vec![Row::new(what, figure, budget).judged(exact)]
    }
}

/// Runs `authdash ARGS` [`RUNS`] times, each after a run of the floor
/// (`authdash --version`, so that a moment of load weighs on both); each
/// must succeed and print `expect`. Spawn to exit, ms: the figure's and the
/// floor's.
fn time_runs(home: &Home, args: &[&str], expect: &str) -> Result<(Samples, Samples), String> {
    let mut samples = Samples::default();
    let mut floor = Samples::default();
    for _ in 0..RUNS {
        floor.push_duration(floor_run(home)?);
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
    Ok((samples, floor))
}

/// One `authdash --version`, spawn to exit.
fn floor_run(home: &Home) -> Result<std::time::Duration, String> {
    let (out, took) = home::run(&mut home.floor_command(), WAIT)?;
    if !out.status.success() || !String::from_utf8_lossy(&out.stdout).contains("authdash") {
        return Err(format!("`authdash --version` exited {}", out.status));
    }
    Ok(took)
}

/// `/bin/true`, spawn to exit: what starting any process costs here.
pub(super) fn minimal_process() -> Row {
    let what = "floor: a minimal process (`/bin/true`), spawn → exit";
    let mut samples = Samples::default();
    for _ in 0..RUNS {
        let mut cmd = std::process::Command::new("/bin/true");
        cmd.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        match home::run(&mut cmd, WAIT) {
            Ok((_, took)) => samples.push_duration(took),
            Err(e) => return Row::new(what, failed(&e), ""),
        }
    }
    Row::new(what, ms(&samples), "")
}
