//! The session service's rules, tried the way an attacker or an unlucky
//! person would: a config that names another issuer with the same provider
//! name, a logout in a second process while this one renews, a renewed ID
//! token that fails its checks, a provider that says `invalid_grant`.

use crate::support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use authdash::auth::Session;
use authdash::demo::{DemoProvider, DemoSettings, config_toml};
use authdash::session::{LoginEvent, LogoutOptions, SessionError};
use authdash::store::{AccountId, TokenStore};
use chrono::{TimeDelta, Utc};
use secrecy::ExposeSecret;
use support::binary::{BOUND, text};
use support::broken_provider::{BrokenProvider, CLIENT_ID, Fault, SUBJECT};
use support::browser;
use support::home::{Home, auto_approved_login, browser_login, demo_login, fetch_url};

fn broken_toml(op: &BrokenProvider) -> String {
    format!(
        "[auth.test]\nclient_id = \"{CLIENT_ID}\"\nserver_metadata_url = \"{}\"\n",
        op.metadata_url()
    )
}

fn expired(mut session: Session) -> Session {
    session.tokens.expires_at = Some(Utc::now() - TimeDelta::minutes(5));
    session
}

fn refresh_token(s: &Session) -> String {
    s.tokens
        .refresh_token
        .as_ref()
        .map(|t| t.expose_secret().to_owned())
        .unwrap_or_default()
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

/// Rule 4. Bob's access token has expired; while this process holds his
/// session, a second process logs him out. This process's renewal learns
/// it under the lock and does not bring him back.
#[tokio::test(flavor = "multi_thread")]
async fn a_logout_in_another_process_is_final() {
    let demo = DemoProvider::start(DemoSettings::default()).await.unwrap();
    let home = Home::new();
    let config = home.config("a.toml", &config_toml(demo.issuer_str()));
    let service = home.service(&config);
    let bob = demo_login(&service, "bob").await;
    let held = expired(bob.clone());

    let logout = home.authdash("a.toml", &["logout"]);
    assert!(logout.status.success(), "{}", text(&logout.stderr));

    let error = service
        .renew(&held)
        .await
        .expect_err("bob stays logged out");
    assert!(error.logged_out_elsewhere(), "{error}");
    assert!(error.needs_login());
    assert!(
        home.store()
            .accounts()
            .unwrap()
            .find(&AccountId::of(&bob))
            .is_none(),
        "the renewal did not write him back"
    );
    let error = service.usable(&held).await.expect_err("nor through usable");
    assert!(error.logged_out_elsewhere(), "{error}");
}

/// Rule 6. The provider rotates the refresh token, but the renewed ID
/// token fails its checks: the new refresh token is kept (the old one may
/// be spent), the session is marked unverified, the claims shown stay the
/// first ID token's, and the next renewal with the kept token recovers.
#[tokio::test]
async fn a_rotated_refresh_token_is_kept_when_the_new_id_token_is_refused() {
    let op = BrokenProvider::start(Fault::None).await;
    let home = Home::new();
    let config = home.config("a.toml", &broken_toml(&op));
    let service = home.service(&config);
    let first = auto_approved_login(&service).await;
    let stored = || {
        home.store()
            .accounts()
            .unwrap()
            .find(&AccountId::of(&first))
            .cloned()
            .expect("still stored")
    };

    op.set_fault(Fault::BadSignature);
    let error = service
        .renew(&expired(first.clone()))
        .await
        .expect_err("refused");
    assert!(matches!(error, SessionError::Unverified { .. }), "{error}");
    assert!(!error.needs_login(), "the session is not ended by it");
    let kept = stored();
    assert_ne!(
        refresh_token(&kept),
        refresh_token(&first),
        "the rotated token is kept"
    );
    assert!(kept.unverified.is_some());
    assert_eq!(
        kept.id_claims, first.id_claims,
        "the claims are the verified ones"
    );

    op.set_fault(Fault::None);
    let recovered = service
        .usable(&kept)
        .await
        .expect("renewed with the kept token");
    assert!(recovered.unverified.is_none());
    assert_ne!(refresh_token(&recovered), refresh_token(&kept));

    // A renewal that turns the session into someone else's is never taken.
    op.set_fault(Fault::RefreshSubject);
    let error = service
        .renew(&expired(recovered))
        .await
        .expect_err("refused");
    assert!(matches!(error, SessionError::Unverified { .. }), "{error}");
    assert_eq!(stored().user.subject, SUBJECT);
}

/// Rule 5. `invalid_grant` is a definite answer: the session ends and is
/// removed; a provider that is down is not, and the tokens stay.
#[tokio::test]
async fn only_a_definite_answer_ends_a_session() {
    let op = BrokenProvider::start(Fault::None).await;
    let home = Home::new();
    let config = home.config("a.toml", &broken_toml(&op));
    let service = home.service(&config);
    let session = auto_approved_login(&service).await;

    op.set_fault(Fault::TokenHang);
    let mut slow = config.clone();
    slow.http.request_timeout = Duration::from_millis(300);
    let impatient = home.service(&slow);
    let error = impatient
        .renew(&expired(session.clone()))
        .await
        .expect_err("no answer");
    assert!(!error.needs_login(), "a timeout keeps the session: {error}");
    assert!(
        home.store()
            .accounts()
            .unwrap()
            .find(&AccountId::of(&session))
            .is_some(),
        "tokens kept"
    );

    for fault in [Fault::RefreshUnavailable, Fault::RefreshRateLimited] {
        op.set_fault(fault);
        let error = service
            .renew(&expired(session.clone()))
            .await
            .expect_err("the provider is not answering");
        assert!(!error.needs_login(), "{fault:?} keeps the session: {error}");
        assert!(
            home.store()
                .accounts()
                .unwrap()
                .find(&AccountId::of(&session))
                .is_some(),
            "{fault:?}: tokens kept"
        );
    }

    op.set_fault(Fault::TokenError);
    let error = service
        .renew(&expired(session.clone()))
        .await
        .expect_err("invalid_grant");
    assert!(error.needs_login(), "{error}");
    assert!(
        home.store()
            .accounts()
            .unwrap()
            .find(&AccountId::of(&session))
            .is_none(),
        "the dead session is removed"
    );
}

/// A panel's data goes with the access token only over https, or to this
/// machine: a plain-http address elsewhere is refused before any request.
#[tokio::test]
async fn a_token_never_goes_to_a_plain_http_panel_elsewhere() {
    let op = BrokenProvider::start(Fault::None).await;
    let home = Home::new();
    let config = home.config("a.toml", &broken_toml(&op));
    let service = home.service(&config);
    let session = auto_approved_login(&service).await;
    let before = op.requests();
    let fetched = fetch_url(&service, &session, "http://panels.example.com/acme").await;
    let error = fetched.data.expect_err("refused");
    assert!(error.contains("https"), "{error}");
    assert_eq!(op.requests(), before, "not even a renewal was tried");
}

/// Quitting waits for a renewal under way: the rotated refresh token in
/// flight must reach the store before the runtime goes away.
#[tokio::test(flavor = "multi_thread")]
async fn quitting_waits_for_a_renewal_under_way() {
    let op = BrokenProvider::start(Fault::None).await;
    let home = Home::new();
    let config = home.config("a.toml", &broken_toml(&op));
    let service = home.service(&config);
    let session = auto_approved_login(&service).await;
    op.set_fault(Fault::TokenSlow);
    let _renewing = {
        let service = service.clone();
        let session = expired(session.clone());
        tokio::spawn(async move { service.renew(&session).await })
    };
    let deadline = Instant::now() + BOUND;
    while op.token_hits() < 2 {
        assert!(
            Instant::now() < deadline,
            "the renewal never reached the provider"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // The provider is still answering: quitting now must wait for it.
    service.wait_for_renewals(BOUND).await;
    let stored = home
        .store()
        .accounts()
        .unwrap()
        .find(&AccountId::of(&session))
        .cloned()
        .expect("stored");
    assert_ne!(
        refresh_token(&stored),
        refresh_token(&session),
        "the renewed tokens were stored before the wait ended"
    );
}

/// The login's callback address, from the authorization URL.
fn callback_of(authorize_url: &str) -> url::Url {
    let url = url::Url::parse(authorize_url).expect("authorize URL");
    let redirect = browser::query_param(&url, "redirect_uri").expect("redirect_uri");
    url::Url::parse(&redirect).expect("redirect URI")
}

/// Rule 12. A forged response reaches the callback before the real one:
/// the face hears at once that it was refused, and the login goes on and
/// completes with the real sign-in.
#[tokio::test(flavor = "multi_thread")]
async fn a_refused_callback_is_said_at_once_and_the_login_goes_on() {
    let demo = DemoProvider::start(DemoSettings::default()).await.unwrap();
    let home = Home::new();
    let config = home.config("a.toml", &config_toml(demo.issuer_str()));
    let service = home.service(&config);
    let refused = Arc::new(Mutex::new(Vec::<String>::new()));
    let heard = refused.clone();
    let (tx, rx) = tokio::sync::oneshot::channel();
    let tx = Mutex::new(Some(tx));
    let events = move |event: LoginEvent| match event {
        LoginEvent::BrowserUrl { url, .. } => {
            if let Some(tx) = tx.lock().unwrap().take() {
                let _ = tx.send(url);
            }
        }
        LoginEvent::Refused(why) => heard.lock().unwrap().push(why),
        _ => {}
    };
    let seen = refused.clone();
    let person = tokio::spawn(async move {
        let url = rx.await.expect("the login URL");
        let mut forged = callback_of(&url);
        forged.set_query(Some("code=stolen&state=not-this-login"));
        let _ = browser::follow(&forged).await;
        let deadline = Instant::now() + BOUND;
        while seen.lock().unwrap().is_empty() {
            assert!(Instant::now() < deadline, "the refusal was never said");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        browser::sign_in(&url, "carol")
            .await
            .expect("the real sign-in");
    });
    let logged_in = tokio::time::timeout(BOUND, service.login(browser_login(), &events))
        .await
        .expect("in time")
        .expect("the real login completes");
    person.await.expect("the person's side");
    assert_eq!(
        logged_in.session.user.email.as_deref(),
        Some("carol@example.com")
    );
    let refused = refused.lock().unwrap();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(
        refused[0].contains("refused") && refused[0].contains("still waiting"),
        "{}",
        refused[0]
    );
}
