//! End to end: the real `authdash` binary in a pseudo-terminal, logging in
//! to the embedded demo provider through a test browser, moving around the
//! dashboard, logging out and quitting; and the CLI's config errors, which
//! must appear before the terminal is ever taken over.
//!
//! Every wait is bounded, and the child is killed when a test fails.

use crate::support;

use authdash::store::{FileStore, KeySource, TokenStore};
use base64::Engine as _;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_authdash");
const ROWS: u16 = 32;
const COLS: u16 = 110;
/// Upper bound for any one thing to appear on the screen.
const WAIT: Duration = Duration::from_secs(20);
/// Upper bound for the process to end after `q`.
const EXIT_WAIT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(25);

/// CSI ? 1049 l: leave the alternate screen.
const LEAVE_ALTERNATE_SCREEN: &[u8] = b"\x1b[?1049l";
/// CSI ? 1049 h: enter the alternate screen.
const ENTER_ALTERNATE_SCREEN: &[u8] = b"\x1b[?1049h";

/// A temporary home with every XDG dir inside it, so that nothing the
/// binary writes or reads leaks in from (or out to) the real account.
struct Home {
    dir: TempDir,
}

impl Home {
    fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("authdash-pty-")
            .tempdir()
            .expect("temp dir");
        Self { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The environment the binary runs with: nothing inherited but PATH.
    fn env(&self) -> Vec<(String, String)> {
        support::pty::home_env(self.path())
    }

    fn log_path(&self) -> PathBuf {
        self.path()
            .join("state")
            .join("authdash")
            .join("authdash.log")
    }

    /// The end of the app's log, for failure messages.
    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(self.log_path()).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

/// Output of the child, as a terminal shows it and as raw bytes.
struct Captured {
    parser: vt100::Parser,
    raw: Vec<u8>,
}

/// `authdash` running in a pseudo-terminal.
struct PtyApp {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    output: Arc<Mutex<Captured>>,
    /// Set by the reader thread when the master reports EOF or EIO.
    eof: Arc<AtomicBool>,
    reader: Option<JoinHandle<()>>,
    // Kept open until the child has gone: the reader reads a clone of it.
    _master: Box<dyn MasterPty + Send>,
    home: Home,
    started: Instant,
}

impl PtyApp {
    fn spawn(home: Home, args: &[&str], extra_env: &[(&str, String)]) -> Self {
        let mut cmd = CommandBuilder::new(BIN);
        cmd.args(args);
        Self::start(home, cmd, extra_env)
    }

    /// `authdash ARGS` run by a shell that, once authdash has ended, writes
    /// its exit code and `stty -a` of the same terminal to `modes`: what a
    /// person's shell would find.
    fn spawn_then_stty(
        home: Home,
        args: &[&str],
        extra_env: &[(&str, String)],
        modes: &Path,
    ) -> Self {
        let mut cmd = CommandBuilder::new("sh");
        cmd.arg("-c");
        cmd.arg(format!(
            "\"$0\" \"$@\"; echo \"exit $?\" > '{0}'; stty -a >> '{0}'",
            modes.display()
        ));
        cmd.arg(BIN);
        cmd.args(args);
        Self::start(home, cmd, extra_env)
    }

    fn start(home: Home, mut cmd: CommandBuilder, extra_env: &[(&str, String)]) -> Self {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        cmd.env_clear();
        for (k, v) in home.env() {
            cmd.env(k, v);
        }
        cmd.env("TERM", "xterm-256color");
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        cmd.cwd(home.path());
        let child = pair.slave.spawn_command(cmd).expect("spawn authdash");
        // Only the child holds the slave now, so the master sees EOF/EIO
        // when the child (and anything it left on the terminal) is gone.
        drop(pair.slave);

        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let output = Arc::new(Mutex::new(Captured {
            parser: vt100::Parser::new(ROWS, COLS, 0),
            raw: Vec::new(),
        }));
        let eof = Arc::new(AtomicBool::new(false));
        let thread = {
            let output = Arc::clone(&output);
            let eof = Arc::clone(&eof);
            thread::spawn(move || {
                let mut buf = [0u8; 8192];
                loop {
                    match reader.read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => {
                            let mut out = output.lock().unwrap_or_else(|p| p.into_inner());
                            out.parser.process(&buf[..n]);
                            out.raw.extend_from_slice(&buf[..n]);
                        }
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        // EIO once the last slave descriptor is closed.
                        Err(_) => break,
                    }
                }
                eof.store(true, Ordering::SeqCst);
            })
        };
        Self {
            child,
            writer,
            output,
            eof,
            reader: Some(thread),
            _master: pair.master,
            home,
            started: Instant::now(),
        }
    }

    fn output(&self) -> MutexGuard<'_, Captured> {
        self.output.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn screen_text(&self) -> String {
        self.output().parser.screen().contents()
    }

    /// Everything needed to understand a failure.
    fn report(&self, what: &str) -> String {
        let screen = self.screen_text();
        let framed: Vec<String> = screen.lines().map(|l| format!("│{l}")).collect();
        format!(
            "{what} (after {:.1}s)\n--- screen ({COLS}x{ROWS}) ---\n{}\n--- end of screen ---\n\
             --- log {} ---\n{}\n--- end of log ---",
            self.started.elapsed().as_secs_f64(),
            framed.join("\n"),
            self.home.log_path().display(),
            self.home.log_tail(),
        )
    }

    /// Waits until `check` holds for the screen; panics with the screen
    /// and the log after `timeout` or when the app has exited.
    #[track_caller]
    fn wait_until(
        &mut self,
        what: &str,
        timeout: Duration,
        check: impl Fn(&vt100::Screen) -> bool,
    ) {
        let deadline = Instant::now() + timeout;
        loop {
            if check(self.output().parser.screen()) {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                // Let the last bytes in, then look once more.
                thread::sleep(Duration::from_millis(100));
                if check(self.output().parser.screen()) {
                    return;
                }
                panic!(
                    "{}",
                    self.report(&format!(
                        "authdash exited ({status:?}) while waiting for {what}"
                    ))
                );
            }
            if Instant::now() >= deadline {
                panic!(
                    "{}",
                    self.report(&format!("timed out after {timeout:?} waiting for {what}"))
                );
            }
            thread::sleep(POLL);
        }
    }

    /// Waits until `text` is on the screen.
    #[track_caller]
    fn wait_for(&mut self, text: &str) {
        self.wait_for_within(text, WAIT);
    }

    #[track_caller]
    fn wait_for_within(&mut self, text: &str, timeout: Duration) {
        self.wait_until(&format!("{text:?} on the screen"), timeout, |s| {
            s.contents().contains(text)
        });
    }

    /// Waits until row `row` shows `text`.
    #[track_caller]
    fn wait_for_in_row(&mut self, row: u16, text: &str) {
        self.wait_until(&format!("{text:?} in row {row}"), WAIT, |s| {
            s.rows(0, COLS)
                .nth(row as usize)
                .is_some_and(|r| r.contains(text))
        });
    }

    /// Types `keys` (raw bytes: "\r" is Enter, "\t" Tab).
    #[track_caller]
    fn send(&mut self, keys: &str) {
        if let Err(e) = self
            .writer
            .write_all(keys.as_bytes())
            .and_then(|()| self.writer.flush())
        {
            panic!("{}", self.report(&format!("cannot type {keys:?}: {e}")));
        }
    }

    /// Waits for the process to end, within `timeout`, and returns its exit
    /// status after the terminal output has been read to the end.
    #[track_caller]
    fn wait_exit(&mut self, timeout: Duration) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + timeout;
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if Instant::now() < deadline => thread::sleep(POLL),
                Ok(None) => panic!(
                    "{}",
                    self.report(&format!("authdash did not exit within {timeout:?}"))
                ),
                Err(e) => panic!("{}", self.report(&format!("waiting for authdash: {e}"))),
            }
        };
        // The reader ends at EIO once the child's descriptors are closed.
        while !self.eof.load(Ordering::SeqCst) {
            if Instant::now() >= deadline + Duration::from_secs(5) {
                panic!(
                    "{}",
                    self.report("the terminal never reported EOF after authdash exited")
                );
            }
            thread::sleep(POLL);
        }
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        status
    }
}

