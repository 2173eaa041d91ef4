//! The account lifecycle and the confirmations with the real binary in a
//! pseudo-terminal: an account logged out by another process (`authdash
//! logout` run beside the dashboard, on the same store) is said at once;
//! the menu's logout with a second account stored offers it, and Enter
//! switches to it without a login; log out everywhere asks first.
//!
//! Every wait is bounded; the children are killed when a test fails.

use crate::support;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use authdash::demo::{DemoProvider, DemoSettings};
use support::home::Home;
use support::pty::{Pty, runtime};

const BIN: &str = env!("CARGO_BIN_EXE_authdash");
/// Upper bound for anything to show on the screen.
const WAIT: Duration = Duration::from_secs(20);

fn fail<T>(e: String) -> T {
    panic!("{e}")
}

/// A person's machine: a private home, and a `$BROWSER` that writes each
/// URL it is given to `urls.txt` (the test then signs in there).
struct Machine {
    home: Home,
    urls: PathBuf,
    runtime: tokio::runtime::Runtime,
}

impl Machine {
    fn new() -> Self {
        let home = Home::new();
        let urls = home.dir.path().join("urls.txt");
        support::pty::fake_browser(home.dir.path(), &urls).expect("the fake browser");
        Self {
            home,
            urls,
            runtime: runtime(),
        }
    }

    fn spawn(&self, args: &[&str]) -> Pty {
        let env = support::pty::env_with_fake_browser(self.home.dir.path());
        Pty::spawn(BIN, args, &env, self.home.dir.path()).unwrap_or_else(fail)
    }

    /// `authdash demo` with alice signed in (the browser's first URL).
    fn demo_as_alice(&self) -> Pty {
        let mut app = self.spawn(&["demo"]);
        app.wait_for("What happens", WAIT).unwrap_or_else(fail);
        self.log_in(&mut app, "\r", 1, "alice", "Alice Anderson");
        app
    }

