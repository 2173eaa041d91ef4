//! Attacks on the renewal's userinfo rule: a renewal may skip userinfo
//! only when no organization is read from it and a renewed ID token names
//! every claim the held userinfo did. Each test is one way a hostile or
//! quirky provider (or an old stored session) could make a renewal keep a
//! role the provider took away, mix one claim's meaning with another's,
//! let a stale value win, or fail. Written by a reviewer who did not
//! write the rule; the first five broke its first version, which compared
//! claim names alone.

use crate::support;

use std::sync::Arc;

use authdash::auth::{AuthError, Provider, Session};
use authdash::config::Config;
use authdash::session::SessionService;
use authdash::store::AccountId;
use authdash::tui::model::ProfileText;
use secrecy::ExposeSecret;
use serde_json::json;
use support::acme::{admin_panel_opens, expired, orgs, role, with};
use support::broken_provider::{BrokenProvider, Fault, SUBJECT};
use support::engine::{bounded, discover, login};
use support::home::{Home, approved_home};

/// Discovery with `config`, then a browser login.
async fn logged_in(config: &Config) -> (Arc<Provider>, Session) {
    let p = Arc::new(discover(config).await.expect("discovery"));
    let session = login(p.clone()).await.expect("login");
    (p, session)
}

async fn renewed(p: &Provider, session: &Session) -> Session {
    bounded("refresh", p.refresh(session))
        .await
        .expect("renewed")
}

/// A login while the ID token and userinfo both say Admin: the Admin
/// panel opens.
async fn logged_in_as_admin(op: &BrokenProvider) -> (Arc<Provider>, Session) {
    op.set_extra_id_claims(orgs("Admin"));
    op.set_extra_userinfo(orgs("Admin"));
    let (p, session) = logged_in(&op.config()).await;
    assert!(admin_panel_opens(&session));
    (p, session)
}

/// The renewal of `session`, which must no longer open the Admin panel
/// (the failure says how often userinfo was asked).
async fn renewed_without_admin(op: &BrokenProvider, p: &Provider, session: &Session) -> Session {
    let hits = op.userinfo_hits();
    let renewed = renewed(p, session).await;
    assert!(
        !admin_panel_opens(&renewed),
        "still Admin after the renewal; userinfo asked {} time(s)",
        op.userinfo_hits() - hits
    );
    renewed
}

/// A config for `op` with a `[auth.test.claims]` table of `claims` lines.
fn config_with_claims(op: &BrokenProvider, mapper: &str, claims: &str) -> Config {
    op.config_text(
        &format!("org_claims = \"{mapper}\"\n[auth.test.claims]\n{claims}"),
        "",
    )
}

// ---------------------------------------------------------------------
// Userinfo and the ID token name the same claim with different values.
// ---------------------------------------------------------------------

/// The provider's ID token carries `org_id_to_org_info` with Admin (say a
/// snapshot taken at authentication), its userinfo the same claim with
/// Member (the current answer). Userinfo wins over the ID token: the login
/// says Member, and so must a renewal whose ID token still says Admin
/// (a rule skipping userinfo because the ID token names all its claims
/// made the person Admin). Tried with every mapper source that reads
/// userinfo (the default, `userinfo`, and `access_token` over an opaque
/// access token, which falls back to ID token ∪ userinfo).
#[tokio::test]
async fn a_renewal_does_not_let_the_id_token_override_userinfo_s_role() {
    let op = BrokenProvider::start(Fault::None).await;
    let mut escalated = Vec::new();
    for claims in ["", "source = \"userinfo\"", "source = \"access_token\""] {
        op.set_extra_id_claims(orgs("Admin"));
        op.set_extra_userinfo(orgs("Member"));
        let (p, session) = logged_in(&config_with_claims(&op, "propelauth", claims)).await;
        assert_eq!(role(&session), Some("Member"), "[{claims}] userinfo wins");
        assert!(!admin_panel_opens(&session));

        let hits = op.userinfo_hits();
        let renewed = renewed(&p, &session).await;
        if role(&renewed) != Some("Member") || admin_panel_opens(&renewed) {
            escalated.push(format!(
                "[{claims}] renewed as {:?}, userinfo asked {} time(s)",
                role(&renewed),
                op.userinfo_hits() - hits
            ));
        }
    }
    assert!(
        escalated.is_empty(),
        "the renewal let the ID token's Admin replace userinfo's Member: {escalated:#?}"
    );
}

