//! Auth0 without a multi-resource refresh token for an API: the refresh
//! grant for its `audience` is refused, or answered with the default
//! audience. The panel locks and offers `u`, a login asking for that
//! audience; the token it brings is kept as that API's (its refresh token
//! for that API only), and the session's own tokens and claims stay.

use std::sync::{Arc, Mutex};

use authdash::auth::{Session, audience_of};
use authdash::session::{SessionError, SessionService};
use authdash::store::TokenStore as _;
use authdash::tui::message::Msg;
use authdash::tui::model::NavItem;
use authdash::tui::{App, Services};
use crossterm::event::KeyCode;
use secrecy::ExposeSecret;

use super::apis::{REPORTS, TestApi};
use super::fake::{Fake, approve, locked, open, step_up_answered};
use crate::support::broken_provider::ApiAnswer;
use crate::support::screens::{app_press, pump_until, rows};

const DEFAULT_AUDIENCE: &str = "https://default.example/";

/// Auth0 with one panel on the reports API, Alice logged in, and that
/// API's refresh grant answered as `answer`.
async fn auth0(answer: ApiAnswer) -> (Fake, TestApi, Arc<SessionService>, Session) {
    let t = Fake::start().await;
    let api = TestApi::reading("reports", REPORTS).await;
    let (service, session) = t
        .logged_in("audience", &[("reports", REPORTS, &api, &[])], "")
        .await;
    t.op.set_api_answer(answer);
    (t, api, service, session)
}

/// The login for the reports API alone, through the service, approved.
async fn login_for_reports(
    service: &Arc<SessionService>,
    current: &Session,
) -> Result<Session, SessionError> {
    let (result, answered) = step_up_answered(service, current, || async {}).await;
    assert!(answered, "the callback answers");
    result
}

