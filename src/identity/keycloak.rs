//! Keycloak's claim shapes, mapped to organizations:
//!
//! - **Roles** `R`: `realm_access.roles`, then `resource_access.CLIENT.roles`
//!   (CLIENT is `[auth.NAME.claims] client_id`, else the provider's
//!   `client_id`), without Keycloak's built-in `offline_access`,
//!   `uma_authorization` and `default-roles-*`.
//! - **Groups as orgs** (the `groups` claim of a "Group Membership" mapper):
//!   each top-level group is an organization, its id and name the group's
//!   name. The second segment of a path is the member's role in it:
//!   `/acme/Admin` is the role `Admin` in `acme`; deeper segments are
//!   ignored (`/acme/Admin/eu` is still `Admin`); several subgroups give
//!   several roles, the first as the primary. A member of `/acme` alone has
//!   the `default_role` (`Member`). With "Full group path" off Keycloak sends
//!   bare names (`acme`): each is a top-level group. In every such org the
//!   roles `R` are the member's permissions.
//! - **No groups**: when `R` is not empty the realm is the one organization
//!   (id and name from `iss` `…/realms/NAME`), with `R` as both its roles
//!   (the first as the primary) and its permissions.
//! - Neither: no organizations.
//!
//! Keycloak puts `realm_access` and `resource_access` in the access token
//! only (unless a mapper adds them elsewhere), so this mapper reads the
//! verified access token by default; `groups` is found in whichever token
//! the mapper was told to fill.

use serde_json::Value;

use super::claims::{Claims, membership, push_unique, strings};
use super::{ClaimError, OrgMembership};

/// Settings of the `keycloak` mapper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeycloakClaims {
    /// The client whose `resource_access` roles count.
    pub client_id: String,
    /// The role of a group member without a role subgroup.
    pub default_role: String,
}

impl KeycloakClaims {
    pub fn new(client_id: impl Into<String>) -> Self {
        Self {
            client_id: client_id.into(),
            default_role: super::claims::DEFAULT_ROLE.to_owned(),
        }
    }
}

fn is_builtin(role: &str) -> bool {
    matches!(role, "offline_access" | "uma_authorization") || role.starts_with("default-roles-")
}

/// Realm roles, then this client's roles, without Keycloak's built-ins.
pub fn roles(settings: &KeycloakClaims, claims: &Claims) -> Result<Vec<String>, ClaimError> {
    let mut roles = Vec::new();
    let realm = match claims.get("realm_access") {
        None | Some(Value::Null) => None,
        Some(Value::Object(access)) => access.get("roles"),
        Some(_) => {
            return Err(ClaimError::wrong_type(
                "realm_access",
                "an object with `roles`",
            ));
        }
    };
    if let Some(found) = strings(realm, "realm_access.roles")? {
        push_unique(&mut roles, found);
    }
    let client = match claims.get("resource_access") {
        None | Some(Value::Null) => None,
        Some(Value::Object(by_client)) => by_client.get(&settings.client_id),
        Some(_) => {
            return Err(ClaimError::wrong_type(
                "resource_access",
                "an object keyed by client id",
            ));
        }
    };
    let key = format!("resource_access.{}.roles", settings.client_id);
    if let Some(found) = strings(client.and_then(|c| c.get("roles")), &key)? {
        push_unique(&mut roles, found);
    }
    roles.retain(|r| !is_builtin(r) && !r.is_empty());
    Ok(roles)
}

pub fn orgs(settings: &KeycloakClaims, claims: &Claims) -> Result<Vec<OrgMembership>, ClaimError> {
    let roles = roles(settings, claims)?;
    let groups = strings(claims.get("groups"), "groups")?.unwrap_or_default();
    // Top-level group -> roles from its subgroups, in claim order.
    let mut by_group: Vec<(String, Vec<String>)> = Vec::new();
    for path in &groups {
        let mut segments = path.trim_start_matches('/').split('/');
        let Some(top) = segments.next().filter(|s| !s.is_empty()) else {
            continue;
        };
        let index = match by_group.iter().position(|(g, _)| g == top) {
            Some(i) => i,
            None => {
                by_group.push((top.to_owned(), Vec::new()));
                by_group.len() - 1
            }
        };
        if let Some(role) = segments.next().filter(|s| !s.is_empty()) {
            push_unique(&mut by_group[index].1, [role.to_owned()]);
        }
    }
    if !by_group.is_empty() {
        return Ok(by_group
            .into_iter()
            .map(|(group, group_roles)| {
                let mut m = membership(
                    group.clone(),
                    group.clone(),
                    group_roles,
                    &settings.default_role,
                    roles.clone(),
                );
                m.url_safe_org_name = Some(group);
                m
            })
            .collect());
    }
    if roles.is_empty() {
        return Ok(Vec::new());
    }
    let realm = claims
        .get("iss")
        .and_then(Value::as_str)
        .and_then(|iss| iss.trim_end_matches('/').rsplit_once("/realms/"))
        .map(|(_, realm)| realm.to_owned())
        .filter(|r| !r.is_empty() && !r.contains('/'))
        .unwrap_or_else(|| "realm".to_owned());
    let mut m = membership(
        realm.clone(),
        realm.clone(),
        roles.clone(),
        &settings.default_role,
        roles,
    );
    m.url_safe_org_name = Some(realm);
    Ok(vec![m])
}
