//! Rule 7: waiting for the lock, and saying who holds it.

use super::*;

// ---- Rule 7: the lock's wait. ----

#[test]
fn the_lock_wait_covers_a_holder_renewing_with_the_request_timeout() {
    let http = crate::http::HttpSettings::default();
    let wait = lock_wait(&http);
    assert!(
        wait >= http.request_timeout * REQUESTS_UNDER_LOCK + LOCK_MARGIN,
        "{wait:?}"
    );
    let slow = crate::http::HttpSettings {
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
