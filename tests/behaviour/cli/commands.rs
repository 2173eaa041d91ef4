//! The subcommands through the real binary, against the in-process demo
//! provider: `status`, `token`, `switch`, `logout`, exit codes, several
//! processes sharing one store.

use crate::support;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use authdash::auth::Provider;
use authdash::demo::DemoSettings;
use authdash::store::{KEY_FILE_NAME, TokenStore};
use support::binary::{self, text};
use support::browser;
use support::cli::{Setup, set_mode};

const BOUND: Duration = Duration::from_secs(30);

/// A config that holds a secret and others can read is warned about on
/// stderr (stdout stays clean for scripts), with the fix.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_readable_config_holding_a_secret_is_warned_about() {
    let s = Setup::with_secret(DemoSettings::default()).await;
    set_mode(&s.config_path, 0o644);
    let out = s.run(&["status", "--json"]);
    let err = text(&out.stderr);
    assert!(
        err.contains("warning") && err.contains("store_secret"),
        "{err}"
    );
    assert!(err.contains("chmod 600"), "{err}");
    assert!(serde_json::from_slice::<serde_json::Value>(&out.stdout).is_ok());
    set_mode(&s.config_path, 0o600);
    assert!(s.run(&["status"]).stderr.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_token_and_exit_codes() {
    let s = Setup::new(DemoSettings::default()).await;
    let out = s.run(&["status"]);
    assert_eq!(
        out.status.code(),
        Some(4),
        "not logged in: {}",
        text(&out.stdout)
    );
    assert!(text(&out.stdout).contains("Not logged in"));
    let out = s.run(&["token"]);
    assert_eq!(out.status.code(), Some(4), "a login is needed");
    assert!(
        out.stdout.is_empty(),
        "nothing on stdout when there is no token"
    );

    let session = s.login("alice").await;
    let out = s.run(&["status", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("status --json is JSON");
    assert_eq!(json["logged_in"], true);
    assert_eq!(json["accounts"][0]["email"], "alice@example.com");
    assert_eq!(json["accounts"][0]["state"], "valid");
    assert_eq!(json["accounts"][0]["orgs"][0]["org_name"], "Acme");
    let key_file = s.data_dir().join(KEY_FILE_NAME);
    assert_eq!(
        json["store"]["key"],
        format!("key file {} (0600)", key_file.display())
    );
    let human = text(&s.run(&["status"]).stdout);
    assert!(
        human.contains("Logged in as Alice Anderson <alice@example.com>  [active]"),
        "{human}"
    );
    assert!(
        human.contains(&format!("encrypted with key file {}", key_file.display())),
        "{human}"
    );

    let out = s.run(&["token"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        format!("{}\n", session.access_token()),
        "only the token"
    );
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switch_and_logout() {
    let s = Setup::new(DemoSettings::default()).await;
    let alice = s.login("alice").await;
    s.login("bob").await;
    let list = text(&s.run(&["switch"]).stdout);
    assert!(
        list.contains("alice@example.com") && list.contains("*2 bob@example.com"),
        "{list}"
    );
    let out = s.run(&["switch", "alice@example.com"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let active = s.active_session();
    assert_eq!(active.user.email.as_deref(), Some("alice@example.com"));
    let out = s.run(&["switch", "nobody@example.com"]);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        text(&out.stderr).contains("no account matches"),
        "{}",
        text(&out.stderr)
    );

    let out = s.run(&["logout"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("the provider revoked the tokens and they are deleted here"),
        "{}",
        text(&out.stderr)
    );
    // The provider no longer honours alice's refresh token.
    let provider = Provider::discover(&s.config.providers[0], &s.config.http)
        .await
        .unwrap();
    assert!(provider.refresh(&alice).await.unwrap_err().needs_login());
    let accounts = s.store().accounts().unwrap();
    assert_eq!(accounts.sessions.len(), 1, "bob stays");
    let out = s.run(&["logout", "--all"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(s.run(&["status"]).status.code(), Some(4));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_sharing_the_store_never_spend_a_refresh_token_twice() {
    // Access tokens shorter than the refresh margin: every `token` renews.
    let s = Setup::new(DemoSettings {
        access_token_ttl: Duration::from_secs(30),
        ..DemoSettings::default()
    })
    .await;
    s.login("carol").await;
    let children: Vec<_> = (0..6)
        .map(|_| s.command(&["token"]).spawn().unwrap())
        .collect();
    let outputs: Vec<Output> =
        tokio::task::spawn_blocking(move || children.into_iter().map(binary::finish).collect())
            .await
            .unwrap();
    for out in &outputs {
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert!(!text(&out.stdout).trim().is_empty());
    }
    assert_eq!(
        s.demo.refresh_reuse_rejections(),
        0,
        "a refresh token was spent twice"
    );
    let stored = s.active_session();
    let last = text(
        &outputs
            .iter()
            .max_by_key(|o| o.stdout.len())
            .unwrap()
            .stdout,
    );
    assert!(!last.is_empty());
    assert!(
        stored.refreshed_at.is_some(),
        "the renewed tokens were stored"
    );
}

#[test]
fn completions_and_help_need_no_config() {
    let h = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let child = Command::new(env!("CARGO_BIN_EXE_authdash"))
            .args(args)
            .env("HOME", h.path())
            .env("XDG_CONFIG_HOME", h.path().join("c"))
            .env("XDG_STATE_HOME", h.path().join("s"))
            .env("XDG_DATA_HOME", h.path().join("d"))
            .env_remove("AUTHDASH_CONFIG")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        binary::finish(child)
    };
    let out = run(&["completions", "bash"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("authdash"));
    let out = run(&["--help"]);
    for sub in [
        "demo",
        "login",
        "logout",
        "status",
        "token",
        "switch",
        "completions",
    ] {
        assert!(text(&out.stdout).contains(sub), "--help lists {sub}");
    }
    let out = run(&["example-config"]);
    assert!(text(&out.stdout).contains("[auth]"));
    let _ = Path::new("");
}

/// Reads a child's stderr on a thread until `want` matches a line.
fn wait_line(rx: &std::sync::mpsc::Receiver<String>, seen: &mut Vec<String>, want: &str) -> String {
    let deadline = Instant::now() + BOUND;
    loop {
        if let Some(line) = seen.iter().find(|l| l.contains(want)) {
            return line.clone();
        }
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => seen.push(line),
            Err(_) => panic!("no line with {want:?} in {seen:#?}"),
        }
    }
}

/// The address and the code a device login prints ("1. Open …", "2. Enter
/// …"), each its line's last word.
fn device_code(rx: &std::sync::mpsc::Receiver<String>, seen: &mut Vec<String>) -> (String, String) {
    let mut last_word = |what: &str| {
        let line = wait_line(rx, seen, what);
        line.split_whitespace()
            .last()
            .unwrap_or_default()
            .to_owned()
    };
    (last_word("1. Open"), last_word("2. Enter"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_with_a_code_on_another_device() {
    let s = Setup::new(DemoSettings {
        device_poll_interval: Duration::from_secs(1),
        ..DemoSettings::default()
    })
    .await;
    let mut child = s.command(&["login", "--device"]).spawn().unwrap();
    let rx = binary::stderr_lines(&mut child);
    let mut seen = Vec::new();
    let (uri, code) = device_code(&rx, &mut seen);
    assert!(uri.ends_with("/device"), "{uri}");
    assert_eq!(code.len(), 9, "{code}");
    browser::approve_device(&uri, Some(&code), "bob")
        .await
        .unwrap();
    let out = tokio::task::spawn_blocking(move || binary::finish(child))
        .await
        .unwrap();
    seen.extend(binary::rest(&rx));
    assert_eq!(out.status.code(), Some(0), "{seen:#?}");
    assert!(out.stdout.is_empty(), "stdout stays clean");
    assert!(
        seen.iter()
            .any(|l| l.contains("Logged in to") && l.contains("bob@example.com")),
        "{seen:#?}"
    );
    let active = s.active_session();
    assert_eq!(active.user.email.as_deref(), Some("bob@example.com"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_in_the_browser_named_by_browser_env() {
    let s = Setup::new(DemoSettings::default()).await;
    let urls = s.home.path().join("urls");
    let script = support::pty::fake_browser(s.home.path(), &urls).unwrap();
    let child = s
        .command(&["login", "--browser"])
        .env("BROWSER", format!("sh {}", script.display()))
        .spawn()
        .unwrap();
    let deadline = Instant::now() + BOUND;
    let url = loop {
        if let Ok(text) = std::fs::read_to_string(&urls)
            && let Some(line) = text.lines().next()
        {
            break line.to_owned();
        }
        assert!(Instant::now() < deadline, "the browser was never opened");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    browser::sign_in(&url, "carol").await.unwrap();
    let out = tokio::task::spawn_blocking(move || binary::finish(child))
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains(&url), "the URL is printed too");
    let status = s.run(&["status"]);
    assert!(text(&status.stdout).contains("carol@example.com"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_that_fails_to_start_falls_back_to_a_code() {
    let s = Setup::new(DemoSettings {
        device_poll_interval: Duration::from_secs(1),
        ..DemoSettings::default()
    })
    .await;
    let mut child = s
        .command(&["login"])
        .env("BROWSER", "/nonexistent/browser")
        .spawn()
        .unwrap();
    let rx = binary::stderr_lines(&mut child);
    let mut seen = Vec::new();
    wait_line(&rx, &mut seen, "on another device instead");
    let (uri, code) = device_code(&rx, &mut seen);
    browser::approve_device(&uri, Some(&code), "alice")
        .await
        .unwrap();
    let out = tokio::task::spawn_blocking(move || binary::finish(child))
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{seen:#?}");
    assert_eq!(s.run(&["status"]).status.code(), Some(0));
}

/// A provider whose name, email and org names hold a screen-clearing
/// escape and a bidi override: `status` and `switch` print them visible.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_and_switch_print_provider_text_visible() {
    let s = Setup::new(DemoSettings::default()).await;
    let mut session = s.login("alice").await;
    session.user.name = Some("Alice\u{1b}[2J".into());
    session.user.email = Some("alice\u{202e}moc.elpmaxe@x".into());
    for org in &mut session.user.orgs {
        org.org_name = format!("{}\u{9b}31m", org.org_name);
    }
    s.store().save(&session).unwrap();

    let status = s.run(&["status"]);
    assert_eq!(status.status.code(), Some(0), "{}", text(&status.stderr));
    let human = text(&status.stdout);
    assert!(
        human.contains("Logged in as Alice\\u{1b}[2J <alice\\u{202e}moc.elpmaxe@x>"),
        "{human}"
    );
    assert!(human.contains("Acme\\u{9b}31m (Owner)"), "{human}");

    let list = text(&s.run(&["switch"]).stdout);
    assert!(list.contains("alice\\u{202e}moc.elpmaxe@x"), "{list}");

    for out in [&human, &list] {
        assert!(
            !out.contains(['\u{1b}', '\u{202e}', '\u{9b}']),
            "raw control characters reached the terminal: {out:?}"
        );
    }
}

/// `switch` names an account as it lists it: by email, else by name, else
/// by subject — never by the subject when there is an email.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switch_names_the_account_by_email_then_name_then_subject() {
    let s = Setup::new(DemoSettings::default()).await;
    let alice = s.login("alice").await;
    s.login("bob").await;
    let list = text(&s.run(&["switch"]).stdout);
    assert!(list.contains(" 1 alice@example.com"), "{list}");

    let out = s.run(&["switch", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "Active account: alice@example.com (demo)\n"
    );

    let mut nameless = alice.clone();
    nameless.user.email = None;
    s.store().save(&nameless).unwrap();
    let out = s.run(&["switch", "2"]);
    assert_eq!(
        text(&out.stdout),
        "Active account: bob@example.com (demo)\n"
    );
    let out = s.run(&["switch", &alice.user.subject]);
    assert_eq!(text(&out.stdout), "Active account: Alice Anderson (demo)\n");
    assert!(
        text(&s.run(&["switch"]).stdout).contains("*1 Alice Anderson"),
        "listed as it is named"
    );

    let mut anonymous = nameless;
    anonymous.user.name = None;
    s.store().save(&anonymous).unwrap();
    let out = s.run(&["switch", "1"]);
    assert_eq!(
        text(&out.stdout),
        format!("Active account: {} (demo)\n", alice.user.subject)
    );
}

/// `status` says when the access token expires in local time, to the
/// second, with how long that is from now; `--json` in RFC 3339, UTC, to the
/// second.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_times_are_local_to_the_second_and_json_is_utc() {
    let s = Setup::new(DemoSettings::default()).await;
    let session = s.login("alice").await;
    let expires = session.tokens.expires_at.expect("the demo says when");
    let tokyo = chrono::FixedOffset::east_opt(9 * 3600).unwrap();
    let child = s
        .command(&["status"])
        .env("TZ", "Asia/Tokyo")
        .spawn()
        .unwrap();
    let human = text(&binary::finish(child).stdout);
    let local = expires
        .with_timezone(&tokyo)
        .format("%Y-%m-%d %H:%M:%S +09:00");
    assert!(
        human.contains(&format!("access token: valid until {local} (in 9 min)"))
            || human.contains(&format!("access token: valid until {local} (in 10 min)")),
        "{human}"
    );

    let json: serde_json::Value = serde_json::from_slice(&s.run(&["status", "--json"]).stdout)
        .expect("status --json is JSON");
    let account = &json["accounts"][0];
    assert_eq!(
        account["access_token_expires_at"],
        expires.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    let id_expires = account["id_token_expires_at"].as_str().unwrap();
    assert!(
        id_expires.len() == "2025-03-14T09:26:53Z".len() && id_expires.ends_with('Z'),
        "{id_expires}"
    );
}
