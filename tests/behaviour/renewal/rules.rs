//! The session service's rules at renewal, tried the way an attacker or an
//! unlucky person would: a renewed ID token that fails its checks, a
//! provider that says `invalid_grant`, quitting while a renewal is under
//! way. (The same file held rule 1's other issuer, now `store::binding`;
//! a logout in a second process, `logout::attacks`; a plain-http panel,
//! `network::urls`; a refused callback, `login::flow`.)

use crate::support;

use std::time::{Duration, Instant};

use authdash::auth::Session;
use authdash::session::SessionError;
use authdash::store::TokenStore;
use chrono::{TimeDelta, Utc};
use secrecy::ExposeSecret;
use support::binary::BOUND;
use support::broken_provider::{BrokenProvider, Fault, SUBJECT};
use support::home::approved_home;

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

/// Rule 6. The provider rotates the refresh token, but the renewed ID
/// token fails its checks: the new refresh token is kept (the old one may
/// be spent), the session is marked unverified, the claims shown stay the
/// first ID token's, and the next renewal with the kept token recovers.
#[tokio::test]
async fn a_rotated_refresh_token_is_kept_when_the_new_id_token_is_refused() {
    let op = BrokenProvider::start(Fault::None).await;
    let (home, _, service, first) = approved_home(&op.toml()).await;
    let stored = || home.stored(&first).expect("still stored");

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
    let (home, config, service, session) = approved_home(&op.toml()).await;

    op.set_fault(Fault::TokenHang);
    let mut slow = config.clone();
    slow.http.request_timeout = Duration::from_millis(300);
    let impatient = home.service(&slow);
    let error = impatient
        .renew(&expired(session.clone()))
        .await
        .expect_err("no answer");
    assert!(!error.needs_login(), "a timeout keeps the session: {error}");
    assert!(home.stored(&session).is_some(), "tokens kept");

    for fault in [Fault::RefreshUnavailable, Fault::RefreshRateLimited] {
        op.set_fault(fault);
        let error = service
            .renew(&expired(session.clone()))
            .await
            .expect_err("the provider is not answering");
        assert!(!error.needs_login(), "{fault:?} keeps the session: {error}");
        assert!(home.stored(&session).is_some(), "{fault:?}: tokens kept");
    }

    op.set_fault(Fault::TokenError);
    let error = service
        .renew(&expired(session.clone()))
        .await
        .expect_err("invalid_grant");
    assert!(error.needs_login(), "{error}");
    assert!(
        home.stored(&session).is_none(),
        "the dead session is removed"
    );
}

/// The same where a person quits: the dashboard, started in a
/// pseudo-terminal on a stored session whose access token has expired,
/// renews at once; `q` while the provider is still answering ends the
/// process only once the rotated refresh token is in the store.
#[tokio::test(flavor = "multi_thread")]
async fn quitting_the_dashboard_waits_for_its_renewal_under_way() {
    use support::pty::{Pty, home_env};
    let op = BrokenProvider::start(Fault::None).await;
    let (home, _, _, session) = approved_home(&op.toml()).await;
    home.store()
        .save(&expired(session.clone()))
        .expect("stored");
    op.set_fault(Fault::TokenSlow);
    let hits = op.token_hits();
    let mut env = home_env(home.dir.path());
    env.push(("TERM".into(), "xterm-256color".into()));
    let config_path = home.config_path("a.toml").display().to_string();
    let mut app = Pty::spawn(
        env!("CARGO_BIN_EXE_authdash"),
        &["--config", &config_path],
        &env,
        home.dir.path(),
    )
    .expect("the dashboard starts");
    let deadline = Instant::now() + BOUND;
    while op.token_hits() == hits {
        assert!(
            Instant::now() < deadline,
            "the renewal never reached the provider: {}",
            app.contents()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // The provider takes a second to answer: quit now.
    app.send("q").expect("q sent");
    app.wait_exit(BOUND).expect("the dashboard quits");
    let stored = home.stored(&session).expect("stored");
    assert_ne!(
        refresh_token(&stored),
        refresh_token(&session),
        "the process ended before the renewed tokens were stored"
    );
}

/// Quitting waits for a renewal under way: the rotated refresh token in
/// flight must reach the store before the runtime goes away.
#[tokio::test(flavor = "multi_thread")]
async fn quitting_waits_for_a_renewal_under_way() {
    let op = BrokenProvider::start(Fault::None).await;
    let (home, _, service, session) = approved_home(&op.toml()).await;
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
    let stored = home.stored(&session).expect("stored");
    assert_ne!(
        refresh_token(&stored),
        refresh_token(&session),
        "the renewed tokens were stored before the wait ended"
    );
}
