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
        ..Requirement::default()
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

fn billing() -> PanelSpec {
    PanelSpec {
        id: "billing".into(),
        title: "Billing".into(),
        description: None,
        requires: Requirement::default(),
        data_url: Some("http://127.0.0.1:1/api/orgs/{org_id}/panels/{panel_id}?x=1".into()),
        command: None,
        select: None,
        view: View::Kv,
        refresh: None,
    }
}

/// The path segments and query of the address a panel would fetch.
fn fetched(org_id: &str) -> (Vec<String>, Option<String>, Option<String>) {
    let url = billing()
        .data_url_for(org_id)
        .expect("an org id that is not a dot segment is accepted")
        .expect("the panel has a data_url");
    let url = url::Url::parse(&url).expect("the filled template is a URL");
    let segments = url
        .path_segments()
        .map(|s| s.map(str::to_owned).collect())
        .unwrap_or_default();
    (
        segments,
        url.query().map(str::to_owned),
        url.fragment().map(str::to_owned),
    )
}

#[test]
fn data_urls_fill_in_the_org_and_panel() {
    assert_eq!(
        billing().data_url_for("a b+c").ok().flatten().as_deref(),
        Some("http://127.0.0.1:1/api/orgs/a%20b%2Bc/panels/billing?x=1")
    );
    assert_eq!(
        PanelSpec {
            data_url: None,
            ..billing()
        }
        .data_url_for("acme"),
        Ok(None)
    );
}

#[test]
fn an_org_id_climbing_out_with_dot_dot_slash_stays_one_segment() {
    let (segments, query, _) = fetched("../admin");
    assert_eq!(segments, ["api", "orgs", "..%2Fadmin", "panels", "billing"]);
    assert_eq!(query.as_deref(), Some("x=1"));
}

#[test]
fn an_org_id_with_a_slash_cannot_add_a_segment() {
    let (segments, _, _) = fetched("a/b");
    assert_eq!(segments, ["api", "orgs", "a%2Fb", "panels", "billing"]);
}

#[test]
fn an_org_id_cannot_cut_the_path_with_a_query_or_fragment() {
    let (segments, query, fragment) = fetched("x?y#z");
    assert_eq!(segments, ["api", "orgs", "x%3Fy%23z", "panels", "billing"]);
    assert_eq!(query.as_deref(), Some("x=1"));
    assert_eq!(fragment, None);
}

#[test]
fn an_org_id_cannot_smuggle_an_encoded_dot_segment() {
    // The URL parser takes `%2e%2e` for `..`; the `%` itself is encoded.
    let (segments, _, _) = fetched("%2e%2e");
    assert_eq!(segments, ["api", "orgs", "%252e%252e", "panels", "billing"]);
}

#[test]
fn dot_segments_as_org_ids_are_refused_with_a_clear_error() {
    for dots in [".", ".."] {
        let refused = billing().data_url_for(dots);
        assert_eq!(
            refused,
            Err(TemplateError::DotSegment {
                placeholder: "org_id",
                value: dots.to_owned()
            }),
            "{dots}"
        );
        let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            message.contains(&format!("org_id `{dots}`")) && message.contains("another path"),
            "{message}"
        );
    }
}

#[test]
fn an_empty_org_id_is_refused_only_where_the_address_needs_one() {
    assert_eq!(
        billing().data_url_for(""),
        Err(TemplateError::Empty {
            placeholder: "org_id"
        })
    );
    let no_org = PanelSpec {
        data_url: Some("http://127.0.0.1:1/api/me".into()),
        ..billing()
    };
    assert_eq!(
        no_org.data_url_for("").ok().flatten().as_deref(),
        Some("http://127.0.0.1:1/api/me")
    );
}
