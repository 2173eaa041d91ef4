use serde::{Deserialize, Serialize};

use crate::identity::{OrgMembership, RoleOrder};

/// What a panel needs in the active organization. Every condition given
/// must hold; an empty requirement opens to anyone signed in.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    /// This role or a higher one (`"Admin"` holds for Owner).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_role: Option<String>,
    /// Exactly this role (primary or additional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Every one of these permissions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub permissions: Vec<String>,
}

/// One condition that does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unmet {
    /// No organization is active (or the user is in none).
    NoOrg,
    MinRole(String),
    Role(String),
    Permission(String),
}

/// Why a panel is locked, and what the user has instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denial {
    pub unmet: Vec<Unmet>,
    /// The org the check ran in: (id, name).
    pub org: Option<(String, String)>,
    pub held_roles: Vec<String>,
    pub held_permissions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    Allowed,
    Denied(Denial),
}

impl Requirement {
    pub fn is_empty(&self) -> bool {
        self.min_role.is_none() && self.role.is_none() && self.permissions.is_empty()
    }

    pub fn check(&self, org: Option<&OrgMembership>, order: &RoleOrder) -> Access {
        if self.is_empty() {
            return Access::Allowed;
        }
        let Some(org) = org else {
            return Access::Denied(Denial {
                unmet: vec![Unmet::NoOrg],
                org: None,
                held_roles: Vec::new(),
                held_permissions: Vec::new(),
            });
        };
        let mut unmet = Vec::new();
        if let Some(r) = &self.min_role
            && !org.is_at_least_role(r, order)
        {
            unmet.push(Unmet::MinRole(r.clone()));
        }
        if let Some(r) = &self.role
            && !org.is_role(r)
        {
            unmet.push(Unmet::Role(r.clone()));
        }
        unmet.extend(
            self.permissions
                .iter()
                .filter(|p| !org.has_permission(p))
                .map(|p| Unmet::Permission(p.clone())),
        );
        if unmet.is_empty() {
            return Access::Allowed;
        }
        Access::Denied(Denial {
            unmet,
            org: Some((org.org_id.clone(), org.org_name.clone())),
            held_roles: org.roles().map(str::to_owned).collect(),
            held_permissions: org.permissions.clone(),
        })
    }

    /// "at least Admin, permission can_view_billing" — for hints and help.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(r) = &self.min_role {
            parts.push(format!("at least {r}"));
        }
        if let Some(r) = &self.role {
            parts.push(format!("role {r}"));
        }
        parts.extend(self.permissions.iter().map(|p| format!("permission {p}")));
        if parts.is_empty() {
            "anyone signed in".into()
        } else {
            parts.join(", ")
        }
    }
}

impl Unmet {
    pub fn describe(&self) -> String {
        match self {
            Unmet::NoOrg => "an active organization".into(),
            Unmet::MinRole(r) => format!("role {r} or higher"),
            Unmet::Role(r) => format!("role {r}"),
            Unmet::Permission(p) => format!("permission {p}"),
        }
    }
}

impl Denial {
    /// One sentence: what fails, where, and what the user has instead.
    pub fn explain(&self) -> String {
        let needs = self
            .unmet
            .iter()
            .map(Unmet::describe)
            .collect::<Vec<_>>()
            .join(" and ");
        match &self.org {
            None => {
                format!("Needs {needs}: pick one under Organizations, or ask to be invited to one.")
            }
            Some((_, name)) => {
                let roles = self.held_roles.join(", ");
                let perms = if self.held_permissions.is_empty() {
                    "no permissions".to_owned()
                } else {
                    format!("permissions {}", self.held_permissions.join(", "))
                };
                format!("Needs {needs} in {name}. You are {roles} there, with {perms}.")
            }
        }
    }
}