impl Drop for PtyApp {
    /// A failed test leaves no process behind.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let deadline = Instant::now() + Duration::from_secs(5);
            while let Ok(None) = self.child.try_wait() {
                if Instant::now() >= deadline {
                    if let Some(pid) = self.child.process_id() {
                        // SAFETY: signals only our own child, by its id.
                        unsafe {
                            libc::kill(pid as i32, libc::SIGKILL);
                        }
                    }
                    break;
                }
                thread::sleep(POLL);
            }
        }
        // The reader thread is not joined: it ends by itself at EIO.
    }
}

/// A `$BROWSER` that writes the URL it is given to a file and exits.
fn fake_browser(home: &Home) -> (PathBuf, PathBuf) {
    let urls = home.path().join("opened-urls.txt");
    let script = support::pty::fake_browser(home.path(), &urls).expect("write the fake browser");
    (script, urls)
}

/// The providers with a stored session in the demo's token store, once
/// `check` accepts them; panics after [`WAIT`].
#[track_caller]
fn wait_for_stored_sessions(
    app: &mut PtyApp,
    what: &str,
    check: impl Fn(&[String]) -> bool,
) -> PathBuf {
    let path = app.home.path().join("data").join("authdash").join("demo");
    // The demo keeps its store key in a file beside the store.
    let store = FileStore::new(&path, KeySource::KeyFile(path.join("store.key")));
    let path = store.path();
    let deadline = Instant::now() + WAIT;
    loop {
        let providers: Vec<String> = store
            .accounts()
            .map(|a| a.sessions.iter().map(|s| s.provider.clone()).collect())
            .unwrap_or_default();
        if path.exists() && check(&providers) {
            return path;
        }
        if Instant::now() >= deadline {
            panic!(
                "{}",
                app.report(&format!(
                    "{what}: {} holds sessions for {providers:?}",
                    path.display()
                ))
            );
        }
        thread::sleep(POLL);
    }
}

