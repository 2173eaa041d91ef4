//! The demo directory: users, organizations, memberships, roles, and the
//! demo panel data, loaded from `assets/demo/*.toml` and validated.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

const DIRECTORY_FILE: &str = "assets/demo/directory.toml";
const PANELS_FILE: &str = "assets/demo/panels.toml";
const DIRECTORY_TOML: &str = include_str!("../../assets/demo/directory.toml");
const PANELS_TOML: &str = include_str!("../../assets/demo/panels.toml");

/// The demo data is malformed.
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    /// The file is not valid TOML for the expected shape.
    #[error("{file}: {source}")]
    Parse {
        file: &'static str,
        #[source]
        source: Box<toml::de::Error>,
    },
    /// The file parses but its content is inconsistent.
    #[error("{file}: {message}")]
    Invalid { file: &'static str, message: String },
}

fn invalid(file: &'static str, message: impl Into<String>) -> DirectoryError {
    DirectoryError::Invalid {
        file,
        message: message.into(),
    }
}

/// A demo user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    /// Short id used on the sign-in page and in tests, e.g. `alice`.
    pub id: String,
    /// Stable subject (`sub` and `user_id`), a UUID.
    pub user_id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub picture_url: Option<String>,
}

impl User {
    /// "First Last".
    pub fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// A demo organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Org {
    pub org_id: String,
    pub org_name: String,
    pub url_safe_org_name: String,
    #[serde(default)]
    pub org_metadata: serde_json::Map<String, serde_json::Value>,
}

/// A user's role in one organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    /// The user's short id.
    pub user: String,
    /// The organization's `org_id`.
    pub org_id: String,
    /// The role's name, one of [`Roles::order`].
    pub role: String,
}

/// The ordered roles and the permissions each one grants.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Roles {
    /// Highest first.
    pub order: Vec<String>,
    /// Role name → permissions it grants (listed in full, not inherited).
    #[serde(default)]
    pub permissions: BTreeMap<String, Vec<String>>,
}

impl Roles {
    /// Position of a role in the order, 0 being the highest.
    pub fn rank(&self, role: &str) -> Option<usize> {
        self.order.iter().position(|r| r == role)
    }

    /// Whether `role` is `minimum` or above it.
    pub fn at_least(&self, role: &str, minimum: &str) -> bool {
        match (self.rank(role), self.rank(minimum)) {
            (Some(have), Some(need)) => have <= need,
            _ => false,
        }
    }

    /// The role and every role below it, highest first
    /// (Owner → Owner, Admin, Member).
    pub fn at_or_below(&self, role: &str) -> Vec<String> {
        match self.rank(role) {
            Some(rank) => self.order[rank..].to_vec(),
            None => Vec::new(),
        }
    }

    /// The permissions a role grants.
    pub fn permissions(&self, role: &str) -> &[String] {
        self.permissions.get(role).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// What a panel needs from the user's membership in the org.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PanelRequirement {
    /// The role grants this permission.
    Permission(String),
    /// The role is at least this one.
    MinimumRole(String),
}

/// A panel the demo data API serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanelSpec {
    pub id: String,
    pub title: String,
    pub requirement: PanelRequirement,
}

/// One label/value line of panel data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PanelItem {
    pub label: String,
    pub value: String,
}

