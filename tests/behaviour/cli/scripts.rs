//! authdash from scripts and tools, through the real binary against the
//! in-process demo provider: exit codes, `token --format`, `exec`,
//! `status --prompt`, `--account`/`--org` and their variables,
//! non-interactive runs, and one login at a time across processes.

use crate::support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use authdash::demo::DemoSettings;
use authdash::store::TokenStore;
use support::cli::{Setup, command, set_mode};
use support::{binary, browser};

const BOUND: Duration = Duration::from_secs(30);

/// A `$BROWSER` that only records the URLs it is called with.
fn recording_browser(s: &Setup) -> (String, PathBuf) {
    let script = s.home.path().join("browser.sh");
    let urls = s.home.path().join("urls");
    std::fs::write(
        &script,
        format!("#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n", urls.display()),
    )
    .unwrap();
    set_mode(&script, 0o755);
    (format!("sh {}", script.display()), urls)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .map(|t| t.lines().map(str::to_owned).collect())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_token_format_through_the_binary() {
    let s = Setup::new(DemoSettings::default()).await;
    let session = s.login("alice").await;
    let token = session.access_token().to_owned();

    let out = s.run(&["token", "--format", "raw"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), format!("{token}\n"));

    let out = s.run(&["token", "--format", "header"]);
    assert_eq!(
        text(&out.stdout),
        format!("Authorization: Bearer {token}\n")
    );

    let out = s.run(&["token", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["access_token"], token.as_str());
    assert_eq!(json["token_type"], "Bearer");
    assert!(json["scopes"].is_array(), "{json}");
    let expires = json["expires_at"].as_str().expect("an expiry");
    chrono::DateTime::parse_from_rfc3339(expires).unwrap();

    let out = s.run(&["token", "--format", "env"]);
    let env = text(&out.stdout);
    assert!(
        env.contains(&format!("export AUTHDASH_ACCESS_TOKEN={token}\n")),
        "{env}"
    );
    assert!(env.contains("export AUTHDASH_ORG_ID="), "{env}");

    // The ExecCredential kubectl reads from an exec credential plugin
    // (client.authentication.k8s.io/v1): exactly these fields.
    let out = s.run(&["token", "--format", "exec-credential"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let cred: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(cred["apiVersion"], "client.authentication.k8s.io/v1");
    assert_eq!(cred["kind"], "ExecCredential");
    let status = cred["status"].as_object().unwrap();
    assert_eq!(status["token"], token.as_str());
    let at = status["expirationTimestamp"].as_str().unwrap();
    assert!(at.ends_with('Z'), "RFC 3339 in UTC: {at}");
    let at = chrono::DateTime::parse_from_rfc3339(at).unwrap();
    assert!(at > chrono::Utc::now());
    for key in status.keys() {
        assert!(
            ["token", "expirationTimestamp"].contains(&key.as_str()),
            "unexpected status field {key}"
        );
    }
    assert!(cred["spec"]["interactive"].is_boolean());

    // A --min-ttl the token meets leaves it as it is, silently.
    let out = s.run(&["token", "--min-ttl", "1m"]);
    assert_eq!(text(&out.stdout), format!("{token}\n"));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}

/// `--min-ttl` longer than the provider's tokens live (kubectl's plugin
/// asking for 2 h of the demo's 10-minute tokens): said on stderr at each
/// call, with what the provider gives; the token is renewed only once less
/// than half its lifetime is left, and then once — the provider's token
/// endpoint counts the renewals. The same for `exec --min-ttl`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_min_ttl_the_provider_cannot_meet_is_said_and_does_not_hammer_it() {
    let s = Setup::new(DemoSettings::default()).await;
    let session = s.login("alice").await;
    let token = session.access_token().to_owned();
    let renewals = || s.demo.requests().get("/token").copied().unwrap_or(0);
    let before = renewals();
    let exec = [
        "exec",
        "--min-ttl",
        "2h",
        "--",
        "sh",
        "-c",
        "printf '%s\\n' \"$AUTHDASH_ACCESS_TOKEN\"",
    ];
    let said = |err: &str| {
        assert!(
            err.contains("--min-ttl 2h is more than the provider gives")
                && err.contains("its access tokens live 10m")
                && err.contains("less than 5m"),
            "{err}"
        );
    };
    for _ in 0..3 {
        for args in [&["token", "--min-ttl", "2h"][..], &exec] {
            let out = s.run(args);
            assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
            assert_eq!(text(&out.stdout), format!("{token}\n"), "{args:?}");
            said(&text(&out.stderr));
        }
    }
    assert_eq!(
        renewals(),
        before,
        "no renewal while more than half the lifetime is left"
    );

    // Six of its ten minutes gone: renewed, once.
    let mut aged = session.clone();
    aged.logged_in_at -= chrono::TimeDelta::minutes(6);
    aged.tokens.expires_at = aged
        .tokens
        .expires_at
        .map(|t| t - chrono::TimeDelta::minutes(6));
    s.store().save(&aged).unwrap();
    let out = s.run(&["token", "--min-ttl", "2h"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    said(&text(&out.stderr));
    let renewed = text(&out.stdout);
    assert_ne!(renewed.trim(), token, "renewed past half its lifetime");
    assert_eq!(renewals(), before + 1);
    for args in [&["token", "--min-ttl", "2h"][..], &exec] {
        assert_eq!(text(&s.run(args).stdout), renewed, "{args:?}");
    }
    assert_eq!(renewals(), before + 1, "the renewed token is kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_codes_for_usage_config_and_login_needed() {
    let s = Setup::new(DemoSettings::default()).await;
    let help = s.run(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(
        [
            "0    ok",
            "1    failed",
            "2    bad usage",
            "4    a login is needed"
        ]
        .iter()
        .all(|line| text(&help.stdout).contains(line)),
        "{}",
        text(&help.stdout)
    );
    assert_eq!(s.run(&["token", "--format", "nope"]).status.code(), Some(2));
    assert_eq!(
        s.run(&["token", "--min-ttl", "soon"]).status.code(),
        Some(2)
    );
    assert_eq!(s.run(&["exec"]).status.code(), Some(2));
    let missing = s
        .command(&["status"])
        .args(["--config", "/nonexistent/authdash.toml"])
        .spawn()
        .unwrap();
    assert_eq!(binary::finish(missing).status.code(), Some(2));
    for args in [
        &["token"][..],
        &["status"],
        &["exec", "--", "true"],
        &["switch"],
        &["switch", "1"],
        &["status", "--prompt"],
        &["token", "--min-ttl", "1h"],
        &["login", "--non-interactive"],
    ] {
        let out = s.run(args);
        assert_eq!(
            out.status.code(),
            Some(4),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    // Nothing to log out: done already, said, and no login asked for.
    for args in [&["logout"][..], &["logout", "--all"]] {
        let out = s.run(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(
            text(&out.stderr).contains("Not logged in: nothing to log out."),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    s.login("alice").await;
    assert_eq!(s.run(&["status"]).status.code(), Some(0));
    let out = s.run(&["token", "--account", "nobody@example.com"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no account matches"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_passes_the_token_in_the_environment_and_exits_with_the_command() {
    let s = Setup::with_extra(DemoSettings::default(), "exec_token_env = \"MY_TOKEN\"\n").await;
    let session = s.login("alice").await;
    let dir = s.home.path();
    let script = format!(
        "printf %s \"$MY_TOKEN\" > '{d}/token'; printf %s \"$AUTHDASH_ORG_ID\" > '{d}/org'; \
         printf '%s ' \"$0\" \"$@\" > '{d}/args'; cat /proc/$$/cmdline > '{d}/cmdline'; exit 7",
        d = dir.display()
    );
    let out = s.run(&["exec", "--", "sh", "-c", &script, "sh", "one", "--two"]);
    assert_eq!(out.status.code(), Some(7), "{}", text(&out.stderr));
    let token = std::fs::read_to_string(dir.join("token")).unwrap();
    assert_eq!(token, session.access_token());
    let org = std::fs::read_to_string(dir.join("org")).unwrap();
    assert_eq!(
        Some(org.as_str()),
        session.user.orgs.first().map(|o| o.org_id.as_str())
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("args")).unwrap(),
        "sh one --two "
    );
    let cmdline = std::fs::read(dir.join("cmdline")).unwrap();
    assert!(
        !text(&cmdline).contains(session.access_token()),
        "never in the arguments"
    );
    // --org chooses the org id passed on.
    let globex = &session
        .user
        .orgs
        .iter()
        .find(|o| o.org_name != session.user.orgs[0].org_name)
        .unwrap();
    let out = s.run(&[
        "exec",
        "--org",
        &globex.org_name,
        "--",
        "sh",
        "-c",
        "printf %s \"$AUTHDASH_ORG_ID\"",
    ]);
    assert_eq!(text(&out.stdout), globex.org_id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signals_sent_to_exec_reach_the_command() {
    let s = Setup::new(DemoSettings::default()).await;
    s.login("alice").await;
    let ready = s.home.path().join("ready");
    let script = format!(
        "trap 'exit 42' TERM; echo $$ > '{}'; i=0; while [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; exit 3",
        ready.display()
    );
    let child = s
        .command(&["exec", "--", "sh", "-c", &script])
        .spawn()
        .unwrap();
    let deadline = Instant::now() + BOUND;
    let pid = loop {
        if let Some(line) = lines(&ready).first() {
            break line.trim().parse::<i32>().unwrap();
        }
        assert!(Instant::now() < deadline, "the command never started");
        std::thread::sleep(Duration::from_millis(20));
    };
    // The process authdash started as is the command itself.
    assert_eq!(pid as u32, child.id());
    // SAFETY: kill(2) with a pid of our own child and a valid signal.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGTERM) }, 0);
    let out = binary::finish(child);
    assert_eq!(out.status.code(), Some(42), "{}", text(&out.stderr));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_prompt_reads_the_store_alone() {
    let s = Setup::new(DemoSettings::default()).await;
    let out = s.run(&["status", "--prompt"]);
    assert_eq!(text(&out.stdout), "logged out\n");
    assert_eq!(out.status.code(), Some(4));
    s.login("alice").await;
    // The provider is up and counts what it is asked (a proxy would be
    // unreachable, and loopback goes around it anyway): nothing.
    let asked = s.demo.request_count();
    let out = binary::finish(
        command(s.home.path(), &s.config_path, &["status", "--prompt"])
            .env("HTTPS_PROXY", "http://127.0.0.1:9")
            .env("HTTP_PROXY", "http://127.0.0.1:9")
            .spawn()
            .unwrap(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        s.demo.request_count(),
        asked,
        "status --prompt asked the provider: {:?}",
        s.demo.requests()
    );
    let line = text(&out.stdout);
    assert!(
        line.starts_with("alice@example.com (Acme) ") && line.ends_with("m\n"),
        "{line:?}"
    );
    assert_eq!(line.lines().count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_and_org_for_one_run_say_which_rule_chose_them() {
    let s = Setup::new(DemoSettings::default()).await;
    s.login("alice").await;
    s.login("bob").await; // bob is now the active account
    let status = |args: &[&str], vars: &[(&str, &str)]| {
        let mut cmd = s.command(args);
        cmd.envs(vars.iter().copied());
        text(&binary::finish(cmd.spawn().unwrap()).stdout)
    };
    let plain = status(&["status"], &[]);
    assert!(
        plain.contains("This run uses bob@example.com (the remembered active account)"),
        "{plain}"
    );
    let by_env = status(&["status"], &[("AUTHDASH_ACCOUNT", "alice@example.com")]);
    assert!(
        by_env.contains("This run uses alice@example.com (chosen by $AUTHDASH_ACCOUNT)"),
        "{by_env}"
    );
    let by_flag = status(
        &["status", "--account", "bob@example.com"],
        &[("AUTHDASH_ACCOUNT", "alice@example.com")],
    );
    assert!(
        by_flag.contains("bob@example.com (chosen by --account)"),
        "{by_flag}"
    );
    let org = status(
        &["status", "--org", "Globex"],
        &[("AUTHDASH_ACCOUNT", "alice@example.com")],
    );
    assert!(org.contains("Org: Globex (chosen by --org)"), "{org}");
    let org = status(
        &["status"],
        &[
            ("AUTHDASH_ACCOUNT", "alice@example.com"),
            ("AUTHDASH_ORG", "Globex"),
        ],
    );
    assert!(
        org.contains("Org: Globex (chosen by $AUTHDASH_ORG)"),
        "{org}"
    );
    // The token is the chosen account's…
    let alice = s.run(&[
        "token",
        "--account",
        "alice@example.com",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&alice.stdout).unwrap();
    let accounts = s.store().accounts().unwrap();
    let alice_session = accounts
        .sessions
        .iter()
        .find(|x| x.user.email.as_deref() == Some("alice@example.com"))
        .unwrap();
    assert_eq!(json["subject"], alice_session.user.subject.as_str());
    // …and nothing remembered changed.
    let active = accounts.active_session().unwrap();
    assert_eq!(active.user.email.as_deref(), Some("bob@example.com"));
    // An org the account does not have is bad usage.
    let out = s.run(&["token", "--org", "Initech"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_interactive_run_never_opens_a_browser_and_exits_4() {
    let s = Setup::new(DemoSettings::default()).await;
    let (browser, urls) = recording_browser(&s);
    // stdin and stderr are not terminals here: non-interactive by itself.
    for args in [
        &["token"][..],
        &["exec", "--", "true"],
        &["--non-interactive", "login"],
    ] {
        let mut cmd = s.command(args);
        cmd.env("BROWSER", &browser);
        let out = binary::finish(cmd.spawn().unwrap());
        assert_eq!(
            out.status.code(),
            Some(4),
            "{args:?}: {}",
            text(&out.stderr)
        );
        let err = text(&out.stderr);
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(err.contains("authdash login"), "says how to log in: {err}");
        assert!(out.stdout.is_empty());
    }
    assert!(!urls.exists(), "the browser was never called");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_logins_at_once_open_one_browser_and_share_the_session() {
    let s = Setup::new(DemoSettings::default()).await;
    let (browser, urls) = recording_browser(&s);
    let spawn = || {
        let mut cmd = s.command(&["login", "--browser"]);
        cmd.env("BROWSER", &browser);
        cmd.spawn().unwrap()
    };
    let first = spawn();
    let deadline = Instant::now() + BOUND;
    let url = loop {
        if let Some(url) = lines(&urls).first() {
            break url.clone();
        }
        assert!(Instant::now() < deadline, "the browser was never opened");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let mut second = spawn();
    // The second says who is logging in, and waits.
    let rx = support::binary::stderr_lines(&mut second);
    let mut said = Vec::new();
    let waiting = loop {
        match rx.recv_timeout(BOUND) {
            Ok(line) if line.contains("Another login") => break line,
            Ok(line) => said.push(line),
            Err(_) => panic!("the second login never said it waits: {said:?}"),
        }
    };
    assert!(
        waiting.contains(&format!("process {}", first.id())),
        "{waiting}"
    );
    browser::sign_in(&url, "carol").await.unwrap();
    let first = tokio::task::spawn_blocking(move || binary::finish(first))
        .await
        .unwrap();
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let second = tokio::task::spawn_blocking(move || binary::finish(second))
        .await
        .unwrap();
    assert_eq!(second.status.code(), Some(0));
    let rest = support::binary::rest(&rx);
    assert!(
        rest.iter().any(|l| l.contains("carol@example.com")),
        "the second used the first's session: {rest:?}"
    );
    assert_eq!(lines(&urls).len(), 1, "one browser tab");
}
