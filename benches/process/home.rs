//! A person's machine for one benchmark: a private home with its XDG
//! folders, the demo config pointing at the provider the bench hosts, a
//! `$BROWSER` that only writes down the URL it is given, and the binary's
//! first-frame report.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_authdash");

pub struct Home {
    dir: tempfile::TempDir,
}

/// What the binary wrote through `AUTHDASH_REPORT_FIRST_FRAME`.
#[derive(Debug, Clone, Copy)]
pub struct FrameReport {
    /// From the top of `main` to the first dashboard frame, µs.
    pub since_main_us: u64,
    /// The wall clock when it was drawn, µs since the epoch.
    pub unix_us: u64,
}

impl Home {
    /// A home whose config is the demo's, for the provider at `issuer`.
    /// No `store_secret`: the store's key goes in a key file, as on a
    /// machine without a keyring.
    pub fn new(issuer: &str) -> Result<Home, String> {
        let dir = tempfile::Builder::new()
            .prefix("authdash-bench-")
            .tempdir()
            .map_err(|e| format!("temp dir: {e}"))?;
        let home = Home { dir };
        let config = home.config_path();
        // The demo's config lets orgs10000's 4.3 MB userinfo in.
        std::fs::write(&config, authdash::demo::config_toml(issuer))
            .and_then(|()| std::fs::set_permissions(&config, PermissionsExt::from_mode(0o600)))
            .map_err(|e| format!("writing {}: {e}", config.display()))?;
        crate::pty::fake_browser(home.path(), &home.urls_path())
            .map_err(|e| format!("writing the fake browser: {e}"))?;
        Ok(home)
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Leaves the home on disk (for profiling a run by hand); its path.
    pub fn keep(self) -> PathBuf {
        self.dir.keep()
    }

    pub fn config_path(&self) -> PathBuf {
        self.path().join("authdash.toml")
    }

    fn urls_path(&self) -> PathBuf {
        self.path().join("opened-urls.txt")
    }

    pub fn report_path(&self) -> PathBuf {
        self.path().join("first-frame.txt")
    }

    pub fn data_dir(&self) -> PathBuf {
        self.path().join("data").join("authdash")
    }

    /// Everything the binary sees: nothing inherited but PATH.
    pub fn env(&self) -> Vec<(String, String)> {
        let root = self.path();
        let mut env = crate::pty::home_env(root);
        env.extend([
            ("TERM".into(), "xterm-256color".into()),
            (
                "BROWSER".into(),
                format!("sh {}", root.join("fake-browser.sh").display()),
            ),
            (
                "AUTHDASH_REPORT_FIRST_FRAME".into(),
                self.report_path().display().to_string(),
            ),
        ]);
        env
    }

    /// The floor a figure is taken less: `authdash --version`, started as
    /// [`Self::command`] starts it (same environment, folder and pipes).
    pub fn floor_command(&self) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.env_clear()
            .envs(self.env())
            .current_dir(self.path())
            .arg("--version")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    /// `authdash --config C ARGS`, no stdin, output piped.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.env_clear()
            .envs(self.env())
            .current_dir(self.path())
            .arg("--config")
            .arg(self.config_path())
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    /// The first URL `$BROWSER` was given since the last call (bounded).
    pub fn take_url(&self, timeout: Duration) -> Result<String, String> {
        let path = self.urls_path();
        let deadline = Instant::now() + timeout;
        loop {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            // Only a complete line: the script may be writing right now.
            if let Some((first, _)) = text.split_once('\n')
                && !first.is_empty()
            {
                let _ = std::fs::remove_file(&path);
                return Ok(first.to_owned());
            }
            if Instant::now() >= deadline {
                return Err(format!("$BROWSER was given no URL within {timeout:?}"));
            }
            thread::sleep(Duration::from_millis(2));
        }
    }

    /// The first-frame report, once written (bounded); removed after.
    pub fn take_report(&self, timeout: Duration) -> Result<FrameReport, String> {
        let path = self.report_path();
        let deadline = Instant::now() + timeout;
        loop {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            if text.ends_with('\n') {
                let _ = std::fs::remove_file(&path);
                let field = |name: &str| {
                    text.split_whitespace()
                        .find_map(|w| w.strip_prefix(name))
                        .and_then(|v| v.parse::<u64>().ok())
                        .ok_or_else(|| format!("no {name} in the first-frame report {text:?}"))
                };
                return Ok(FrameReport {
                    since_main_us: field("first_dashboard_frame_us=")?,
                    unix_us: field("unix_us=")?,
                });
            }
            if Instant::now() >= deadline {
                return Err(format!("no first dashboard frame within {timeout:?}"));
            }
            thread::sleep(Duration::from_millis(1));
        }
    }
}

/// Runs `cmd` to its end, bounded (killed past `timeout`); the output,
/// and how long it took from spawn to exit.
pub fn run(cmd: &mut Command, timeout: Duration) -> Result<(Output, Duration), String> {
    let started = Instant::now();
    let child = cmd.spawn().map_err(|e| format!("starting authdash: {e}"))?;
    let pid = child.id();
    let (done, finished) = std::sync::mpsc::channel::<()>();
    let watchdog = thread::spawn(move || {
        if finished.recv_timeout(timeout).is_err() {
            // SAFETY: signals our own child, not yet reaped (the main
            // thread is still waiting for it), so its pid is still ours.
            unsafe {
                libc::kill(pid as libc::pid_t, libc::SIGKILL);
            }
        }
    });
    let out = child.wait_with_output();
    let took = started.elapsed();
    let _ = done.send(());
    let _ = watchdog.join();
    let out = out.map_err(|e| format!("authdash's output: {e}"))?;
    if took >= timeout {
        return Err(format!(
            "authdash did not finish within {timeout:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok((out, took))
}
