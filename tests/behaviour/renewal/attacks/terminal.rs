//! Attacks on rule 16 (nothing from a provider reaches a terminal raw) and
//! rule 13 (numbers clamped) through the token endpoint: a hostile
//! provider answers renewals with control characters in `error`,
//! `error_description` and malformed fields, and with absurd Retry-After
//! values. `authdash token` (a real process) prints what went wrong on
//! stderr; nothing there may be an escape sequence.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, OnceLock};

use authdash::auth::Session;
use authdash::config::Config;
use authdash::store::TokenStore;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{TimeDelta, Utc};
use serde_json::json;

use crate::support::broken_provider::{BrokenProvider, Fault};
use crate::support::home::Home;

const CLIENT: &str = "rp";
/// Clears the screen, retitles the window, rings the bell.
const HOSTILE: &str = "\u{1b}[2J\u{1b}]0;pwned\u{7}\u{9b}31m";

/// How the token endpoint answers a renewal.
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Answer {
    /// 400 invalid_grant with a hostile description.
    InvalidGrant = 0,
    /// 400 with a hostile `error` code itself.
    HostileErrorCode = 1,
    /// 429 temporarily_unavailable with a hostile description and a
    /// Retry-After past u64.
    RateLimited = 2,
    /// 200 with a token response whose `id_token` is hostile text, not a
    /// JWT (the parse error may quote it).
    MalformedSuccess = 3,
    /// 503 whose body is hostile text, not JSON.
    Unavailable = 4,
    /// 200 with a new ID token, properly signed with the published key,
    /// whose `iss` holds escape sequences: the refusal quotes it.
    HostileIdTokenIssuer = 5,
}

const KEY_PEM: &str = include_str!("../../../support/keys/rotated.pem");
const KID: &str = "attacks-key";

fn signing_key() -> openidconnect::core::CoreRsaPrivateSigningKey {
    openidconnect::core::CoreRsaPrivateSigningKey::from_pem(KEY_PEM, None).expect("key")
}

fn jwks() -> serde_json::Value {
    use openidconnect::PrivateSigningKey as _;
    let public = serde_json::to_value(signing_key().as_verification_key()).unwrap();
    json!({"keys": [{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": KID,
                     "n": public["n"], "e": public["e"]}]})
}

fn signed(claims: &serde_json::Value) -> String {
    use base64::Engine as _;
    use openidconnect::PrivateSigningKey as _;
    let b64 = |v: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
    let header = json!({"alg": "RS256", "typ": "JWT", "kid": KID});
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let sig = signing_key()
        .sign(
            &openidconnect::core::CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
            input.as_bytes(),
        )
        .expect("signature");
    format!("{input}.{}", b64(&sig))
}

/// The shared broken provider with this file's token endpoint (and the
/// key its ID tokens are signed with) in place of its own.
struct Hostile {
    _provider: BrokenProvider,
    issuer: String,
    answer: Arc<AtomicU8>,
}

async fn start() -> Hostile {
    let answer = Arc::new(AtomicU8::new(0));
    let issuer = Arc::new(OnceLock::new());
    let routes = Router::new()
        .route("/jwks", get(|| async { axum::Json(jwks()) }))
        .route("/token", post(token))
        .with_state((answer.clone(), issuer.clone()));
    let provider = BrokenProvider::start_with(Fault::None, &["/jwks", "/token"], routes).await;
    let _ = issuer.set(provider.issuer().to_owned());
    Hostile {
        issuer: provider.issuer().to_owned(),
        _provider: provider,
        answer,
    }
}

type TokenState = (Arc<AtomicU8>, Arc<OnceLock<String>>);

async fn token(State((answer, issuer)): State<TokenState>) -> Response {
    let issuer = issuer.get().cloned().unwrap_or_default();
    let json_error = |status: StatusCode, body: serde_json::Value, extra: Option<&str>| {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, "application/json".parse().unwrap());
        if let Some(after) = extra {
            headers.insert(header::RETRY_AFTER, after.parse().unwrap());
        }
        (status, headers, body.to_string()).into_response()
    };
    match answer.load(Ordering::SeqCst) {
        0 => json_error(
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_grant", "error_description": format!("gone{HOSTILE}")}),
            None,
        ),
        1 => json_error(
            StatusCode::BAD_REQUEST,
            json!({"error": format!("invalid_grant{HOSTILE}")}),
            None,
        ),
        2 => json_error(
            StatusCode::TOO_MANY_REQUESTS,
            json!({"error": "temporarily_unavailable", "error_description": format!("later{HOSTILE}")}),
            Some("184467440737095516160000"),
        ),
        3 => json_error(
            StatusCode::OK,
            json!({"access_token": "a", "token_type": "Bearer", "expires_in": 60,
                   "id_token": format!("x{HOSTILE}.y.z")}),
            None,
        ),
        5 => {
            let now = Utc::now().timestamp();
            let id_token = signed(&json!({
                "iss": format!("{issuer}/t{HOSTILE}"),
                "sub": "u1",
                "aud": CLIENT,
                "iat": now,
                "exp": now + 600,
            }));
            json_error(
                StatusCode::OK,
                json!({"access_token": "new-access", "refresh_token": "new-refresh",
                       "token_type": "Bearer", "expires_in": 600, "id_token": id_token}),
                None,
            )
        }
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, "99999999999999999999999999")],
            format!("down{HOSTILE}"),
        )
            .into_response(),
    }
}

