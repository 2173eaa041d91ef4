//! The person's choices that are not tokens: which account is active and
//! which org is active per account. Kept here too so that a face never
//! opens the store itself.

use super::{SessionError, SessionService, blocking};
use crate::auth::Session;
use crate::store::{AccountId, Preferences};

impl SessionService {
    /// The remembered choices (the active org per account).
    pub fn preferences(&self) -> Preferences {
        Preferences::load(&self.data_dir)
    }

    /// Remember `org_id` as the account's active org. The file is read
    /// again first, so another authdash's choices survive.
    pub async fn remember_active_org(
        &self,
        provider: String,
        subject: String,
        org_id: String,
    ) -> Result<(), SessionError> {
        let dir = self.data_dir.clone();
        blocking(move || {
            let mut prefs = Preferences::load(&dir);
            prefs.set_active_org(&provider, &subject, &org_id);
            prefs.save(&dir)
        })
        .await
    }

    /// Make a stored account the active one (blocking briefly on the
    /// store's lock: for a face that is not async).
    pub fn set_active(&self, id: &AccountId) -> Result<(), SessionError> {
        Ok(self.store.activate(id)?)
    }

    /// Make a stored account the active one; its session as stored.
    pub async fn activate(&self, id: AccountId) -> Result<Session, SessionError> {
        let store = self.store.clone();
        let accounts = blocking(move || {
            store.activate(&id)?;
            store.accounts()
        })
        .await?;
        accounts
            .active_session()
            .cloned()
            .ok_or_else(|| SessionError::Usage("the account is no longer stored".into()))
    }
}
