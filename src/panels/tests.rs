use std::collections::BTreeMap;

use super::*;
use crate::identity::{OrgMembership, RoleOrder, RoleStructure};

fn org(role: &str, permissions: &[&str]) -> OrgMembership {
    OrgMembership {
        org_id: "acme-id".into(),
        org_name: "Acme".into(),
        url_safe_org_name: None,
        org_metadata: BTreeMap::new(),
        role: role.into(),
        additional_roles: Vec::new(),
        inherited_roles: None,
        permissions: permissions.iter().map(|p| p.to_string()).collect(),
        role_structure: RoleStructure::SingleRoleInHierarchy,
    }
}

fn needs(min_role: Option<&str>, permissions: &[&str]) -> Requirement {
    Requirement {
        min_role: min_role.map(str::to_owned),
        role: None,
        permissions: permissions.iter().map(|p| p.to_string()).collect(),
    }
}

#[test]
fn gates_table() {
    let order = RoleOrder::default();
    let billing = needs(None, &["can_view_billing"]);
    let admin = needs(Some("Admin"), &[]);
    let both = needs(Some("Admin"), &["can_view_billing"]);
    let owner = org("Owner", &["can_view_billing"]);
    let bob = org("Admin", &["can_manage_members"]);
    let carol = org("Member", &[]);
    type Case<'a> = (
        &'a Requirement,
        Option<&'a OrgMembership>,
        Option<Vec<Unmet>>,
    );
    let cases: [Case; 9] = [
        (&billing, Some(&owner), None),
        (
            &billing,
            Some(&bob),
            Some(vec![Unmet::Permission("can_view_billing".into())]),
        ),
        (&admin, Some(&owner), None),
        (&admin, Some(&bob), None),
        (
            &admin,
            Some(&carol),
            Some(vec![Unmet::MinRole("Admin".into())]),
        ),
        (
            &both,
            Some(&carol),
            Some(vec![
                Unmet::MinRole("Admin".into()),
                Unmet::Permission("can_view_billing".into()),
            ]),
        ),
        (&admin, None, Some(vec![Unmet::NoOrg])),
        (&Requirement::default(), None, None),
        (&Requirement::default(), Some(&carol), None),
    ];
    for (i, (req, org, expected)) in cases.into_iter().enumerate() {
        match (req.check(org, &order), expected) {
            (Access::Allowed, None) => {}
            (Access::Denied(d), Some(unmet)) => assert_eq!(d.unmet, unmet, "case {i}"),
            (got, want) => panic!("case {i}: got {got:?}, wanted {want:?}"),
        }
    }
}

#[test]
fn a_denial_says_what_fails_where_and_what_the_user_has() {
    let Access::Denied(d) = needs(None, &["can_view_billing"]).check(
        Some(&org("Admin", &["can_manage_members"])),
        &RoleOrder::default(),
    ) else {
        panic!("should be denied");
    };
    assert_eq!(
        d.explain(),
        "Needs permission can_view_billing in Acme. You are Admin there, with permissions can_manage_members."
    );
    let Access::Denied(d) = needs(Some("Admin"), &[]).check(None, &RoleOrder::default()) else {
        panic!("should be denied");
    };
    assert!(
        d.explain().starts_with("Needs an active organization"),
        "{}",
        d.explain()
    );
}

#[test]
fn data_urls_fill_in_the_org_and_panel() {
    let spec = PanelSpec {
        id: "billing".into(),
        title: "Billing".into(),
        description: None,
        requires: Requirement::default(),
        data_url: Some("http://127.0.0.1:1/api/orgs/{org_id}/panels/{panel_id}".into()),
    };
    assert_eq!(
        spec.data_url_for("a b/c").as_deref(),
        Some("http://127.0.0.1:1/api/orgs/a+b%2Fc/panels/billing")
    );
}
