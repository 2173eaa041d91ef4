use std::collections::BTreeMap;

use chrono::Utc;
use secrecy::{ExposeSecret, SecretString};

use super::*;
use crate::auth::{Session, TokenSet};
use crate::identity::User;

fn session(provider: &str, access: &str) -> Session {
    Session {
        provider: provider.into(),
        issuer: "http://127.0.0.1:1".into(),
        client_id: "c".into(),
        tokens: TokenSet {
            access_token: SecretString::from(access.to_owned()),
            refresh_token: Some(SecretString::from("refresh-secret".to_owned())),
            id_token: SecretString::from("a.b.c".to_owned()),
            expires_at: Some(Utc::now()),
            scopes: vec!["openid".into()],
        },
        id_claims: BTreeMap::new(),
        userinfo: None,
        user: User {
            subject: "s".into(),
            email: None,
            email_verified: None,
            name: None,
            picture: None,
            orgs: Vec::new(),
            claims: BTreeMap::new(),
        },
        logged_in_at: Utc::now(),
        refreshed_at: None,
    }
}

#[test]
fn sessions_round_trip_per_provider() {
    let dir = tempfile::tempdir().unwrap();
    let store = FileStore::new(dir.path().join("data"));
    assert!(store.load("a").unwrap().is_none());
    store.save(&session("a", "token-a")).unwrap();
    store.save(&session("b", "token-b")).unwrap();
    let a = store.load("a").unwrap().unwrap();
    assert_eq!(a.tokens.access_token.expose_secret(), "token-a");
    assert_eq!(
        a.tokens
            .refresh_token
            .as_ref()
            .map(|t| t.expose_secret().to_owned()),
        Some("refresh-secret".to_owned())
    );
    store.remove("a").unwrap();
    assert!(store.load("a").unwrap().is_none());
    assert!(store.load("b").unwrap().is_some());
    store.remove("nothing").unwrap();
}

#[cfg(unix)]
#[test]
fn the_folder_and_file_are_owner_only_and_loose_ones_are_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let store = FileStore::new(dir.path().join("data"));
    store.save(&session("a", "t")).unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(store.dir()), 0o700);
    assert_eq!(mode(&store.path()), 0o600);
    std::fs::set_permissions(store.path(), std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = store.load("a").unwrap_err().to_string();
    assert!(err.contains("chmod 600"), "{err}");
}

#[test]
fn a_newer_format_is_reported_not_clobbered() {
    let dir = tempfile::tempdir().unwrap();
    let store = FileStore::new(dir.path().join("data"));
    store.save(&session("a", "t")).unwrap();
    std::fs::write(store.path(), br#"{"format": 99, "sessions": {}}"#).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(store.path(), std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let err = store.save(&session("a", "t")).unwrap_err();
    assert!(
        matches!(err, StoreError::UnsupportedFormat { found: 99, .. }),
        "{err}"
    );
    std::fs::write(store.path(), b"{not json").unwrap();
    assert!(matches!(
        store.load("a").unwrap_err(),
        StoreError::Corrupt { .. }
    ));
}

#[test]
fn the_file_never_shows_in_debug_output() {
    let s = session("a", "very-secret-access");
    let debug = format!("{s:?}");
    assert!(!debug.contains("very-secret-access"), "{debug}");
    assert!(!debug.contains("refresh-secret"), "{debug}");
}

#[test]
fn preferences_remember_the_active_org() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let dir = dir.as_path();
    let mut prefs = Preferences::load(dir);
    assert_eq!(prefs.active_org("p", "alice"), None);
    prefs.set_active_org("p", "alice", "acme");
    prefs.save(dir).unwrap();
    assert_eq!(
        Preferences::load(dir).active_org("p", "alice"),
        Some("acme")
    );
    assert_eq!(Preferences::load(dir).active_org("p", "bob"), None);
}
