//! Interoperability with an independent OpenID Provider: panva's
//! oidc-provider (OpenID Certified), installed by the test support code and
//! run on 127.0.0.1 with `tests/support/node/server.mjs`. Each test starts
//! its own provider process, so tests share no sessions or tokens.
//!
//! The suite fails, never skips, when the provider cannot be installed or
//! started. Every wait is bounded.

use crate::support;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use authdash::auth::{
    AuthError, BrowserLogin, BrowserSignOut, DeviceLogin, LoginOptions, Provider, Session,
    SignOutError,
};
use authdash::config::Config;
use authdash::identity::RoleOrder;
use authdash::store::TokenStore;
use secrecy::ExposeSecret;
use support::binary;
use support::node_provider::{
    Browser, CONFIDENTIAL_CLIENT, CONFIDENTIAL_SECRET, NodeProvider, PUBLIC_CLIENT, Page, deliver,
};
use support::paste::with_param;

const BOUND: Duration = Duration::from_secs(30);

fn config(op: &NodeProvider, client_id: &str, secret: Option<&str>) -> Config {
    Config::parse(
        Path::new("interop.toml"),
        &op.config_toml(client_id, secret),
        &|_| None,
    )
    .expect("the interop config parses")
}

async fn discover(config: &Config) -> Arc<Provider> {
    Arc::new(
        Provider::discover(&config.providers[0], &config.http)
            .await
            .expect("discovery of oidc-provider"),
    )
}

async fn public(op: &NodeProvider) -> Arc<Provider> {
    discover(&config(op, PUBLIC_CLIENT, None)).await
}

async fn confidential(op: &NodeProvider) -> Arc<Provider> {
    discover(&config(op, CONFIDENTIAL_CLIENT, Some(CONFIDENTIAL_SECRET))).await
}

/// A browser login as `account` through oidc-provider's login and consent
/// pages; the result of `finish`.
async fn browser_login(
    browser: &Browser,
    provider: Arc<Provider>,
    account: &str,
) -> Result<Session, AuthError> {
    let login = BrowserLogin::start(provider, BOUND, LoginOptions::default())
        .await
        .expect("the login starts");
    let url = login.authorize_url().to_string();
    let finish = tokio::spawn(login.finish());
    let callback = tokio::time::timeout(BOUND, browser.authorize(&url, account))
        .await
        .expect("the provider's pages end in time");
    let page = deliver(&callback).await;
    let status = page.status();
    let body = page.text().await.unwrap_or_default();
    let result = tokio::time::timeout(BOUND, finish)
        .await
        .expect("the login finishes in time")
        .expect("the login task does not panic");
    if result.is_ok() {
        assert_eq!(status, 200, "the callback's success page: {body}");
    }
    result
}

async fn login(op: &NodeProvider, provider: Arc<Provider>, account: &str) -> Session {
    browser_login(&Browser::new(op), provider, account)
        .await
        .expect("the login succeeds")
}

fn orgs(session: &Session) -> Vec<(&str, &str)> {
    session
        .user
        .orgs
        .iter()
        .map(|o| (o.org_name.as_str(), o.role.as_str()))
        .collect()
}

fn refresh_token(session: &Session) -> &str {
    session
        .tokens
        .refresh_token
        .as_ref()
        .expect("a refresh token")
        .expose_secret()
}

/// GET userinfo with an access token: the HTTP status.
async fn userinfo_status(provider: &Provider, access_token: &str) -> u16 {
    let url = provider
        .metadata()
        .userinfo_endpoint()
        .expect("userinfo endpoint")
        .url()
        .clone();
    provider
        .http()
        .get(url)
        .bearer_auth(access_token)
        .send()
        .await
        .expect("userinfo answers")
        .status()
        .as_u16()
}

