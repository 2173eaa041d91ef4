//! Relying-party conformance: one test per OpenID RP certification check
//! that applies to a native authorization-code client, each against a
//! provider that gets exactly one thing wrong (`support::broken_provider`).
//!
//! Every negative test asserts that the login (or refresh) fails with an
//! error whose text names the problem, and that no session comes back. The
//! positive control shows the same provider with no fault logs in fine, so
//! each failure is the fault's doing. All traffic stays on 127.0.0.1 and
//! every wait is bounded.

use crate::support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use authdash::auth::{AuthError, BrowserLogin, LoginOptions, Provider, Session};
use authdash::config::Config;
use support::broken_provider::{BrokenProvider, CLIENT_ID, Fault, SUBJECT};
use support::browser;
use url::Url;

/// Upper bound for any one step of a test.
const BOUND: Duration = Duration::from_secs(20);

async fn bounded<F: Future>(what: &str, f: F) -> F::Output {
    tokio::time::timeout(BOUND, f)
        .await
        .unwrap_or_else(|_| panic!("{what} did not finish within {BOUND:?}"))
}

async fn discover(config: &Config) -> Result<Provider, AuthError> {
    bounded(
        "discovery",
        Provider::discover(&config.providers[0], &config.http),
    )
    .await
}

async fn provider(op: &BrokenProvider) -> Arc<Provider> {
    Arc::new(discover(&op.config()).await.expect("discovery succeeds"))
}

/// GET the authorization URL (redirects off): the provider auto-approves,
/// so the answer is a redirect to our loopback callback.
async fn authorize(url: &Url) -> Url {
    let response = bounded("GET /authorize", browser::client().get(url.clone()).send())
        .await
        .expect("GET /authorize");
    assert!(
        response.status().is_redirection(),
        "authorize answered {}",
        response.status()
    );
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .expect("Location");
    Url::parse(location).expect("absolute Location")
}

/// A browser login: start, let the provider approve, deliver the redirect
/// to the callback, and wait (bounded) for the result.
async fn login(provider: Arc<Provider>) -> Result<Session, AuthError> {
    let login = BrowserLogin::start(provider, BOUND, LoginOptions::default()).await?;
    let url = login.authorize_url().clone();
    let finish = tokio::spawn(login.finish());
    let callback = authorize(&url).await;
    let page = bounded("the callback", browser::follow(&callback))
        .await
        .expect("the callback answers");
    let _ = page.text().await;
    bounded("the login", finish).await.expect("login task")
}

/// The login must fail: returns its error, or panics naming the session
/// that should never have existed.
fn refused(result: Result<Session, AuthError>) -> AuthError {
    match result {
        Ok(session) => panic!(
            "accepted a bad sign-in as a session for `{}` ({:?})",
            session.user.subject, session.id_claims
        ),
        Err(e) => {
            eprintln!("REFUSED: {e}");
            e
        }
    }
}

/// Asserts `error` is an ID-token refusal whose message has every `needle`.
fn assert_id_token_refused(error: &AuthError, needles: &[&str]) {
    assert!(
        matches!(error, AuthError::IdToken(_)),
        "expected an ID token refusal, got {error:?}"
    );
    assert!(error.needs_login(), "{error}");
    assert_contains(error, needles);
}

fn assert_contains(error: &AuthError, needles: &[&str]) {
    let text = error.to_string();
    for needle in needles {
        assert!(
            text.contains(needle),
            "the error should mention {needle:?}: {text}"
        );
    }
}

/// Logs in against a provider with `fault` and returns the refusal.
async fn refused_login(fault: Fault) -> (BrokenProvider, AuthError) {
    let op = BrokenProvider::start(fault).await;
    let error = refused(login(provider(&op).await).await);
    (op, error)
}

// ---------------------------------------------------------------- control

#[tokio::test]
async fn positive_control_the_same_provider_without_a_fault_logs_in() {
    let op = BrokenProvider::start(Fault::None).await;
    let session = login(provider(&op).await)
        .await
        .expect("a well-behaved provider logs in");
    assert_eq!(session.user.subject, SUBJECT);
    assert_eq!(session.user.email.as_deref(), Some("one@example.test"));
    assert_eq!(session.client_id, CLIENT_ID);
    assert_eq!(session.issuer, op.issuer());
    assert!(session.id_claims.contains_key("nonce"));
    assert!(session.id_claims.contains_key("at_hash"));
    assert!(session.userinfo.is_some());
    assert_eq!(op.jwks_hits(), 1, "the JWKS is fetched once, at discovery");
    assert_eq!(op.token_hits(), 1);
    assert_eq!(op.userinfo_hits(), 1);
}

