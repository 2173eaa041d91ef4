//! Attacks on the rule that roles read from the ID token need a new ID
//! token (issue 17, part 2), by a reader who did not write it: a
//! provider that answers a renewal with an ID token older than the one
//! the session holds, about the same person. A replayed token is no new
//! statement, whatever else it differs in.

use crate::support;

use std::sync::Arc;
use std::time::Duration;

use authdash::auth::{Provider, Session};
use support::acme::{orgs, role};
use support::broken_provider::{BrokenProvider, Fault};
use support::engine::{bounded, discover, login};

/// Roles from the ID token, Owner at login; the provider sends no
/// `at_hash` and will echo the login's ID token when told to.
async fn owner_at_login() -> (BrokenProvider, Arc<Provider>, Session) {
    let op = BrokenProvider::start(Fault::RefreshEchoesLoginIdToken).await;
    op.set_extra_id_claims(orgs("Owner"));
    let config = op.config_text("[auth.test.claims]\nsource = \"id_token\"", "");
    let p = Arc::new(discover(&config).await.expect("discovery"));
    let session = login(p.clone()).await.expect("login");
    assert_eq!(role(&session), Some("Owner"));
    (op, p, session)
}

/// Demoted: a renewal brings a new ID token (a later `iat`) saying
/// Member. The next renewal is answered with the login's ID token again,
/// unexpired, validly signed, about the same person, saying Owner: it is
/// older than the one the session holds, so it says nothing afresh, and
/// the Owner it carries must not come back.
#[tokio::test]
async fn attack_an_id_token_older_than_the_held_one_does_not_bring_a_role_back() {
    let (op, p, login_session) = owner_at_login().await;
    // A later second for the next token's `iat`.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    op.set_fault(Fault::None);
    op.set_extra_id_claims(orgs("Member"));
    let demoted = bounded("refresh", p.refresh(&login_session))
        .await
        .expect("renewed with a new ID token");
    assert_eq!(role(&demoted), Some("Member"));

    op.set_fault(Fault::RefreshEchoesLoginIdToken);
    let result = bounded("refresh", p.refresh(&demoted)).await;
    match result {
        Ok(again) => panic!(
            "a replayed ID token made a verified renewal, role {:?}",
            role(&again)
        ),
        Err(e) => assert!(e.to_string().contains("`iat`"), "{e}"),
    }
}
