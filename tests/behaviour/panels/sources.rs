//! Panel sources against real servers on loopback: the demo data API
//! (which checks the bearer token and the org, and misbehaves on purpose
//! under `/api/trouble/`) and local programs run as `command` sources.
//! Every fetch goes through the session service, as the TUI's do.

use crate::support;

use std::sync::Arc;
use std::time::Duration;

use authdash::auth::Session;
use authdash::demo::config_toml;
use authdash::panels::view::View;
use authdash::panels::{PanelSpec, SourceError, TemplateVars};
use authdash::session::SessionService;
use serde_json::json;
use support::home::{DemoHome, demo_login};

const BOUND: Duration = Duration::from_secs(30);
const ACME: &str = "7a1b2c3d-4e5f-4a6b-8c7d-1e2f3a4b5c6d";
/// A secret in authdash's environment, as `client_secret_env` names one.
const CLIENT_SECRET: &str = "the client secret of acme, in authdash's environment";

/// Panels beyond the demo's: the misbehaving endpoints, a pointer that
/// matches nothing, and local programs.
const EXTRA: &str = r#"
[[authdash.panels]]
id = "t500"
title = "500"
source = { type = "http", url = "{issuer}/api/trouble/status-500" }

[[authdash.panels]]
id = "tbad"
title = "bad json"
source = { type = "http", url = "{issuer}/api/trouble/bad-json" }

[[authdash.panels]]
id = "tslow"
title = "slow"
source = { type = "http", url = "{issuer}/api/trouble/slow" }

[[authdash.panels]]
id = "thuge"
title = "huge"
source = { type = "http", url = "{issuer}/api/trouble/huge" }

[[authdash.panels]]
id = "tonce"
title = "401 once"
source = { type = "http", url = "{issuer}/api/trouble/unauthorized-once", select = "/data/items" }

[[authdash.panels]]
id = "talways"
title = "401 always"
source = { type = "http", url = "{issuer}/api/trouble/always-401" }

[[authdash.panels]]
id = "tmiss"
title = "pointer miss"
source = { type = "http", url = "{issuer}/api/orgs/{org_id}/panels/billing", select = "/no/such/thing" }

[[authdash.panels]]
id = "cmd-ok"
title = "command"
source = { type = "command", argv = ["sh", "-c", 'printf "{\"args\": %s, \"org\": \"%s\", \"token_chars\": %s}" "$#" "$1" "${#SECRET_PANEL_TOKEN}"', "sh", "{org_name}"], token_env = "SECRET_PANEL_TOKEN" }

[[authdash.panels]]
id = "cmd-slow"
title = "slow command"
source = { type = "command", argv = ["sleep", "30"], timeout_secs = 1 }

[[authdash.panels]]
id = "cmd-fail"
title = "failing command"
source = { type = "command", argv = ["sh", "-c", "echo 'the report service is down' >&2; exit 3"] }

[[authdash.panels]]
id = "cmd-env"
title = "the program's environment"
source = { type = "command", argv = ["sh", "-c", 'printf "{\"names\": \"%s\"}" "$(env | cut -d= -f1 | tr "\n" " ")"'], token_env = "SECRET_PANEL_TOKEN" }

[[authdash.panels]]
id = "cmd-echo"
title = "a program printing the token"
source = { type = "command", argv = ["sh", "-c", 'printf "{\"summary\": \"got %s\", \"items\": [{\"label\": \"%s\", \"value\": \"%s\"}]}" "$T" "$T" "$T"'], token_env = "T" }

[[authdash.panels]]
id = "cmd-echo-fail"
title = "a failing program printing the token"
source = { type = "command", argv = ["sh", "-c", 'echo "ld.so: object $T from LD_PRELOAD cannot be preloaded" >&2; exit 127'], token_env = "T" }

[[authdash.panels]]
id = "cmd-big"
title = "chatty command"
source = { type = "command", argv = ["sh", "-c", "head -c 4096 /dev/zero | tr '\\0' ' '; echo '[]'"], output_cap_kib = 1 }
"#;

struct Setup {
    _demo: DemoHome,
    service: Arc<SessionService>,
}

impl Setup {
    async fn start() -> Self {
        let demo = DemoHome::start_with(|issuer| {
            config_toml(issuer).replace(
                "login_timeout_secs = 600",
                "login_timeout_secs = 600\nrequest_timeout_secs = 2\npanel_body_cap_mib = 1",
            ) + &EXTRA.replace("{issuer}", issuer)
        })
        .await;
        // authdash's environment as the binary passes it, holding the
        // secrets a config may name (`client_secret_env`,
        // `logout_everywhere_api_key_env`).
        let environment = std::env::vars_os()
            .chain(
                [
                    ("ACME_CLIENT_SECRET", CLIENT_SECRET),
                    ("AUTHDASH_DEMO_BACKEND_API_KEY", CLIENT_SECRET),
                ]
                .map(|(k, v)| (k.into(), v.into())),
            )
            .collect();
        let service = demo
            .home
            .service_with_environment(&demo.config, environment);
        Self {
            _demo: demo,
            service,
        }
    }