/// With `source = "id_token"` userinfo never counts for orgs: the login
/// already says Admin and a renewal keeps saying what the ID token says.
/// Consistent: this holds.
#[tokio::test]
async fn with_source_id_token_the_renewal_agrees_with_the_login() {
    let op = BrokenProvider::start(Fault::None).await;
    op.set_extra_id_claims(orgs("Admin"));
    op.set_extra_userinfo(orgs("Member"));
    let config = config_with_claims(&op, "propelauth", "source = \"id_token\"");
    let (p, session) = logged_in(&config).await;
    assert_eq!(role(&session), Some("Admin"));
    op.set_extra_id_claims(orgs("Member"));
    let renewed = renewed(&p, &session).await;
    assert_eq!(role(&renewed), Some("Member"), "the fresh ID token's role");
}

/// A role taken away at the provider, seen in its userinfo while its ID
/// token (a snapshot of the authentication) still names the old role: the
/// next renewal must stop unlocking the Admin panel, as a new login would,
/// however many of userinfo's claim names the ID token carries.
#[tokio::test]
async fn a_role_removed_in_userinfo_stops_unlocking_at_the_next_renewal() {
    let op = BrokenProvider::start(Fault::None).await;
    let (p, session) = logged_in_as_admin(&op).await;

    // Taken away: userinfo (which wins over the ID token) says Member now.
    op.set_extra_userinfo(orgs("Member"));
    renewed_without_admin(&op, &p, &session).await;
    // A login now says Member: the renewal should agree with it.
    let (_, again) = logged_in(&op.config()).await;
    assert_eq!(role(&again), Some("Member"));
}

/// The same claim name with another meaning: the generic mapper reads
/// `/groups`, which userinfo fills with the person's orgs (objects) and
/// the ID token with directory group names. At login userinfo wins; a
/// renewal must not make the ID token's names orgs the person was never
/// said to be in.
#[tokio::test]
async fn a_same_named_id_token_claim_of_another_meaning_does_not_become_orgs() {
    let op = BrokenProvider::start(Fault::None).await;
    op.set_extra_id_claims(json!({ "groups": ["platform-admins"] }));
    op.set_extra_userinfo(json!({
        "groups": [{ "id": "org-1", "name": "Acme", "role": "Member" }],
    }));
    let config = config_with_claims(&op, "generic", "orgs = \"/groups\"");
    let (p, session) = logged_in(&config).await;
    let ids =
        |s: &Session| -> Vec<String> { s.user.orgs.iter().map(|o| o.org_id.clone()).collect() };
    assert_eq!(ids(&session), ["org-1"]);
    let renewed = renewed(&p, &session).await;
    assert_eq!(
        ids(&renewed),
        ["org-1"],
        "the renewal's orgs came from the ID token's `groups`"
    );
}

/// An ID token that names the org claim as `null` ("not here; ask
/// userinfo") while userinfo holds the orgs: the login works (userinfo
/// over it), and every renewal must too (a skip because the name is in
/// the ID token left the mapper reading `null`, failing each renewal).
#[tokio::test]
async fn an_id_token_naming_the_org_claim_null_does_not_break_renewals() {
    let op = BrokenProvider::start(Fault::None).await;
    op.set_extra_id_claims(json!({ "org_id_to_org_info": null }));
    op.set_extra_userinfo(orgs("Admin"));
    let (p, session) = logged_in(&op.config()).await;
    assert_eq!(role(&session), Some("Admin"));
    let result = bounded("refresh", p.refresh(&session)).await;
    let renewed = result.expect("the renewal reads the orgs userinfo gives");
    assert_eq!(role(&renewed), Some("Admin"));
}

