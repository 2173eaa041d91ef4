//! Who the person is and what they may do: pure data, no I/O.
//!
//! Claims from an ID token, userinfo or an access token (`ClaimSources`)
//! become a [`User`] with [`OrgMembership`]s through a claim mapper
//! (`OrgClaims`): `propelauth`, `keycloak`, `auth0`, `generic` (JSON
//! pointers) or `none`. Each mapper's module documents its rules.

mod auth0;
mod claims;
pub(crate) mod generic;
mod keycloak;
mod mapper;
mod membership;
mod propelauth;
mod roles;
mod user;
mod visible;

pub(crate) use auth0::Auth0Claims;
pub(crate) use claims::{AccessTokenUse, ClaimError, ClaimSource, ClaimSources, DEFAULT_ROLE};
pub(crate) use generic::GenericClaims;
pub(crate) use keycloak::KeycloakClaims;
pub(crate) use mapper::{Mapper, OrgClaims};
pub use membership::{OrgMembership, RoleStructure};
pub use roles::RoleOrder;
pub use user::User;
pub(crate) use visible::json_type;
pub use visible::visible;

#[cfg(test)]
mod tests;
