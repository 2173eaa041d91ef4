//! Responsiveness under a slow network: the real binary in a pseudo-
//! terminal while the provider's token endpoint, or a panel's API, does
//! not answer. Keys are still answered (the help opens and closes), the
//! wait shows as a spinner saying what is awaited, and Esc cancels it.
//!
//! Generous bounds, no timing assertion: each stall lasts far longer (20 s
//! for the panel, 120 s for the token endpoint) than the waits that check
//! the screen meanwhile, and the stall is seen still under way at the
//! provider before and after the keys.

use crate::support;

use std::path::Path;
use std::time::Duration;

use authdash::demo::{DemoProvider, DemoSettings};
use support::broken_provider::{BrokenProvider, Fault};
use support::browser;
use support::pty::{Pty, runtime};

const BIN: &str = env!("CARGO_BIN_EXE_authdash");
/// Upper bound for anything to show on the screen.
const WAIT: Duration = Duration::from_secs(15);

/// A private home: its XDG folders, the store's key file (so authdash never
/// asks the OS keyring), a `$BROWSER` that writes the URL it is given to
/// `urls.txt`, and `config` as the config file.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new(config: &str) -> Home {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::Builder::new()
            .prefix("authdash-slow-")
            .tempdir()
            .expect("temp dir");
        let path = dir.path();
        support::home::make_key_file(&path.join("data").join("authdash"));
        std::fs::write(path.join("authdash.toml"), config).expect("config");
        std::fs::set_permissions(
            path.join("authdash.toml"),
            std::fs::Permissions::from_mode(0o600),
        )
        .expect("config made private");
        support::pty::fake_browser(path, &path.join("urls.txt")).expect("fake browser");
        Home { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn env(&self) -> Vec<(String, String)> {
        support::pty::env_with_fake_browser(self.path())
    }

    /// The dashboard in a pty, on the login screen's Enter: the
    /// authorization URL the browser was given.
    fn start_login(&self) -> (Pty, String) {
        let config = self.path().join("authdash.toml").display().to_string();
        let mut app =
            Pty::spawn(BIN, &["--config", &config], &self.env(), self.path()).expect("pty");
        app.wait_for("What happens", WAIT).unwrap_or_else(fail);
        app.send("\r").unwrap_or_else(fail);
        let urls = self.path().join("urls.txt");
        let deadline = std::time::Instant::now() + WAIT;
        let url = loop {
            let text = std::fs::read_to_string(&urls).unwrap_or_default();
            if let Some((first, _)) = text.split_once('\n') {
                break first.to_owned();
            }
            assert!(
                std::time::Instant::now() < deadline,
                "$BROWSER was given no URL:\n{}",
                app.contents()
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        (app, url)
    }
}

fn fail(e: String) {
    panic!("{e}")
}

/// `?` opens the help and Esc closes it, while whatever is stalled stays
/// stalled.
fn help_opens_and_closes(app: &mut Pty) {
    app.send("?").unwrap_or_else(fail);
    app.wait_for("Keys (Esc closes)", WAIT).unwrap_or_else(fail);
    app.send("\x1b").unwrap_or_else(fail);
    app.wait_gone("Keys (Esc closes)", WAIT)
        .unwrap_or_else(fail);
}

/// A spinner frame and `what` on one line of the screen.
fn spinner_says(screen: &str, what: &str) -> bool {
    const SPINNER: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
    screen
        .lines()
        .any(|l| l.contains(what) && l.chars().any(|c| SPINNER.contains(&c)))
}

#[test]
fn a_hanging_token_endpoint_leaves_keys_answered_and_esc_cancels_the_login() {
    let rt = runtime();
    let provider = rt.block_on(BrokenProvider::start(Fault::TokenHang));
    let home = Home::new(&provider.toml());
    let (mut app, url) = home.start_login();
    // The provider signs in at once and redirects to the callback; the
    // code's exchange then hangs at the token endpoint.
    let callback = rt
        .block_on(browser::authorize_redirect(&url, "anyone"))
        .unwrap_or_else(|e| panic!("{e}"));
    let delivered = rt.spawn(async move { browser::follow(&callback).await.map(|r| r.status()) });
    let deadline = std::time::Instant::now() + WAIT;
    while provider.token_hits() == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the code never reached the token endpoint:\n{}",
            app.contents()
        );
        std::thread::sleep(Duration::from_millis(20));
    }

    app.wait_until("a spinner saying the login is awaited", WAIT, |s| {
        spinner_says(s, "waiting for the login")
    })
    .unwrap_or_else(fail);
    help_opens_and_closes(&mut app);
    // Esc cancels the login under way, though the provider still hangs.
    app.send("\x1b").unwrap_or_else(fail);
    app.wait_for("Login cancelled", WAIT).unwrap_or_else(fail);
    app.wait_until("the spinner gone", WAIT, |s| {
        !spinner_says(s, "waiting for the login")
    })
    .unwrap_or_else(fail);
    assert_eq!(provider.token_hits(), 1, "one exchange, never retried");
    assert!(
        !delivered.is_finished() || rt.block_on(delivered).is_ok(),
        "the browser's callback request ended badly"
    );
    app.quit(WAIT).unwrap_or_else(fail);
}

