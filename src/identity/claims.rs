use std::collections::BTreeMap;

use serde_json::Value;

use super::OrgMembership;

/// Claims as the provider sent them, by name.
pub(crate) type Claims = BTreeMap<String, Value>;

/// Why claims could not become a [`User`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClaimError {
    #[error("the provider's claims have no `{0}`")]
    Missing(String),
    #[error("the provider's claim `{claim}` should be {expected}")]
    WrongType {
        claim: String,
        expected: &'static str,
    },
}

impl ClaimError {
    pub(crate) fn wrong_type(claim: &str, expected: &'static str) -> Self {
        Self::WrongType {
            claim: claim.to_owned(),
            expected,
        }
    }
}

/// Where a mapper reads organizations, roles and permissions
/// (`[auth.NAME.claims] source`). Each source includes the ones before it,
/// the later winning on a clash: the ID token; the ID token with userinfo
/// over it; both with the verified access token over them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClaimSource {
    IdToken,
    Userinfo,
    AccessToken,
}

impl ClaimSource {
    pub(crate) fn parse(name: &str) -> Option<Self> {
        match name {
            "id_token" => Some(Self::IdToken),
            "userinfo" => Some(Self::Userinfo),
            "access_token" => Some(Self::AccessToken),
            _ => None,
        }
    }
}

/// The claims of one login: the verified ID token's, userinfo's when the
/// provider has the endpoint, and the access token's when it is a JWT that
/// was verified (see `auth`).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ClaimSources {
    pub(crate) id_token: Claims,
    pub(crate) userinfo: Option<Claims>,
    pub(crate) access_token: Option<Claims>,
}

impl ClaimSources {
    pub(crate) fn new(id_token: Claims) -> Self {
        Self {
            id_token,
            ..Self::default()
        }
    }

    pub(crate) fn with_userinfo(mut self, userinfo: Option<Claims>) -> Self {
        self.userinfo = userinfo;
        self
    }

    pub(crate) fn with_access_token(mut self, access_token: Option<Claims>) -> Self {
        self.access_token = access_token;
        self
    }

    /// The ID token with userinfo over it: who the person is.
    pub(crate) fn profile(&self) -> Claims {
        self.up_to(ClaimSource::Userinfo)
    }

    /// The claims of `source` and of every source before it.
    pub(crate) fn up_to(&self, source: ClaimSource) -> Claims {
        let mut merged = self.id_token.clone();
        let mut over = |c: &Option<Claims>| {
            if let Some(c) = c {
                merged.extend(c.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
        };
        if source != ClaimSource::IdToken {
            over(&self.userinfo);
        }
        if source == ClaimSource::AccessToken {
            over(&self.access_token);
        }
        merged
    }
}

/// Whether the engine should verify the access token for a mapper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AccessTokenUse {
    /// The mapper does not read it.
    Never,
    /// Read when it is a JWT that verifies; a refusal is logged and the
    /// token ignored.
    Optional,
    /// `source = "access_token"`: a JWT that does not verify fails the
    /// login. An opaque (non-JWT) token is still skipped.
    Required,
}

/// The role of a member when the claims name none.
pub(crate) const DEFAULT_ROLE: &str = "Member";

pub(crate) fn string_claim(claims: &Claims, name: &str) -> Option<String> {
    claims
        .get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// A list of strings (or one string) at `claim`; `None` when absent or null.
pub(crate) fn strings(
    value: Option<&Value>,
    claim: &str,
) -> Result<Option<Vec<String>>, ClaimError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(vec![s.clone()])),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.clone()),
                _ => Err(ClaimError::wrong_type(claim, "a list of strings")),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(ClaimError::wrong_type(claim, "a list of strings")),
    }
}

/// Append the items not there yet, keeping order.
pub(crate) fn push_unique(into: &mut Vec<String>, items: impl IntoIterator<Item = String>) {
    for item in items {
        if !into.contains(&item) {
            into.push(item);
        }
    }
}

/// A membership with a primary role (the first of `roles`, else
/// `default_role`) and the rest as additional roles.
pub(crate) fn membership(
    org_id: String,
    org_name: String,
    roles: Vec<String>,
    default_role: &str,
    permissions: Vec<String>,
) -> OrgMembership {
    let mut roles = roles.into_iter();
    let role = roles.next().unwrap_or_else(|| default_role.to_owned());
    OrgMembership {
        org_id,
        org_name,
        url_safe_org_name: None,
        org_metadata: BTreeMap::new(),
        role,
        additional_roles: roles.collect(),
        inherited_roles: None,
        permissions,
        role_structure: super::RoleStructure::SingleRoleInHierarchy,
    }
}
