//! A second reader's attacks on the per-API tokens' newer rules: the
//! demo APIs' JWT check, the step-up login for one API's audience, the
//! tokens bound to an organization, `--min-ttl` with `--resource`, and
//! the provider's words that could carry a token to the screen.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use authdash::auth::Session;
use authdash::panels::TemplateVars;
use authdash::session::{FetchedSource, LoginEvent, LogoutOptions, SessionError, SessionService};
use authdash::store::TokenStore as _;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use secrecy::ExposeSecret;
use serde_json::{Value, json};

use super::apis::{BILLING, REPORTS, TestApi};
use super::fake::{Fake, approve, locked, step_up_for_reports};
use crate::support::broken_provider::ApiAnswer;
use crate::support::home::{browser_login, demo_login};
use crate::support::screens::Demo;

const DEMO_KEY: &[u8] = include_bytes!("../../../assets/demo/signing-key.pem");
const ATTACKER_KEY: &[u8] = include_bytes!("../../support/keys/attacker.pem");
const DEMO_ACME: &str = "7a1b2c3d-4e5f-4a6b-8c7d-1e2f3a4b5c6d";

fn decode(part: &str) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("base64url")).expect("JSON")
}

// ---------------------------------------------------------------------
// The demo's APIs: only a JWT the demo signed (RS256) for their own aud.

/// GET the demo's billing panel with `token`: status and WWW-Authenticate.
async fn billing_with(demo: &Demo, token: &str) -> (u16, String) {
    let url = format!(
        "{}/api/orgs/{DEMO_ACME}/panels/billing",
        demo.provider.issuer_str()
    );
    let response = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
        .get(&url)
        .bearer_auth(token)
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .expect("the demo API answers");
    let why = response
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (response.status().as_u16(), why)
}

/// The demo with its APIs, and a genuine billing token of Alice's: its
/// header and claims are the attacks' starting point.
async fn demo_billing_token() -> (Demo, tempfile::TempDir, String) {
    let demo = Demo::start_with_apis().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let service = demo.service(dir.path());
    let session = demo_login(&service, "alice").await;
    let api = service
        .api_named(
            &session,
            &format!("{}/api/billing", demo.provider.issuer_str()),
        )
        .expect("a configured API");
    let token = service
        .api_token(&session, &api, None, None)
        .await
        .expect("a billing token")
        .token
        .secret()
        .to_owned();
    (demo, dir, token)
}

fn header_and_claims(token: &str) -> (Value, Value) {
    let parts: Vec<&str> = token.split('.').collect();
    (decode(parts[0]), decode(parts[1]))
}

