//! API tokens per (API, organization) where the provider binds a token to
//! an organization (Auth0 Organizations put `org_id` in it): judged from
//! the token itself, a token goes only with its own organization's
//! requests; switching organization never sends another's.

use std::time::Duration;

use authdash::auth::Session;
use authdash::panels::TemplateVars;
use authdash::session::{FetchedSource, SessionService};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;

use super::apis::{BILLING, TestApi};
use super::fake::{Fake, locked};
use crate::support::broken_provider::ApiAnswer;

/// An unsigned JWT for the billing API bound to `org` (the test API reads
/// its `aud`, and the client its `org_id`).
fn bound_to(org: &str) -> String {
    let part = |v: serde_json::Value| URL_SAFE_NO_PAD.encode(v.to_string());
    // The same token for the same organization each time (2100-01-01).
    let exp = 4_102_444_800_i64;
    format!(
        "{}.{}.{}",
        part(json!({"alg": "RS256", "typ": "at+jwt"})),
        part(json!({"aud": BILLING, "org_id": org, "sub": "user-1", "exp": exp, "jti": org})),
        URL_SAFE_NO_PAD.encode(b"not verified by the client")
    )
}

fn answer_bound_to(t: &Fake, org: &str) {
    t.op.set_api_answer(ApiAnswer::Over(json!({ "access_token": bound_to(org) })));
}

async fn open_in(
    service: &std::sync::Arc<SessionService>,
    session: &Session,
    org: &str,
) -> FetchedSource {
    let spec = service
        .config
        .panels
        .iter()
        .find(|p| p.id == "billing")
        .expect("the panel")
        .clone();
    let vars = TemplateVars {
        org_id: org,
        org_name: org,
        user_id: "user-1",
    };
    tokio::time::timeout(
        Duration::from_secs(30),
        service.fetch_source(session, &spec, vars),
    )
    .await
    .expect("the panel loads in time")
}

async fn auth0_with_billing() -> (Fake, TestApi, std::sync::Arc<SessionService>, Session) {
    let t = Fake::start().await;
    let billing = TestApi::reading("billing", BILLING).await;
    let (service, session) = t
        .logged_in("audience", &[("billing", BILLING, &billing, &[])], "")
        .await;
    (t, billing, service, session)
}

#[tokio::test(flavor = "multi_thread")]
async fn switching_organization_never_sends_the_token_of_another() {
    let (t, billing, service, session) = auth0_with_billing().await;
    answer_bound_to(&t, "org-acme");
    let fetched = open_in(&service, &session, "org-acme").await;
    assert!(fetched.data.is_ok(), "{:?}", fetched.data);
    assert_eq!(billing.received(), [bound_to("org-acme")]);

    // Globex active: the held Acme token is not sent; the provider still
    // answers with the login's organization: locked, said, not sent.
    let fetched = open_in(&service, &session, "org-globex").await;
    let (reason, _, _) = locked(&fetched);
    assert!(
        reason.contains("bound to the organization org-acme") && reason.contains("org-globex"),
        "{reason}"
    );
    assert_eq!(billing.received().len(), 1, "{:?}", billing.received());
    assert_eq!(t.api_forms().len(), 2);

    // A token of Globex's: sent for Globex; back in Acme, Acme's is held.
    answer_bound_to(&t, "org-globex");
    let fetched = open_in(&service, &session, "org-globex").await;
    assert!(fetched.data.is_ok(), "{:?}", fetched.data);
    let fetched = open_in(&service, &session, "org-acme").await;
    assert!(fetched.data.is_ok(), "{:?}", fetched.data);
    assert_eq!(
        billing.received(),
        [
            bound_to("org-acme"),
            bound_to("org-globex"),
            bound_to("org-acme")
        ]
    );
    assert_eq!(t.api_forms().len(), 3, "Acme's token asked for again");
    let stored = service.accounts().await.expect("read").sessions;
    let mut orgs: Vec<Option<String>> = stored[0]
        .apis
        .tokens
        .iter()
        .map(|t| t.org.clone())
        .collect();
    orgs.sort();
    assert_eq!(
        orgs,
        [Some("org-acme".to_owned()), Some("org-globex".to_owned())]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_org_switch_racing_a_token_request_sends_no_token_to_the_other_org() {
    let (t, billing, service, session) = auth0_with_billing().await;
    answer_bound_to(&t, "org-acme");
    // Acme's panel and Globex's asked at once, as a switch mid-request
    // does: each request goes out with its own organization's token only.
    let (acme, globex) = tokio::join!(
        open_in(&service, &session, "org-acme"),
        open_in(&service, &session, "org-globex"),
    );
    assert!(acme.data.is_ok(), "{:?}", acme.data);
    locked(&globex);
    assert_eq!(billing.received(), [bound_to("org-acme")]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_bound_to_no_organization_goes_in_every_one() {
    let (t, billing, service, session) = auth0_with_billing().await;
    t.op.set_api_answer(ApiAnswer::Issue);
    for org in ["org-acme", "org-globex"] {
        let fetched = open_in(&service, &session, org).await;
        assert!(fetched.data.is_ok(), "{org}: {:?}", fetched.data);
    }
    assert_eq!(t.api_forms().len(), 1, "one token for both");
    assert_eq!(billing.received().len(), 2);
}