/// A provider that answers a refresh with the login's ID token again
/// (word for word; it carries no `at_hash`, so nothing ties it to the new
/// access token, and it has not expired yet). It passes verification and
/// the continuity checks, but it is no new statement: the login-time Admin
/// it carries must not win when the provider now says Member everywhere.
#[tokio::test]
async fn an_echoed_login_id_token_does_not_count_as_fresh() {
    let op = BrokenProvider::start(Fault::RefreshEchoesLoginIdToken).await;
    let (p, session) = logged_in_as_admin(&op).await;

    // Taken away everywhere: a new ID token and userinfo say Member now.
    op.set_extra_id_claims(orgs("Member"));
    op.set_extra_userinfo(orgs("Member"));
    let renewed = renewed_without_admin(&op, &p, &session).await;
    assert_eq!(
        renewed.tokens.id_token.expose_secret(),
        session.tokens.id_token.expose_secret(),
        "the answer's ID token is the login's"
    );
}

// ---------------------------------------------------------------------
// Roles taken away where the mapper reads them: these hold.
// ---------------------------------------------------------------------

/// The mapper reads orgs from the ID token (explicitly, and by default with
/// userinfo over it); the refresh ID token no longer names the org claim:
/// the orgs go at that renewal, and the held userinfo brings nothing back.
#[tokio::test]
async fn a_refresh_id_token_that_drops_the_org_claim_drops_the_orgs() {
    let op = BrokenProvider::start(Fault::None).await;
    for claims in ["source = \"id_token\"", "source = \"userinfo\"", ""] {
        op.set_extra_id_claims(orgs("Admin"));
        let (p, session) = logged_in(&config_with_claims(&op, "propelauth", claims)).await;
        assert!(admin_panel_opens(&session), "[{claims}]");
        op.set_extra_id_claims(json!({}));
        let renewed = renewed(&p, &session).await;
        assert!(renewed.user.orgs.is_empty(), "[{claims}] orgs kept");
        assert!(!admin_panel_opens(&renewed), "[{claims}]");
        assert!(!renewed.merged_claims().contains_key("org_id_to_org_info"));
    }
}

/// The same, with the org claim in both at login: userinfo names a claim
/// the new ID token lacks, so it is asked, and its current answer counts.
#[tokio::test]
async fn orgs_in_both_then_dropped_from_the_id_token_are_read_from_userinfo_afresh() {
    let op = BrokenProvider::start(Fault::None).await;
    op.set_extra_id_claims(orgs("Admin"));
    op.set_extra_userinfo(orgs("Admin"));
    let (p, session) = logged_in(&op.config()).await;
    op.set_extra_id_claims(json!({}));
    op.set_extra_userinfo(orgs("Member"));
    let hits = op.userinfo_hits();
    let renewed = renewed(&p, &session).await;
    assert_eq!(op.userinfo_hits(), hits + 1, "userinfo asked");
    assert_eq!(role(&renewed), Some("Member"));
    assert!(!admin_panel_opens(&renewed));
}

/// Orgs in userinfo only (PropelAuth's shape on the broken provider): the
/// renewal asks userinfo, and a role taken away there is gone at once.
#[tokio::test]
async fn orgs_only_in_userinfo_are_read_again_and_a_removal_takes() {
    let op = BrokenProvider::start(Fault::None).await;
    op.set_extra_userinfo(orgs("Admin"));
    let (p, session) = logged_in(&op.config()).await;
    assert!(admin_panel_opens(&session));
    op.set_extra_userinfo(json!({ "org_id_to_org_info": {} }));
    let renewed = renewed(&p, &session).await;
    assert_eq!(op.userinfo_hits(), 2);
    assert!(renewed.user.orgs.is_empty());
    assert!(!admin_panel_opens(&renewed));
}

// ---------------------------------------------------------------------
// Userinfo failing at a renewal. Where organizations are read from it, the
// renewal fails rather than keep what it said last (the session service
// keeps the new tokens unverified and tries again); where only who the
// person is comes from it, what it said last stays, under the renewed ID
// token.
// ---------------------------------------------------------------------

