//! Organizations found through JSON pointers (RFC 6901), for providers
//! without a preset:
//!
//! - `orgs` points at the list of organizations in the claims (e.g.
//!   `/orgs`, or `/https:~1~1example.com~1orgs` for the claim
//!   `https://example.com/orgs`: `/` in a name is written `~1`, `~` is
//!   `~0`). It is an array (of objects, or of plain strings, each then both
//!   id and name) or an object keyed by org id. Absent or null: no orgs.
//! - Within each org object: `org_id` (default `/id`; in an object keyed by
//!   id, the key when the pointer finds nothing), `org_name` (default
//!   `/name`, else the id), `role` (default `/role`: a string, or a list
//!   whose first item is the primary role; absent: `default_role`, `Member`)
//!   and `permissions` (default `/permissions`: a list of strings).

use serde_json::Value;

use super::claims::{Claims, membership, strings};
use super::{ClaimError, OrgMembership};

/// Settings of the `generic` mapper: JSON pointers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GenericClaims {
    /// Into the claims: the organizations.
    pub(crate) orgs: String,
    /// Into each organization.
    pub(crate) org_id: String,
    pub(crate) org_name: String,
    pub(crate) role: String,
    pub(crate) permissions: String,
    /// The role of a member whose org names none.
    pub(crate) default_role: String,
}

impl GenericClaims {
    /// The defaults for every pointer but `orgs`.
    pub(crate) fn new(orgs: impl Into<String>) -> Self {
        Self {
            orgs: orgs.into(),
            org_id: "/id".into(),
            org_name: "/name".into(),
            role: "/role".into(),
            permissions: "/permissions".into(),
            default_role: super::claims::DEFAULT_ROLE.to_owned(),
        }
    }
}

/// Why `pointer` is not an RFC 6901 JSON pointer, if it is not.
pub(crate) fn check_pointer(pointer: &str) -> Result<(), String> {
    if !pointer.is_empty() && !pointer.starts_with('/') {
        return Err(format!(
            "`{pointer}` is not a JSON pointer: it must start with `/`"
        ));
    }
    let mut chars = pointer.chars();
    while let Some(c) = chars.next() {
        if c == '~' && !matches!(chars.next(), Some('0' | '1')) {
            return Err(format!(
                "`{pointer}` has a `~` not followed by 0 or 1 (write `~` as `~0` and `/` inside a name as `~1`)"
            ));
        }
    }
    Ok(())
}

pub(crate) fn orgs(
    settings: &GenericClaims,
    claims: &Claims,
) -> Result<Vec<OrgMembership>, ClaimError> {
    let root = Value::Object(claims.clone().into_iter().collect());
    let base = &settings.orgs;
    match root.pointer(base) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, org)| one(settings, &format!("{base}/{i}"), None, org))
            .collect(),
        Some(Value::Object(by_id)) => by_id
            .iter()
            .map(|(id, org)| {
                let escaped = id.replace('~', "~0").replace('/', "~1");
                one(settings, &format!("{base}/{escaped}"), Some(id), org)
            })
            .collect(),
        Some(_) => Err(ClaimError::wrong_type(
            base,
            "an array of organizations or an object keyed by org id",
        )),
    }
}

