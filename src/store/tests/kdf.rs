//! Rule 15: `store_secret` is stretched with Argon2id and a salt of the store's own.

use super::*;

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
