//! Who the person is and what they may do: pure data, no I/O.
//!
//! Claims from an ID token, userinfo or an access token become a [`User`]
//! with [`OrgMembership`]s through a claim mapper ([`OrgClaims`]).

mod claims;
mod membership;
pub mod propelauth;
mod roles;
mod user;

pub use claims::{ClaimError, OrgClaims};
pub use membership::{OrgMembership, RoleStructure};
pub use roles::RoleOrder;
pub use user::User;

#[cfg(test)]
mod tests;
