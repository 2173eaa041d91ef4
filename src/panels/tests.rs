use std::collections::BTreeMap;

use super::view::View;
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

fn req(f: impl FnOnce(&mut Requirement)) -> Requirement {
    let mut r = Requirement::default();
    f(&mut r);
    r
}

fn in_org(id: &str, name: &str, role: &str, permissions: &[&str]) -> OrgMembership {
    OrgMembership {
        org_id: id.into(),
        org_name: name.into(),
        ..org(role, permissions)
    }
}

#[test]
fn gates_over_any_permission_role_multi_role_and_scopes() {
    let order = RoleOrder::default();
    let scopes = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let any =
        req(|r| r.any_permission = vec!["can_view_billing".into(), "can_view_reports".into()]);
    let billing_editor = req(|r| r.role = Some("BillingEditor".into()));
    let reports_scope = req(|r| r.scopes = vec!["reports:read".into()]);
    let mut multi = org("Member", &[]);
    multi.role_structure = RoleStructure::MultiRole;
    multi.additional_roles = vec!["BillingEditor".into(), "Support".into()];
    let reader = org("Member", &["can_view_reports"]);
    let nothing = org("Member", &[]);
    let openid = scopes(&["openid", "email"]);
    let with_reports = scopes(&["openid", "reports:read"]);
    type Case<'a> = (
        &'a Requirement,
        Option<&'a OrgMembership>,
        &'a [String],
        Option<Vec<Unmet>>,
    );
    let cases: [Case; 8] = [
        (&any, Some(&reader), &openid, None),
        (
            &any,
            Some(&nothing),
            &openid,
            Some(vec![Unmet::AnyPermission(vec![
                "can_view_billing".into(),
                "can_view_reports".into(),
            ])]),
        ),
        // A multi-role org: any of the person's roles counts.
        (&billing_editor, Some(&multi), &openid, None),
        (
            &billing_editor,
            Some(&nothing),
            &openid,
            Some(vec![Unmet::Role("BillingEditor".into())]),
        ),
        // Scopes are the session's, whatever the org (or none).
        (&reports_scope, None, &with_reports, None),
        (
            &reports_scope,
            Some(&reader),
            &openid,
            Some(vec![Unmet::Scope("reports:read".into())]),
        ),
        (
            &reports_scope,
            None,
            &openid,
            Some(vec![Unmet::Scope("reports:read".into())]),
        ),
        (&any, None, &openid, Some(vec![Unmet::NoOrg])),
    ];
    for (i, (r, org, scopes, expected)) in cases.into_iter().enumerate() {
        match (r.check_session(org, &order, scopes), expected) {
            (Access::Allowed, None) => {}
            (Access::Denied(d), Some(unmet)) => assert_eq!(d.unmet, unmet, "case {i}"),
            (got, want) => panic!("case {i}: got {got:?}, wanted {want:?}"),
        }
    }
}

#[test]
fn a_missing_scope_is_explained_as_the_sessions_not_the_orgs() {
    let Access::Denied(d) = req(|r| r.scopes = vec!["reports:read".into()]).check_session(
        Some(&org("Owner", &[])),
        &RoleOrder::default(),
        &["openid".to_owned()],
    ) else {
        panic!("should be denied");
    };
    assert_eq!(d.missing_scopes(), ["reports:read"]);
    assert!(!d.org_bound());
    assert!(
        d.explain().contains("this session was not granted"),
        "{}",
        d.explain()
    );
}

#[test]
fn the_orgs_that_would_unlock_a_panel_are_found() {
    let order = RoleOrder::default();
    let orgs = [
        in_org("acme", "Acme", "Admin", &["can_manage_members"]),
        in_org("globex", "Globex", "Owner", &["can_view_billing"]),
        in_org("initech", "Initech", "Member", &["can_view_billing"]),
    ];
    let billing = needs(None, &["can_view_billing"]);
    let names = |r: &Requirement| {
        r.unlocking_orgs(&orgs, &order)
            .into_iter()
            .map(|o| o.org_name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&billing), ["Globex", "Initech"]);
    assert_eq!(
        names(&needs(Some("Admin"), &["can_view_billing"])),
        ["Globex"]
    );
    assert!(names(&needs(None, &["can_fly"])).is_empty());
}

#[test]
fn placeholders_fill_the_address_and_the_argv() {
    let spec = PanelSpec {
        data_url: Some("https://api.example.com/{org_name}/{user_id}/{panel_id}".into()),
        command: Some(CommandSource {
            argv: vec!["report".into(), "--org={org_name}".into()],
            token_env: "T".into(),
            timeout: std::time::Duration::from_secs(1),
            output_cap: 10,
        }),
        ..billing()
    };
    let vars = TemplateVars {
        org_id: "o1",
        org_name: "Acme & Co/EU",
        user_id: "u 1",
    };
    assert_eq!(
        spec.url_for(vars).ok().flatten().as_deref(),
        Some("https://api.example.com/Acme%20%26%20Co%2FEU/u%201/billing")
    );
    // No shell: the name stays inside its one argument as it is.
    assert_eq!(
        spec.argv_for(vars),
        Some(Ok(vec![
            "report".to_owned(),
            "--org=Acme & Co/EU".to_owned()
        ]))
    );
}