/// The provider demotes the person in its fresh ID token (Admin → Member)
/// while userinfo is down: the login-time userinfo's Admin does not come
/// back over it. The renewal is not complete; once userinfo answers, the
/// next one says Member.
#[tokio::test(flavor = "multi_thread")]
async fn a_failed_userinfo_does_not_let_stale_roles_beat_the_fresh_id_token() {
    let op = BrokenProvider::start(Fault::None).await;
    op.set_extra_id_claims(orgs("Admin"));
    op.set_extra_userinfo(with(orgs("Admin"), json!({ "department": "sales" })));
    let (home, service, session) = service_login(&op, "").await;
    assert!(admin_panel_opens(&session));

    op.set_extra_id_claims(orgs("Member"));
    op.set_extra_userinfo(with(orgs("Member"), json!({ "department": "sales" })));
    op.set_fault(Fault::UserinfoUnavailable);
    let unverified = unverified_renewal(&home, &service, &session).await;
    op.set_fault(Fault::None);
    let renewed = bounded("renewal", service.renew(&expired(unverified)))
        .await
        .expect("renewed once userinfo answers");
    assert!(renewed.unverified.is_none());
    assert_eq!(role(&renewed), Some("Member"));
    assert!(!admin_panel_opens(&renewed));
}

/// Orgs in userinfo only; the role is taken away and userinfo is down at
/// the renewal: nothing the provider did not say again keeps the Admin
/// panel open past it.
#[tokio::test(flavor = "multi_thread")]
async fn a_failed_userinfo_at_renewal_does_not_keep_a_removed_role() {
    let op = BrokenProvider::start(Fault::None).await;
    op.set_extra_userinfo(orgs("Admin"));
    let (home, service, session) = service_login(&op, "").await;
    assert!(admin_panel_opens(&session));
    op.set_extra_userinfo(json!({ "org_id_to_org_info": {} }));
    op.set_fault(Fault::UserinfoUnavailable);
    let unverified = unverified_renewal(&home, &service, &session).await;
    op.set_fault(Fault::None);
    let renewed = bounded("renewal", service.renew(&expired(unverified)))
        .await
        .expect("renewed once userinfo answers");
    assert!(!admin_panel_opens(&renewed));
}

/// A login through the session service over a private home, `claims`
/// being the `[auth.test.claims]` lines.
async fn service_login(op: &BrokenProvider, claims: &str) -> (Home, Arc<SessionService>, Session) {
    let toml = op.toml_with(&format!("[auth.test.claims]\n{claims}"), "");
    let (home, _, service, session) = approved_home(&toml).await;
    (home, service, session)
}

/// A renewal while userinfo is down: refused as unverified, naming
/// userinfo; the rotated tokens are stored, marked unverified, and the
/// session is not usable as it is (every use tries to renew again).
async fn unverified_renewal(home: &Home, service: &SessionService, session: &Session) -> Session {
    let error = bounded("renewal", service.renew(&expired(session.clone())))
        .await
        .expect_err("a renewal that could not read the orgs is not complete");
    assert!(
        matches!(&error, authdash::session::SessionError::Unverified { reason, .. } if reason.contains("userinfo")),
        "{error}"
    );
    let stored = home.stored(session).expect("still stored");
    assert!(stored.unverified.is_some(), "kept, marked unverified");
    assert_ne!(
        stored
            .tokens
            .refresh_token
            .as_ref()
            .map(|t| t.expose_secret().to_owned()),
        session
            .tokens
            .refresh_token
            .as_ref()
            .map(|t| t.expose_secret().to_owned()),
        "the rotated refresh token is kept"
    );
    stored
}

// ---------------------------------------------------------------------
// Sessions whose userinfo is None: after a skip, stored by an older
// authdash, or from a provider without userinfo at login.
// ---------------------------------------------------------------------

/// Orgs in the ID token only, then the provider demotes the person and
/// moves the orgs to userinfo only (Member): the Admin is gone at the next
/// renewal, whether it asks userinfo (Member) or a session holding none
/// skips it (no orgs until userinfo is read).
#[tokio::test]
async fn after_a_skip_orgs_moved_to_userinfo_keep_no_stale_admin() {
    let op = BrokenProvider::start(Fault::None).await;
    op.set_extra_id_claims(orgs("Admin"));
    let (p, session) = logged_in(&op.config()).await;
    let first = renewed(&p, &session).await;
    assert!(admin_panel_opens(&first), "the ID token's Admin");

    op.set_extra_id_claims(json!({}));
    op.set_extra_userinfo(orgs("Member"));
    let second = renewed(&p, &first).await;
    assert!(
        !admin_panel_opens(&second),
        "Admin kept: {:?}",
        second.user.orgs
    );
    assert!(matches!(role(&second), None | Some("Member")));
}