    /// `user` logs in through the service, signing in on the demo page.
    async fn login(&self, user: &'static str) -> Session {
        demo_login(&self.service, user).await
    }

    fn spec(&self, id: &str) -> PanelSpec {
        self.service
            .config
            .panels
            .iter()
            .find(|p| p.id == id)
            .cloned()
            .unwrap_or_else(|| panic!("no panel {id}"))
    }

    async fn fetch(
        &self,
        session: &Session,
        id: &str,
    ) -> (Result<serde_json::Value, SourceError>, bool) {
        self.fetch_in(session, id, "Acme").await
    }

    /// [`Self::fetch`] in Acme as the provider would name it `org_name`.
    async fn fetch_in(
        &self,
        session: &Session,
        id: &str,
        org_name: &str,
    ) -> (Result<serde_json::Value, SourceError>, bool) {
        let spec = self.spec(id);
        let vars = TemplateVars {
            org_id: ACME,
            org_name,
            user_id: &session.user.subject,
        };
        let fetched = tokio::time::timeout(BOUND, self.service.fetch_source(session, &spec, vars))
            .await
            .unwrap_or_else(|_| panic!("{id}: the fetch ends in time"));
        (fetched.data, fetched.renewed.is_some())
    }
}

#[tokio::test]
async fn an_http_source_picks_its_rows_with_a_pointer_and_shapes_a_table() {
    let setup = Setup::start().await;
    let alice = setup.login("alice").await;
    let (rows, _) = setup.fetch(&alice, "invoices").await;
    let rows = rows.expect("alice sees Acme's invoices");
    let View::Table(view) = setup.spec("invoices").view else {
        panic!("invoices is a table");
    };
    let table = view.shape(&rows).expect("rows fit the table");
    assert_eq!(table.headers, ["Invoice", "Date", "Amount", "Status"]);
    assert_eq!(table.rows.len(), 6);
    assert_eq!(table.rows[0][2].text, "€4,800.00");

    let (series, _) = setup.fetch(&alice, "usage").await;
    let View::Chart(chart) = setup.spec("usage").view else {
        panic!("usage is a chart");
    };
    let points = chart
        .shape(&series.expect("the usage series"))
        .expect("a series of numbers");
    assert_eq!(points.len(), 12);
    assert_eq!(points[0].0, "2025-01");
}

#[tokio::test]
async fn the_api_saying_no_is_a_403_with_its_reason() {
    let setup = Setup::start().await;
    let bob = setup.login("bob").await;
    let (result, _) = setup.fetch(&bob, "billing").await;
    match result {
        Err(SourceError::Forbidden(reason)) => {
            assert!(reason.contains("can_view_billing"), "{reason}")
        }
        other => panic!("expected 403, got {other:?}"),
    }
}

#[tokio::test]
async fn every_failure_of_an_http_source_is_named() {
    let setup = Setup::start().await;
    let alice = setup.login("alice").await;
    match setup.fetch(&alice, "t500").await.0 {
        Err(e @ SourceError::Status { code: 500, .. }) => {
            assert!(
                e.to_string().contains("the reports database is down"),
                "{e}"
            )
        }
        other => panic!("expected HTTP 500, got {other:?}"),
    }
    assert!(
        matches!(
            setup.fetch(&alice, "tbad").await.0,
            Err(SourceError::BadJson(_))
        ),
        "bad JSON"
    );
    match setup.fetch(&alice, "tmiss").await.0 {
        Err(e @ SourceError::PointerMiss(_)) => {
            assert!(e.to_string().contains("/no/such/thing"), "{e}")
        }
        other => panic!("expected a pointer miss, got {other:?}"),
    }
    match setup.fetch(&alice, "thuge").await.0 {
        Err(e @ SourceError::TooLarge { .. }) => {
            assert!(e.to_string().contains("panel_body_cap_mib"), "{e}")
        }
        other => panic!("expected too large, got {other:?}"),
    }
    // request_timeout_secs = 2; the API answers after 20 s.
    assert!(
        matches!(
            setup.fetch(&alice, "tslow").await.0,
            Err(SourceError::Timeout(_))
        ),
        "a slow API times out"
    );
}