fn assert_refused(result: Result<Session, AuthError>, what: &str) {
    match result {
        Err(AuthError::RefreshRejected(e)) => {
            assert_eq!(e.error, "invalid_grant", "{what}: {e}")
        }
        Err(other) => panic!("{what}: expected invalid_grant, got {other:?}"),
        Ok(_) => panic!("{what}: the provider accepted it"),
    }
}

#[tokio::test]
async fn public_client_browser_login_is_verified_and_maps_propelauth_orgs() {
    let op = NodeProvider::shared();
    let provider = public(op).await;
    assert!(
        provider
            .metadata()
            .additional_metadata()
            .authorization_response_iss_parameter_supported
            .unwrap_or(false),
        "oidc-provider announces RFC 9207 `iss`, so the callback checks it"
    );

    let pending = BrowserLogin::start(provider.clone(), BOUND, LoginOptions::default())
        .await
        .unwrap();
    let url = pending.authorize_url().clone();
    let q = |k: &str| {
        url.query_pairs()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.into_owned())
    };
    assert_eq!(q("code_challenge_method").as_deref(), Some("S256"));
    assert_eq!(q("client_id").as_deref(), Some(PUBLIC_CLIENT));
    let redirect = q("redirect_uri").unwrap();
    assert!(
        redirect.starts_with("http://127.0.0.1:") && !redirect.starts_with("http://127.0.0.1:0/"),
        "any free loopback port, registered without one: {redirect}"
    );
    drop(pending);

    let session = login(op, provider, "alice").await;
    assert_eq!(session.issuer, op.issuer());
    assert_eq!(session.client_id, PUBLIC_CLIENT);
    assert_eq!(session.id_claims["sub"], "alice");
    assert_eq!(session.id_claims["aud"], PUBLIC_CLIENT);
    assert!(session.id_claims["nonce"].is_string());
    assert!(
        session.id_claims.contains_key("org_id_to_org_member_info"),
        "conformIdTokenClaims is off: the orgs are in the ID token too"
    );
    let userinfo = session.userinfo.as_ref().expect("userinfo");
    assert_eq!(userinfo["sub"], "alice");
    assert!(userinfo.contains_key("org_id_to_org_member_info"));
    assert!(session.tokens.refresh_token.is_some());
    assert!(session.tokens.expires_at.is_some());

    let user = &session.user;
    assert_eq!(user.subject, "alice");
    assert_eq!(user.email.as_deref(), Some("alice@example.com"));
    assert_eq!(user.display_name(), "Alice Anderson");
    assert_eq!(orgs(&session), [("Acme", "Owner"), ("Globex", "Member")]);
    let order = RoleOrder::default();
    let acme = &user.orgs[0];
    assert_eq!(acme.org_id, "org-acme");
    assert!(acme.is_at_least_role("Admin", &order));
    assert!(acme.has_permission("can_view_billing"));
    assert!(!user.orgs[1].is_at_least_role("Admin", &order));
}

#[tokio::test]
async fn confidential_client_logs_in_with_client_secret_basic() {
    let op = NodeProvider::shared();
    let session = login(op, confidential(op).await, "bob").await;
    assert_eq!(session.client_id, CONFIDENTIAL_CLIENT);
    assert_eq!(session.id_claims["aud"], CONFIDENTIAL_CLIENT);
    assert_eq!(session.user.email.as_deref(), Some("bob@example.com"));
    assert_eq!(orgs(&session), [("Acme", "Admin")]);

    // The secret is really checked: a wrong one fails at the token endpoint.
    let wrong = discover(&config(op, CONFIDENTIAL_CLIENT, Some("not the secret"))).await;
    let err = browser_login(&Browser::new(op), wrong, "bob")
        .await
        .expect_err("a wrong client secret is refused");
    match &err {
        AuthError::TokenRejected(e) => assert_eq!(e.error, "invalid_client", "{e}"),
        other => panic!("expected invalid_client, got {other:?}"),
    }
}

