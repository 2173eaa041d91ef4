//! The loopback servers (login callback, browser sign-out) under attack
//! from this machine: floods of silent connections, oversized heads, other
//! `Host`s (DNS rebinding), guessed and replayed sign-out addresses, and
//! responses that are not for the login in progress.
//!
//! Every connection goes to 127.0.0.1 and every wait is bounded.

use crate::support;

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use authdash::auth::{
    AuthError, BrowserLogin, BrowserSignOut, LoginOptions, Provider, RefusalReason, Session,
    SignOutError,
};
use authdash::config::Config;
use authdash::demo::{DemoProvider, DemoSettings, config_toml};
use secrecy::ExposeSecret;
use support::broken_provider::{BrokenProvider, Fault};
use support::browser;
use url::Url;

const BOUND: Duration = Duration::from_secs(30);
/// The callback's connection limit (`loopback_server::MAX_CONNECTIONS`).
const MAX_CONNECTIONS: usize = 64;
/// The header-read timeout (`loopback_server::HEADER_READ_TIMEOUT`).
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The header-read timeout a test sets to see it end a connection
/// without waiting the real one out.
const SHORT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(1);

async fn demo_config(extra: &str) -> (DemoProvider, Config) {
    let demo = DemoProvider::start(DemoSettings::default())
        .await
        .expect("demo provider starts");
    let text =
        config_toml(demo.issuer_str()).replace("[auth.demo]", &format!("[auth.demo]{extra}"));
    let config = Config::parse(Path::new("demo.toml"), &text, &|_| None).expect("config parses");
    (demo, config)
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

async fn bounded<F: Future>(what: &str, f: F) -> F::Output {
    tokio::time::timeout(BOUND, f)
        .await
        .unwrap_or_else(|_| panic!("{what} did not finish within {BOUND:?}"))
}

async fn login_as(provider: Arc<Provider>, user: &str) -> Session {
    let login = start(provider).await;
    let url = login.authorize_url().to_string();
    let finish = tokio::spawn(login.finish());
    let page = browser::sign_in(&url, user).await.expect("signs in");
    assert_eq!(page.status(), 200);
    bounded("the login", finish)
        .await
        .expect("task")
        .expect("login succeeds")
}

fn addr_of(url: &Url) -> SocketAddr {
    let port = url.port().expect("a port");
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// Sends `request` as is and reads the answer until the server closes
/// (bounded). A reset counts as a close.
async fn raw(addr: SocketAddr, request: String) -> String {
    tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        let _ = stream.write_all(request.as_bytes());
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).into_owned()
    })
    .await
    .expect("raw request task")
}

fn get(path: &str, host: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
}

/// Whether the server has closed this (non-blocking) connection.
fn closed(mut stream: &TcpStream) -> bool {
    let mut buf = [0u8; 64];
    match stream.read(&mut buf) {
        Ok(0) => true,
        // A byte of an answer (a timeout's 408) is fine: the close follows.
        Ok(_) => false,
        Err(e) if e.kind() == ErrorKind::WouldBlock => false,
        Err(_) => true,
    }
}

