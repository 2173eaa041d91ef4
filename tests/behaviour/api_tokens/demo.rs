//! The demo's two APIs, as `authdash demo` runs them: each takes only a
//! JWT signed by the demo provider whose `aud` is its own, and says why
//! it refuses any other (RFC 6750's `WWW-Authenticate`).

use authdash::auth::{Session, audience_of};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use secrecy::ExposeSecret;

use crate::support::home::demo_login;
use crate::support::screens::Demo;

const ACME: &str = "7a1b2c3d-4e5f-4a6b-8c7d-1e2f3a4b5c6d";

/// GET one of the demo's panel addresses with `token`: the status and
/// what `WWW-Authenticate` says.
async fn get(url: &str, token: &str) -> (u16, String) {
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let response = client
        .get(url)
        .bearer_auth(token)
        .timeout(std::time::Duration::from_secs(10))
        .send()
        .await
        .expect("the demo API answers");
    let why = response
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (response.status().as_u16(), why)
}

/// Alice's login and a token for each of the demo's APIs.
async fn alice_with_tokens(demo: &Demo, dir: &std::path::Path) -> (Session, String, String) {
    let service = demo.service(dir);
    let session = demo_login(&service, "alice").await;
    let issuer = demo.provider.issuer_str();
    let mut tokens = Vec::new();
    for api in ["billing", "reports"] {
        let api = service
            .api_named(&session, &format!("{issuer}/api/{api}"))
            .expect("a configured API");
        let access = service
            .api_token(&session, &api, None, None)
            .await
            .expect("a token for the API");
        assert_eq!(
            audience_of(access.token.secret()),
            vec![api.resource.clone()]
        );
        tokens.push(access.token.secret().to_owned());
    }
    let reports = tokens.pop().expect("two tokens");
    let billing = tokens.pop().expect("two tokens");
    (session, billing, reports)
}

#[tokio::test(flavor = "multi_thread")]
async fn each_demo_api_takes_its_own_token_and_refuses_the_other_apis_and_the_logins() {
    let demo = Demo::start_with_apis().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let (session, billing, reports) = alice_with_tokens(&demo, dir.path()).await;
    let issuer = demo.provider.issuer_str();
    let login = session.tokens.access_token.expose_secret().to_owned();
    for (api, own, other) in [
        ("billing", &billing, &reports),
        ("reports", &reports, &billing),
    ] {
        let url = format!("{issuer}/api/orgs/{ACME}/panels/{api}");
        assert_eq!(get(&url, own).await.0, 200, "{api} with its own token");
        let (status, why) = get(&url, other).await;
        assert_eq!(status, 401, "{api} with the other API's token");
        let other_api = if api == "billing" {
            "reports"
        } else {
            "billing"
        };
        assert!(
            why.contains("invalid_token")
                && why.contains(&format!(
                    "made for {issuer}/api/{other_api}, not for this API"
                )),
            "{why}"
        );
        let (status, why) = get(&url, &login).await;
        assert_eq!(status, 401, "{api} with the login's token");
        assert!(why.contains("takes only a JWT made for it"), "{why}");
    }
    // The panels without an API of their own still take the login's token,
    // and no API's.
    let admin = format!("{issuer}/api/orgs/{ACME}/panels/admin");
    assert_eq!(get(&admin, &login).await.0, 200);
    let (status, why) = get(&admin, &billing).await;
    assert_eq!(status, 401);
    assert!(why.contains("made for another API"), "{why}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_demo_api_refuses_a_token_whose_aud_was_rewritten_to_its_own() {
    let demo = Demo::start_with_apis().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let (_, _, reports) = alice_with_tokens(&demo, dir.path()).await;
    let issuer = demo.provider.issuer_str();
    // The reports token, its `aud` made billing's, its signature kept.
    let parts: Vec<&str> = reports.split('.').collect();
    let mut claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).expect("base64url"))
            .expect("claims");
    claims["aud"] = format!("{issuer}/api/billing").into();
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        parts[2]
    );
    let url = format!("{issuer}/api/orgs/{ACME}/panels/billing");
    let (status, why) = get(&url, &forged).await;
    assert_eq!(status, 401);
    assert!(why.contains("signature does not verify"), "{why}");
}
