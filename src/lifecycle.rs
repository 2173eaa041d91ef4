//! A session's life across processes: renewing it under the store's lock,
//! so that two authdash processes never spend one rotating refresh token
//! twice, and ending it.

use std::sync::Arc;

use chrono::Utc;
use secrecy::ExposeSecret;

use crate::auth::{AuthError, Provider, Session};
use crate::store::{AccountId, StoreError, StoreLock, TokenStore};

#[derive(Debug, thiserror::Error)]
pub enum LifecycleError {
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("internal error: {0}")]
    Task(String),
}

impl LifecycleError {
    /// Only a new login helps.
    pub fn needs_login(&self) -> bool {
        matches!(self, LifecycleError::Auth(e) if e.needs_login())
    }
}

async fn lock(store: &Arc<dyn TokenStore>) -> Result<StoreLock, LifecycleError> {
    let store = store.clone();
    tokio::task::spawn_blocking(move || store.lock())
        .await
        .map_err(|e| LifecycleError::Task(e.to_string()))?
        .map_err(LifecycleError::from)
}

fn same_refresh_token(a: &Session, b: &Session) -> bool {
    match (&a.tokens.refresh_token, &b.tokens.refresh_token) {
        (Some(x), Some(y)) => x.expose_secret() == y.expose_secret(),
        (None, None) => true,
        _ => false,
    }
}

/// Renew `session` holding the store lock: re-read first, and when another
/// process has renewed it meanwhile, take theirs instead of spending the
/// refresh token again. The new tokens are stored before the lock is
/// released. A session the provider refuses is removed from the store.
pub async fn refresh(
    store: &Arc<dyn TokenStore>,
    provider: &Provider,
    session: &Session,
) -> Result<Session, LifecycleError> {
    let guard = lock(store).await?;
    let id = AccountId::of(session);
    let mut accounts = store.accounts_locked(&guard)?;
    let latest = accounts.find(&id).cloned();
    if let Some(stored) = &latest
        && !same_refresh_token(stored, session)
        && stored.access_token_fresh(Utc::now())
    {
        return Ok(stored.clone());
    }
    let current = latest.as_ref().unwrap_or(session);
    match provider.refresh(current).await {
        Ok(fresh) => {
            accounts.upsert(fresh.clone());
            store.write(&guard, &accounts)?;
            Ok(fresh)
        }
        Err(e) => {
            if e.needs_login() && accounts.remove(&id) {
                store.write(&guard, &accounts)?;
            }
            Err(e.into())
        }
    }
}

/// A session fit to use now: the stored one when its access token is
/// fresh, else renewed.
pub async fn fresh_session(
    store: &Arc<dyn TokenStore>,
    provider: &Provider,
    session: &Session,
) -> Result<Session, LifecycleError> {
    if session.access_token_fresh(Utc::now()) {
        return Ok(session.clone());
    }
    refresh(store, provider, session).await
}
