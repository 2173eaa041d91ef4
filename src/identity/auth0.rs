//! Auth0's claim shapes, mapped to organizations:
//!
//! - **Organization**: a login through an Auth0 Organization carries `org_id`
//!   (and `org_name` when the tenant allows organization names in the
//!   Authentication API): that one organization, the active one. Without
//!   `org_id`, a user who has roles or permissions gets one organization for
//!   the tenant (id `iss`, name its host); a user with neither has none.
//! - **Roles**: the namespaced custom claim `NAMESPACE/roles` (a list, set by
//!   an Action with `api.idToken.setCustomClaim`), the first as the primary;
//!   none gives the `default_role` (`Member`).
//! - **Permissions**: the access token's `permissions` (the API's RBAC
//!   setting "Add Permissions in the Access Token"; only in a JWT access
//!   token, which Auth0 issues when the login names an `audience`), with
//!   `NAMESPACE/permissions` when an Action sets it.
//!
//! `NAMESPACE` is `[auth.NAME.claims] namespace`, e.g. `https://example.com`
//! (claims `https://example.com/roles` and `https://example.com/permissions`).

use super::claims::{Claims, membership, push_unique, string_claim, strings};
use super::{ClaimError, OrgMembership};

/// Settings of the `auth0` mapper.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Auth0Claims {
    /// The custom claims' namespace, without a trailing `/`.
    pub namespace: Option<String>,
    /// The role of a member whose claims name none.
    pub default_role: String,
}

impl Auth0Claims {
    pub fn new(namespace: Option<&str>) -> Self {
        Self {
            namespace: namespace.map(|n| n.trim_end_matches('/').to_owned()),
            default_role: super::claims::DEFAULT_ROLE.to_owned(),
        }
    }

    /// `NAMESPACE/name`, when a namespace is set.
    pub fn claim(&self, name: &str) -> Option<String> {
        self.namespace.as_ref().map(|ns| format!("{ns}/{name}"))
    }
}

pub fn orgs(
    settings: &Auth0Claims,
    claims: &Claims,
    access_token: Option<&Claims>,
) -> Result<Vec<OrgMembership>, ClaimError> {
    let mut roles = Vec::new();
    let mut permissions = Vec::new();
    if let Some(name) = settings.claim("roles") {
        push_unique(
            &mut roles,
            strings(claims.get(&name), &name)?.unwrap_or_default(),
        );
    }
    if let Some(name) = settings.claim("permissions") {
        push_unique(
            &mut permissions,
            strings(claims.get(&name), &name)?.unwrap_or_default(),
        );
    }
    push_unique(
        &mut permissions,
        strings(claims.get("permissions"), "permissions")?.unwrap_or_default(),
    );
    if let Some(at) = access_token {
        push_unique(
            &mut permissions,
            strings(at.get("permissions"), "permissions")?.unwrap_or_default(),
        );
    }
    let from = |name: &str| {
        string_claim(claims, name).or_else(|| access_token.and_then(|at| string_claim(at, name)))
    };
    if claims
        .get("org_id")
        .is_some_and(|v| !v.is_string() && !v.is_null())
    {
        return Err(ClaimError::wrong_type("org_id", "a string"));
    }
    let (org_id, org_name, url_safe) = match from("org_id") {
        Some(id) => {
            let name = from("org_name");
            (id.clone(), name.clone().unwrap_or(id), name)
        }
        None if roles.is_empty() && permissions.is_empty() => return Ok(Vec::new()),
        None => {
            let iss = string_claim(claims, "iss").unwrap_or_else(|| "auth0".to_owned());
            let host = url::Url::parse(&iss)
                .ok()
                .and_then(|u| u.host_str().map(str::to_owned))
                .unwrap_or_else(|| iss.clone());
            (iss, host, None)
        }
    };
    let mut m = membership(org_id, org_name, roles, &settings.default_role, permissions);
    m.url_safe_org_name = url_safe;
    Ok(vec![m])
}
