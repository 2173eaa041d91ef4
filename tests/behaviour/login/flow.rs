//! The browser login end to end against the embedded demo provider: a test
//! browser signs in and lands on the engine's loopback callback.

use crate::support;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use authdash::auth::{AuthError, BrowserLogin, CallbackError, LoginOptions, Provider, Session};
use authdash::config::Config;
use authdash::demo::{DemoProvider, DemoSettings, config_toml};
use authdash::identity::RoleOrder;
use authdash::session::LoginEvent;
use secrecy::ExposeSecret;
use support::browser;
use support::home::{DemoHome, browser_login};

const BOUND: Duration = Duration::from_secs(30);

async fn demo_with(settings: DemoSettings) -> (DemoProvider, Config) {
    let demo = DemoProvider::start(settings)
        .await
        .expect("demo provider starts");
    let config = Config::parse(
        Path::new("demo.toml"),
        &config_toml(demo.issuer_str()),
        &|_| None,
    )
    .expect("demo config parses");
    (demo, config)
}

async fn demo() -> (DemoProvider, Config) {
    demo_with(DemoSettings::default()).await
}

/// The demo config (of the demo `config` names) with `[auth]
/// redirect_uri` set.
fn with_redirect_uri(config: &Config, redirect_uri: &str) -> Config {
    let issuer = config.providers[0]
        .server_metadata_url
        .as_str()
        .replace("/.well-known/openid-configuration", "");
    let text = config_toml(&issuer).replace(
        "[auth.demo]",
        &format!("[auth]\nredirect_uri = \"{redirect_uri}\"\n\n[auth.demo]"),
    );
    Config::parse(Path::new("demo.toml"), &text, &|_| None).unwrap()
}

async fn provider(config: &Config) -> Arc<Provider> {
    Arc::new(
        Provider::discover(&config.providers[0], &config.http)
            .await
            .expect("discovery"),
    )
}

async fn start(provider: Arc<Provider>) -> BrowserLogin {
    BrowserLogin::start(provider, BOUND, LoginOptions::default())
        .await
        .expect("login starts")
}

/// Sign in as `user` and return the verified session.
async fn login_as(provider: Arc<Provider>, user: &str) -> Session {
    let login = start(provider).await;
    let url = login.authorize_url().to_string();
    let finish = tokio::spawn(login.finish());
    let page = browser::sign_in(&url, user)
        .await
        .expect("browser signs in");
    assert_eq!(
        page.status(),
        200,
        "the callback answers with its success page"
    );
    let body = page.text().await.unwrap_or_default();
    assert!(body.contains("Signed in"), "{body}");
    tokio::time::timeout(BOUND, finish)
        .await
        .expect("login finishes in time")
        .expect("task")
        .expect("login succeeds")
}

#[tokio::test]
async fn alice_logs_in_with_pkce_state_and_nonce_and_gets_her_orgs() {
    let (_demo, config) = demo().await;
    let login = start(provider(&config).await).await;
    let url = url::Url::parse(login.authorize_url().as_str()).unwrap();
    let q = |k: &str| browser::query_param(&url, k);
    assert_eq!(q("code_challenge_method").as_deref(), Some("S256"));
    assert!(q("state").is_some_and(|s| s.len() >= 16));
    assert!(q("nonce").is_some_and(|s| s.len() >= 16));
    let redirect = q("redirect_uri").expect("redirect_uri");
    assert!(redirect.starts_with("http://127.0.0.1:"), "{redirect}");
    assert!(
        !redirect.starts_with("http://127.0.0.1:0/"),
        "a real port: {redirect}"
    );
    drop(login);

    let session = login_as(provider(&config).await, "alice").await;
    let user = &session.user;
    assert_eq!(user.email.as_deref(), Some("alice@example.com"));
    assert_eq!(user.display_name(), "Alice Anderson");
    assert_eq!(session.id_claims["nonce"].as_str().map(str::len), Some(22));
    assert!(session.userinfo.is_some());
    assert!(
        session.tokens.refresh_token.is_some(),
        "offline_access gives a refresh token"
    );
    let names: Vec<_> = user
        .orgs
        .iter()
        .map(|o| (o.org_name.as_str(), o.role.as_str()))
        .collect();
    assert_eq!(names, [("Acme", "Owner"), ("Globex", "Member")]);
    let order = RoleOrder::default();
    let acme = &user.orgs[0];
    assert!(acme.is_at_least_role("Admin", &order));
    assert!(acme.has_permission("can_view_billing"));
    let globex = &user.orgs[1];
    assert!(!globex.is_at_least_role("Admin", &order));
    assert!(!globex.has_permission("can_view_billing"));
}

