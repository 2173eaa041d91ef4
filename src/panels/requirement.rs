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
    /// Exactly this role (primary or additional: multi-role orgs hold several).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Every one of these permissions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub permissions: Vec<String>,
    /// At least one of these permissions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub any_permission: Vec<String>,
    /// Scopes the session must hold (granted at login).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
}

/// One condition that does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unmet {
    /// No organization is active (or the user is in none).
    NoOrg,
    MinRole(String),
    Role(String),
    Permission(String),
    /// None of these permissions.
    AnyPermission(Vec<String>),
    /// The session was not granted this scope: a new login asking for it
    /// can fix that, whatever the org.
    Scope(String),
    /// The session's last renewal could not be verified: its roles are
    /// the last verified ones, not taken on their word until a renewal
    /// confirms them (one may have been taken away meanwhile).
    ConfirmedRoles,
}

/// Why a panel is locked, and what the user has instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denial {
    pub(crate) unmet: Vec<Unmet>,
    /// The org the check ran in: (id, name).
    pub(crate) org: Option<(String, String)>,
    pub(crate) held_roles: Vec<String>,
    pub(crate) held_permissions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    Allowed,
    Denied(Denial),
}

impl Requirement {
    /// Whether anything but scopes is asked: only then does the org matter.
    fn needs_org(&self) -> bool {
        self.min_role.is_some()
            || self.role.is_some()
            || !self.permissions.is_empty()
            || !self.any_permission.is_empty()
    }

    /// The check in `org`, not counting scopes (see [`Self::check_session`]).
    pub fn check(&self, org: Option<&OrgMembership>, order: &RoleOrder) -> Access {
        self.check_in(org, order, None)
    }

    /// The check in `org` for a session granted `scopes`.
    pub fn check_session(
        &self,
        org: Option<&OrgMembership>,
        order: &RoleOrder,
        scopes: &[String],
    ) -> Access {
        self.check_in(org, order, Some(scopes))
    }

    fn check_in(
        &self,
        org: Option<&OrgMembership>,
        order: &RoleOrder,
        scopes: Option<&[String]>,
    ) -> Access {
        let mut unmet = Vec::new();
        if let Some(scopes) = scopes {
            unmet.extend(
                self.scopes
                    .iter()
                    .filter(|s| !scopes.contains(s))
                    .map(|s| Unmet::Scope(s.clone())),
            );
        }
        if self.needs_org() {
            // Org conditions first: they are what the person reads first.
            let mut first = match org {
                None => vec![Unmet::NoOrg],
                Some(org) => self.org_unmet(org, order),
            };
            first.append(&mut unmet);
            unmet = first;
        }
        if unmet.is_empty() {
            return Access::Allowed;
        }
        Access::Denied(Denial::in_org(unmet, org))
    }

    /// As [`Self::check_session`], for a session whose last renewal could
    /// not be verified: what it holds in an org is not taken on its word,
    /// so a panel asking anything of the org stays locked until a renewal
    /// confirms the roles.
    pub(crate) fn check_unconfirmed(
        &self,
        org: Option<&OrgMembership>,
        order: &RoleOrder,
        scopes: &[String],
    ) -> Access {
        let access = self.check_session(org, order, scopes);
        if !self.needs_org() {
            return access;
        }
        let mut denial = match access {
            Access::Denied(denial) => denial,
            Access::Allowed => Denial::in_org(Vec::new(), org),
        };
        denial.unmet.insert(0, Unmet::ConfirmedRoles);
        Access::Denied(denial)
    }

    /// What `org` lacks, scopes aside.
    fn org_unmet(&self, org: &OrgMembership, order: &RoleOrder) -> Vec<Unmet> {
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
        if !self.any_permission.is_empty()
            && !self.any_permission.iter().any(|p| org.has_permission(p))
        {
            unmet.push(Unmet::AnyPermission(self.any_permission.clone()));
        }
        unmet
    }

    /// The orgs among `orgs` whose role and permissions meet this
    /// requirement (scopes aside: no org switch grants a scope).
    pub(crate) fn unlocking_orgs<'a>(
        &self,
        orgs: &'a [OrgMembership],
        order: &RoleOrder,
    ) -> Vec<&'a OrgMembership> {
        orgs.iter()
            .filter(|o| self.org_unmet(o, order).is_empty())
            .collect()
    }

    /// What it asks of an organization, scopes aside: "role Admin or
    /// higher and permission can_view_billing"; `None` when it asks
    /// nothing of one.
    pub(crate) fn describe_org(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(r) = &self.min_role {
            parts.push(Unmet::MinRole(r.clone()));
        }
        if let Some(r) = &self.role {
            parts.push(Unmet::Role(r.clone()));
        }
        parts.extend(self.permissions.iter().cloned().map(Unmet::Permission));
        if !self.any_permission.is_empty() {
            parts.push(Unmet::AnyPermission(self.any_permission.clone()));
        }
        (!parts.is_empty()).then(|| {
            parts
                .iter()
                .map(Unmet::describe)
                .collect::<Vec<_>>()
                .join(" and ")
        })
    }
}

impl Unmet {
    fn describe(&self) -> String {
        match self {
            Unmet::NoOrg => "an active organization".into(),
            Unmet::MinRole(r) => format!("role {r} or higher"),
            Unmet::Role(r) => format!("role {r}"),
            Unmet::Permission(p) => format!("permission {p}"),
            Unmet::AnyPermission(ps) => format!("one of the permissions {}", ps.join(", ")),
            Unmet::Scope(s) => format!("the scope {s}"),
            Unmet::ConfirmedRoles => {
                "roles confirmed by a renewal (the last one could not be verified; \
                 authdash tries again)"
                    .into()
            }
        }
    }
}

impl Denial {
    fn in_org(unmet: Vec<Unmet>, org: Option<&OrgMembership>) -> Self {
        Self {
            unmet,
            org: org.map(|o| (o.org_id.clone(), o.org_name.clone())),
            held_roles: org
                .map(|o| o.roles().map(str::to_owned).collect())
                .unwrap_or_default(),
            held_permissions: org.map(|o| o.permissions.clone()).unwrap_or_default(),
        }
    }

    /// The scopes a new login would have to ask for.
    pub(crate) fn missing_scopes(&self) -> Vec<String> {
        self.unmet
            .iter()
            .filter_map(|u| match u {
                Unmet::Scope(s) => Some(s.clone()),
                _ => None,
            })
            .collect()
    }

    /// Whether anything but scopes is missing (an org switch may help).
    pub(crate) fn org_bound(&self) -> bool {
        self.unmet
            .iter()
            .any(|u| !matches!(u, Unmet::Scope(_) | Unmet::ConfirmedRoles))
    }

    /// One sentence: what fails, where, and what the user has instead.
    pub fn explain(&self) -> String {
        let needs = self
            .unmet
            .iter()
            .map(Unmet::describe)
            .collect::<Vec<_>>()
            .join(" and ");
        match &self.org {
            None if self.org_bound() => format!("Needs {needs}."),
            None => format!("Needs {needs}, which this session was not granted."),
            Some((_, name)) if !self.org_bound() => {
                format!(
                    "Needs {needs}, which this session was not granted (in {name} as anywhere)."
                )
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
