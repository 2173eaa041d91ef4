//! Attacks on rule 4 (logout is final) at the provider: a process logs
//! out the session it read, while another process has since renewed it
//! (the refresh token rotated). What the provider still honours after the
//! logout must be nothing.

use crate::support;

use std::time::Duration;

use authdash::auth::Session;
use authdash::demo::{DEMO_CLIENT_ID, DemoProvider, DemoSettings, config_toml};
use authdash::session::LogoutOptions;
use authdash::store::{AccountId, TokenStore};
use chrono::{TimeDelta, Utc};
use secrecy::ExposeSecret;
use support::binary::text;
use support::home::{DemoHome, Home, demo_login};

const BOUND: Duration = Duration::from_secs(30);

fn expired(mut session: Session) -> Session {
    session.tokens.expires_at = Some(Utc::now() - TimeDelta::minutes(5));
    session
}

/// Whether the demo still takes `refresh_token` (a refresh with it works).
async fn refresh_works(issuer: &str, refresh_token: &str) -> bool {
    let response = reqwest::Client::new()
        .post(format!("{issuer}/token"))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", DEMO_CLIENT_ID),
        ])
        .send()
        .await
        .expect("the demo answers");
    response.status().is_success()
}

/// Whether the demo still takes `access_token` at userinfo.
async fn access_works(issuer: &str, access_token: &str) -> bool {
    let response = reqwest::Client::new()
        .get(format!("{issuer}/userinfo"))
        .bearer_auth(access_token)
        .send()
        .await
        .expect("the demo answers");
    response.status().is_success()
}

/// Process B read bob's session (S0) at start. Process A renewed it
/// since: S1, with a rotated refresh token, is what the store holds. B now
/// logs out with the S0 it holds: the store is emptied, but the provider
/// must not keep honouring S1's refresh token, which only the store knew.
#[tokio::test(flavor = "multi_thread")]
async fn attack_logout_with_a_stale_session_leaves_the_rotated_refresh_token_live() {
    let h = DemoHome::start().await;
    let b = h.home.service(&h.config);
    let s0 = demo_login(&h.service, "bob").await;
    let s1 = h
        .service
        .renew(&expired(s0.clone()))
        .await
        .expect("A renews");
    let rt1 = s1
        .tokens
        .refresh_token
        .as_ref()
        .expect("a rotated refresh token")
        .expose_secret()
        .to_owned();
    assert_ne!(
        Some(rt1.as_str()),
        s0.tokens.refresh_token.as_ref().map(|t| t.expose_secret()),
        "the demo rotates"
    );

    let report = tokio::time::timeout(BOUND, b.logout(&s0, LogoutOptions::default(), &|_| {}))
        .await
        .expect("in time")
        .expect("logout runs");
    assert_eq!(report.deleted, Ok(true), "{report:?}");
    assert!(h.home.store().accounts().unwrap().sessions.is_empty());
    assert!(
        !access_works(h.demo.issuer_str(), s1.access_token()).await,
        "the renewed access token still works after the logout"
    );
    assert!(
        !refresh_works(h.demo.issuer_str(), &rt1).await,
        "the rotated refresh token still works after the logout: the session lives on at \
         the provider with no copy left here to revoke it"
    );
}

/// A provider that revokes exactly the token it is given (RFC 7009 allows
/// it; not every provider revokes the whole grant as the demo does), and
/// rotates refresh tokens without sending a new ID token.
mod exact {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::{Arc, Mutex};

    use axum::Router;
    use axum::extract::State;
    use axum::routing::{get, post};
    use serde_json::json;

    use crate::support::broken_provider::{BrokenProvider, Fault};

    #[derive(Default)]
    pub struct Seen {
        pub revoked: Mutex<Vec<String>>,
        issued: AtomicU32,
    }

    async fn token(State(seen): State<Arc<Seen>>) -> axum::Json<serde_json::Value> {
        let n = seen.issued.fetch_add(1, Ordering::SeqCst) + 1;
        axum::Json(json!({
            "access_token": format!("at-{n}"),
            "refresh_token": format!("rt-{n}"),
            "token_type": "Bearer",
            "expires_in": 3600,
        }))
    }

