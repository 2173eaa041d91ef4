//! The demo directory: users, organizations, memberships, roles, and the
//! demo panel data, loaded from `assets/demo/*.toml` and validated.

mod model;
mod parse;

use std::collections::BTreeMap;

pub use model::{Membership, Org, PanelData, PanelItem, PanelRequirement, PanelSpec, Roles, User};
pub use parse::DirectoryError;

const DIRECTORY_TOML: &str = include_str!("../../../assets/demo/directory.toml");
const PANELS_TOML: &str = include_str!("../../../assets/demo/panels.toml");

/// The loaded demo data.
#[derive(Debug, Clone)]
pub struct Directory {
    roles: Roles,
    users: Vec<User>,
    orgs: Vec<Org>,
    memberships: Vec<Membership>,
    panels: Vec<PanelSpec>,
    /// (org_id, panel id) → data.
    panel_data: BTreeMap<(String, String), PanelData>,
}

impl Directory {
    /// Loads the demo data compiled in from `assets/demo/`.
    pub fn load() -> Result<Directory, DirectoryError> {
        Directory::parse(DIRECTORY_TOML, PANELS_TOML)
    }

    /// Parses and validates a directory and its panel data.
    pub fn parse(directory_toml: &str, panels_toml: &str) -> Result<Directory, DirectoryError> {
        parse::parse(directory_toml, panels_toml)
    }

    /// All demo users, in file order.
    pub fn users(&self) -> &[User] {
        &self.users
    }

    /// All demo organizations, in file order.
    pub fn orgs(&self) -> &[Org] {
        &self.orgs
    }

    /// All memberships.
    pub fn memberships(&self) -> &[Membership] {
        &self.memberships
    }

    /// The role order and permissions.
    pub fn roles(&self) -> &Roles {
        &self.roles
    }

    /// A user by short id (`alice`).
    pub fn user(&self, id: &str) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    /// A user by subject (`user_id`).
    pub fn user_by_sub(&self, sub: &str) -> Option<&User> {
        self.users.iter().find(|u| u.user_id == sub)
    }

    /// An organization by `org_id`.
    pub fn org(&self, org_id: &str) -> Option<&Org> {
        self.orgs.iter().find(|o| o.org_id == org_id)
    }

    /// An organization by `url_safe_org_name` (`acme`).
    pub fn org_by_name(&self, url_safe_org_name: &str) -> Option<&Org> {
        self.orgs
            .iter()
            .find(|o| o.url_safe_org_name == url_safe_org_name)
    }

    /// The user's memberships with their organizations, in file order.
    pub fn memberships_of(&self, user_id: &str) -> Vec<(&Org, &Membership)> {
        self.memberships
            .iter()
            .filter(|m| m.user == user_id)
            .filter_map(|m| self.org(&m.org_id).map(|o| (o, m)))
            .collect()
    }

    /// The user's membership in one org.
    pub fn membership(&self, user_id: &str, org_id: &str) -> Option<&Membership> {
        self.memberships
            .iter()
            .find(|m| m.user == user_id && m.org_id == org_id)
    }

    /// The panels the data API serves.
    pub fn panels(&self) -> &[PanelSpec] {
        &self.panels
    }

    /// A panel by id.
    pub fn panel(&self, panel_id: &str) -> Option<&PanelSpec> {
        self.panels.iter().find(|p| p.id == panel_id)
    }

    /// A panel's data for one organization.
    pub fn panel_data(&self, org_id: &str, panel_id: &str) -> Option<&PanelData> {
        self.panel_data
            .get(&(org_id.to_string(), panel_id.to_string()))
    }

    /// Whether a membership meets a panel's requirement.
    pub fn allows(&self, membership: &Membership, panel: &PanelSpec) -> bool {
        match &panel.requirement {
            PanelRequirement::Permission(permission) => self
                .roles
                .permissions(&membership.role)
                .iter()
                .any(|p| p == permission),
            PanelRequirement::MinimumRole(minimum) => {
                self.roles.at_least(&membership.role, minimum)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_directory_is_valid_and_as_documented() {
        let dir = Directory::load().expect("shipped demo data loads");
        let alice = dir.user("alice").expect("alice");
        let orgs: Vec<_> = dir
            .memberships_of(&alice.id)
            .into_iter()
            .map(|(o, m)| (o.org_name.as_str(), m.role.as_str()))
            .collect();
        assert_eq!(orgs, [("Acme", "Owner"), ("Globex", "Member")]);
        assert!(dir.memberships_of("dave").is_empty());
        let acme = dir.org_by_name("acme").expect("acme");
        let billing = dir.panel("billing").expect("billing");
        let bob = dir.membership("bob", &acme.org_id).expect("bob in acme");
        let alice_acme = dir
            .membership("alice", &acme.org_id)
            .expect("alice in acme");
        assert!(dir.allows(alice_acme, billing));
        assert!(!dir.allows(bob, billing));
        assert_eq!(
            dir.roles().at_or_below("Owner"),
            ["Owner", "Admin", "Member"]
        );
        assert!(dir.roles().at_least("Owner", "Admin"));
        assert!(!dir.roles().at_least("Member", "Admin"));
    }

    #[test]
    fn malformed_data_is_an_error() {
        assert!(Directory::parse("roles = 3", "").is_err());
        let bad_role = r#"
            [roles]
            order = ["Owner"]
            [[users]]
            id = "a"
            user_id = "1"
            email = "a@example.com"
            first_name = "A"
            last_name = "B"
            [[orgs]]
            org_id = "o"
            org_name = "O"
            url_safe_org_name = "o"
            [[memberships]]
            user = "a"
            org = "o"
            role = "King"
        "#;
        let err = Directory::parse(bad_role, "").expect_err("unknown role refused");
        assert!(err.to_string().contains("King"), "{err}");
    }
}