#[tokio::test]
async fn a_401_renews_once_and_retries_and_a_second_401_is_said_as_such() {
    let setup = Setup::start().await;
    let alice = setup.login("alice").await;
    let (result, renewed) = setup.fetch(&alice, "tonce").await;
    assert_eq!(result.expect("the retry succeeds"), json!([1, 2, 3]));
    assert!(renewed, "the 401 took a renewal");

    let fresh = setup.login("alice").await;
    let (result, renewed) = setup.fetch(&fresh, "talways").await;
    assert!(renewed, "one renewal was tried");
    match result {
        Err(e @ SourceError::Unauthorized) => {
            assert!(
                e.to_string().contains("after the session was renewed"),
                "{e}"
            )
        }
        other => panic!("expected 401, got {other:?}"),
    }
}

#[tokio::test]
async fn a_command_source_gets_the_token_in_its_environment_only() {
    let setup = Setup::start().await;
    let alice = setup.login("alice").await;
    let (result, _) = setup.fetch(&alice, "cmd-ok").await;
    let value = result.expect("the program's JSON");
    // One argument: the org name, as one argument; the token is not one.
    assert_eq!(value["args"], json!(1));
    assert_eq!(value["org"], json!("Acme"));
    assert_eq!(
        value["token_chars"].as_u64(),
        Some(alice.access_token().len() as u64)
    );
}

#[tokio::test]
async fn a_command_that_runs_over_is_stopped_and_one_that_fails_says_why() {
    let setup = Setup::start().await;
    let alice = setup.login("alice").await;
    let started = std::time::Instant::now();
    match setup.fetch(&alice, "cmd-slow").await.0 {
        Err(e @ SourceError::Timeout(_)) => assert!(e.to_string().contains("sleep"), "{e}"),
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "the 1 s timeout stopped the 30 s program"
    );
    match setup.fetch(&alice, "cmd-fail").await.0 {
        Err(e @ SourceError::Command(_)) => {
            let text = e.to_string();
            assert!(text.contains("exited with status 3"), "{text}");
            assert!(text.contains("the report service is down"), "{text}");
        }
        other => panic!("expected a failed command, got {other:?}"),
    }
    match setup.fetch(&alice, "cmd-big").await.0 {
        Err(e @ SourceError::TooLarge { .. }) => {
            assert!(e.to_string().contains("output_cap_kib"), "{e}")
        }
        other => panic!("expected output over the cap, got {other:?}"),
    }
}

/// A command panel's `token_env` naming a variable that steers the
/// program is refused as `exec_token_env` is: with `LD_PRELOAD` the system
/// loader printed the whole access token into the panel's error line.
#[test]
fn attack_token_env_naming_a_loader_or_shell_variable_is_refused() {
    let auth = "[auth]\nclient_id = \"x\"\n\
                server_metadata_url = \"https://idp.example/.well-known/openid-configuration\"\n";
    for name in [
        "LD_PRELOAD",
        "ld_preload",
        "DYLD_INSERT_LIBRARIES",
        "BASH_ENV",
        "PATH",
        "NODE_OPTIONS",
        "1TOKEN",
        "A-B",
    ] {
        let text = format!(
            "{auth}[[authdash.panels]]\nid = \"p\"\ntitle = \"P\"\n\
             source = {{ type = \"command\", argv = [\"/bin/true\"], token_env = \"{name}\" }}\n"
        );
        let error =
            authdash::config::Config::parse(std::path::Path::new("a.toml"), &text, &|_| None)
                .map(drop)
                .expect_err(name)
                .to_string();
        assert!(error.contains("source.token_env"), "{name}: {error}");
    }
}

/// The program gets an allow-listed environment and its token, never
/// authdash's whole environment: not the client secret a config's
/// `client_secret_env` names, not the backend key, not a variable this
/// test process happens to have.
#[tokio::test]
async fn attack_a_command_panel_does_not_see_authdash_s_secrets() {
    let setup = Setup::start().await;
    let alice = setup.login("alice").await;
    let (result, _) = setup.fetch(&alice, "cmd-env").await;
    let value = result.expect("the program's JSON");
    let names: Vec<&str> = value["names"]
        .as_str()
        .expect("names")
        .split_whitespace()
        .collect();
    assert!(names.contains(&"SECRET_PANEL_TOKEN"), "{names:?}");
    assert!(names.contains(&"PATH"), "{names:?}");
    // What the shell itself sets besides what it was given.
    let shell = ["PWD", "OLDPWD", "SHLVL", "_"];
    let foreign: Vec<&&str> = names
        .iter()
        .filter(|n| {
            **n != "SECRET_PANEL_TOKEN"
                && !shell.contains(n)
                && !authdash::session::PROGRAM_ENVIRONMENT.contains(n)
                && !n.starts_with("LC_")
        })
        .collect();
    assert!(
        foreign.is_empty(),
        "the program saw authdash's variables {foreign:?}"
    );
    assert!(!value.to_string().contains(CLIENT_SECRET));
}

