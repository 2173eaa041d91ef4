//! Issue 8's network rules, each tried the way an attacker would: a
//! provider (`support::broken_provider`, a real server on 127.0.0.1) that
//! names plain-http endpoints, streams endless bodies, sends absurd
//! numbers, signs with the client secret, leaves `sub` out of userinfo,
//! changes `auth_time` on renewal, or refuses half a revocation.
//!
//! Every wait is bounded; all traffic stays on loopback (the `evil.example`
//! endpoints are refused before anything is sent to them).

use crate::support;

use std::sync::Arc;
use std::time::Duration;

use authdash::auth::{AuthError, DeviceLogin, LoginOptions, Provider, Session};
use authdash::auth::{DiscoveryCache, http::MAX_INTERVAL_SECS};
use authdash::config::Config;
use authdash::panels::{self, SourceError};
use chrono::{TimeDelta, Utc};
use support::broken_provider::{
    Absurd, BrokenProvider, EVIL_HOST, Fault, HOSTILE_NAME, HOSTILE_USER_CODE, HUGE_BODY_BYTES,
    HugeAt, RETRY_AFTER_SECS, SUBJECT,
};
use support::engine::{bounded, discover, login, refused};

/// Far more than the 1 MiB cap plus socket buffers, far less than 1 GiB:
/// a client that read on would make the provider generate it all.
const READ_AT_MOST: usize = 64 * 1024 * 1024;

async fn provider_for(config: &Config) -> Arc<Provider> {
    Arc::new(discover(config).await.expect("discovery succeeds"))
}

fn assert_names(error: &dyn std::fmt::Display, needles: &[&str]) {
    let text = error.to_string();
    for needle in needles {
        assert!(text.contains(needle), "`{needle}` missing from: {text}");
    }
}

// ------------------------------------------------ rule 8: https everywhere

#[tokio::test]
async fn a_discovery_document_naming_plain_http_endpoints_elsewhere_is_refused_before_any_request()
{
    let op = BrokenProvider::start(Fault::InsecureEndpoints).await;
    let e = refused(discover(&op.config()).await);
    match &e {
        AuthError::InsecureEndpoint { endpoint, url } => {
            assert_eq!(*endpoint, "authorization_endpoint");
            assert_eq!(url, &format!("{EVIL_HOST}/authorize"));
        }
        other => panic!("expected InsecureEndpoint, got {other:?}"),
    }
    assert_names(
        &e,
        &[
            "authorization_endpoint",
            "http://evil.example/authorize",
            "https",
        ],
    );
    // The JWKS stayed on loopback, so only the check stopped its fetch.
    assert_eq!(op.jwks_hits(), 0, "no key set fetched");
    assert_eq!(
        op.requests(),
        ["/.well-known/openid-configuration"],
        "the document itself is the only request"
    );
}