fn open_count(streams: &[TcpStream]) -> usize {
    streams.iter().filter(|s| !closed(s)).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_half_open_connections_neither_block_the_login_nor_outlive_it() {
    let (_demo, config) = demo_config("").await;
    let login = start(provider(&config).await).await;
    let url = login.authorize_url().to_string();
    let addr = addr_of(login.redirect_uri());
    let finish = tokio::spawn(login.finish());

    // The attacker: 1,000 connections, half silent, half stopping in the
    // middle of a request line.
    let flood = tokio::task::spawn_blocking(move || {
        (0..1000)
            .map(|i| {
                let mut s = TcpStream::connect(addr).expect("connect");
                if i % 2 == 1 {
                    s.write_all(b"GET /callback?code=x&sta")
                        .expect("half a line");
                }
                s.set_nonblocking(true).expect("non-blocking");
                s
            })
            .collect::<Vec<_>>()
    })
    .await
    .expect("flood task");
    let deadline = Instant::now() + Duration::from_secs(5);
    while open_count(&flood) > MAX_CONNECTIONS && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let open = open_count(&flood);
    assert!(
        open <= MAX_CONNECTIONS,
        "the callback holds at most {MAX_CONNECTIONS} connections, not {open}"
    );
    assert!(open > 0, "some are held until the login ends");

    // The person's browser still gets through, and the login completes.
    let page = bounded("the sign-in", browser::sign_in(&url, "alice"))
        .await
        .expect("the browser reaches the callback");
    assert_eq!(page.status(), 200);
    let session = bounded("the login", finish)
        .await
        .expect("task")
        .expect("the login completes under the flood");
    assert_eq!(session.user.email.as_deref(), Some("alice@example.com"));

    // The login is over: every connection is closed, long before the
    // header-read timeout would have closed them.
    let ended = Instant::now();
    let deadline = ended + Duration::from_secs(4);
    while open_count(&flood) > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(open_count(&flood), 0, "connections outlived the login");
    assert!(ended.elapsed() < HEADER_READ_TIMEOUT);
}

#[tokio::test]
async fn a_connection_that_never_finishes_its_request_head_is_closed() {
    let (_demo, config) = demo_config("").await;
    let options = LoginOptions {
        header_read_timeout: Some(SHORT_HEADER_READ_TIMEOUT),
        ..LoginOptions::default()
    };
    let login = BrowserLogin::start(provider(&config).await, BOUND, options)
        .await
        .expect("login starts");
    let addr = addr_of(login.redirect_uri());
    let (outcome, elapsed) = tokio::task::spawn_blocking(move || {
        let mut s = TcpStream::connect(addr).expect("connect");
        s.write_all(b"GET /callback?code=x HTTP/1.1\r\nHost: 127.0")
            .expect("write");
        s.set_read_timeout(Some(SHORT_HEADER_READ_TIMEOUT + Duration::from_secs(5)))
            .expect("timeout");
        let started = Instant::now();
        let mut answer = Vec::new();
        let outcome = s.read_to_end(&mut answer).map_err(|e| e.kind());
        (outcome, started.elapsed())
    })
    .await
    .expect("task");
    assert!(
        !matches!(outcome, Err(ErrorKind::WouldBlock | ErrorKind::TimedOut)),
        "the connection was still open after {elapsed:?}"
    );
    assert!(
        elapsed < SHORT_HEADER_READ_TIMEOUT + Duration::from_secs(3),
        "closed only after {elapsed:?}"
    );
    drop(login);
}

#[tokio::test]
async fn an_oversized_request_head_is_refused_unread() {
    let (_demo, config) = demo_config("").await;
    let login = start(provider(&config).await).await;
    let addr = addr_of(login.redirect_uri());
    let host = format!("127.0.0.1:{}", addr.port());
    let padding = "a".repeat(20 * 1024);
    let answer = raw(
        addr,
        format!("GET /callback?code=x HTTP/1.1\r\nHost: {host}\r\nX-Pad: {padding}\r\n\r\n"),
    )
    .await;
    // 431, or a reset before it could be read: never an answer from the page.
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 431"),
        "{answer}"
    );
    // A body is refused too (the pages take none).
    let answer = raw(
        addr,
        format!(
            "POST /callback HTTP/1.1\r\nHost: {host}\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"
        ),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
}

#[tokio::test]
async fn a_response_for_another_host_is_refused_and_does_not_touch_the_login() {
    let (_demo, config) = demo_config("").await;
    let mut login = start(provider(&config).await).await;
    let mut refusals = login.refusals().expect("the refusals, once");
    assert!(login.refusals().is_none(), "taken once");
    let state = browser::query_param(login.authorize_url(), "state").expect("state");
    let addr = addr_of(login.redirect_uri());
    let finish = tokio::spawn(login.finish());
    // A page of evil.example, its name rebound to 127.0.0.1, with the
    // right state (as if it had it): refused before the login sees it.
    let path = format!("/callback?code=stolen&state={state}");
    for host in [
        format!("evil.example:{}", addr.port()),
        format!("127.0.0.1:{}", addr.port() + 1),
        "127.0.0.1".to_owned(),
    ] {
        let answer = raw(addr, get(&path, &host)).await;
        assert!(answer.starts_with("HTTP/1.1 421 "), "{host}: {answer}");
    }
    let no_host = raw(addr, format!("GET {path} HTTP/1.0\r\n\r\n")).await;
    assert!(no_host.starts_with("HTTP/1.0 421 "), "{no_host}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!finish.is_finished(), "the login took a foreign request");
    assert!(refusals.try_recv().is_err(), "nothing reached the callback");
    finish.abort();
}

#[tokio::test]
async fn responses_from_another_issuer_or_without_iss_are_refused_and_the_login_waits() {
    for (fault, expected) in [
        (Fault::ResponseIssuer, "http://127.0.0.1:9/evil"),
        (Fault::MissingResponseIssuer, ""),
    ] {
        let op = BrokenProvider::start(fault).await;
        let p = Arc::new(
            Provider::discover(&op.config().providers[0], &op.config().http)
                .await
                .expect("discovery"),
        );
        let mut login = start(p).await;
        let mut refusals = login.refusals().expect("refusals");
        let url = login.authorize_url().clone();
        let mut finish = tokio::spawn(login.finish());
        let location = browser::client()
            .get(url)
            .send()
            .await
            .expect("authorize")
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .expect("the provider redirects");
        let mixed_up = Url::parse(&location).expect("Location");
        let page = browser::follow(&mixed_up).await.expect("callback answers");
        assert_eq!(page.status(), 400);
        let refusal = bounded("the refusal", refusals.recv())
            .await
            .expect("a refusal is reported at once");
        match (&refusal.reason, fault) {
            (
                RefusalReason::WrongIssuer {
                    got,
                    expected: ours,
                },
                Fault::ResponseIssuer,
            ) => {
                assert_eq!(got, expected);
                assert_eq!(ours, op.issuer());
            }
            (RefusalReason::MissingIssuer { expected: ours }, Fault::MissingResponseIssuer) => {
                assert_eq!(ours, op.issuer())
            }
            (other, _) => panic!("{fault:?}: unexpected refusal {other:?}"),
        }
        assert!(
            refusal.to_string().starts_with(
                "a sign-in response that was not for this login was refused; still waiting"
            ),
            "{refusal}"
        );
        let waiting = tokio::time::timeout(Duration::from_millis(300), &mut finish).await;
        assert!(
            waiting.is_err(),
            "{fault:?}: the login ended on a refused response"
        );
        assert_eq!(op.token_hits(), 0, "the code went nowhere");

        // The real response (the provider's own `iss`) still completes it.
        let mut genuine = mixed_up.clone();
        let pairs: Vec<(String, String)> = mixed_up
            .query_pairs()
            .filter(|(k, _)| k != "iss")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .chain([("iss".to_owned(), op.issuer().to_owned())])
            .collect();
        genuine.query_pairs_mut().clear().extend_pairs(pairs);
        let page = browser::follow(&genuine).await.expect("callback answers");
        assert_eq!(page.status(), 200);
        bounded("the login", finish)
            .await
            .expect("task")
            .expect("the genuine response logs in");
    }
}

// ------------------------------------------------------- browser sign-out

/// The sign-out's start address's parts: (address, its secret path).
fn start_parts(sign_out: &BrowserSignOut) -> (SocketAddr, String, String) {
    let start = sign_out.start_url();
    let host = format!("127.0.0.1:{}", start.port().expect("port"));
    (addr_of(start), host, start.path().to_owned())
}

#[tokio::test]
async fn the_sign_out_address_gives_nothing_without_its_secret_path_and_works_once() {
    let (_demo, config) = demo_config("").await;
    let p = provider(&config).await;
    let session = login_as(p.clone(), "alice").await;
    let id_token = session.tokens.id_token.expose_secret().to_owned();
    let sign_out = BrowserSignOut::start(&p, &session)
        .await
        .expect("start")
        .expect("the demo has an end_session_endpoint");
    let (addr, host, secret) = start_parts(&sign_out);
    assert!(secret.len() > 20, "a random path: {secret}");
    assert!(!sign_out.start_url().as_str().contains(&id_token));

    // Another local process guesses.
    for path in [
        "/",
        "/start",
        "/signed-out",
        &format!("{secret}x"),
        &secret[..secret.len() - 1],
    ] {
        let answer = raw(addr, get(path, &host)).await;
        assert!(answer.starts_with("HTTP/1.1 404"), "{path}: {answer}");
        assert!(
            !answer.to_ascii_lowercase().contains("location:"),
            "{answer}"
        );
        assert!(!answer.contains(&id_token), "{path} leaked the ID token");
    }
    // The right path under another Host (DNS rebinding) is refused and
    // does not use the address up.
    let answer = raw(addr, get(&secret, &format!("evil.example:{}", addr.port()))).await;
    assert!(answer.starts_with("HTTP/1.1 421"), "{answer}");
    assert!(!answer.contains(&id_token));

    // The browser's fetch: a redirect to the provider with the hint.
    let answer = raw(addr, get(&secret, &host)).await;
    assert!(answer.starts_with("HTTP/1.1 302"), "{answer}");
    assert!(answer.contains(&id_token), "the hint goes to the provider");
    // A second fetch, by anyone: gone.
    let again = raw(addr, get(&secret, &host)).await;
    assert!(again.starts_with("HTTP/1.1 410"), "{again}");
    assert!(!again.contains(&id_token), "{again}");
    assert!(!again.to_ascii_lowercase().contains("location:"), "{again}");
}

/// The end-session address the start page redirects to.
async fn follow_start(sign_out: &BrowserSignOut) -> Url {
    let response = browser::follow(sign_out.start_url())
        .await
        .expect("start answers");
    assert_eq!(response.status(), 302);
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .expect("Location");
    Url::parse(location).expect("absolute")
}

#[tokio::test]
async fn without_a_post_logout_redirect_uri_the_browser_is_sent_and_not_waited_for() {
    let (_demo, config) = demo_config("").await;
    let p = provider(&config).await;
    let session = login_as(p.clone(), "alice").await;
    let sign_out = BrowserSignOut::start(&p, &session).await.unwrap().unwrap();
    assert!(!sign_out.will_return());
    // A local process holds a silent connection to the sign-out server.
    let lurker = TcpStream::connect(addr_of(sign_out.start_url())).expect("connect");
    lurker.set_nonblocking(true).expect("non-blocking");
    let end_session = follow_start(&sign_out).await;
    let q = |k: &str| browser::query_param(&end_session, k);
    assert_eq!(
        q("client_id").as_deref(),
        Some(p.config().client_id.as_str())
    );
    assert_eq!(
        q("id_token_hint").as_deref(),
        Some(session.tokens.id_token.expose_secret())
    );
    assert_eq!(q("post_logout_redirect_uri"), None, "no return asked for");
    assert_eq!(q("state"), None);
    bounded("wait", sign_out.wait(BOUND))
        .await
        .expect("the browser was sent to sign out");
    // The sign-out is over: its connections are closed too.
    let deadline = Instant::now() + Duration::from_secs(4);
    while !closed(&lurker) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(closed(&lurker), "a connection outlived the sign-out");

    // Nobody opens it: said, not taken for success.
    let sign_out = BrowserSignOut::start(&p, &session).await.unwrap().unwrap();
    let err = sign_out
        .wait(Duration::from_millis(200))
        .await
        .expect_err("never opened");
    assert!(
        matches!(err, AuthError::SignOut(SignOutError::NotOpened(_))),
        "{err:?}"
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

#[tokio::test]
async fn with_a_post_logout_redirect_uri_the_return_is_awaited_and_a_refusal_reported() {
    let port = free_port();
    let back = format!("http://127.0.0.1:{port}/signed-out");
    let (_demo, config) = demo_config(&format!("\npost_logout_redirect_uri = \"{back}\"")).await;
    let p = provider(&config).await;
    let session = login_as(p.clone(), "alice").await;

    // The provider sends the browser back: done.
    let sign_out = BrowserSignOut::start(&p, &session).await.unwrap().unwrap();
    assert!(sign_out.will_return());
    assert_eq!(sign_out.start_url().port(), Some(port));
    let end_session = follow_start(&sign_out).await;
    assert_eq!(
        browser::query_param(&end_session, "post_logout_redirect_uri").as_deref(),
        Some(back.as_str())
    );
    let landed = browser::client()
        .get(end_session)
        .send()
        .await
        .expect("the provider answers");
    let target = landed
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(|l| Url::parse(l).expect("absolute"))
        .expect("the demo sends the browser back");
    assert!(target.as_str().starts_with(&back), "{target}");
    let page = browser::follow(&target).await.expect("our page answers");
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Signed out"));
    bounded("wait", sign_out.wait(BOUND))
        .await
        .expect("the provider sent the browser back");

    // A provider that sends the browser back with an error: reported.
    let sign_out = BrowserSignOut::start(&p, &session).await.unwrap().unwrap();
    let end_session = follow_start(&sign_out).await;
    let state = browser::query_param(&end_session, "state").expect("state");
    let wait = tokio::spawn(sign_out.wait(BOUND));
    // Someone else's return first: refused, still waiting.
    let forged = Url::parse(&format!("{back}?state=forged")).unwrap();
    let page = browser::follow(&forged).await.expect("answers");
    assert_eq!(page.status(), 400);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!wait.is_finished(), "a forged return ended the wait");
    let refused = Url::parse(&format!(
        "{back}?state={state}&error=access_denied&error_description=not+today"
    ))
    .unwrap();
    let page = browser::follow(&refused).await.expect("answers");
    assert!(page.text().await.unwrap().contains("Sign-out refused"));
    let err = bounded("wait", wait)
        .await
        .expect("task")
        .expect_err("a refusal is not success");
    match &err {
        AuthError::SignOut(SignOutError::Refused(text)) => {
            assert_eq!(text.error, "access_denied")
        }
        other => panic!("expected a refused sign-out, got {other:?}"),
    }
}