fn one(
    settings: &GenericClaims,
    at: &str,
    key: Option<&str>,
    org: &Value,
) -> Result<OrgMembership, ClaimError> {
    if let Value::String(id) = org {
        return Ok(membership(
            id.clone(),
            id.clone(),
            Vec::new(),
            &settings.default_role,
            Vec::new(),
        ));
    }
    if !org.is_object() {
        return Err(ClaimError::wrong_type(at, "an object or a string"));
    }
    let text = |pointer: &str| -> Result<Option<String>, ClaimError> {
        match org.pointer(pointer) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(_) => Err(ClaimError::wrong_type(
                &format!("{at}{pointer}"),
                "a string",
            )),
        }
    };
    let org_id = match (text(&settings.org_id)?, key) {
        (Some(id), _) => id,
        (None, Some(key)) => key.to_owned(),
        (None, None) => return Err(ClaimError::Missing(format!("{at}{}", settings.org_id))),
    };
    let org_name = text(&settings.org_name)?.unwrap_or_else(|| org_id.clone());
    let role_at = format!("{at}{}", settings.role);
    let roles = strings(org.pointer(&settings.role), &role_at)?.unwrap_or_default();
    let permissions_at = format!("{at}{}", settings.permissions);
    let permissions =
        strings(org.pointer(&settings.permissions), &permissions_at)?.unwrap_or_default();
    Ok(membership(
        org_id,
        org_name,
        roles,
        &settings.default_role,
        permissions,
    ))
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn claims(v: Value) -> Claims {
        serde_json::from_value(v).unwrap()
    }

    fn summary(orgs: &[OrgMembership]) -> Vec<(String, String, Vec<String>, Vec<String>)> {
        orgs.iter()
            .map(|o| {
                (
                    o.org_id.clone(),
                    o.org_name.clone(),
                    o.roles().map(str::to_owned).collect(),
                    o.permissions.clone(),
                )
            })
            .collect()
    }

    fn row(
        id: &str,
        name: &str,
        roles: &[&str],
        perms: &[&str],
    ) -> (String, String, Vec<String>, Vec<String>) {
        (
            id.into(),
            name.into(),
            roles.iter().map(|s| s.to_string()).collect(),
            perms.iter().map(|s| s.to_string()).collect(),
        )
    }

    #[test]
    fn generic_table() {
        let cases = [
            // An array of objects under a namespaced claim; default pointers.
            (
                GenericClaims::new("/https:~1~1example.com~1orgs"),
                json!({"https://example.com/orgs": [
                    {"id": "o1", "name": "Acme", "role": "Owner", "permissions": ["billing:read"]},
                    {"id": 42, "role": ["Member", "Billing"]}
                ]}),
                vec![
                    row("o1", "Acme", &["Owner"], &["billing:read"]),
                    row("42", "42", &["Member", "Billing"], &[]),
                ],
            ),
            // An object keyed by id (Zitadel-like), nested fields.
            (
                GenericClaims {
                    org_name: "/meta/display".into(),
                    role: "/membership/roles".into(),
                    permissions: "/membership/grants".into(),
                    ..GenericClaims::new("/tenants")
                },
                json!({"tenants": {
                    "t-1": {"meta": {"display": "Globex"}, "membership": {"roles": ["Admin"], "grants": ["a", "b"]}},
                    "t/2": {}
                }}),
                vec![
                    row("t-1", "Globex", &["Admin"], &["a", "b"]),
                    row("t/2", "t/2", &["Member"], &[]),
                ],
            ),
            // Plain strings: ids and names, the default role.
            (
                GenericClaims::new("/groups"),
                json!({"groups": ["eng", "ops"]}),
                vec![
                    row("eng", "eng", &["Member"], &[]),
                    row("ops", "ops", &["Member"], &[]),
                ],
            ),
            // Absent or null: no orgs.
            (GenericClaims::new("/orgs"), json!({}), vec![]),
            (GenericClaims::new("/orgs"), json!({"orgs": null}), vec![]),
        ];
        for (settings, input, expected) in cases {
            let got = orgs(&settings, &claims(input.clone())).unwrap();
            assert_eq!(summary(&got), expected, "{input}");
        }
    }

    #[test]
    fn errors_name_the_pointer() {
        let cases = [
            (
                json!({"orgs": "acme"}),
                "`/orgs` should be an array of organizations",
            ),
            (json!({"orgs": [{"name": "x"}]}), "no `/orgs/0/id`"),
            (
                json!({"orgs": [7]}),
                "`/orgs/0` should be an object or a string",
            ),
            (
                json!({"orgs": [{"id": "a", "role": {"x": 1}}]}),
                "`/orgs/0/role` should be a list of strings",
            ),
            (
                json!({"orgs": [{"id": ["a"]}]}),
                "`/orgs/0/id` should be a string",
            ),
        ];
        for (input, expected) in cases {
            let err = orgs(&GenericClaims::new("/orgs"), &claims(input))
                .unwrap_err()
                .to_string();
            assert!(err.contains(expected), "{err} ∌ {expected}");
        }
    }

    #[test]
    fn pointer_syntax() {
        for ok in ["", "/", "/orgs", "/a~1b", "/m~0n/0"] {
            assert!(check_pointer(ok).is_ok(), "{ok}");
        }
        for bad in ["orgs", "/a~", "/a~2b", "#/orgs"] {
            assert!(check_pointer(bad).is_err(), "{bad}");
        }
    }
}
