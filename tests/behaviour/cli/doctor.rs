//! `authdash doctor` and `authdash init` through the real binary: against
//! the demo provider (all ok), a provider whose issuer differs, one that is
//! not there, a fixed redirect port that is taken, a client the provider
//! does not know, a token store others can read, broken and missing
//! configs; init's files parse and are never overwritten.
//!
//! All traffic stays on 127.0.0.1; every wait is bounded.

use crate::support;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use authdash::config::Config;
use authdash::demo::{DemoProvider, DemoSettings, config_toml};
use serde_json::Value;
use support::binary::{self, text};
use support::broken_provider::{BrokenProvider, Fault};

const SECRET: &str = "a test store secret, long enough";

/// A temporary home: config, data and state folders of its own, the
/// store's key file in its data folder (`support::home`): with a config
/// without a `store_secret`, doctor looks at that file and never asks the
/// OS keyring of the machine running the tests.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        support::home::make_key_file(&dir.path().join("data").join("authdash"));
        Self { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn data_dir(&self) -> PathBuf {
        self.path().join("data").join("authdash")
    }

    fn default_config(&self) -> PathBuf {
        self.path()
            .join("config")
            .join("authdash")
            .join("authdash.toml")
    }

    /// Write a config file; its path.
    fn config(&self, text: &str) -> PathBuf {
        let path = self.path().join("authdash.toml");
        std::fs::write(&path, text).unwrap();
        // Owner-only, as a config holding secrets should be (else doctor warns).
        #[cfg(unix)]
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o600))
            .unwrap();
        path
    }

    /// Run the binary (in the home, with only its own environment) to
    /// completion, bounded.
    fn run(&self, args: &[&str]) -> Output {
        let h = self.path();
        binary::run(binary::command(h).args(args).current_dir(h))
    }

    fn doctor(&self, config: &Path, extra: &[&str]) -> Output {
        let mut args = vec!["--config", config.to_str().unwrap(), "doctor"];
        args.extend_from_slice(extra);
        self.run(&args)
    }
}

/// The report line of check `name` (from its status on) and the line
/// after it (the fix, when not ok).
fn line<'a>(report: &'a str, name: &str) -> (&'a str, &'a str) {
    let lines: Vec<&str> = report.lines().collect();
    let i = lines
        .iter()
        .position(|l| {
            let l = l.trim_start();
            let Some((status, rest)) = l.split_once(' ') else {
                return false;
            };
            ["ok", "warn", "fail"].contains(&status)
                && rest
                    .trim_start()
                    .strip_prefix(name)
                    .is_some_and(|after| after.starts_with("  "))
        })
        .unwrap_or_else(|| panic!("no check `{name}` in:\n{report}"));
    (
        lines[i].trim_start(),
        lines.get(i + 1).copied().unwrap_or(""),
    )
}