/// A session at `issuer` whose access token has expired (so `token`
/// renews it) and whose display name is hostile too.
fn session(issuer: &str) -> Session {
    serde_json::from_value(json!({
        "provider": "test",
        "issuer": issuer,
        "client_id": CLIENT,
        "tokens": {
            "access_token": "old-access",
            "refresh_token": "old-refresh",
            "id_token": "x.y.z",
            "expires_at": (Utc::now() - TimeDelta::minutes(5)).to_rfc3339(),
            "scopes": ["openid"],
        },
        "id_claims": {"sub": "u1", "iss": issuer, "aud": CLIENT},
        "userinfo": null,
        "user": {
            "subject": "u1",
            "email": null,
            "email_verified": null,
            "name": format!("Mallory{HOSTILE}"),
            "picture": null,
            "orgs": [],
            "claims": {},
        },
        "logged_in_at": Utc::now().to_rfc3339(),
        "refreshed_at": null,
    }))
    .expect("a session")
}

/// The config `authdash.toml` in `home`, naming the hostile provider at
/// `issuer`.
fn config(home: &Home, issuer: &str) -> Config {
    home.config(
        "authdash.toml",
        &format!(
            "[auth.test]\nclient_id = \"{CLIENT}\"\n\
             server_metadata_url = \"{issuer}/.well-known/openid-configuration\"\n"
        ),
    )
}

fn raw_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| {
            (c.is_control() && *c != '\n')
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .collect()
}

/// `authdash token` against the hostile provider: its stderr, and the
/// sessions left in the store afterwards.
async fn token_stderr(answer: Answer) -> (String, usize) {
    let op = start().await;
    op.answer.store(answer as u8, Ordering::SeqCst);
    let home = Home::new();
    config(&home, &op.issuer);
    home.store().save(&session(&op.issuer)).expect("stored");
    let (out, left) = tokio::task::spawn_blocking(move || {
        let out = home.authdash("authdash.toml", &["token"]);
        let left = home.store().accounts().expect("store reads").sessions.len();
        (out, left)
    })
    .await
    .unwrap();
    assert!(!out.status.success(), "no token from a failed renewal");
    assert!(out.stdout.is_empty(), "nothing on stdout");
    (String::from_utf8_lossy(&out.stderr).into_owned(), left)
}

fn assert_shown_not_run(what: &str, stderr: &str) {
    assert!(
        raw_controls(stderr).is_empty(),
        "{what}: control characters reach the terminal raw: {:?}",
        stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn attack_token_endpoint_error_description_with_escape_sequences() {
    let (stderr, left) = token_stderr(Answer::InvalidGrant).await;
    assert!(stderr.contains("gone"), "{stderr:?}");
    assert_eq!(left, 0, "invalid_grant ends the session");
    assert_shown_not_run("error_description", &stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn attack_token_endpoint_error_code_with_escape_sequences() {
    let (stderr, _) = token_stderr(Answer::HostileErrorCode).await;
    assert_shown_not_run("error", &stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn attack_rate_limited_renewal_with_absurd_retry_after_and_escapes() {
    let (stderr, left) = token_stderr(Answer::RateLimited).await;
    assert!(!stderr.contains("panicked"), "{stderr}");
    // Rule 5: a busy provider keeps the session, and says so.
    assert_eq!(left, 1, "the session is kept: {stderr}");
    assert!(
        !stderr.contains("log in again"),
        "a 429 is not a reason to log in again: {stderr}"
    );
    assert_shown_not_run("429 description", &stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn attack_malformed_token_response_quoted_in_the_parse_error() {
    let (stderr, _) = token_stderr(Answer::MalformedSuccess).await;
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_shown_not_run("parse error", &stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn attack_unavailable_token_endpoint_with_hostile_body() {
    let (stderr, left) = token_stderr(Answer::Unavailable).await;
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(left, 1, "the session is kept: {stderr}");
    assert_shown_not_run("503 body", &stderr);
}

/// A session logged out by another process while this one renews: the
/// error names the person, whose name came from the provider.
#[tokio::test(flavor = "multi_thread")]
async fn attack_logged_out_elsewhere_names_a_hostile_display_name() {
    let op = start().await;
    let home = Home::new();
    let service = home.service(&config(&home, &op.issuer));
    // Not in the store: another process logged it out.
    let error = service
        .renew(&session(&op.issuer))
        .await
        .expect_err("logged out elsewhere");
    assert!(error.logged_out_elsewhere(), "{error:?}");
    assert_shown_not_run("logged out elsewhere", &error.to_string());
}

/// A renewal whose new ID token is refused for its `iss`, which holds
/// escape sequences: the refusal names what was found.
#[tokio::test(flavor = "multi_thread")]
async fn attack_refused_id_token_quotes_a_hostile_issuer() {
    let (stderr, left) = token_stderr(Answer::HostileIdTokenIssuer).await;
    assert_eq!(left, 1, "the rotated tokens are kept: {stderr}");
    assert_shown_not_run("refused ID token", &stderr);
}

/// An authorization error response (the provider's redirect back with
/// `error_description`) is the same OAuth error text.
#[test]
fn attack_authorization_error_description_with_escapes() {
    let denied = authdash::auth::AuthError::Denied(authdash::auth::OAuthErrorText {
        error: format!("access_denied{HOSTILE}"),
        description: Some(format!("no{HOSTILE}")),
    });
    assert_shown_not_run("authorization error", &denied.to_string());
}
