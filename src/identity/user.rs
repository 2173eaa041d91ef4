use serde::{Deserialize, Serialize};

use super::OrgMembership;

/// A signed-in person as the dashboard shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// The ID token's `sub`: stable per provider.
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: Option<bool>,
    pub name: Option<String>,
    pub picture: Option<String>,
    /// Organizations sorted by name, then id.
    pub orgs: Vec<OrgMembership>,
    // Every claim the provider gave (Streamlit's `st.user`) is
    // `Session::merged_claims`: a session holds the ID token's and
    // userinfo's claims already, and for a person in 1,000 orgs a third
    // copy is megabytes more to hold, write, read and parse.
}

impl User {
    /// A name fit for a header: the name, else the email, else the subject.
    pub fn display_name(&self) -> &str {
        self.name
            .as_deref()
            .or(self.email.as_deref())
            .unwrap_or(&self.subject)
    }

    pub(crate) fn org(&self, org_id: &str) -> Option<&OrgMembership> {
        self.orgs.iter().find(|o| o.org_id == org_id)
    }
}