/// Waits for the fake browser to have been given a URL; returns the first.
fn wait_for_opened_url(app: &mut PtyApp, urls: &Path) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        let text = std::fs::read_to_string(urls).unwrap_or_default();
        // Only a complete line: the script may be writing right now.
        if let Some((first, _)) = text.split_once('\n')
            && !first.is_empty()
        {
            return first.to_owned();
        }
        if Instant::now() >= deadline {
            panic!(
                "{}",
                app.report(&format!(
                    "$BROWSER was not run with a URL within {WAIT:?} ({} is {:?})",
                    urls.display(),
                    text
                ))
            );
        }
        thread::sleep(POLL);
    }
}

fn without_whitespace(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn demo_login_switch_org_billing_logout_quit_in_a_pty() {
    let home = Home::new();
    let (browser, urls) = fake_browser(&home);
    let mut app = PtyApp::spawn(
        home,
        &["demo"],
        &[("BROWSER", format!("sh {}", browser.display()))],
    );

    // The login screen.
    app.wait_for("authdash demo provider");
    app.wait_for("What happens");
    assert!(
        app.output().parser.screen().alternate_screen(),
        "{}",
        app.report("the TUI should run on the alternate screen")
    );

    // Enter: the browser is asked to open the authorization URL, and the
    // same URL is on the screen as text.
    app.send("\r");
    let url = wait_for_opened_url(&mut app, &urls);
    assert!(
        url.starts_with("http://127.0.0.1:") && url.contains("/authorize?"),
        "unexpected authorization URL {url:?}"
    );
    assert!(
        url.contains("code_challenge=") && url.contains("state=") && url.contains("nonce="),
        "the authorization URL lacks PKCE, state or nonce: {url}"
    );
    // On one line, never wrapped into a copy trap: whole where it fits,
    // else its start and end around a `…` (`c` copies it whole).
    let head: String = url.chars().take(24).collect();
    let tail: String = url.chars().skip(url.chars().count() - 8).collect();
    app.wait_until("the authorization URL on one line", WAIT, |s| {
        s.contents()
            .lines()
            .any(|l| l.contains(&head) && l.contains('…') && l.contains(&tail))
    });
    app.wait_for("Waiting for you to sign in");
    // …and an OSC 8 hyperlink to it, for terminals that make links.
    assert!(
        find(&app.output().raw, format!("\x1b]8;;{url}\x1b\\").as_bytes()).is_some(),
        "{}",
        app.report("the URL is not an OSC 8 hyperlink")
    );

    // The test browser signs alice in and delivers the redirect.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let response = runtime
        .block_on(support::browser::sign_in(&url, "alice"))
        .unwrap_or_else(|e| panic!("{}", app.report(&format!("signing alice in: {e}"))));
    assert!(
        response.status().is_success(),
        "{}",
        app.report(&format!("the callback answered {}", response.status()))
    );

    // The dashboard, by itself.
    app.wait_for_in_row(0, "Alice Anderson");
    app.wait_for_in_row(0, "alice@example.com");
    app.wait_for_in_row(0, "Acme (Owner)");
    for item in ["Profile", "Organizations", "Billing", "Admin", "Reports"] {
        app.wait_for(item);
    }
    let store = wait_for_stored_sessions(&mut app, "the login should be stored", |p| p == ["demo"]);
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&store)
            .expect("stat the token store")
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "the token store must be private: {mode:o}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(&urls)
            .unwrap_or_default()
            .lines()
            .count(),
        1,
        "the browser should have been opened exactly once"
    );

    // Organizations: filter for Globex and make it active.
    app.send("j");
    app.wait_for("┌ Organizations");
    app.send("l/"); // into the list of organizations, then its filter
    app.wait_for("/▏");
    app.send("glo");
    app.wait_for("/glo▏");
    app.send("\r");
    app.wait_for_in_row(0, "Globex (Member)");

    // Billing is locked in Globex: alice lacks can_view_billing there.
    app.send("h"); // focus back on the navigation list
    app.send("jj"); // Organizations → Session → Billing
    app.wait_for("Billing · Globex");
    app.wait_for("Locked");
    app.wait_for("Billing (locked)");
    app.wait_for("Locked: needs permission can_view_billing in Globex");
    assert!(
        !app.screen_text().contains("Enterprise"),
        "{}",
        app.report("Acme's billing data must not show while Globex is active")
    );

    // Back to Acme: Billing opens and shows its data.
    // The filter stays after a choice ("/glo"): edit it again.
    app.send("o/");
    app.wait_for("/glo▏");
    app.send("\x7f\x7f\x7f"); // Backspace ×3
    app.wait_for("/▏");
    app.send("acme");
    app.wait_for("/acme▏");
    app.send("\r");
    app.wait_for_in_row(0, "Acme (Owner)");
    app.send("h");
    app.send("jj");
    app.wait_for("Billing · Acme");
    app.wait_for("Enterprise (25 seats)");
    app.wait_for("Visa ending 4242");
    assert!(
        !app.screen_text().contains("Locked"),
        "{}",
        app.report("Billing should be open in Acme")
    );

    // Reports' daily series ends today, whatever day the data was written
    // on (the demo moves it; the binary and this test share the local
    // date, give or take a midnight).
    app.send("jj"); // Billing → Admin → Reports
    app.wait_for("Reports · Acme");
    let days = [
        chrono::Local::now(),
        chrono::Local::now() - chrono::Duration::days(1),
    ]
    .map(|day| format!("users ({})", day.format("%b %-d")));
    app.wait_until("Reports ending today", WAIT, |s| {
        days.iter().any(|d| s.contents().contains(d.as_str()))
    });

    // The menu: Switch organization, Switch account, Add account, Open
    // account page, Log out, …
    app.send("m");
    app.wait_for("Switch organization");
    app.wait_for("Log out");
    app.send("jjjj\r");
    app.wait_for("Logged out alice@example.com");
    app.wait_for_in_row(0, "not logged in");
    app.wait_for("What happens");
    wait_for_stored_sessions(&mut app, "logging out should delete the tokens", |p| {
        p.is_empty()
    });

    // q quits: exit status 0, in bounded time, terminal given back.
    app.send("q");
    let status = app.wait_exit(EXIT_WAIT);
    assert!(
        status.success(),
        "{}",
        app.report(&format!("authdash exited with {status:?}"))
    );
    let out = app.output();
    assert!(
        !out.parser.screen().alternate_screen(),
        "the alternate screen was not left"
    );
    assert!(
        !out.parser.screen().hide_cursor(),
        "the cursor was left hidden"
    );
    let entered = find(&out.raw, ENTER_ALTERNATE_SCREEN);
    let left = rfind(&out.raw, LEAVE_ALTERNATE_SCREEN);
    assert!(
        matches!((entered, left), (Some(e), Some(l)) if l > e),
        "the output should enter the alternate screen, then leave it (entered at {entered:?}, left at {left:?})"
    );
    assert_eq!(
        count(&out.raw, LEAVE_ALTERNATE_SCREEN),
        1,
        "the terminal should be restored exactly once"
    );
}

