//! A session made by hand, for tests of the store alone (no provider ever
//! sees it). `tests/store_processes.rs` includes this file by itself.

use std::collections::BTreeMap;

use authdash::auth::{Session, TokenSet};
use authdash::identity::User;
use chrono::{DateTime, Utc};
use secrecy::SecretString;

/// Alice's session at provider `provider` (an issuer on a closed port),
/// with `access` as its access token, expiring at `expires_at`.
pub fn hand_made(provider: &str, access: &str, expires_at: DateTime<Utc>) -> Session {
    Session {
        provider: provider.into(),
        issuer: "http://127.0.0.1:1".into(),
        client_id: "c".into(),
        tokens: TokenSet {
            access_token: SecretString::from(access.to_owned()),
            refresh_token: Some(SecretString::from("refresh".to_owned())),
            id_token: SecretString::from("a.b.c".to_owned()),
            expires_at: Some(expires_at),
            scopes: vec!["openid".into()],
        },
        id_claims: BTreeMap::new(),
        userinfo: None,
        user: User {
            subject: "alice".into(),
            email: None,
            email_verified: None,
            name: None,
            picture: None,
            orgs: Vec::new(),
        },
        logged_in_at: Utc::now(),
        refreshed_at: None,
        unverified: None,
        apis: Default::default(),
    }
}