#[test]
fn placeholders_are_filled_once_and_no_value_begins_an_argument_with_a_dash() {
    let spec = PanelSpec {
        data_url: Some("https://api.example.com/{org_name}/{user_id}".into()),
        command: Some(CommandSource {
            argv: vec![
                "/bin/report".into(),
                "{org_name}".into(),
                "--user={user_id}".into(),
                "{org_id}{org_name}".into(),
            ],
            token_env: "T".into(),
            timeout: std::time::Duration::from_secs(1),
            output_cap: 10,
        }),
        ..billing()
    };
    let vars = |org_name, org_id| TemplateVars {
        org_id,
        org_name,
        user_id: "u1",
    };
    // A value holding a placeholder is not read again.
    assert_eq!(
        spec.argv_for(vars("{user_id}", "o1")),
        Some(Ok(vec![
            "/bin/report".to_owned(),
            "{user_id}".to_owned(),
            "--user=u1".to_owned(),
            "o1{user_id}".to_owned(),
        ]))
    );
    assert_eq!(
        spec.url_for(vars("{user_id}", "o1"))
            .ok()
            .flatten()
            .as_deref(),
        Some("https://api.example.com/%7Buser_id%7D/u1")
    );
    // A value that would begin an argument with `-` is refused, however
    // the argument goes on; inside an argument it is only text.
    for (org_name, org_id) in [("--output=/x", "o1"), ("-rf", "o1"), ("Acme", "-o1")] {
        match spec.argv_for(vars(org_name, org_id)) {
            Some(Err(e @ TemplateError::OptionLike { .. })) => {
                assert!(e.to_string().contains("read as an option"), "{e}")
            }
            other => panic!("{org_name}/{org_id}: expected a refusal, got {other:?}"),
        }
    }
    let fine = PanelSpec {
        command: Some(CommandSource {
            argv: vec!["/bin/report".into(), "--org={org_name}".into()],
            token_env: "T".into(),
            timeout: std::time::Duration::from_secs(1),
            output_cap: 10,
        }),
        ..billing()
    };
    assert_eq!(
        fine.argv_for(vars("--output=/x", "o1")),
        Some(Ok(vec![
            "/bin/report".to_owned(),
            "--org=--output=/x".to_owned()
        ]))
    );
}

#[test]
fn views_shape_rows_series_and_text() {
    use super::view::{ChartView, Column, Format, TableView};
    let rows = serde_json::json!([
        {"name": "Bob", "amount": 1234.5, "share": 0.25},
        {"name": "Alice", "amount": -7, "extra": true},
    ]);
    let inferred = TableView::default().shape(&rows).expect("rows");
    assert_eq!(inferred.headers, ["Amount", "Name", "Share", "Extra"]);
    let configured = TableView {
        columns: vec![
            Column {
                key: "name".into(),
                title: "Who".into(),
                format: Format::Plain,
            },
            Column {
                key: "amount".into(),
                title: "€".into(),
                format: Format::Currency("€".into()),
            },
            Column {
                key: "share".into(),
                title: "%".into(),
                format: Format::Percent,
            },
        ],
    }
    .shape(&rows)
    .expect("rows");
    let texts: Vec<Vec<&str>> = configured
        .rows
        .iter()
        .map(|r| r.iter().map(|c| c.text.as_str()).collect())
        .collect();
    assert_eq!(
        texts,
        [["Bob", "€1,234.50", "25%"], ["Alice", "-€7.00", "—"]]
    );
    assert!(
        TableView::default()
            .shape(&serde_json::json!({"a": 1}))
            .is_err()
    );

    let chart = ChartView {
        x: Some("m".into()),
        y: Some("v".into()),
        ..ChartView::default()
    };
    let points = chart
        .shape(&serde_json::json!([{"m": "Jan", "v": 1}, {"m": "Feb", "v": 2.5}]))
        .expect("series");
    assert_eq!(points, [("Jan".to_owned(), 1.0), ("Feb".to_owned(), 2.5)]);
    assert!(chart.shape(&serde_json::json!([{"m": "Jan"}])).is_err());
    // The older shape, bare numbers, still reads with keys configured.
    assert_eq!(
        chart.shape(&serde_json::json!([3, 4.5])).expect("numbers"),
        [("1".to_owned(), 3.0), ("2".to_owned(), 4.5)]
    );
    assert_eq!(
        ChartView::default()
            .shape(&serde_json::json!([3, 4]))
            .expect("numbers")
            .len(),
        2
    );
    assert_eq!(super::view::text(&serde_json::json!("hello")), "hello");
    assert!(super::view::is_empty(&serde_json::json!([])));
}

#[test]
fn a_pointer_selects_or_says_what_matched_nothing() {
    let v = serde_json::json!({"data": {"items": [1]}});
    assert_eq!(
        select(v.clone(), Some("/data/items")),
        Ok(serde_json::json!([1]))
    );
    assert_eq!(select(v.clone(), None), Ok(v.clone()));
    assert_eq!(
        select(v, Some("/data/rows")),
        Err(SourceError::PointerMiss("/data/rows".into()))
    );
}
