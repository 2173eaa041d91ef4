//! The claim mapper `org_claims` chooses, with its settings: where it
//! reads and how a login's claims become a [`User`] with organizations.

use serde_json::Value;

use super::auth0::Auth0Claims;
use super::claims::{AccessTokenUse, ClaimError, ClaimSource, ClaimSources, Claims, string_claim};
use super::generic::GenericClaims;
use super::keycloak::KeycloakClaims;
use super::{OrgMembership, User, auth0, generic, keycloak, propelauth};

/// The claim mapper chosen by `org_claims`, with its settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Mapper {
    /// PropelAuth: `org_id_to_org_member_info` / `org_id_to_org_info`.
    Propelauth,
    /// Keycloak: groups as orgs, realm and client roles.
    Keycloak(KeycloakClaims),
    /// Auth0: Organizations (`org_id`, `org_name`), namespaced roles and
    /// permissions, the access token's `permissions`.
    Auth0(Auth0Claims),
    /// JSON pointers into the claims.
    Generic(GenericClaims),
    /// The provider says nothing about organizations.
    None,
}

/// Which claims carry organizations, roles and permissions
/// (`org_claims` and `[auth.NAME.claims]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OrgClaims {
    pub(crate) mapper: Mapper,
    /// `None`: the mapper's default (see [`OrgClaims::source`]).
    pub(crate) source: Option<ClaimSource>,
}

impl Default for OrgClaims {
    fn default() -> Self {
        Self::propelauth()
    }
}

impl OrgClaims {
    /// The values of `org_claims`.
    pub(crate) const NAMES: [&'static str; 5] =
        ["propelauth", "keycloak", "auth0", "generic", "none"];

    pub(crate) fn new(mapper: Mapper) -> Self {
        Self {
            mapper,
            source: None,
        }
    }

    pub(crate) fn propelauth() -> Self {
        Self::new(Mapper::Propelauth)
    }

    /// The tests' mapper; a config builds it from its table.
    #[cfg(test)]
    pub(crate) fn none() -> Self {
        Self::new(Mapper::None)
    }

    #[cfg(test)]
    pub(crate) fn with_source(mut self, source: ClaimSource) -> Self {
        self.source = Some(source);
        self
    }

    /// The `org_claims` value.
    pub(crate) fn name(&self) -> &'static str {
        match self.mapper {
            Mapper::Propelauth => "propelauth",
            Mapper::Keycloak(_) => "keycloak",
            Mapper::Auth0(_) => "auth0",
            Mapper::Generic(_) => "generic",
            Mapper::None => "none",
        }
    }

    /// Where org claims are read: the configured source, else Keycloak's
    /// access token (where it puts `realm_access` and `resource_access` by
    /// default), else userinfo over the ID token.
    pub(crate) fn source(&self) -> ClaimSource {
        match (self.source, &self.mapper) {
            (Some(s), _) => s,
            (None, Mapper::Keycloak(_)) => ClaimSource::AccessToken,
            (None, _) => ClaimSource::Userinfo,
        }
    }

    /// Whether organizations, roles or permissions may come from userinfo:
    /// then every renewal must read it again, or a role taken away there
    /// would keep unlocking panels.
    pub(crate) fn reads_userinfo(&self) -> bool {
        !matches!(self.mapper, Mapper::None) && self.source() != ClaimSource::IdToken
    }

    /// Whether the access token is needed, given the ID token and userinfo.
    /// PropelAuth without a configured source reads it only when neither
    /// carries orgs; Auth0 always looks for its `permissions`.
    pub(crate) fn access_token_use(
        &self,
        id_token: &Claims,
        userinfo: Option<&Claims>,
    ) -> AccessTokenUse {
        if self.source() == ClaimSource::AccessToken {
            return match self.mapper {
                Mapper::None => AccessTokenUse::Never,
                _ => AccessTokenUse::Required,
            };
        }
        match self.mapper {
            Mapper::Propelauth if self.source.is_none() => {
                let has_orgs =
                    |c: &Claims| propelauth::ORG_CLAIMS.iter().any(|k| c.contains_key(*k));
                if has_orgs(id_token) || userinfo.is_some_and(has_orgs) {
                    AccessTokenUse::Never
                } else {
                    AccessTokenUse::Optional
                }
            }
            Mapper::Auth0(_) => AccessTokenUse::Optional,
            _ => AccessTokenUse::Never,
        }
    }

    /// A user from the claims of a login. Name, email and picture come from
    /// the ID token with userinfo over it (PropelAuth's userinfo names the
    /// subject `user_id`, so either will do); organizations through the
    /// mapper, from [`OrgClaims::source`].
    pub(crate) fn user(&self, sources: &ClaimSources) -> Result<User, ClaimError> {
        let claims = sources.profile();
        let subject = string_claim(&claims, "sub")
            .or_else(|| string_claim(&claims, "user_id"))
            .ok_or_else(|| ClaimError::Missing("sub".into()))?;
        // The profile is what the mapper reads unless told otherwise: one
        // merged copy of the claims, not two.
        let orgs = if self.source() == ClaimSource::Userinfo {
            self.orgs_in(&claims, sources)?
        } else {
            self.orgs(sources)?
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
        })
    }

    /// The organizations alone, sorted by name then id.
    fn orgs(&self, sources: &ClaimSources) -> Result<Vec<OrgMembership>, ClaimError> {
        self.orgs_in(&sources.up_to(self.source()), sources)
    }

    /// [`Self::orgs`], given the claims of the mapper's source merged.
    fn orgs_in(
        &self,
        claims: &Claims,
        sources: &ClaimSources,
    ) -> Result<Vec<OrgMembership>, ClaimError> {
        let mut orgs = match &self.mapper {
            Mapper::Propelauth => {
                let orgs = propelauth::orgs(claims)?;
                if orgs.is_empty() && self.source.is_none() && sources.access_token.is_some() {
                    propelauth::orgs(&sources.up_to(ClaimSource::AccessToken))?
                } else {
                    orgs
                }
            }
            Mapper::Keycloak(k) => keycloak::orgs(k, claims)?,
            Mapper::Auth0(a) => auth0::orgs(a, claims, sources.access_token.as_ref())?,
            Mapper::Generic(g) => generic::orgs(g, claims)?,
            Mapper::None => Vec::new(),
        };
        orgs.sort_by(|a, b| a.org_name.cmp(&b.org_name).then(a.org_id.cmp(&b.org_id)));
        Ok(orgs)
    }
}
