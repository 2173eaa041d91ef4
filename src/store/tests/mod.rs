use std::collections::BTreeMap;
use std::path::Path;

use chrono::Utc;
use secrecy::{ExposeSecret, SecretString};

use super::file::FORMAT_VERSION;
use super::lock::{LOCK_MARGIN, REQUESTS_UNDER_LOCK, lock_wait};
use super::*;
use crate::auth::{Session, TokenSet};
use crate::identity::User;

fn session(provider: &str, subject: &str, access: &str) -> Session {
    Session {
        provider: provider.into(),
        issuer: issuer(provider),
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
            subject: subject.into(),
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

fn secret(s: &str) -> KeySource {
    KeySource::Secret(SecretString::from(s.to_owned()))
}

fn store_in(dir: &Path) -> FileStore {
    let data = dir.join("data");
    FileStore::new(&data, KeySource::KeyFile(data.join("store.key")))
}

/// Each provider name of these tests is its own issuer.
fn issuer(provider: &str) -> String {
    format!("https://{provider}.example")
}

fn id(provider: &str, subject: &str) -> AccountId {
    AccountId {
        issuer: issuer(provider),
        subject: subject.into(),
        client_id: "c".into(),
    }
}

#[test]
fn accounts_round_trip_with_one_active() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(tmp.path());
    assert!(store.accounts().unwrap().sessions.is_empty());
    store.save(&session("a", "alice", "token-a")).unwrap();
    store.save(&session("a", "bob", "token-b")).unwrap();
    store.save(&session("b", "alice", "token-c")).unwrap();
    let accounts = store.accounts().unwrap();
    assert_eq!(accounts.sessions.len(), 3);
    assert_eq!(
        accounts.active,
        Some(id("b", "alice")),
        "the last saved is active"
    );
    store.activate(&id("a", "bob")).unwrap();
    let active = store.accounts().unwrap().active_session().cloned().unwrap();
    assert_eq!(active.tokens.access_token.expose_secret(), "token-b");
    assert!(matches!(
        store.activate(&id("zz", "nobody")),
        Err(StoreError::NoSuchAccount(_))
    ));
    // Saving again replaces, it does not add.
    store.save(&session("a", "bob", "token-b2")).unwrap();
    assert_eq!(store.accounts().unwrap().sessions.len(), 3);
    assert!(store.remove(&id("a", "bob")).unwrap());
    assert!(!store.remove(&id("a", "bob")).unwrap());
    let accounts = store.accounts().unwrap();
    assert_eq!(accounts.sessions.len(), 2);
    assert!(
        accounts.active_session().is_some(),
        "another account becomes active"
    );
}

#[test]
fn the_file_holds_no_token_in_the_clear() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(tmp.path());
    store
        .save(&session("a", "alice", "very-secret-access"))
        .unwrap();
    let raw = std::fs::read_to_string(store.path()).unwrap();
    assert!(
        !raw.contains("very-secret-access") && !raw.contains("refresh-secret"),
        "{raw}"
    );
    assert!(raw.contains("xchacha20poly1305"), "{raw}");
}

#[test]
fn tampered_ciphertext_is_reported_never_set_aside() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(tmp.path());
    store.save(&session("a", "alice", "t")).unwrap();
    let raw = std::fs::read_to_string(store.path()).unwrap();
    let mut envelope: serde_json::Value = serde_json::from_str(&raw).unwrap();
    let ct = envelope["ciphertext"].as_str().unwrap().to_owned();
    let flipped = format!(
        "{}{}",
        if ct.starts_with('A') { "B" } else { "A" },
        &ct[1..]
    );
    envelope["ciphertext"] = flipped.into();
    std::fs::write(store.path(), envelope.to_string()).unwrap();
    let before = std::fs::read(store.path()).unwrap();
    // A failed tag cannot be told from a wrong key: reported, kept.
    let err = store.accounts().unwrap_err();
    assert!(matches!(err, StoreError::KeyMismatch { .. }), "{err}");
    assert!(err.to_string().contains("does not decrypt"), "{err}");
    let err = store.save(&session("a", "alice", "t2")).unwrap_err();
    assert!(matches!(err, StoreError::KeyMismatch { .. }), "{err}");
    assert_eq!(std::fs::read(store.path()).unwrap(), before, "untouched");
    assert_eq!(set_aside_files(store.dir()), Vec::<String>::new());
}

