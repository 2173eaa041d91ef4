//! The person's choices that are not tokens: which account is active and
//! which org is active per account. Kept here too so that a face never
//! opens the store itself.

use super::{SessionError, SessionService, blocking};
use crate::auth::Session;
use crate::store::{AccountId, Preferences, TableMemory};

/// Where a person was on the dashboard, remembered for the next run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ViewChoice {
    /// The panel the person was in last (its id).
    LastPlace(String),
    /// A table's sort and filter.
    Table { panel: String, memory: TableMemory },
}

/// One write of the preferences at a time in this process: each reads
/// the file, changes one choice and writes it back, and two at once
/// would lose one of the changes.
static WRITING: std::sync::Mutex<()> = std::sync::Mutex::new(());

impl SessionService {
    /// The remembered choices (the active org per account).
    pub fn preferences(&self) -> Preferences {
        Preferences::load(&self.data_dir)
    }

    /// Remember `org_id` as the account's active org. The file is read
    /// again first, so another authdash's choices survive.
    pub(crate) async fn remember_active_org(
        &self,
        provider: String,
        subject: String,
        org_id: String,
    ) -> Result<(), SessionError> {
        let dir = self.data_dir.clone();
        blocking(move || {
            let _one = WRITING.lock().unwrap_or_else(|p| p.into_inner());
            let mut prefs = Preferences::load(&dir);
            prefs.set_active_org(&provider, &subject, &org_id);
            prefs.save(&dir)
        })
        .await
    }

    /// Remember where the account was on the dashboard (the file is read
    /// again first, as for the active org).
    pub async fn remember_view(
        &self,
        provider: String,
        subject: String,
        choice: ViewChoice,
    ) -> Result<(), SessionError> {
        let dir = self.data_dir.clone();
        blocking(move || {
            let _one = WRITING.lock().unwrap_or_else(|p| p.into_inner());
            let mut prefs = Preferences::load(&dir);
            match choice {
                ViewChoice::LastPlace(place) => prefs.set_last_place(&provider, &subject, &place),
                ViewChoice::Table { panel, memory } => {
                    prefs.set_table(&provider, &subject, &panel, memory)
                }
            }
            prefs.save(&dir)
        })
        .await
    }

    /// Make a stored account the active one (blocking briefly on the
    /// store's lock: for a face that is not async).
    pub(crate) fn set_active(&self, id: &AccountId) -> Result<(), SessionError> {
        Ok(self.store.activate(id)?)
    }

    /// Make a stored account the active one; its session as stored.
    pub(crate) async fn activate(&self, id: AccountId) -> Result<Session, SessionError> {
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
