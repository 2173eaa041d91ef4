//! The exact requests each provider style makes: RFC 8707 `resource`,
//! Auth0 `audience` with `scope`, Entra `scope=<resource>/.default`.

use std::collections::HashMap;

use super::apis::TestApi;
use super::fake::{Fake, open};
use crate::support::broken_provider::CLIENT_ID;

fn without_token(form: &HashMap<String, String>) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = form
        .iter()
        .map(|(k, v)| {
            let v = if k == "refresh_token" {
                "RT".to_owned()
            } else {
                v.clone()
            };
            (k.clone(), v)
        })
        .collect();
    pairs.sort();
    pairs
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = items
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    out.sort();
    out
}

/// The login's authorize request's `resource` parameters.
fn authorize_resources(t: &Fake) -> Vec<String> {
    let uri =
        t.op.uris()
            .into_iter()
            .find(|u| u.starts_with("/authorize"))
            .expect("an authorize request");
    let url = url::Url::parse(&format!("http://x{uri}")).expect("a URL");
    url.query_pairs()
        .filter(|(k, _)| k == "resource")
        .map(|(_, v)| v.into_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn rfc8707_asks_every_api_at_login_then_one_resource_per_request() {
    let t = Fake::start().await;
    let billing = TestApi::reading("billing", "https://billing.example/").await;
    let (service, session) = t
        .logged_in(
            "rfc8707",
            &[(
                "billing",
                "https://billing.example/",
                &billing,
                &["billing:read"],
            )],
            "resources = [\"https://scripts.example/\"]",
        )
        .await;
    assert_eq!(
        authorize_resources(&t),
        ["https://billing.example/", "https://scripts.example/"]
    );
    let fetched = open(&service, &session, "billing").await;
    fetched.data.expect("billing");
    let forms = t.api_forms();
    assert_eq!(forms.len(), 1);
    assert_eq!(
        without_token(&forms[0]),
        pairs(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", "RT"),
            ("resource", "https://billing.example/"),
            ("scope", "billing:read"),
            ("client_id", CLIENT_ID),
        ])
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn auth0_asks_with_audience_and_scope_and_nothing_at_login() {
    let t = Fake::start().await;
    let billing = TestApi::reading("billing", "https://billing.example/").await;
    let (service, session) = t
        .logged_in(
            "audience",
            &[(
                "billing",
                "https://billing.example/",
                &billing,
                &["read:invoices"],
            )],
            "",
        )
        .await;
    assert!(authorize_resources(&t).is_empty());
    let fetched = open(&service, &session, "billing").await;
    fetched.data.expect("billing");
    let forms = t.api_forms();
    assert_eq!(forms.len(), 1);
    assert_eq!(
        without_token(&forms[0]),
        pairs(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", "RT"),
            ("audience", "https://billing.example/"),
            ("scope", "read:invoices"),
            ("client_id", CLIENT_ID),
        ])
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn entra_asks_one_resource_per_request_as_its_default_scope() {
    let t = Fake::start().await;
    let billing = TestApi::reading("billing", "api://billing").await;
    let (service, session) = t
        .logged_in("entra", &[("billing", "api://billing", &billing, &[])], "")
        .await;
    assert!(authorize_resources(&t).is_empty());
    let fetched = open(&service, &session, "billing").await;
    assert_eq!(fetched.data.expect("billing")["api"], "billing");
    let forms = t.api_forms();
    assert_eq!(forms.len(), 1);
    assert_eq!(
        without_token(&forms[0]),
        pairs(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", "RT"),
            ("scope", "api://billing/.default"),
            ("client_id", CLIENT_ID),
        ])
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn entra_names_an_apis_own_scopes_after_its_identifier() {
    let t = Fake::start().await;
    let billing = TestApi::reading("billing", "api://billing").await;
    let (service, session) = t
        .logged_in(
            "entra",
            &[("billing", "api://billing", &billing, &["invoices.read"])],
            "",
        )
        .await;
    let fetched = open(&service, &session, "billing").await;
    // Granted as `api://billing/invoices.read`: the scope asked for.
    assert_eq!(fetched.data.expect("billing")["api"], "billing");
    let forms = t.api_forms();
    assert_eq!(forms.len(), 1);
    assert_eq!(
        forms[0].get("scope").map(String::as_str),
        Some("api://billing/invoices.read")
    );
}
