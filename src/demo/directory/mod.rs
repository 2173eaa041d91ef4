//! The demo directory: users, organizations, memberships, roles, and the
//! demo panel data, loaded from `assets/demo/*.toml` and validated.

mod dates;
mod generated;
mod model;
mod parse;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

#[cfg(test)]
pub(crate) use generated::GENERATED_SIZES;

pub(crate) use model::{Membership, Org, PanelData, PanelRequirement, PanelSpec, Roles, User};
pub(crate) use parse::DirectoryError;

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
    /// The generated users' organizations, built on first use (see
    /// `generated`); shared by clones.
    generated: Arc<OnceLock<generated::Generated>>,
    /// Whether the generated users were added ([`Directory::load`] does).
    with_generated: bool,
}

impl Directory {
    /// Loads the demo data compiled in from `assets/demo/`, plus the
    /// generated users `orgs10`, `orgs1000` and `orgs10000` (their
    /// organizations are made on first use).
    pub(crate) fn load() -> Result<Directory, DirectoryError> {
        let mut directory = Directory::parse(DIRECTORY_TOML, PANELS_TOML)?;
        directory.users.extend(generated::users());
        parse::check_users(&directory.users)?;
        directory.with_generated = true;
        Ok(directory)
    }

    /// How many organizations a generated user is in; `None` for the users
    /// of `assets/demo/directory.toml`.
    fn generated_org_count(&self, user_id: &str) -> Option<usize> {
        generated::org_count(user_id).filter(|_| self.with_generated)
    }

    /// "Owner of 1, Admin of 3, Member of 6 generated organizations" for a
    /// generated user, without generating them (for the sign-in page).
    pub(crate) fn generated_summary(&self, user_id: &str) -> Option<String> {
        self.generated_org_count(user_id)
            .map(|n| generated::summary(n, &self.roles))
    }

    /// Whether the generated organizations have been made yet.
    #[cfg(test)]
    pub(crate) fn generated_is_built(&self) -> bool {
        self.generated.get().is_some()
    }

    fn generated(&self) -> &generated::Generated {
        self.generated
            .get_or_init(|| generated::Generated::build(&self.roles))
    }

    /// Parses and validates a directory and its panel data.
    fn parse(directory_toml: &str, panels_toml: &str) -> Result<Directory, DirectoryError> {
        parse::parse(directory_toml, panels_toml)
    }

    /// All demo users, in file order, then the generated ones.
    pub(crate) fn users(&self) -> &[User] {
        &self.users
    }

    /// The role order and permissions.
    pub(crate) fn roles(&self) -> &Roles {
        &self.roles
    }

    /// A user by short id (`alice`).
    pub fn user(&self, id: &str) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    /// A user by subject (`user_id`).
    pub(crate) fn user_by_sub(&self, sub: &str) -> Option<&User> {
        self.users.iter().find(|u| u.user_id == sub)
    }

    /// An organization by `org_id`, a generated one too.
    pub(crate) fn org(&self, org_id: &str) -> Option<&Org> {
        self.orgs
            .iter()
            .find(|o| o.org_id == org_id)
            .or_else(|| self.generated().org(org_id))
    }

    /// An organization by `url_safe_org_name` (`acme`), a generated one too.
    pub fn org_by_name(&self, url_safe_org_name: &str) -> Option<&Org> {
        self.orgs
            .iter()
            .find(|o| o.url_safe_org_name == url_safe_org_name)
            .or_else(|| self.generated().org_by_name(url_safe_org_name))
    }

    /// The user's memberships with their organizations, in file order.
    pub(crate) fn memberships_of(&self, user_id: &str) -> Vec<(&Org, &Membership)> {
        if self.generated_org_count(user_id).is_some() {
            return self.generated().memberships_of(user_id);
        }
        self.memberships
            .iter()
            .filter(|m| m.user == user_id)
            .filter_map(|m| self.org(&m.org_id).map(|o| (o, m)))
            .collect()
    }

    /// The user's membership in one org.
    pub(crate) fn membership(&self, user_id: &str, org_id: &str) -> Option<&Membership> {
        if self.generated_org_count(user_id).is_some() {
            return self.generated().membership(user_id, org_id);
        }
        self.memberships
            .iter()
            .find(|m| m.user == user_id && m.org_id == org_id)
    }

    /// A panel by id.
    pub(crate) fn panel(&self, panel_id: &str) -> Option<&PanelSpec> {
        self.panels.iter().find(|p| p.id == panel_id)
    }

    /// A panel's data for one organization. A generated organization
    /// shows the first demo organization's data under its own name.
    pub(crate) fn panel_data(&self, org_id: &str, panel_id: &str) -> Option<Cow<'_, PanelData>> {
        if let Some(data) = self
            .panel_data
            .get(&(org_id.to_string(), panel_id.to_string()))
        {
            return Some(Cow::Borrowed(data));
        }
        let org = self.generated().org(org_id)?;
        let template = self.orgs.first()?;
        let mut data = self
            .panel_data
            .get(&(template.org_id.clone(), panel_id.to_string()))?
            .clone();
        data.title = data.title.replacen(&template.org_name, &org.org_name, 1);
        Some(Cow::Owned(data))
    }

    /// The panel data moved so that its series end on `today`: the
    /// latest day of the data becomes today, a daily series keeps its
    /// days consecutive, a monthly one keeps to the 1st.
    pub(crate) fn dated(mut self, today: chrono::NaiveDate) -> Directory {
        if let Some(as_of) = dates::latest(self.panel_data.values().map(|d| &d.extra)) {
            let shift = dates::Shift::between(as_of, today);
            for data in self.panel_data.values_mut() {
                dates::move_series(&mut data.extra, shift);
            }
        }
        self
    }

    /// Whether a membership meets a panel's requirement.
    pub(crate) fn allows(&self, membership: &Membership, panel: &PanelSpec) -> bool {
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
