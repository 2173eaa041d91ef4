//! Attacks on rule 1 (a session is used only with the provider that issued
//! it: issuer AND client_id) and rule 3 (no config touches the sessions
//! another config wrote), from a second config that names the same issuer
//! with another client_id: two apps at one Auth0 tenant or one Keycloak
//! realm, both used by the same person.
//!
//! The store keys an account by issuer and subject only, so the second
//! app's session of the same person sits in the slot the first app reads.

use crate::support;

use std::sync::Arc;
use std::time::Duration;

use authdash::auth::Session;
use authdash::config::Config;
use authdash::demo::{DEMO_CLIENT_ID, DemoProvider, DemoSettings, config_toml};
use authdash::session::{LogoutOptions, SessionError, SessionService};
use authdash::store::{AccountId, TokenStore};
use chrono::{TimeDelta, Utc};
use secrecy::{ExposeSecret, SecretString};
use support::binary::text;
use support::home::{Home, demo_login, fetch_url};

const BOUND: Duration = Duration::from_secs(30);
/// The other app's client at the same issuer.
const OTHER_CLIENT: &str = "another-app";
const OTHER_ACCESS: &str = "the-other-apps-access-token";
const OTHER_REFRESH: &str = "the-other-apps-refresh-token";

/// The demo's issuer twice: config A with the demo's client, config B
/// with another client at the same issuer.
fn two_apps(home: &Home, demo: &DemoProvider) -> (Config, Config) {
    let toml = config_toml(demo.issuer_str());
    let a = home.config("a.toml", &toml);
    let b = home.config(
        "b.toml",
        &toml.replace(
            &format!("client_id = \"{DEMO_CLIENT_ID}\""),
            &format!("client_id = \"{OTHER_CLIENT}\""),
        ),
    );
    assert_eq!(a.providers[0].client_id, DEMO_CLIENT_ID);
    assert_eq!(b.providers[0].client_id, OTHER_CLIENT);
    (a, b)
}

/// What config B's login of the same person stores: her session at the
/// same issuer for the other client (the demo knows one client only, so
/// B's login is played by storing what it would store).
fn other_apps_session(of: &Session, fresh: bool) -> Session {
    let mut s = of.clone();
    s.client_id = OTHER_CLIENT.to_owned();
    s.provider = "demo".to_owned();
    s.tokens.access_token = SecretString::from(OTHER_ACCESS.to_owned());
    s.tokens.refresh_token = Some(SecretString::from(OTHER_REFRESH.to_owned()));
    s.tokens.expires_at = Some(if fresh {
        Utc::now() + TimeDelta::hours(1)
    } else {
        Utc::now() - TimeDelta::minutes(5)
    });
    s
}

/// Alice logged in through config A (the demo, the home, A's service and
/// her session), and config B's session of her (`b_fresh`, or expired)
/// stored beside it.
async fn alice_in_both_apps(b_fresh: bool) -> (DemoProvider, Home, Arc<SessionService>, Session) {
    let demo = DemoProvider::start(DemoSettings::default()).await.unwrap();
    let home = Home::new();
    let (config_a, _config_b) = two_apps(&home, &demo);
    let a = home.service(&config_a);
    let alice = demo_login(&a, "alice").await;
    home.store()
        .save(&other_apps_session(&alice, b_fresh))
        .expect("B's session stored");
    (demo, home, a, alice)
}

fn expired(mut session: Session) -> Session {
    session.tokens.expires_at = Some(Utc::now() - TimeDelta::minutes(5));
    session
}

fn other_apps_session_is_stored(home: &Home) -> bool {
    home.store()
        .accounts()
        .expect("store reads")
        .sessions
        .iter()
        .any(|s| s.client_id == OTHER_CLIENT)
}

/// Config A renews alice's session while the store holds, under her
/// issuer and subject, config B's fresh session: A must not come away
/// with a token issued to another client.
#[tokio::test(flavor = "multi_thread")]
async fn attack_renewal_hands_out_the_token_of_another_client_at_the_same_issuer() {
    let (_demo, home, a, alice) = alice_in_both_apps(true).await;

    // A renews its own session (the store keeps one per client), and gets
    // nothing of B's.
    let s = a
        .usable(&expired(alice))
        .await
        .expect("config A renews its own session");
    assert_eq!(
        s.client_id, DEMO_CLIENT_ID,
        "config A got a session of client {}",
        s.client_id
    );
    assert_ne!(
        s.access_token(),
        OTHER_ACCESS,
        "config A got the other client's access token"
    );
    assert!(
        other_apps_session_is_stored(&home),
        "config B's session stays"
    );
}

/// Config A's renewal spends the refresh token found in the store; when
/// that is config B's, the provider says `invalid_grant`, and the account
/// is removed: config A deleted config B's session.
#[tokio::test(flavor = "multi_thread")]
async fn attack_a_failed_renewal_deletes_the_session_of_another_client() {
    let (_demo, home, a, alice) = alice_in_both_apps(false).await;

    let result = a.renew(&expired(alice)).await;
    if let Ok(s) = &result {
        assert_eq!(s.client_id, DEMO_CLIENT_ID, "{s:?}");
    }
    assert!(
        other_apps_session_is_stored(&home),
        "config A's renewal ({result:?}) removed config B's session"
    );
}

