use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::*;

fn membership(role: &str, inherited: Option<&[&str]>, structure: RoleStructure) -> OrgMembership {
    OrgMembership {
        org_id: "o1".into(),
        org_name: "Acme".into(),
        url_safe_org_name: None,
        org_metadata: BTreeMap::new(),
        role: role.into(),
        additional_roles: Vec::new(),
        inherited_roles: inherited.map(|r| r.iter().map(|s| s.to_string()).collect()),
        permissions: vec!["can_view_billing".into(), "can_manage_members".into()],
        role_structure: structure,
    }
}

#[test]
fn at_least_role_follows_the_configured_order() {
    let order = RoleOrder::default();
    let single = RoleStructure::SingleRoleInHierarchy;
    let cases = [
        ("Owner", "Owner", true),
        ("Owner", "Admin", true),
        ("Owner", "Member", true),
        ("Admin", "Owner", false),
        ("Admin", "Admin", true),
        ("Admin", "Member", true),
        ("Member", "Admin", false),
        ("Member", "Member", true),
        ("Guest", "Member", false),
        ("Guest", "Guest", true),
        ("Member", "Guest", false),
    ];
    for (held, wanted, expected) in cases {
        let m = membership(held, None, single);
        assert_eq!(
            m.is_at_least_role(wanted, &order),
            expected,
            "{held} >= {wanted}"
        );
    }
}

#[test]
fn a_custom_order_replaces_the_default() {
    let order = RoleOrder::new(vec!["Lead".into(), "Engineer".into(), "Viewer".into()]);
    let single = RoleStructure::SingleRoleInHierarchy;
    assert!(membership("Lead", None, single).is_at_least_role("Viewer", &order));
    assert!(!membership("Viewer", None, single).is_at_least_role("Engineer", &order));
    assert!(!membership("Owner", None, single).is_at_least_role("Admin", &order));
}

#[test]
fn the_providers_inherited_roles_win_over_the_order() {
    let order = RoleOrder::default();
    let single = RoleStructure::SingleRoleInHierarchy;
    // The provider says this Admin inherits nothing: trust it.
    let m = membership("Admin", Some(&["Admin"]), single);
    assert!(!m.is_at_least_role("Member", &order));
    let m = membership("Custom", Some(&["Custom", "Member"]), single);
    assert!(m.is_at_least_role("Member", &order));
    assert!(!m.is_at_least_role("Admin", &order));
}

#[test]
fn multi_role_orgs_have_no_order() {
    let order = RoleOrder::default();
    let mut m = membership("Owner", None, RoleStructure::MultiRole);
    m.additional_roles = vec!["Billing".into()];
    assert!(m.is_role("Owner"));
    assert!(m.is_role("Billing"));
    assert!(!m.is_at_least_role("Admin", &order));
    assert!(m.is_at_least_role("Billing", &order));
}

#[test]
fn permissions() {
    let m = membership("Member", None, RoleStructure::SingleRoleInHierarchy);
    assert!(m.has_permission("can_view_billing"));
    assert!(m.has_permission("can_manage_members"));
    assert!(!m.has_permission("can_delete_org"));
}

fn claims(v: Value) -> BTreeMap<String, Value> {
    match v {
        Value::Object(m) => m.into_iter().collect(),
        _ => BTreeMap::new(),
    }
}

fn sources(v: Value) -> ClaimSources {
    ClaimSources::new(claims(v))
}

fn acme(role: &str, inherited: Value) -> Value {
    json!({
        "org_id": "acme-id",
        "org_name": "Acme",
        "url_safe_org_name": "acme",
        "org_metadata": {"plan": "enterprise"},
        "user_role": role,
        "inherited_user_roles_plus_current_role": inherited,
        "user_permissions": ["can_view_billing"],
        "org_role_structure": "single_role_in_hierarchy",
        "additional_roles": []
    })
}

#[test]
fn propelauth_userinfo_and_access_token_shapes_both_map() {
    for claim in ["org_id_to_org_info", "org_id_to_org_member_info"] {
        let user = OrgClaims::propelauth()
            .user(&sources(json!({
                "user_id": "u-1",
                "email": "alice@example.com",
                "first_name": "Alice",
                "last_name": "Liddell",
                claim: {
                    "globex-id": {"org_id": "globex-id", "org_name": "Globex", "user_role": "Member"},
                    "acme-id": acme("Owner", json!(["Owner", "Admin", "Member"])),
                }
            })))
            .unwrap_or_else(|e| panic!("{claim}: {e}"));
        assert_eq!(user.subject, "u-1");
        assert_eq!(user.display_name(), "Alice Liddell");
        let names: Vec<_> = user.orgs.iter().map(|o| o.org_name.as_str()).collect();
        assert_eq!(names, ["Acme", "Globex"], "{claim}: sorted by name");
        let acme = &user.orgs[0];
        assert_eq!(acme.url_safe_org_name.as_deref(), Some("acme"));
        assert_eq!(acme.org_metadata.get("plan"), Some(&json!("enterprise")));
        assert!(acme.is_at_least_role("Admin", &RoleOrder::default()));
        assert!(acme.has_permission("can_view_billing"));
        assert!(user.orgs[1].permissions.is_empty());
    }
}

