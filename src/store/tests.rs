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

// ---- Rule 14: the store's files, tried the way an attacker would. ----

#[cfg(unix)]
#[test]
fn a_store_path_that_is_a_symlink_is_refused_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(tmp.path());
    store.save(&session("a", "alice", "t")).unwrap();
    // The link points at a file of the victim's that must never be
    // written, and at a store of the attacker's that must never be read.
    let victim = tmp.path().join("victim.txt");
    std::fs::write(&victim, b"precious").unwrap();
    std::fs::remove_file(store.path()).unwrap();
    std::os::unix::fs::symlink(&victim, store.path()).unwrap();
    let err = store.accounts().unwrap_err();
    assert!(matches!(err, StoreError::Symlink { .. }), "{err}");
    assert!(err.to_string().contains("rm "), "the fix: {err}");
    let err = store.save(&session("a", "alice", "t")).unwrap_err();
    assert!(matches!(err, StoreError::Symlink { .. }), "{err}");
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    assert!(
        std::fs::symlink_metadata(store.path())
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[cfg(unix)]
#[test]
fn a_folder_open_to_others_is_refused_on_reads_too() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(tmp.path());
    store.save(&session("a", "alice", "t")).unwrap();
    for loose in [0o755, 0o777, 0o710] {
        std::fs::set_permissions(store.dir(), std::fs::Permissions::from_mode(loose)).unwrap();
        let err = store.accounts().unwrap_err();
        assert!(
            matches!(err, StoreError::Permissions { mode, .. } if mode == loose),
            "{loose:o}: {err}"
        );
        assert!(err.to_string().contains("chmod 700"), "{err}");
        let err = store.lock().unwrap_err();
        assert!(matches!(err, StoreError::Permissions { .. }), "{err}");
    }
    std::fs::set_permissions(store.dir(), std::fs::Permissions::from_mode(0o700)).unwrap();
    assert_eq!(store.accounts().unwrap().sessions.len(), 1);
}

#[cfg(unix)]
#[test]
fn a_store_file_owned_by_someone_else_is_refused() {
    use std::os::unix::fs::MetadataExt;
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(tmp.path());
    store.save(&session("a", "alice", "t")).unwrap();
    let me = std::fs::metadata(store.path()).unwrap().uid();
    let stranger = if me == 0 { 65534 } else { 0 };
    if me == 0 {
        std::os::unix::fs::chown(store.path(), Some(stranger), None).unwrap();
        let err = store.accounts().unwrap_err();
        assert!(
            matches!(err, StoreError::Owner { owner, .. } if owner == stranger),
            "{err}"
        );
        assert!(err.to_string().contains("chown"), "{err}");
        // The folder of someone else, with a file of ours inside.
        std::os::unix::fs::chown(store.path(), Some(me), None).unwrap();
        std::os::unix::fs::chown(store.dir(), Some(stranger), None).unwrap();
        let err = store.accounts().unwrap_err();
        assert!(
            matches!(&err, StoreError::Owner { path, .. } if path == store.dir()),
            "{err}"
        );
        let err = store.lock().unwrap_err();
        assert!(matches!(err, StoreError::Owner { .. }), "{err}");
    } else {
        // Not root: a file root owns stands in for the stranger's.
        let err = fsutil::open_private(Path::new("/etc/passwd")).unwrap_err();
        assert!(matches!(err, StoreError::Owner { owner: 0, .. }), "{err}");
    }
}

#[cfg(unix)]
#[test]
fn a_preplanted_temp_file_is_never_written_through() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(tmp.path());
    store.save(&session("a", "alice", "t")).unwrap();
    let victim = tmp.path().join("victim.txt");
    std::fs::write(&victim, b"precious").unwrap();
    // Every name a predictable writer would use: pid-based, fixed.
    let pid = std::process::id();
    for name in [
        format!(".sessions.json.{pid}.tmp"),
        ".sessions.json.tmp".to_owned(),
        "sessions.json.tmp".to_owned(),
        format!("sessions.json.{pid}"),
    ] {
        std::os::unix::fs::symlink(&victim, store.dir().join(name)).unwrap();
    }
    store.save(&session("a", "alice", "t2")).unwrap();
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    let active = store.accounts().unwrap().active_session().cloned().unwrap();
    assert_eq!(active.tokens.access_token.expose_secret(), "t2");
}

