use std::collections::BTreeMap;
use std::path::Path;

use chrono::Utc;
use secrecy::{ExposeSecret, SecretString};

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
            claims: BTreeMap::new(),
        },
        logged_in_at: Utc::now(),
        refreshed_at: None,
        unverified: None,
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
fn tampered_ciphertext_is_refused_and_set_aside() {
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
    let accounts = store.accounts().unwrap();
    assert!(accounts.sessions.is_empty());
    let told = accounts.recovered.expect("the person is told");
    assert!(
        told.contains("does not decrypt") && told.contains("unreadable-"),
        "{told}"
    );
    let aside: Vec<_> = std::fs::read_dir(store.dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".unreadable-"))
        .collect();
    assert_eq!(aside.len(), 1, "the old file is kept, not deleted");
    assert!(!store.path().exists());
    store.save(&session("a", "alice", "t2")).unwrap();
    assert_eq!(
        store.accounts().unwrap().sessions.len(),
        1,
        "a new login works"
    );
}

#[test]
fn a_wrong_key_is_refused_and_says_which_key() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    FileStore::new(&dir, secret("one secret"))
        .save(&session("a", "alice", "t"))
        .unwrap();
    assert_eq!(
        FileStore::new(&dir, secret("one secret"))
            .accounts()
            .unwrap()
            .sessions
            .len(),
        1
    );
    let other = FileStore::new(&dir, secret("another secret"));
    let accounts = other.accounts().unwrap();
    assert!(accounts.sessions.is_empty());
    assert!(accounts.recovered.unwrap().contains("store_secret"));
}

#[test]
fn garbage_is_set_aside_too() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(tmp.path());
    store.save(&session("a", "alice", "t")).unwrap();
    std::fs::write(store.path(), b"{not json").unwrap();
    let accounts = store.accounts().unwrap();
    assert!(accounts.recovered.is_some());
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

#[test]
fn format_one_files_are_read_and_migrated() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(tmp.path());
    store.save(&session("x", "x", "x")).unwrap();
    let one = serde_json::json!({
        "format": 1,
        "sessions": {"a": serde_json::to_value(session("a", "alice", "old-token")).unwrap()}
    });
    std::fs::write(store.path(), one.to_string()).unwrap();
    let accounts = store.accounts().unwrap();
    assert_eq!(accounts.active, Some(id("a", "alice")));
    store.save(&session("b", "bob", "t")).unwrap();
    let raw = std::fs::read_to_string(store.path()).unwrap();
    assert!(
        raw.contains("\"format\": 2") && !raw.contains("old-token"),
        "{raw}"
    );
    assert_eq!(store.accounts().unwrap().sessions.len(), 2);
}

#[test]
fn the_lock_is_exclusive_and_its_wait_is_bounded() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(tmp.path());
    let held = store.lock().unwrap();
    let path = store.lock_path();
    let err = lock::acquire(&path, std::time::Duration::from_millis(100)).unwrap_err();
    assert!(matches!(err, StoreError::LockTimeout { .. }), "{err}");
    drop(held);
    lock::acquire(&path, std::time::Duration::from_millis(100)).unwrap();
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

/// A keyring in memory; `reachable = false` answers like a locked or
/// absent one.
#[derive(Debug, Default)]
struct FakeKeyring {
    key: std::sync::Mutex<Option<Vec<u8>>>,
    unreachable: bool,
}

impl KeyringBackend for FakeKeyring {
    fn get(&self) -> Result<Option<Vec<u8>>, String> {
        if self.unreachable {
            return Err("no Secret Service on the session bus".into());
        }
        Ok(self.key.lock().unwrap().clone())
    }

    fn set(&self, key: &[u8]) -> Result<(), String> {
        if self.unreachable {
            return Err("no Secret Service on the session bus".into());
        }
        *self.key.lock().unwrap() = Some(key.to_vec());
        Ok(())
    }

    fn name(&self) -> String {
        "Fake Service".into()
    }
}

#[test]
fn a_new_store_keeps_its_key_in_the_keyring_when_one_answers() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let keyring = std::sync::Arc::new(FakeKeyring::default());
    let key = choose_key_source(None, &dir, keyring.clone());
    assert!(matches!(key, KeySource::Keyring(_)), "{key:?}");
    assert!(key.describe().contains("OS keyring (Fake Service)"));
    let store = FileStore::new(&dir, key);
    store.save(&session("a", "alice", "t")).unwrap();
    assert!(!dir.join(KEY_FILE_NAME).exists(), "no key file beside it");
    assert_eq!(keyring.key.lock().unwrap().as_ref().map(Vec::len), Some(32));
    // Next run: the store says keyring, so the keyring it is.
    let again = choose_key_source(None, &dir, keyring.clone());
    assert!(matches!(again, KeySource::Keyring(_)));
    assert_eq!(
        FileStore::new(&dir, again)
            .accounts()
            .unwrap()
            .sessions
            .len(),
        1
    );
}

#[test]
fn without_a_keyring_the_key_goes_in_a_file_and_stays_there() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let absent = std::sync::Arc::new(FakeKeyring {
        unreachable: true,
        ..FakeKeyring::default()
    });
    let key = choose_key_source(None, &dir, absent);
    assert!(matches!(key, KeySource::KeyFile(_)), "{key:?}");
    FileStore::new(&dir, key)
        .save(&session("a", "alice", "t"))
        .unwrap();
    // A keyring that appears later must not orphan the store.
    let present = std::sync::Arc::new(FakeKeyring::default());
    let later = choose_key_source(None, &dir, present);
    assert!(matches!(later, KeySource::KeyFile(_)), "{later:?}");
    assert_eq!(
        FileStore::new(&dir, later)
            .accounts()
            .unwrap()
            .sessions
            .len(),
        1
    );
}

#[test]
fn a_locked_keyring_is_an_error_not_a_lost_store() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let keyring = std::sync::Arc::new(FakeKeyring::default());
    FileStore::new(&dir, KeySource::Keyring(keyring))
        .save(&session("a", "alice", "t"))
        .unwrap();
    let locked = std::sync::Arc::new(FakeKeyring {
        unreachable: true,
        ..FakeKeyring::default()
    });
    let key = choose_key_source(None, &dir, locked);
    assert!(
        matches!(key, KeySource::Keyring(_)),
        "the store says keyring"
    );
    let err = FileStore::new(&dir, key)
        .accounts()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("OS keyring") && err.contains("store_secret"),
        "{err}"
    );
    assert!(
        FileStore::new(&dir, KeySource::KeyFile(dir.join(KEY_FILE_NAME)))
            .path()
            .exists(),
        "the store is still there"
    );
}

#[test]
fn the_configs_secret_wins() {
    let tmp = tempfile::tempdir().unwrap();
    let keyring = std::sync::Arc::new(FakeKeyring::default());
    let key = choose_key_source(
        Some(&SecretString::from("s".to_owned())),
        tmp.path(),
        keyring.clone(),
    );
    assert!(matches!(key, KeySource::Secret(_)));
    assert!(
        keyring.key.lock().unwrap().is_none(),
        "the keyring was not touched"
    );
}
