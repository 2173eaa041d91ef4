//! Restarting after a login goes straight to the dashboard: the session is
//! read back from the store, and renewed when its access token expired.

use crate::support;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use authdash::auth::Session;
use authdash::config::Config;
use authdash::demo::{DemoProvider, DemoSettings, config_toml};
use authdash::session::{SessionService, SessionSetup};
use authdash::store::{AccountId, FileStore, KeySource, TokenStore};
use authdash::tui::message::{Msg, RefreshFailure};
use authdash::tui::model::{RefreshState, Screen};
use authdash::tui::{App, Services};
use chrono::{TimeDelta, Utc};
use secrecy::ExposeSecret;

const BOUND: Duration = Duration::from_secs(30);

/// A demo provider, its config, and an empty store in a temp folder.
struct Setup {
    _demo: DemoProvider,
    config: Config,
    _tmp: tempfile::TempDir,
    data: std::path::PathBuf,
    store: Arc<dyn TokenStore>,
}

impl Setup {
    async fn new() -> Self {
        let demo = DemoProvider::start(DemoSettings::default()).await.unwrap();
        let config = Config::parse(
            Path::new("d.toml"),
            &config_toml(demo.issuer_str()),
            &|_| None,
        )
        .unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        let store: Arc<dyn TokenStore> = Arc::new(FileStore::new(
            &data,
            KeySource::KeyFile(data.join("store.key")),
        ));
        Self {
            _demo: demo,
            config,
            _tmp: tmp,
            data,
            store,
        }
    }

    /// `user` signs in at the demo provider (nothing stored).
    async fn logged_in(&self, user: &str) -> Session {
        support::engine::demo_login(&self.config, user).await
    }

    /// A dashboard process over this store.
    fn app(&self) -> App {
        App::new(
            Services {
                session: SessionService::new(SessionSetup {
                    config: self.config.clone(),
                    store: self.store.clone(),
                    store_path: self.data.join("tokens.json"),
                    data_dir: self.data.clone(),
                    browser_var: None,
                    discovery_cache: None,
                }),
                browser_available: true,
                demo_sign_in: None,
                over_ssh: false,
            },
            false,
            Utc::now(),
        )
    }

    /// A dashboard started with `sessions` stored, once it has read them
    /// back.
    async fn resumed_with(&self, sessions: &[&Session]) -> App {
        for session in sessions {
            self.store.save(session).unwrap();
        }
        let mut app = self.app();
        app.resume_stored_session().await;
        app
    }
}