/// No `$BROWSER` and no display (an SSH session, a container): the login
/// screen offers the sign-in from the terminal first, then the code; the
/// person approves the code on "another device" (the test browser, which
/// reaches the demo's loopback address) and the dashboard opens by itself.
#[test]
fn device_login_without_a_browser_in_a_pty() {
    let home = Home::new();
    let mut app = PtyApp::spawn(home, &["demo"], &[]);
    app.wait_for("What happens");
    app.wait_until("the sign-in from the terminal offered first", WAIT, |s| {
        s.contents()
            .contains("› From this terminal, as a demo user")
    });
    app.send("\x1b[B");
    app.wait_for("› With a code (device login)");
    app.send("\r");
    app.wait_for("Enter this code:");
    // The frame's last line: all of it has been read.
    app.wait_for("Waiting for you to approve");
    let screen = app.screen_text();
    let address = screen
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:") && w.ends_with("/device"))
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("{}", app.report("no verification address on screen")));
    // The code is drawn spaced out in a box: "│   B C D F - G H J K   │".
    let code: String = screen
        .lines()
        .find(|l| l.contains(" - ") && l.contains('│'))
        .map(|l| {
            l.chars()
                .filter(|c| c.is_ascii_uppercase() || *c == '-')
                .collect()
        })
        .unwrap_or_else(|| panic!("{}", app.report("no code on screen")));
    assert_eq!(
        code.len(),
        9,
        "{}",
        app.report(&format!("odd code {code:?}"))
    );
    assert!(
        screen.contains("The code expires in"),
        "{}",
        app.report("no countdown")
    );
    // The code whole, for a mouse selection, and `c` sends it to the
    // person's own clipboard as OSC 52.
    assert!(
        screen.contains(&format!("to copy: {code}")),
        "{}",
        app.report("the code is not shown whole")
    );
    {
        use base64::Engine as _;
        let osc52 = format!(
            "\x1b]52;c;{}\x07",
            base64::engine::general_purpose::STANDARD.encode(&code)
        );
        app.send("c");
        app.wait_for("Copied the code");
        assert!(
            find(&app.output().raw, osc52.as_bytes()).is_some(),
            "{}",
            app.report("no OSC 52 sequence with the code")
        );
    }
    // The demo's address is this machine's own: a browser here, no
    // phone, so no QR code.
    assert!(
        screen.contains("in a browser on this machine") && !screen.contains("phone or"),
        "{}",
        app.report("the address promises a phone")
    );
    assert!(
        !screen.contains('▀') && !screen.contains('▄'),
        "{}",
        app.report("a QR code of a loopback address")
    );

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime
        .block_on(support::browser::approve_device(
            &address,
            Some(&code),
            "dave",
        ))
        .unwrap_or_else(|e| panic!("approving on the other device: {e}"));
    app.wait_for("Dave Davis");
    app.wait_for("no organization");
    // The mouse is captured on the dashboard: a click (SGR report, column
    // 4, row 6) on the third navigation entry opens Session.
    let deadline = Instant::now() + WAIT;
    while find(&app.output().raw, b"\x1b[?1006h").is_none() {
        assert!(
            Instant::now() < deadline,
            "{}",
            app.report("mouse capture never turned on")
        );
        thread::sleep(POLL);
    }
    app.send("\x1b[<0;4;6M\x1b[<0;4;6m");
    app.wait_for("Refresh token");
    app.send("q");
    let status = app.wait_exit(Duration::from_secs(10));
    assert!(status.success(), "authdash exited with {status:?}");
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

