//! Renewal: what a renewal asks the provider (userinfo at renewal), the
//! session service's rules around it, and the attacks on it.

mod attacks;
mod rules;
mod userinfo;