fn set_aside_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".unreadable-"))
        .collect()
}

/// Rule 3: config A wrote the store with its secret; config B has another.
#[test]
fn another_configs_secret_never_sets_aside_or_overwrites_the_store() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let a = FileStore::new(&dir, secret("config A's secret"));
    a.save(&session("a", "alice", "t")).unwrap();
    let before = std::fs::read(a.path()).unwrap();
    let b = FileStore::new(&dir, secret("config B's secret"));
    let err = b.accounts().unwrap_err();
    let StoreError::KeyMismatch {
        written_with, fix, ..
    } = &err
    else {
        panic!("expected KeyMismatch, got {err}");
    };
    assert!(written_with.contains("store_secret"), "{err}");
    assert!(fix.contains("set `store_secret`"), "{err}");
    assert!(err.to_string().contains("nothing was changed"), "{err}");
    let err = b.save(&session("b", "bob", "t")).unwrap_err();
    assert!(matches!(err, StoreError::KeyMismatch { .. }), "{err}");
    let err = b
        .remove(&AccountId::of(&session("a", "alice", "t")))
        .unwrap_err();
    assert!(matches!(err, StoreError::KeyMismatch { .. }), "{err}");
    assert_eq!(std::fs::read(a.path()).unwrap(), before, "bytes unchanged");
    assert_eq!(set_aside_files(&dir), Vec::<String>::new());
    assert_eq!(a.accounts().unwrap().sessions.len(), 1, "A still reads it");
}

/// Rule 3: the same store, opened by a config without any secret.
#[test]
fn no_secret_against_a_secret_store_says_which_secret_and_makes_no_key() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let a = FileStore::new(&dir, secret("config A's secret"));
    a.save(&session("a", "alice", "t")).unwrap();
    let before = std::fs::read(a.path()).unwrap();
    let keyring = std::sync::Arc::new(FakeKeyring::default());
    let key = choose_key_source(None, &dir, keyring.clone());
    let b = FileStore::new(&dir, key);
    for err in [
        b.accounts().unwrap_err(),
        b.save(&session("b", "bob", "t")).unwrap_err(),
    ] {
        let StoreError::KeyMismatch { fix, .. } = &err else {
            panic!("expected KeyMismatch, got {err}");
        };
        assert!(
            fix.contains("set `store_secret` (or `cookie_secret`)"),
            "{err}"
        );
    }
    assert!(!dir.join(KEY_FILE_NAME).exists(), "no key made for it");
    assert!(keyring.key.lock().unwrap().is_none(), "nor in the keyring");
    assert_eq!(std::fs::read(a.path()).unwrap(), before, "bytes unchanged");
    assert_eq!(set_aside_files(&dir), Vec::<String>::new());
    assert_eq!(a.accounts().unwrap().sessions.len(), 1, "A still reads it");
}

/// Rule 3: a key-file store opened by a config that sets a secret.
#[test]
fn a_secret_against_a_key_file_store_says_to_remove_the_secret() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(tmp.path());
    store.save(&session("a", "alice", "t")).unwrap();
    let before = std::fs::read(store.path()).unwrap();
    let keyring = std::sync::Arc::new(FakeKeyring::default());
    let key = choose_key_source(
        Some(&SecretString::from("a new secret".to_owned())),
        store.dir(),
        keyring,
    );
    let other = FileStore::new(store.dir(), key);
    let err = other.accounts().unwrap_err();
    let StoreError::KeyMismatch { fix, .. } = &err else {
        panic!("expected KeyMismatch, got {err}");
    };
    assert!(
        fix.contains("remove `store_secret` and `cookie_secret`") && fix.contains("store.key"),
        "{err}"
    );
    let err = other.save(&session("b", "bob", "t")).unwrap_err();
    assert!(matches!(err, StoreError::KeyMismatch { .. }), "{err}");
    assert_eq!(std::fs::read(store.path()).unwrap(), before);
    assert_eq!(store.accounts().unwrap().sessions.len(), 1);
}

