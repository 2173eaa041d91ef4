use serde::{Deserialize, Serialize};

use crate::auth::Session;

/// An account is one person (subject) at one issuer, for one client. Not
/// the config's provider name: two configs may give one name to different
/// issuers, and their sessions must never be taken for each other. And
/// not the issuer alone: two configs may name one issuer with different
/// clients (two apps at one tenant), and the same person's session of one
/// must never replace, or be spent as, the other's.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AccountId {
    pub issuer: String,
    pub subject: String,
    /// Empty only while an older store's active account is read.
    #[serde(default)]
    pub client_id: String,
}

impl AccountId {
    pub fn of(session: &Session) -> Self {
        Self {
            issuer: session.issuer.clone(),
            subject: session.user.subject.clone(),
            client_id: session.client_id.clone(),
        }
    }
}

impl std::fmt::Display for AccountId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at {}", self.subject, self.issuer)
    }
}

/// Every stored session, and which one is active.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(from = "Written")]
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
    pub(crate) fn upsert(&mut self, session: Session) {
        self.upsert_at(session);
    }

    /// [`Self::upsert`], saying where the session went.
    pub(crate) fn upsert_at(&mut self, session: Session) -> usize {
        let id = AccountId::of(&session);
        match self.sessions.iter().position(|s| AccountId::of(s) == id) {
            Some(at) => {
                self.sessions[at] = session;
                at
            }
            None => {
                self.sessions.push(session);
                self.sessions.len() - 1
            }
        }
    }

    /// Forget an account; the active one moves to another, if any.
    pub(crate) fn remove(&mut self, id: &AccountId) -> bool {
        let before = self.sessions.len();
        self.sessions.retain(|s| AccountId::of(s) != *id);
        if self.active.as_ref() == Some(id) {
            self.active = self.sessions.first().map(AccountId::of);
        }
        self.sessions.len() != before
    }
}

/// The active account as written: an issuer and a subject, or, by stores
/// written before accounts were keyed by issuer, a provider name and a
/// subject (resolved against the sessions by `Accounts::resolve_legacy`).
fn active_account<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<AccountId>, D::Error> {
    #[derive(Deserialize)]
    struct Written {
        issuer: Option<String>,
        provider: Option<String>,
        subject: String,
        #[serde(default)]
        client_id: String,
    }
    Ok(Option::<Written>::deserialize(d)?.map(|w| AccountId {
        issuer: w
            .issuer
            .unwrap_or_else(|| format!("{LEGACY_PROVIDER}{}", w.provider.unwrap_or_default())),
        subject: w.subject,
        client_id: w.client_id,
    }))
}

/// Marks an active account read from an older store: a provider name
/// where the issuer goes. No issuer starts like this (not a URL).
const LEGACY_PROVIDER: &str = "\0provider:";

/// The accounts as read, before an older store's active account is
/// resolved.
#[derive(Deserialize)]
struct Written {
    #[serde(default, deserialize_with = "active_account")]
    active: Option<AccountId>,
    #[serde(default)]
    sessions: Vec<Session>,
}

impl From<Written> for Accounts {
    fn from(written: Written) -> Self {
        // Older stores also hold the user's merged claims: not read.
        let sessions = written.sessions;
        let mut accounts = Accounts {
            active: written.active,
            sessions,
            recovered: None,
        };
        accounts.resolve_legacy();
        accounts
    }
}

impl Accounts {
    /// Turn an older store's active account (provider name and subject)
    /// into the issuer and subject of the session it meant.
    fn resolve_legacy(&mut self) {
        let Some(active) = &self.active else { return };
        // Written before accounts named their client: the session of that
        // person at that issuer (there was only one).
        if active.client_id.is_empty() && !active.issuer.starts_with(LEGACY_PROVIDER) {
            self.active = self
                .sessions
                .iter()
                .find(|s| s.issuer == active.issuer && s.user.subject == active.subject)
                .map(AccountId::of);
            return;
        }
        let Some(provider) = active.issuer.strip_prefix(LEGACY_PROVIDER) else {
            return;
        };
        self.active = self
            .sessions
            .iter()
            .find(|s| s.provider == provider && s.user.subject == active.subject)
            .map(AccountId::of);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn older_stores_with_the_users_merged_claims_still_read() {
        let session: Session = serde_json::from_value(json!({
            "provider": "p", "issuer": "https://issuer.example", "client_id": "c",
            "tokens": {"access_token": "a", "id_token": "i", "expires_at": null},
            "id_claims": {"sub": "s", "name": "Ann"},
            "userinfo": {"sub": "s", "org_id_to_org_member_info": {"o1": {"org_name": "Acme"}}},
            "user": {"subject": "s", "email": null, "email_verified": null, "name": "Ann",
                     "picture": null, "orgs": []},
            "logged_in_at": "2025-03-14T09:26:53Z", "refreshed_at": null,
        }))
        .expect("a session");
        let accounts = Accounts {
            active: Some(AccountId::of(&session)),
            sessions: vec![session.clone()],
            recovered: None,
        };
        let mut written = serde_json::to_value(&accounts).expect("written");
        assert!(
            written["sessions"][0]["user"].get("claims").is_none(),
            "a third copy of the claims: {written}"
        );
        // As an older authdash wrote it.
        written["sessions"][0]["user"]["claims"] = json!({"sub": "s", "name": "Ann"});
        let read: Accounts = serde_json::from_value(written).expect("read");
        assert_eq!(read.sessions[0].user, session.user);
        assert_eq!(read.sessions[0].merged_claims().len(), 3);
    }
}
