//! Where sessions live between runs: one encrypted file per user, with
//! several accounts and one active, shared safely between processes.

mod accounts;
mod crypto;
mod error;
mod file;
mod fsutil;
mod key;
mod lock;
mod os_keyring;
mod preferences;

pub use accounts::{AccountId, Accounts};
pub use error::StoreError;
pub use file::{FileStore, Probe, choose_key_source};
pub use key::{KEY_FILE_NAME, KeySource};
pub(crate) use lock::StoreLock;
// The session service's login lock is a lock file of the same kind.
pub(crate) use lock::acquire as acquire_lock_file;
pub use os_keyring::{KeyringBackend, OsKeyring};
pub use preferences::Preferences;
pub(crate) use preferences::{SortMemory, TableMemory};

use crate::auth::Session;

/// The seam between the app and the file. Reads never see half a file
/// (writes replace it atomically); read-modify-write happens under
/// [`TokenStore::lock`].
pub trait TokenStore: Send + Sync {
    /// Exclusive between processes; blocking and bounded.
    fn lock(&self) -> Result<StoreLock, StoreError>;
    /// The same, recording what the holder does (e.g. "renewing alice's
    /// session"), so that a process that gives up waiting can say who holds it.
    fn lock_for(&self, doing: &str) -> Result<StoreLock, StoreError> {
        let _ = doing;
        self.lock()
    }
    fn accounts(&self) -> Result<Accounts, StoreError>;
    /// The same, for a caller already holding the lock.
    fn accounts_locked(&self, lock: &StoreLock) -> Result<Accounts, StoreError>;
    fn write(&self, lock: &StoreLock, accounts: &Accounts) -> Result<(), StoreError>;
    /// Which key protects the store, said plainly.
    fn describe_key(&self) -> String;
    /// Where the store is and which key protects it.
    fn describe(&self) -> String;

    /// Change the accounts under the lock.
    fn update(&self, change: &mut dyn FnMut(&mut Accounts)) -> Result<Accounts, StoreError> {
        let lock = self.lock()?;
        let mut accounts = self.accounts_locked(&lock)?;
        change(&mut accounts);
        self.write(&lock, &accounts)?;
        Ok(accounts)
    }

    /// Store a session and make its account the active one.
    fn save(&self, session: &Session) -> Result<(), StoreError> {
        let id = AccountId::of(session);
        self.update(&mut |a| {
            a.upsert(session.clone());
            a.active = Some(id.clone());
        })
        .map(drop)
    }

    /// [`Self::save`] without a copy of the session (for a person in 1,000
    /// orgs its claims are megabytes): it goes into the accounts written,
    /// and comes back with how the writing went.
    fn save_owned(&self, session: Session) -> (Session, Result<(), StoreError>) {
        let id = AccountId::of(&session);
        let lock = match self.lock() {
            Ok(lock) => lock,
            Err(e) => return (session, Err(e)),
        };
        let mut accounts = match self.accounts_locked(&lock) {
            Ok(accounts) => accounts,
            Err(e) => return (session, Err(e)),
        };
        let at = accounts.upsert_at(session);
        accounts.active = Some(id);
        let written = self.write(&lock, &accounts);
        (accounts.sessions.swap_remove(at), written)
    }

    /// Forget an account; `false` when there was none.
    fn remove(&self, id: &AccountId) -> Result<bool, StoreError> {
        let mut removed = false;
        self.update(&mut |a| removed = a.remove(id))?;
        Ok(removed)
    }

    fn activate(&self, id: &AccountId) -> Result<(), StoreError> {
        let mut found = false;
        self.update(&mut |a| {
            found = a.find(id).is_some();
            if found {
                a.active = Some(id.clone());
            }
        })?;
        if found {
            Ok(())
        } else {
            Err(StoreError::NoSuchAccount(id.to_string()))
        }
    }
}

#[cfg(test)]
mod tests;