#[tokio::test]
async fn device_login_with_the_code_typed_and_with_the_complete_uri() {
    let op = NodeProvider::shared();
    let provider = public(op).await;
    assert!(provider.supports_device_flow());

    // The person types the code shown in the terminal.
    let device = DeviceLogin::start(provider.clone(), LoginOptions::default())
        .await
        .expect("device authorization");
    assert_eq!(device.interval(), Duration::from_secs(1));
    let code = device.user_code().to_owned();
    let uri = device.verification_uri().to_owned();
    assert!(uri.starts_with(op.issuer()), "{uri}");
    let poll = tokio::spawn(device.poll(|_| {}));
    let page = tokio::time::timeout(
        BOUND,
        Browser::new(op).approve_device(&uri, Some(&code), "bob"),
    )
    .await
    .expect("the device pages end in time");
    assert!(page.html.contains("Sign-in Success"), "{}", page.html);
    let session = tokio::time::timeout(BOUND, poll)
        .await
        .expect("polling ends in time")
        .unwrap()
        .expect("device login succeeds");
    assert_eq!(session.user.subject, "bob");
    assert_eq!(orgs(&session), [("Acme", "Admin")]);
    assert!(session.tokens.refresh_token.is_some());
    assert!(!session.id_claims.contains_key("nonce"));

    // The QR code's URI carries the code.
    let device = DeviceLogin::start(provider, LoginOptions::default())
        .await
        .unwrap();
    let complete = device
        .verification_uri_complete()
        .expect("verification_uri_complete")
        .to_owned();
    assert!(complete.contains("user_code="), "{complete}");
    let poll = tokio::spawn(device.poll(|_| {}));
    let page = tokio::time::timeout(
        BOUND,
        Browser::new(op).approve_device(&complete, None, "alice"),
    )
    .await
    .unwrap();
    assert!(page.html.contains("Sign-in Success"), "{}", page.html);
    let session = tokio::time::timeout(BOUND, poll)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(session.user.email.as_deref(), Some("alice@example.com"));
    assert_eq!(orgs(&session), [("Acme", "Owner"), ("Globex", "Member")]);
}

#[tokio::test]
async fn refresh_rotates_and_the_spent_refresh_token_is_refused() {
    let op = NodeProvider::shared();
    for provider in [public(op).await, confidential(op).await] {
        let first = login(op, provider.clone(), "alice").await;
        let second = provider.refresh(&first).await.expect("refresh");
        assert_ne!(refresh_token(&second), refresh_token(&first), "rotated");
        assert_ne!(second.access_token(), first.access_token());
        assert!(second.refreshed_at.is_some());
        assert_eq!(second.id_claims["sub"], "alice");
        // oidc-provider sends `at_hash` (checked against the new access
        // token) and repeats the first `nonce` (checked for continuity).
        assert!(first.id_claims.contains_key("at_hash"));
        assert!(second.id_claims.contains_key("at_hash"));
        assert_eq!(second.id_claims["nonce"], first.id_claims["nonce"]);
        assert_ne!(
            second.tokens.id_token.expose_secret(),
            first.tokens.id_token.expose_secret(),
            "a new ID token, verified against the first"
        );
        assert_eq!(orgs(&second), orgs(&first));
        assert_eq!(userinfo_status(&provider, second.access_token()).await, 200);

        // Spending the old one again is refused (and, by oidc-provider's
        // reuse detection, ends the whole grant).
        assert_refused(provider.refresh(&first).await, "the spent refresh token");
        assert_refused(
            provider.refresh(&second).await,
            "the grant after a replayed refresh token",
        );
    }
}

