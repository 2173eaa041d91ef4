//! Which key protects a store: the OS keyring, a key file, the config's secret.

use super::*;

/// A keyring in memory; `reachable = false` answers like a locked or
/// absent one.
#[derive(Debug, Default)]
pub(super) struct FakeKeyring {
    pub(super) key: std::sync::Mutex<Option<Vec<u8>>>,
    pub(super) unreachable: bool,
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
