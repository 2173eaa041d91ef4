//! Who the person is and what they may do: pure data, no I/O.
//!
//! Claims from an ID token, userinfo or an access token ([`ClaimSources`])
//! become a [`User`] with [`OrgMembership`]s through a claim mapper
//! ([`OrgClaims`]): `propelauth`, `keycloak`, `auth0`, `generic` (JSON
//! pointers) or `none`. Each mapper's module documents its rules.

pub mod auth0;
mod claims;
pub mod generic;
pub mod keycloak;
mod mapper;
mod membership;
pub mod propelauth;
mod roles;
mod user;
mod visible;

pub use auth0::Auth0Claims;
pub use claims::{AccessTokenUse, ClaimError, ClaimSource, ClaimSources, Claims, DEFAULT_ROLE};
pub use generic::GenericClaims;
pub use keycloak::KeycloakClaims;
pub use mapper::{Mapper, OrgClaims};
pub use membership::{OrgMembership, RoleStructure};
pub use roles::RoleOrder;
pub use user::User;
pub use visible::{json_type, visible};

#[cfg(test)]
mod tests;
