use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{User, propelauth};

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

/// Which claims carry organizations, roles and permissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrgClaims {
    /// PropelAuth: `org_id_to_org_member_info` / `org_id_to_org_info`.
    #[default]
    Propelauth,
    /// The provider says nothing about organizations.
    None,
}

impl OrgClaims {
    pub const NAMES: [&'static str; 2] = ["propelauth", "none"];

    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "propelauth" => Some(Self::Propelauth),
            "none" => Some(Self::None),
            _ => None,
        }
    }

    /// A user from merged claims (ID token, then userinfo over it).
    /// PropelAuth's userinfo names the subject `user_id`, so either will do.
    pub fn user(self, claims: BTreeMap<String, Value>) -> Result<User, ClaimError> {
        let subject = string_claim(&claims, "sub")
            .or_else(|| string_claim(&claims, "user_id"))
            .ok_or_else(|| ClaimError::Missing("sub".into()))?;
        let orgs = match self {
            Self::Propelauth => propelauth::orgs(&claims)?,
            Self::None => Vec::new(),
        };
        let name = string_claim(&claims, "name").or_else(|| {
            let first =
                string_claim(&claims, "given_name").or_else(|| string_claim(&claims, "first_name"));
            let last =
                string_claim(&claims, "family_name").or_else(|| string_claim(&claims, "last_name"));
            match (first, last) {
                (Some(f), Some(l)) => Some(format!("{f} {l}")),
                (f, l) => f.or(l),
            }
        });
        Ok(User {
            subject,
            email: string_claim(&claims, "email"),
            email_verified: claims.get("email_verified").and_then(Value::as_bool),
            name,
            picture: string_claim(&claims, "picture")
                .or_else(|| string_claim(&claims, "picture_url")),
            orgs,
            claims,
        })
    }
}

fn string_claim(claims: &BTreeMap<String, Value>, name: &str) -> Option<String> {
    claims
        .get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}