fn demo_config(issuer: &str, extra_auth: &str) -> String {
    config_toml(issuer).replace(
        "[auth.demo]",
        &format!("[auth]\nstore_secret = \"{SECRET}\"\n{extra_auth}\n[auth.demo]"),
    )
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_provider_passes_every_check() {
    let demo = DemoProvider::start(DemoSettings::default()).await.unwrap();
    let home = Home::new();
    let config = home.config(&demo_config(demo.issuer_str(), ""));

    let out = home.doctor(&config, &[]);
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{report}{}", text(&out.stderr));
    for name in [
        "config",
        "discovery",
        "issuer",
        "keys (JWKS)",
        "PKCE S256",
        "device grant",
        "clock",
        "redirect URI",
        "redirect accepted",
        "data folder",
        "key",
    ] {
        let (l, _) = line(&report, name);
        assert!(l.starts_with("ok"), "{name}: {l}\n{report}");
    }
    assert!(report.contains("0 warn, 0 fail"), "{report}");
    // The dry request came back to our redirect URI with `login_required`.
    assert!(
        line(&report, "redirect accepted")
            .0
            .contains("login_required"),
        "{report}"
    );

    let out = home.doctor(&config, &["--json"]);
    assert_eq!(out.status.code(), Some(0));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["ok"], true);
    let checks = json["checks"].as_array().unwrap();
    assert!(checks.len() >= 10, "{json:#}");
    assert!(checks.iter().all(|c| c["status"] == "ok"), "{json:#}");
    assert!(
        checks
            .iter()
            .any(|c| c["section"] == "provider demo" && c["name"] == "issuer")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_issuer_that_differs_fails_with_the_fix() {
    let provider = BrokenProvider::start(Fault::DiscoveryIssuer).await;
    let home = Home::new();
    let config = home.config(&provider.toml());
    let out = home.doctor(&config, &[]);
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}");
    let (l, fix) = line(&report, "issuer");
    assert!(l.starts_with("fail"), "{report}");
    assert!(l.contains(&format!("`{}/other`", provider.issuer())), "{l}");
    assert!(
        fix.contains("fix: ")
            && fix.contains(&format!(
                "`{}/other/.well-known/openid-configuration`",
                provider.issuer()
            )),
        "{fix}"
    );
}

/// Rule 8 as `doctor` sees it: a document naming plain-http endpoints
/// elsewhere fails one line naming each, and nothing is fetched from it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_endpoints_elsewhere_fail_naming_each() {
    let provider = BrokenProvider::start(Fault::InsecureEndpoints).await;
    let home = Home::new();
    let config = home.config(&provider.toml());
    let out = home.doctor(&config, &[]);
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}");
    let (l, fix) = line(&report, "https endpoints");
    assert!(l.starts_with("fail"), "{report}");
    for endpoint in [
        "authorization_endpoint http://evil.example/authorize",
        "token_endpoint http://evil.example/token",
        "end_session_endpoint http://evil.example/logout",
    ] {
        assert!(l.contains(endpoint), "{endpoint} missing: {l}");
    }
    assert!(!l.contains("jwks_uri"), "the loopback key set is fine: {l}");
    assert!(fix.contains("https"), "{fix}");
    assert_eq!(provider.jwks_hits(), 0, "nothing fetched from the document");
}

