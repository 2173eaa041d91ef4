//! What a renewal asks the provider: the token endpoint, and userinfo only
//! when userinfo has something to say that the renewed ID token does not
//! (the organizations and roles of a PropelAuth-shaped provider), so that
//! a role taken away stops unlocking panels at the next renewal without
//! every renewal costing two requests.

mod support;

use std::sync::Arc;

use authdash::demo::{DemoProvider, DemoSettings, config_toml};
use support::broken_provider::{BrokenProvider, Fault, HOSTILE_NAME};
use support::engine::{bounded, discover, login};
use support::home::{Home, demo_login};

async fn logged_in(
    op: &BrokenProvider,
) -> (Arc<authdash::auth::Provider>, authdash::auth::Session) {
    let p = Arc::new(discover(&op.config()).await.expect("discovery"));
    let session = login(p.clone()).await.expect("login");
    (p, session)
}

/// The broken provider's ID token carries `sub`, `email`, `email_verified`
/// and `name`, all userinfo says: the renewal is one request, and the
/// person is who the new ID token says, not what the old userinfo said.
#[tokio::test]
async fn a_renewed_id_token_saying_all_userinfo_did_costs_one_request() {
    let op = BrokenProvider::start(Fault::None).await;
    let (p, session) = logged_in(&op).await;
    assert_eq!(op.userinfo_hits(), 1, "the login reads userinfo");
    assert!(session.userinfo.is_some());
    // The provider now names the person differently, in both places.
    op.set_fault(Fault::ControlCharacters);
    let before = op.requests().len();
    let renewed = bounded("refresh", p.refresh(&session))
        .await
        .expect("renewed");
    assert_eq!(
        op.requests()[before..],
        ["/token".to_owned()],
        "one request"
    );
    assert_eq!(op.userinfo_hits(), 1, "userinfo was not asked again");
    assert_eq!(
        renewed.userinfo, None,
        "the old userinfo is not kept over the new token"
    );
    let name = renewed.merged_claims()["name"].as_str().map(str::to_owned);
    assert_eq!(
        name.as_deref(),
        Some(HOSTILE_NAME),
        "the new ID token's name"
    );
    assert_eq!(renewed.user.subject, session.user.subject);

    // The next renewal holds no userinfo: still one request.
    op.set_fault(Fault::None);
    let again = bounded("refresh", p.refresh(&renewed))
        .await
        .expect("renewed");
    assert_eq!(op.userinfo_hits(), 1);
    assert_eq!(again.merged_claims()["name"], "Test User");
}

/// A refresh answered without an ID token (OIDC Core 12.2 allows it)
/// leaves nothing fresh to read the person from but userinfo: it is asked.
#[tokio::test]
async fn a_renewal_without_a_new_id_token_asks_userinfo() {
    let op = BrokenProvider::start(Fault::None).await;
    let (p, session) = logged_in(&op).await;
    op.set_fault(Fault::RefreshWithoutIdToken);
    let renewed = bounded("refresh", p.refresh(&session))
        .await
        .expect("renewed");
    assert_eq!(op.userinfo_hits(), 2, "userinfo asked at the renewal");
    assert!(renewed.userinfo.is_some());
    assert_eq!(
        renewed.id_claims, session.id_claims,
        "the login's ID token kept"
    );
}

/// The demo provider (PropelAuth's shape) puts a person's organizations
/// and roles in userinfo only: every renewal reads them again, so a role
/// taken away does not keep unlocking panels until the next login.
#[tokio::test(flavor = "multi_thread")]
async fn a_renewal_rereads_userinfo_holding_the_orgs() {
    let demo = DemoProvider::start(DemoSettings::default()).await.unwrap();
    let home = Home::new();
    let config = home.config("a.toml", &config_toml(demo.issuer_str()));
    let service = home.service(&config);
    let session = demo_login(&service, "alice").await;
    assert!(
        !session.id_claims.contains_key("org_id_to_org_info"),
        "the demo's ID token does not carry the orgs"
    );
    let count = |path: &str| demo.requests().get(path).copied().unwrap_or(0);
    let (tokens, infos) = (count("/token"), count("/userinfo"));
    let renewed = bounded("renewal", service.renew(&session))
        .await
        .expect("renewed");
    assert_eq!(count("/token"), tokens + 1);
    assert_eq!(count("/userinfo"), infos + 1, "the orgs were read again");
    assert_eq!(renewed.user.orgs, session.user.orgs);
    assert!(
        renewed
            .userinfo
            .as_ref()
            .is_some_and(|u| u.contains_key("org_id_to_org_info"))
    );
}