#[cfg(unix)]
#[test]
fn a_key_file_swapped_for_a_symlink_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(tmp.path());
    store.save(&session("a", "alice", "t")).unwrap();
    let before = std::fs::read(store.path()).unwrap();
    // A key the attacker knows, so they could read what is written next.
    let known = tmp.path().join("attackers.key");
    std::fs::write(&known, [7u8; 32]).unwrap();
    let key = store.dir().join(KEY_FILE_NAME);
    std::fs::remove_file(&key).unwrap();
    std::os::unix::fs::symlink(&known, &key).unwrap();
    let err = store.accounts().unwrap_err();
    assert!(matches!(err, StoreError::Symlink { .. }), "{err}");
    let err = store.save(&session("b", "bob", "t")).unwrap_err();
    assert!(matches!(err, StoreError::Symlink { .. }), "{err}");
    assert_eq!(std::fs::read(store.path()).unwrap(), before);
    assert_eq!(std::fs::read(&known).unwrap(), [7u8; 32]);
}

/// Racing first runs: every one gets the whole key, all the same one.
#[test]
fn the_key_file_is_created_whole_and_once() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("data").join(KEY_FILE_NAME);
    let keys: Vec<[u8; 32]> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let source = KeySource::KeyFile(path.clone());
                s.spawn(move || *source.key_or_create().unwrap().unwrap())
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(keys.windows(2).all(|w| w[0] == w[1]), "one key for all");
    assert_eq!(std::fs::read(&path).unwrap(), keys[0]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let others: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .filter(|n| n != KEY_FILE_NAME)
        .collect();
    assert!(others.is_empty(), "no temp file left: {others:?}");
}

// ---- Rule 15: store_secret is a password. ----

fn envelope_of(store: &FileStore) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(store.path()).unwrap()).unwrap()
}

#[test]
fn a_store_secret_is_stretched_with_argon2id_and_a_salt_of_the_stores_own() {
    let tmp = tempfile::tempdir().unwrap();
    let one = FileStore::new(tmp.path().join("one"), secret("same password"));
    let two = FileStore::new(tmp.path().join("two"), secret("same password"));
    one.save(&session("a", "alice", "t")).unwrap();
    two.save(&session("a", "alice", "t")).unwrap();
    let (e1, e2) = (envelope_of(&one), envelope_of(&two));
    assert_eq!(e1["kdf"]["name"], "argon2id", "{e1}");
    assert!(e1["kdf"]["m_cost"].as_u64().unwrap() >= 19 * 1024, "{e1}");
    assert_ne!(e1["kdf"]["salt"], e2["kdf"]["salt"], "a salt per store");
    // The store keeps its salt across writes.
    one.save(&session("b", "bob", "t")).unwrap();
    assert_eq!(envelope_of(&one)["kdf"]["salt"], e1["kdf"]["salt"]);
    // Not the old fixed-salt HKDF: that key does not open it.
    let envelope: crypto::Envelope =
        serde_json::from_slice(&std::fs::read(one.path()).unwrap()).unwrap();
    let hkdf = key::derive_legacy(&SecretString::from("same password".to_owned())).unwrap();
    assert!(matches!(
        crypto::open(&hkdf, &envelope),
        Err(crypto::OpenError::WrongKey)
    ));
    // And a fresh process (no cached key) opens it with the secret alone.
    let again = FileStore::new(tmp.path().join("one"), secret("same password"));
    assert_eq!(again.accounts().unwrap().sessions.len(), 2);
}

