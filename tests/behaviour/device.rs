//! The device login (RFC 8628) end to end against the embedded demo
//! provider: a test browser enters the code on the verification page while
//! the engine polls. Intervals are 1 s and expiries short; the client and
//! the demo both run their poll gaps [`SPEEDUP`] times faster than the
//! intervals say (what the client reports stays the intervals'); every
//! wait is bounded.

use crate::support;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use authdash::auth::{AuthError, DeviceLogin, LoginOptions, PollState, Provider, Session};
use authdash::config::Config;
use authdash::demo::{DemoProvider, DemoSettings, config_toml};
use support::browser;
use tokio::sync::mpsc;

const BOUND: Duration = Duration::from_secs(30);
const SECOND: Duration = Duration::from_secs(1);
/// A gap of the demo's 1 s interval (1.2 s with the client's margin) is
/// 0.3 s: a slow_down's 6 s are 1.8 s.
const SPEEDUP: u32 = 4;

fn fast() -> DemoSettings {
    DemoSettings {
        device_poll_interval: SECOND,
        device_poll_speedup: SPEEDUP,
        ..DemoSettings::default()
    }
}

async fn demo_with(settings: DemoSettings) -> (DemoProvider, Arc<Provider>) {
    let demo = DemoProvider::start(settings)
        .await
        .expect("demo provider starts");
    let config = Config::parse(
        Path::new("demo.toml"),
        &config_toml(demo.issuer_str()),
        &|_| None,
    )
    .expect("demo config parses");
    let provider = Provider::discover(&config.providers[0], &config.http)
        .await
        .expect("discovery");
    (demo, Arc::new(provider))
}

async fn start(provider: Arc<Provider>) -> DeviceLogin {
    let options = LoginOptions {
        device_poll_speedup: SPEEDUP,
        ..LoginOptions::default()
    };
    DeviceLogin::start(provider, options)
        .await
        .expect("device authorization starts")
}

