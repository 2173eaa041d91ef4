//! PropelAuth's claim shapes: userinfo's `org_id_to_org_info` and the access
//! token's `org_id_to_org_member_info` (same per-org fields).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{ClaimError, OrgMembership, RoleStructure};

/// The claims that may carry a user's organizations, in order of preference.
pub(crate) const ORG_CLAIMS: [&str; 2] = ["org_id_to_org_member_info", "org_id_to_org_info"];

/// Organizations from whichever PropelAuth org claim is present; none when
/// neither is (a user in no org, or a provider that sends no orgs).
pub(crate) fn orgs(claims: &BTreeMap<String, Value>) -> Result<Vec<OrgMembership>, ClaimError> {
    let Some((claim, value)) = ORG_CLAIMS
        .iter()
        .find_map(|c| claims.get(*c).map(|v| (*c, v)))
    else {
        return Ok(Vec::new());
    };
    let Value::Object(by_id) = value else {
        return Err(ClaimError::wrong_type(claim, "an object keyed by org id"));
    };
    let mut orgs = by_id
        .iter()
        .map(|(id, org)| membership(claim, id, org))
        .collect::<Result<Vec<_>, _>>()?;
    orgs.sort_by(|a, b| a.org_name.cmp(&b.org_name).then(a.org_id.cmp(&b.org_id)));
    Ok(orgs)
}

fn membership(claim: &str, id: &str, org: &Value) -> Result<OrgMembership, ClaimError> {
    let path = |field: &str| format!("{claim}.{id}.{field}");
    let Value::Object(org) = org else {
        return Err(ClaimError::wrong_type(
            &format!("{claim}.{id}"),
            "an object",
        ));
    };
    let org_id = optional_string(org, "org_id", &path)?.unwrap_or_else(|| id.to_owned());
    let org_name = optional_string(org, "org_name", &path)?.unwrap_or_else(|| org_id.clone());
    let role = optional_string(org, "user_role", &path)?
        .ok_or_else(|| ClaimError::Missing(path("user_role")))?;
    let role_structure = match optional_string(org, "org_role_structure", &path)?.as_deref() {
        Some("multi_role") => RoleStructure::MultiRole,
        _ => RoleStructure::SingleRoleInHierarchy,
    };
    Ok(OrgMembership {
        url_safe_org_name: optional_string(org, "url_safe_org_name", &path)?,
        org_metadata: match org.get("org_metadata") {
            Some(Value::Object(m)) => m.clone().into_iter().collect(),
            Some(Value::Null) | None => BTreeMap::new(),
            Some(_) => return Err(ClaimError::wrong_type(&path("org_metadata"), "an object")),
        },
        additional_roles: string_list(org, "additional_roles", &path)?.unwrap_or_default(),
        inherited_roles: string_list(org, "inherited_user_roles_plus_current_role", &path)?,
        permissions: string_list(org, "user_permissions", &path)?.unwrap_or_default(),
        org_id,
        org_name,
        role,
        role_structure,
    })
}

fn optional_string(
    org: &Map<String, Value>,
    field: &str,
    path: &dyn Fn(&str) -> String,
) -> Result<Option<String>, ClaimError> {
    match org.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ClaimError::wrong_type(&path(field), "a string")),
    }
}

fn string_list(
    org: &Map<String, Value>,
    field: &str,
    path: &dyn Fn(&str) -> String,
) -> Result<Option<Vec<String>>, ClaimError> {
    match org.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.clone()),
                _ => Err(ClaimError::wrong_type(&path(field), "a list of strings")),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(ClaimError::wrong_type(&path(field), "a list of strings")),
    }
}