fn signed(alg: Algorithm, kid: &str, claims: &Value, key: &EncodingKey) -> String {
    let mut header = Header::new(alg);
    header.kid = Some(kid.to_owned());
    header.typ = Some("at+jwt".to_owned());
    jsonwebtoken::encode(&header, claims, key).expect("signed")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_api_refuses_alg_none_hs256_on_its_public_key_and_another_key_with_its_kid() {
    let (demo, _dir, genuine) = demo_billing_token().await;
    assert_eq!(
        billing_with(&demo, &genuine).await.0,
        200,
        "the genuine one"
    );
    let (header, claims) = header_and_claims(&genuine);
    let kid = header["kid"].as_str().expect("a kid");
    let part = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());

    // alg none, the claims as they are, with and without a signature.
    let none = json!({"alg": "none", "typ": "at+jwt", "kid": kid});
    for forged in [
        format!("{}.{}.", part(&none), part(&claims)),
        format!(
            "{}.{}.{}",
            part(&none),
            part(&claims),
            genuine.rsplit('.').next().expect("a signature")
        ),
    ] {
        let (status, why) = billing_with(&demo, &forged).await;
        assert_eq!(status, 401, "alg none taken: {why}");
    }

    // HS256 keyed with the published public key (the JWKS's modulus, and
    // the whole JWKS document), as a confused verifier would take it.
    let jwks: Value = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
        .get(format!("{}/jwks", demo.provider.issuer_str()))
        .send()
        .await
        .expect("the JWKS")
        .json()
        .await
        .expect("JSON");
    let n = jwks["keys"][0]["n"].as_str().expect("a modulus");
    for secret in [n.as_bytes().to_vec(), jwks.to_string().into_bytes()] {
        let forged = signed(
            Algorithm::HS256,
            kid,
            &claims,
            &EncodingKey::from_secret(&secret),
        );
        let (status, why) = billing_with(&demo, &forged).await;
        assert_eq!(status, 401, "HS256 taken: {why}");
    }

    // Another RSA key claiming the demo's kid.
    let other = EncodingKey::from_rsa_pem(ATTACKER_KEY).expect("the attacker's key");
    let forged = signed(Algorithm::RS256, kid, &claims, &other);
    let (status, why) = billing_with(&demo, &forged).await;
    assert_eq!(status, 401);
    assert!(why.contains("signature does not verify"), "{why}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_api_refuses_its_own_keys_token_expired_not_yet_valid_not_typed_at_jwt_or_for_its_aud_with_a_slash()
 {
    let (demo, _dir, genuine) = demo_billing_token().await;
    let (header, claims) = header_and_claims(&genuine);
    let kid = header["kid"].as_str().expect("a kid");
    let key = EncodingKey::from_rsa_pem(DEMO_KEY).expect("the demo's key");
    let billing = claims["aud"].as_str().expect("one aud").to_owned();
    // Signed by the demo's own key, as if the demo had made them: the
    // sign-check is passed; what is left must still refuse.
    assert_eq!(
        billing_with(&demo, &signed(Algorithm::RS256, kid, &claims, &key))
            .await
            .0,
        200,
        "the re-signed genuine claims"
    );

    let now = chrono::Utc::now().timestamp();
    let mut expired = claims.clone();
    expired["iat"] = json!(now - 7200);
    expired["exp"] = json!(now - 60);
    let (status, why) = billing_with(&demo, &signed(Algorithm::RS256, kid, &expired, &key)).await;
    assert_eq!(status, 401);
    assert!(why.contains("expired"), "{why}");

    let mut no_exp = claims.clone();
    no_exp.as_object_mut().expect("claims").remove("exp");
    let (status, why) = billing_with(&demo, &signed(Algorithm::RS256, kid, &no_exp, &key)).await;
    assert_eq!(status, 401, "a token that never expires: {why}");

    let mut not_yet = claims.clone();
    not_yet["nbf"] = json!(now + 3600);
    let (status, why) = billing_with(&demo, &signed(Algorithm::RS256, kid, &not_yet, &key)).await;
    assert_eq!(status, 401, "a token not valid for an hour yet: {why}");
    assert!(why.contains("not valid yet"), "{why}");

    // RFC 9068 §4: an access token says so in its typ; a JWT of another
    // kind (an ID token's "JWT", none) is not one, whatever its aud.
    for typ in [Some("JWT"), None, Some("id_token+jwt")] {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(kid.to_owned());
        header.typ = typ.map(str::to_owned);
        let other_kind = jsonwebtoken::encode(&header, &claims, &key).expect("signed");
        let (status, why) = billing_with(&demo, &other_kind).await;
        assert_eq!(status, 401, "typ {typ:?}: {why}");
    }
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_owned());
    header.typ = Some("application/AT+JWT".to_owned());
    let long_form = jsonwebtoken::encode(&header, &claims, &key).expect("signed");
    assert_eq!(
        billing_with(&demo, &long_form).await.0,
        200,
        "RFC 9068's long form"
    );

    let mut slashed = claims.clone();
    slashed["aud"] = json!(format!("{billing}/"));
    let (status, why) = billing_with(&demo, &signed(Algorithm::RS256, kid, &slashed, &key)).await;
    assert_eq!(status, 401, "another aud, give or take a slash: {why}");

    let mut elsewhere = claims.clone();
    elsewhere["iss"] = json!("https://issuer.example/");
    let (status, why) = billing_with(&demo, &signed(Algorithm::RS256, kid, &elsewhere, &key)).await;
    assert_eq!(status, 401, "another issuer: {why}");

    let mut nobody = claims.clone();
    nobody["sub"] = json!("nobody-at-all");
    let (status, _) = billing_with(&demo, &signed(Algorithm::RS256, kid, &nobody, &key)).await;
    assert_eq!(status, 401, "a user the demo does not know");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_api_takes_an_aud_list_only_when_it_names_it_itself() {
    let (demo, _dir, genuine) = demo_billing_token().await;
    let (header, claims) = header_and_claims(&genuine);
    let kid = header["kid"].as_str().expect("a kid");
    let key = EncodingKey::from_rsa_pem(DEMO_KEY).expect("the demo's key");
    let billing = claims["aud"].as_str().expect("one aud").to_owned();
    let reports = billing.replace("/api/billing", "/api/reports");
    // RFC 9068 §4: the aud must contain the API's identifier. A list the
    // provider signed naming both APIs is good at both (as it said)...
    let mut both = claims.clone();
    both["aud"] = json!([reports, billing]);
    let (status, why) = billing_with(&demo, &signed(Algorithm::RS256, kid, &both, &key)).await;
    assert_eq!(status, 200, "{why}");
    // ...a list that names the other API and look-alikes of this one is not.
    let mut others = claims.clone();
    others["aud"] = json!([
        reports,
        format!("{billing}/"),
        billing.to_uppercase(),
        format!("{billing}#"),
    ]);
    let (status, why) = billing_with(&demo, &signed(Algorithm::RS256, kid, &others, &key)).await;
    assert_eq!(status, 401, "{why}");
    assert!(why.contains("not for this API"), "{why}");
}

// ---------------------------------------------------------------------
// The step-up login for one API's audience (Auth0).

/// Auth0-style, panels on the reports and billing APIs, Alice logged in,
/// each API's refresh grant answered as `answer`.
async fn auth0_two_apis(answer: ApiAnswer) -> (Fake, Arc<SessionService>, Session, TestApi) {
    let t = Fake::start().await;
    let reports = TestApi::reading("reports", REPORTS).await;
    let (service, session) = t
        .logged_in(
            "audience",
            &[
                ("reports", REPORTS, &reports, &[]),
                ("billing", BILLING, &reports, &[]),
            ],
            "",
        )
        .await;
    t.op.set_api_answer(answer);
    (t, service, session, reports)
}

async fn nothing() {}

fn stored_sessions(t: &Fake) -> Vec<Session> {
    t.home.store().accounts().expect("the store").sessions
}

/// The session as stored is the one before, token for token and claim
/// for claim, and holds no API token.
fn unchanged(t: &Fake, before: &Session) {
    let after = stored_sessions(t);
    assert_eq!(after.len(), 1);
    let after = &after[0];
    assert_eq!(after.access_token(), before.access_token());
    assert_eq!(
        after
            .tokens
            .refresh_token
            .as_ref()
            .map(|r| r.expose_secret()),
        before
            .tokens
            .refresh_token
            .as_ref()
            .map(|r| r.expose_secret())
    );
    assert_eq!(
        after.tokens.id_token.expose_secret(),
        before.tokens.id_token.expose_secret()
    );
    assert_eq!(after.user, before.user);
    assert_eq!(after.id_claims, before.id_claims);
    assert!(after.apis.tokens.is_empty(), "{:?}", after.apis.tokens);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_step_up_whose_id_token_another_issuer_signed_keeps_nothing() {
    let (t, service, session, _api) = auth0_two_apis(ApiAnswer::Issue).await;
    t.op.set_extra_id_claims(json!({ "iss": "https://issuer.example/" }));
    let refused = step_up_for_reports(&service, &session, nothing)
        .await
        .expect_err("another issuer's ID token");
    assert!(!refused.to_string().is_empty());
    unchanged(&t, &session);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_step_up_that_brings_another_configured_apis_token_keeps_it_for_neither() {
    let (t, service, session, _api) =
        auth0_two_apis(ApiAnswer::WrongAudience(BILLING.into())).await;
    let refused = step_up_for_reports(&service, &session, nothing)
        .await
        .expect_err("a billing token for the reports login");
    assert!(
        refused
            .to_string()
            .contains(&format!("brought a token for {BILLING}")),
        "{refused}"
    );
    unchanged(&t, &session);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_step_up_with_new_claims_and_refresh_token_replaces_neither_of_the_sessions() {
    let (t, service, session, _api) = auth0_two_apis(ApiAnswer::Issue).await;
    let mallory = json!({
        "name": "Mallory",
        "email": "mallory@evil.example",
        "email_verified": true,
        "org_id_to_org_info": {
            "org-evil": { "org_id": "org-evil", "org_name": "Evil", "user_role": "Owner" },
        },
    });
    t.op.set_extra_id_claims(mallory.clone());
    t.op.set_extra_userinfo(mallory);
    let kept = step_up_for_reports(&service, &session, nothing)
        .await
        .expect("the same account's login for the API");
    let after = stored_sessions(&t);
    assert_eq!(after.len(), 1);
    for s in [&kept, &after[0]] {
        assert_eq!(s.user, session.user, "the login's claims replaced");
        assert_eq!(s.id_claims, session.id_claims);
        assert_eq!(s.access_token(), session.access_token());
        assert_eq!(
            s.tokens.refresh_token.as_ref().map(|r| r.expose_secret()),
            session
                .tokens
                .refresh_token
                .as_ref()
                .map(|r| r.expose_secret()),
            "the session's refresh token replaced"
        );
        assert_eq!(
            s.tokens.id_token.expose_secret(),
            session.tokens.id_token.expose_secret()
        );
        let held = s.apis.find(REPORTS, None).expect("the API's token");
        assert_eq!(super::apis::audience(held.secret()), [REPORTS]);
        assert!(s.apis.find(BILLING, None).is_none());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_step_up_answered_after_logout_stores_no_session_and_no_token() {
    let (t, service, session, _api) = auth0_two_apis(ApiAnswer::Issue).await;
    let (svc, s) = (service.clone(), session.clone());
    let refused = step_up_for_reports(&service, &session, move || async move {
        svc.logout(&s, LogoutOptions::default(), &|_| {})
            .await
            .expect("logged out");
    })
    .await
    .expect_err("logged out meanwhile");
    assert!(!refused.to_string().is_empty());
    assert!(
        stored_sessions(&t).is_empty(),
        "the step-up brought the session back"
    );
}

/// Another person logs in beside (`add_account`), the provider signing
/// them in as `sub`.
async fn add_account_as(t: Arc<Fake>, service: Arc<SessionService>, sub: &str) -> Session {
    t.op.set_extra_id_claims(json!({ "sub": sub }));
    t.op.set_extra_userinfo(json!({ "sub": sub }));
    let (tx, rx) = tokio::sync::oneshot::channel();
    let tx = Mutex::new(Some(tx));
    let events = move |event: LoginEvent| {
        if let LoginEvent::BrowserUrl { url, .. } = event
            && let Some(tx) = tx.lock().unwrap_or_else(|p| p.into_inner()).take()
        {
            let _ = tx.send(url);
        }
    };
    let person = tokio::spawn(async move {
        if let Ok(url) = rx.await {
            approve(url).await;
        }
    });
    let request = authdash::session::LoginRequest {
        add_account: true,
        ..browser_login()
    };
    let logged_in = tokio::time::timeout(Duration::from_secs(30), service.login(request, &events))
        .await
        .expect("in time")
        .expect("the other account logs in");
    person.await.expect("the person's side");
    t.op.set_extra_id_claims(json!({}));
    t.op.set_extra_userinfo(json!({}));
    logged_in.session
}

#[tokio::test(flavor = "multi_thread")]
async fn a_step_up_for_the_account_switched_away_from_keeps_its_token_there_and_bob_stays_active() {
    // Logins at one provider are one at a time (the login lock): the
    // other account comes in before the step-up, which still carries the
    // session of the account switched away from (as the TUI's command
    // does).
    let (t, service, alice, _api) = auth0_two_apis(ApiAnswer::Issue).await;
    let t = Arc::new(t);
    let bob = add_account_as(t.clone(), service.clone(), "someone-else").await;
    assert_ne!(bob.user.subject, alice.user.subject);
    let kept = step_up_for_reports(&service, &alice, nothing)
        .await
        .expect("Alice's own login for her API");
    assert_eq!(kept.user.subject, alice.user.subject);
    assert!(kept.apis.find(REPORTS, None).is_some());
    let accounts = t.home.store().accounts().expect("the store");
    assert_eq!(accounts.sessions.len(), 2);
    let active = accounts.active_session().expect("an active session");
    assert_eq!(active.user.subject, bob.user.subject, "switched back");
    assert!(active.apis.tokens.is_empty(), "Alice's token went to Bob");
    assert_eq!(active.access_token(), bob.access_token());
    // And Bob's session asking the same: refused, as another account.
    let refused = step_up_for_reports(&service, &bob, nothing)
        .await
        .expect_err("Alice signed in for Bob's step-up");
    assert!(refused.to_string().contains("signed in as"), "{refused}");
    let accounts = t.home.store().accounts().expect("the store");
    let bobs = accounts
        .sessions
        .iter()
        .find(|s| s.user.subject == bob.user.subject)
        .expect("Bob's");
    assert!(bobs.apis.tokens.is_empty());
}

// ---------------------------------------------------------------------
// Tokens bound to an organization (Auth0's `org_id`).

/// An unsigned billing JWT with `extra` claims (the test API reads its
/// `aud`; the client reads its `org_id`).
fn billing_jwt(extra: Value) -> String {
    let part = |v: Value| URL_SAFE_NO_PAD.encode(v.to_string());
    let mut claims = json!({"aud": BILLING, "sub": "user-1", "exp": 4_102_444_800_i64});
    for (k, v) in extra.as_object().expect("an object") {
        claims[k] = v.clone();
    }
    format!(
        "{}.{}.{}",
        part(json!({"alg": "RS256", "typ": "at+jwt"})),
        part(claims),
        URL_SAFE_NO_PAD.encode(b"not verified by the client")
    )
}

async fn auth0_billing() -> (Fake, TestApi, Arc<SessionService>, Session) {
    let t = Fake::start().await;
    let billing = TestApi::reading("billing", BILLING).await;
    let config = t.config(
        "c.toml",
        "audience",
        &[("billing", BILLING, &billing, &[])],
        "",
    );
    let service = t.service(&config);
    let session = t.login(&service).await;
    (t, billing, service, session)
}

async fn billing_in(service: &Arc<SessionService>, session: &Session, org: &str) -> FetchedSource {
    let spec = service
        .config
        .panels
        .iter()
        .find(|p| p.id == "billing")
        .expect("the panel")
        .clone();
    let vars = TemplateVars {
        org_id: org,
        org_name: "Acme",
        user_id: "user-1",
    };
    tokio::time::timeout(
        Duration::from_secs(30),
        service.fetch_source(session, &spec, vars),
    )
    .await
    .expect("the panel loads in time")
}

#[tokio::test(flavor = "multi_thread")]
async fn an_org_id_that_is_not_a_string_binds_the_token_to_no_org_it_is_sent_in() {
    for org_id in [
        json!(42),
        json!(["org-acme"]),
        json!(["org-globex", "org-acme"]),
        json!({"id": "org-acme"}),
        json!(true),
    ] {
        let (t, billing, service, session) = auth0_billing().await;
        t.op.set_api_answer(ApiAnswer::Over(
            json!({ "access_token": billing_jwt(json!({ "org_id": org_id })) }),
        ));
        for org in ["org-acme", "org-globex", ""] {
            let fetched = billing_in(&service, &session, org).await;
            assert!(
                fetched.data.is_err(),
                "org_id {org_id} sent in {org:?}: {:?}",
                fetched.data
            );
        }
        assert!(
            billing.received().is_empty(),
            "org_id {org_id}: {:?}",
            billing.received()
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_org_id_padded_recased_or_otherwise_normalised_is_another_org() {
    // "org-acmé" composed (NFC) and decomposed (NFD), with a zero-width
    // space, padded, recased: none is the active org's id.
    let active = "org-acm\u{e9}";
    for bound in [
        "org-acme\u{301}",
        "org-acm\u{e9}\u{200b}",
        " org-acm\u{e9}",
        "org-acm\u{e9} ",
        "ORG-ACM\u{c9}",
    ] {
        let (t, billing, service, session) = auth0_billing().await;
        t.op.set_api_answer(ApiAnswer::Over(
            json!({ "access_token": billing_jwt(json!({ "org_id": bound })) }),
        ));
        let fetched = billing_in(&service, &session, active).await;
        let (reason, _, _) = locked(&fetched);
        assert!(reason.contains("it was not sent"), "{bound:?}: {reason}");
        assert!(
            billing.received().is_empty(),
            "{bound:?} sent for {active:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_naming_the_active_orgs_name_but_another_orgs_id_is_not_sent() {
    let (t, billing, service, session) = auth0_billing().await;
    // The panel's org: id org-acme, named Acme. The token: Globex's id
    // with Acme's name (and Acme's id as its name).
    t.op.set_api_answer(ApiAnswer::Over(json!({
        "access_token": billing_jwt(json!({ "org_id": "org-globex", "org_name": "Acme" })),
    })));
    locked(&billing_in(&service, &session, "org-acme").await);
    t.op.set_api_answer(ApiAnswer::Over(json!({
        "access_token": billing_jwt(json!({ "org_id": "Acme", "org_name": "org-acme" })),
    })));
    locked(&billing_in(&service, &session, "org-acme").await);
    assert!(billing.received().is_empty(), "{:?}", billing.received());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_bound_to_an_org_the_person_is_not_in_is_never_sent_nor_kept() {
    let t = Fake::start().await;
    // The person is in Acme and Globex.
    t.op.set_extra_userinfo(json!({ "org_id_to_org_info": {
        "org-acme": { "org_id": "org-acme", "org_name": "Acme", "user_role": "Member" },
        "org-globex": { "org_id": "org-globex", "org_name": "Globex", "user_role": "Member" },
    }}));
    let billing = TestApi::reading("billing", BILLING).await;
    let (service, session) = t
        .logged_in("audience", &[("billing", BILLING, &billing, &[])], "")
        .await;
    let mine: Vec<&str> = session
        .user
        .orgs
        .iter()
        .map(|o| o.org_id.as_str())
        .collect();
    assert_eq!(mine, ["org-acme", "org-globex"]);
    t.op.set_api_answer(ApiAnswer::Over(json!({
        "access_token": billing_jwt(json!({ "org_id": "org-evil" })),
    })));
    for org in mine.iter().copied().chain([""]) {
        let fetched = billing_in(&service, &session, org).await;
        let (reason, _, _) = locked(&fetched);
        assert!(reason.contains("org-evil"), "{reason}");
    }
    assert!(billing.received().is_empty());
    let stored = &stored_sessions(&t)[0];
    assert!(
        stored.apis.tokens.is_empty(),
        "a token for org-evil kept: {:?}",
        stored.apis.tokens
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_held_token_of_the_old_org_never_answers_the_new_orgs_request() {
    let (t, billing, service, session) = auth0_billing().await;
    let acme = billing_jwt(json!({ "org_id": "org-acme" }));
    let globex = billing_jwt(json!({ "org_id": "org-globex" }));
    t.op.set_api_answer(ApiAnswer::Over(json!({ "access_token": acme })));
    assert!(
        billing_in(&service, &session, "org-acme")
            .await
            .data
            .is_ok()
    );
    // The Acme request's answer stored; the person switched to Globex
    // with the session as the panel had it before (the face's copy): its
    // request re-reads the store, finds Acme's, and must not take it.
    t.op.set_api_answer(ApiAnswer::Over(json!({ "access_token": globex })));
    assert!(
        billing_in(&service, &session, "org-globex")
            .await
            .data
            .is_ok()
    );
    let current = stored_sessions(&t).remove(0);
    assert!(
        billing_in(&service, &current, "org-globex")
            .await
            .data
            .is_ok()
    );
    assert_eq!(billing.received(), [acme.clone(), globex.clone(), globex]);
    // And through the CLI with an org chosen: the org's own.
    let api = service.api_named(&current, BILLING).expect("configured");
    for (org, want) in [
        (
            Some("org-acme"),
            billing_jwt(json!({ "org_id": "org-acme" })),
        ),
        (
            Some("org-globex"),
            billing_jwt(json!({ "org_id": "org-globex" })),
        ),
    ] {
        let got = service
            .api_token(&current, &api, org, None)
            .await
            .expect("held");
        assert_eq!(got.token.secret(), want);
    }
    let refused = service.api_token(&current, &api, None, None).await;
    assert!(
        refused.is_err(),
        "an org's token handed out with no org chosen"
    );
}

// ---------------------------------------------------------------------
// Secrets in the provider's words; `--min-ttl` and `--resource`.

#[tokio::test(flavor = "multi_thread")]
async fn a_refusal_that_echoes_the_refresh_token_does_not_show_it() {
    let (t, _billing, service, session) = auth0_billing().await;
    let refresh = session
        .tokens
        .refresh_token
        .as_ref()
        .expect("a refresh token")
        .expose_secret()
        .to_owned();
    let login = session.access_token().to_owned();
    let description: &'static str = Box::leak(
        format!("refresh_token {refresh} is not valid for this audience; access token {login}")
            .into_boxed_str(),
    );
    t.op.set_api_answer(ApiAnswer::Refuse("invalid_grant", description));
    let fetched = billing_in(&service, &session, "org-acme").await;
    let (reason, fix, _) = locked(&fetched);
    for secret in [&refresh, &login] {
        assert!(
            !reason.contains(secret.as_str()) && !fix.contains(secret.as_str()),
            "{reason}"
        );
    }
    let out = t.home.authdash("c.toml", &["token", "--resource", BILLING]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert!(err.contains("is not valid for this audience"), "{err}");
    for secret in [&refresh, &login] {
        assert!(!err.contains(secret.as_str()), "{err}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn min_ttl_absurd_values_are_refused_or_bounded_and_print_no_token_on_failure() {
    let (t, _billing, service, _session) = auth0_billing().await;
    let _ = service;
    let run = |min: &str| {
        t.home.authdash(
            "c.toml",
            &["token", "--resource", BILLING, "--min-ttl", min],
        )
    };
    for bad in ["-5m", "abc", "1x", "", "5m5", "99999999999999999999999d"] {
        let out = run(bad);
        assert!(!out.status.success(), "--min-ttl {bad:?} taken");
        assert!(out.stdout.is_empty(), "--min-ttl {bad:?} printed a token");
    }
    assert_eq!(t.api_forms().len(), 0, "asked the provider for nothing");
    // Zero: the held token; huge: renewed at most once per half lifetime.
    let first = run("0s");
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let first = String::from_utf8_lossy(&first.stdout).trim().to_owned();
    assert_eq!(t.api_forms().len(), 1);
    for _ in 0..3 {
        let out = run("10000d");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), first);
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("more than the provider gives"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(t.api_forms().len(), 1, "a huge --min-ttl renewed each call");
}

#[tokio::test(flavor = "multi_thread")]
async fn token_resource_of_an_api_the_login_did_not_ask_for_asks_nothing_and_prints_nothing() {
    let t = Fake::start().await;
    let billing = TestApi::reading("billing", BILLING).await;
    let before = t.config(
        "c.toml",
        "rfc8707",
        &[("billing", BILLING, &billing, &[])],
        "",
    );
    let service = t.service(&before);
    let _session = t.login(&service).await;
    // The config gains an API after the login (RFC 8707: the login must
    // have asked for it).
    t.config(
        "c.toml",
        "rfc8707",
        &[("billing", BILLING, &billing, &[])],
        &format!("resources = [\"{REPORTS}\"]"),
    );
    let out = t.home.authdash("c.toml", &["token", "--resource", REPORTS]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(out.stdout.is_empty());
    assert!(err.contains("the login did not ask for"), "{err}");
    assert!(t.api_forms().is_empty(), "{:?}", t.api_forms());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refusal_whose_words_carry_terminal_controls_reaches_panel_and_stderr_inert() {
    let (t, _billing, service, session) = auth0_billing().await;
    t.op.set_api_answer(ApiAnswer::Refuse(
        "invalid_grant",
        "no\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J\u{9b}31m token",
    ));
    let fetched = billing_in(&service, &session, "org-acme").await;
    let (reason, fix, _) = locked(&fetched);
    for said in [&reason, &fix] {
        assert!(
            !said.chars().any(|c| c.is_control() && c != '\n'),
            "{said:?}"
        );
    }
    let out = t.home.authdash("c.toml", &["token", "--resource", BILLING]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("token"), "{err}");
    assert!(!err.chars().any(|c| c.is_control() && c != '\n'), "{err:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demos_api_token_is_refused_at_userinfo_and_its_id_token_at_the_api() {
    let (demo, dir, billing) = demo_billing_token().await;
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let userinfo = client
        .get(format!("{}/userinfo", demo.provider.issuer_str()))
        .bearer_auth(&billing)
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .expect("userinfo answers");
    assert_eq!(
        userinfo.status().as_u16(),
        401,
        "a compromised API replays its token for the person's profile"
    );
    // The login's ID token (signed by the same key, aud the client).
    let service = demo.service(dir.path());
    let session = service
        .accounts()
        .await
        .expect("the store")
        .active_session()
        .cloned()
        .expect("Alice's session");
    let id_token = session.tokens.id_token.expose_secret().to_owned();
    let (status, why) = billing_with(&demo, &id_token).await;
    assert_eq!(status, 401, "{why}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_step_up_left_with_esc_and_approved_afterwards_keeps_nothing() {
    use crate::support::screens::{app_press, pump_until, rows};
    use authdash::tui::message::Msg;
    use authdash::tui::model::NavItem;
    use authdash::tui::{App, Services};
    use crossterm::event::KeyCode;

    let t = Fake::start().await;
    let api = TestApi::reading("reports", REPORTS).await;
    let config = t.config("c.toml", "audience", &[("reports", REPORTS, &api, &[])], "");
    let service = t.service(&config);
    let _session = t.login(&service).await;
    t.op.set_api_answer(ApiAnswer::WrongAudience("https://default.example/".into()));
    let services = Services {
        session: t.home.new_service(&service.config),
        browser_available: true,
        demo_sign_in: None,
        over_ssh: false,
    };
    let mut app = App::new(services, false, chrono::Utc::now());
    app.resume_stored_session().await;
    let index = app
        .model
        .panels
        .iter()
        .position(|p| p.id == "reports")
        .expect("the panel");
    for _ in 0..10 {
        let dash = app.model.dashboard().expect("the dashboard");
        if app.model.nav_items().get(dash.nav) == Some(&NavItem::Panel(index)) {
            break;
        }
        app_press(&mut app, KeyCode::Down);
    }
    let loaded = |m: &Msg| matches!(m, Msg::PanelLoaded { panel_id, .. } if panel_id == "reports");
    pump_until(&mut app, "the panel's answer", loaded).await;
    t.op.set_api_answer(ApiAnswer::Issue);
    let before = stored_sessions(&t).remove(0);

    app_press(&mut app, KeyCode::Char('u'));
    let url = Arc::new(Mutex::new(None));
    let seen = url.clone();
    pump_until(&mut app, "the login's address", move |m| match m {
        Msg::LoginUrl { url, .. } => {
            *seen.lock().unwrap_or_else(|p| p.into_inner()) = Some(url.clone());
            true
        }
        _ => false,
    })
    .await;
    let url = url
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone()
        .expect("the address");
    // The person goes back, then the browser tab is approved anyway.
    app_press(&mut app, KeyCode::Esc);
    assert!(app.model.dashboard().is_some(), "Esc went back");
    approve(url).await;
    let until = tokio::time::Instant::now() + Duration::from_secs(2);
    while let Ok(Some(msg)) = tokio::time::timeout_at(until, app.next_message()).await {
        app.handle(msg);
    }
    // The reload after Esc may get a token with the session's refresh
    // token; the abandoned login's code is never redeemed, and nothing of
    // it (a token with its own refresh token) is kept.
    let codes =
        t.op.token_forms()
            .iter()
            .filter(|f| f.get("grant_type").map(String::as_str) == Some("authorization_code"))
            .count();
    assert_eq!(codes, 1, "the abandoned login was completed");
    let after = stored_sessions(&t).remove(0);
    assert!(
        after.apis.tokens.iter().all(|t| t.refresh_token.is_none()),
        "the abandoned login's token kept"
    );
    assert_eq!(after.user, before.user);
    assert_eq!(after.access_token(), before.access_token());
    let screen = rows(&app.model, 120, 36).join("\n");
    assert!(!screen.contains("Log in"), "{screen}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_step_up_finishing_after_a_renewal_keeps_the_renewed_refresh_token_not_its_stale_copy() {
    let (t, service, session, _api) = auth0_two_apis(ApiAnswer::Issue).await;
    let renewed = Arc::new(Mutex::new(None));
    let (seen, svc, s) = (renewed.clone(), service.clone(), session.clone());
    // The session renews (its refresh token rotates) while the step-up,
    // holding the session as it was, waits for the browser.
    let kept = step_up_for_reports(&service, &session, move || async move {
        let fresh = svc.renew(&s).await.expect("renewed");
        *seen.lock().unwrap_or_else(|p| p.into_inner()) = Some(fresh);
    })
    .await
    .expect("the step-up");
    let renewed = renewed
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone()
        .expect("the renewal");
    let rt = |s: &Session| {
        s.tokens
            .refresh_token
            .as_ref()
            .map(|r| r.expose_secret().to_owned())
    };
    assert_ne!(rt(&renewed), rt(&session), "the renewal rotated it");
    let after = stored_sessions(&t).remove(0);
    for s in [&kept, &after] {
        assert_eq!(rt(s), rt(&renewed), "the spent refresh token brought back");
        assert_eq!(s.access_token(), renewed.access_token());
        assert!(s.apis.find(REPORTS, None).is_some());
    }
    assert_eq!(t.op.refresh_reuses(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stored_token_keyed_to_no_org_but_bound_to_one_in_itself_goes_only_there() {
    let (t, billing, service, session) = auth0_billing().await;
    let acme = billing_jwt(json!({ "org_id": "org-acme" }));
    t.op.set_api_answer(ApiAnswer::Over(json!({ "access_token": acme })));
    assert!(
        billing_in(&service, &session, "org-acme")
            .await
            .data
            .is_ok()
    );
    // The store says the token is bound to no organization (an older
    // store, or one edited): its own org_id is what counts.
    t.home
        .store()
        .update(&mut |accounts| {
            for s in &mut accounts.sessions {
                for api in &mut s.apis.tokens {
                    api.org = None;
                }
            }
        })
        .expect("the store");
    t.op.set_api_answer(ApiAnswer::Refuse("access_denied", "no"));
    let current = stored_sessions(&t).remove(0);
    assert!(
        billing_in(&service, &current, "org-globex")
            .await
            .data
            .is_err()
    );
    assert!(billing_in(&service, &current, "").await.data.is_err());
    assert_eq!(billing.received(), std::slice::from_ref(&acme));
    assert!(
        billing_in(&service, &current, "org-acme")
            .await
            .data
            .is_ok()
    );
    assert_eq!(billing.received(), [acme.clone(), acme]);
}

#[tokio::test(flavor = "multi_thread")]
async fn token_resource_with_an_org_named_like_anothers_id_gets_only_that_orgs_token() {
    let t = Fake::start().await;
    // Globex is named "org-acme", Acme's id: --org names an id first.
    t.op.set_extra_userinfo(json!({ "org_id_to_org_info": {
        "org-acme": { "org_id": "org-acme", "org_name": "Acme", "user_role": "Member" },
        "org-globex": { "org_id": "org-globex", "org_name": "org-acme", "user_role": "Member" },
    }}));
    let billing = TestApi::reading("billing", BILLING).await;
    let config = t.config(
        "c.toml",
        "audience",
        &[("billing", BILLING, &billing, &[])],
        "",
    );
    let service = t.service(&config);
    let _session = t.login(&service).await;
    let acme = billing_jwt(json!({ "org_id": "org-acme" }));
    t.op.set_api_answer(ApiAnswer::Over(json!({ "access_token": acme })));
    let token_in = |org: &str| {
        t.home
            .authdash("c.toml", &["token", "--resource", BILLING, "--org", org])
    };
    let out = token_in("org-globex");
    assert!(!out.status.success());
    assert!(out.stdout.is_empty(), "Acme's token printed for Globex");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bound to the organization org-acme"), "{err}");
    for org in ["org-acme", "Acme"] {
        let out = token_in(org);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{org}: {err}");
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), acme);
    }
    let out = token_in("org-evil");
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert_eq!(t.api_forms().len(), 1, "Acme's token asked for again");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_step_up_whose_token_is_bound_to_an_unreadable_or_foreign_org_keeps_nothing() {
    for org_id in [json!(42), json!(["org-acme"]), json!("org-evil")] {
        let t = Fake::start().await;
        t.op.set_extra_userinfo(json!({ "org_id_to_org_info": {
            "org-acme": { "org_id": "org-acme", "org_name": "Acme", "user_role": "Member" },
        }}));
        let reports = TestApi::reading("reports", REPORTS).await;
        let (service, session) = t
            .logged_in("audience", &[("reports", REPORTS, &reports, &[])], "")
            .await;
        t.op.set_extra_api_claims(json!({ "org_id": org_id }));
        let refused = step_up_for_reports(&service, &session, nothing)
            .await
            .expect_err("a token for no organization of the person's");
        assert!(
            refused.to_string().contains("not kept"),
            "{org_id}: {refused}"
        );
        unchanged(&t, &session);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_api_token_request_at_the_demo_spends_no_refresh_token() {
    const EXTRA: &str = r#"
[[authdash.panels]]
id = "billing-api"
title = "Billing API"
data_url = "{issuer}/api/orgs/{org_id}/panels/billing"
resource = "{issuer}/api/billing"

[[authdash.panels]]
id = "elsewhere"
title = "Elsewhere"
data_url = "{issuer}/api/orgs/{org_id}/panels/billing"
resource = "https://elsewhere.example/"
"#;
    let demo = Demo::start_with_panels(authdash::demo::DemoSettings::default(), EXTRA).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let service = demo.service(dir.path());
    let session = demo_login(&service, "alice").await;
    let elsewhere = service
        .api_named(&session, "https://elsewhere.example/")
        .expect("configured");
    let refused = service.api_token(&session, &elsewhere, None, None).await;
    assert!(
        matches!(&refused, Err(SessionError::Api(r)) if r.reason.contains("invalid_target")),
        "{refused:?}"
    );
    // The refusal left the session's refresh token good: the session
    // renews, and gets the billing API's token.
    let current = service
        .accounts()
        .await
        .expect("the store")
        .active_session()
        .cloned()
        .expect("the session");
    let renewed = service.renew(&current).await;
    assert!(renewed.is_ok(), "{renewed:?}");
    assert_eq!(demo.provider.refresh_reuse_rejections(), 0);
    let renewed = renewed.expect("renewed");
    let billing = service
        .api_named(
            &renewed,
            &format!(
                "{}/api/billing",
                demo.provider.issuer_str().trim_end_matches('/')
            ),
        )
        .expect("configured");
    assert!(
        service
            .api_token(&renewed, &billing, None, None)
            .await
            .is_ok()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn no_report_prints_an_api_token_its_own_refresh_token_or_the_sessions() {
    let (t, service, session, _api) = auth0_two_apis(ApiAnswer::Issue).await;
    // The reports API's token from a step-up (with a refresh token of its
    // own), the billing API's from the session's refresh token.
    let kept = step_up_for_reports(&service, &session, nothing)
        .await
        .expect("the step-up");
    let billing = service.api_named(&kept, BILLING).expect("configured");
    let billing = service
        .api_token(&kept, &billing, None, None)
        .await
        .expect("billing's token")
        .token;
    let after = stored_sessions(&t).remove(0);
    let reports = after.apis.find(REPORTS, None).expect("reports' token");
    let mut secrets = vec![
        billing.secret().to_owned(),
        reports.secret().to_owned(),
        reports
            .refresh_token
            .as_ref()
            .expect("its own refresh token")
            .expose_secret()
            .to_owned(),
        after.access_token().to_owned(),
        after.tokens.id_token.expose_secret().to_owned(),
    ];
    secrets.extend(
        after
            .tokens
            .refresh_token
            .as_ref()
            .map(|r| r.expose_secret().to_owned()),
    );
    for args in [
        &["status"][..],
        &["status", "--json"],
        &["doctor", "--tokens"],
        &["doctor", "--tokens", "--json"],
    ] {
        let out = t.home.authdash("c.toml", args);
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!said.is_empty(), "{args:?} said nothing");
        for secret in &secrets {
            assert!(
                !said.contains(secret.as_str()),
                "{args:?} printed a token: {said}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreadable_answer_that_echoes_the_refresh_token_does_not_show_it() {
    let (t, _billing, service, session) = auth0_billing().await;
    let refresh = session
        .tokens
        .refresh_token
        .as_ref()
        .expect("a refresh token")
        .expose_secret()
        .to_owned();
    // Not a token response (access_token a number), the refresh token in it.
    t.op.set_api_answer(ApiAnswer::Over(json!({
        "access_token": 42,
        "error_uri": refresh,
        "refresh_token_was": refresh,
    })));
    let fetched = billing_in(&service, &session, "org-acme").await;
    let said = format!("{:?}", fetched.data);
    assert!(fetched.data.is_err(), "{said}");
    assert!(!said.contains(&refresh), "{said}");
    let out = t.home.authdash("c.toml", &["token", "--resource", BILLING]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert!(!err.contains(&refresh), "{err}");
}