#[test]
fn claim_mapping_errors_name_the_claim() {
    let cases = [
        (json!({"email": "x@example.com"}), "no `sub`"),
        (
            json!({"sub": "s", "org_id_to_org_info": []}),
            "`org_id_to_org_info` should be an object keyed by org id",
        ),
        (
            json!({"sub": "s", "org_id_to_org_info": {"a": {"org_name": "A"}}}),
            "no `org_id_to_org_info.a.user_role`",
        ),
        (
            json!({"sub": "s", "org_id_to_org_info": {"a": {"user_role": "Admin", "user_permissions": "x"}}}),
            "`org_id_to_org_info.a.user_permissions` should be a list of strings",
        ),
    ];
    for (input, expected) in cases {
        let err = OrgClaims::propelauth().user(&sources(input)).unwrap_err();
        assert!(err.to_string().contains(expected), "{err} ∌ {expected}");
    }
}

#[test]
fn no_org_claims_means_no_orgs() {
    let user = OrgClaims::propelauth()
        .user(&sources(
            json!({"sub": "dave", "email": "dave@example.com"}),
        ))
        .unwrap();
    assert!(user.orgs.is_empty());
    assert_eq!(user.display_name(), "dave@example.com");
    let user = OrgClaims::none()
        .user(&sources(
            json!({"sub": "s", "org_id_to_org_info": {"a": {"user_role": "Admin"}}}),
        ))
        .unwrap();
    assert!(user.orgs.is_empty());
}

#[test]
fn propelauth_multi_role_orgs_hold_several_unordered_roles() {
    let user = OrgClaims::propelauth()
        .user(&sources(json!({
            "user_id": "u-1",
            "org_id_to_org_member_info": {
                "acme-id": {
                    "org_id": "acme-id", "org_name": "Acme", "url_safe_org_name": "acme",
                    "org_metadata": {}, "org_role_structure": "multi_role",
                    "user_role": "Engineer", "additional_roles": ["Billing", "Support"],
                    "inherited_user_roles_plus_current_role": ["Engineer"],
                    "user_permissions": ["can_view_billing"]
                }
            }
        })))
        .unwrap();
    let acme = &user.orgs[0];
    assert_eq!(acme.role_structure, RoleStructure::MultiRole);
    assert_eq!(
        acme.roles().collect::<Vec<_>>(),
        ["Engineer", "Billing", "Support"]
    );
    let order = RoleOrder::new(vec!["Engineer".into(), "Billing".into(), "Support".into()]);
    assert!(acme.is_role("Support"));
    assert!(acme.is_at_least_role("Billing", &order));
    assert!(!acme.is_at_least_role("Owner", &order));
}

fn member_info(role: &str) -> Value {
    json!({"acme-id": {"org_id": "acme-id", "org_name": "Acme", "user_role": role}})
}

#[test]
fn propelauth_reads_the_access_token_when_userinfo_has_no_orgs() {
    let id = claims(json!({"sub": "u-1", "email": "alice@example.com"}));
    let info = claims(json!({"user_id": "u-1", "email": "alice@example.com"}));
    let at = claims(json!({"sub": "u-1", "org_id_to_org_member_info": member_info("Admin")}));
    let pa = OrgClaims::propelauth();
    assert_eq!(
        pa.access_token_use(&id, Some(&info)),
        AccessTokenUse::Optional
    );
    let both = ClaimSources::new(id.clone())
        .with_userinfo(Some(info.clone()))
        .with_access_token(Some(at.clone()));
    let user = pa.user(&both).unwrap();
    assert_eq!(user.orgs[0].role, "Admin");
    assert!(!both.profile().contains_key("org_id_to_org_member_info"));

    // Userinfo with orgs: the access token is not needed, and not read.
    let mut info_orgs = info.clone();
    info_orgs.insert("org_id_to_org_info".into(), member_info("Member"));
    assert_eq!(
        pa.access_token_use(&id, Some(&info_orgs)),
        AccessTokenUse::Never
    );
    let user = pa
        .user(&both.clone().with_userinfo(Some(info_orgs)))
        .unwrap();
    assert_eq!(user.orgs[0].role, "Member");

    // An explicit source is obeyed: no fallback from userinfo.
    let pinned = OrgClaims::propelauth().with_source(ClaimSource::Userinfo);
    assert_eq!(
        pinned.access_token_use(&id, Some(&info)),
        AccessTokenUse::Never
    );
    assert!(pinned.user(&both).unwrap().orgs.is_empty());
    let from_at = OrgClaims::propelauth().with_source(ClaimSource::AccessToken);
    assert_eq!(
        from_at.access_token_use(&id, Some(&info)),
        AccessTokenUse::Required
    );
    assert_eq!(from_at.user(&both).unwrap().orgs[0].role, "Admin");
}

#[test]
fn sources_stack_in_order() {
    let s = ClaimSources::new(claims(json!({"sub": "s", "x": "id", "only_id": 1})))
        .with_userinfo(Some(claims(json!({"x": "userinfo"}))))
        .with_access_token(Some(claims(json!({"x": "access"}))));
    let x = |source| s.up_to(source).get("x").cloned().unwrap();
    assert_eq!(x(ClaimSource::IdToken), json!("id"));
    assert_eq!(x(ClaimSource::Userinfo), json!("userinfo"));
    assert_eq!(x(ClaimSource::AccessToken), json!("access"));
    assert_eq!(
        s.up_to(ClaimSource::AccessToken).get("only_id"),
        Some(&json!(1))
    );
    let none = OrgClaims::none().with_source(ClaimSource::AccessToken);
    assert_eq!(
        none.access_token_use(&s.id_token, None),
        AccessTokenUse::Never
    );
}