/// A provider of few words: the shared broken provider answering
/// discovery with a clock ten minutes slow and no PKCE methods, no keys,
/// and a sign-in page for any authorization request.
async fn odd_provider() -> BrokenProvider {
    use axum::Json;
    use axum::http::header;
    use axum::response::{Html, IntoResponse};
    use axum::routing::get;
    use std::sync::{Arc, OnceLock};

    let issuer: Arc<OnceLock<String>> = Arc::default();
    let slow = || {
        let t = chrono::Utc::now() - chrono::TimeDelta::minutes(10);
        t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
    };
    let doc = support::broken_provider::minimal_discovery;
    let known = issuer.clone();
    let routes = axum::Router::new()
        .route(
            "/.well-known/openid-configuration",
            get(move || {
                let doc = doc(known.get().map_or("", String::as_str));
                async move { ([(header::DATE, slow())], Json(doc)).into_response() }
            }),
        )
        .route(
            "/jwks",
            get(|| async { Json(serde_json::json!({ "keys": [] })) }),
        )
        .route(
            "/authorize",
            get(|| async { Html("<html><title>Sign in</title><form></form></html>") }),
        );
    let paths = ["/.well-known/openid-configuration", "/jwks", "/authorize"];
    let op = BrokenProvider::start_with(Fault::None, &paths, routes).await;
    let _ = issuer.set(op.issuer().to_owned());
    op
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_clock_no_keys_and_no_pkce_are_reported() {
    let op = odd_provider().await;
    let issuer = op.issuer();
    let home = Home::new();
    let config = home.config(&format!(
        "[auth]\nclient_id = \"c\"\nflow = \"browser\"\n\
         server_metadata_url = \"{issuer}/.well-known/openid-configuration\"\n"
    ));
    let out = home.doctor(&config, &[]);
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}");
    let (l, fix) = line(&report, "clock");
    assert!(l.starts_with("fail") && l.contains("ahead of"), "{l}");
    assert!(fix.contains("timedatectl"), "{fix}");
    let (l, _) = line(&report, "keys (JWKS)");
    assert!(l.starts_with("fail") && l.contains("no keys"), "{l}");
    assert!(line(&report, "PKCE S256").0.starts_with("warn"), "{report}");
    assert!(
        line(&report, "device grant").0.starts_with("ok"),
        "{report}"
    );
    // A page, no error in it: said to be likely, not certain.
    let (l, _) = line(&report, "redirect accepted");
    assert!(
        l.starts_with("ok") && l.contains("cannot tell for sure") && l.contains("Sign in"),
        "{l}"
    );
    drop(op);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_provider_fails_naming_the_url() {
    let home = Home::new();
    let url = format!(
        "http://127.0.0.1:{}/.well-known/openid-configuration",
        closed_port()
    );
    let config = home.config(&format!(
        "[auth]\nclient_id = \"c\"\nserver_metadata_url = \"{url}\"\n\n\
         [authdash]\nconnect_timeout_secs = 2\nrequest_timeout_secs = 3\n"
    ));
    let started = Instant::now();
    let out = home.doctor(&config, &[]);
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}");
    let (l, fix) = line(&report, "discovery");
    assert!(l.starts_with("fail") && l.contains(&url), "{l}");
    assert!(fix.contains("fix: check server_metadata_url"), "{fix}");
    // Nothing that needs the document is claimed; the local checks still run.
    assert!(!report.contains("issuer"), "{report}");
    assert!(line(&report, "redirect URI").0.starts_with("ok"));
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fixed_redirect_port_in_use_is_reported() {
    let demo = DemoProvider::start(DemoSettings::default()).await.unwrap();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let home = Home::new();
    let config = home.config(&demo_config(
        demo.issuer_str(),
        &format!("redirect_uri = \"http://127.0.0.1:{port}/callback\""),
    ));
    let out = home.doctor(&config, &[]);
    let report = text(&out.stdout);
    let (l, fix) = line(&report, "redirect port");
    assert!(l.starts_with("warn"), "{report}");
    assert!(
        l.contains(&format!("port {port}")) && l.contains("in use"),
        "{l}"
    );
    assert!(fix.contains("fix: stop the program holding port"), "{fix}");
    assert!(
        line(&report, "redirect URI")
            .0
            .contains(&format!("fixed port {port}")),
        "{report}"
    );
    // A warning alone does not fail the run.
    assert_eq!(out.status.code(), Some(0), "{report}");

    drop(taken);
    let out = home.doctor(&config, &[]);
    let report = text(&out.stdout);
    assert!(
        line(&report, "redirect port").0.starts_with("ok"),
        "{report}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_the_provider_does_not_know_is_refused() {
    let demo = DemoProvider::start(DemoSettings::default()).await.unwrap();
    let home = Home::new();
    let config = home.config(&demo_config(demo.issuer_str(), "").replace(
        "client_id = \"authdash-demo\"",
        "client_id = \"someone-else\"",
    ));
    let out = home.doctor(&config, &[]);
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}");
    let (l, fix) = line(&report, "redirect accepted");
    assert!(l.starts_with("fail") && l.contains("HTTP 400"), "{l}");
    assert!(fix.contains("someone-else"), "{fix}");
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_others_can_read_fails_with_the_chmod() {
    use std::os::unix::fs::PermissionsExt;

    let demo = DemoProvider::start(DemoSettings::default()).await.unwrap();
    let home = Home::new();
    let config = home.config(&demo_config(demo.issuer_str(), ""));
    let dir = home.data_dir();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let sessions = dir.join("sessions.json");
    std::fs::write(&sessions, "{}").unwrap();
    std::fs::set_permissions(&sessions, std::fs::Permissions::from_mode(0o644)).unwrap();

    let out = home.doctor(&config, &[]);
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}");
    let (l, fix) = line(&report, "data folder");
    assert!(l.starts_with("fail") && l.contains("0755"), "{l}");
    assert_eq!(fix.trim(), format!("fix: chmod 700 {}", dir.display()));
    let (l, fix) = line(&report, "sessions file");
    assert!(l.starts_with("fail") && l.contains("0644"), "{l}");
    assert_eq!(fix.trim(), format!("fix: chmod 600 {}", sessions.display()));
    assert!(
        line(&report, "key")
            .0
            .contains("store_secret from the config"),
        "{report}"
    );

    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    std::fs::set_permissions(&sessions, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = home.doctor(&config, &[]);
    let report = text(&out.stdout);
    assert!(line(&report, "data folder").0.starts_with("ok"), "{report}");
    // `{}` is no sealed store: said, not crashed on.
    assert!(line(&report, "sessions").0.starts_with("fail"), "{report}");
}

#[test]
fn a_broken_config_is_one_failed_line() {
    let home = Home::new();
    let config = home.config("[auth]\nclient_id = \"c\"\nserver_metadata_url = \"ftp://x\"\n");
    let out = home.doctor(&config, &[]);
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}{}", text(&out.stderr));
    let (l, fix) = line(&report, "config");
    assert!(
        l.starts_with("fail") && l.contains("server_metadata_url"),
        "{l}"
    );
    assert!(fix.contains("fix: "), "{fix}");
    assert!(text(&out.stderr).is_empty(), "{}", text(&out.stderr));

    let config = home.config("[auth\n");
    let out = home.doctor(&config, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        line(&text(&out.stdout), "config")
            .0
            .contains("not valid TOML")
    );
}

#[test]
fn no_config_at_all_points_at_init() {
    let home = Home::new();
    let out = home.run(&["doctor"]);
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}");
    let (l, fix) = line(&report, "config");
    assert!(
        l.starts_with("fail") && l.contains("no config found"),
        "{l}"
    );
    assert!(fix.contains("authdash init"), "{fix}");
}

