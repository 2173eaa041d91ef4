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
pub(crate) struct KeycloakClaims {
    /// The client whose `resource_access` roles count.
    pub(crate) client_id: String,
    /// The role of a group member without a role subgroup.
    pub(crate) default_role: String,
}

impl KeycloakClaims {
    /// The tests' settings; a config builds them from its table.
    #[cfg(test)]
    fn new(client_id: impl Into<String>) -> Self {
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
fn roles(settings: &KeycloakClaims, claims: &Claims) -> Result<Vec<String>, ClaimError> {
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

pub(crate) fn orgs(
    settings: &KeycloakClaims,
    claims: &Claims,
) -> Result<Vec<OrgMembership>, ClaimError> {
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

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::identity::{ClaimSources, Mapper, OrgClaims, RoleOrder};

    fn claims(v: Value) -> Claims {
        serde_json::from_value(v).unwrap()
    }

    /// A Keycloak access token's claims (realm `acme`, client `dashboard`).
    fn access_token(extra: Value) -> Claims {
        let mut c = claims(json!({
            "exp": 1_654_326_497, "iat": 1_654_326_197,
            "jti": "7919ca9d-dea7-414e-9e99-0839769f1f40",
            "iss": "https://sso.example.com/realms/acme",
            "aud": ["dashboard", "account"],
            "sub": "144bdeab-9bbf-47d6-9ec4-55982cd20e82",
            "typ": "Bearer", "azp": "dashboard",
            "session_state": "2cbeda29-fe54-46ae-9018-d5cdde7ff518",
            "acr": "1",
            "realm_access": {"roles": ["offline_access", "uma_authorization", "default-roles-acme", "auditor"]},
            "resource_access": {
                "dashboard": {"roles": ["billing-viewer"]},
                "account": {"roles": ["manage-account", "manage-account-links", "view-profile"]}
            },
            "scope": "openid email profile",
            "email_verified": true,
            "preferred_username": "alice"
        }));
        c.extend(claims(extra));
        c
    }

    fn kc() -> KeycloakClaims {
        KeycloakClaims::new("dashboard")
    }

    /// (org id, primary role, additional roles, permissions)
    type Row<'a> = (&'a str, &'a str, &'a [&'a str], &'a [&'a str]);

    #[test]
    fn keycloak_table() {
        let cases: [(Value, &[Row]); 6] = [
            // No groups: the realm is the org, realm + client roles its roles.
            (
                json!({}),
                &[(
                    "acme",
                    "auditor",
                    &["billing-viewer"],
                    &["auditor", "billing-viewer"],
                )],
            ),
            // Full group paths: top-level groups are orgs, subgroups roles.
            (
                json!({"groups": ["/globex", "/initech/Admin", "/initech/Owner/eu"]}),
                &[
                    ("globex", "Member", &[], &["auditor", "billing-viewer"]),
                    (
                        "initech",
                        "Admin",
                        &["Owner"],
                        &["auditor", "billing-viewer"],
                    ),
                ],
            ),
            // "Full group path" off: bare names are top-level groups.
            (
                json!({"groups": ["globex"], "resource_access": {}}),
                &[("globex", "Member", &[], &["auditor"])],
            ),
            // Only built-in roles, no groups: no orgs.
            (
                json!({"realm_access": {"roles": ["offline_access", "default-roles-acme"]}, "resource_access": null}),
                &[],
            ),
            // Another client's roles do not count.
            (
                json!({"realm_access": {"roles": []}, "resource_access": {"other": {"roles": ["Owner"]}}}),
                &[],
            ),
            (
                json!({"groups": [], "realm_access": {"roles": ["Admin"]}, "resource_access": {}}),
                &[("acme", "Admin", &[], &["Admin"])],
            ),
        ];
        for (extra, expected) in cases {
            let full = orgs(&kc(), &access_token(extra.clone())).unwrap();
            assert_eq!(full.len(), expected.len(), "{extra}");
            for (o, (id, role, more, perms)) in full.iter().zip(expected) {
                assert_eq!(o.org_id, *id, "{extra}");
                assert_eq!(o.org_name, *id, "{extra}");
                assert_eq!(o.role, *role, "{extra}");
                assert_eq!(o.additional_roles, *more, "{extra}");
                assert_eq!(o.permissions, *perms, "{extra}");
            }
        }
    }

    #[test]
    fn group_roles_follow_the_role_order() {
        let c = access_token(json!({"groups": ["/initech/Member", "/initech/Admin"]}));
        let orgs = orgs(&kc(), &c).unwrap();
        let order = RoleOrder::default();
        assert!(orgs[0].is_at_least_role("Admin", &order));
        assert!(orgs[0].is_at_least_role("Member", &order));
        assert!(!orgs[0].is_at_least_role("Owner", &order));
        assert!(orgs[0].has_permission("billing-viewer"));
    }

    #[test]
    fn the_configured_client_and_default_role_are_used() {
        let settings = KeycloakClaims {
            client_id: "account".into(),
            default_role: "Viewer".into(),
        };
        let c = access_token(json!({"groups": ["/globex"], "realm_access": {"roles": []}}));
        let orgs = orgs(&settings, &c).unwrap();
        assert_eq!(orgs[0].role, "Viewer");
        assert_eq!(
            orgs[0].permissions,
            ["manage-account", "manage-account-links", "view-profile"]
        );
    }

    #[test]
    fn roles_are_read_from_the_access_token_by_default() {
        let id_token = claims(json!({
            "iss": "https://sso.example.com/realms/acme", "sub": "144bdeab",
            "aud": "dashboard", "email": "alice@example.com", "groups": ["/globex/Admin"]
        }));
        let org_claims = OrgClaims::new(Mapper::Keycloak(kc()));
        let sources =
            ClaimSources::new(id_token.clone()).with_access_token(Some(access_token(json!({}))));
        let user = org_claims.user(&sources).unwrap();
        assert_eq!(user.email.as_deref(), Some("alice@example.com"));
        assert_eq!(user.orgs.len(), 1);
        assert_eq!(user.orgs[0].org_id, "globex");
        assert_eq!(user.orgs[0].role, "Admin");
        assert_eq!(user.orgs[0].permissions, ["auditor", "billing-viewer"]);
        // The access token's claims do not leak into the profile.
        assert!(!sources.profile().contains_key("realm_access"));
    }

    #[test]
    fn wrong_shapes_name_the_claim() {
        let cases = [
            (
                json!({"realm_access": ["a"]}),
                "`realm_access` should be an object",
            ),
            (
                json!({"realm_access": {"roles": "a b"}, "resource_access": 3}),
                "`resource_access` should be an object",
            ),
            (
                json!({"resource_access": {"dashboard": {"roles": [1]}}}),
                "`resource_access.dashboard.roles` should be a list of strings",
            ),
            (
                json!({"groups": {"a": 1}}),
                "`groups` should be a list of strings",
            ),
        ];
        for (extra, expected) in cases {
            let err = orgs(&kc(), &access_token(extra)).unwrap_err().to_string();
            assert!(err.contains(expected), "{err} ∌ {expected}");
        }
    }
}