/// Polls in a task; the poll states arrive on the returned channel.
fn poll_in_task(
    login: DeviceLogin,
) -> (
    tokio::task::JoinHandle<Result<Session, AuthError>>,
    mpsc::UnboundedReceiver<PollState>,
) {
    let (tx, rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(login.poll(move |state| {
        let _ = tx.send(state);
    }));
    (task, rx)
}

async fn finish(
    task: tokio::task::JoinHandle<Result<Session, AuthError>>,
) -> Result<Session, AuthError> {
    tokio::time::timeout(BOUND, task)
        .await
        .expect("polling ends in time")
        .expect("the poll task does not panic")
}

fn orgs(session: &Session) -> Vec<(&str, &str)> {
    session
        .user
        .orgs
        .iter()
        .map(|o| (o.org_name.as_str(), o.role.as_str()))
        .collect()
}

fn all(rx: &mut mpsc::UnboundedReceiver<PollState>) -> Vec<PollState> {
    let mut states = Vec::new();
    while let Ok(s) = rx.try_recv() {
        states.push(s);
    }
    states
}

#[tokio::test]
async fn alice_approves_through_verification_uri_complete() {
    let (demo, provider) = demo_with(fast()).await;
    assert!(provider.supports_device_flow());
    let login = start(provider).await;
    let code = login.user_code().to_owned();
    assert_eq!(code.len(), 9, "{code}");
    assert_eq!(&code[4..5], "-", "{code}");
    assert!(
        code.chars()
            .filter(|c| *c != '-')
            .all(|c| "BCDFGHJKLMNPQRSTVWXZ".contains(c)),
        "{code}"
    );
    assert_eq!(
        login.verification_uri(),
        format!("{}/device", demo.issuer_str())
    );
    let complete = login
        .verification_uri_complete()
        .expect("the demo gives verification_uri_complete")
        .to_owned();
    assert_eq!(
        complete,
        format!("{}/device?user_code={code}", demo.issuer_str())
    );
    assert_eq!(login.interval(), SECOND);
    let left = login.expires_at() - chrono::Utc::now();
    assert!(
        (590..=600).contains(&left.num_seconds()),
        "expires in {left}"
    );

    let (task, mut rx) = poll_in_task(login);
    let page = browser::open_device_page(&complete)
        .await
        .expect("verification page");
    assert_eq!(page.prefilled, code, "the code is prefilled to confirm");
    let done = browser::approve_device(&complete, None, "alice")
        .await
        .expect("alice approves");
    assert!(done.contains("Device signed in"), "{done}");

    let session = finish(task).await.expect("device login succeeds");
    assert_eq!(session.user.email.as_deref(), Some("alice@example.com"));
    assert_eq!(orgs(&session), [("Acme", "Owner"), ("Globex", "Member")]);
    assert!(
        !session.id_claims.contains_key("nonce"),
        "the device grant has no nonce"
    );
    assert_eq!(session.id_claims["azp"], "authdash-demo");
    assert!(session.userinfo.is_some());
    assert!(session.tokens.refresh_token.is_some());
    assert_eq!(session.provider, "demo");
    let states = all(&mut rx);
    assert!(!states.is_empty(), "at least one wait was reported");
    for s in states {
        assert_eq!(
            s,
            PollState::Waiting {
                next_poll_in: Duration::from_millis(1200)
            },
            "the interval plus 20 %"
        );
    }
}

#[tokio::test]
async fn typing_the_code_on_the_verification_page_logs_bob_in() {
    let (_demo, provider) = demo_with(fast()).await;
    let login = start(provider).await;
    let uri = login.verification_uri().to_owned();
    // Typed loosely: lower case, no dash.
    let typed = login.user_code().replace('-', "").to_lowercase();
    let (task, _rx) = poll_in_task(login);

    let page = browser::open_device_page(&uri).await.expect("entry page");
    assert_eq!(page.prefilled, "", "nothing to prefill without user_code");
    let html = browser::enter_device_code(&page, "BCDF-GHJK")
        .await
        .expect_err("a code nobody was given is refused");
    assert!(html.contains("unknown"), "{html}");
    let refused = browser::enter_device_code(&page, "not a code").await;
    assert!(refused.is_err_and(|html| html.contains("8 letters")));
    let done = browser::approve_device(&uri, Some(&typed), "bob")
        .await
        .expect("bob approves");
    assert!(done.contains("Device signed in"), "{done}");

    let session = finish(task).await.expect("device login succeeds");
    assert_eq!(orgs(&session), [("Acme", "Admin")]);
}

#[tokio::test]
async fn denying_on_the_verification_page_ends_in_denied() {
    let (_demo, provider) = demo_with(fast()).await;
    let login = start(provider).await;
    let complete = login.verification_uri_complete().unwrap().to_owned();
    let (task, _rx) = poll_in_task(login);
    let done = browser::deny_device(&complete, None).await.expect("deny");
    assert!(done.contains("Device denied"), "{done}");
    match finish(task).await {
        Err(AuthError::Denied(text)) => {
            assert_eq!(text.error, "access_denied");
            let shown = AuthError::Denied(text).to_string();
            assert!(shown.contains("denied the device"), "{shown}");
        }
        other => panic!("expected Denied, got {other:?}"),
    }
    // The code is spent: the page refuses it now.
    let page = browser::open_device_page(&complete).await.unwrap();
    let again = browser::enter_device_code(&page, &page.prefilled)
        .await
        .expect_err("a denied code cannot be approved later");
    assert!(again.contains("already used"), "{again}");
}

#[tokio::test]
async fn an_unanswered_code_expires() {
    let (demo, provider) = demo_with(DemoSettings {
        device_code_ttl: Duration::from_secs(2),
        ..fast()
    })
    .await;
    let login = start(provider).await;
    let complete = login.verification_uri_complete().unwrap().to_owned();
    let started = std::time::Instant::now();
    let result = tokio::time::timeout(BOUND, login.poll(|_| {}))
        .await
        .expect("polling ends in time");
    let err = result.expect_err("nobody approved");
    assert!(matches!(err, AuthError::DeviceCodeExpired), "{err:?}");
    assert!(err.to_string().contains("start the login again"), "{err}");
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "stopped at expiry: {took:?}");
    assert!(demo.device_polls() >= 2, "it polled meanwhile");
    // And the page refuses the expired code.
    let page = browser::open_device_page(&complete).await.unwrap();
    let late = browser::enter_device_code(&page, &page.prefilled).await;
    assert!(late.is_err_and(|html| html.contains("expired")));
}