#[tokio::test]
async fn a_cached_document_naming_a_plain_http_endpoint_is_refused_without_a_request() {
    let op = BrokenProvider::start(Fault::None).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = DiscoveryCache::new(dir.path());
    let config = op.config();
    bounded(
        "discovery",
        Provider::discover_cached(&config.providers[0], &config.http, Some(&cache)),
    )
    .await
    .expect("a good provider is discovered and cached");
    let entry = std::fs::read_dir(dir.path())
        .expect("cache dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .expect("a cache entry");
    // Someone with write access to the cache swaps the token endpoint.
    let text = std::fs::read_to_string(&entry).expect("entry");
    let tampered = text.replace(
        &format!("{}/token", op.issuer()),
        &format!("{EVIL_HOST}/token"),
    );
    assert_ne!(text, tampered, "the entry names the token endpoint");
    std::fs::write(&entry, tampered).expect("write entry");
    let before = op.requests().len();

    let e = refused(
        bounded(
            "discovery from the cache",
            Provider::discover_cached(&config.providers[0], &config.http, Some(&cache)),
        )
        .await,
    );
    assert!(
        matches!(&e, AuthError::InsecureEndpoint { endpoint: "token_endpoint", url } if url == &format!("{EVIL_HOST}/token")),
        "{e:?}"
    );
    assert_eq!(op.requests().len(), before, "no request at all");
}

#[tokio::test]
async fn a_device_verification_uri_on_plain_http_elsewhere_is_refused() {
    let op = BrokenProvider::start(Fault::DeviceInsecureVerificationUri).await;
    op.enable_device_flow();
    let p = provider_for(&op.config()).await;
    let e = refused(
        bounded(
            "device start",
            DeviceLogin::start(p, LoginOptions::default()),
        )
        .await,
    );
    match &e {
        AuthError::InsecureEndpoint { endpoint, url } => {
            assert_eq!(*endpoint, "verification_uri");
            assert_eq!(url, &format!("{EVIL_HOST}/device"));
        }
        other => panic!("expected InsecureEndpoint, got {other:?}"),
    }
    assert_eq!(
        op.token_hits(),
        0,
        "no poll for a code shown on a phishable page"
    );
}

// ----------------------------------------------- rule 10: bodies are capped

async fn assert_capped(op: &BrokenProvider, e: &dyn std::fmt::Display, cap: &str) {
    assert_names(e, &[cap]);
    let sent = op.huge_bytes_sent();
    assert!(
        sent < READ_AT_MOST,
        "the client stopped reading at the cap, yet {sent} bytes of {HUGE_BODY_BYTES} were generated"
    );
}

#[tokio::test]
async fn an_endless_discovery_document_is_refused_at_1_mib() {
    let op = BrokenProvider::start(Fault::HugeBody(HugeAt::Discovery)).await;
    let e = refused(discover(&op.config()).await);
    assert!(matches!(e, AuthError::TooLarge { .. }), "{e:?}");
    assert_names(&e, &["discovery document", "larger than the 1 MiB cap"]);
    assert_capped(&op, &e, "1 MiB").await;
}

#[tokio::test]
async fn an_endless_key_set_is_refused_at_1_mib() {
    let op = BrokenProvider::start(Fault::HugeBody(HugeAt::Jwks)).await;
    let e = refused(discover(&op.config()).await);
    assert!(matches!(e, AuthError::TooLarge { .. }), "{e:?}");
    assert_names(&e, &["JWKS", "1 MiB"]);
    assert_capped(&op, &e, "1 MiB").await;
}

#[tokio::test]
async fn an_endless_token_response_is_refused_at_1_mib() {
    let op = BrokenProvider::start(Fault::None).await;
    let p = provider_for(&op.config()).await;
    op.set_fault(Fault::HugeBody(HugeAt::Token));
    let e = refused(login(p).await);
    assert!(matches!(e, AuthError::TokenEndpoint(_)), "{e:?}");
    assert_names(&e, &["token endpoint", "larger than the 1 MiB cap"]);
    assert_capped(&op, &e, "1 MiB").await;
}

#[tokio::test]
async fn an_endless_userinfo_is_refused_at_1_mib() {
    let op = BrokenProvider::start(Fault::None).await;
    let p = provider_for(&op.config()).await;
    op.set_fault(Fault::HugeBody(HugeAt::Userinfo));
    let e = refused(login(p).await);
    assert!(matches!(e, AuthError::Userinfo(_)), "{e:?}");
    assert_capped(&op, &e, "1 MiB").await;
}

#[tokio::test]
async fn an_endless_device_authorization_answer_is_refused_at_1_mib() {
    let op = BrokenProvider::start(Fault::None).await;
    op.enable_device_flow();
    let p = provider_for(&op.config()).await;
    op.set_fault(Fault::HugeBody(HugeAt::Device));
    let e = refused(
        bounded(
            "device start",
            DeviceLogin::start(p, LoginOptions::default()),
        )
        .await,
    );
    assert!(
        matches!(e, AuthError::DeviceAuthorizationEndpoint(_)),
        "{e:?}"
    );
    assert_capped(&op, &e, "1 MiB").await;
}

#[tokio::test]
async fn endless_panel_data_is_refused_at_the_configured_cap() {
    let op = BrokenProvider::start(Fault::HugeBody(HugeAt::Panel)).await;
    let config = op.config_with("panel_body_cap_mib = 2");
    assert_eq!(config.http.panel_body_cap, 2 * 1024 * 1024);
    let http = reqwest::Client::new();
    let e = bounded(
        "panel fetch",
        authdash::session::fetch_http(&http, &op.panel_url(), "token", config.http.panel_body_cap),
    )
    .await
    .expect_err("an endless panel answer is refused");
    assert!(matches!(e, SourceError::TooLarge { .. }), "{e:?}");
    assert_names(&e, &["larger than the 2 MiB cap", "panel_body_cap_mib"]);
    assert_capped(&op, &e, "2 MiB").await;

    // Without the setting, the default cap.
    assert_eq!(
        op.config().http.panel_body_cap,
        panels::DEFAULT_PANEL_BODY_CAP
    );
    let e = bounded(
        "panel fetch",
        authdash::session::fetch_http(&http, &op.panel_url(), "t", panels::DEFAULT_PANEL_BODY_CAP),
    )
    .await
    .expect_err("refused at the default cap");
    assert_names(&e, &["larger than the 4 MiB cap"]);
}

#[tokio::test]
async fn a_small_panel_answer_still_arrives() {
    let op = BrokenProvider::start(Fault::None).await;
    let value = bounded(
        "panel fetch",
        authdash::session::fetch_http(
            &reqwest::Client::new(),
            &op.panel_url(),
            "t",
            panels::DEFAULT_PANEL_BODY_CAP,
        ),
    )
    .await
    .expect("a small answer is read");
    assert_eq!(
        panels::from_value(&value).summary.as_deref(),
        Some("all good")
    );
}

#[test]
fn the_panel_cap_is_checked_in_the_config() {
    let text = "[auth]\nclient_id = \"x\"\nserver_metadata_url = \
                \"https://id.example/.well-known/openid-configuration\"\n\
                [authdash]\npanel_body_cap_mib = 0\n";
    let e = Config::parse(std::path::Path::new("c.toml"), text, &|_| None)
        .expect_err("0 MiB is refused");
    assert_names(&e, &["panel_body_cap_mib", "from 1 to 256"]);
}

// --------------------------------------- rule 13: numbers from the provider

#[tokio::test]
async fn absurd_expires_in_and_max_age_are_clamped_without_a_panic() {
    for absurd in Absurd::ALL {
        let op = BrokenProvider::start(Fault::AbsurdNumbers(absurd)).await;
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = DiscoveryCache::new(dir.path());
        let config = op.config();
        let p = bounded(
            "discovery",
            Provider::discover_cached(&config.providers[0], &config.http, Some(&cache)),
        )
        .await
        .unwrap_or_else(|e| panic!("{absurd:?}: an absurd max-age is no reason to fail: {e}"));
        // Whatever max-age said, the cache keeps the document a day at most.
        for entry in std::fs::read_dir(dir.path()).expect("cache dir") {
            let text = std::fs::read_to_string(entry.expect("entry").path()).expect("read");
            let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
            let expires_at = value["expires_at"].as_i64().expect("expires_at");
            let ttl = expires_at - Utc::now().timestamp();
            assert!(
                (0..=24 * 60 * 60 + 5).contains(&ttl),
                "{absurd:?}: cached for {ttl} s"
            );
        }
        let session = login(Arc::new(p))
            .await
            .unwrap_or_else(|e| panic!("{absurd:?}: an absurd expires_in is clamped: {e}"));
        let now = Utc::now();
        match (absurd, session.tokens.expires_at) {
            (Absurd::Words, at) => assert_eq!(at, None, "a word is no expiry"),
            (Absurd::Negative | Absurd::Zero, Some(at)) => {
                assert!(at <= now, "{absurd:?}: already expired ({at})");
                assert!(!session.access_token_fresh(now));
            }
            (_, Some(at)) => {
                assert!(at > now + TimeDelta::days(364), "{absurd:?}: {at}");
                assert!(
                    at <= now + TimeDelta::days(366),
                    "{absurd:?}: clamped to a year, {at}"
                );
            }
            (_, None) => panic!("{absurd:?}: expected an expiry"),
        }
    }
}

#[tokio::test]
async fn absurd_device_interval_and_expires_in_are_clamped_without_a_panic() {
    for absurd in Absurd::ALL {
        let op = BrokenProvider::start(Fault::AbsurdNumbers(absurd)).await;
        op.enable_device_flow();
        let p = provider_for(&op.config()).await;
        let started = bounded(
            "device start",
            DeviceLogin::start(p, LoginOptions::default()),
        )
        .await;
        if absurd == Absurd::Words {
            // `expires_in` is required (RFC 8628 §3.2): a word is no answer.
            let e = refused(started);
            assert!(
                matches!(e, AuthError::DeviceAuthorizationEndpoint(_)),
                "{e:?}"
            );
            assert_names(&e, &["expires_in"]);
            continue;
        }
        let device =
            started.unwrap_or_else(|e| panic!("{absurd:?}: the device answer is clamped: {e}"));
        let interval = device.interval();
        assert!(
            interval >= Duration::from_secs(1)
                && interval <= Duration::from_secs(MAX_INTERVAL_SECS),
            "{absurd:?}: interval {interval:?}"
        );
        let lifetime = device.expires_at() - Utc::now();
        assert!(
            lifetime <= TimeDelta::hours(1),
            "{absurd:?}: a device code is polled for an hour at most, not {lifetime}"
        );
        let result = bounded("device poll", device.poll(|_| {})).await;
        match absurd {
            // No lifetime left: the code has expired before the first poll.
            Absurd::Negative | Absurd::Zero => {
                let e = refused(result);
                assert!(
                    matches!(e, AuthError::DeviceCodeExpired),
                    "{absurd:?}: {e:?}"
                );
            }
            _ => {
                let session = result.unwrap_or_else(|e| panic!("{absurd:?}: {e}"));
                assert_eq!(session.user.subject, SUBJECT);
            }
        }
    }
}

#[tokio::test]
async fn absurd_numeric_claims_in_the_id_token_are_refused_without_a_panic() {
    let op = BrokenProvider::start(Fault::None).await;
    let p = provider_for(&op.config()).await;
    op.set_fault(Fault::AbsurdClaims);
    let e = refused(login(p).await);
    assert!(matches!(e, AuthError::IdToken(_)), "{e:?}");
}

// ------------------------------------------------------- rule 9: ID tokens

#[tokio::test]
async fn hs256_keyed_with_the_client_secret_is_refused_without_the_opt_in() {
    let op = BrokenProvider::start(Fault::HmacWithClientSecret).await;
    let p = provider_for(&op.confidential_config("")).await;
    let e = refused(login(p).await);
    assert!(matches!(e, AuthError::IdToken(_)), "{e:?}");
    assert_names(&e, &["HS256", "allow_hs256 = true"]);
}

#[tokio::test]
async fn hs256_is_accepted_for_a_confidential_client_that_opts_in() {
    let op = BrokenProvider::start(Fault::HmacWithClientSecret).await;
    let p = provider_for(&op.confidential_config("allow_hs256 = true")).await;
    let session = login(p).await.expect("the opt-in accepts HS256");
    assert_eq!(session.user.subject, SUBJECT);
}

#[test]
fn allow_hs256_on_a_public_client_is_a_config_error() {
    let text = "[auth]\nclient_id = \"x\"\nserver_metadata_url = \
                \"https://id.example/.well-known/openid-configuration\"\nallow_hs256 = true\n";
    let e = Config::parse(std::path::Path::new("c.toml"), text, &|_| None)
        .expect_err("a public client cannot opt into HS256");
    assert_names(&e, &["allow_hs256", "public client", "client_secret"]);
}

#[tokio::test]
async fn userinfo_without_sub_is_refused_outside_the_propelauth_mapper() {
    let op = BrokenProvider::start(Fault::UserinfoUserIdOnly).await;
    let p = provider_for(&op.config_text("org_claims = \"keycloak\"", "")).await;
    let e = refused(login(p).await);
    assert!(matches!(e, AuthError::Userinfo(_)), "{e:?}");
    assert_names(&e, &["no `sub`", "propelauth"]);
}

#[tokio::test]
async fn propelauth_userinfo_with_the_id_tokens_user_id_is_accepted() {
    let op = BrokenProvider::start(Fault::UserinfoUserIdOnly).await;
    let p = provider_for(&op.config_text("org_claims = \"propelauth\"", "")).await;
    let session = login(p).await.expect("PropelAuth's shape, same subject");
    assert_eq!(session.user.subject, SUBJECT);
}

#[tokio::test]
async fn propelauth_userinfo_naming_another_user_id_is_refused() {
    let op = BrokenProvider::start(Fault::UserinfoUserIdOther).await;
    let p = provider_for(&op.config_text("org_claims = \"propelauth\"", "")).await;
    let e = refused(login(p).await);
    assert!(matches!(e, AuthError::Userinfo(_)), "{e:?}");
    assert_names(&e, &["`user_id` differs from the ID token's `sub`"]);
}

async fn logged_in(op: &BrokenProvider) -> (Arc<Provider>, Session) {
    let p = provider_for(&op.config()).await;
    let session = login(p.clone()).await.expect("login");
    (p, session)
}

/// A login, then a renewal the provider answers with `fault`: why it was
/// refused.
async fn renewal_refused(fault: Fault) -> AuthError {
    let op = BrokenProvider::start(Fault::None).await;
    let (p, session) = logged_in(&op).await;
    op.set_fault(fault);
    refused(bounded("refresh", p.refresh(&session)).await)
}

#[tokio::test]
async fn a_renewal_with_another_auth_time_is_refused() {
    let e = renewal_refused(Fault::RefreshAuthTime).await;
    assert!(matches!(e, AuthError::IdToken(_)), "{e:?}");
    assert_names(&e, &["different `auth_time`"]);
}

#[tokio::test]
async fn a_renewal_with_an_azp_the_first_token_lacked_is_refused() {
    let e = renewal_refused(Fault::RefreshAzpAppears).await;
    assert!(matches!(e, AuthError::IdToken(_)), "{e:?}");
    assert_names(&e, &["different `azp`"]);
}

#[tokio::test]
async fn a_renewal_keeping_auth_time_is_accepted() {
    let op = BrokenProvider::start(Fault::None).await;
    let (p, session) = logged_in(&op).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let renewed = bounded("refresh", p.refresh(&session))
        .await
        .expect("the same authentication renews");
    assert_eq!(
        renewed.id_claims.get("auth_time"),
        session.id_claims.get("auth_time")
    );
}

// ----------------------------------------------------- rule 18: revocation

#[tokio::test]
async fn the_access_token_is_revoked_even_when_revoking_the_refresh_token_fails() {
    let op = BrokenProvider::start(Fault::None).await;
    let (p, session) = logged_in(&op).await;
    op.set_fault(Fault::RevokeRefreshFails);
    let e = refused(bounded("revoke", p.revoke(&session)).await);
    assert!(matches!(e, AuthError::Revocation(_)), "{e:?}");
    assert_names(&e, &["the refresh token", "HTTP 503"]);
    assert!(!e.to_string().contains("the access token"), "{e}");
    assert_eq!(
        op.revocations(),
        [
            ("refresh_token".to_owned(), 503),
            ("access_token".to_owned(), 200)
        ]
    );
    assert!(
        !op.access_token_is_live(session.access_token()),
        "the access token no longer opens anything"
    );
}

#[tokio::test]
async fn unsupported_token_type_is_not_a_revocation_failure() {
    let op = BrokenProvider::start(Fault::None).await;
    let (p, session) = logged_in(&op).await;
    op.set_fault(Fault::RevokeAccessUnsupported);
    let revoked = bounded("revoke", p.revoke(&session))
        .await
        .expect("unsupported_token_type is no failure");
    assert!(revoked, "the provider has a revocation endpoint");
    assert_eq!(
        op.revocations(),
        [
            ("refresh_token".to_owned(), 200),
            ("access_token".to_owned(), 400)
        ]
    );
}

// ------------------------------- the broken provider's faults for others

#[tokio::test]
async fn the_broken_provider_refuses_renewals_with_503_and_429_and_retry_after() {
    let op = BrokenProvider::start(Fault::None).await;
    let (_p, session) = logged_in(&op).await;
    let refresh = session
        .tokens
        .refresh_token
        .as_ref()
        .expect("refresh token");
    let token_url = format!("{}/token", op.issuer());
    for (fault, status) in [
        (Fault::RefreshUnavailable, 503),
        (Fault::RefreshRateLimited, 429),
    ] {
        op.set_fault(fault);
        let response = bounded(
            "refresh request",
            reqwest::Client::new()
                .post(&token_url)
                .form(&[
                    ("grant_type", "refresh_token"),
                    ("client_id", support::broken_provider::CLIENT_ID),
                    (
                        "refresh_token",
                        secrecy::ExposeSecret::expose_secret(refresh),
                    ),
                ])
                .send(),
        )
        .await
        .expect("the token endpoint answers");
        assert_eq!(response.status().as_u16(), status);
        assert_eq!(
            response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok()),
            Some(RETRY_AFTER_SECS.to_string().as_str())
        );
    }
}

#[tokio::test]
async fn the_broken_provider_sends_control_characters_in_names_and_org_names() {
    let op = BrokenProvider::start(Fault::ControlCharacters).await;
    let p = provider_for(&op.config()).await;
    let session = login(p).await.expect("login");
    assert_eq!(session.user.name.as_deref(), Some(HOSTILE_NAME));
    assert!(
        session
            .user
            .orgs
            .iter()
            .any(|o| o.org_name.contains('\u{1b}')),
        "{:?}",
        session.user.orgs
    );

    op.enable_device_flow();
    let p = provider_for(&op.config()).await;
    let device = bounded(
        "device start",
        DeviceLogin::start(p, LoginOptions::default()),
    )
    .await
    .expect("device start");
    assert_eq!(device.user_code(), HOSTILE_USER_CODE);
}