/// Runs the binary without a terminal, stdin closed, bounded in time.
fn run_plain(home: &Home, args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_clear()
        .envs(home.env())
        .current_dir(home.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn authdash");
    let deadline = Instant::now() + WAIT;
    loop {
        match child.try_wait().expect("wait for authdash") {
            Some(_) => break,
            None if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("authdash {args:?} did not exit within {WAIT:?}");
            }
            None => thread::sleep(POLL),
        }
    }
    child.wait_with_output().expect("collect authdash's output")
}

/// A config problem: exit 2, nothing on stdout (the terminal is never
/// taken over), and stderr saying each of `says` without a terminal
/// control sequence.
#[track_caller]
fn assert_refused_before_the_terminal(out: &Output, says: &[&str]) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "exit status {:?}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        out.status
    );
    assert!(stdout.is_empty(), "nothing belongs on stdout: {stdout:?}");
    for expected in says {
        assert!(
            stderr.contains(expected),
            "stderr should mention {expected:?}:\n{stderr}"
        );
    }
    assert!(
        find(&out.stderr, b"\x1b[").is_none(),
        "no terminal control sequences: {stderr:?}"
    );
}

#[test]
fn no_config_exits_2_and_says_where_it_looked() {
    let home = Home::new();
    let out = run_plain(&home, &[]);
    let default_path = home
        .path()
        .join("config")
        .join("authdash")
        .join("authdash.toml");
    assert_refused_before_the_terminal(
        &out,
        &[
            "no config found",
            "--config",
            "AUTHDASH_CONFIG",
            &default_path.display().to_string(),
            ".streamlit/secrets.toml",
            "authdash demo",
            "authdash example-config",
        ],
    );
}

#[test]
fn bad_key_in_config_exits_2_naming_file_key_and_fix() {
    let home = Home::new();
    let config = home.path().join("my-authdash.toml");
    std::fs::write(
        &config,
        "[auth]\n\
         client_id = \"cid\"\n\
         server_metadata_url = \"https://accounts.google.com/.well-known/openid-configuration\"\n\
         server_metdata_url = \"typo\"\n",
    )
    .expect("write the config");
    let out = run_plain(&home, &["--config", &config.display().to_string()]);
    assert_refused_before_the_terminal(
        &out,
        &[
            config.display().to_string().as_str(),
            "`auth.server_metdata_url`",
            "unknown key",
            "fix: ",
            "did you mean `server_metadata_url`?",
        ],
    );
}

/// The dashboard started in a folder holding a `.streamlit/secrets.toml`
/// it has never trusted, whose client_id carries a screen-clearing escape:
/// in a real terminal the TUI never starts, the message shows the file,
/// its issuer and client_id (escape made visible) and the command that
/// trusts it, and the escape never reaches the terminal.
#[test]
fn an_untrusted_folder_config_never_starts_the_dashboard_in_a_pty() {
    let home = Home::new();
    let streamlit = home.path().join(".streamlit");
    std::fs::create_dir_all(&streamlit).expect("the project folder");
    let config = streamlit.join("secrets.toml");
    std::fs::write(
        &config,
        "[auth]\nclient_id = \"cid\\u001b[2J\"\nclient_secret_env = \"SOME_SECRET\"\n\
         server_metadata_url = \"https://idp.example/.well-known/openid-configuration\"\n",
    )
    .expect("write the config");
    let command = format!(
        "authdash trust {}",
        std::fs::canonicalize(&config)
            .expect("canonical path")
            .display()
    );
    let data_dir = home.path().join("data").join("authdash");
    let mut app = PtyApp::spawn(home, &[], &[]);
    let status = app.wait_exit(EXIT_WAIT);
    let screen = app.screen_text();
    assert_eq!(status.exit_code(), 2, "{}", app.report("exit code"));
    for expected in [
        "not trusted yet",
        "https://idp.example/.well-known/openid-configuration",
        "cid\\u{1b}[2J",
        command.as_str(),
    ] {
        assert!(
            screen.contains(expected),
            "{}",
            app.report(&format!("the screen should show {expected:?}"))
        );
    }
    let raw = app.output().raw.clone();
    assert!(find(&raw, ENTER_ALTERNATE_SCREEN).is_none(), "{screen}");
    assert!(find(&raw, b"\x1b[2J").is_none(), "{screen}");
    assert!(!data_dir.exists(), "the store's folder was created");
}