/// A program that prints the token it was given, on stdout or in its
/// last line of stderr: what the panel shows (and the log) says
/// `[access token]`, never the token.
#[tokio::test]
async fn attack_a_program_echoing_the_token_shows_no_token() {
    let setup = Setup::start().await;
    let alice = setup.login("alice").await;
    let token = alice.access_token();
    let (result, _) = setup.fetch(&alice, "cmd-echo").await;
    let value = result.expect("the program's JSON");
    let text = value.to_string();
    assert!(!text.contains(token), "the token is shown: {text}");
    assert_eq!(value["summary"], "got [access token]");
    assert_eq!(value["items"][0]["label"], "[access token]");
    let data = authdash::panels::from_value(&value);
    assert_eq!(data.items[0].1, "[access token]");

    let (result, _) = setup.fetch(&alice, "cmd-echo-fail").await;
    let error = result.expect_err("the program failed").to_string();
    assert!(!error.contains(token), "the token is shown: {error}");
    assert!(
        error.contains("object [access token] from LD_PRELOAD"),
        "{error}"
    );
}

/// Organization names the provider chose, put in argv by `{org_name}`:
/// one named `--output=/somewhere` must not become an option of the
/// program (refused, the reason in the panel, the program not run), and
/// one named `{user_id}` is not expanded again.
#[tokio::test]
async fn attack_an_org_name_is_neither_an_option_nor_a_placeholder() {
    let setup = Setup::start().await;
    let alice = setup.login("alice").await;
    for name in ["--output=/somewhere", "-rf"] {
        let (result, _) = setup.fetch_in(&alice, "cmd-ok", name).await;
        let error = result.expect_err(name).to_string();
        assert!(
            error.contains("read as an option") && error.contains(name),
            "{name}: {error}"
        );
    }
    let (result, _) = setup.fetch_in(&alice, "cmd-ok", "{user_id}").await;
    let value = result.expect("the program's JSON");
    assert_eq!(value["org"], "{user_id}", "expanded again");
    // Inside an argument a dash is only text.
    let (result, _) = setup.fetch_in(&alice, "cmd-ok", "Acme -- EU").await;
    assert_eq!(result.expect("runs")["org"], "Acme -- EU");
}

/// A second reader's attack: an http panel's API that quotes the bearer
/// token it was sent (a gateway's "token … is not allowed here", a debug
/// endpoint echoing the request's headers). The token reached the panel
/// as the API wrote it, in the error line or the data, as a program's
/// output no longer does: both say `[access token]`.
#[tokio::test]
async fn attack_an_http_api_echoing_the_token_shows_no_token() {
    use axum::http::{HeaderMap, StatusCode};
    let bearer = |h: &HeaderMap| {
        h.get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .trim_start_matches("Bearer ")
            .to_owned()
    };
    let app = axum::Router::new()
        .route(
            "/forbidden",
            axum::routing::get(move |h: HeaderMap| async move {
                let body = json!({ "error_description": format!("token {} may not", bearer(&h)) });
                (StatusCode::FORBIDDEN, axum::Json(body))
            }),
        )
        .route(
            "/down",
            axum::routing::get(move |h: HeaderMap| async move {
                let body = json!({ "error": format!("upstream refused {}", bearer(&h)) });
                (StatusCode::BAD_GATEWAY, axum::Json(body))
            }),
        )
        .route(
            "/headers",
            axum::routing::get(move |h: HeaderMap| async move {
                axum::Json(
                    json!({ "headers": { "authorization": format!("Bearer {}", bearer(&h)) } }),
                )
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let token = "eyJhbGciOiJSUzI1NiJ9.the-access-token-of-alice.signature";
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    for path in ["/forbidden", "/down"] {
        let error = authdash::session::fetch_http(&http, &format!("{base}{path}"), token, 1 << 20)
            .await
            .expect_err(path)
            .to_string();
        assert!(
            !error.contains(token),
            "{path}: the token is shown: {error}"
        );
        assert!(error.contains("[access token]"), "{path}: {error}");
    }
    let value = authdash::session::fetch_http(&http, &format!("{base}/headers"), token, 1 << 20)
        .await
        .expect("the echo");
    assert_eq!(value["headers"]["authorization"], "Bearer [access token]");
}