/// Two `authdash token` processes, started together on one store whose
/// access token has expired: one spends the rotating refresh token, the
/// other waits for the store lock and takes its result.
#[tokio::test]
async fn two_processes_refreshing_at_once_spend_the_rotating_token_once() {
    let op = NodeProvider::shared();
    let provider = public(op).await;
    let mut session = login(op, provider.clone(), "alice").await;
    session.tokens.expires_at = Some(chrono::Utc::now() - chrono::TimeDelta::minutes(1));
    let home = tempfile::tempdir().unwrap();
    let config_path = home.path().join("interop.toml");
    std::fs::write(&config_path, op.config_toml(PUBLIC_CLIENT, None)).unwrap();
    // The key file is made with the store, before either process runs.
    let store = support::home::key_file_store(&home.path().join("data").join("authdash"));
    store.save(&session).unwrap();

    let spawn = || {
        binary::command(home.path())
            .arg("--config")
            .arg(&config_path)
            .arg("token")
            .spawn()
            .expect("authdash starts")
    };
    let (a, b) = (spawn(), spawn());
    let wait = |child: std::process::Child| {
        let out = binary::finish(child);
        assert!(
            out.status.success(),
            "authdash token failed: {}",
            binary::text(&out.stderr)
        );
        binary::text(&out.stdout).trim().to_owned()
    };
    let (a, b) = tokio::task::spawn_blocking(move || (wait(a), wait(b)))
        .await
        .unwrap();
    assert_eq!(a, b, "the second process took the first's renewed token");
    assert_ne!(a, session.access_token(), "the token was renewed");
    let renewed = store.accounts().unwrap().active_session().cloned().unwrap();
    assert_eq!(renewed.access_token(), a);
    assert_ne!(refresh_token(&renewed), refresh_token(&session));
    // Had the token been spent twice, oidc-provider would have revoked the grant.
    let again = provider
        .refresh(&renewed)
        .await
        .expect("the grant is still alive");
    assert_ne!(refresh_token(&again), refresh_token(&renewed));
}

#[tokio::test]
async fn revocation_at_logout_ends_the_grant() {
    let op = NodeProvider::shared();
    for provider in [public(op).await, confidential(op).await] {
        let session = login(op, provider.clone(), "bob").await;
        assert_eq!(
            userinfo_status(&provider, session.access_token()).await,
            200
        );
        assert!(
            provider.revoke(&session).await.expect("revocation"),
            "oidc-provider has a revocation endpoint"
        );
        assert_refused(provider.refresh(&session).await, "a revoked refresh token");
        assert_eq!(
            userinfo_status(&provider, session.access_token()).await,
            401,
            "the revoked access token"
        );
        // Revoking again is fine (RFC 7009 §2.2).
        assert!(provider.revoke(&session).await.expect("second revocation"));
    }
}

/// A browser sign-out as authdash runs it: the test browser opens the
/// address authdash would open, and goes wherever that leads.
async fn browser_sign_out(
    browser: &Browser,
    provider: &Provider,
    session: &Session,
    wait: Duration,
) -> (bool, Page, Result<(), AuthError>) {
    let sign_out = BrowserSignOut::start(provider, session)
        .await
        .expect("the sign-out starts")
        .expect("oidc-provider has an end_session_endpoint");
    let will_return = sign_out.will_return();
    let start = sign_out.start_url().clone();
    support::engine::assert_sign_out_start(&start, session);
    let waiting = tokio::spawn(sign_out.wait(wait));
    let page = tokio::time::timeout(BOUND, browser.open_app_address(&start))
        .await
        .expect("the sign-out pages end in time");
    let result = tokio::time::timeout(BOUND, waiting)
        .await
        .expect("the wait is bounded")
        .expect("the wait does not panic");
    (will_return, page, result)
}

