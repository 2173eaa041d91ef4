//! Attacks on rule 18 (revocation revokes the access token even when
//! revoking the refresh token fails) with a provider whose revocation of
//! the refresh token never answers: the logout's bound must not be spent
//! on it alone.

use std::sync::Arc;
use std::time::Duration;

use authdash::session::{LogoutOptions, Revocation};
use authdash::store::{AccountId, TokenStore as _};
use secrecy::ExposeSecret;

use crate::support::broken_provider::{BrokenProvider, Fault};
use crate::support::engine::bounded;
use crate::support::home::{Home, auto_approved_login};

/// The logout's bound on revocation, a second here instead of 15 s: the
/// revocation of the refresh token outlasts it all the same.
const REVOKE_BOUND: Duration = Duration::from_secs(1);

#[tokio::test(flavor = "multi_thread")]
async fn attack_a_hanging_refresh_token_revocation_keeps_the_access_token_alive() {
    let op = BrokenProvider::start(Fault::None).await;
    let home = Home::new();
    let service = Arc::new(
        home.new_service(&op.config())
            .with_revoke_timeout(REVOKE_BOUND),
    );
    let session = auto_approved_login(&service).await;
    op.set_fault(Fault::RevokeRefreshHangs);
    let report = bounded(
        "the logout",
        service.logout(&session, LogoutOptions::default(), &|_| {}),
    )
    .await
    .expect("logout runs");
    assert_eq!(report.deleted, Ok(true), "deleted here first");
    assert!(
        matches!(report.revocation, Revocation::Failed(_)),
        "{:?}",
        report.revocation
    );
    let stored = home.store().accounts().expect("the store reads");
    assert!(
        stored.find(&AccountId::of(&session)).is_none(),
        "the session is forgotten while the revocation hangs"
    );
    assert!(
        !op.access_token_is_live(session.tokens.access_token.expose_secret()),
        "the access token was never revoked (revocations answered: {:?})",
        op.revocations()
    );
}
