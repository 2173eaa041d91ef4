//! What a renewal asks the provider: the token endpoint, and userinfo
//! unless nothing it can say is missing from the renewed ID token: no
//! organization or role is read from it, and the ID token names every
//! claim it gave. A role taken away in userinfo stops unlocking panels at
//! the next renewal; a provider whose ID token says it all costs one
//! request.

use crate::support;

use std::path::Path;
use std::sync::Arc;

use authdash::auth::{Provider, Session};
use authdash::config::Config;
use support::broken_provider::{BrokenProvider, Fault, HOSTILE_NAME};
use support::engine::{bounded, discover, login};
use support::home::{DemoHome, demo_login};

/// The broken provider's config with `org_claims` set to `mapper`.
fn config(op: &BrokenProvider, mapper: &str) -> Config {
    let text = op.toml_with(&format!("org_claims = \"{mapper}\""), "");
    Config::parse(Path::new("renewal.toml"), &text, &|_| None).expect("config parses")
}

async fn logged_in(config: &Config) -> (Arc<Provider>, Session) {
    let p = Arc::new(discover(config).await.expect("discovery"));
    let session = login(p.clone()).await.expect("login");
    (p, session)
}

/// No organizations are read from userinfo (`org_claims = "none"`, as for
/// Google or Entra), and the broken provider's ID token carries `sub`,
/// `email`, `email_verified` and `name`, all its userinfo says: the renewal
/// is one request, and the person is who the new ID token says, not what
/// the old userinfo said.
#[tokio::test]
async fn a_renewed_id_token_saying_all_userinfo_did_costs_one_request() {
    let op = BrokenProvider::start(Fault::None).await;
    let (p, session) = logged_in(&config(&op, "none")).await;
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

/// The same provider with a mapper that reads organizations from userinfo
/// (PropelAuth's, the default): userinfo is asked at every renewal, however
/// much the ID token says, so that a role taken away there stops unlocking
/// panels.
#[tokio::test]
async fn a_mapper_reading_userinfo_has_it_read_at_every_renewal() {
    let op = BrokenProvider::start(Fault::None).await;
    let (p, session) = logged_in(&config(&op, "propelauth")).await;
    let renewed = bounded("refresh", p.refresh(&session))
        .await
        .expect("renewed");
    assert_eq!(op.userinfo_hits(), 2, "userinfo asked at the renewal");
    assert!(renewed.userinfo.is_some());
}

/// A refresh answered without an ID token (OIDC Core 12.2 allows it)
/// leaves nothing fresh to read the person from but userinfo: it is asked.
#[tokio::test]
async fn a_renewal_without_a_new_id_token_asks_userinfo() {
    let op = BrokenProvider::start(Fault::None).await;
    let (p, session) = logged_in(&config(&op, "none")).await;
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

/// Userinfo down at a renewal, where only who the person is comes from it
/// (`org_claims = "none"`): the renewal completes, what userinfo said last
/// stays for the claims the ID token lacks, and the renewed ID token's
/// values win over it.
#[tokio::test]
async fn a_failed_userinfo_keeps_only_what_the_renewed_id_token_lacks() {
    let op = BrokenProvider::start(Fault::None).await;
    op.set_extra_userinfo(serde_json::json!({ "department": "sales" }));
    let (p, session) = logged_in(&config(&op, "none")).await;
    op.set_extra_id_claims(serde_json::json!({ "name": "Renamed" }));
    op.set_fault(Fault::UserinfoUnavailable);
    let renewed = bounded("refresh", p.refresh(&session))
        .await
        .expect("renewed: no organization depends on userinfo");
    assert_eq!(op.userinfo_hits(), 2, "asked: userinfo had `department`");
    let held = renewed.userinfo.as_ref().expect("what userinfo said last");
    assert_eq!(held.get("department"), Some(&serde_json::json!("sales")));
    assert!(!held.contains_key("name"), "{held:?}");
    assert_eq!(renewed.merged_claims()["name"], "Renamed");
    assert_eq!(renewed.user.name.as_deref(), Some("Renamed"));
}

/// A provider that answers a refresh with the login's ID token again says
/// nothing afresh: userinfo is asked, as when no ID token comes.
#[tokio::test]
async fn an_echoed_login_id_token_is_not_a_renewed_one() {
    let op = BrokenProvider::start(Fault::RefreshEchoesLoginIdToken).await;
    let (p, session) = logged_in(&config(&op, "none")).await;
    let renewed = bounded("refresh", p.refresh(&session))
        .await
        .expect("renewed");
    assert_eq!(renewed.id_claims, session.id_claims, "the same ID token");
    assert_eq!(op.userinfo_hits(), 2, "userinfo asked at the renewal");
    assert!(renewed.userinfo.is_some());
}

/// The demo provider (PropelAuth's shape) puts a person's organizations
/// and roles in userinfo only: every renewal reads them again, so a role
/// taken away does not keep unlocking panels until the next login.
#[tokio::test(flavor = "multi_thread")]
async fn a_renewal_rereads_userinfo_holding_the_orgs() {
    let h = DemoHome::start().await;
    let session = demo_login(&h.service, "alice").await;
    assert!(
        !session.id_claims.contains_key("org_id_to_org_info"),
        "the demo's ID token does not carry the orgs"
    );
    let count = |path: &str| h.demo.requests().get(path).copied().unwrap_or(0);
    let (tokens, infos) = (count("/token"), count("/userinfo"));
    let renewed = bounded("renewal", h.service.renew(&session))
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
