//! The generated users (`orgs10`, `orgs1000`, `orgs10000`) through the
//! provider's HTTP surface, as a client logs in: sign-in page, code, token,
//! userinfo, a panel of a generated org.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use super::directory::GENERATED_SIZES;
use super::{DEMO_CLIENT_ID, DemoProvider, DemoSettings};

const CALLBACK: &str = "http://127.0.0.1:9/callback";
const VERIFIER: &str = "a-fixed-pkce-verifier-long-enough-for-rfc-7636-section-4-1";

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("HTTP client")
}

/// The value of the first `name="..." value="..."` after `name`.
fn field_value(html: &str, name: &str) -> String {
    let at = html.find(&format!("name=\"{name}\"")).expect(name);
    let rest = &html[at..];
    let start = rest.find("value=\"").expect("value") + "value=\"".len();
    let end = rest[start..].find('"').expect("end of value") + start;
    rest[start..end].to_owned()
}

/// Logs `user` in (authorization code + PKCE) and returns the access token.
async fn log_in(provider: &DemoProvider, user: &str) -> String {
    let http = client();
    let issuer = provider.issuer_str();
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(VERIFIER.as_bytes()));
    let page = http
        .get(format!("{issuer}/authorize"))
        .query(&[
            ("client_id", DEMO_CLIENT_ID),
            ("response_type", "code"),
            ("redirect_uri", CALLBACK),
            ("scope", "openid email profile"),
            ("state", "st"),
            ("nonce", "no"),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .expect("GET /authorize")
        .text()
        .await
        .expect("sign-in page");
    assert!(
        page.contains(&format!("value=\"{user}\"")),
        "{user} is on the page"
    );
    let redirect = http
        .post(format!("{issuer}/authorize"))
        .form(&[
            ("request_id", field_value(&page, "request_id").as_str()),
            ("user", user),
        ])
        .send()
        .await
        .expect("POST /authorize");
    let location = redirect
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .expect("a redirect");
    let location = url::Url::parse(location).expect("redirect URL");
    let code = location
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("a code");
    let tokens: serde_json::Value = http
        .post(format!("{issuer}/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", DEMO_CLIENT_ID),
            ("code", code.as_str()),
            ("redirect_uri", CALLBACK),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await
        .expect("POST /token")
        .json()
        .await
        .expect("token response");
    assert!(tokens["id_token"].is_string(), "{tokens}");
    tokens["access_token"]
        .as_str()
        .expect("an access token")
        .to_owned()
}

#[tokio::test]
async fn generated_users_log_in_with_exactly_their_orgs() {
    let provider = DemoProvider::start(DemoSettings::default())
        .await
        .expect("demo provider starts");
    let http = client();
    let issuer = provider.issuer_str().to_owned();
    for n in GENERATED_SIZES {
        let user = format!("orgs{n}");
        let token = log_in(&provider, &user).await;
        let info: serde_json::Value = http
            .get(format!("{issuer}/userinfo"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("GET /userinfo")
            .json()
            .await
            .expect("userinfo");
        let orgs = info["org_id_to_org_info"].as_object().expect("orgs");
        assert_eq!(orgs.len(), n, "{user}");
        assert_eq!(info["email"], format!("{user}@example.com"));
        // One role each, with its permissions.
        let owned = orgs.values().filter(|o| o["user_role"] == "Owner").count();
        assert_eq!(owned, n.div_ceil(10), "{user}");
        assert!(orgs.values().all(|o| o["user_permissions"].is_array()
            && o["org_name"].as_str().is_some_and(|s| !s.is_empty())));

        // An owned generated org serves the template's panel data under
        // its own name.
        let first = provider
            .directory()
            .memberships_of(&user)
            .into_iter()
            .find(|(_, m)| m.role == "Owner")
            .map(|(org, _)| (org.org_id.clone(), org.org_name.clone()))
            .expect("an owned org");
        let panel: serde_json::Value = http
            .get(format!("{issuer}/api/orgs/{}/panels/billing", first.0))
            .bearer_auth(&token)
            .send()
            .await
            .expect("GET a panel")
            .json()
            .await
            .expect("panel data");
        assert_eq!(panel["title"], format!("{} — Billing", first.1), "{panel}");
    }
    provider.shutdown().await;
}

#[tokio::test]
async fn generated_orgs_are_made_on_first_use_only() {
    let provider = DemoProvider::start(DemoSettings::default())
        .await
        .expect("demo provider starts");
    let directory = provider.directory();
    assert!(!directory.generated_is_built(), "not at start");
    // Nor for the sign-in page, which only sums them up.
    let page = super::pages::sign_in(directory, "req");
    assert!(page.contains("Owner of 100, Admin of 300, Member of 600 generated organizations"));
    assert!(!directory.generated_is_built(), "not for the sign-in page");
    assert_eq!(directory.memberships_of("alice").len(), 2);
    assert!(!directory.generated_is_built(), "not for alice");
    assert_eq!(directory.memberships_of("orgs1000").len(), 1_000);
    assert!(directory.generated_is_built());
    provider.shutdown().await;
}