/// A panel's content for one organization, as the data API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PanelData {
    pub title: String,
    pub summary: String,
    pub items: Vec<PanelItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDirectory {
    roles: Roles,
    #[serde(default)]
    users: Vec<User>,
    #[serde(default)]
    orgs: Vec<Org>,
    #[serde(default)]
    memberships: Vec<RawMembership>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMembership {
    user: String,
    /// `url_safe_org_name` or `org_id`.
    org: String,
    role: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPanels {
    #[serde(default)]
    panels: Vec<RawPanel>,
    #[serde(default)]
    data: Vec<RawPanelData>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPanel {
    id: String,
    title: String,
    requires_permission: Option<String>,
    requires_role: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPanelData {
    org: String,
    panel: String,
    title: String,
    summary: String,
    #[serde(default)]
    items: Vec<PanelItem>,
}

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
        let raw: RawDirectory =
            toml::from_str(directory_toml).map_err(|e| DirectoryError::Parse {
                file: DIRECTORY_FILE,
                source: Box::new(e),
            })?;
        let raw_panels: RawPanels =
            toml::from_str(panels_toml).map_err(|e| DirectoryError::Parse {
                file: PANELS_FILE,
                source: Box::new(e),
            })?;
        let f = DIRECTORY_FILE;

        if raw.roles.order.is_empty() {
            return Err(invalid(f, "roles.order must name at least one role"));
        }
        unique(f, "role", raw.roles.order.iter())?;
        for role in raw.roles.permissions.keys() {
            if raw.roles.rank(role).is_none() {
                return Err(invalid(
                    f,
                    format!("roles.permissions names {role:?}, which is not in roles.order"),
                ));
            }
        }

        for user in &raw.users {
            for (field, value) in [
                ("id", &user.id),
                ("user_id", &user.user_id),
                ("email", &user.email),
                ("first_name", &user.first_name),
                ("last_name", &user.last_name),
            ] {
                if value.trim().is_empty() {
                    return Err(invalid(f, format!("a user has an empty {field}")));
                }
            }
            if !user.email.contains('@') {
                return Err(invalid(
                    f,
                    format!("user {:?}: email {:?} has no @", user.id, user.email),
                ));
            }
        }
        unique(f, "user id", raw.users.iter().map(|u| &u.id))?;
        unique(f, "user_id", raw.users.iter().map(|u| &u.user_id))?;
        unique(f, "email", raw.users.iter().map(|u| &u.email))?;

        for org in &raw.orgs {
            if org.org_id.trim().is_empty() || org.org_name.trim().is_empty() {
                return Err(invalid(f, "an org has an empty org_id or org_name"));
            }
            if org.url_safe_org_name.is_empty()
                || !org
                    .url_safe_org_name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return Err(invalid(
                    f,
                    format!(
                        "org {:?}: url_safe_org_name must be non-empty and URL-safe",
                        org.org_name
                    ),
                ));
            }
        }
        unique(f, "org_id", raw.orgs.iter().map(|o| &o.org_id))?;
        unique(
            f,
            "url_safe_org_name",
            raw.orgs.iter().map(|o| &o.url_safe_org_name),
        )?;

        let find_org = |key: &str| {
            raw.orgs
                .iter()
                .find(|o| o.url_safe_org_name == key || o.org_id == key)
        };
        let mut memberships = Vec::with_capacity(raw.memberships.len());
        let mut seen = HashSet::new();
        for m in &raw.memberships {
            if !raw.users.iter().any(|u| u.id == m.user) {
                return Err(invalid(
                    f,
                    format!("membership names unknown user {:?}", m.user),
                ));
            }
            let Some(org) = find_org(&m.org) else {
                return Err(invalid(
                    f,
                    format!("membership names unknown org {:?}", m.org),
                ));
            };
            if raw.roles.rank(&m.role).is_none() {
                return Err(invalid(
                    f,
                    format!("membership {}@{}: unknown role {:?}", m.user, m.org, m.role),
                ));
            }
            if !seen.insert((m.user.clone(), org.org_id.clone())) {
                return Err(invalid(
                    f,
                    format!("user {:?} is listed twice in org {:?}", m.user, m.org),
                ));
            }
            memberships.push(Membership {
                user: m.user.clone(),
                org_id: org.org_id.clone(),
                role: m.role.clone(),
            });
        }

        let p = PANELS_FILE;
        let mut panels = Vec::with_capacity(raw_panels.panels.len());
        for panel in raw_panels.panels {
            let requirement = match (panel.requires_permission, panel.requires_role) {
                (Some(permission), None) => PanelRequirement::Permission(permission),
                (None, Some(role)) => {
                    if raw.roles.rank(&role).is_none() {
                        return Err(invalid(
                            p,
                            format!("panel {:?} requires unknown role {role:?}", panel.id),
                        ));
                    }
                    PanelRequirement::MinimumRole(role)
                }
                _ => {
                    return Err(invalid(
                        p,
                        format!(
                            "panel {:?} must set exactly one of requires_permission, requires_role",
                            panel.id
                        ),
                    ));
                }
            };
            panels.push(PanelSpec {
                id: panel.id,
                title: panel.title,
                requirement,
            });
        }
        unique(p, "panel id", panels.iter().map(|s| &s.id))?;

        let mut panel_data = BTreeMap::new();
        for d in raw_panels.data {
            let Some(org) = find_org(&d.org) else {
                return Err(invalid(
                    p,
                    format!("panel data names unknown org {:?}", d.org),
                ));
            };
            if !panels.iter().any(|s| s.id == d.panel) {
                return Err(invalid(
                    p,
                    format!("panel data names unknown panel {:?}", d.panel),
                ));
            }
            let key = (org.org_id.clone(), d.panel.clone());
            let data = PanelData {
                title: d.title,
                summary: d.summary,
                items: d.items,
            };
            if panel_data.insert(key, data).is_some() {
                return Err(invalid(
                    p,
                    format!("panel {:?} has data for org {:?} twice", d.panel, d.org),
                ));
            }
        }

        Ok(Directory {
            roles: raw.roles,
            users: raw.users,
            orgs: raw.orgs,
            memberships,
            panels,
            panel_data,
        })
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

fn unique<'a>(
    file: &'static str,
    what: &str,
    values: impl Iterator<Item = &'a String>,
) -> Result<(), DirectoryError> {
    let mut seen = HashSet::new();
    for value in values {
        if !seen.insert(value) {
            return Err(invalid(file, format!("duplicate {what} {value:?}")));
        }
    }
    Ok(())
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