#[tokio::test]
async fn clock_skew_within_the_leeway_is_accepted() {
    for fault in [Fault::ExpiredWithinLeeway, Fault::IssuedSlightlyAhead] {
        let op = BrokenProvider::start(fault).await;
        let session = login(provider(&op).await).await;
        assert!(session.is_ok(), "{fault:?}: {:?}", session.err());
    }
}

// ------------------------------------------------------- signature and keys

#[tokio::test]
async fn a_bad_signature_is_refused() {
    let (_op, e) = refused_login(Fault::BadSignature).await;
    assert_id_token_refused(&e, &["bad signature"]);
}

#[tokio::test]
async fn alg_none_is_refused() {
    let (op, e) = refused_login(Fault::AlgNone).await;
    assert_id_token_refused(&e, &["bad signature", "No signature"]);
    assert_eq!(op.userinfo_hits(), 0, "no token use before verification");
}

#[tokio::test]
async fn hs256_keyed_with_the_providers_public_key_is_refused() {
    let (_op, e) = refused_login(Fault::HmacWithPublicKey).await;
    // Refused before any key is tried: HMAC is never accepted without the
    // opt-in, and a public client cannot opt in.
    assert_id_token_refused(&e, &["signed with HS256", "allow_hs256 = true"]);
}

#[tokio::test]
async fn an_unknown_kid_refetches_the_jwks_once_then_is_refused() {
    let op = BrokenProvider::start(Fault::UnknownKid).await;
    let p = provider(&op).await;
    assert_eq!(op.jwks_hits(), 1);
    let e = refused(login(p.clone()).await);
    assert_id_token_refused(&e, &["unknown `kid`"]);
    assert_eq!(op.jwks_hits(), 2, "exactly one refetch");

    // A second forged token right away does not make us fetch again.
    let e = refused(login(p).await);
    assert_id_token_refused(&e, &["unknown `kid`"]);
    assert_eq!(op.jwks_hits(), 2, "refetches are rate-limited");
}

#[tokio::test]
async fn no_kid_with_several_keys_in_the_jwks_is_refused() {
    let (op, e) = refused_login(Fault::NoKidSeveralKeys).await;
    assert_id_token_refused(&e, &["bad signature", "Ambiguous key"]);
    assert_eq!(op.jwks_hits(), 1, "ambiguity is not a reason to refetch");
}

#[tokio::test]
async fn no_kid_with_a_single_key_in_the_jwks_is_accepted() {
    let op = BrokenProvider::start(Fault::NoKidSingleKey).await;
    let session = login(provider(&op).await).await;
    assert!(session.is_ok(), "{:?}", session.err());
    assert_eq!(op.jwks_hits(), 1);
}

#[tokio::test]
async fn key_rotation_is_accepted_after_exactly_one_refetch() {
    let op = BrokenProvider::start(Fault::None).await;
    let p = provider(&op).await;
    login(p.clone()).await.expect("first login, old key");
    assert_eq!(op.jwks_hits(), 1);

    op.rotate_keys();
    login(p.clone())
        .await
        .expect("second login, signed with the rotated key");
    assert_eq!(op.jwks_hits(), 2, "one refetch found the new key");

    login(p).await.expect("third login, new key known");
    assert_eq!(op.jwks_hits(), 2, "no refetch once the key is known");
}

// ------------------------------------------------------------------ claims

#[tokio::test]
async fn a_wrong_iss_is_refused() {
    let (_op, e) = refused_login(Fault::WrongIssuer).await;
    assert_id_token_refused(&e, &["Invalid issuer", "another-issuer"]);
}

#[tokio::test]
async fn a_missing_iat_is_refused() {
    let (_op, e) = refused_login(Fault::NoIat).await;
    assert_id_token_refused(&e, &["cannot be read", "missing field `iat`"]);
}

#[tokio::test]
async fn a_missing_sub_is_refused() {
    let (_op, e) = refused_login(Fault::NoSub).await;
    assert_id_token_refused(&e, &["cannot be read", "missing field `sub`"]);
}

