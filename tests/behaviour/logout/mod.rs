//! Logout: final at the provider, revocation and its bound, and "log out
//! everywhere".

mod attacks;
mod everywhere;
mod revoke;