#[test]
fn init_writes_a_config_that_parses_and_never_overwrites_it() {
    let home = Home::new();
    let out = home.run(&["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let path = home.default_config();
    let said = text(&out.stdout);
    assert!(said.contains(&path.display().to_string()), "{said}");
    assert!(
        said.contains("client_id") && said.contains("redirect URI"),
        "{said}"
    );
    let written = std::fs::read_to_string(&path).unwrap();
    let config = Config::load(&path, &|_| None).unwrap();
    assert_eq!(config.providers[0].client_id, "YOUR_CLIENT_ID");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{mode:o}");
    }

    // Once there, never replaced.
    std::fs::write(&path, format!("{written}\n# mine\n")).unwrap();
    let out = home.run(&["init", "--preset", "google"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains(&path.display().to_string()) && err.contains("already exists"),
        "{err}"
    );
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .ends_with("# mine\n")
    );

    // Doctor on the untouched template: the placeholders, not a DNS error.
    let out = home.run(&["doctor"]);
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}");
    let (l, _) = line(&report, "placeholders");
    assert!(
        l.contains("client_id") && l.contains("server_metadata_url"),
        "{l}"
    );
    assert!(!report.contains("discovery"), "{report}");
}

#[test]
fn every_preset_writes_a_config_that_parses() {
    let home = Home::new();
    for preset in authdash::cli::Preset::NAMES {
        let path = home.path().join("nested").join(format!("{preset}.toml"));
        let out = home.run(&[
            "--config",
            path.to_str().unwrap(),
            "init",
            "--preset",
            preset,
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{preset}: {}",
            text(&out.stderr)
        );
        let said = text(&out.stdout);
        assert!(said.contains("Redirect URI:"), "{said}");
        let config = Config::load(&path, &|_| None)
            .unwrap_or_else(|e| panic!("{preset} does not parse: {e}"));
        assert_eq!(config.providers.len(), 1, "{preset}");
    }
    let out = home.run(&["init", "--preset", "nonesuch"]);
    assert_eq!(out.status.code(), Some(2));
}