/// A session stored without a `userinfo` field (an older or hand-made
/// store entry) still loads, and its renewal does not carry the stored
/// `user.orgs` over: the user is made again from what the renewal has.
#[tokio::test]
async fn a_stored_session_without_userinfo_keeps_no_stored_orgs_at_renewal() {
    let op = BrokenProvider::start(Fault::None).await;
    op.set_extra_userinfo(orgs("Admin"));
    let (p, session) = logged_in(&op.config()).await;
    assert!(admin_panel_opens(&session));

    let mut stored = serde_json::to_value(&session).expect("serializes");
    stored
        .as_object_mut()
        .expect("an object")
        .remove("userinfo");
    let old: Session = serde_json::from_value(stored).expect("a session without userinfo loads");
    assert_eq!(old.userinfo, None);
    assert!(admin_panel_opens(&old), "the stored user still says Admin");

    // The provider took the role away meanwhile.
    op.set_extra_userinfo(json!({ "org_id_to_org_info": {} }));
    let renewed = renewed(&p, &old).await;
    assert!(
        !admin_panel_opens(&renewed),
        "the stored user's Admin survived the renewal"
    );
    assert_eq!(renewed.user.subject, SUBJECT);
}

/// A renewal without an ID token after a skip (orgs read from the ID
/// token, whose claims cover userinfo's): the source of the roles said
/// nothing afresh, so the renewal is not complete (the session service
/// keeps its tokens unverified), and userinfo, which the config does not
/// read roles from, is not asked to stand in for it.
#[tokio::test]
async fn a_renewal_without_an_id_token_after_a_skip_is_not_complete() {
    let op = BrokenProvider::start(Fault::None).await;
    op.set_extra_id_claims(orgs("Admin"));
    let config = config_with_claims(&op, "propelauth", "source = \"id_token\"");
    let (p, session) = logged_in(&config).await;
    let first = renewed(&p, &session).await;
    assert_eq!(first.userinfo, None, "skipped");
    assert_eq!(op.userinfo_hits(), 1);

    op.set_fault(Fault::RefreshWithoutIdToken);
    let failed = bounded("refresh", p.refresh(&first))
        .await
        .expect_err("roles nobody said again were taken as verified");
    assert!(
        matches!(failed, authdash::auth::AuthError::NoRenewedIdToken),
        "{failed}"
    );
    assert_eq!(op.userinfo_hits(), 1, "userinfo asked");
}

// ---------------------------------------------------------------------
// Subjects: `sub`, PropelAuth's `user_id`, another person.
// ---------------------------------------------------------------------

/// PropelAuth's subjectless userinfo names `user_id`, which the ID token
/// lacks: every renewal asks userinfo, and the person stays the same.
#[tokio::test]
async fn subjectless_userinfo_is_asked_at_every_renewal() {
    let op = BrokenProvider::start(Fault::UserinfoUserIdOnly).await;
    let (p, session) = logged_in(&op.config()).await;
    let info = session.userinfo.as_ref().expect("userinfo held");
    assert!(!info.contains_key("sub") && info.contains_key("user_id"));
    let renewed = renewed(&p, &session).await;
    assert_eq!(op.userinfo_hits(), 2);
    assert_eq!(renewed.user.subject, SUBJECT);
    assert!(renewed.userinfo.is_some());
}

/// The refresh ID token carries a `user_id` naming someone else (so every
/// key of the subjectless userinfo is in it and, with orgs read from the
/// ID token, userinfo is skipped): the
/// person stays the ID token's `sub`, never the foreign `user_id`.
#[tokio::test]
async fn an_id_token_user_id_never_becomes_the_subject_after_a_skip() {
    let op = BrokenProvider::start(Fault::UserinfoUserIdOnly).await;
    let config = config_with_claims(&op, "propelauth", "source = \"id_token\"");
    let (p, session) = logged_in(&config).await;
    op.set_extra_id_claims(json!({ "user_id": "someone-else" }));
    let renewed = renewed(&p, &session).await;
    assert_eq!(
        op.userinfo_hits(),
        1,
        "skipped: every userinfo key is there"
    );
    assert_eq!(renewed.user.subject, SUBJECT);
    assert_eq!(AccountId::of(&renewed), AccountId::of(&session));
}

