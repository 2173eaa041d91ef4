//! RFC 8707 against oidc-provider: one browser login asks for both APIs,
//! then each panel gets a JWT for its own API only, reused while valid,
//! renewed before expiry, never spending a refresh token twice.

use std::sync::Arc;
use std::time::Duration;

use authdash::auth::Session;
use authdash::session::{LogoutOptions, SessionService};
use serde_json::Value;

use super::apis::{ACME, BILLING, REPORTS, TestApi, audience, provider_keys};
use crate::support::home::{Home, login_with};
use crate::support::node_provider::{
    Browser, NodeProvider, OpHandle, deliver, numbered_public_client,
};

/// Alice's dashboard: a provider, two APIs, a home with their config.
pub struct Setup {
    pub op: OpHandle,
    /// This test's own client at the provider: its token requests are
    /// those made with it.
    pub client_id: String,
    pub billing: TestApi,
    pub reports: TestApi,
    pub home: Home,
    pub service: Arc<SessionService>,
}

pub const CONFIG: &str = "apis.toml";

pub fn config_text(
    op: &NodeProvider,
    client_id: &str,
    billing: &str,
    reports: &str,
    extra: &str,
) -> String {
    format!(
        r#"[auth.interop]
client_id = "{client_id}"
server_metadata_url = "{metadata}"
redirect_uri = "http://127.0.0.1/callback"
post_logout_redirect_uri = "{post_logout}"
org_claims = "propelauth"
client_kwargs = {{ scope = "openid profile email offline_access", prompt = "consent" }}
{extra}
[authdash]
connect_timeout_secs = 5
request_timeout_secs = 10

[[authdash.panels]]
id = "billing"
title = "Billing"
source = {{ type = "http", url = "{billing}", resource = "{BILLING}", scopes = ["billing:read"] }}

[[authdash.panels]]
id = "reports"
title = "Reports"
data_url = "{reports}"
resource = "{REPORTS}"
scopes = ["reports:read"]
"#,
        metadata = op.metadata_url(),
        post_logout = op.post_logout_redirect_uri(),
    )
}

impl Setup {
    pub async fn start(env: &[(&str, &str)]) -> Self {
        let op = OpHandle::with(env);
        let client_id = numbered_public_client();
        let keys = provider_keys(op.issuer()).await;
        let billing = TestApi::start("billing", BILLING, op.issuer(), keys.clone()).await;
        let reports = TestApi::start("reports", REPORTS, op.issuer(), keys).await;
        let home = Home::new();
        let config = home.config(
            CONFIG,
            &config_text(&op, &client_id, &billing.url, &reports.url, ""),
        );
        let service = home.service(&config);
        Self {
            op,
            client_id,
            billing,
            reports,
            home,
            service,
        }
    }

    pub async fn login(&self, account: &'static str) -> Session {
        browser_login(&self.service, &self.op, account).await
    }

    /// Fetch panel `id` as the dashboard does; the data, and the session
    /// to keep.
    pub async fn open(&self, session: &Session, id: &str) -> (Result<Value, String>, Session) {
        let spec = self
            .service
            .config
            .panels
            .iter()
            .find(|p| p.id == id)
            .expect("the panel")
            .clone();
        let fetched = tokio::time::timeout(
            Duration::from_secs(30),
            self.service.fetch_source(session, &spec, ACME),
        )
        .await
        .expect("the panel loads in time");
        assert!(
            fetched.ended.is_none(),
            "the session ended: {:?}",
            fetched.ended
        );
        (
            fetched.data.map_err(|e| e.to_string()),
            fetched
                .api_session
                .or(fetched.renewed)
                .unwrap_or_else(|| session.clone()),
        )
    }

    /// This test's token requests at the provider so far.
    pub async fn token_requests(&self) -> Vec<Value> {
        token_requests(&self.op)
            .await
            .into_iter()
            .filter(|r| r["client_id"] == self.client_id.as_str())
            .collect()
    }

    /// Refresh-token requests naming `resource`.
    pub async fn api_requests(&self, resource: &str) -> Vec<Value> {
        self.token_requests()
            .await
            .into_iter()
            .filter(|r| r["grant_type"] == "refresh_token" && r["resource"] == resource)
            .collect()
    }

