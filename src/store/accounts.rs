use serde::{Deserialize, Serialize};

use crate::auth::Session;

/// An account is one person at one provider.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AccountId {
    pub provider: String,
    pub subject: String,
}

impl AccountId {
    pub fn of(session: &Session) -> Self {
        Self {
            provider: session.provider.clone(),
            subject: session.user.subject.clone(),
        }
    }
}

impl std::fmt::Display for AccountId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.provider, self.subject)
    }
}

/// Every stored session, and which one is active.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Accounts {
    #[serde(default)]
    pub active: Option<AccountId>,
    #[serde(default)]
    pub sessions: Vec<Session>,
    /// Set when an unreadable store was moved aside on this read: what
    /// happened and where the old file went, to tell the person.
    #[serde(skip)]
    pub recovered: Option<String>,
}

impl Accounts {
    pub fn find(&self, id: &AccountId) -> Option<&Session> {
        self.sessions.iter().find(|s| AccountId::of(s) == *id)
    }

    pub fn active_session(&self) -> Option<&Session> {
        self.active.as_ref().and_then(|id| self.find(id))
    }

    /// Insert or replace the session of the same account.
    pub fn upsert(&mut self, session: Session) {
        let id = AccountId::of(&session);
        match self.sessions.iter_mut().find(|s| AccountId::of(s) == id) {
            Some(slot) => *slot = session,
            None => self.sessions.push(session),
        }
    }

    /// Forget an account; the active one moves to another, if any.
    pub fn remove(&mut self, id: &AccountId) -> bool {
        let before = self.sessions.len();
        self.sessions.retain(|s| AccountId::of(s) != *id);
        if self.active.as_ref() == Some(id) {
            self.active = self.sessions.first().map(AccountId::of);
        }
        self.sessions.len() != before
    }
}