/// Config A logs alice out: config B's session of her, at the same
/// issuer, is not A's to delete.
#[tokio::test(flavor = "multi_thread")]
async fn attack_logout_deletes_the_session_of_another_client() {
    let (_demo, home, a, alice) = alice_in_both_apps(true).await;

    let report = tokio::time::timeout(BOUND, a.logout(&alice, LogoutOptions::default(), &|_| {}))
        .await
        .expect("logout in time");
    assert!(
        other_apps_session_is_stored(&home),
        "config A's logout ({report:?}) deleted config B's session"
    );
}

/// Config B's login of alice (same issuer, other client) must not replace
/// config A's session of her: each app keeps its own.
#[tokio::test(flavor = "multi_thread")]
async fn attack_login_with_another_client_overwrites_the_first_clients_session() {
    // What config B's login stores (TokenStore::save, as login does).
    let (_demo, home, _, alice) = alice_in_both_apps(true).await;
    let refresh_a = alice
        .tokens
        .refresh_token
        .as_ref()
        .map(|t| t.expose_secret().to_owned());

    let stored = home.store().accounts().expect("store reads");
    assert!(
        stored.sessions.iter().any(|s| s.client_id == DEMO_CLIENT_ID
            && s.tokens
                .refresh_token
                .as_ref()
                .map(|t| t.expose_secret().to_owned())
                == refresh_a),
        "config A's session (and its refresh token) was replaced by config B's login"
    );
}

/// Rule 1. Two configs call their provider `demo`, at different issuers;
/// alice logs in with the first. The second never uses her session: not
/// for a token, a renewal, a fetch or a logout — refused before any
/// request — and her session stays stored for the first.
#[tokio::test(flavor = "multi_thread")]
async fn a_session_is_never_used_with_another_issuer_of_the_same_name() {
    let first = DemoProvider::start(DemoSettings::default()).await.unwrap();
    let second = DemoProvider::start(DemoSettings::default()).await.unwrap();
    let home = Home::new();
    let config_a = home.config("a.toml", &config_toml(first.issuer_str()));
    let config_b = home.config("b.toml", &config_toml(second.issuer_str()));
    assert_eq!(config_a.providers[0].name, config_b.providers[0].name);
    let a = home.service(&config_a);
    let b = home.service(&config_b);
    let alice = demo_login(&a, "alice").await;
    // What each provider has been asked so far: nothing more below, until
    // alice logs in at the second.
    let asked = (first.request_count(), second.request_count());

    let refused = |result: Result<Session, SessionError>, what: &str| match result {
        Err(e @ SessionError::ForeignSession { .. }) => {
            let text = e.to_string();
            assert!(
                text.contains(first.issuer_str().trim_end_matches('/')),
                "{what}: {text}"
            );
        }
        other => panic!("{what}: expected a refusal as another issuer's session, got {other:?}"),
    };
    refused(b.usable(&alice).await, "usable");
    refused(b.renew(&expired(alice.clone())).await, "renew");
    match b.logout(&alice, LogoutOptions::default(), &|_| {}).await {
        Err(SessionError::ForeignSession { .. }) => {}
        other => panic!("logout: expected a refusal, got {other:?}"),
    }
    let fetched = fetch_url(
        &b,
        &alice,
        &format!("{}/api/panels/billing", second.issuer_str()),
    )
    .await;
    let error = fetched
        .data
        .expect_err("a fetch with another issuer's token");
    assert!(error.contains("issued by"), "{error}");

    // The second process, with the second config: no token, no logout.
    let token = home.authdash("b.toml", &["token"]);
    assert!(!token.status.success());
    assert!(token.stdout.is_empty(), "no token on stdout");
    assert!(
        text(&token.stderr).contains("issued by"),
        "{}",
        text(&token.stderr)
    );
    let logout = home.authdash("b.toml", &["logout"]);
    assert!(!logout.status.success(), "{}", text(&logout.stderr));
    let status = home.authdash("b.toml", &["status"]);
    assert_eq!(
        status.status.code(),
        Some(4),
        "not logged in with this config"
    );

    let stored = home.store().accounts().expect("store reads");
    assert!(
        stored.find(&AccountId::of(&alice)).is_some(),
        "her session is still there for the first config"
    );
    assert_eq!(
        (first.request_count(), second.request_count()),
        asked,
        "refused only after a request: {:?} {:?}",
        first.requests(),
        second.requests()
    );
    assert!(a.usable(&alice).await.is_ok(), "and still works with it");

    // The same person at the second issuer is another account.
    let alice_b = demo_login(&b, "alice").await;
    assert_ne!(AccountId::of(&alice), AccountId::of(&alice_b));
    assert_eq!(home.store().accounts().unwrap().sessions.len(), 2);
}