    pub async fn stored(&self) -> Option<Session> {
        self.service
            .accounts()
            .await
            .expect("the store reads")
            .sessions
            .into_iter()
            .next()
    }
}

pub async fn browser_login(
    service: &SessionService,
    op: &NodeProvider,
    account: &'static str,
) -> Session {
    let browser = Browser::new(op);
    login_with(service, move |url| async move {
        let callback = browser.authorize(&url, account).await;
        deliver(&callback).await;
    })
    .await
}

pub async fn token_requests(op: &NodeProvider) -> Vec<Value> {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
        .get(format!("{}/test/token-requests", op.issuer()))
        .send()
        .await
        .expect("the request log")
        .json()
        .await
        .expect("JSON")
}

#[tokio::test(flavor = "multi_thread")]
async fn one_login_two_panels_each_api_sees_only_its_own_token() {
    let t = Setup::start(&[]).await;
    let session = t.login("alice").await;
    let (billing, session) = t.open(&session, "billing").await;
    let (reports, session) = t.open(&session, "reports").await;
    assert_eq!(billing.expect("billing's data")["api"], "billing");
    assert_eq!(reports.expect("reports' data")["api"], "reports");
    for token in t.billing.received() {
        assert_eq!(audience(&token), [BILLING], "billing got {token}");
        assert_ne!(token, session.access_token(), "billing got the login token");
    }
    for token in t.reports.received() {
        assert_eq!(audience(&token), [REPORTS], "reports got {token}");
        assert_ne!(token, session.access_token(), "reports got the login token");
    }
    assert_eq!(t.billing.received().len(), 1);
    assert_eq!(t.reports.received().len(), 1);
    // The login asked for both; one token request per API.
    assert_eq!(t.api_requests(BILLING).await.len(), 1);
    assert_eq!(t.api_requests(REPORTS).await.len(), 1);
    // Reused while valid: no request at all.
    let before = t.token_requests().await.len();
    let (again, session) = t.open(&session, "billing").await;
    assert_eq!(again.expect("billing again")["api"], "billing");
    let (again, _) = t.open(&session, "reports").await;
    assert_eq!(again.expect("reports again")["api"], "reports");
    assert_eq!(
        t.token_requests().await.len(),
        before,
        "a valid token was asked again"
    );
    let received = t.billing.received();
    assert_eq!(
        received[0], received[1],
        "the held token was not the one reused"
    );
    // Both are kept in the store with the session, with their audience.
    let stored = t.stored().await.expect("a stored session");
    let held: Vec<(&str, &[String])> = stored
        .apis
        .tokens
        .iter()
        .map(|t| (t.resource.as_str(), t.audience.as_slice()))
        .collect();
    assert_eq!(
        held,
        [
            (BILLING, &[BILLING.to_owned()][..]),
            (REPORTS, &[REPORTS.to_owned()][..])
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_api_token_is_renewed_before_it_expires() {
    // Valid for 63 s: within the 60 s margin after 3.
    let t = Setup::start(&[("API_TOKEN_TTL", "63")]).await;
    let session = t.login("alice").await;
    let (data, session) = t.open(&session, "billing").await;
    data.expect("billing's data");
    let (data, session) = t.open(&session, "billing").await;
    data.expect("billing's data again");
    assert_eq!(t.api_requests(BILLING).await.len(), 1, "reused while valid");
    let held = session.apis.tokens[0].clone();
    let due = held.expires_at.expect("an expiry") - authdash::auth::REFRESH_MARGIN;
    let wait = (due - chrono::Utc::now()).to_std().unwrap_or_default();
    tokio::time::sleep(wait + Duration::from_millis(300)).await;
    let (data, session) = t.open(&session, "billing").await;
    data.expect("billing's data after renewal");
    let requests = t.api_requests(BILLING).await;
    assert_eq!(requests.len(), 2, "renewed once: {requests:?}");
    assert!(requests.iter().all(|r| r["status"] == 200), "{requests:?}");
    let renewed = &session.apis.tokens[0];
    assert_ne!(renewed.secret(), held.secret());
    assert_eq!(renewed.renewals, 1);
    let received = t.billing.received();
    assert_eq!(received.len(), 3);
    assert_eq!(received[2], renewed.secret());
    // The panel not opened got nothing.
    assert!(t.api_requests(REPORTS).await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn panels_opening_at_once_never_spend_a_refresh_token_twice() {
    let t = Setup::start(&[]).await;
    let session = t.login("alice").await;
    let (a, b, c) = tokio::join!(
        t.open(&session, "billing"),
        t.open(&session, "reports"),
        t.open(&session, "billing"),
    );
    for (data, name) in [(a.0, "billing"), (b.0, "reports"), (c.0, "billing")] {
        assert_eq!(data.expect("data")["api"], name);
    }
    let refreshes: Vec<Value> = t
        .token_requests()
        .await
        .into_iter()
        .filter(|r| r["grant_type"] == "refresh_token")
        .collect();
    // One per API, each with the refresh token the last one rotated to
    // (oidc-provider revokes the whole grant on a reuse).
    assert_eq!(refreshes.len(), 2, "{refreshes:?}");
    assert!(
        refreshes.iter().all(|r| r["status"] == 200),
        "{refreshes:?}"
    );
    let stored = t.stored().await.expect("stored");
    assert_eq!(stored.apis.tokens.len(), 2);
    // The grant is still alive: the session renews.
    t.service.renew(&stored).await.expect("the session renews");
}

#[tokio::test(flavor = "multi_thread")]
async fn logout_forgets_every_api_token_and_revokes_the_grant() {
    let t = Setup::start(&[]).await;
    let session = t.login("alice").await;
    let (data, session) = t.open(&session, "billing").await;
    data.expect("billing's data");
    let stored = t.stored().await.expect("stored");
    let refresh = stored
        .tokens
        .refresh_token
        .as_ref()
        .map(|r| secrecy::ExposeSecret::expose_secret(r).to_owned())
        .expect("a refresh token");
    t.service
        .logout(&session, LogoutOptions::default(), &|_| {})
        .await
        .expect("logged out");
    assert!(
        t.stored().await.is_none(),
        "the session (and its API tokens) stays"
    );
    // No API token can be minted any more with what was held.
    let answer = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
        .post(format!("{}/token", t.op.issuer()))
        .form(&[
            ("grant_type", "refresh_token"),
            ("client_id", t.client_id.as_str()),
            ("refresh_token", &refresh),
            ("resource", BILLING),
        ])
        .send()
        .await
        .expect("the token endpoint answers");
    let status = answer.status();
    let body: Value = answer.json().await.expect("JSON");
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "invalid_grant", "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn token_resource_prints_that_apis_token_and_refuses_another() {
    let t = Setup::start(&[]).await;
    let session = t.login("alice").await;
    let out = t.home.authdash(CONFIG, &["token", "--resource", REPORTS]);
    let stdout = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(audience(&stdout), [REPORTS]);
    assert_ne!(stdout, session.access_token());
    // Held now: printed again without a request.
    let before = t.token_requests().await.len();
    let again = t.home.authdash(CONFIG, &["token", "--resource", REPORTS]);
    assert_eq!(String::from_utf8_lossy(&again.stdout).trim(), stdout);
    assert_eq!(t.token_requests().await.len(), before);
    // `status --json` lists the API, never its token.
    let status = t.home.authdash(CONFIG, &["status", "--json"]);
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(!text.contains(&stdout), "status printed the API token");
    let report: Value = serde_json::from_str(&text).expect("status JSON");
    let apis = &report["accounts"][0]["apis"];
    assert_eq!(apis[0]["resource"], REPORTS, "{report}");
    assert_eq!(apis[0]["audience"][0], REPORTS, "{report}");
    assert_eq!(apis[0]["valid"], true, "{report}");
    // The plain token is still the login's.
    let plain = t.home.authdash(CONFIG, &["token"]);
    assert_eq!(
        String::from_utf8_lossy(&plain.stdout).trim(),
        t.stored().await.expect("stored").access_token()
    );
    // Another value: refused with the list, before any request.
    let other = t
        .home
        .authdash(CONFIG, &["token", "--resource", "https://other.example/"]);
    assert_eq!(other.status.code(), Some(2));
    assert!(other.stdout.is_empty());
    let said = String::from_utf8_lossy(&other.stderr);
    assert!(
        said.contains("https://other.example/") && said.contains(BILLING) && said.contains(REPORTS),
        "{said}"
    );
    assert_eq!(t.token_requests().await.len(), before);
}
