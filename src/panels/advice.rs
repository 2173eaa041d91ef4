//! Whom a person asks about a panel locked to them: someone with more
//! rights than they have, by the configured role order. An Admin asks an
//! Owner; a Member missing "at least Admin" asks an Admin or an Owner; no
//! one ranks above an Owner, so an Owner's missing permission is a matter
//! for whoever sets the roles' permissions at the provider.

use std::collections::BTreeMap;

use serde_json::Value;

use super::requirement::{Denial, Unmet};
use crate::identity::{OrgMembership, RoleOrder, RoleStructure};

/// Whom to ask, as a phrase that follows "ask".
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ask {
    /// "an Owner of Acme", "an Admin or Owner of Acme", "someone with at
    /// least Lead in Acme" (more than two roles qualify).
    Someone(String),
    /// No role in the org ranks above the person's: the permission is
    /// given (or not) with the roles, at the provider.
    NoOneAbove { role: String },
}

/// Whom `org`'s member asks for what `denial` says is missing.
pub(crate) fn whom_to_ask(denial: &Denial, org: &OrgMembership, order: &RoleOrder) -> Ask {
    let held = held_rank(org, order);
    let Some(held) = held else {
        return Ask::Someone(format!(
            "someone who manages the members of {}",
            org.org_name
        ));
    };
    // The highest role asked for: a role's own rank, or the next one up
    // from the person's for a permission (whoever holds more rights).
    let mut wanted: Option<usize> = None;
    for unmet in &denial.unmet {
        let rank = match unmet {
            Unmet::MinRole(r) => order.rank(r).or(held.checked_sub(1)),
            Unmet::Role(r) => order.rank(r).filter(|&w| w < held).or(held.checked_sub(1)),
            Unmet::Permission(_) | Unmet::AnyPermission(_) => held.checked_sub(1),
            Unmet::NoOrg | Unmet::Scope(_) | Unmet::ConfirmedRoles => continue,
        };
        let Some(rank) = rank else {
            return Ask::NoOneAbove {
                role: org.role.clone(),
            };
        };
        wanted = Some(wanted.map_or(rank, |w: usize| w.min(rank)));
    }
    match wanted {
        Some(rank) => Ask::Someone(roles_from(rank, org, order)),
        None => match held.checked_sub(1) {
            Some(up) => Ask::Someone(roles_from(up, org, order)),
            None => Ask::NoOneAbove {
                role: org.role.clone(),
            },
        },
    }
}

/// Whom the person asks when the API refuses what the config allows:
/// the next role up in `org`, if any.
pub(crate) fn above(org: &OrgMembership, order: &RoleOrder) -> Ask {
    let empty = Denial {
        unmet: Vec::new(),
        org: None,
        held_roles: Vec::new(),
        held_permissions: Vec::new(),
    };
    whom_to_ask(&empty, org, order)
}

/// Who could invite someone in no organization: the people who manage an
/// organization's members, by the order's two highest roles.
pub(crate) fn who_invites(order: &RoleOrder) -> String {
    match order.roles() {
        [] => "someone who manages an organization's members".into(),
        [only] => format!("{} of an organization", with_article(only)),
        [top, next, ..] => format!("{} or {next} of an organization", with_article(top)),
    }
}

/// The person's highest ranked role in `org`; `None` where the order does
/// not rank them (a role it does not name, or a multi-role org).
fn held_rank(org: &OrgMembership, order: &RoleOrder) -> Option<usize> {
    if org.role_structure == RoleStructure::MultiRole {
        return None;
    }
    org.roles().filter_map(|r| order.rank(r)).min()
}

/// The roles from rank `from` up to the highest, nearest first, as whom
/// to ask in `org`; the owners by name where the org's metadata names
/// them (the highest role is always among those asked).
fn roles_from(from: usize, org: &OrgMembership, order: &RoleOrder) -> String {
    let roles: Vec<&String> = order.roles()[..=from].iter().rev().collect();
    let name = &org.org_name;
    let mut text = match roles.as_slice() {
        [one] => format!("{} of {name}", with_article(one)),
        [near, top] => format!("{} or {top} of {name}", with_article(near)),
        _ => format!("someone with at least {} in {name}", order.roles()[from]),
    };
    if let Some(owners) = named_owners(&org.org_metadata) {
        text.push_str(&format!(" ({name} names its owners: {owners})"));
    }
    text
}

