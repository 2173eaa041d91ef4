//! An adversary's attempts on per-API tokens: a provider answering a
//! token that is not the API's, a store holding one, absurd answers, two
//! processes spending one refresh token, what logout leaves, and a
//! script's `--resource` made of control characters.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::{TimeDelta, Utc};
use secrecy::SecretString;
use serde_json::{Value, json};

use super::apis::TestApi;
use super::fake::{Fake, locked, open};
use crate::support::broken_provider::ApiAnswer;
use authdash::auth::ApiToken;

const BILLING: &str = "https://billing.example/";
const REPORTS: &str = "https://reports.example/";

/// A JWT with `claims`, its payload encoded by `encode` (unsigned: the
/// client reads `aud`, the API verifies).
fn jwt(claims: Value, encode: fn(String) -> String) -> String {
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(json!({"alg": "RS256", "typ": "at+jwt"}).to_string()),
        encode(claims.to_string()),
        URL_SAFE_NO_PAD.encode(b"signature")
    )
}

fn url_safe(s: String) -> String {
    URL_SAFE_NO_PAD.encode(s)
}

fn padded(s: String) -> String {
    STANDARD.encode(s)
}

async fn billing_panel(t: &Fake, billing: &TestApi) -> Arc<authdash::session::SessionService> {
    let config = t.config(
        "c.toml",
        "rfc8707",
        &[("billing", BILLING, billing, &[])],
        "",
    );
    t.service(&config)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_jwt_that_does_not_name_the_api_in_its_aud_is_never_sent() {
    let t = Fake::start().await;
    let billing = TestApi::reading("billing", BILLING).await;
    let service = billing_panel(&t, &billing).await;
    let session = t.login(&service).await;
    let exp = Utc::now().timestamp() + 3600;
    let hostile = [
        ("no aud", jwt(json!({"sub": "alice", "exp": exp}), url_safe)),
        (
            "aud a number",
            jwt(json!({"aud": 42, "exp": exp}), url_safe),
        ),
        ("aud null", jwt(json!({"aud": null, "exp": exp}), url_safe)),
        (
            "aud a list of others",
            jwt(
                json!({"aud": [REPORTS, "https://x/"], "exp": exp}),
                url_safe,
            ),
        ),
        (
            "aud a longer host",
            jwt(
                json!({"aud": "https://billing.example.evil/", "exp": exp}),
                url_safe,
            ),
        ),
        (
            "aud in another case",
            jwt(
                json!({"aud": "https://BILLING.example/", "exp": exp}),
                url_safe,
            ),
        ),
        (
            "payload padded, aud another",
            jwt(json!({"aud": REPORTS, "exp": exp, "pad": "?>"}), padded),
        ),
    ];
    let mut stored = session.clone();
    for (what, token) in &hostile {
        t.op.set_api_answer(ApiAnswer::Over(json!({ "access_token": token })));
        let fetched = open(&service, &stored, "billing").await;
        let (reason, _, _) = locked(&fetched);
        assert!(reason.contains("not sent"), "{what}: {reason}");
        assert!(fetched.ended.is_none(), "{what}: the session was ended");
        assert!(
            billing.received().is_empty(),
            "{what}: sent {:?}",
            billing.received()
        );
        stored = service.accounts().await.expect("read").sessions[0].clone();
        assert!(stored.apis.tokens.is_empty(), "{what}: kept");
    }
    // A token listing the API among others (Auth0 adds its userinfo)
    // goes: the API judges the rest (this one refuses all but its own).
    let listed = jwt(
        json!({"aud": ["https://x/", BILLING], "exp": exp}),
        url_safe,
    );
    t.op.set_api_answer(ApiAnswer::Over(json!({ "access_token": listed })));
    open(&service, &stored, "billing").await;
    assert_eq!(billing.received().first(), Some(&listed));
}

/// The store says this token is billing's; the token itself says it is
/// reports'. Whoever wrote it, it does not go to billing.
#[tokio::test(flavor = "multi_thread")]
async fn a_stored_token_whose_own_aud_is_another_api_is_not_sent() {
    let t = Fake::start().await;
    let billing = TestApi::reading("billing", BILLING).await;
    let service = billing_panel(&t, &billing).await;
    let mut session = t.login(&service).await;
    let exp = Utc::now().timestamp() + 3600;
    let reports_token = jwt(json!({"aud": REPORTS, "exp": exp}), url_safe);
    session.apis.put(ApiToken {
        resource: BILLING.to_owned(),
        org: None,
        access_token: SecretString::from(reports_token.clone()),
        expires_at: Some(Utc::now() + TimeDelta::hours(1)),
        scopes: Vec::new(),
        audience: vec![BILLING.to_owned()],
        obtained_at: Utc::now(),
        renewals: 0,
        refresh_token: None,
    });
    service.store.save(&session).expect("stored");
    let fetched = open(&service, &session, "billing").await;
    assert!(
        !billing.received().contains(&reports_token),
        "reports' token was sent to billing"
    );
    assert_eq!(fetched.data.expect("billing")["api"], "billing");
    assert_eq!(t.api_forms().len(), 1, "no new token was asked for");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_absurd_answer_is_bounded_and_ends_nothing() {
    let t = Fake::start().await;
    let billing = TestApi::reading("billing", BILLING).await;
    let service = billing_panel(&t, &billing).await;
    let session = t.login(&service).await;
    // An expiry of 10^308 seconds: kept as at most a year.
    t.op.set_api_answer(ApiAnswer::Over(json!({"expires_in": 1e308})));
    let fetched = open(&service, &session, "billing").await;
    assert_eq!(fetched.data.expect("billing")["api"], "billing");
    let stored = service.accounts().await.expect("read").sessions[0].clone();
    let expires = stored.apis.tokens[0].expires_at.expect("an expiry");
    assert!(expires <= Utc::now() + TimeDelta::days(366), "{expires}");
    // A token of 8 MiB: over the provider body cap, refused; the
    // session stays and nothing is sent.
    let mut fresh = stored.clone();
    fresh.apis.tokens.clear();
    service.store.save(&fresh).expect("stored");
    let huge = "A".repeat(8 << 20);
    t.op.set_api_answer(ApiAnswer::Over(json!({"access_token": huge})));
    let before = billing.received().len();
    let fetched = open(&service, &fresh, "billing").await;
    assert!(fetched.data.is_err(), "an 8 MiB token was taken");
    assert!(fetched.ended.is_none(), "the session was ended");
    assert_eq!(billing.received().len(), before);
    assert_eq!(service.accounts().await.expect("read").sessions.len(), 1);
    // A token with a line break in it: no header of the attacker's
    // making reaches the API.
    service.store.save(&fresh).expect("stored");
    let split = "opaque\r\nX-Injected: yes";
    t.op.set_api_answer(ApiAnswer::Over(json!({"access_token": split})));
    let fetched = open(&service, &fresh, "billing").await;
    assert!(fetched.data.is_err());
    assert!(fetched.ended.is_none(), "the session was ended");
    assert_eq!(billing.received().len(), before, "{:?}", billing.received());
}

/// Two processes (two services over one store) ask the same API's token
/// at once from a session holding none: one refresh, never the same
/// refresh token twice.
#[tokio::test(flavor = "multi_thread")]
async fn two_processes_never_spend_one_refresh_token_twice() {
    let t = Fake::start().await;
    let billing = TestApi::reading("billing", BILLING).await;
    let config = t.config(
        "c.toml",
        "rfc8707",
        &[("billing", BILLING, &billing, &[])],
        "",
    );
    let first = t.service(&config);
    let session = t.login(&first).await;
    let second = t.service(&config);
    let api = first.api_named(&session, BILLING).expect("configured");
    let (a, b) = tokio::time::timeout(Duration::from_secs(30), async {
        tokio::join!(
            first.api_token(&session, &api, None, None),
            second.api_token(&session, &api, None, None)
        )
    })
    .await
    .expect("in time");
    let (a, b) = (a.expect("first"), b.expect("second"));
    assert_eq!(a.token.secret(), b.token.secret());
    assert_eq!(t.op.refresh_reuses(), 0);
    assert_eq!(t.api_forms().len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn logout_leaves_no_api_token_in_the_store() {
    let t = Fake::start().await;
    let billing = TestApi::reading("billing", BILLING).await;
    let service = billing_panel(&t, &billing).await;
    let session = t.login(&service).await;
    let fetched = open(&service, &session, "billing").await;
    let held = fetched.api_session.expect("the session as stored");
    let token = held.apis.tokens[0].secret().to_owned();
    tokio::time::timeout(
        Duration::from_secs(30),
        service.logout(&held, Default::default(), &|_| {}),
    )
    .await
    .expect("in time")
    .expect("logged out");
    let accounts = service.accounts().await.expect("read");
    assert!(accounts.sessions.is_empty());
    for entry in walk(&t.home.data_dir()) {
        let bytes = std::fs::read(&entry).unwrap_or_default();
        assert!(
            !bytes.windows(token.len()).any(|w| w == token.as_bytes()),
            "{} holds the API token",
            entry.display()
        );
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn a_resource_of_control_characters_is_refused_and_shown_inert() {
    let t = Fake::start().await;
    let config = t.config(
        "c.toml",
        "audience",
        &[],
        &format!("resources = [\"{BILLING}\"]"),
    );
    let service = t.service(&config);
    t.login(&service).await;
    let hostile = "https://billing.example/\u{1b}]52;c;cHduZWQ=\u{7}\u{1b}[2J";
    for args in [
        vec!["token", "--resource", hostile],
        vec!["exec", "--resource", hostile, "--", "/bin/true"],
        // The configured one but for a final slash: not the same API.
        vec!["token", "--resource", "https://billing.example"],
    ] {
        let out = t.home.authdash("c.toml", &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}: a token was printed");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(!said.contains('\u{1b}'), "{args:?}: {said:?}");
        assert!(!said.contains('\u{7}'), "{args:?}: {said:?}");
        assert!(said.contains(BILLING), "{args:?}: {said}");
    }
    assert!(t.api_forms().is_empty(), "asked: {:?}", t.api_forms());
}

/// A folder config's panel asks, through its API, for scopes the login
/// then requests (RFC 8707 asks every API's scopes at login): the trust
/// summary shows them with the API, and the provider's own `resources`.
#[test]
fn the_trust_summary_hides_no_api_nor_the_scopes_asked_for_it() {
    let text = "[auth.acme]\nclient_id = \"c\"\n\
         server_metadata_url = \"https://id.example.com/.well-known/openid-configuration\"\n\
         resources = [\"https://scripts.example.com/\"]\n\
         [authdash]\n\
         [[authdash.panels]]\nid = \"quiet\"\ntitle = \"Quiet\"\n\
         data_url = \"https://quiet.example.com/x\"\n\
         resource = \"https://payroll.example.com/\"\n\
         scopes = [\"payroll:write\", \"offline_access\"]\n";
    let summary = authdash::config::trust::Summary::of(std::path::Path::new("folder.toml"), text)
        .expect("a summary");
    let lines: Vec<String> = summary
        .lines()
        .into_iter()
        .map(|(what, line)| format!("{what}: {line}"))
        .collect();
    let all = lines.join("\n");
    for shown in [
        "https://payroll.example.com/",
        "payroll:write",
        "offline_access",
        "https://scripts.example.com/",
    ] {
        assert!(all.contains(shown), "{shown} is hidden:\n{all}");
    }
}

/// A command panel naming an API gets that API's token in its
/// `token_env`, never the login's (whose `aud` is not the API's).
#[tokio::test(flavor = "multi_thread")]
async fn a_command_panels_token_env_holds_its_apis_token_not_the_logins() {
    use crate::support::broken_provider::CLIENT_ID;
    let t = Fake::start().await;
    // The program prints the middle of its token (the whole of it would
    // be redacted): a JWT's claims, nothing for the login's opaque one.
    let text = format!(
        "[auth.test]\nclient_id = \"{CLIENT_ID}\"\nserver_metadata_url = \"{}\"\n\
         redirect_uri = \"http://127.0.0.1/callback\"\n\
         [authdash]\nconnect_timeout_secs = 5\nrequest_timeout_secs = 10\n\
         [[authdash.panels]]\nid = \"billing\"\ntitle = \"Billing\"\n\
         source = {{ type = \"command\", token_env = \"BILLING_TOKEN\", resource = \"{BILLING}\", \
         argv = [\"/bin/sh\", \"-c\", \"printf '{{\\\"p\\\":\\\"%s\\\"}}' \
         \\\"$(printf %s \\\"$BILLING_TOKEN\\\" | /usr/bin/cut -s -d. -f2)\\\"\"] }}\n",
        t.op.metadata_url()
    );
    let config = t.home.config("c.toml", &text);
    let service = t.service(&config);
    let session = t.login(&service).await;
    let fetched = open(&service, &session, "billing").await;
    let data = fetched.data.expect("the program's answer");
    let payload = data["p"].as_str().expect("a string");
    assert!(!payload.is_empty(), "the program got the login's token");
    let claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url"))
            .expect("claims");
    assert_eq!(claims["aud"], BILLING);
    assert_eq!(t.api_forms().len(), 1);
}

/// An API token's request and the session's own renewal, in two
/// processes at once, then a renewal from a copy of the session older
/// than both: each spends the refresh token the store holds, never one
/// already spent.
#[tokio::test(flavor = "multi_thread")]
async fn an_api_token_and_a_renewal_never_spend_one_refresh_token_twice() {
    let t = Fake::start().await;
    let billing = TestApi::reading("billing", BILLING).await;
    let reports = TestApi::reading("reports", REPORTS).await;
    let config = t.config(
        "c.toml",
        "rfc8707",
        &[
            ("billing", BILLING, &billing, &[]),
            ("reports", REPORTS, &reports, &[]),
        ],
        "",
    );
    let first = t.service(&config);
    let old = t.login(&first).await;
    let second = t.service(&config);
    let api = first.api_named(&old, BILLING).expect("configured");
    let (token, renewed) = tokio::time::timeout(Duration::from_secs(30), async {
        tokio::join!(first.api_token(&old, &api, None, None), second.renew(&old))
    })
    .await
    .expect("in time");
    token.expect("the API token");
    renewed.expect("the renewal");
    assert_eq!(t.op.refresh_reuses(), 0);
    tokio::time::timeout(Duration::from_secs(30), first.renew(&old))
        .await
        .expect("in time")
        .expect("renewed again");
    assert_eq!(t.op.refresh_reuses(), 0);
    let reports_api = first.api_named(&old, REPORTS).expect("configured");
    tokio::time::timeout(
        Duration::from_secs(30),
        first.api_token(&old, &reports_api, None, None),
    )
    .await
    .expect("in time")
    .expect("reports' token");
    assert_eq!(t.op.refresh_reuses(), 0);
    let stored = &first.accounts().await.expect("read").sessions[0];
    assert_eq!(stored.apis.tokens.len(), 2, "an API token was lost");
}

/// Billing's address answers with a redirect to reports: billing's token
/// does not follow it there.
#[tokio::test(flavor = "multi_thread")]
async fn an_api_redirecting_elsewhere_does_not_take_its_token_there() {
    use crate::support::broken_provider::CLIENT_ID;
    let t = Fake::start().await;
    let reports = TestApi::reading("reports", REPORTS).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let to = reports.url.clone();
    let bounce = axum::Router::new().route(
        "/data",
        axum::routing::get(move || {
            let to = to.clone();
            async move { axum::response::Redirect::temporary(&to) }
        }),
    );
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, bounce).await;
    });
    let text = format!(
        "[auth.test]\nclient_id = \"{CLIENT_ID}\"\nserver_metadata_url = \"{}\"\n\
         redirect_uri = \"http://127.0.0.1/callback\"\n\
         [authdash]\nconnect_timeout_secs = 5\nrequest_timeout_secs = 10\n\
         [[authdash.panels]]\nid = \"billing\"\ntitle = \"Billing\"\n\
         source = {{ type = \"http\", url = \"http://127.0.0.1:{port}/data\", resource = \"{BILLING}\" }}\n",
        t.op.metadata_url()
    );
    let config = t.home.config("c.toml", &text);
    let service = t.service(&config);
    let session = t.login(&service).await;
    let fetched = open(&service, &session, "billing").await;
    task.abort();
    assert!(fetched.data.is_err(), "{:?}", fetched.data);
    assert!(
        reports.received().is_empty(),
        "followed with {:?}",
        reports.received()
    );
}

/// `status --json` names the APIs a session holds tokens for, never a
/// token.
#[tokio::test(flavor = "multi_thread")]
async fn status_json_never_prints_an_api_token() {
    let t = Fake::start().await;
    let billing = TestApi::reading("billing", BILLING).await;
    let service = billing_panel(&t, &billing).await;
    let session = t.login(&service).await;
    let fetched = open(&service, &session, "billing").await;
    let held = fetched.api_session.expect("the session as stored");
    let token = held.apis.tokens[0].secret().to_owned();
    let out = t.home.authdash("c.toml", &["status", "--json"]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains(BILLING), "{said}");
    assert!(!said.contains(&token), "the API token was printed");
    // Nor a part of it.
    let claims = token.split('.').nth(1).expect("a JWT");
    assert!(!said.contains(claims), "its claims were printed");
}