#[test]
fn an_old_hkdf_store_is_read_and_reencrypted_with_argon2id() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    fsutil::ensure_private_dir(&dir).unwrap();
    let password = SecretString::from("old password".to_owned());
    let accounts = Accounts {
        active: Some(AccountId::of(&session("a", "alice", "t"))),
        sessions: vec![session("a", "alice", "old-hkdf")],
        recovered: None,
    };
    let plain = serde_json::to_vec(&accounts).unwrap();
    let old = crypto::seal(
        &key::derive_legacy(&password).unwrap(),
        2,
        "store_secret",
        None,
        &plain,
    )
    .unwrap();
    let store = FileStore::new(&dir, KeySource::Secret(password));
    write_private(&store.path(), &serde_json::to_vec(&old).unwrap());
    let read = store.accounts().unwrap();
    assert_eq!(
        read.active_session()
            .unwrap()
            .tokens
            .access_token
            .expose_secret(),
        "old-hkdf"
    );
    store.save(&session("b", "bob", "t")).unwrap();
    let e = envelope_of(&store);
    assert_eq!(e["format"], FORMAT_VERSION, "{e}");
    assert_eq!(e["kdf"]["name"], "argon2id", "{e}");
    assert_eq!(store.accounts().unwrap().sessions.len(), 2);
}

/// A file may be altered to make authdash allocate gigabytes: refused
/// before Argon2 runs.
#[test]
fn absurd_argon2_parameters_in_a_file_are_not_run() {
    let tmp = tempfile::tempdir().unwrap();
    let store = FileStore::new(tmp.path().join("data"), secret("pw"));
    store.save(&session("a", "alice", "t")).unwrap();
    let mut e = envelope_of(&store);
    e["kdf"]["m_cost"] = serde_json::json!(u32::MAX);
    std::fs::write(store.path(), e.to_string()).unwrap();
    let fresh = FileStore::new(store.dir(), secret("pw"));
    let started = std::time::Instant::now();
    let accounts = fresh.accounts().unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    let told = accounts.recovered.expect("a broken envelope is set aside");
    assert!(told.contains("out of bounds"), "{told}");
}

// ---- Rule 7: the lock's wait. ----

#[test]
fn the_lock_wait_covers_a_holder_renewing_with_the_request_timeout() {
    let http = crate::config::HttpSettings::default();
    let wait = lock_wait(&http);
    assert!(
        wait >= http.request_timeout * REQUESTS_UNDER_LOCK + LOCK_MARGIN,
        "{wait:?}"
    );
    let slow = crate::config::HttpSettings {
        request_timeout: std::time::Duration::from_secs(90),
        ..http
    };
    assert!(lock_wait(&slow) >= std::time::Duration::from_secs(4 * 90));
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(store_in(tmp.path()).lock_wait(), wait, "the default store");
    assert_eq!(
        store_in(tmp.path()).with_http(&slow).lock_wait(),
        lock_wait(&slow)
    );
}

#[test]
fn a_lock_timeout_names_the_holder() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(tmp.path()).with_lock_wait(std::time::Duration::from_millis(100));
    let held = store.lock_for("renewing alice's session").unwrap();
    // A second open file description: flock excludes it like another process.
    let err = store.lock().unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(
            &err,
            StoreError::LockTimeout {
                holder: Some(_),
                ..
            }
        ),
        "{text}"
    );
    assert!(
        text.contains(&format!("process {}", std::process::id()))
            && text.contains("renewing alice's session"),
        "{text}"
    );
    drop(held);
    assert_eq!(
        std::fs::read(store.lock_path()).unwrap(),
        b"",
        "the record goes with the lock"
    );
    store.lock().unwrap();
}

#[cfg(unix)]
#[test]
fn a_lock_file_or_folder_that_is_a_symlink_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store_in(tmp.path());
    store.save(&session("a", "alice", "t")).unwrap();
    // The holder writes its record into the lock file: never through a link.
    let victim = tmp.path().join("victim.txt");
    std::fs::write(&victim, b"precious").unwrap();
    std::fs::remove_file(store.lock_path()).unwrap();
    std::os::unix::fs::symlink(&victim, store.lock_path()).unwrap();
    let err = store.lock().unwrap_err();
    assert!(matches!(err, StoreError::Symlink { .. }), "{err}");
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    // The whole folder swapped for a link to another.
    std::fs::remove_file(store.lock_path()).unwrap();
    let real = tmp.path().join("real");
    std::fs::rename(store.dir(), &real).unwrap();
    std::os::unix::fs::symlink(&real, store.dir()).unwrap();
    let err = store.accounts().unwrap_err();
    assert!(matches!(err, StoreError::Symlink { .. }), "{err}");
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