#[tokio::test]
async fn a_wrong_aud_is_refused() {
    let (_op, e) = refused_login(Fault::WrongAudience).await;
    assert_id_token_refused(&e, &["Invalid audiences", "must contain `rp`"]);
}

#[tokio::test]
async fn several_audiences_without_azp_are_refused() {
    let (_op, e) = refused_login(Fault::SeveralAudiencesNoAzp).await;
    assert_id_token_refused(&e, &["another-client"]);
}

#[tokio::test]
async fn an_azp_naming_another_client_is_refused() {
    let (_op, e) = refused_login(Fault::AzpOtherClient).await;
    assert_id_token_refused(&e, &["`azp` is `another-client`, not this client"]);
}

#[tokio::test]
async fn an_expired_id_token_is_refused() {
    let (_op, e) = refused_login(Fault::Expired).await;
    assert_id_token_refused(&e, &["it expired at", "60 s of clock skew"]);
}

#[tokio::test]
async fn an_iat_far_in_the_future_is_refused() {
    let (_op, e) = refused_login(Fault::IssuedInFuture).await;
    assert_id_token_refused(&e, &["issued in the future", "60 s of clock skew"]);
    assert!(!e.to_string().contains("Expired"), "{e}");
}

#[tokio::test]
async fn a_wrong_nonce_is_refused() {
    let (_op, e) = refused_login(Fault::WrongNonce).await;
    assert_id_token_refused(&e, &["Invalid nonce", "nonce mismatch"]);
}

#[tokio::test]
async fn a_missing_nonce_is_refused() {
    let (_op, e) = refused_login(Fault::NoNonce).await;
    assert_id_token_refused(&e, &["Invalid nonce", "missing nonce"]);
}

#[tokio::test]
async fn a_wrong_at_hash_is_refused() {
    let (_op, e) = refused_login(Fault::WrongAtHash).await;
    assert_id_token_refused(&e, &["`at_hash` does not match the access token"]);
}

#[tokio::test]
async fn a_userinfo_sub_different_from_the_id_tokens_is_refused() {
    let (op, e) = refused_login(Fault::UserinfoSubject).await;
    assert!(matches!(e, AuthError::Userinfo(_)), "{e:?}");
    assert_contains(&e, &["userinfo", "`sub` differs from the ID token's"]);
    assert_eq!(op.userinfo_hits(), 1);
}

// -------------------------------------------------- authorization response

