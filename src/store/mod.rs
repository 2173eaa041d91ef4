//! Where sessions live between runs.
//!
//! [`TokenStore`] is the seam: today a plain file with owner-only
//! permissions ([`FileStore`]); encryption, locking and several accounts
//! fit behind the same calls.

mod error;
mod file;
mod fsutil;
mod preferences;

pub use error::StoreError;
pub use file::{FORMAT_VERSION, FileStore};
pub use preferences::Preferences;

use crate::auth::Session;

/// Sessions by provider name.
pub trait TokenStore: Send + Sync {
    fn load(&self, provider: &str) -> Result<Option<Session>, StoreError>;
    fn save(&self, session: &Session) -> Result<(), StoreError>;
    /// Forget the provider's session; no error when there is none.
    fn remove(&self, provider: &str) -> Result<(), StoreError>;
}

#[cfg(test)]
mod tests;