    async fn revoke(State(seen): State<Arc<Seen>>, body: String) -> &'static str {
        if let Some((_, t)) =
            url::form_urlencoded::parse(body.as_bytes()).find(|(k, _)| k == "token")
        {
            seen.revoked.lock().unwrap().push(t.into_owned());
        }
        ""
    }

    /// The shared broken provider with these token, revocation and
    /// userinfo endpoints in place of its own.
    pub async fn start() -> (BrokenProvider, Arc<Seen>) {
        let seen = Arc::new(Seen::default());
        // Userinfo says who the hand-made session is about.
        let routes = Router::new()
            .route("/token", post(token))
            .route("/revoke", post(revoke))
            .route(
                "/userinfo",
                get(|| async { axum::Json(json!({"sub": "u1"})) }),
            )
            .with_state(seen.clone());
        let paths = ["/token", "/revoke", "/userinfo"];
        let op = BrokenProvider::start_with(Fault::None, &paths, routes).await;
        (op, seen)
    }

    pub fn session(issuer: &str) -> authdash::auth::Session {
        serde_json::from_value(json!({
            "provider": "test",
            "issuer": issuer,
            "client_id": "rp",
            "tokens": {
                "access_token": "at-0",
                "refresh_token": "rt-0",
                "id_token": "x.y.z",
                "expires_at": (chrono::Utc::now() - chrono::TimeDelta::minutes(5)).to_rfc3339(),
                "scopes": ["openid"],
            },
            "id_claims": {"sub": "u1", "iss": issuer, "aud": "rp"},
            "userinfo": null,
            "user": {"subject": "u1", "email": null, "email_verified": null, "name": "Ann",
                     "picture": null, "orgs": [], "claims": {}},
            "logged_in_at": chrono::Utc::now().to_rfc3339(),
            "refreshed_at": null,
        }))
        .expect("a session")
    }
}

/// The same race against a provider that revokes exactly what it is
/// given: B's logout must revoke the tokens the store held when it
/// deleted them (S1's), not only the stale ones it read (S0's).
#[tokio::test(flavor = "multi_thread")]
async fn attack_logout_with_a_stale_session_revokes_only_the_spent_tokens() {
    let (op, seen) = exact::start().await;
    let issuer = op.issuer();
    let home = Home::new();
    let config = home.config("x.toml", &op.toml());
    let a = home.service(&config);
    let b = home.service(&config);
    let s0 = exact::session(issuer);
    home.store().save(&s0).expect("stored");
    let s1 = a.renew(&s0).await.expect("A renews");
    assert_eq!(s1.access_token(), "at-1");

    let report = tokio::time::timeout(BOUND, b.logout(&s0, LogoutOptions::default(), &|_| {}))
        .await
        .expect("in time")
        .expect("logout runs");
    assert_eq!(report.deleted, Ok(true), "{report:?}");
    let revoked = seen.revoked.lock().unwrap().clone();
    for live in ["rt-1", "at-1"] {
        assert!(
            revoked.iter().any(|t| t == live),
            "{live}, the session's live token when the logout deleted it, was never revoked \
             (revoked: {revoked:?})"
        );
    }
}

/// `authdash logout --all`, run with a config whose provider has the same
/// name at another issuer, or the same issuer with another client: the
/// sessions stored by the first config are neither deleted nor revoked.
#[tokio::test(flavor = "multi_thread")]
async fn attack_logout_all_with_a_config_that_did_not_issue_the_sessions() {
    let first = DemoProvider::start(DemoSettings::default()).await.unwrap();
    let second = DemoProvider::start(DemoSettings::default()).await.unwrap();
    let home = Home::new();
    let toml = config_toml(first.issuer_str());
    let config_a = home.config("a.toml", &toml);
    home.config("b.toml", &config_toml(second.issuer_str()));
    home.config(
        "c.toml",
        &toml.replace(
            &format!("client_id = \"{DEMO_CLIENT_ID}\""),
            "client_id = \"another-app\"",
        ),
    );
    let a = home.service(&config_a);
    let alice = demo_login(&a, "alice").await;
    let bob = demo_login(&a, "bob").await;

    for other in ["b.toml", "c.toml"] {
        let h = home.dir.path().to_owned();
        let out = tokio::task::spawn_blocking(move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_authdash"))
                .arg("--config")
                .arg(h.join(other))
                .args(["logout", "--all"])
                .env_clear()
                .env("PATH", std::env::var("PATH").unwrap_or_default())
                .env("HOME", &h)
                .env("XDG_DATA_HOME", h.join("data"))
                .env("XDG_STATE_HOME", h.join("state"))
                .env("XDG_CONFIG_HOME", h.join("config"))
                .env("XDG_CACHE_HOME", h.join("cache"))
                .stdin(std::process::Stdio::null())
                .output()
                .expect("authdash runs")
        });
        let out = tokio::time::timeout(BOUND, out)
            .await
            .expect("in time")
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        // Nothing of its own to log out: said, done (exit 0), and the
        // other config's accounts named, not touched.
        assert_eq!(out.status.code(), Some(0), "{other}: {stderr}");
        assert!(
            stderr.contains("Not logged in: nothing to log out.")
                && stderr.contains("2 other stored account(s)"),
            "{other}: {stderr}"
        );
        let stored = home.store().accounts().expect("store reads");
        assert_eq!(
            stored.sessions.len(),
            2,
            "{other} deleted sessions: {stderr}"
        );
        for s in [&alice, &bob] {
            assert!(
                access_works(first.issuer_str(), s.access_token()).await,
                "{other} revoked {}'s token at the first issuer",
                s.user.subject
            );
        }
    }
}

