//! A signed-in person in many organizations, built in memory (no
//! provider, no network) the way the PropelAuth mapper would leave it.

use std::collections::BTreeMap;

use authdash::auth::{Session, TokenSet};
use authdash::identity::{OrgMembership, RoleStructure, User};
use chrono::{TimeDelta, Utc};
use secrecy::SecretString;
use serde_json::{Value, json};

const FIRST: [&str; 8] = [
    "Northwind",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Acme",
    "Hooli",
];
const SECOND: [&str; 8] = [
    "Logistics",
    "Labs",
    "Analytics",
    "Health",
    "Energy",
    "Retail",
    "Systems",
    "Capital",
];
const ROLES: [&str; 3] = ["Owner", "Admin", "Member"];

/// The `i`th organization: a realistic name and id, a role, a few
/// permissions.
pub fn membership(i: usize) -> OrgMembership {
    let role = ROLES[i % ROLES.len()];
    let mut permissions = vec!["can_view_reports".to_owned()];
    if role != "Member" {
        permissions.push("can_manage_members".to_owned());
    }
    if role == "Owner" {
        permissions.push("can_view_billing".to_owned());
    }
    OrgMembership {
        org_id: format!(
            "{:08x}-4e5f-4a6b-8c7d-{:012x}",
            i * 2_654_435_761 % (1 << 32),
            i
        ),
        org_name: format!(
            "{} {} {i:05}",
            FIRST[i % FIRST.len()],
            SECOND[(i / FIRST.len()) % SECOND.len()]
        ),
        url_safe_org_name: None,
        org_metadata: BTreeMap::new(),
        role: role.to_owned(),
        additional_roles: Vec::new(),
        inherited_roles: None,
        permissions,
        role_structure: RoleStructure::SingleRoleInHierarchy,
    }
}

/// A session of a person in `count` organizations, sorted by name as the
/// mappers sort them; the claims carry the same orgs as PropelAuth's
/// `org_id_to_org_member_info`.
pub fn session(count: usize) -> Session {
    let mut orgs: Vec<OrgMembership> = (0..count).map(membership).collect();
    orgs.sort_by(|a, b| a.org_name.cmp(&b.org_name).then(a.org_id.cmp(&b.org_id)));
    let info: serde_json::Map<String, Value> = orgs
        .iter()
        .map(|o| {
            (
                o.org_id.clone(),
                json!({
                    "org_id": o.org_id,
                    "org_name": o.org_name,
                    "user_role": o.role,
                    "user_permissions": o.permissions,
                }),
            )
        })
        .collect();
    let now = Utc::now();
    let mut claims = BTreeMap::new();
    claims.insert("sub".to_owned(), json!("bench-user"));
    claims.insert("email".to_owned(), json!("bench@example.com"));
    claims.insert("name".to_owned(), json!("Bench Person"));
    claims.insert(
        "exp".to_owned(),
        json!((now + TimeDelta::hours(1)).timestamp()),
    );
    claims.insert("org_id_to_org_member_info".to_owned(), Value::Object(info));
    let user = User {
        subject: "bench-user".into(),
        email: Some("bench@example.com".into()),
        email_verified: Some(true),
        name: Some("Bench Person".into()),
        picture: None,
        orgs,
    };
    Session {
        provider: "demo".into(),
        issuer: "http://127.0.0.1:1".into(),
        client_id: "authdash-demo".into(),
        tokens: TokenSet {
            access_token: SecretString::from("bench-access-token"),
            refresh_token: Some(SecretString::from("bench-refresh-token")),
            id_token: SecretString::from("bench.id.token"),
            expires_at: Some(now + TimeDelta::minutes(10)),
            scopes: vec!["openid".into(), "profile".into(), "email".into()],
        },
        id_claims: claims,
        userinfo: None,
        user,
        logged_in_at: now,
        refreshed_at: None,
        unverified: None,
        apis: Default::default(),
    }
}
