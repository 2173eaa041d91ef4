//! The embedded demo OpenID Provider, driven over HTTP on 127.0.0.1 like a
//! real client (and a script-free browser) would.

use crate::support;

use std::time::Duration;

use authdash::demo::{DEMO_CLIENT_ID, DemoProvider, DemoSettings};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::core::{CoreIdToken, CoreIdTokenVerifier, CoreProviderMetadata};
use openidconnect::{ClientId, IssuerUrl, Nonce, PkceCodeChallenge};
use reqwest::StatusCode;
use serde_json::Value;
use sha2::{Digest, Sha256};
use support::browser::{self, query_param};
use url::Url;

const CALLBACK: &str = "http://127.0.0.1:9/callback";

async fn start() -> DemoProvider {
    start_with(DemoSettings::default()).await
}

async fn start_with(settings: DemoSettings) -> DemoProvider {
    DemoProvider::start(settings)
        .await
        .expect("demo provider starts")
}

/// One authorization request built by hand.
struct Request {
    url: String,
    verifier: String,
    nonce: String,
    state: String,
}

fn authorize_request(provider: &DemoProvider, redirect_uri: &str) -> Request {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let nonce = Nonce::new_random().secret().clone();
    let state = format!("st-{}", Nonce::new_random().secret());
    let mut url = Url::parse(&format!("{}/authorize", provider.issuer_str())).expect("url");
    url.query_pairs_mut()
        .append_pair("client_id", DEMO_CLIENT_ID)
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("scope", "openid email profile")
        .append_pair("state", &state)
        .append_pair("nonce", &nonce)
        .append_pair("code_challenge", challenge.as_str())
        .append_pair("code_challenge_method", "S256");
    Request {
        url: url.into(),
        verifier: verifier.secret().clone(),
        nonce,
        state,
    }
}

async fn post_form(
    provider: &DemoProvider,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    browser::client()
        .post(format!("{}{path}", provider.issuer_str()))
        .form(form)
        .send()
        .await
        .expect("POST to the demo provider")
}

async fn exchange(
    provider: &DemoProvider,
    code: &str,
    verifier: &str,
    redirect_uri: &str,
) -> reqwest::Response {
    post_form(
        provider,
        "/token",
        &[
            ("grant_type", "authorization_code"),
            ("client_id", DEMO_CLIENT_ID),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("code_verifier", verifier),
        ],
    )
    .await
}

async fn refresh(provider: &DemoProvider, refresh_token: &str) -> reqwest::Response {
    post_form(
        provider,
        "/token",
        &[
            ("grant_type", "refresh_token"),
            ("client_id", DEMO_CLIENT_ID),
            ("refresh_token", refresh_token),
        ],
    )
    .await
}

async fn json(response: reqwest::Response) -> Value {
    response.json().await.expect("a JSON body")
}

async fn expect_oauth_error(response: reqwest::Response, status: StatusCode, error: &str) {
    assert_eq!(response.status(), status);
    let body = json(response).await;
    assert_eq!(body["error"], error, "{body}");
    assert!(body["error_description"].is_string(), "{body}");
}

/// `target` goes back to the request's callback with its `state` and the
/// provider's `iss` (RFC 9207).
fn assert_back_to_the_callback(provider: &DemoProvider, request: &Request, target: &Url) {
    assert!(target.as_str().starts_with(CALLBACK), "{target}");
    assert_eq!(
        query_param(target, "state").as_deref(),
        Some(request.state.as_str())
    );
    assert_eq!(
        query_param(target, "iss").as_deref(),
        Some(provider.issuer_str())
    );
}

/// `target` goes back to the callback (as above) with `error` and no code.
fn assert_error_redirect(provider: &DemoProvider, request: &Request, target: &Url, error: &str) {
    assert_back_to_the_callback(provider, request, target);
    assert_eq!(
        query_param(target, "error").as_deref(),
        Some(error),
        "{target}"
    );
    assert!(query_param(target, "code").is_none());
}

/// Signs `user` in and returns the code from the redirect (checking state and iss).
async fn code_for(provider: &DemoProvider, request: &Request, user: &str) -> String {
    let target = browser::authorize_redirect(&request.url, user)
        .await
        .expect("sign-in redirects");
    assert_back_to_the_callback(provider, request, &target);
    query_param(&target, "code").expect("a code in the redirect")
}

/// Full sign-in of `user`: the token response.
async fn tokens_for(provider: &DemoProvider, user: &str) -> Value {
    let request = authorize_request(provider, CALLBACK);
    let code = code_for(provider, &request, user).await;
    let response = exchange(provider, &code, &request.verifier, CALLBACK).await;
    assert_eq!(response.status(), StatusCode::OK);
    json(response).await
}

