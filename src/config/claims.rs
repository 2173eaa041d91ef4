//! `org_claims` and its `[auth.NAME.claims]` table: which claim mapper reads
//! organizations, roles and permissions, and its settings.
//!
//! | key | for | meaning |
//! | --- | --- | --- |
//! | `source` | all but `none` | `"id_token"`, `"userinfo"` or `"access_token"` |
//! | `default_role` | keycloak, auth0, generic | the role of a member whose claims name none (`Member`) |
//! | `client_id` | keycloak | whose `resource_access` roles count (the provider's `client_id`) |
//! | `namespace` | auth0 | the custom claims' namespace: `NAMESPACE/roles`, `NAMESPACE/permissions` |
//! | `orgs` | generic (required) | JSON pointer to the organizations |
//! | `org_id`, `org_name`, `role`, `permissions` | generic | JSON pointers within each organization |

use super::error::{Checked, Problem, unknown_key_fix};
use super::section::Section;
use crate::identity::{
    Auth0Claims, ClaimSource, GenericClaims, KeycloakClaims, Mapper, OrgClaims, generic,
};

/// Every key of a claims table.
const CLAIMS_KEYS: &[&str] = &[
    "source",
    "default_role",
    "client_id",
    "namespace",
    "orgs",
    "org_id",
    "org_name",
    "role",
    "permissions",
];

/// The mappers each key applies to.
fn applies_to(key: &str) -> &'static [&'static str] {
    match key {
        "source" => &["propelauth", "keycloak", "auth0", "generic"],
        "default_role" => &["keycloak", "auth0", "generic"],
        "client_id" => &["keycloak"],
        "namespace" => &["auth0"],
        _ => &["generic"],
    }
}

/// `org_claims` and `claims` of one provider.
pub(crate) fn org_claims(section: Section<'_>, client_id: &str) -> Checked<OrgClaims> {
    let name = section.nonempty_str("org_claims")?.unwrap_or("propelauth");
    if !OrgClaims::NAMES.contains(&name) {
        return Err(Problem::new(
            &section.child("org_claims"),
            format!("`{name}` is not a known claim mapping"),
            format!(
                "use one of: {} (\"generic\" reads any claims through JSON pointers)",
                OrgClaims::NAMES.join(", ")
            ),
        ));
    }
    let key = section.child("claims");
    let table = section.table("claims")?;
    let empty = toml::Table::new();
    let claims = Section::new(&key, table.unwrap_or(&empty));
    if name == "none" && table.is_some_and(|t| !t.is_empty()) {
        return Err(Problem::new(
            &key,
            "is set, but `org_claims = \"none\"` reads no claims",
            "remove the claims table, or choose a mapper in `org_claims`",
        ));
    }
    for k in claims.table.keys() {
        if !CLAIMS_KEYS.contains(&k.as_str()) {
            return Err(Problem::new(
                &claims.child(k),
                "unknown key",
                unknown_key_fix(k, CLAIMS_KEYS),
            ));
        }
        let mappers = applies_to(k);
        if !mappers.contains(&name) {
            let set = if section.get("org_claims").is_some() {
                format!("it is `org_claims = \"{name}\"` here")
            } else {
                "`org_claims` is not set, so it is \"propelauth\"".to_owned()
            };
            return Err(Problem::new(
                &claims.child(k),
                format!(
                    "applies to `org_claims = \"{}\"` only, and {set}",
                    mappers.join("\" | \"")
                ),
                format!(
                    "remove `{k}`, or set `org_claims` to {}",
                    mappers
                        .iter()
                        .map(|m| format!("\"{m}\""))
                        .collect::<Vec<_>>()
                        .join(" or ")
                ),
            ));
        }
    }
    let source = match claims.nonempty_str("source")? {
        None => None,
        Some(raw) => Some(ClaimSource::parse(raw).ok_or_else(|| {
            Problem::new(
                &claims.child("source"),
                format!("`{raw}` is not a claim source"),
                "use \"id_token\", \"userinfo\" (with the ID token) or \"access_token\" (a JWT \
                 access token, verified, over both)",
            )
        })?),
    };
    let default_role = claims
        .nonempty_str("default_role")?
        .unwrap_or(crate::identity::DEFAULT_ROLE)
        .to_owned();
    let mapper = match name {
        "propelauth" => Mapper::Propelauth,
        "keycloak" => Mapper::Keycloak(KeycloakClaims {
            client_id: claims
                .nonempty_str("client_id")?
                .unwrap_or(client_id)
                .to_owned(),
            default_role,
        }),
        "auth0" => {
            let namespace = claims.nonempty_str("namespace")?;
            if let Some(ns) = namespace {
                let trimmed = ns.trim_end_matches('/');
                if let Some(base) = ["/roles", "/permissions"]
                    .iter()
                    .find_map(|suffix| trimmed.strip_suffix(suffix))
                {
                    return Err(Problem::new(
                        &claims.child("namespace"),
                        format!("`{ns}` looks like a whole claim name, not its namespace"),
                        format!(
                            "give the namespace alone, `namespace = \"{base}\"`: authdash reads \
                             `{base}/roles` and `{base}/permissions`"
                        ),
                    ));
                }
            }
            let mut a = Auth0Claims::new(namespace);
            a.default_role = default_role;
            Mapper::Auth0(a)
        }
        "generic" => {
            let orgs = pointer(claims, "orgs")?.ok_or_else(|| {
                Problem::new(
                    &claims.child("orgs"),
                    "is missing; `org_claims = \"generic\"` needs to know where the \
                     organizations are",
                    "add a JSON pointer to them, e.g. `orgs = \"/orgs\"` (in a claim whose name \
                     has `/`, write it as `~1`: `/https:~1~1example.com~1orgs`)",
                )
            })?;
            let mut g = GenericClaims::new(orgs);
            for (field, slot) in [
                ("org_id", &mut g.org_id),
                ("org_name", &mut g.org_name),
                ("role", &mut g.role),
                ("permissions", &mut g.permissions),
            ] {
                if let Some(p) = pointer(claims, field)? {
                    *slot = p;
                }
            }
            g.default_role = default_role;
            Mapper::Generic(g)
        }
        _ => Mapper::None,
    };
    Ok(OrgClaims { mapper, source })
}

/// A JSON pointer (RFC 6901) at `name`.
fn pointer(claims: Section<'_>, name: &str) -> Checked<Option<String>> {
    let Some(raw) = claims.str(name)? else {
        return Ok(None);
    };
    generic::check_pointer(raw).map_err(|problem| {
        let fix = if raw.starts_with('/') {
            "write `~` as `~0` and a `/` inside a claim name as `~1`".to_owned()
        } else {
            format!("start it with `/`, e.g. `{name} = \"/{raw}\"`")
        };
        Problem::new(&claims.child(name), problem, fix)
    })?;
    Ok(Some(raw.to_owned()))
}