/// The org's owners where its metadata names them (`owners`,
/// `owner_emails` or `owner_email`).
fn named_owners(metadata: &BTreeMap<String, Value>) -> Option<String> {
    ["owners", "owner_emails", "owner_email"]
        .iter()
        .find_map(|k| metadata.get(*k))
        .map(|v| match v {
            Value::Array(a) => a
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", "),
            other => super::view::text(other),
        })
        .filter(|s| !s.is_empty())
}

/// "an Owner", "a Member".
fn with_article(role: &str) -> String {
    let vowel = role
        .chars()
        .next()
        .is_some_and(|c| "AEIOUaeiou".contains(c));
    format!("{} {role}", if vowel { "an" } else { "a" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::panels::{Access, Requirement};

    fn org(role: &str, permissions: &[&str]) -> OrgMembership {
        OrgMembership {
            org_id: "acme".into(),
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

    fn ask(requirement: Requirement, org: &OrgMembership, order: &RoleOrder) -> Ask {
        match requirement.check(Some(org), order) {
            Access::Denied(denial) => whom_to_ask(&denial, org, order),
            Access::Allowed => panic!("{requirement:?} should be denied to {org:?}"),
        }
    }

    fn permission(p: &str) -> Requirement {
        Requirement {
            permissions: vec![p.into()],
            ..Default::default()
        }
    }

    fn min_role(r: &str) -> Requirement {
        Requirement {
            min_role: Some(r.into()),
            ..Default::default()
        }
    }

    fn someone(text: &str) -> Ask {
        Ask::Someone(text.into())
    }

    #[test]
    fn an_admin_asks_an_owner_and_never_an_admin() {
        let order = RoleOrder::default();
        let bob = org("Admin", &["can_manage_members"]);
        assert_eq!(
            ask(permission("can_view_billing"), &bob, &order),
            someone("an Owner of Acme")
        );
    }

    #[test]
    fn a_member_asks_someone_with_the_role_wanted_or_above() {
        let order = RoleOrder::default();
        let carol = org("Member", &["can_view_reports"]);
        assert_eq!(
            ask(min_role("Admin"), &carol, &order),
            someone("an Admin or Owner of Acme")
        );
        assert_eq!(
            ask(min_role("Owner"), &carol, &order),
            someone("an Owner of Acme")
        );
        assert_eq!(
            ask(permission("can_view_billing"), &carol, &order),
            someone("an Admin or Owner of Acme")
        );
    }

    #[test]
    fn no_one_ranks_above_an_owner() {
        let order = RoleOrder::default();
        let alice = org("Owner", &["can_view_billing"]);
        assert_eq!(
            ask(permission("can_export_audit"), &alice, &order),
            Ask::NoOneAbove {
                role: "Owner".into()
            }
        );
    }

    #[test]
    fn a_longer_configured_order_says_at_least() {
        let order = RoleOrder::new(
            ["Owner", "Admin", "Lead", "Member", "Guest"]
                .map(String::from)
                .to_vec(),
        );
        let guest = org("Guest", &[]);
        assert_eq!(
            ask(min_role("Lead"), &guest, &order),
            someone("someone with at least Lead in Acme")
        );
        assert_eq!(
            ask(permission("x"), &guest, &order),
            someone("someone with at least Member in Acme")
        );
        let lead = org("Lead", &[]);
        assert_eq!(
            ask(permission("x"), &lead, &order),
            someone("an Admin or Owner of Acme")
        );
    }

    #[test]
    fn an_unranked_role_asks_whoever_manages_members() {
        let order = RoleOrder::default();
        let mut auditor = org("Auditor", &[]);
        assert_eq!(
            ask(permission("x"), &auditor, &order),
            someone("someone who manages the members of Acme")
        );
        auditor.role = "Admin".into();
        auditor.role_structure = RoleStructure::MultiRole;
        assert_eq!(
            ask(permission("x"), &auditor, &order),
            someone("someone who manages the members of Acme")
        );
    }

    #[test]
    fn owners_named_in_the_metadata_are_named() {
        let order = RoleOrder::default();
        let mut bob = org("Admin", &[]);
        bob.org_metadata
            .insert("owners".into(), serde_json::json!(["olivia@acme.example"]));
        assert_eq!(
            ask(permission("can_view_billing"), &bob, &order),
            someone("an Owner of Acme (Acme names its owners: olivia@acme.example)")
        );
    }

    #[test]
    fn invitations_come_from_the_two_highest_roles() {
        assert_eq!(
            who_invites(&RoleOrder::default()),
            "an Owner or Admin of an organization"
        );
        assert_eq!(
            who_invites(&RoleOrder::new(vec!["Boss".into()])),
            "a Boss of an organization"
        );
    }
}