#[test]
fn a_stalled_panel_api_leaves_keys_answered_and_esc_cancels_the_fetch() {
    let rt = runtime();
    let demo = rt
        .block_on(DemoProvider::start(DemoSettings::default()))
        .expect("demo provider");
    let issuer = demo.issuer_str().to_owned();
    // The demo config, plus a panel whose API answers after 20 s.
    let config = format!(
        "{}\n[[authdash.panels]]\nid = \"slow\"\ntitle = \"Slow\"\n\
         description = \"An API that takes 20 s to answer.\"\n\
         requires = {{ min_role = \"Member\" }}\ndata_url = \"{issuer}/api/trouble/slow\"\n",
        authdash::demo::config_toml(&issuer)
    );
    let home = Home::new(&config);
    let (mut app, url) = home.start_login();
    let response = rt
        .block_on(browser::sign_in(&url, "alice"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(response.status().is_success(), "{}", response.status());
    app.wait_for("Alice Anderson", WAIT).unwrap_or_else(fail);

    // End: the last entry, the slow panel; its fetch starts.
    let asked = slow_requests(&demo);
    app.send("\x1b[F").unwrap_or_else(fail);
    app.wait_for("Slow · Acme", WAIT).unwrap_or_else(fail);
    app.wait_for("Loading…", WAIT).unwrap_or_else(fail);
    app.wait_until("a spinner naming the panel awaited", WAIT, |s| {
        spinner_says(s, "loading Slow (Esc stops waiting)")
    })
    .unwrap_or_else(fail);
    // The request reaches the API (and stays there, unanswered).
    let deadline = std::time::Instant::now() + WAIT;
    while slow_requests(&demo) == asked {
        assert!(
            std::time::Instant::now() < deadline,
            "the panel's request never reached the API:\n{}",
            app.contents()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(slow_requests(&demo), asked + 1, "one fetch under way");

    help_opens_and_closes(&mut app);
    app.wait_for("Loading…", WAIT).unwrap_or_else(fail);
    // Esc stops waiting: the panel says so, the spinner goes.
    app.send("\x1b").unwrap_or_else(fail);
    app.wait_for("cancelled (Esc)", WAIT).unwrap_or_else(fail);
    app.wait_until("the spinner gone", WAIT, |s| {
        !spinner_says(s, "loading Slow")
    })
    .unwrap_or_else(fail);
    assert!(!app.contents().contains("Loading…"), "{}", app.contents());
    app.quit(WAIT).unwrap_or_else(fail);
}

fn slow_requests(demo: &DemoProvider) -> u64 {
    demo.requests()
        .get("/api/trouble/slow")
        .copied()
        .unwrap_or(0)
}