#[tokio::test]
async fn slow_down_grows_the_interval_and_the_client_keeps_it() {
    // The demo demands 2 s between polls but advertises 1 s, like a
    // provider whose clock runs ahead: the second poll (after 1.2 s) earns
    // a slow_down, after which the client waits 6 s (+ 20 %), longer than
    // the demo's 7 s now. (Both at SPEEDUP times: 0.3 s against 0.5 s,
    // then 1.8 s against 1.75 s.)
    let (demo, provider) = demo_with(DemoSettings {
        device_enforced_interval: Some(Duration::from_secs(2)),
        ..fast()
    })
    .await;
    let login = start(provider).await;
    let complete = login.verification_uri_complete().unwrap().to_owned();
    let (task, mut rx) = poll_in_task(login);
    let mut states = Vec::new();
    while states.len() < 2 {
        let state = tokio::time::timeout(BOUND, rx.recv())
            .await
            .expect("a poll state in time")
            .expect("polling goes on");
        states.push(state);
    }
    assert_eq!(
        states,
        [
            PollState::Waiting {
                next_poll_in: Duration::from_millis(1200)
            },
            PollState::SlowingDown {
                interval: Duration::from_secs(6),
                next_poll_in: Duration::from_millis(7200)
            },
        ]
    );
    assert_eq!(demo.device_polls(), 2);
    browser::approve_device(&complete, None, "carol")
        .await
        .expect("carol approves");
    let session = finish(task).await.expect("the slowed-down login succeeds");
    assert_eq!(orgs(&session), [("Acme", "Member")]);
    assert_eq!(
        demo.device_polls(),
        3,
        "one more poll, after the longer interval, without another slow_down"
    );
    assert!(all(&mut rx).is_empty(), "no more waits: {:?}", states);
}

#[tokio::test]
async fn dropping_the_poll_future_stops_polling() {
    let (demo, provider) = demo_with(fast()).await;
    let login = start(provider).await;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut poll = Box::pin(login.poll(move |state| {
        let _ = tx.send(state);
    }));
    // Run it until the first wait, as a UI would alongside its cancel key.
    tokio::select! {
        result = &mut poll => panic!("polling ended by itself: {result:?}"),
        state = rx.recv() => assert!(matches!(state, Some(PollState::Waiting { .. }))),
    }
    drop(poll);
    let polls = demo.device_polls();
    assert_eq!(polls, 1, "the first poll is immediate");
    // Two and a half of the client's (sped-up) gaps.
    tokio::time::sleep(Duration::from_secs(3) / SPEEDUP).await;
    assert_eq!(demo.device_polls(), polls, "no poll after the drop");
    assert!(
        rx.recv().await.is_none(),
        "the progress callback is gone too"
    );
}

// --- the demo's endpoints, spoken to directly ----------------------------

async fn post_form(url: &str, form: &[(&str, &str)]) -> (u16, serde_json::Value) {
    let response = browser::client()
        .post(url)
        .form(form)
        .send()
        .await
        .expect("POST");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

#[tokio::test]
async fn the_demo_speaks_rfc_8628() {
    let demo = DemoProvider::start(DemoSettings {
        device_poll_interval: Duration::from_secs(60),
        ..DemoSettings::default()
    })
    .await
    .unwrap();
    let issuer = demo.issuer_str().to_owned();
    let discovery: serde_json::Value = browser::client()
        .get(format!("{issuer}/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        discovery["device_authorization_endpoint"],
        format!("{issuer}/device")
    );
    assert!(
        discovery["grant_types_supported"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g == "urn:ietf:params:oauth:grant-type:device_code")
    );

    let device = format!("{issuer}/device");
    let token = format!("{issuer}/token");
    let (status, body) = post_form(
        &device,
        &[("client_id", "someone-else"), ("scope", "openid")],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );
    let (status, body) = post_form(
        &device,
        &[("client_id", "authdash-demo"), ("scope", "email")],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_scope"))
    );

    let (status, body) = post_form(
        &device,
        &[("client_id", "authdash-demo"), ("scope", "openid email")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["expires_in"], 600);
    assert_eq!(body["interval"], 60);
    let device_code = body["device_code"].as_str().unwrap().to_owned();
    let grant = "urn:ietf:params:oauth:grant-type:device_code";
    let form = [
        ("client_id", "authdash-demo"),
        ("grant_type", grant),
        ("device_code", device_code.as_str()),
    ];
    let poll = || post_form(&token, &form);
    let (status, body) = poll().await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("authorization_pending"))
    );
    let (status, body) = poll().await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("slow_down")),
        "polled at once"
    );
    let (status, body) = post_form(
        &token,
        &[
            ("client_id", "authdash-demo"),
            ("grant_type", grant),
            ("device_code", "nope"),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    assert_eq!(demo.device_polls(), 3);

    // An expired code answers expired_token, not "unknown".
    let demo = DemoProvider::start(DemoSettings {
        device_code_ttl: Duration::ZERO,
        ..DemoSettings::default()
    })
    .await
    .unwrap();
    let issuer = demo.issuer_str().to_owned();
    let (_, body) = post_form(
        &format!("{issuer}/device"),
        &[("client_id", "authdash-demo"), ("scope", "openid")],
    )
    .await;
    let (status, body) = post_form(
        &format!("{issuer}/token"),
        &[
            ("client_id", "authdash-demo"),
            ("grant_type", grant),
            ("device_code", body["device_code"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("expired_token"))
    );
}