fn stored(t: &Fake) -> Session {
    t.home
        .store()
        .accounts()
        .expect("the store")
        .active_session()
        .cloned()
        .expect("the session stays stored")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_audience_locks_the_panel_and_u_logs_in_for_that_api_alone() {
    let (t, api, service, session) = auth0(ApiAnswer::WrongAudience(DEFAULT_AUDIENCE.into())).await;
    let services = Services {
        session: t.home.new_service(&service.config),
        browser_available: true,
        demo_sign_in: None,
        over_ssh: false,
    };
    let mut app = App::new(services, false, chrono::Utc::now());
    app.model.utc = true;
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
    let screen = rows(&app.model, 120, 36).join("\n");
    assert!(
        screen.contains("Locked: no token for this panel's API"),
        "{screen}"
    );
    assert!(screen.contains(DEFAULT_AUDIENCE), "{screen}");
    assert!(
        screen.contains("u logs in asking for this API's audience"),
        "{screen}"
    );
    assert!(
        api.received().is_empty(),
        "a default-audience token was sent"
    );
    crate::assert_screens!("api_locked_audience", &app.model);

    // Auth0 gives the audience to a login that asks for it.
    t.op.set_api_answer(ApiAnswer::Issue);
    // The refused grant rotated the session's refresh token: this one.
    let before = stored(&t);
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
    assert!(
        url::Url::parse(&url)
            .expect("a URL")
            .query_pairs()
            .any(|(k, v)| k == "audience" && v == REPORTS),
        "{url}"
    );
    assert!(approve(url).await, "the callback answers");
    pump_until(&mut app, "the login's end", |m| {
        matches!(m, Msg::LoginFinished { .. })
    })
    .await;
    pump_until(&mut app, "the panel's answer", loaded).await;
    let screen = rows(&app.model, 120, 36).join("\n");
    assert!(!screen.contains("Locked"), "{screen}");
    assert!(screen.contains("reports"), "{screen}");

    let after = stored(&t);
    let held = after
        .apis
        .find(REPORTS, None)
        .expect("the API's token kept");
    assert_eq!(audience_of(held.secret()), [REPORTS]);
    assert_eq!(api.received(), [held.secret().to_owned()]);
    // The session's own tokens and claims are the login's, unchanged.
    assert_eq!(after.access_token(), session.access_token());
    assert_eq!(
        after
            .tokens
            .refresh_token
            .as_ref()
            .map(|r| r.expose_secret().to_owned()),
        before
            .tokens
            .refresh_token
            .as_ref()
            .map(|r| r.expose_secret().to_owned())
    );
    assert_eq!(after.id_claims, session.id_claims);
    let own = held
        .refresh_token
        .as_ref()
        .expect("the API's own refresh token");
    assert_ne!(
        Some(own.expose_secret()),
        session
            .tokens
            .refresh_token
            .as_ref()
            .map(|r| r.expose_secret())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_apis_token_renews_with_its_own_refresh_token_never_the_sessions() {
    let (t, _api, service, session) = auth0(ApiAnswer::Issue).await;
    t.op.set_api_answer(ApiAnswer::Issue);
    login_for_reports(&service, &session)
        .await
        .expect("the API's login");
    let own = stored(&t)
        .apis
        .find(REPORTS, None)
        .and_then(|h| h.refresh_token.clone())
        .expect("its own refresh token");
    // Its token expired: renewed with its own refresh token.
    t.home
        .store()
        .update(&mut |accounts| {
            for s in &mut accounts.sessions {
                for api in &mut s.apis.tokens {
                    api.expires_at = Some(chrono::Utc::now());
                }
            }
        })
        .expect("the store");
    let fetched = open(&service, &stored(&t), "reports").await;
    assert!(fetched.data.is_ok(), "{:?}", fetched.data);
    let forms = t.api_forms();
    let last = forms.last().expect("a renewal for the API");
    assert_eq!(
        last.get("refresh_token").map(String::as_str),
        Some(own.expose_secret())
    );
    let after = stored(&t);
    assert_eq!(
        after
            .tokens
            .refresh_token
            .as_ref()
            .map(|r| r.expose_secret().to_owned()),
        session
            .tokens
            .refresh_token
            .as_ref()
            .map(|r| r.expose_secret().to_owned()),
        "the session's refresh token was spent on the API"
    );
    let rotated = after
        .apis
        .find(REPORTS, None)
        .and_then(|h| h.refresh_token.clone())
        .expect("the API's rotated refresh token kept");
    assert_ne!(rotated.expose_secret(), own.expose_secret());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_login_for_an_api_that_brings_the_default_audience_keeps_nothing() {
    let (t, _api, service, session) =
        auth0(ApiAnswer::WrongAudience(DEFAULT_AUDIENCE.into())).await;
    let refused = login_for_reports(&service, &session)
        .await
        .expect_err("a token for another audience is not kept");
    let said = refused.to_string();
    assert!(
        said.contains(&format!("brought a token for {DEFAULT_AUDIENCE}")),
        "{said}"
    );
    let after = stored(&t);
    assert!(after.apis.find(REPORTS, None).is_none());
    assert_eq!(after.access_token(), session.access_token());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_login_for_an_api_as_another_account_keeps_nothing() {
    let (t, _api, service, session) = auth0(ApiAnswer::Issue).await;
    t.op.set_extra_id_claims(serde_json::json!({ "sub": "someone-else" }));
    t.op.set_extra_userinfo(serde_json::json!({ "sub": "someone-else" }));
    let refused = login_for_reports(&service, &session)
        .await
        .expect_err("another account's token is not kept");
    assert!(refused.to_string().contains("signed in as"), "{refused}");
    let after = stored(&t);
    assert!(after.apis.find(REPORTS, None).is_none());
    assert_eq!(after.user.subject, session.user.subject);
    assert_eq!(after.access_token(), session.access_token());
}

#[tokio::test(flavor = "multi_thread")]
async fn auth0s_refusals_naming_the_audience_offer_the_login_for_it_and_an_unknown_api_does_not() {
    for (answer, step_up) in [
        (
            ApiAnswer::Refuse(
                "access_denied",
                "Refresh token not allowed for audience https://reports.example",
            ),
            true,
        ),
        (
            ApiAnswer::Refuse("invalid_request", "Invalid audience for this refresh token"),
            true,
        ),
        (
            ApiAnswer::Refuse(
                "access_denied",
                "Service not found: https://reports.example/",
            ),
            false,
        ),
    ] {
        let (_t, api, service, session) = auth0(answer.clone()).await;
        let fetched = open(&service, &session, "reports").await;
        let (reason, _fix, offered) = locked(&fetched);
        assert_eq!(offered, step_up, "{answer:?}: {reason}");
        assert!(api.received().is_empty());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn logout_revokes_the_refresh_token_a_login_for_an_api_left() {
    let (t, _api, service, session) = auth0(ApiAnswer::Issue).await;
    login_for_reports(&service, &session)
        .await
        .expect("the API's login");
    let held = stored(&t);
    tokio::time::timeout(
        std::time::Duration::from_secs(30),
        service.logout(&held, Default::default(), &|_| {}),
    )
    .await
    .expect("in time")
    .expect("logged out");
    let refresh_revoked =
        t.op.revocations()
            .iter()
            .filter(|(hint, status)| hint == "refresh_token" && *status == 200)
            .count();
    assert_eq!(refresh_revoked, 2, "{:?}", t.op.revocations());
}