/// `authdash demo` in a pseudo-terminal, signed in as `user` by the test
/// browser, on the dashboard.
fn demo_signed_in_as(user: &'static str) -> PtyApp {
    let home = Home::new();
    let (browser, urls) = fake_browser(&home);
    let mut app = PtyApp::spawn(
        home,
        &["demo"],
        &[("BROWSER", format!("sh {}", browser.display()))],
    );
    app.wait_for("What happens");
    app.send("\r");
    let url = wait_for_opened_url(&mut app, &urls);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime
        .block_on(support::browser::sign_in(&url, user))
        .unwrap_or_else(|e| panic!("{}", app.report(&format!("signing {user} in: {e}"))));
    app.wait_for("Navigate");
    app
}

/// Alice in Globex: the invoices are locked there and say Acme opens
/// them; `u` switches to Acme and the table comes from the data API.
#[test]
fn alice_switches_to_the_org_a_locked_panel_names_in_a_pty() {
    let mut app = demo_signed_in_as("alice");
    app.wait_for_in_row(0, "Acme (Owner)");
    app.send("o/");
    app.wait_for("/▏");
    app.send("glo\r");
    app.wait_for_in_row(0, "Globex (Member)");
    app.send("h"); // back to the navigation list, on Organizations
    app.send("jjjjjj"); // Session, Billing, Admin, Reports, Usage, Invoices
    app.wait_for("Invoices · Globex");
    app.wait_for("Invoices (locked)");
    app.wait_for("It opens for you in Acme (Owner).");
    app.send("l");
    app.send("u");
    app.wait_for_in_row(0, "Acme (Owner)");
    app.wait_for("Invoices · Acme");
    app.wait_for("ACME-1042");
    app.wait_for("€4,800.00");
    app.send("q");
    let status = app.wait_exit(EXIT_WAIT);
    assert!(status.success(), "{}", app.report("quit"));
}

/// Dave belongs to no organization: every org panel is locked and says
/// so; the panel any signed-in person may open runs its local program,
/// which gets the token in its environment only.
#[test]
fn dave_sees_only_what_needs_no_organization_in_a_pty() {
    let mut app = demo_signed_in_as("dave");
    app.wait_for_in_row(0, "Dave Davis");
    for locked in [
        "Billing (locked)",
        "Admin (locked)",
        "Reports (locked)",
        "Usage (locked)",
        "Invoices (locked)",
        "Members (locked)",
    ] {
        app.wait_for(locked);
    }
    app.send("jjjjjjjjj"); // down to This machine
    app.wait_for("This machine ──");
    app.wait_for("Fed by a local program");
    app.wait_for("in the environment only");
    assert!(
        !app.screen_text().contains("This machine (locked)"),
        "{}",
        app.report("the command panel needs no organization")
    );
    app.send("q");
    let status = app.wait_exit(EXIT_WAIT);
    assert!(status.success(), "{}", app.report("quit"));
}

/// The table keys and the mouse wheel on Invoices: the cursor, the sort
/// marked in the header, the wheel moving the cursor, `y` putting the row
/// on the clipboard through the terminal (OSC 52), and `/` filtering.
#[test]
fn table_keys_and_the_wheel_in_a_pty() {
    let mut app = demo_signed_in_as("alice");
    app.wait_for_in_row(0, "Acme (Owner)");
    app.send("8"); // Invoices
    app.wait_for("Invoices · Acme");
    app.wait_for("row 1 of 6");
    // From the list: `s` sorts and goes into the table.
    app.send("s");
    app.wait_for("Invoice ▲");
    app.send("j");
    app.wait_for("row 2 of 6");
    // The wheel over a row of the table (SGR mouse reports, 1-based).
    let (column, row) = {
        let screen = app.screen_text();
        let (y, line) = screen
            .lines()
            .enumerate()
            .find(|(_, l)| l.contains("ACME-1040"))
            .unwrap_or_else(|| panic!("{}", app.report("no ACME-1040 on the screen")));
        let x = line[..line.find("ACME-1040").unwrap_or(0)].chars().count();
        (x + 1, y + 1)
    };
    app.send(&format!("\x1b[<65;{column};{row}M"));
    app.wait_for("row 3 of 6");
    app.send(&format!("\x1b[<64;{column};{row}M\x1b[<64;{column};{row}M"));
    app.wait_for("row 1 of 6");
    app.send("y");
    app.wait_for("Copied row 1 to the clipboard");
    // The demo dates its invoices by today's month: the date copied is
    // the one on the screen.
    let date = app
        .screen_text()
        .lines()
        .find(|l| l.contains("ACME-1037"))
        .and_then(|l| {
            l.split_whitespace()
                .find(|w| w.len() == 10 && w.starts_with("20"))
        })
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("{}", app.report("no dated ACME-1037 on the screen")));
    let copied = base64::engine::general_purpose::STANDARD
        .encode(format!("ACME-1037\t{date}\t€4,500.00\tpaid"));
    assert!(
        find(
            &app.output().raw,
            format!("\x1b]52;c;{copied}\x07").as_bytes()
        )
        .is_some(),
        "{}",
        app.report("the row did not reach the terminal's clipboard")
    );
    app.send("S");
    app.wait_for("Invoice ▼");
    app.send("/paid\r");
    app.wait_for("5 of 6 rows match “paid”");
    app.send("q");
    let status = app.wait_exit(EXIT_WAIT);
    assert!(status.success(), "{}", app.report("quit"));
}

