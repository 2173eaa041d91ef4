//! Attacks on renewal: claims, failing userinfo, older ID tokens, and
//! control characters in the token endpoint's answers.

mod claims;
mod failures;
mod id_token;
mod terminal;