#[tokio::test]
async fn browser_sign_out_returns_to_the_registered_post_logout_redirect_uri() {
    // A provider of its own: the sign-out listens on its registered
    // post-logout port.
    let op = NodeProvider::start();
    let provider = public(&op).await;
    assert_eq!(
        provider
            .config()
            .post_logout_redirect
            .as_ref()
            .map(|r| r.to_url(r.port).to_string())
            .as_deref(),
        Some(op.post_logout_redirect_uri()),
        "the config names the URI registered at the provider"
    );
    // The same browser signed in, so the provider has a session to end.
    let browser = Browser::new(&op);
    let session = browser_login(&browser, provider.clone(), "alice")
        .await
        .unwrap();
    let (will_return, page, result) = browser_sign_out(&browser, &provider, &session, BOUND).await;
    assert!(will_return);
    assert!(
        page.url.as_str().starts_with(op.post_logout_redirect_uri()),
        "the provider sent the browser back to authdash: {} ({})\n{}",
        page.url,
        page.status,
        page.html
    );
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(page.html.contains("Signed out"), "{}", page.html);
    result.expect("the sign-out completed");

    // The provider's browser session is over: a login asks for the
    // account again (no silent sign-in).
    let login = BrowserLogin::start(
        provider,
        BOUND,
        LoginOptions {
            prompt: Some("none".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let url = login.authorize_url().to_string();
    let finish = tokio::spawn(login.finish());
    let callback = tokio::time::timeout(BOUND, browser.authorize(&url, "alice"))
        .await
        .expect("in time");
    let _ = deliver(&callback).await;
    let err = tokio::time::timeout(BOUND, finish)
        .await
        .expect("in time")
        .expect("no panic")
        .expect_err("no session is left at the provider");
    match err {
        AuthError::Provider(e) => assert_eq!(e.error, "login_required", "{e}"),
        other => panic!("expected login_required, got {other:?}"),
    }
}

#[tokio::test]
async fn browser_sign_out_without_a_post_logout_redirect_uri_sends_the_browser_only() {
    let op = NodeProvider::shared();
    let text = op
        .config_toml(PUBLIC_CLIENT, None)
        .lines()
        .filter(|l| !l.starts_with("post_logout_redirect_uri"))
        .collect::<Vec<_>>()
        .join("\n");
    let config = Config::parse(Path::new("interop.toml"), &text, &|_| None).unwrap();
    let provider = discover(&config).await;
    let browser = Browser::new(op);
    let session = browser_login(&browser, provider.clone(), "alice")
        .await
        .unwrap();
    let (will_return, page, result) = browser_sign_out(&browser, &provider, &session, BOUND).await;
    assert!(!will_return, "no return is asked for");
    // oidc-provider accepts client_id + id_token_hint without a redirect
    // and ends on its own page.
    assert!(page.url.as_str().starts_with(op.issuer()), "{}", page.url);
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(page.html.contains("Sign-out Success"), "{}", page.html);
    result.expect("the browser was sent to sign out");
}

#[tokio::test]
async fn an_unregistered_post_logout_redirect_uri_is_refused_and_reported_not_shown_as_success() {
    let op = NodeProvider::shared();
    let registered = op.post_logout_redirect_uri().to_owned();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap();
    let text = op.config_toml(PUBLIC_CLIENT, None).replace(
        &registered,
        &format!("http://127.0.0.1:{port}/not-registered"),
    );
    let config = Config::parse(Path::new("interop.toml"), &text, &|_| None).unwrap();
    let provider = discover(&config).await;
    let browser = Browser::new(op);
    let session = browser_login(&browser, provider.clone(), "alice")
        .await
        .unwrap();
    let (will_return, page, result) =
        browser_sign_out(&browser, &provider, &session, Duration::from_secs(2)).await;
    assert!(will_return);
    assert_eq!(page.status, 400, "{}", page.html);
    assert!(
        page.html.contains("post_logout_redirect_uri"),
        "{}",
        page.html
    );
    match result {
        Err(AuthError::SignOut(SignOutError::NoReturn(_))) => {}
        other => panic!("expected the missing return to be reported, got {other:?}"),
    }
}

#[tokio::test]
async fn paste_back_login_checks_state_and_iss_as_the_callback_does() {
    let op = NodeProvider::shared();
    let provider = public(op).await;
    let mut login = BrowserLogin::start(provider, BOUND, LoginOptions::default())
        .await
        .expect("the login starts");
    let url = login.authorize_url().to_string();
    let _ = login.refusals();
    let (tx, rx) = tokio::sync::mpsc::channel(8);
    let (refused_tx, mut refused_rx) = tokio::sync::mpsc::unbounded_channel();
    let finish = tokio::spawn(async move {
        let refused = move |why: authdash::auth::PasteRefusal| {
            let _ = refused_tx.send(why);
        };
        login.finish_or_paste(rx, &refused).await
    });
    // The address the browser ends at; never delivered to the callback.
    let landed = tokio::time::timeout(BOUND, Browser::new(op).authorize(&url, "alice"))
        .await
        .expect("the provider's pages end in time");
    assert!(
        landed.query_pairs().any(|(k, _)| k == "iss"),
        "oidc-provider sends iss (RFC 9207): {landed}"
    );
    let mut other_port = landed.clone();
    let port = landed.port().expect("a loopback port");
    other_port
        .set_port(Some(if port == 1 { 2 } else { port - 1 }))
        .unwrap();
    let wrong = [
        ("garbage", "not an address"),
        (
            &*with_param(&landed, "state", "not-this-login").to_string(),
            "state",
        ),
        (
            &*with_param(&landed, "iss", "https://attacker.example").to_string(),
            "attacker.example",
        ),
        (&*other_port.to_string(), "not this login's"),
    ]
    .map(|(paste, says)| (paste.to_owned(), says));
    for (paste, says) in &wrong {
        tx.send(paste.clone()).await.unwrap();
        let why = tokio::time::timeout(BOUND, refused_rx.recv())
            .await
            .expect("refused in time")
            .expect("a refusal");
        assert!(why.to_string().contains(says), "{paste}: {why}");
    }
    tx.send(landed.to_string()).await.unwrap();
    let session = tokio::time::timeout(BOUND, finish)
        .await
        .expect("the login finishes in time")
        .expect("no panic")
        .expect("the pasted address logs in");
    assert_eq!(session.issuer, op.issuer());
}

/// The dashboard of a person logged in at oidc-provider, drawn at the
/// four sizes: the header keeps the org and the session's state, Profile
/// opens on who, where and as what, the organizations sit in columns with
/// the active one marked, and the palette finds an organization by a few
/// letters — what the demo shows holds for another provider too.
#[tokio::test]
async fn an_oidc_provider_login_gets_the_same_dashboard_at_every_size() {
    use authdash::tui::model::Model;
    use authdash::tui::update::enter_dashboard;
    use crossterm::event::KeyCode;
    use support::screens::{SIZES, clock, press, rebase, rows, type_text};

    let op = NodeProvider::shared();
    let config = config(op, PUBLIC_CLIENT, None);
    let mut session = login(op, discover(&config).await, "alice").await;
    rebase(&mut session, clock());
    let mut model = Model::new(&config, clock());
    model.utc = true;
    let _ = enter_dashboard(&mut model, session);
    for (width, height) in SIZES {
        let screen = rows(&model, width, height);
        assert!(
            screen[0].contains("Acme (Owner)") && screen[0].contains("renews in"),
            "{width}x{height}: {}",
            screen[0]
        );
        let text = screen.join("\n");
        for label in ["Email", "Organization", "Role", "Permissions", "Session"] {
            assert!(
                text.contains(label),
                "{width}x{height}: no {label}:\n{text}"
            );
        }
    }
    press(&mut model, KeyCode::Char('2'));
    press(&mut model, KeyCode::Enter);
    let text = rows(&model, 80, 24).join("\n");
    assert!(text.contains("● Acme"), "the active org marked:\n{text}");
    assert!(text.contains("Globex  Member"), "columns:\n{text}");
    assert!(text.contains("1 of 2"), "a position:\n{text}");
    press(&mut model, KeyCode::Char(':'));
    type_text(&mut model, "glbx");
    press(&mut model, KeyCode::Enter);
    let dash = model.dashboard().expect("the dashboard");
    assert_eq!(
        dash.active_membership().map(|o| o.org_name.as_str()),
        Some("Globex"),
        "the palette made Globex active"
    );
}