/// Rule 3: a key file moved away is reported; a new one is not made (it
/// could never open the store, and would stand in the way of the old one).
#[test]
fn a_missing_key_file_is_reported_not_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(tmp.path());
    store.save(&session("a", "alice", "t")).unwrap();
    let key = store.dir().join(KEY_FILE_NAME);
    let kept = tmp.path().join("key.backup");
    std::fs::rename(&key, &kept).unwrap();
    let before = std::fs::read(store.path()).unwrap();
    let err = store.accounts().unwrap_err();
    assert!(
        matches!(&err, StoreError::KeyMismatch { problem, .. } if problem.contains("does not exist")),
        "{err}"
    );
    let err = store.save(&session("b", "bob", "t")).unwrap_err();
    assert!(matches!(err, StoreError::KeyMismatch { .. }), "{err}");
    assert!(!key.exists(), "no new key file");
    assert_eq!(std::fs::read(store.path()).unwrap(), before);
    std::fs::rename(&kept, &key).unwrap();
    assert_eq!(store.accounts().unwrap().sessions.len(), 1, "restored");
}

#[test]
fn garbage_is_set_aside_too() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(tmp.path());
    store.save(&session("a", "alice", "t")).unwrap();
    std::fs::write(store.path(), b"{not json").unwrap();
    let accounts = store.accounts().unwrap();
    assert!(accounts.recovered.is_some());
    assert_eq!(set_aside_files(store.dir()).len(), 1, "kept, not deleted");
}

