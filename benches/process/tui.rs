//! Logins in the dashboard: memory after three panels, and scale with the
//! size of the claims.

use std::time::Duration;

use super::baseline;
use super::stats::{Row, Samples};
use super::{Bench, WAIT, failed, login_runs, ms};
use crate::browser;
use crate::home::BIN;
use crate::home::{FrameReport, Home};
use crate::pty::{self, Pty};

impl Bench<'_> {
    /// `login_runs()` logins as `user`, stopping at the first failure:
    /// the runs, and the failure if one came.
    fn tui_logins(&self, user: &str, name: &str, panels: bool) -> (Vec<LoginRun>, Option<String>) {
        let mut runs = Vec::new();
        for _ in 0..login_runs() {
            match self.tui_login(user, name, panels) {
                Ok(run) => runs.push(run),
                Err(e) => return (runs, Some(e)),
            }
        }
        (runs, None)
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
        app.wait_for("What happens", wait)?;
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
                ("j", "latest 184 users"),
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
    pub(super) fn memory(&self) -> Vec<Row> {
        let cases = [
            (
                "orgs1000",
                "Oscar Thousand",
                "1,000 orgs",
                20.0,
                baseline::MEMORY_1000_ORGS,
            ),
            (
                "alice",
                "Alice Anderson",
                "2 orgs",
                12.0,
                baseline::MEMORY_2_ORGS,
            ),
        ];
        let mut rows = Vec::new();
        for (user, name, orgs, budget, key) in cases {
            let what = format!("memory: peak RSS, TUI after login + 3 panels, user in {orgs}");
            let budget_text = format!("≤ {budget} MiB");
            let (runs, error) = self.tui_logins(user, name, true);
            let hwm = samples(&runs, |run| run.hwm_kb as f64 / 1024.0);
            let rss = samples(&runs, |run| run.rss_kb as f64 / 1024.0);
            rows.push(match error {
                None => Row::new(
                    what,
                    format!("{} MiB (RSS then {} MiB)", hwm.describe(1), rss.describe(1)),
                    &budget_text,
                )
                .measured(key, hwm.median(), None, "MiB"),
                Some(e) => Row::new(what, failed(&e), &budget_text).judged(false),
            });
        }
        rows
    }

    /// Peak RSS and the login round trip as the claims grow.
    pub(super) fn scale(&self) -> Vec<Row> {
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
            let (runs, error) = self.tui_logins(user, name, false);
            let hwm = samples(&runs, |run| run.hwm_kb as f64 / 1024.0);
            let trip = samples(&runs, |run| run.round_trip_ms);
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

/// One figure of each run.
fn samples(runs: &[LoginRun], figure: impl Fn(&LoginRun) -> f64) -> Samples {
    let mut samples = Samples::default();
    for run in runs {
        samples.push(figure(run));
    }
    samples
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
) -> Result<FrameReport, String> {
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
