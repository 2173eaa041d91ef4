//! Renewing a session across processes, under the store's lock.

use std::sync::Arc;

use chrono::Utc;
use secrecy::ExposeSecret;

use super::error::ends_session;
use super::{SessionError, SessionService, blocking, provider_for};
use crate::auth::Session;
use crate::store::{AccountId, Accounts, StoreLock, TokenStore};

/// Said of a session whose rotated tokens are stored but whose new ID
/// token and claims are being checked (seen only if the process dies
/// meanwhile).
const BEING_VERIFIED: &str = "the renewal was interrupted before it was verified";

impl SessionService {
    /// A session fit to use now: as given when its access token is fresh
    /// (no request at all), else renewed. Refused for a session the
    /// config's providers did not issue.
    pub async fn usable(&self, session: &Session) -> Result<Session, SessionError> {
        if self.usable_as_is(session)? {
            return Ok(session.clone());
        }
        self.renew(session).await
    }

    /// Whether `usable` would hand `session` back unchanged: this config's,
    /// verified, and its access token fresh. Lets a caller use it by
    /// reference (a person's claims are megabytes to copy).
    pub(crate) fn usable_as_is(&self, session: &Session) -> Result<bool, SessionError> {
        provider_for(&self.config, session)?;
        Ok(session.unverified.is_none() && session.access_token_fresh(Utc::now()))
    }

    /// Renew `session` holding the store lock. Re-read first: when another
    /// process renewed it meanwhile, take theirs instead of spending the
    /// refresh token again; when another process logged it out, it stays
    /// out ([`SessionError::LoggedOutElsewhere`]). A rotated refresh token
    /// is stored as soon as it arrives, before the new ID token is checked.
    pub async fn renew(&self, session: &Session) -> Result<Session, SessionError> {
        let _renewing = self.renewals.clone().read_owned().await;
        let provider = self.provider_of(session).await?;
        let store = self.store.clone();
        let doing = format!("renewing the session of {}", session.user.display_name());
        let guard = Arc::new(blocking(move || store.lock_for(&doing)).await?);
        let id = AccountId::of(session);
        let mut accounts = self.read_locked(&guard).await?;
        // The account's slot (issuer and subject) may hold another
        // client's session of the same person, stored by a config naming
        // the same issuer with another client_id: it is not this
        // session's to take, to spend or to remove.
        let stored = super::stored_of(&accounts, session)?;
        if !same_refresh_token(&stored, session)
            && stored.unverified.is_none()
            && stored.access_token_fresh(Utc::now())
        {
            return Ok(stored);
        }
        let refreshed = match provider.exchange_refresh_token(&stored).await {
            Ok(r) => r,
            Err(e) => {
                if ends_session(&e) && accounts.remove(&id) {
                    self.write_locked(&guard, accounts).await?;
                }
                return Err(e.into());
            }
        };
        let mut provisional = Session {
            tokens: refreshed.tokens.clone(),
            unverified: Some(BEING_VERIFIED.to_owned()),
            ..stored.clone()
        };
        accounts.upsert(provisional.clone());
        accounts = self.write_locked(&guard, accounts).await?;
        match provider.verify_refresh(&stored, refreshed).await {
            Ok(fresh) => {
                accounts.upsert(fresh.clone());
                self.write_locked(&guard, accounts).await?;
                Ok(fresh)
            }
            Err(failed) => {
                let reason = failed.error.to_string();
                tracing::warn!("a renewal could not be verified: {reason}");
                provisional.unverified = Some(reason.clone());
                // The user shown stays the last verified one; the ID
                // token's claims move on when that much was verified, so
                // that a demotion in it is not undone by the next renewal.
                if let Some(claims) = failed.verified_id_claims {
                    provisional.id_claims = claims;
                }
                accounts.upsert(provisional.clone());
                self.write_locked(&guard, accounts).await?;
                Err(SessionError::Unverified {
                    reason,
                    session: Box::new(provisional),
                })
            }
        }
    }

    pub(super) async fn read_locked(
        &self,
        guard: &Arc<StoreLock>,
    ) -> Result<Accounts, SessionError> {
        let store: Arc<dyn TokenStore> = self.store.clone();
        let guard = guard.clone();
        blocking(move || store.accounts_locked(&guard)).await
    }

    /// Write and hand the accounts back for the next change.
    pub(super) async fn write_locked(
        &self,
        guard: &Arc<StoreLock>,
        accounts: Accounts,
    ) -> Result<Accounts, SessionError> {
        let store: Arc<dyn TokenStore> = self.store.clone();
        let guard = guard.clone();
        blocking(move || store.write(&guard, &accounts).map(|()| accounts)).await
    }
}

fn same_refresh_token(a: &Session, b: &Session) -> bool {
    match (&a.tokens.refresh_token, &b.tokens.refresh_token) {
        (Some(x), Some(y)) => x.expose_secret() == y.expose_secret(),
        (None, None) => true,
        _ => false,
    }
}