#[cfg(unix)]
#[test]
fn folder_files_and_key_are_owner_only_and_loose_ones_are_refused() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(tmp.path());
    store.save(&session("a", "alice", "t")).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(store.dir()), 0o700);
    assert_eq!(mode(&store.path()), 0o600);
    assert_eq!(mode(&store.dir().join("store.key")), 0o600);
    assert_eq!(mode(&store.lock_path()), 0o600);
    std::fs::set_permissions(store.path(), std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = store.accounts().unwrap_err().to_string();
    assert!(err.contains("chmod 600"), "{err}");
    std::fs::set_permissions(store.path(), std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::set_permissions(store.dir(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let err = store
        .save(&session("a", "alice", "t"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("chmod 700"), "{err}");
}

#[test]
fn a_newer_format_is_reported_not_set_aside() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(tmp.path());
    store.save(&session("a", "alice", "t")).unwrap();
    std::fs::write(store.path(), br#"{"format": 99}"#).unwrap();
    let err = store.accounts().unwrap_err();
    assert!(
        matches!(err, StoreError::UnsupportedFormat { found: 99, .. }),
        "{err}"
    );
    assert!(store.path().exists());
}

/// A new file, 0600 like the store's own.
fn write_private(path: &Path, bytes: &[u8]) {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).unwrap().write_all(bytes).unwrap();
}

fn format_one(access: &str) -> String {
    serde_json::json!({
        "format": 1,
        "sessions": {"a": serde_json::to_value(session("a", "alice", access)).unwrap()}
    })
    .to_string()
}

#[test]
fn a_plaintext_store_is_migrated_once_into_a_folder_without_a_key() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(tmp.path());
    fsutil::ensure_private_dir(store.dir()).unwrap();
    write_private(&store.path(), format_one("old-token").as_bytes());
    let accounts = store.accounts().unwrap();
    assert_eq!(
        accounts.active,
        Some(AccountId::of(&session("a", "alice", "t")))
    );
    // Migrated on that read, not at some later write.
    let raw = std::fs::read_to_string(store.path()).unwrap();
    assert!(
        raw.contains(&format!("\"format\": {FORMAT_VERSION}")) && !raw.contains("old-token"),
        "{raw}"
    );
    assert!(store.dir().join(KEY_FILE_NAME).exists());
    store.save(&session("b", "bob", "t")).unwrap();
    assert_eq!(store.accounts().unwrap().sessions.len(), 2);
}

/// An attacker who swaps the encrypted store for a plaintext one (tokens
/// of their own choosing) gets no migration.
#[test]
fn a_plaintext_store_beside_a_key_is_refused_as_a_downgrade() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(tmp.path());
    store.save(&session("x", "x", "x")).unwrap();
    let planted = format_one("planted-token");
    std::fs::write(store.path(), &planted).unwrap();
    let err = store.accounts().unwrap_err();
    assert!(matches!(err, StoreError::LegacyRefused { .. }), "{err}");
    let err = store.save(&session("b", "bob", "t")).unwrap_err();
    assert!(matches!(err, StoreError::LegacyRefused { .. }), "{err}");
    assert_eq!(
        std::fs::read_to_string(store.path()).unwrap(),
        planted,
        "neither migrated nor set aside"
    );
    // The same with a keyring key, and beside a key file with a secret.
    let keyring = std::sync::Arc::new(FakeKeyring::default());
    let dir = tmp.path().join("k");
    let k = FileStore::new(&dir, KeySource::Keyring(keyring));
    k.save(&session("x", "x", "x")).unwrap();
    std::fs::write(k.path(), format_one("planted-token")).unwrap();
    let err = k.accounts().unwrap_err();
    assert!(matches!(err, StoreError::LegacyRefused { .. }), "{err}");
    let s = FileStore::new(store.dir(), secret("s"));
    let err = s.accounts().unwrap_err();
    assert!(matches!(err, StoreError::LegacyRefused { .. }), "{err}");
}

#[test]
fn the_lock_is_exclusive_and_its_wait_is_bounded() {
    let tmp = tempfile::tempdir().unwrap();
    // The holder's own bound is short too: a waiter honours it.
    let store = store_in(tmp.path()).with_lock_wait(std::time::Duration::from_millis(100));
    let held = store.lock().unwrap();
    let path = store.lock_path();
    let err = lock::acquire(&path, std::time::Duration::from_millis(100), "t").unwrap_err();
    assert!(matches!(err, StoreError::LockTimeout { .. }), "{err}");
    drop(held);
    lock::acquire(&path, std::time::Duration::from_millis(100), "t").unwrap();
}

#[test]
fn sessions_never_show_tokens_in_debug_output() {
    let s = session("a", "alice", "very-secret-access");
    let debug = format!("{s:?} {:?}", secret("store-secret-value"));
    assert!(!debug.contains("very-secret-access"), "{debug}");
    assert!(!debug.contains("refresh-secret"), "{debug}");
    assert!(!debug.contains("store-secret-value"), "{debug}");
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

#[test]
fn an_active_account_written_without_its_client_is_resolved_to_its_session() {
    let a = session("a", "alice", "t1");
    let written = serde_json::json!({
        "active": {"issuer": a.issuer, "subject": "alice"},
        "sessions": [a],
    });
    let accounts: Accounts = serde_json::from_value(written).unwrap();
    assert_eq!(accounts.active, Some(AccountId::of(&a)));
    assert_eq!(accounts.active.as_ref().unwrap().client_id, "c");
}

#[test]
fn one_person_at_one_issuer_with_two_clients_is_two_accounts() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(tmp.path());
    let first = session("a", "alice", "t1");
    let mut second = session("a", "alice", "t2");
    second.client_id = "another-client".into();
    store.save(&first).unwrap();
    store.save(&second).unwrap();
    let accounts = store.accounts().unwrap();
    assert_eq!(accounts.sessions.len(), 2);
    assert_eq!(
        accounts
            .find(&AccountId::of(&first))
            .map(|s| s.access_token().to_owned()),
        Some("t1".to_owned())
    );
    assert_eq!(accounts.active, Some(AccountId::of(&second)));
}

mod api_tokens;
mod files;
mod kdf;
mod key_source;

use key_source::FakeKeyring;
mod lock_wait;

#[test]
fn save_owned_stores_the_session_and_hands_it_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_in(dir.path());
    store.save(&session("a", "bob", "t")).unwrap();
    let alice = session("a", "alice", "t");
    let (back, saved) = store.save_owned(alice.clone());
    saved.unwrap();
    assert_eq!(back.user, alice.user);
    assert_eq!(back.access_token(), "t");
    let accounts = store.accounts().unwrap();
    assert_eq!(accounts.sessions.len(), 2);
    assert_eq!(accounts.active, Some(AccountId::of(&alice)));
}
