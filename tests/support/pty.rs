//! The binary in a pseudo-terminal (as tests/pty_demo.rs runs it): a
//! reader thread feeds a vt100 screen; every wait is bounded; the child
//! is killed when dropped. Shared with the whole-process benchmark
//! (benches/process), which includes this file.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

pub const ROWS: u16 = 40;
pub const COLS: u16 = 140;
/// How often a wait looks at the screen.
const POLL: Duration = Duration::from_millis(2);

/// The environment authdash runs with in a private home at `root`: its
/// XDG folders there, C.UTF-8, and nothing inherited but PATH.
pub fn home_env(root: &Path) -> Vec<(String, String)> {
    let sub = |name: &str| root.join(name).display().to_string();
    vec![
        (
            "PATH".into(),
            std::env::var("PATH").unwrap_or_else(|_| "/usr/bin:/bin".into()),
        ),
        ("HOME".into(), root.display().to_string()),
        ("XDG_DATA_HOME".into(), sub("data")),
        ("XDG_STATE_HOME".into(), sub("state")),
        ("XDG_CONFIG_HOME".into(), sub("config")),
        ("XDG_CACHE_HOME".into(), sub("cache")),
        ("LANG".into(), "C.UTF-8".into()),
    ]
}

/// A `$BROWSER` (`fake-browser.sh` in `dir`) that only appends each URL it
/// is given to `urls`: the script's path.
pub fn fake_browser(dir: &Path, urls: &Path) -> std::io::Result<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let script = dir.join("fake-browser.sh");
    std::fs::write(
        &script,
        format!("#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n", urls.display()),
    )?;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))?;
    Ok(script)
}

/// [`home_env`] for a terminal (`TERM`), with `$BROWSER` the
/// [`fake_browser`] written in `root`.
pub fn env_with_fake_browser(root: &Path) -> Vec<(String, String)> {
    let mut env = home_env(root);
    env.extend([
        ("TERM".into(), "xterm-256color".into()),
        (
            "BROWSER".into(),
            format!("sh {}", root.join("fake-browser.sh").display()),
        ),
    ]);
    env
}

/// A runtime for a pty test's async work (the provider, the test
/// browser) beside its blocking waits on the screen.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

pub struct Pty {
    /// The wall clock (µs since the epoch) just before the spawn, and
    /// once it returned (the program exec'd).
    pub spawn_started_us: u64,
    pub spawn_returned_us: u64,
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
    _master: Box<dyn MasterPty + Send>,
}

impl Pty {
    /// Starts `program args` in a new pty with exactly `env`, in `cwd`.
    pub fn spawn(
        program: &str,
        args: &[&str],
        env: &[(String, String)],
        cwd: &Path,
    ) -> Result<Pty, String> {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .map_err(|e| format!("open a pty: {e}"))?;
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.env_clear();
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.cwd(cwd);
        let spawn_started_us = unix_us();
        let child = pair
            .slave
            .spawn_command(cmd)
            .map_err(|e| format!("spawn {program}: {e}"))?;
        let spawn_returned_us = unix_us();
        // Only the child holds the slave now: the reader ends at EIO.
        drop(pair.slave);
        let mut reader = pair
            .master
            .try_clone_reader()
            .map_err(|e| format!("pty reader: {e}"))?;
        let writer = pair
            .master
            .take_writer()
            .map_err(|e| format!("pty writer: {e}"))?;
        let screen = Arc::new(Mutex::new(vt100::Parser::new(ROWS, COLS, 0)));
        {
            let screen = Arc::clone(&screen);
            thread::spawn(move || {
                let mut buf = [0u8; 16 * 1024];
                loop {
                    match reader.read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => screen
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .process(&buf[..n]),
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(_) => break,
                    }
                }
            });
        }
        Ok(Pty {
            spawn_started_us,
            spawn_returned_us,
            child,
            writer,
            screen,
            _master: pair.master,
        })
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.process_id()
    }

    pub fn contents(&self) -> String {
        self.screen
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .screen()
            .contents()
    }

    /// Waits until `text` is on the screen.
    pub fn wait_for(&mut self, text: &str, timeout: Duration) -> Result<(), String> {
        self.wait_until(&format!("{text:?} on the screen"), timeout, |s| {
            s.contains(text)
        })
    }

    /// Waits until `text` has left the screen.
    pub fn wait_gone(&mut self, text: &str, timeout: Duration) -> Result<(), String> {
        self.wait_until(&format!("{text:?} gone"), timeout, |s| !s.contains(text))
    }

    /// Waits until `check` holds for the screen's text; `Err` with the
    /// screen when `timeout` passes or the app exits first.
    pub fn wait_until(
        &mut self,
        what: &str,
        timeout: Duration,
        check: impl Fn(&str) -> bool,
    ) -> Result<(), String> {
        let deadline = Instant::now() + timeout;
        loop {
            if check(&self.contents()) {
                return Ok(());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "authdash exited ({status:?}) before {what}:\n{}",
                    self.contents()
                ));
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "no {what} within {timeout:?}:\n{}",
                    self.contents()
                ));
            }
            thread::sleep(POLL);
        }
    }

    pub fn send(&mut self, keys: &str) -> Result<(), String> {
        self.writer
            .write_all(keys.as_bytes())
            .and_then(|()| self.writer.flush())
            .map_err(|e| format!("typing {keys:?}: {e}"))
    }

    /// Waits for the program to end by itself (bounded): its exit code.
    /// What it printed last may not be on the screen yet.
    pub fn wait_exit(&mut self, timeout: Duration) -> Result<u32, String> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return Ok(status.exit_code()),
                Ok(None) if Instant::now() < deadline => thread::sleep(POLL),
                _ => {
                    return Err(format!(
                        "authdash did not end within {timeout:?}:\n{}",
                        self.contents()
                    ));
                }
            }
        }
    }

    /// `q`, then waits for the exit (bounded); kills it past the bound.
    pub fn quit(mut self, timeout: Duration) -> Result<(), String> {
        self.send("q")?;
        let deadline = Instant::now() + timeout;
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) => return Ok(()),
                Ok(None) if Instant::now() < deadline => thread::sleep(POLL),
                _ => return Err(format!("authdash did not quit within {timeout:?}")),
            }
        }
    }
}

impl Drop for Pty {
    /// Nothing is left running.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The wall clock now, µs since the epoch.
pub fn unix_us() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or_default()
}

/// Peak and current resident set of process `pid` (VmHWM, VmRSS), in kB,
/// read while it runs.
pub fn memory_kb(pid: u32) -> Result<(u64, u64), String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map_err(|e| format!("/proc/{pid}/status: {e}"))?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse::<u64>().ok())
            .ok_or_else(|| format!("no {name} in /proc/{pid}/status"))
    };
    Ok((field("VmHWM:")?, field("VmRSS:")?))
}