#[tokio::test]
async fn a_callback_with_the_wrong_state_is_refused_and_the_login_keeps_waiting() {
    let op = BrokenProvider::start(Fault::WrongState).await;
    let p = provider(&op).await;
    let login = BrowserLogin::start(p, BOUND, LoginOptions::default())
        .await
        .expect("login starts");
    let url = login.authorize_url().clone();
    let sent_state = browser::query_param(&url, "state").expect("state sent");
    let mut finish = tokio::spawn(login.finish());

    let forged = authorize(&url).await;
    assert_ne!(
        browser::query_param(&forged, "state"),
        Some(sent_state.clone())
    );
    let page = bounded("the callback", browser::follow(&forged))
        .await
        .expect("callback answers");
    assert_eq!(page.status(), 400, "a wrong state is refused");
    let body = page.text().await.unwrap_or_default();
    assert!(body.contains("not for the login in progress"), "{body}");

    // The login neither failed nor succeeded: it is still waiting.
    let waiting = tokio::time::timeout(Duration::from_millis(500), &mut finish).await;
    assert!(waiting.is_err(), "the login ended on a wrong state");
    assert_eq!(op.token_hits(), 0, "the code was not exchanged");

    // The genuine response (same code, the state we sent) still completes it.
    let mut genuine = forged.clone();
    let pairs: Vec<(String, String)> = forged
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "state" {
                sent_state.clone()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    genuine.query_pairs_mut().clear().extend_pairs(pairs);
    let page = bounded("the callback", browser::follow(&genuine))
        .await
        .expect("callback answers");
    assert_eq!(page.status(), 200);
    let session = bounded("the login", finish)
        .await
        .expect("login task")
        .expect("the genuine response logs in");
    assert_eq!(session.user.subject, SUBJECT);
}

// A response from another issuer, or without `iss` where the provider
// announces it, is refused while the login keeps waiting for the real one:
// tests/loopback_servers.rs.

// ---------------------------------------------------------------- discovery

#[tokio::test]
async fn a_discovery_issuer_that_differs_from_its_url_is_refused() {
    let op = BrokenProvider::start(Fault::DiscoveryIssuer).await;
    let e = discover(&op.config())
        .await
        .expect_err("discovery must fail");
    assert!(matches!(e, AuthError::IssuerMismatch { .. }), "{e:?}");
    assert_contains(
        &e,
        &[
            &format!("`{}/other`", op.issuer()),
            &format!("`{}`", op.issuer()),
        ],
    );
    assert_eq!(
        op.jwks_hits(),
        0,
        "nothing trusted from a mismatched document"
    );
}

/// Auth0 names its issuer with a trailing slash; the metadata URL is the
/// same either way (OIDC Discovery §4), so it is the same issuer, and its
/// tokens carry the document's spelling.
#[tokio::test]
async fn a_discovery_issuer_with_only_a_trailing_slash_more_is_accepted() {
    let op = BrokenProvider::start(Fault::DiscoveryIssuerSlash).await;
    let provider = discover(&op.config()).await.expect("the same issuer");
    assert_eq!(provider.issuer(), format!("{}/", op.issuer()));
}

// ----------------------------------------------------------- token endpoint

#[tokio::test]
async fn an_oauth_error_at_the_token_endpoint_surfaces() {
    let (_op, e) = refused_login(Fault::TokenError).await;
    assert!(matches!(e, AuthError::TokenRejected(_)), "{e:?}");
    assert_contains(
        &e,
        &[
            "invalid_grant",
            "The authorization code has expired or was already used",
        ],
    );
}

#[tokio::test]
async fn a_hanging_token_endpoint_times_out() {
    let op = BrokenProvider::start(Fault::TokenHang).await;
    let config = op.config_with("request_timeout_secs = 2");
    let p = Arc::new(discover(&config).await.expect("discovery"));
    let started = Instant::now();
    let e = refused(login(p).await);
    let took = started.elapsed();
    assert!(matches!(e, AuthError::TokenEndpoint(_)), "{e:?}");
    assert_contains(&e, &["token endpoint", "timed out"]);
    assert!(
        took >= Duration::from_secs(2) && took < Duration::from_secs(10),
        "the 2 s request timeout bounds the wait (took {took:?})"
    );
}

// ------------------------------------------------------------------ refresh

async fn logged_in(op: &BrokenProvider) -> (Arc<Provider>, Session) {
    let p = provider(op).await;
    let session = login(p.clone()).await.expect("login before refresh");
    (p, session)
}

#[tokio::test]
async fn a_refreshed_id_token_with_another_sub_is_refused() {
    let op = BrokenProvider::start(Fault::None).await;
    let (p, session) = logged_in(&op).await;
    op.set_fault(Fault::RefreshSubject);
    let e = refused(bounded("refresh", p.refresh(&session)).await);
    assert_id_token_refused(&e, &["refreshed ID token has a different `sub`"]);
}

#[tokio::test]
async fn a_refreshed_id_token_without_nonce_is_accepted() {
    let op = BrokenProvider::start(Fault::None).await;
    let (p, session) = logged_in(&op).await;
    let refreshed = bounded("refresh", p.refresh(&session))
        .await
        .expect("a refreshed ID token without nonce is fine");
    assert!(!refreshed.id_claims.contains_key("nonce"));
    assert_eq!(refreshed.user.subject, SUBJECT);
    assert!(refreshed.refreshed_at.is_some());
    assert_eq!(op.token_hits(), 2);
}

#[tokio::test]
async fn a_refreshed_id_token_is_verified_like_the_first() {
    let op = BrokenProvider::start(Fault::None).await;
    let (p, session) = logged_in(&op).await;
    for (fault, needle) in [
        (Fault::BadSignature, "bad signature"),
        (Fault::Expired, "expired"),
        (Fault::WrongAudience, "Invalid audiences"),
        (Fault::WrongAtHash, "`at_hash`"),
    ] {
        op.set_fault(fault);
        let e = refused(bounded("refresh", p.refresh(&session)).await);
        assert_id_token_refused(&e, &[needle]);
    }
}