// ------------------------------------------------- the terminal given back

/// CSI ? 25 h: show the cursor. CSI ? 1000 l: mouse reports off.
const SHOW_CURSOR: &[u8] = b"\x1b[?25h";
const MOUSE_OFF: &[u8] = b"\x1b[?1000l";

/// The id of the `authdash` process the shell of `app` started.
fn authdash_pid(app: &PtyApp) -> i32 {
    let shell = app.child.process_id().expect("the shell's pid") as i32;
    let entries = std::fs::read_dir("/proc").expect("/proc");
    for entry in entries.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        // "pid (comm) state ppid ...": comm may hold spaces, so split after ')'.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<i32>().ok());
        if ppid == Some(shell) && stat.contains("(authdash)") {
            return pid;
        }
    }
    panic!("{}", app.report("no authdash process under the shell"));
}

/// After authdash has ended: the alternate screen left, the cursor shown
/// and mouse capture off after the last time the TUI took the screen, and
/// the line discipline cooked again (`icanon` and `echo` on, as `stty`
/// sees them in the same terminal). Returns the shell's report.
#[track_caller]
fn assert_terminal_given_back(app: &mut PtyApp, modes: &Path) -> String {
    let status = app.wait_exit(EXIT_WAIT);
    assert!(status.success(), "{}", app.report("the shell failed"));
    let raw = app.output().raw.clone();
    let entered = rfind(&raw, ENTER_ALTERNATE_SCREEN)
        .unwrap_or_else(|| panic!("{}", app.report("the TUI never took the screen")));
    let after = &raw[entered..];
    for (what, sequence) in [
        ("left the alternate screen", LEAVE_ALTERNATE_SCREEN),
        ("showed the cursor", SHOW_CURSOR),
        ("turned mouse capture off", MOUSE_OFF),
    ] {
        assert!(
            find(after, sequence).is_some(),
            "{}",
            app.report(&format!("authdash never {what}"))
        );
    }
    let report = std::fs::read_to_string(modes)
        .unwrap_or_else(|e| panic!("{}", app.report(&format!("no stty report: {e}"))));
    let words: Vec<&str> = report.split_whitespace().collect();
    for mode in ["icanon", "echo", "isig"] {
        assert!(
            words.contains(&mode),
            "raw mode left on ({mode} off): {report}"
        );
    }
    report
}

fn signal_restores_the_terminal(signal: i32) {
    let home = Home::new();
    let modes = home.path().join("modes.txt");
    let mut app = PtyApp::spawn_then_stty(home, &["demo"], &[], &modes);
    app.wait_for("What happens");
    let pid = authdash_pid(&app);
    // SAFETY: signals only the authdash this test started, by its id.
    unsafe {
        libc::kill(pid, signal);
    }
    let report = assert_terminal_given_back(&mut app, &modes);
    assert!(report.starts_with("exit 0"), "{report}");
}

#[test]
fn sigterm_gives_the_terminal_back_in_a_pty() {
    signal_restores_the_terminal(libc::SIGTERM);
}

#[test]
fn sighup_gives_the_terminal_back_in_a_pty() {
    signal_restores_the_terminal(libc::SIGHUP);
}

/// A panic on the UI thread (the test-only trigger): the terminal comes
/// back first, then one short line on stderr names the log, which holds
/// the whole report.
#[test]
fn a_panic_gives_the_terminal_back_and_reports_to_the_log_in_a_pty() {
    let home = Home::new();
    let modes = home.path().join("modes.txt");
    let log = home.log_path();
    let mut app = PtyApp::spawn_then_stty(
        home,
        &["demo"],
        &[("AUTHDASH_TEST_PANIC", "1".into())],
        &modes,
    );
    let report = assert_terminal_given_back(&mut app, &modes);
    assert!(report.starts_with("exit 101"), "{report}");
    let raw = app.output().raw.clone();
    let left = rfind(&raw, LEAVE_ALTERNATE_SCREEN).expect("left the screen");
    let message = b"authdash stopped on an internal error";
    let said = rfind(&raw, message)
        .unwrap_or_else(|| panic!("{}", app.report("no short message on stderr")));
    assert!(
        said > left,
        "the message came before the terminal was restored"
    );
    assert!(
        count(&raw, b"stack backtrace").max(count(&raw, b"panicked at")) == 0,
        "{}",
        app.report("the full report belongs in the log, not the terminal")
    );
    let logged = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        logged.contains("panicked")
            && logged.contains("AUTHDASH_TEST_PANIC")
            && logged.contains("src/tui/app.rs"),
        "the log holds the report: {logged}"
    );
}