fn field<'a>(body: &'a Value, name: &str) -> &'a str {
    body[name]
        .as_str()
        .unwrap_or_else(|| panic!("{name} in {body}"))
}

async fn userinfo(provider: &DemoProvider, access_token: &str) -> reqwest::Response {
    browser::client()
        .get(format!("{}/userinfo", provider.issuer_str()))
        .bearer_auth(access_token)
        .send()
        .await
        .expect("GET userinfo")
}

/// What userinfo answers for the access token of a token response.
async fn userinfo_status(provider: &DemoProvider, token_response: &Value) -> StatusCode {
    userinfo(provider, field(token_response, "access_token"))
        .await
        .status()
}

async fn panel(
    provider: &DemoProvider,
    access_token: Option<&str>,
    org_id: &str,
    panel_id: &str,
) -> reqwest::Response {
    let mut request = browser::client().get(format!(
        "{}/api/orgs/{org_id}/panels/{panel_id}",
        provider.issuer_str()
    ));
    if let Some(token) = access_token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("GET panel")
}

async fn metadata(provider: &DemoProvider) -> CoreProviderMetadata {
    let issuer = IssuerUrl::new(provider.issuer_str().to_string()).expect("issuer");
    CoreProviderMetadata::discover_async(issuer, &browser::client())
        .await
        .expect("discovery (with JWKS) succeeds")
}

fn verifier(metadata: &CoreProviderMetadata) -> CoreIdTokenVerifier<'_> {
    CoreIdTokenVerifier::new_public_client(
        ClientId::new(DEMO_CLIENT_ID.to_string()),
        metadata.issuer().clone(),
        metadata.jwks().clone(),
    )
}

