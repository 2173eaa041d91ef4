use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::RoleOrder;

/// How an org's roles relate (PropelAuth's `org_role_structure`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RoleStructure {
    /// One role per member, roles ordered (Owner > Admin > Member).
    #[default]
    SingleRoleInHierarchy,
    /// Several unordered roles per member.
    MultiRole,
}

/// A user's place in one organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgMembership {
    pub org_id: String,
    pub org_name: String,
    pub url_safe_org_name: Option<String>,
    pub org_metadata: BTreeMap<String, Value>,
    /// The primary role.
    pub role: String,
    /// Roles held besides the primary one (multi-role orgs).
    pub additional_roles: Vec<String>,
    /// The provider's `inherited_user_roles_plus_current_role`, when given:
    /// it is authoritative over the configured order.
    pub inherited_roles: Option<Vec<String>>,
    pub permissions: Vec<String>,
    pub role_structure: RoleStructure,
}

impl OrgMembership {
    /// Holds exactly this role (primary or additional).
    pub(crate) fn is_role(&self, role: &str) -> bool {
        self.role == role || self.additional_roles.iter().any(|r| r == role)
    }

    /// Holds this role or one above it. The provider's inherited roles win;
    /// without them the configured order decides, for the primary role and
    /// any additional one (mappers such as Keycloak's may give several).
    /// Multi-role orgs have no order, so only an exact role counts there.
    pub fn is_at_least_role(&self, role: &str, order: &RoleOrder) -> bool {
        if self.is_role(role) {
            return true;
        }
        if let Some(inherited) = &self.inherited_roles {
            return inherited.iter().any(|r| r == role);
        }
        match self.role_structure {
            RoleStructure::MultiRole => false,
            RoleStructure::SingleRoleInHierarchy => {
                self.roles().any(|held| order.is_at_least(held, role))
            }
        }
    }

    pub fn has_permission(&self, permission: &str) -> bool {
        self.permissions.iter().any(|p| p == permission)
    }

    /// Every role held, primary first, for display.
    pub fn roles(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.role.as_str()).chain(self.additional_roles.iter().map(String::as_str))
    }
}
