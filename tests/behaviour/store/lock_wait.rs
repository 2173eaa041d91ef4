//! Attack on rule 7 (waiting for the store lock is never shorter than the
//! longest time a holder may keep it) with two configs: the holder's
//! config allows long requests, the waiter's short ones. The holder
//! records its bound in the lock file and the waiter honours it.

use std::time::{Duration, Instant};

use authdash::store::{FileStore, KeySource, TokenStore};
use secrecy::SecretString;

#[test]
fn attack_a_waiter_with_a_shorter_request_timeout_still_waits_for_a_healthy_holder() {
    let dir = tempfile::tempdir().unwrap();
    let key = || KeySource::Secret(SecretString::from("s".to_owned()));
    // The holder's config: requests may take long, so may its renewal.
    let holder =
        FileStore::new(dir.path().join("data"), key()).with_lock_wait(Duration::from_secs(30));
    // The waiter's config: short requests, short wait.
    let waiter =
        FileStore::new(dir.path().join("data"), key()).with_lock_wait(Duration::from_secs(1));

    let (held_tx, held_rx) = std::sync::mpsc::channel();
    let holding = std::thread::spawn(move || {
        let lock = holder.lock_for("renewing slowly").expect("holder locks");
        held_tx.send(()).unwrap();
        // Well within the 30 s its config allows.
        std::thread::sleep(Duration::from_secs(3));
        drop(lock);
    });
    held_rx.recv().unwrap();
    let started = Instant::now();
    let got = waiter.lock_for("reading");
    holding.join().unwrap();
    assert!(
        got.is_ok(),
        "the waiter gave up after {:?} on a holder within its bounds: {:?}",
        started.elapsed(),
        got.err().map(|e| e.to_string())
    );
}

/// A holder that overstays its own bound is given up on, and named.
#[test]
fn a_holder_past_its_own_bound_is_given_up_on_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let key = || KeySource::Secret(SecretString::from("s".to_owned()));
    let holder =
        FileStore::new(dir.path().join("data"), key()).with_lock_wait(Duration::from_millis(200));
    let waiter =
        FileStore::new(dir.path().join("data"), key()).with_lock_wait(Duration::from_millis(200));
    let held = holder.lock_for("stuck").expect("holder locks");
    let err = waiter
        .lock_for("reading")
        .expect_err("the holder overstays");
    let text = err.to_string();
    assert!(text.contains("stuck"), "{text}");
    drop(held);
}