#[tokio::test]
async fn each_demo_user_maps_to_the_expected_memberships() {
    let (_demo, config) = demo().await;
    let p = provider(&config).await;
    let cases: [(&str, &[(&str, &str)]); 3] = [
        ("bob", &[("Acme", "Admin")]),
        ("carol", &[("Acme", "Member")]),
        ("dave", &[]),
    ];
    for (user, expected) in cases {
        let session = login_as(p.clone(), user).await;
        let got: Vec<_> = session
            .user
            .orgs
            .iter()
            .map(|o| (o.org_name.as_str(), o.role.as_str()))
            .collect();
        assert_eq!(got, expected, "{user}");
    }
}

#[tokio::test]
async fn a_callback_with_the_wrong_state_is_refused_and_the_login_keeps_waiting() {
    let (_demo, config) = demo().await;
    let mut login = start(provider(&config).await).await;
    let mut refusals = login.refusals().expect("the refusals channel");
    let url = login.authorize_url().to_string();
    let finish = tokio::spawn(login.finish());
    let mut redirect = browser::authorize_redirect(&url, "alice").await.unwrap();
    let good = redirect.clone();
    let pairs: Vec<(String, String)> = redirect
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "state" {
                "forged".into()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    redirect.query_pairs_mut().clear().extend_pairs(pairs);
    let forged = browser::follow(&redirect).await.unwrap();
    assert_eq!(forged.status(), 400);
    assert!(
        forged
            .text()
            .await
            .unwrap()
            .contains("not for the login in progress")
    );
    // Said at once, through the channel a face reads.
    let refusal = tokio::time::timeout(BOUND, refusals.recv())
        .await
        .expect("reported in time")
        .expect("a refusal");
    assert_eq!(refusal.reason, authdash::auth::RefusalReason::WrongState);
    assert_eq!(
        refusal.to_string(),
        "a sign-in response that was not for this login was refused; still waiting \
         (its state does not match the one this login sent)"
    );
    assert!(
        !finish.is_finished(),
        "a forged response must not end the login"
    );
    let real = browser::follow(&good).await.unwrap();
    assert_eq!(real.status(), 200);
    let session = tokio::time::timeout(BOUND, finish)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(session.user.email.as_deref(), Some("alice@example.com"));
}

#[tokio::test]
async fn access_denied_ends_the_login_with_a_clear_message() {
    let (_demo, config) = demo().await;
    let login = start(provider(&config).await).await;
    let url = login.authorize_url().to_string();
    let finish = tokio::spawn(login.finish());
    let page = browser::deny(&url).await.unwrap();
    assert!(page.text().await.unwrap().contains("Sign-in denied"));
    let err = tokio::time::timeout(BOUND, finish)
        .await
        .unwrap()
        .unwrap()
        .unwrap_err();
    assert!(matches!(err, AuthError::Denied(_)), "{err:?}");
    assert!(err.to_string().contains("refused the sign-in"), "{err}");
}

#[tokio::test]
async fn an_unanswered_login_times_out_and_a_dropped_one_stops_listening() {
    let (_demo, config) = demo().await;
    let p = provider(&config).await;
    let login = BrowserLogin::start(
        p.clone(),
        Duration::from_millis(300),
        LoginOptions::default(),
    )
    .await
    .unwrap();
    let err = login.finish().await.unwrap_err();
    assert!(matches!(err, AuthError::TimedOut(_)), "{err:?}");

    let login = start(p).await;
    let callback = login.redirect_uri().clone();
    drop(login);
    // The server drains for a moment after a stop; then nothing listens.
    let mut refused = false;
    for _ in 0..80 {
        if browser::client()
            .get(callback.clone())
            .send()
            .await
            .is_err_and(|e| e.is_connect())
        {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(refused, "the callback server must stop after a cancel");
}

#[tokio::test]
async fn a_fixed_port_in_use_is_reported_with_the_fix() {
    let (_demo, config) = demo().await;
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let config = with_redirect_uri(&config, &format!("http://127.0.0.1:{port}/callback"));
    let err = BrowserLogin::start(provider(&config).await, BOUND, LoginOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, AuthError::Callback(CallbackError::PortInUse { port: p, .. }) if p == port),
        "{err:?}"
    );
    assert!(err.to_string().contains("redirect_uri"), "{err}");
}

#[tokio::test]
async fn localhost_redirects_listen_on_both_loopback_addresses() {
    let (_demo, config) = demo().await;
    let config = with_redirect_uri(&config, "http://localhost/callback");
    let login = start(provider(&config).await).await;
    let uri = login.redirect_uri().clone();
    assert_eq!(uri.host_str(), Some("localhost"));
    let port = uri.port().expect("a port");
    // As a browser that resolved `localhost` to either address asks.
    let host = format!("localhost:{port}");
    let v4 = browser::client()
        .get(format!("http://127.0.0.1:{port}/callback"))
        .header(reqwest::header::HOST, &host)
        .send()
        .await
        .expect("127.0.0.1 answers");
    assert_eq!(v4.status(), 400, "no code: nothing to do");
    if std::net::TcpListener::bind("[::1]:0").is_ok() {
        let v6 = browser::client()
            .get(format!("http://[::1]:{port}/callback"))
            .header(reqwest::header::HOST, &host)
            .send()
            .await
            .expect("[::1] answers");
        assert_eq!(v6.status(), 400);
    }
    // Under its address's own name it is another host: refused.
    let v4 = browser::client()
        .get(format!("http://127.0.0.1:{port}/callback"))
        .send()
        .await
        .expect("127.0.0.1 answers");
    assert_eq!(v4.status(), 421);
}

#[tokio::test]
async fn refresh_rotates_and_the_old_refresh_token_is_dead() {
    let (demo, config) = demo().await;
    let p = provider(&config).await;
    let first = login_as(p.clone(), "alice").await;
    let second = p.refresh(&first).await.expect("refresh");
    assert_ne!(
        first.tokens.access_token.expose_secret(),
        second.tokens.access_token.expose_secret()
    );
    assert_eq!(second.user.subject, first.user.subject);
    assert_eq!(second.user.orgs.len(), 2, "orgs re-read from userinfo");
    assert!(second.refreshed_at.is_some());
    let err = p.refresh(&first).await.unwrap_err();
    assert!(err.needs_login(), "{err:?}");
    assert_eq!(demo.refresh_reuse_rejections(), 1);
}

#[tokio::test]
async fn logout_revokes_so_the_provider_refuses_the_refresh_token() {
    let (_demo, config) = demo().await;
    let p = provider(&config).await;
    let session = login_as(p.clone(), "carol").await;
    assert!(
        p.revoke(&session).await.expect("revocation"),
        "the demo has an endpoint"
    );
    let err = p.refresh(&session).await.unwrap_err();
    assert!(matches!(err, AuthError::RefreshRejected(_)), "{err:?}");
    assert!(err.to_string().contains("log in again"), "{err}");
}

#[tokio::test]
async fn a_discovery_document_for_another_issuer_is_refused() {
    let (demo, config) = demo().await;
    // Same server, other name: the document's issuer is 127.0.0.1's.
    let mut p = config.providers[0].clone();
    let port = url::Url::parse(demo.issuer_str()).unwrap().port().unwrap();
    p.server_metadata_url = format!("http://localhost:{port}/.well-known/openid-configuration")
        .parse()
        .unwrap();
    let err = Provider::discover(&p, &config.http).await.unwrap_err();
    assert!(matches!(err, AuthError::IssuerMismatch { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains(demo.issuer_str()) && text.contains("trailing slash"),
        "{text}"
    );
}

#[tokio::test]
async fn an_unreachable_provider_is_named_with_the_reason() {
    let (_demo, config) = demo().await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let mut p = config.providers[0].clone();
    p.server_metadata_url = format!("http://127.0.0.1:{port}/.well-known/openid-configuration")
        .parse()
        .unwrap();
    let err = Provider::discover(&p, &config.http).await.unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("could not reach the discovery document"),
        "{text}"
    );
    assert!(text.contains(&port.to_string()), "{text}");
}

#[tokio::test]
async fn signing_out_in_the_browser_goes_through_a_loopback_page_without_the_token() {
    let (_demo, config) = demo().await;
    let p = provider(&config).await;
    let session = login_as(p.clone(), "alice").await;
    let sign_out = authdash::auth::BrowserSignOut::start(&p, &session)
        .await
        .expect("start")
        .expect("the demo has an end_session_endpoint");
    // The demo config names no post_logout_redirect_uri: no return.
    assert!(!sign_out.will_return());
    let start = sign_out.start_url().clone();
    support::engine::assert_sign_out_start(&start, &session);
    // A browser: follow the redirects (all on loopback) to the last page.
    let browser = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::limited(5))
        .timeout(BOUND)
        .build()
        .unwrap();
    let page = browser.get(start).send().await.expect("the pages answer");
    assert_eq!(page.status(), 200);
    assert!(
        page.url().as_str().starts_with(
            p.end_session_endpoint()
                .expect("end_session_endpoint")
                .as_str()
        ),
        "the browser ends on the provider's page: {}",
        page.url()
    );
    assert!(page.text().await.unwrap().contains("Signed out"));
    tokio::time::timeout(BOUND, sign_out.wait(BOUND))
        .await
        .expect("bounded")
        .expect("the browser was sent to sign out");
}

/// The demo config with the backend key the demo provides.
fn with_backend_key(demo: &DemoProvider) -> Config {
    let env = |name: &str| {
        (name == authdash::demo::DEMO_BACKEND_KEY_ENV).then(|| demo.backend_api_key().to_owned())
    };
    Config::parse(
        Path::new("demo.toml"),
        &config_toml(demo.issuer_str()),
        &env,
    )
    .unwrap()
}

#[tokio::test]
async fn logging_out_everywhere_ends_the_users_other_sessions() {
    let demo = DemoProvider::start(DemoSettings::default()).await.unwrap();
    let config = with_backend_key(&demo);
    let p = provider(&config).await;
    assert!(p.can_log_out_everywhere());
    let laptop = login_as(p.clone(), "alice").await;
    let phone = login_as(p.clone(), "alice").await;
    let bob = login_as(p.clone(), "bob").await;
    p.log_out_everywhere(&laptop)
        .await
        .expect("the backend API answers");
    for (who, session) in [("the other device", &phone), ("this device", &laptop)] {
        let err = p.refresh(session).await.unwrap_err();
        assert!(err.needs_login(), "{who}: {err:?}");
    }
    p.refresh(&bob)
        .await
        .expect("other users keep their sessions");
}

#[tokio::test]
async fn log_out_everywhere_needs_its_key_and_propelauth() {
    let (demo, config) = demo().await;
    let p = provider(&config).await;
    assert!(!p.can_log_out_everywhere(), "no key in this environment");
    let session = login_as(p.clone(), "alice").await;
    let err = p.log_out_everywhere(&session).await.unwrap_err();
    assert!(
        err.to_string()
            .contains(authdash::demo::DEMO_BACKEND_KEY_ENV),
        "{err}"
    );
    let wrong = Config::parse(
        Path::new("demo.toml"),
        &config_toml(demo.issuer_str()),
        &|_| Some("wrong-key".into()),
    )
    .unwrap();
    let err = provider(&wrong)
        .await
        .log_out_everywhere(&session)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("401"), "{err}");
    let text = config_toml(demo.issuer_str())
        .replace("org_claims = \"propelauth\"", "org_claims = \"none\"");
    let err = Config::parse(Path::new("demo.toml"), &text, &|_| None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("logout_everywhere_api_key_env") && err.contains("PropelAuth"),
        "{err}"
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
    let h = DemoHome::start().await;
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
    let logged_in = tokio::time::timeout(BOUND, h.service.login(browser_login(), &events))
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
