//! Parsing and validating `assets/demo/*.toml`.

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;

use super::Directory;
use super::model::{
    Membership, Org, PanelData, PanelItem, PanelRequirement, PanelSpec, Roles, User,
};

pub(super) const DIRECTORY_FILE: &str = "assets/demo/directory.toml";
pub(super) const PANELS_FILE: &str = "assets/demo/panels.toml";

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
    /// More fields of the answer: series and rows for charts and tables.
    #[serde(default)]
    extra: serde_json::Map<String, serde_json::Value>,
}

/// Parses and validates a directory and its panel data.
pub(super) fn parse(directory_toml: &str, panels_toml: &str) -> Result<Directory, DirectoryError> {
    let raw: RawDirectory = toml::from_str(directory_toml).map_err(|e| DirectoryError::Parse {
        file: DIRECTORY_FILE,
        source: Box::new(e),
    })?;
    let raw_panels: RawPanels = toml::from_str(panels_toml).map_err(|e| DirectoryError::Parse {
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

    check_users(&raw.users)?;

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
            extra: d.extra,
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
        generated: Default::default(),
        with_generated: false,
    })
}

/// Every user has the fields a login needs, and ids, subjects and emails
/// are unique.
pub(super) fn check_users(users: &[User]) -> Result<(), DirectoryError> {
    let f = DIRECTORY_FILE;
    for user in users {
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
    unique(f, "user id", users.iter().map(|u| &u.id))?;
    unique(f, "user_id", users.iter().map(|u| &u.user_id))?;
    unique(f, "email", users.iter().map(|u| &u.email))?;
    Ok(())
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