/// Rule 4. Bob's access token has expired; while this process holds his
/// session, a second process logs him out. This process's renewal learns
/// it under the lock and does not bring him back.
#[tokio::test(flavor = "multi_thread")]
async fn a_logout_in_another_process_is_final() {
    let h = DemoHome::start().await;
    let bob = demo_login(&h.service, "bob").await;
    let held = expired(bob.clone());

    let logout = h.home.authdash("a.toml", &["logout"]);
    assert!(logout.status.success(), "{}", text(&logout.stderr));

    let error = h
        .service
        .renew(&held)
        .await
        .expect_err("bob stays logged out");
    assert!(error.logged_out_elsewhere(), "{error}");
    assert!(error.needs_login());
    assert!(
        h.home
            .store()
            .accounts()
            .unwrap()
            .find(&AccountId::of(&bob))
            .is_none(),
        "the renewal did not write him back"
    );
    let error = h
        .service
        .usable(&held)
        .await
        .expect_err("nor through usable");
    assert!(error.logged_out_elsewhere(), "{error}");
}

/// A program embedding the service opens the sign-out page in a window
/// that stays until it is closed (`with_url_opener`): the logout ends when
/// the browser has been sent (and back), within its own bound, while the
/// window is still open.
#[tokio::test(flavor = "multi_thread")]
async fn attack_an_opener_that_keeps_its_window_open_does_not_hold_the_browser_sign_out() {
    use std::sync::{Arc, Mutex, mpsc};

    use authdash::session::BrowserSignOutReport;

    let t = DemoHome::start().await;
    let session = demo_login(&t.service, "alice").await;
    let (close_window, closed) = mpsc::channel::<()>();
    let closed = Mutex::new(closed);
    let returned = Arc::new(Mutex::new(false));
    let opener_returned = returned.clone();
    let runtime = tokio::runtime::Handle::current();
    let service = t
        .home
        .new_service(&t.config)
        .with_url_opener(Arc::new(move |url: &str| {
            // The window follows the sign-out's redirects, as a browser
            // does, and stays open; bounded beyond BOUND.
            let url = url.to_owned();
            runtime.spawn(async move {
                let client = reqwest::Client::builder()
                    .no_proxy()
                    .timeout(BOUND)
                    .build()
                    .expect("a client");
                let _ = client.get(url).send().await;
            });
            let _ = closed
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .recv_timeout(BOUND * 3);
            *opener_returned.lock().unwrap_or_else(|p| p.into_inner()) = true;
            Ok(())
        }));
    let options = LogoutOptions {
        in_browser: true,
        everywhere: false,
    };
    let report = tokio::time::timeout(BOUND, service.logout(&session, options, &|_| {})).await;
    let still_open = !*returned.lock().unwrap();
    drop(close_window);
    let report = report
        .expect("the sign-out waited for the opener to return")
        .expect("logged out");
    assert!(
        matches!(
            report.browser,
            Some(BrowserSignOutReport::SignedOut | BrowserSignOutReport::Sent)
        ),
        "{report:?}"
    );
    assert!(still_open, "the window was closed before the logout ended");
}