    /// The `n`-th URL (from 1) the browser was given, once it was.
    fn url(&self, app: &Pty, n: usize) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let text = std::fs::read_to_string(&self.urls).unwrap_or_default();
            // Only complete lines: the script may be writing right now.
            let lines: Vec<&str> = text.split_inclusive('\n').collect();
            if let Some(line) = lines.get(n - 1).filter(|l| l.ends_with('\n')) {
                return line.trim_end().to_owned();
            }
            assert!(
                Instant::now() < deadline,
                "$BROWSER was not given URL {n}:\n{}",
                app.contents()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Enter on the login screen (or `keys`), then `user` signs in at the
    /// `n`-th URL; waits for their dashboard.
    fn log_in(&self, app: &mut Pty, keys: &str, n: usize, user: &str, name: &str) {
        app.send(keys).unwrap_or_else(fail);
        let url = self.url(app, n);
        let response = self
            .runtime
            .block_on(support::browser::sign_in(&url, user))
            .unwrap_or_else(|e| panic!("signing {user} in: {e}\n{}", app.contents()));
        assert!(response.status().is_success(), "{}", response.status());
        wait_in_first_row(app, name);
    }

    fn urls_given(&self) -> usize {
        std::fs::read_to_string(&self.urls)
            .unwrap_or_default()
            .lines()
            .count()
    }
}

fn first_row(screen: &str) -> String {
    screen.lines().next().unwrap_or_default().to_owned()
}

fn wait_in_first_row(app: &mut Pty, text: &str) {
    app.wait_until(&format!("{text:?} in the header"), WAIT, |s| {
        first_row(s).contains(text)
    })
    .unwrap_or_else(fail)
}

/// `authdash logout` run as a second process against the same data dir,
/// while the dashboard shows the account it logs out: the dashboard says
/// so at once (no renewal is due for minutes), stops promising one, and
/// offers to log in again.
#[test]
fn an_account_logged_out_by_another_process_is_said_at_once_in_a_pty() {
    let machine = Machine::new();
    let provider = machine
        .runtime
        .block_on(DemoProvider::start(DemoSettings::default()))
        .expect("the demo provider starts");
    let toml = authdash::demo::config_toml(provider.issuer_str());
    machine.home.config("authdash.toml", &toml);
    let config = machine.home.config_path("authdash.toml");
    let mut app = machine.spawn(&["--config", &config.display().to_string()]);
    app.wait_for("What happens", WAIT).unwrap_or_else(fail);
    machine.log_in(&mut app, "\r", 1, "alice", "Alice Anderson");
    wait_in_first_row(&mut app, "renews in");
    app.send("jjj").unwrap_or_else(fail);
    app.wait_for("Billing · Acme", WAIT).unwrap_or_else(fail);
    app.wait_for("Visa ending 4242", WAIT).unwrap_or_else(fail);

    let out = machine.home.authdash("authdash.toml", &["logout"]);
    let said = support::binary::text(&out.stdout) + &support::binary::text(&out.stderr);
    assert!(out.status.success(), "authdash logout: {said}");
    assert!(said.contains("alice@example.com"), "{said}");

    app.wait_for("was logged out elsewhere", WAIT)
        .unwrap_or_else(fail);
    let screen = app.contents();
    assert!(first_row(&screen).contains("not logged in"), "{screen}");
    assert!(!screen.contains("renews"), "{screen}");
    assert!(
        screen.contains("alice@example.com  log in again"),
        "{screen}"
    );
    // Enter logs in again, and the panel is where it was.
    machine.log_in(&mut app, "\r", 2, "alice", "Alice Anderson");
    app.wait_for("Billing · Acme", WAIT).unwrap_or_else(fail);
    app.quit(WAIT).unwrap_or_else(fail);
}

/// Two accounts stored; the menu's logout of the one on screen offers the
/// other, and Enter switches to it with no login (no URL opened).
#[test]
fn the_menus_logout_offers_the_other_stored_account_in_a_pty() {
    let machine = Machine::new();
    let mut app = machine.demo_as_alice();
    app.send("m").unwrap_or_else(fail);
    app.wait_for("a Add account", WAIT).unwrap_or_else(fail);
    machine.log_in(&mut app, "a", 2, "bob", "Bob Brown");
    app.send("jjj").unwrap_or_else(fail);
    app.wait_for("Billing · Acme", WAIT).unwrap_or_else(fail);

    app.send("m").unwrap_or_else(fail);
    app.wait_for("L Log out", WAIT).unwrap_or_else(fail);
    app.send("L").unwrap_or_else(fail);
    app.wait_for("Logged out bob@example.com", WAIT)
        .unwrap_or_else(fail);
    let screen = app.contents();
    assert!(screen.contains("Your accounts"), "{screen}");
    assert!(
        screen.contains("bob@example.com    log in again"),
        "{screen}"
    );
    assert!(
        screen.contains("alice@example.com  switch to it"),
        "{screen}"
    );

    app.send("j").unwrap_or_else(fail);
    app.send("\r").unwrap_or_else(fail);
    wait_in_first_row(&mut app, "Alice Anderson");
    app.wait_for("Billing · Acme", WAIT).unwrap_or_else(fail);
    app.wait_for("Visa ending 4242", WAIT).unwrap_or_else(fail);
    assert_eq!(machine.urls_given(), 2, "no login for the switch");
    app.quit(WAIT).unwrap_or_else(fail);
}

/// Log out everywhere asks first: Esc stays logged in; `y` goes on.
#[test]
fn log_out_everywhere_asks_first_in_a_pty() {
    let machine = Machine::new();
    let mut app = machine.demo_as_alice();
    app.send("m").unwrap_or_else(fail);
    app.wait_for("E Log out everywhere", WAIT)
        .unwrap_or_else(fail);
    app.send("E").unwrap_or_else(fail);
    app.wait_for("Log out everywhere?", WAIT)
        .unwrap_or_else(fail);
    app.wait_for("Enter/y log out everywhere", WAIT)
        .unwrap_or_else(fail);
    app.send("\x1b").unwrap_or_else(fail);
    app.wait_gone("Log out everywhere?", WAIT)
        .unwrap_or_else(fail);
    // Still logged in, still renewing.
    std::thread::sleep(Duration::from_millis(300));
    let screen = app.contents();
    assert!(first_row(&screen).contains("Alice Anderson"), "{screen}");
    assert!(first_row(&screen).contains("renews"), "{screen}");

    app.send("m").unwrap_or_else(fail);
    app.wait_for("E Log out everywhere", WAIT)
        .unwrap_or_else(fail);
    app.send("E").unwrap_or_else(fail);
    app.wait_for("Log out everywhere?", WAIT)
        .unwrap_or_else(fail);
    app.send("y").unwrap_or_else(fail);
    // The report wraps: read it with its line breaks as spaces.
    app.wait_until("the report of the logout", WAIT, |s| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .contains("Every session on every device has ended too")
    })
    .unwrap_or_else(fail);
    wait_in_first_row(&mut app, "not logged in");
    app.quit(WAIT).unwrap_or_else(fail);
}
