//! The demo directory's public types.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A demo user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    /// Short id used on the sign-in page and in tests, e.g. `alice`.
    pub(crate) id: String,
    /// Stable subject (`sub` and `user_id`), a UUID.
    pub user_id: String,
    pub email: String,
    pub(crate) first_name: String,
    pub(crate) last_name: String,
    #[serde(default)]
    pub(crate) username: Option<String>,
    #[serde(default)]
    pub(crate) picture_url: Option<String>,
}

impl User {
    /// "First Last".
    pub(crate) fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// A demo organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Org {
    pub org_id: String,
    pub(crate) org_name: String,
    pub(crate) url_safe_org_name: String,
    #[serde(default)]
    pub(crate) org_metadata: serde_json::Map<String, serde_json::Value>,
}

/// A user's role in one organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Membership {
    /// The user's short id.
    pub(crate) user: String,
    /// The organization's `org_id`.
    pub(crate) org_id: String,
    /// The role's name, one of [`Roles::order`].
    pub(crate) role: String,
}

/// The ordered roles and the permissions each one grants.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Roles {
    /// Highest first.
    pub(crate) order: Vec<String>,
    /// Role name → permissions it grants (listed in full, not inherited).
    #[serde(default)]
    pub(crate) permissions: BTreeMap<String, Vec<String>>,
}

impl Roles {
    /// Position of a role in the order, 0 being the highest.
    pub(crate) fn rank(&self, role: &str) -> Option<usize> {
        self.order.iter().position(|r| r == role)
    }

    /// Whether `role` is `minimum` or above it.
    pub(crate) fn at_least(&self, role: &str, minimum: &str) -> bool {
        match (self.rank(role), self.rank(minimum)) {
            (Some(have), Some(need)) => have <= need,
            _ => false,
        }
    }

    /// The role and every role below it, highest first
    /// (Owner → Owner, Admin, Member).
    pub(crate) fn at_or_below(&self, role: &str) -> Vec<String> {
        match self.rank(role) {
            Some(rank) => self.order[rank..].to_vec(),
            None => Vec::new(),
        }
    }

    /// The permissions a role grants.
    pub(crate) fn permissions(&self, role: &str) -> &[String] {
        self.permissions.get(role).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// What a panel needs from the user's membership in the org.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PanelRequirement {
    /// The role grants this permission.
    Permission(String),
    /// The role is at least this one.
    MinimumRole(String),
}

/// A panel the demo data API serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PanelSpec {
    pub id: String,
    pub title: String,
    pub(crate) requirement: PanelRequirement,
}

/// One label/value line of panel data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PanelItem {
    label: String,
    value: String,
}

/// A panel's content for one organization, as the data API returns it:
/// the `{title, summary, items}` shape, plus whatever else the panel
/// carries for tables and charts (series, rows).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct PanelData {
    pub(crate) title: String,
    pub summary: String,
    pub items: Vec<PanelItem>,
    #[serde(flatten)]
    pub(crate) extra: serde_json::Map<String, serde_json::Value>,
}