/// The app's next message, within [`BOUND`].
async fn next_message(app: &mut App) -> Msg {
    tokio::time::timeout(BOUND, app.next_message())
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn a_stored_valid_session_opens_the_dashboard_without_a_login() {
    let s = Setup::new().await;
    let app = s.resumed_with(&[&s.logged_in("bob").await]).await;
    let Screen::Dashboard(dash) = &app.model.screen else {
        panic!("expected the dashboard, got {:?}", app.model.screen);
    };
    assert_eq!(dash.session.user.email.as_deref(), Some("bob@example.com"));
    assert_eq!(
        dash.refresh,
        RefreshState::Idle,
        "a fresh token needs no refresh"
    );
}

#[tokio::test]
async fn an_expired_access_token_is_renewed_with_the_refresh_token() {
    let s = Setup::new().await;
    let mut session = s.logged_in("alice").await;
    session.tokens.expires_at = Some(Utc::now() - TimeDelta::minutes(5));
    let old_access = session.tokens.access_token.expose_secret().to_owned();

    let mut app = s.resumed_with(&[&session]).await;
    assert!(matches!(
        app.model.dashboard().map(|d| &d.refresh),
        Some(RefreshState::Running)
    ));
    let msg = next_message(&mut app).await;
    assert!(
        matches!(msg, Msg::Refreshed { result: Ok(_), .. }),
        "{msg:?}"
    );
    app.handle(msg);
    let dash = app.model.dashboard().unwrap();
    assert_eq!(dash.refresh, RefreshState::Idle);
    assert_ne!(dash.session.access_token(), old_access);
    let stored = s
        .store
        .accounts()
        .unwrap()
        .active_session()
        .cloned()
        .unwrap();
    assert_eq!(
        stored.access_token(),
        dash.session.access_token(),
        "the renewed tokens are saved"
    );
}

#[tokio::test]
async fn an_expired_session_without_a_refresh_token_is_not_shown_as_logged_in() {
    let s = Setup::new().await;
    let mut session = s.logged_in("alice").await;
    session.tokens.expires_at = Some(Utc::now() - TimeDelta::minutes(5));
    session.tokens.refresh_token = None;

    let app = s.resumed_with(&[&session]).await;
    assert!(matches!(app.model.screen, Screen::Login(_)));
}

#[tokio::test]
async fn a_session_from_another_issuer_is_not_reused() {
    let s = Setup::new().await;
    let mut session = s.logged_in("alice").await;
    session.issuer = "https://elsewhere.example.com".into();
    let app = s.resumed_with(&[&session]).await;
    assert!(matches!(app.model.screen, Screen::Login(_)));
}

/// Bob is on the dashboard when his session is logged out by another
/// authdash; the next renewal finds him gone under the lock and the login
/// screen says so, instead of bringing him back.
#[tokio::test]
async fn a_renewal_after_a_logout_elsewhere_shows_the_login_with_why() {
    let s = Setup::new().await;
    let bob = s.logged_in("bob").await;
    let mut app = s.resumed_with(&[&bob]).await;
    assert!(app.model.dashboard().is_some());

    // Another process: its own handle on the same store.
    let elsewhere = FileStore::new(&s.data, KeySource::KeyFile(s.data.join("store.key")));
    assert!(elsewhere.remove(&AccountId::of(&bob)).unwrap());

    app.tick(Utc::now() + TimeDelta::hours(2));
    let msg = next_message(&mut app).await;
    app.handle(msg);
    let Screen::Login(login) = &app.model.screen else {
        panic!("expected the login screen, got {:?}", app.model.screen);
    };
    let notice = login.notice.as_ref().expect("a reason");
    assert!(
        notice.text.contains("logged out elsewhere"),
        "{}",
        notice.text
    );
    assert!(
        s.store.accounts().unwrap().sessions.is_empty(),
        "not written back"
    );
}

/// A renewal's answer carries its account and generation: one for another
/// account never lands on this dashboard, and a stale failure never logs
/// the person out.
#[tokio::test]
async fn renewal_results_land_only_on_their_own_dashboard() {
    let s = Setup::new().await;
    let alice = s.logged_in("alice").await;
    let bob = s.logged_in("bob").await;
    let mut app = s.resumed_with(&[&alice, &bob]).await;
    let on_screen = |app: &App| {
        app.model
            .dashboard()
            .map(|d| d.session.user.subject.clone())
    };
    assert_eq!(on_screen(&app).as_deref(), Some(bob.user.subject.as_str()));

    app.handle(Msg::Refreshed {
        account: AccountId::of(&alice),
        generation: None,
        result: Ok(Box::new(alice.clone())),
    });
    assert_eq!(
        on_screen(&app).as_deref(),
        Some(bob.user.subject.as_str()),
        "alice's renewal did not land on bob's dashboard"
    );
    app.handle(Msg::Refreshed {
        account: AccountId::of(&alice),
        generation: app.model.dashboard().unwrap().renewal,
        result: Err(invalid_grant()),
    });
    assert!(
        app.model.dashboard().is_some(),
        "alice's failure kept bob in"
    );
    app.handle(Msg::Refreshed {
        account: AccountId::of(&bob),
        generation: Some(12345),
        result: Err(invalid_grant()),
    });
    assert!(
        app.model.dashboard().is_some(),
        "a failure of a renewal nobody waits for is ignored"
    );
}

fn invalid_grant() -> RefreshFailure {
    RefreshFailure {
        error: "invalid_grant".into(),
        needs_login: true,
        logged_out_elsewhere: false,
        unverified: None,
    }
}