/// Draws the login screen and the help, quits, and gives every byte the
/// terminal was sent.
fn login_screen_and_help_drawn(app: &mut PtyApp) -> Vec<u8> {
    app.wait_for("What happens");
    app.send("?");
    app.wait_for("Keys (Esc closes)");
    app.send("?");
    app.wait_until("the help closed", WAIT, |s| {
        !s.contents().contains("Keys (Esc closes)")
    });
    app.send("q");
    let status = app.wait_exit(EXIT_WAIT);
    assert!(status.success(), "{}", app.report("exit"));
    app.output().raw.clone()
}

/// `NO_COLOR=1`: the whole session draws no colour escape.
#[test]
fn no_color_draws_no_colour_in_a_pty() {
    let home = Home::new();
    let mut app = PtyApp::spawn(home, &["demo"], &[("NO_COLOR", "1".into())]);
    let raw = login_screen_and_help_drawn(&mut app);
    for colour in [&b"\x1b[38;"[..], b"\x1b[48;", b";38;", b";48;"] {
        assert!(
            find(&raw, colour).is_none(),
            "{}",
            app.report(&format!("a colour escape {colour:?} was drawn"))
        );
    }
}

/// A light background (`COLORFGBG`, as rxvt and Konsole set it): no
/// yellow or cyan text, which fade on white; blue titles instead.
#[test]
fn a_light_background_gets_the_light_palette_in_a_pty() {
    let home = Home::new();
    let mut app = PtyApp::spawn(home, &["demo"], &[("COLORFGBG", "0;15".into())]);
    let raw = login_screen_and_help_drawn(&mut app);
    // crossterm writes the named colours as 256-colour indexes, the
    // background's after the text's ("38;5;4;49m").
    for (colour, name) in [
        (&b"38;5;3;"[..], "yellow"),
        (b"38;5;3m", "yellow"),
        (b"38;5;6;", "cyan"),
        (b"38;5;6m", "cyan"),
    ] {
        assert!(
            find(&raw, colour).is_none(),
            "{}",
            app.report(&format!("{name} text was drawn on a light background"))
        );
    }
    assert!(
        find(&raw, b"38;5;4;").is_some(),
        "{}",
        app.report("the light palette's blue was never drawn")
    );
}

/// `[authdash.keys]` naming an action that does not exist, or giving one
/// key two actions in one place: said plainly, exit 2, before the
/// terminal is ever taken.
#[test]
fn bad_keys_in_the_config_are_said_before_the_terminal_is_taken() {
    for (keys, expected) in [
        ("qiut = \"x\"\n", "`authdash.keys.qiut`: unknown action"),
        ("reload = \"m\"\n", "`m` starts both"),
    ] {
        let home = Home::new();
        let config = home.path().join("keys.toml");
        std::fs::write(
            &config,
            format!(
                "[auth]\nclient_id = \"cid\"\n\
                 server_metadata_url = \"https://idp.example/.well-known/openid-configuration\"\n\
                 [authdash.keys]\n{keys}"
            ),
        )
        .expect("write the config");
        let path = config.display().to_string();
        let mut app = PtyApp::spawn(home, &["--config", &path], &[]);
        let status = app.wait_exit(EXIT_WAIT);
        assert_eq!(status.exit_code(), 2, "{}", app.report("exit code"));
        let screen = app.screen_text();
        assert!(
            without_whitespace(&screen).contains(&without_whitespace(expected)),
            "{}",
            app.report(&format!("the screen should say {expected:?}"))
        );
        assert!(
            find(&app.output().raw, ENTER_ALTERNATE_SCREEN).is_none(),
            "{}",
            app.report("the terminal was taken")
        );
    }
}

/// No browser, no display, no second device (BROWSER and DISPLAY unset: a
/// container, an SSH session): `authdash demo` is completed from the
/// terminal alone. The sign-in from the terminal comes first; Enter lists
/// the demo users, one is picked, and the dashboard opens as them after a
/// real login against the embedded provider.
#[test]
fn the_demo_is_completed_from_the_terminal_alone_in_a_pty() {
    let home = Home::new();
    let env = support::pty::home_env(home.path());
    for name in ["BROWSER", "DISPLAY", "WAYLAND_DISPLAY"] {
        assert!(env.iter().all(|(k, _)| k != name), "{name} is set");
    }
    let mut app = support::pty::Pty::spawn(BIN, &["demo"], &env, home.path())
        .unwrap_or_else(|e| panic!("{e}"));
    let fail = |e: String| -> () { panic!("{e}\n--- log ---\n{}", home.log_tail()) };
    app.wait_for("› From this terminal, as a demo user", WAIT)
        .unwrap_or_else(fail);
    app.send("\r").unwrap_or_else(fail);
    app.wait_for("Sign in as", WAIT).unwrap_or_else(fail);
    app.send("\x1b[B").unwrap_or_else(fail);
    app.wait_for("› bob", WAIT).unwrap_or_else(fail);
    app.send("\r").unwrap_or_else(fail);
    app.wait_for("Bob Brown <bob@example.com>", WAIT)
        .unwrap_or_else(fail);
    app.wait_for("Navigate", WAIT).unwrap_or_else(fail);
    app.quit(EXIT_WAIT).unwrap_or_else(fail);
}
