//! A refusal for one API locks that panel with the reason and the fix;
//! the session is kept (only its own renewal failing ends it).

use super::apis::TestApi;
use super::fake::{Fake, locked, open};
use crate::support::broken_provider::ApiAnswer;
use authdash::panels::SourceError;

const BILLING: &str = "https://billing.example/";
const REPORTS: &str = "https://reports.example/";

#[tokio::test(flavor = "multi_thread")]
async fn a_resource_the_login_did_not_ask_for_is_locked_before_any_request() {
    let t = Fake::start().await;
    let billing = TestApi::reading("billing", BILLING).await;
    let reports = TestApi::reading("reports", REPORTS).await;
    let before = t.config(
        "one.toml",
        "rfc8707",
        &[("billing", BILLING, &billing, &[])],
        "",
    );
    let session = t.login(&t.service(&before)).await;
    // The config gained a panel after the login.
    let after = t.config(
        "two.toml",
        "rfc8707",
        &[
            ("billing", BILLING, &billing, &[]),
            ("reports", REPORTS, &reports, &[]),
        ],
        "",
    );
    let service = t.service(&after);
    let fetched = open(&service, &session, "reports").await;
    let (reason, fix, step_up) = locked(&fetched);
    assert!(
        reason.contains("did not ask for https://reports.example/"),
        "{reason}"
    );
    assert!(fix.contains("log in again"), "{fix}");
    assert!(step_up);
    assert!(
        t.api_forms().is_empty(),
        "asked anyway: {:?}",
        t.api_forms()
    );
    assert!(reports.received().is_empty());
    assert!(fetched.ended.is_none());
    // The panel the login asked for works.
    let fetched = open(&service, &session, "billing").await;
    assert_eq!(fetched.data.expect("billing")["api"], "billing");
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_target_locks_the_panel_and_keeps_the_session() {
    let t = Fake::start().await;
    let billing = TestApi::reading("billing", BILLING).await;
    let (service, session) = t
        .logged_in("rfc8707", &[("billing", BILLING, &billing, &[])], "")
        .await;
    t.op.set_api_answer(ApiAnswer::Refuse(
        "invalid_target",
        "the resource is not known here",
    ));
    let fetched = open(&service, &session, "billing").await;
    let (reason, fix, step_up) = locked(&fetched);
    assert!(reason.contains("invalid_target"), "{reason}");
    assert!(
        reason.contains("does not issue tokens for that API"),
        "{reason}"
    );
    assert!(fix.contains("identifier"), "{fix}");
    assert!(step_up);
    assert!(fetched.ended.is_none());
    assert!(billing.received().is_empty());
    let stored = service.accounts().await.expect("read").sessions;
    assert_eq!(stored.len(), 1, "the session was dropped");
    service.renew(&stored[0]).await.expect("the session renews");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_for_another_audience_is_never_sent() {
    let t = Fake::start().await;
    let billing = TestApi::reading("billing", BILLING).await;
    let (service, session) = t
        .logged_in("audience", &[("billing", BILLING, &billing, &[])], "")
        .await;
    t.op.set_api_answer(ApiAnswer::WrongAudience("https://default.example/".into()));
    let fetched = open(&service, &session, "billing").await;
    let (reason, _, step_up) = locked(&fetched);
    assert!(reason.contains("https://default.example/"), "{reason}");
    assert!(reason.contains("not sent"), "{reason}");
    // Auth0's default audience for one its refresh token does not reach:
    // a login asking for that audience may get it (api_tokens::stepup).
    assert!(step_up);
    assert!(
        billing.received().is_empty(),
        "sent: {:?}",
        billing.received()
    );
    // The rotated refresh token was kept all the same.
    let stored = service.accounts().await.expect("read").sessions;
    let rotated = |s: &authdash::auth::Session| {
        s.tokens
            .refresh_token
            .as_ref()
            .map(|t| secrecy::ExposeSecret::expose_secret(t).to_owned())
    };
    assert_ne!(rotated(&stored[0]), rotated(&session));
    assert!(stored[0].apis.tokens.is_empty(), "the wrong token was kept");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_api_refusing_a_fresh_token_gets_one_new_token_then_it_is_said() {
    let t = Fake::start().await;
    let billing = TestApi::refusing("billing", BILLING).await;
    let (service, session) = t
        .logged_in("rfc8707", &[("billing", BILLING, &billing, &[])], "")
        .await;
    let fetched = open(&service, &session, "billing").await;
    assert_eq!(fetched.data, Err(SourceError::Unauthorized));
    assert!(fetched.ended.is_none());
    let received = billing.received();
    assert_eq!(received.len(), 2, "{received:?}");
    assert_ne!(received[0], received[1], "the refused token was sent again");
    assert_eq!(t.api_forms().len(), 2);
    assert!(received.iter().all(|t| t != session.access_token()));
}

#[tokio::test(flavor = "multi_thread")]
async fn entras_invalid_grant_for_one_resource_locks_that_panel_and_keeps_the_session() {
    let t = Fake::start().await;
    let billing = TestApi::reading("billing", "api://billing").await;
    let (service, session) = t
        .logged_in("entra", &[("billing", "api://billing", &billing, &[])], "")
        .await;
    t.op.set_api_answer(ApiAnswer::Refuse(
        "invalid_grant",
        "AADSTS65001: The user or administrator has not consented to use the application",
    ));
    let fetched = open(&service, &session, "billing").await;
    let (reason, fix, step_up) = locked(&fetched);
    assert!(reason.contains("consent"), "{reason}");
    assert!(fix.contains("log in again"), "{fix}");
    assert!(step_up);
    // The step-up asks Entra for that resource, which brings its consent.
    match &fetched.data {
        Err(SourceError::ApiRefused { ask, .. }) => assert_eq!(ask, &["api://billing/.default"]),
        other => panic!("{other:?}"),
    }
    assert!(fetched.ended.is_none(), "the session was ended");
    let stored = service.accounts().await.expect("read").sessions;
    assert_eq!(stored.len(), 1, "the session was dropped");
    // Consent given: the same session gets its token.
    t.op.set_api_answer(ApiAnswer::Issue);
    let fetched = open(&service, &stored[0], "billing").await;
    assert_eq!(fetched.data.expect("billing")["api"], "billing");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_scope_the_api_token_lacks_locks_the_panel() {
    let t = Fake::start().await;
    let billing = TestApi::reading("billing", BILLING).await;
    // Asked for billing:read; the provider grants `read` only.
    let (service, session) = t
        .logged_in(
            "audience",
            &[("billing", BILLING, &billing, &["billing:read"])],
            "",
        )
        .await;
    t.op.set_api_answer(ApiAnswer::Grant("read"));
    let fetched = open(&service, &session, "billing").await;
    let (reason, _, step_up) = locked(&fetched);
    assert!(reason.contains("lacks the scope billing:read"), "{reason}");
    assert!(step_up);
    assert!(billing.received().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn no_refresh_token_says_so_and_offers_the_step_up() {
    let t = Fake::start().await;
    t.op.set_fault(crate::support::broken_provider::Fault::NoRefreshToken);
    let billing = TestApi::reading("billing", BILLING).await;
    let (service, session) = t
        .logged_in("rfc8707", &[("billing", BILLING, &billing, &[])], "")
        .await;
    assert!(session.tokens.refresh_token.is_none());
    let fetched = open(&service, &session, "billing").await;
    let (reason, fix, step_up) = locked(&fetched);
    assert!(reason.contains("no refresh token"), "{reason}");
    assert!(fix.contains("offline access"), "{fix}");
    assert!(step_up);
    assert!(fetched.ended.is_none());
    assert!(t.api_forms().is_empty());
    assert!(
        billing.received().is_empty(),
        "the login token was sent instead"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_id_token_that_comes_with_an_api_token_never_replaces_the_login_claims() {
    let t = Fake::start().await;
    let billing = TestApi::reading("billing", BILLING).await;
    let (service, session) = t
        .logged_in("rfc8707", &[("billing", BILLING, &billing, &[])], "")
        .await;
    let name = session.user.name.clone();
    // Minted from now on: the API token's answer carries one saying this.
    t.op.set_extra_id_claims(serde_json::json!({"name": "Mallory", "roles": ["Owner"]}));
    let fetched = open(&service, &session, "billing").await;
    assert_eq!(fetched.data.expect("billing")["api"], "billing");
    let stored = &service.accounts().await.expect("read").sessions[0];
    assert_eq!(stored.user.name, name);
    assert_eq!(stored.id_claims, session.id_claims);
    assert!(stored.unverified.is_none());
    let kept = fetched.api_session.expect("the session as stored");
    assert_eq!(kept.id_claims, session.id_claims);
}
