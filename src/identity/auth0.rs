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
pub(crate) struct Auth0Claims {
    /// The custom claims' namespace, without a trailing `/`.
    namespace: Option<String>,
    /// The role of a member whose claims name none.
    pub(crate) default_role: String,
}

impl Auth0Claims {
    pub(crate) fn new(namespace: Option<&str>) -> Self {
        Self {
            namespace: namespace.map(|n| n.trim_end_matches('/').to_owned()),
            default_role: super::claims::DEFAULT_ROLE.to_owned(),
        }
    }

    /// `NAMESPACE/name`, when a namespace is set.
    pub(crate) fn claim(&self, name: &str) -> Option<String> {
        self.namespace.as_ref().map(|ns| format!("{ns}/{name}"))
    }
}

pub(crate) fn orgs(
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

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::identity::{AccessTokenUse, ClaimSources, Mapper, OrgClaims, RoleOrder};

    fn claims(v: Value) -> Claims {
        serde_json::from_value(v).unwrap()
    }

    /// An Auth0 ID token of a login through an Organization, with roles
    /// added by an Action under the namespace `https://marketplace`.
    fn id_token(extra: Value) -> Claims {
        let mut c = claims(json!({
            "https://marketplace/roles": ["Admin", "marketplace-administrator"],
            "nickname": "firstName.lastName",
            "name": "firstName.lastName@email.com",
            "picture": "https://s.gravatar.com/avatar/638",
            "updated_at": "2021-03-23T11:34:14.566Z",
            "email": "username@exampleco.com",
            "email_verified": true,
            "iss": "https://marketplace.us.auth0.com/",
            "sub": "auth0|602c0dcc7a9ea800690ef9b8",
            "aud": "Bk8vkHpgjKTUqmSn0YNvLWmbRMIEVzHl",
            "iat": 1_616_499_255, "exp": 1_616_535_255,
            "nonce": "OUdHdk1sUWh1WDlsRWJkQ2JMWUpPWE1xVzJLd3hQZWNsTjF0Qm1URnUzQQ==",
            "org_id": "org_9ybsU1dN2dKfDkBi",
            "org_name": "exampleco"
        }));
        c.extend(claims(extra));
        c
    }

    /// The matching JWT access token for the API `https://api.exampleco.com`.
    fn access_token(permissions: Value) -> Claims {
        claims(json!({
            "iss": "https://marketplace.us.auth0.com/",
            "sub": "auth0|602c0dcc7a9ea800690ef9b8",
            "aud": ["https://api.exampleco.com", "https://marketplace.us.auth0.com/userinfo"],
            "iat": 1_616_499_255, "exp": 1_616_585_655,
            "azp": "Bk8vkHpgjKTUqmSn0YNvLWmbRMIEVzHl",
            "scope": "openid profile email",
            "org_id": "org_9ybsU1dN2dKfDkBi",
            "permissions": permissions
        }))
    }

    fn a0(namespace: Option<&str>) -> Auth0Claims {
        Auth0Claims::new(namespace)
    }

    #[test]
    fn auth0_table() {
        let ns = Some("https://marketplace/");
        // (settings, id token extra, access token permissions,
        //  expected (org id, name, role, additional, permissions) or none)
        type Expected<'a> = Option<(&'a str, &'a str, &'a str, &'a [&'a str], &'a [&'a str])>;
        let cases: [(Auth0Claims, Value, Option<Value>, Expected); 6] = [
            (
                a0(ns),
                json!({}),
                Some(json!(["read:reports", "update:reports"])),
                Some((
                    "org_9ybsU1dN2dKfDkBi",
                    "exampleco",
                    "Admin",
                    &["marketplace-administrator"],
                    &["read:reports", "update:reports"],
                )),
            ),
            // Organization names not enabled: the id is the name.
            (
                a0(ns),
                json!({"org_name": null}),
                None,
                Some((
                    "org_9ybsU1dN2dKfDkBi",
                    "org_9ybsU1dN2dKfDkBi",
                    "Admin",
                    &["marketplace-administrator"],
                    &[],
                )),
            ),
            // No namespace configured: roles unknown, the default role.
            (
                a0(None),
                json!({}),
                Some(json!(["read:reports"])),
                Some((
                    "org_9ybsU1dN2dKfDkBi",
                    "exampleco",
                    "Member",
                    &[],
                    &["read:reports"],
                )),
            ),
            // Namespaced permissions from an Action join the token's.
            (
                a0(ns),
                json!({"https://marketplace/permissions": ["export:reports", "read:reports"]}),
                Some(json!(["read:reports"])),
                Some((
                    "org_9ybsU1dN2dKfDkBi",
                    "exampleco",
                    "Admin",
                    &["marketplace-administrator"],
                    &["export:reports", "read:reports"],
                )),
            ),
            // No Organization, but roles: the tenant is the org.
            (
                a0(ns),
                json!({"org_id": null, "org_name": null}),
                None,
                Some((
                    "https://marketplace.us.auth0.com/",
                    "marketplace.us.auth0.com",
                    "Admin",
                    &["marketplace-administrator"],
                    &[],
                )),
            ),
            // No Organization, no roles, no permissions: no orgs.
            (
                a0(None),
                json!({"org_id": null, "org_name": null}),
                None,
                None,
            ),
        ];
        for (settings, extra, permissions, expected) in cases {
            let at = permissions.map(access_token);
            let got = orgs(&settings, &id_token(extra.clone()), at.as_ref()).unwrap();
            match expected {
                None => assert!(got.is_empty(), "{extra}: {got:?}"),
                Some((id, name, role, more, perms)) => {
                    assert_eq!(got.len(), 1, "{extra}");
                    let o = &got[0];
                    assert_eq!(
                        (o.org_id.as_str(), o.org_name.as_str(), o.role.as_str()),
                        (id, name, role),
                        "{extra}"
                    );
                    assert_eq!(o.additional_roles, more, "{extra}");
                    assert_eq!(o.permissions, perms, "{extra}");
                }
            }
        }
    }

    #[test]
    fn the_access_token_is_optional_and_its_permissions_gate() {
        let org_claims = OrgClaims::new(Mapper::Auth0(a0(Some("https://marketplace"))));
        let id = id_token(json!({}));
        assert_eq!(
            org_claims.access_token_use(&id, None),
            AccessTokenUse::Optional
        );
        let user = org_claims
            .user(
                &ClaimSources::new(id)
                    .with_access_token(Some(access_token(json!(["read:reports"])))),
            )
            .unwrap();
        let org = &user.orgs[0];
        assert!(org.is_at_least_role("Member", &RoleOrder::default()));
        assert!(org.has_permission("read:reports"));
        assert!(!org.has_permission("update:reports"));
    }

    #[test]
    fn wrong_shapes_name_the_claim() {
        let cases = [
            (json!({"org_id": 7}), "`org_id` should be a string"),
            (
                json!({"https://marketplace/roles": {"a": 1}}),
                "`https://marketplace/roles` should be a list of strings",
            ),
        ];
        for (extra, expected) in cases {
            let err = orgs(&a0(Some("https://marketplace")), &id_token(extra), None)
                .unwrap_err()
                .to_string();
            assert!(err.contains(expected), "{err} ∌ {expected}");
        }
    }
}