#[tokio::test]
async fn discovery_is_consistent() {
    let provider = start().await;
    let issuer = provider.issuer_str().to_string();
    assert!(issuer.starts_with("http://127.0.0.1:") && !issuer.ends_with('/'));
    assert_eq!(provider.issuer().as_str(), format!("{issuer}/"));
    assert_eq!(provider.client_id(), DEMO_CLIENT_ID);

    // openidconnect's discovery checks the issuer string exactly and loads the JWKS.
    let meta = metadata(&provider).await;
    assert_eq!(meta.issuer().as_str(), issuer);
    assert_eq!(meta.jwks().keys().len(), 1);

    let doc = json(
        browser::client()
            .get(format!("{issuer}/.well-known/openid-configuration"))
            .send()
            .await
            .expect("GET discovery"),
    )
    .await;
    assert_eq!(doc["issuer"], issuer.as_str());
    for (key, path) in [
        ("authorization_endpoint", "/authorize"),
        ("token_endpoint", "/token"),
        ("userinfo_endpoint", "/userinfo"),
        ("jwks_uri", "/jwks"),
        ("revocation_endpoint", "/revoke"),
        ("end_session_endpoint", "/logout"),
        ("device_authorization_endpoint", "/device"),
        ("account_url", "/account"),
    ] {
        assert_eq!(doc[key], format!("{issuer}{path}"), "{key}");
    }
    assert_eq!(doc["response_types_supported"], serde_json::json!(["code"]));
    assert_eq!(
        doc["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
    assert_eq!(
        doc["token_endpoint_auth_methods_supported"],
        serde_json::json!(["none"])
    );
    assert_eq!(
        doc["id_token_signing_alg_values_supported"],
        serde_json::json!(["RS256"])
    );
    assert_eq!(
        doc["grant_types_supported"],
        serde_json::json!([
            "authorization_code",
            "refresh_token",
            "urn:ietf:params:oauth:grant-type:device_code"
        ])
    );
    assert_eq!(doc["authorization_response_iss_parameter_supported"], true);

    let jwks = json(
        browser::client()
            .get(format!("{issuer}/jwks"))
            .send()
            .await
            .expect("GET jwks"),
    )
    .await;
    let key = &jwks["keys"][0];
    assert_eq!(key["kty"], "RSA");
    assert_eq!(key["alg"], "RS256");
    assert_eq!(key["use"], "sig");
    assert!(key["kid"].is_string());
    assert!(key.get("d").is_none(), "never publish the private key");

    let account = browser::client()
        .get(format!("{issuer}/account"))
        .send()
        .await
        .expect("GET account");
    assert_eq!(account.status(), StatusCode::OK);
    provider.shutdown().await;
}

#[tokio::test]
async fn code_flow_issues_verifiable_tokens_and_userinfo() {
    let provider = start().await;
    let meta = metadata(&provider).await;
    let request = authorize_request(&provider, CALLBACK);
    let code = code_for(&provider, &request, "alice").await;

    let response = exchange(&provider, &code, &request.verifier, CALLBACK).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let body = json(response).await;
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 600);
    assert_eq!(body["scope"], "openid email profile");
    let access_token = field(&body, "access_token");
    assert!(access_token.len() >= 22, "at least 128 bits");
    assert!(body["refresh_token"].is_string());

    let id_token: CoreIdToken = field(&body, "id_token").parse().expect("a JWT");
    let claims = id_token
        .claims(&verifier(&meta), &Nonce::new(request.nonce.clone()))
        .expect("ID token verifies against the JWKS with the nonce");
    let alice = provider.directory().user("alice").expect("alice");
    assert_eq!(claims.subject().as_str(), alice.user_id);
    assert_eq!(claims.issuer().as_str(), provider.issuer_str());
    assert_eq!(
        claims.authorized_party().map(|a| a.as_str()),
        Some(DEMO_CLIENT_ID)
    );
    assert!(claims.auth_time().is_some());
    assert_eq!(
        claims.email().map(|e| e.as_str()),
        Some("alice@example.com")
    );
    assert_eq!(claims.email_verified(), Some(true));
    let raw = serde_json::to_value(claims).expect("claims as JSON");
    assert_eq!(raw["name"], "Alice Anderson");
    assert_eq!(raw["given_name"], "Alice");
    assert_eq!(raw["family_name"], "Anderson");
    assert!(raw["picture"].is_string());
    // at_hash: left half of SHA-256 of the access token.
    let digest = Sha256::digest(access_token.as_bytes());
    assert_eq!(raw["at_hash"], URL_SAFE_NO_PAD.encode(&digest[..16]));
    // A wrong nonce is refused.
    assert!(matches!(
        id_token.claims(&verifier(&meta), &Nonce::new("other".into())),
        Err(openidconnect::ClaimsVerificationError::InvalidNonce(_))
    ));

    // Userinfo, PropelAuth's shape.
    let response = userinfo(&provider, access_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let info = json(response).await;
    assert_eq!(info["sub"], alice.user_id.as_str());
    assert_eq!(info["user_id"], alice.user_id.as_str());
    assert_eq!(info["email"], "alice@example.com");
    assert_eq!(info["first_name"], "Alice");
    assert_eq!(info["last_name"], "Anderson");
    let orgs = info["org_id_to_org_info"].as_object().expect("org map");
    assert_eq!(orgs.len(), 2);
    let acme = provider.directory().org_by_name("acme").expect("acme");
    let globex = provider.directory().org_by_name("globex").expect("globex");
    let a = &orgs[&acme.org_id];
    assert_eq!(a["org_id"], acme.org_id.as_str());
    assert_eq!(a["org_name"], "Acme");
    assert_eq!(a["url_safe_org_name"], "acme");
    assert!(a["org_metadata"].is_object());
    assert_eq!(a["user_role"], "Owner");
    assert_eq!(
        a["inherited_user_roles_plus_current_role"],
        serde_json::json!(["Owner", "Admin", "Member"])
    );
    let perms: Vec<&str> = a["user_permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(perms.contains(&"can_view_billing") && perms.contains(&"can_manage_members"));
    assert_eq!(a["org_role_structure"], "single_role_in_hierarchy");
    assert_eq!(a["additional_roles"], serde_json::json!([]));
    let g = &orgs[&globex.org_id];
    assert_eq!(g["user_role"], "Member");
    assert_eq!(
        g["inherited_user_roles_plus_current_role"],
        serde_json::json!(["Member"])
    );
    assert_eq!(
        g["user_permissions"],
        serde_json::json!(["can_view_reports"])
    );

    // The code is single-use; replaying it also revokes what it issued.
    let replay = exchange(&provider, &code, &request.verifier, CALLBACK).await;
    expect_oauth_error(replay, StatusCode::BAD_REQUEST, "invalid_grant").await;
    assert_eq!(
        userinfo(&provider, access_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    provider.shutdown().await;
}

#[tokio::test]
async fn pkce_and_redirect_uri_are_enforced_at_the_token_endpoint() {
    let provider = start().await;

    let request = authorize_request(&provider, CALLBACK);
    let code = code_for(&provider, &request, "bob").await;
    let (_, other_verifier) = PkceCodeChallenge::new_random_sha256();
    let wrong = exchange(&provider, &code, other_verifier.secret(), CALLBACK).await;
    expect_oauth_error(wrong, StatusCode::BAD_REQUEST, "invalid_grant").await;
    // The failed attempt consumed the code.
    let right = exchange(&provider, &code, &request.verifier, CALLBACK).await;
    expect_oauth_error(right, StatusCode::BAD_REQUEST, "invalid_grant").await;

    let request = authorize_request(&provider, CALLBACK);
    let code = code_for(&provider, &request, "bob").await;
    let missing = post_form(
        &provider,
        "/token",
        &[
            ("grant_type", "authorization_code"),
            ("client_id", DEMO_CLIENT_ID),
            ("code", &code),
            ("redirect_uri", CALLBACK),
        ],
    )
    .await;
    expect_oauth_error(missing, StatusCode::BAD_REQUEST, "invalid_grant").await;

    let request = authorize_request(&provider, CALLBACK);
    let code = code_for(&provider, &request, "bob").await;
    let other_uri = exchange(
        &provider,
        &code,
        &request.verifier,
        "http://127.0.0.1:9/other",
    )
    .await;
    expect_oauth_error(other_uri, StatusCode::BAD_REQUEST, "invalid_grant").await;

    let request = authorize_request(&provider, CALLBACK);
    let code = code_for(&provider, &request, "bob").await;
    let bad_client = post_form(
        &provider,
        "/token",
        &[
            ("grant_type", "authorization_code"),
            ("client_id", "someone-else"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("code_verifier", &request.verifier),
        ],
    )
    .await;
    expect_oauth_error(bad_client, StatusCode::UNAUTHORIZED, "invalid_client").await;

    let bad_grant = post_form(
        &provider,
        "/token",
        &[("grant_type", "password"), ("client_id", DEMO_CLIENT_ID)],
    )
    .await;
    expect_oauth_error(bad_grant, StatusCode::BAD_REQUEST, "unsupported_grant_type").await;
    let garbage = browser::client()
        .post(format!("{}/token", provider.issuer_str()))
        .body("%%%\u{0}&&==")
        .send()
        .await
        .expect("POST garbage");
    assert!(garbage.status().is_client_error());
    provider.shutdown().await;
}

#[tokio::test]
async fn expired_code_is_refused() {
    let provider = start_with(DemoSettings {
        code_ttl: Duration::ZERO,
        ..DemoSettings::default()
    })
    .await;
    let request = authorize_request(&provider, CALLBACK);
    let code = code_for(&provider, &request, "carol").await;
    let response = exchange(&provider, &code, &request.verifier, CALLBACK).await;
    expect_oauth_error(response, StatusCode::BAD_REQUEST, "invalid_grant").await;
    provider.shutdown().await;
}

#[tokio::test]
async fn bad_client_or_redirect_uri_never_redirects() {
    let provider = start().await;
    for redirect_uri in [
        "http://example.com/callback",
        "https://127.0.0.1:8080/callback",
        "http://127.0.0.2/callback",
        "http://localhost.example.com/callback",
    ] {
        let request = authorize_request(&provider, redirect_uri);
        let response = browser::client()
            .get(&request.url)
            .send()
            .await
            .expect("GET authorize");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{redirect_uri}");
        assert!(response.headers().get("location").is_none());
        let html = response.text().await.expect("body");
        assert!(html.contains("redirect_uri"), "{html}");
    }
    // Loopback hosts other than 127.0.0.1 are accepted.
    for redirect_uri in ["http://localhost:8501/oauth2callback", "http://[::1]:7/cb"] {
        let request = authorize_request(&provider, redirect_uri);
        assert!(matches!(
            browser::open_authorize(&request.url).await,
            Ok(browser::AuthorizeStep::Page(_))
        ));
    }

    let request = authorize_request(&provider, CALLBACK);
    let url = request.url.replace(DEMO_CLIENT_ID, "not-our-client");
    let response = browser::client()
        .get(&url)
        .send()
        .await
        .expect("GET authorize");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.headers().get("location").is_none());
    provider.shutdown().await;
}

#[tokio::test]
async fn other_authorize_errors_redirect_with_state_and_iss() {
    let provider = start().await;
    let request = authorize_request(&provider, CALLBACK);
    let cases = [
        (
            request
                .url
                .replace("code_challenge_method=S256", "code_challenge_method=plain"),
            "invalid_request",
        ),
        (
            request.url.replace("&code_challenge=", "&x="),
            "invalid_request",
        ),
        (
            request.url.replace("scope=openid+", "scope="),
            "invalid_scope",
        ),
        (
            request
                .url
                .replace("response_type=code", "response_type=token"),
            "unsupported_response_type",
        ),
    ];
    for (url, error) in cases {
        let step = browser::open_authorize(&url)
            .await
            .expect("authorize answers");
        let browser::AuthorizeStep::Redirect(target) = step else {
            panic!("{url} should redirect with {error}");
        };
        assert_error_redirect(&provider, &request, &target, error);
    }
    provider.shutdown().await;
}

#[tokio::test]
async fn deny_returns_access_denied() {
    let provider = start().await;
    let request = authorize_request(&provider, CALLBACK);
    let target = browser::deny_redirect(&request.url)
        .await
        .expect("deny redirects");
    assert_error_redirect(&provider, &request, &target, "access_denied");
    assert!(query_param(&target, "error_description").is_some());
    provider.shutdown().await;
}

#[tokio::test]
async fn sign_in_page_lists_users_and_is_single_use() {
    let provider = start().await;
    let request = authorize_request(&provider, CALLBACK);
    let browser::AuthorizeStep::Page(page) =
        browser::open_authorize(&request.url).await.expect("page")
    else {
        panic!("expected the sign-in page");
    };
    assert!(page.html.contains("Sign in to the authdash demo"));
    assert_eq!(
        page.users,
        [
            "alice",
            "bob",
            "carol",
            "dave",
            "orgs10",
            "orgs1000",
            "orgs10000"
        ]
    );
    assert!(page.html.contains("Owner of Acme, Member of Globex"));
    let post = |user: &'static str| {
        browser::client()
            .post(page.action.clone())
            .form(&[("request_id", page.request_id.as_str()), ("user", user)])
            .send()
    };
    let nobody = post("mallory").await.expect("POST");
    assert_eq!(nobody.status(), StatusCode::BAD_REQUEST);
    let first = post("alice").await.expect("POST");
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let second = post("alice").await.expect("POST");
    assert_eq!(second.status(), StatusCode::BAD_REQUEST);
    provider.shutdown().await;
}

#[tokio::test]
async fn browser_sign_in_reaches_the_callback() {
    use axum::extract::RawQuery;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let app = axum::Router::new().route(
        "/callback",
        axum::routing::get(|RawQuery(q): RawQuery| async move {
            format!("callback got {}", q.unwrap_or_default())
        }),
    );
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let provider = start().await;
    let redirect_uri = format!("http://127.0.0.1:{port}/callback");
    let request = authorize_request(&provider, &redirect_uri);
    let response = browser::sign_in(&request.url, "carol")
        .await
        .expect("sign in");
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.expect("body");
    assert!(text.starts_with("callback got code="), "{text}");
    let request = authorize_request(&provider, &redirect_uri);
    let text = browser::deny(&request.url)
        .await
        .expect("deny")
        .text()
        .await
        .expect("body");
    assert!(text.contains("error=access_denied"), "{text}");
    server.abort();
    provider.shutdown().await;
}

#[tokio::test]
async fn refresh_rotates_and_detects_reuse() {
    let provider = start().await;
    let meta = metadata(&provider).await;
    let first = tokens_for(&provider, "alice").await;
    let old_refresh = field(&first, "refresh_token");

    let response = refresh(&provider, old_refresh).await;
    assert_eq!(response.status(), StatusCode::OK);
    let second = json(response).await;
    let new_refresh = field(&second, "refresh_token");
    assert_ne!(new_refresh, old_refresh);
    assert_ne!(
        field(&second, "access_token"),
        field(&first, "access_token")
    );
    // The refreshed ID token keeps iss/sub/aud and carries no nonce.
    let id_token: CoreIdToken = field(&second, "id_token").parse().expect("JWT");
    let claims = id_token
        .claims(&verifier(&meta), |nonce: Option<&Nonce>| {
            nonce
                .is_none()
                .then_some(())
                .ok_or("unexpected nonce".to_string())
        })
        .expect("refreshed ID token verifies without a nonce");
    let alice = provider.directory().user("alice").expect("alice");
    assert_eq!(claims.subject().as_str(), alice.user_id);
    assert_eq!(claims.issuer().as_str(), provider.issuer_str());
    assert_eq!(claims.audiences().len(), 1);
    assert_eq!(claims.audiences()[0].as_str(), DEMO_CLIENT_ID);
    assert_eq!(userinfo_status(&provider, &second).await, StatusCode::OK);
    assert_eq!(provider.refresh_reuse_rejections(), 0);

    // The rotated-away token is refused and counted; the grant is revoked.
    let reuse = refresh(&provider, old_refresh).await;
    expect_oauth_error(reuse, StatusCode::BAD_REQUEST, "invalid_grant").await;
    assert_eq!(provider.refresh_reuse_rejections(), 1);
    let after = refresh(&provider, new_refresh).await;
    expect_oauth_error(after, StatusCode::BAD_REQUEST, "invalid_grant").await;
    assert_eq!(
        userinfo_status(&provider, &second).await,
        StatusCode::UNAUTHORIZED
    );
    provider.shutdown().await;
}

#[tokio::test]
async fn refresh_without_rotation_keeps_the_token() {
    let provider = start_with(DemoSettings {
        rotate_refresh_tokens: false,
        ..DemoSettings::default()
    })
    .await;
    let first = tokens_for(&provider, "bob").await;
    let token = field(&first, "refresh_token");
    for _ in 0..2 {
        let response = refresh(&provider, token).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body = json(response).await;
        assert!(body.get("refresh_token").is_none());
    }
    assert_eq!(provider.refresh_reuse_rejections(), 0);
    provider.shutdown().await;
}

#[tokio::test]
async fn revocation() {
    let provider = start().await;

    // Revoking the refresh token kills it and the access tokens issued with it.
    let body = tokens_for(&provider, "alice").await;
    let response = post_form(
        &provider,
        "/revoke",
        &[
            ("token", field(&body, "refresh_token")),
            ("token_type_hint", "refresh_token"),
            ("client_id", DEMO_CLIENT_ID),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let again = refresh(&provider, field(&body, "refresh_token")).await;
    expect_oauth_error(again, StatusCode::BAD_REQUEST, "invalid_grant").await;
    assert_eq!(
        userinfo_status(&provider, &body).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        provider.refresh_reuse_rejections(),
        0,
        "revocation is not reuse"
    );

    // Revoking an access token: userinfo says 401 with a Bearer challenge.
    let body = tokens_for(&provider, "bob").await;
    let access = field(&body, "access_token");
    assert_eq!(userinfo(&provider, access).await.status(), StatusCode::OK);
    let response = post_form(
        &provider,
        "/revoke",
        &[("token", access), ("client_id", DEMO_CLIENT_ID)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = userinfo(&provider, access).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let challenge = response
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(challenge.starts_with("Bearer ") && challenge.contains("error=\"invalid_token\""));
    // The refresh token survives an access-token revocation.
    assert_eq!(
        refresh(&provider, field(&body, "refresh_token"))
            .await
            .status(),
        StatusCode::OK
    );

    // Unknown tokens: still 200.
    let response = post_form(
        &provider,
        "/revoke",
        &[("token", "never-issued"), ("client_id", DEMO_CLIENT_ID)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    // No token, no header, garbage header: 401.
    assert_eq!(
        userinfo(&provider, "never-issued").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let bare = browser::client()
        .get(format!("{}/userinfo", provider.issuer_str()))
        .send()
        .await
        .expect("GET userinfo");
    assert_eq!(bare.status(), StatusCode::UNAUTHORIZED);
    provider.shutdown().await;
}

#[tokio::test]
async fn access_token_expires() {
    let provider = start_with(DemoSettings {
        access_token_ttl: Duration::ZERO,
        ..DemoSettings::default()
    })
    .await;
    let body = tokens_for(&provider, "carol").await;
    assert_eq!(
        userinfo_status(&provider, &body).await,
        StatusCode::UNAUTHORIZED
    );
    provider.shutdown().await;
}

#[tokio::test]
async fn panel_api_follows_roles_and_permissions() {
    let provider = start().await;
    let dir = provider.directory();
    let acme = dir.org_by_name("acme").expect("acme").org_id.clone();
    let globex = dir.org_by_name("globex").expect("globex").org_id.clone();
    let alice = tokens_for(&provider, "alice").await;
    let bob = tokens_for(&provider, "bob").await;
    let carol = tokens_for(&provider, "carol").await;
    let (alice, bob, carol) = (
        field(&alice, "access_token"),
        field(&bob, "access_token"),
        field(&carol, "access_token"),
    );

    let response = panel(&provider, Some(alice), &acme, "billing").await;
    assert_eq!(response.status(), StatusCode::OK);
    let data = json(response).await;
    assert!(
        data["title"]
            .as_str()
            .is_some_and(|t| t.contains("Billing"))
    );
    assert!(data["summary"].is_string());
    let items = data["items"].as_array().expect("items");
    assert!(
        !items.is_empty()
            && items
                .iter()
                .all(|i| i["label"].is_string() && i["value"].is_string())
    );

    for (token, org, panel_id, status) in [
        (alice, &globex, "billing", StatusCode::FORBIDDEN),
        (alice, &globex, "reports", StatusCode::OK),
        (alice, &acme, "admin", StatusCode::OK),
        (bob, &acme, "billing", StatusCode::FORBIDDEN),
        (bob, &acme, "admin", StatusCode::OK),
        (bob, &globex, "reports", StatusCode::FORBIDDEN),
        (carol, &acme, "admin", StatusCode::FORBIDDEN),
        (carol, &acme, "reports", StatusCode::OK),
        (alice, &acme, "no-such-panel", StatusCode::NOT_FOUND),
        (
            alice,
            &"no-such-org".to_string(),
            "billing",
            StatusCode::NOT_FOUND,
        ),
    ] {
        let response = panel(&provider, Some(token), org, panel_id).await;
        assert_eq!(response.status(), status, "{panel_id} in {org}");
        if status == StatusCode::FORBIDDEN {
            let body = json(response).await;
            assert_eq!(body["error"], "forbidden");
            assert!(body["error_description"].is_string());
        }
    }
    assert_eq!(
        panel(&provider, None, &acme, "billing").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        panel(&provider, Some("bogus"), &acme, "billing")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    provider.shutdown().await;
}

#[tokio::test]
async fn dave_has_no_orgs() {
    let provider = start().await;
    let body = tokens_for(&provider, "dave").await;
    let info = json(userinfo(&provider, field(&body, "access_token")).await).await;
    assert_eq!(info["email"], "dave@example.com");
    assert_eq!(info["org_id_to_org_info"], serde_json::json!({}));
    let acme = provider
        .directory()
        .org_by_name("acme")
        .expect("acme")
        .org_id
        .clone();
    let response = panel(
        &provider,
        Some(field(&body, "access_token")),
        &acme,
        "reports",
    )
    .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    provider.shutdown().await;
}

#[tokio::test]
async fn logout_redirects_to_loopback_only() {
    let provider = start().await;
    let body = tokens_for(&provider, "alice").await;
    let mut url = Url::parse(&format!("{}/logout", provider.issuer_str())).expect("url");
    url.query_pairs_mut()
        .append_pair("id_token_hint", field(&body, "id_token"))
        .append_pair("post_logout_redirect_uri", "http://127.0.0.1:9/bye")
        .append_pair("state", "s1");
    let response = browser::client().get(url).send().await.expect("GET logout");
    assert!(response.status().is_redirection());
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert_eq!(location, "http://127.0.0.1:9/bye?state=s1");

    let mut url = Url::parse(&format!("{}/logout", provider.issuer_str())).expect("url");
    url.query_pairs_mut()
        .append_pair("post_logout_redirect_uri", "https://evil.example.com/");
    let response = browser::client().get(url).send().await.expect("GET logout");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    let mut url = Url::parse(&format!("{}/logout", provider.issuer_str())).expect("url");
    url.query_pairs_mut()
        .append_pair("id_token_hint", "not.a.token");
    let response = browser::client().get(url).send().await.expect("GET logout");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    let response = browser::client()
        .get(format!("{}/logout", provider.issuer_str()))
        .send()
        .await
        .expect("GET logout");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.text().await.expect("body").contains("Signed out"));
    provider.shutdown().await;
}

#[tokio::test]
async fn shutdown_and_drop_stop_the_server() {
    let provider = start().await;
    let issuer = provider.issuer_str().to_string();
    provider.shutdown().await;
    assert!(
        browser::client()
            .get(format!("{issuer}/jwks"))
            .send()
            .await
            .is_err_and(|e| e.is_connect()),
        "nothing listens there any more"
    );

    let provider = start().await;
    let issuer = provider.issuer_str().to_string();
    drop(provider);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(
        browser::client()
            .get(format!("{issuer}/jwks"))
            .send()
            .await
            .is_err_and(|e| e.is_connect()),
        "nothing listens there any more"
    );
}

#[tokio::test]
async fn openidconnect_client_can_log_in_and_refresh() {
    use openidconnect::core::CoreClient;
    use openidconnect::{
        AuthorizationCode, OAuth2TokenResponse, PkceCodeVerifier, RedirectUrl, TokenResponse,
    };
    let provider = start().await;
    let meta = metadata(&provider).await;
    let http = browser::client();
    let client = CoreClient::from_provider_metadata(
        meta.clone(),
        ClientId::new(DEMO_CLIENT_ID.to_string()),
        None,
    )
    .set_redirect_uri(RedirectUrl::new(CALLBACK.to_string()).expect("redirect"));
    let request = authorize_request(&provider, CALLBACK);
    let code = code_for(&provider, &request, "alice").await;
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .expect("token endpoint known")
        .set_pkce_verifier(PkceCodeVerifier::new(request.verifier.clone()))
        .request_async(&http)
        .await
        .expect("typed code exchange");
    let id_token = tokens.id_token().expect("an ID token");
    let claims = id_token
        .claims(
            &client.id_token_verifier(),
            &Nonce::new(request.nonce.clone()),
        )
        .expect("verifies");
    assert_eq!(
        claims.email().map(|e| e.as_str()),
        Some("alice@example.com")
    );
    let refresh_token = tokens.refresh_token().expect("a refresh token");
    let refreshed = client
        .exchange_refresh_token(refresh_token)
        .expect("token endpoint known")
        .request_async(&http)
        .await
        .expect("typed refresh");
    assert_ne!(
        refreshed.access_token().secret(),
        tokens.access_token().secret()
    );
    assert!(refreshed.refresh_token().is_some());
    assert_eq!(provider.refresh_reuse_rejections(), 0);
    provider.shutdown().await;
}

#[tokio::test]
async fn browser_session_drives_account_prompt_none_and_logout() {
    let provider = start().await;
    let issuer = provider.issuer_str().to_string();
    let request = authorize_request(&provider, CALLBACK);
    let browser::AuthorizeStep::Page(page) =
        browser::open_authorize(&request.url).await.expect("page")
    else {
        panic!("expected the sign-in page");
    };
    let response = browser::client()
        .post(page.action.clone())
        .form(&[("request_id", page.request_id.as_str()), ("user", "bob")])
        .send()
        .await
        .expect("POST sign-in");
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_string();
    let account = |cookie: Option<String>| {
        let mut request = browser::client().get(format!("{issuer}/account"));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send()
    };
    let html = account(Some(cookie.clone()))
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(html.contains("Bob Brown"), "{html}");
    let html = account(None)
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(!html.contains("Bob Brown"));

    // prompt=none: a code straight away with the session, login_required without.
    let silent = authorize_request(&provider, CALLBACK).url + "&prompt=none";
    let with_session = browser::client()
        .get(&silent)
        .header("cookie", cookie.clone())
        .send()
        .await
        .expect("GET authorize");
    let location = with_session
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| Url::parse(v).ok())
        .expect("a redirect");
    assert!(query_param(&location, "code").is_some());
    let browser::AuthorizeStep::Redirect(without) =
        browser::open_authorize(&silent).await.expect("authorize")
    else {
        panic!("prompt=none never shows a page");
    };
    assert_eq!(
        query_param(&without, "error").as_deref(),
        Some("login_required")
    );

    // Logout ends the session.
    let response = browser::client()
        .get(format!("{issuer}/logout"))
        .header("cookie", cookie.clone())
        .send()
        .await
        .expect("GET logout");
    assert_eq!(response.status(), StatusCode::OK);
    let html = account(Some(cookie))
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(!html.contains("Bob Brown"));
    provider.shutdown().await;
}

/// `POST /api/backend/v1/user/{sub}/logout_all_sessions` with `key`.
async fn log_out_everywhere(provider: &DemoProvider, sub: &str, key: &str) -> reqwest::Response {
    browser::client()
        .post(format!(
            "{}/api/backend/v1/user/{sub}/logout_all_sessions",
            provider.issuer_str()
        ))
        .bearer_auth(key)
        .send()
        .await
        .expect("POST to the backend API")
}

/// Another local process knows the key that used to be compiled into
/// every authdash (`demo-backend-api-key-not-a-secret`): with it, it
/// could end a running demo's sessions. Each run has its own random key
/// now, which ends them, and no other does.
#[tokio::test]
async fn attack_the_old_fixed_backend_key_ends_no_session() {
    let provider = start().await;
    let tokens = tokens_for(&provider, "alice").await;
    let info = json(userinfo(&provider, field(&tokens, "access_token")).await).await;
    let sub = info["sub"].as_str().expect("sub").to_owned();
    for key in ["demo-backend-api-key-not-a-secret", "", "x"] {
        let answer = log_out_everywhere(&provider, &sub, key).await;
        assert_eq!(answer.status(), StatusCode::UNAUTHORIZED, "key {key:?}");
    }
    let renewed = refresh(&provider, field(&tokens, "refresh_token")).await;
    assert_eq!(renewed.status(), StatusCode::OK, "alice was logged out");
    let renewed = json(renewed).await;

    let other = start().await;
    assert_ne!(other.backend_api_key(), provider.backend_api_key());
    assert!(provider.backend_api_key().len() >= 43, "256 bits");
    let answer = log_out_everywhere(&provider, &sub, other.backend_api_key()).await;
    assert_eq!(
        answer.status(),
        StatusCode::UNAUTHORIZED,
        "another run's key"
    );

    let answer = log_out_everywhere(&provider, &sub, provider.backend_api_key()).await;
    assert_eq!(answer.status(), StatusCode::OK, "this run's own key");
    let after = refresh(&provider, field(&renewed, "refresh_token")).await;
    expect_oauth_error(after, StatusCode::BAD_REQUEST, "invalid_grant").await;
}
