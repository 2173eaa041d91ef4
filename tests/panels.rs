//! Panel sources against real servers on loopback: the demo data API
//! (which checks the bearer token and the org, and misbehaves on purpose
//! under `/api/trouble/`) and local programs run as `command` sources.
//! Every fetch goes through the session service, as the TUI's do.

mod support;

use std::sync::Arc;
use std::time::Duration;

use authdash::auth::Session;
use authdash::demo::{DemoProvider, DemoSettings, config_toml};
use authdash::panels::view::View;
use authdash::panels::{PanelSpec, SourceError, TemplateVars};
use authdash::session::SessionService;
use serde_json::json;
use support::home::{Home, demo_login};

const BOUND: Duration = Duration::from_secs(30);
const ACME: &str = "7a1b2c3d-4e5f-4a6b-8c7d-1e2f3a4b5c6d";

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
id = "cmd-big"
title = "chatty command"
source = { type = "command", argv = ["sh", "-c", "head -c 4096 /dev/zero | tr '\\0' ' '; echo '[]'"], output_cap_kib = 1 }
"#;

struct Setup {
    _provider: DemoProvider,
    _home: Home,
    service: Arc<SessionService>,
}

impl Setup {
    async fn start() -> Self {
        let provider = DemoProvider::start(DemoSettings::default())
            .await
            .expect("the demo provider starts");
        let issuer = provider.issuer_str().trim_end_matches('/').to_owned();
        let text = config_toml(&issuer).replace(
            "login_timeout_secs = 600",
            "login_timeout_secs = 600\nrequest_timeout_secs = 2\npanel_body_cap_mib = 1",
        ) + &EXTRA.replace("{issuer}", &issuer);
        let home = Home::new();
        let config = home.config("panels.toml", &text);
        let service = home.service(&config);
        Self {
            _provider: provider,
            _home: home,
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
        let spec = self.spec(id);
        let vars = TemplateVars {
            org_id: ACME,
            org_name: "Acme",
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