/// A refresh ID token about another subject is refused before the skip is
/// even considered: no userinfo request, no claims of the other person.
#[tokio::test]
async fn a_refresh_id_token_of_another_subject_is_refused_before_any_skip() {
    let op = BrokenProvider::start(Fault::None).await;
    let (p, session) = logged_in(&op.config()).await;
    op.set_fault(Fault::RefreshSubject);
    let result = bounded("refresh", p.refresh(&session)).await;
    match result {
        Err(AuthError::IdToken(reason)) => assert!(reason.contains("sub"), "{reason}"),
        other => panic!("another person's ID token was taken: {other:?}"),
    }
    assert_eq!(op.userinfo_hits(), 1);
}

// ---------------------------------------------------------------------
// What the person sees, and what the store keeps.
// ---------------------------------------------------------------------

/// The Profile view marks each claim's source (orgs read from the ID
/// token, so that the renewal may skip userinfo): after a skip nothing is
/// marked userinfo (it is not held), and a claim only userinfo had is not
/// shown as if it still came from there.
#[tokio::test]
async fn the_profile_marks_no_userinfo_claim_after_a_skip() {
    let op = BrokenProvider::start(Fault::None).await;
    op.set_extra_userinfo(json!({ "department": "sales" }));
    let config = config_with_claims(&op, "propelauth", "source = \"id_token\"");
    let (p, session) = logged_in(&config).await;
    let mark = |text: &ProfileText, name: &str| {
        text.claims
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.source)
    };
    let before = ProfileText::of(&session);
    assert_eq!(mark(&before, "department"), Some(" ◇"));
    assert_eq!(mark(&before, "email"), Some("◆◇"));

    // The ID token now carries `department` too: userinfo is skipped.
    op.set_extra_id_claims(json!({ "department": "finance" }));
    let renewed = renewed(&p, &session).await;
    assert_eq!(renewed.userinfo, None);
    let after = ProfileText::of(&renewed);
    assert!(
        after.claims.iter().all(|c| c.source == "◆ "),
        "a claim marked as from userinfo after a skip: {:?}",
        after
            .claims
            .iter()
            .map(|c| (c.name.as_str(), c.source))
            .collect::<Vec<_>>()
    );
    let department = after.claims.iter().find(|c| c.name == "department");
    assert_eq!(department.map(|c| c.text.as_str()), Some("finance"));
}

/// Through the session service and its encrypted store (orgs read from the
/// ID token, so that the renewal may skip userinfo): the skipped
/// renewal is stored with no userinfo and the user the new ID token
/// describes; another service over the same store (another process)
/// reads it back as such and renews it again without asking userinfo, and
/// the role taken away in the ID token is gone in the store too.
#[tokio::test(flavor = "multi_thread")]
async fn a_skipped_renewal_round_trips_through_the_store() {
    let op = BrokenProvider::start(Fault::None).await;
    op.set_extra_id_claims(orgs("Admin"));
    let (home, service, session) = service_login(&op, "source = \"id_token\"").await;
    assert!(admin_panel_opens(&session));
    let stored = || home.stored(&session).expect("still stored");

    op.set_extra_id_claims(orgs("Member"));
    let renewed = bounded("renewal", service.renew(&expired(session.clone())))
        .await
        .expect("renewed");
    assert_eq!(op.userinfo_hits(), 1, "skipped");
    let kept = stored();
    assert_eq!(kept.userinfo, None);
    assert!(kept.unverified.is_none());
    assert_eq!(kept.user, renewed.user);
    assert_eq!(role(&kept), Some("Member"));

    op.set_extra_id_claims(json!({}));
    let other = home.service(&service.config);
    let again = bounded("renewal", other.renew(&expired(kept)))
        .await
        .expect("renewed");
    assert_eq!(op.userinfo_hits(), 1);
    assert!(again.user.orgs.is_empty());
    assert!(stored().user.orgs.is_empty(), "the store keeps no org");
}
