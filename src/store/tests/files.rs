//! Rule 14: the store's files are the user's own, private, never followed through a link.

use super::*;

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
