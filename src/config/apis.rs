//! The APIs panels and scripts call, each with a token of its own: a
//! panel's `resource` and `scopes` (in its `source` table, or beside
//! `data_url`), a provider's `resources`, and how that provider is asked
//! for a token per API (`resource_style`).

use super::error::{Checked, Problem};
use super::section::Section;

/// How a provider issues a token for one API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResourceStyle {
    /// RFC 8707 (oidc-provider, Keycloak with resource indicators): every
    /// API asked for at login as a `resource`, then one token per API
    /// from the refresh token, `resource` naming it.
    #[default]
    Rfc8707,
    /// Auth0: the login's one `audience`; other APIs through the refresh
    /// grant with `audience` and `scope` (multi-resource refresh tokens).
    Audience,
    /// Microsoft Entra: one resource per request, `scope=<resource>/.default`.
    Entra,
}

impl ResourceStyle {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "rfc8707" => Some(Self::Rfc8707),
            "audience" => Some(Self::Audience),
            "entra" => Some(Self::Entra),
            _ => None,
        }
    }
}

/// One API a token is asked for: its identifier (RFC 8707's resource,
/// Auth0's audience, Entra's application ID URI) and the scopes it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiRef {
    pub resource: String,
    pub scopes: Vec<String>,
    /// Where the config names it (`authdash.panels[1].source.resource`),
    /// for messages.
    pub key: String,
}

/// `resource` and `scopes` of a panel's source table (or of the panel,
/// beside `data_url`).
pub(crate) fn api_of(section: &Section<'_>) -> Checked<Option<ApiRef>> {
    let resource = section.nonempty_str("resource")?;
    let scopes = scopes(section, "scopes")?;
    match (resource, scopes) {
        (None, None) => Ok(None),
        (None, Some(_)) => Err(Problem::new(
            &section.child("scopes"),
            "is given without `resource`",
            "name the API these scopes are for, e.g. `resource = \"https://api.example.com/\"`, \
             or move them to `requires.scopes` if they are the login's",
        )),
        (Some(raw), scopes) => Ok(Some(ApiRef {
            resource: resource_id(&section.child("resource"), raw)?,
            scopes: scopes.unwrap_or_default(),
            key: section.child("resource"),
        })),
    }
}

/// A provider's `resources = ["...", ...]`: APIs used only by scripts.
pub(crate) fn provider_resources(section: &Section<'_>) -> Checked<Vec<ApiRef>> {
    let key = section.child("resources");
    let Some(list) = section.strings("resources")? else {
        return Ok(Vec::new());
    };
    list.iter()
        .enumerate()
        .map(|(i, raw)| {
            let key = format!("{key}[{i}]");
            Ok(ApiRef {
                resource: resource_id(&key, raw)?,
                scopes: Vec::new(),
                key,
            })
        })
        .collect()
}

/// `resource_style`, `rfc8707` when absent.
pub(crate) fn resource_style(section: &Section<'_>) -> Checked<ResourceStyle> {
    match section.str("resource_style")? {
        None => Ok(ResourceStyle::default()),
        Some(raw) => ResourceStyle::parse(raw).ok_or_else(|| {
            Problem::new(
                &section.child("resource_style"),
                format!("`{raw}` is not a way of asking for API tokens"),
                "use \"rfc8707\" (resource indicators: oidc-provider, Keycloak), \"audience\" \
                 (Auth0) or \"entra\" (Microsoft Entra ID)",
            )
        }),
    }
}

fn scopes(section: &Section<'_>, name: &str) -> Checked<Option<Vec<String>>> {
    let Some(list) = section.strings(name)? else {
        return Ok(None);
    };
    for (i, s) in list.iter().enumerate() {
        if s.is_empty() || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Problem::new(
                &format!("{}[{i}]", section.child(name)),
                "is not one scope (empty, or with a space in it)",
                "give each scope as its own string, e.g. `scopes = [\"billing:read\", \"billing:write\"]`",
            ));
        }
    }
    Ok(Some(list))
}

/// An API's identifier: an absolute URI without a fragment (RFC 8707
/// §2; Auth0 audiences and Entra application ID URIs are URIs too).
fn resource_id(key: &str, raw: &str) -> Checked<String> {
    let fix = "give the API's identifier as an absolute URI, e.g. `https://api.example.com/` \
               (RFC 8707), the API's audience at Auth0, or its application ID URI at Entra \
               (`api://billing`)";
    let raw = raw.trim();
    if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Problem::new(key, "has spaces or control characters", fix));
    }
    let url = url::Url::parse(raw)
        .map_err(|e| Problem::new(key, format!("is not an absolute URI ({e})"), fix))?;
    if url.fragment().is_some() {
        return Err(Problem::new(
            key,
            "has a fragment (`#...`); a resource indicator must not (RFC 8707 §2)",
            "remove the `#` and what follows",
        ));
    }
    Ok(raw.to_owned())
}
