//! The token store between processes, with real processes: a lock held by
//! another process, and writers killed with SIGKILL in the middle of a
//! write. The other processes are this test binary run again with
//! `--ignored --exact child_process` and a role in the environment.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use authdash::auth::Session;
use authdash::store::{FileStore, KEY_FILE_NAME, KeySource, StoreError, TokenStore};
use chrono::Utc;
use secrecy::ExposeSecret;

#[path = "support/session.rs"]
mod session;

const ROLE: &str = "AUTHDASH_TEST_STORE_ROLE";
const DIR: &str = "AUTHDASH_TEST_STORE_DIR";
/// Lines a child says, told apart from the test harness's own output.
const SAYS: &str = "@@ ";
/// How long a child writer pauses with its temp file written and not yet
/// renamed: the window the kills aim at.
const PAUSE: Duration = Duration::from_millis(40);
/// The longest any step with a child may take.
const BOUND: Duration = Duration::from_secs(60);

fn session(access: &str) -> Session {
    session::hand_made("p", access, Utc::now())
}

fn store(dir: &Path) -> FileStore {
    FileStore::new(dir, KeySource::KeyFile(dir.join(KEY_FILE_NAME)))
}

/// The access token of the one stored session: which write it came from.
fn stored_generation(store: &FileStore) -> u64 {
    let accounts = store.accounts().expect("the store opens after a kill");
    assert!(
        accounts.recovered.is_none(),
        "never set aside: {:?}",
        accounts.recovered
    );
    assert_eq!(accounts.sessions.len(), 1);
    let token = accounts.sessions[0].tokens.access_token.expose_secret();
    token
        .strip_prefix("gen-")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unexpected content {token:?}"))
}

/// Not a test: the other process of the tests below.
#[test]
#[ignore = "run by the other tests of this file as their child process"]
fn child_process() {
    let (Ok(role), Ok(dir)) = (std::env::var(ROLE), std::env::var(DIR)) else {
        return;
    };
    let dir = PathBuf::from(dir);
    // Bounded whatever happens to the parent.
    std::thread::spawn(|| {
        std::thread::sleep(BOUND);
        std::process::exit(3);
    });
    let say = |line: String| {
        let mut out = std::io::stdout().lock();
        // The parent is gone: stop.
        if writeln!(out, "{SAYS}{line}")
            .and_then(|()| out.flush())
            .is_err()
        {
            std::process::exit(0);
        }
    };
    match role.as_str() {
        "hold" => {
            // It says it may hold the lock 300 ms, then overstays.
            let _lock = store(&dir)
                .with_lock_wait(Duration::from_millis(300))
                .lock_for("holding the lock for a test")
                .expect("lock");
            say("held".into());
            // Until the parent kills it (or the bound ends it).
            std::thread::sleep(BOUND);
        }
        "write" => {
            let writing = Arc::new(AtomicU64::new(0));
            let seen = writing.clone();
            let store = store(&dir).with_before_rename_hook(Arc::new(move || {
                let n = seen.load(Ordering::SeqCst);
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "{SAYS}temp {n}").and_then(|()| out.flush());
                std::thread::sleep(PAUSE);
                // Said before the rename: a kill before this line is
                // surely a kill before the rename.
                let _ = writeln!(out, "{SAYS}renaming {n}").and_then(|()| out.flush());
            }));
            for n in 1..=1000 {
                writing.store(n, Ordering::SeqCst);
                store.save(&session(&format!("gen-{n}"))).expect("write");
                say(format!("renamed {n}"));
            }
        }
        "stall" => {
            // Its temp file written, it never gets to the rename.
            let store = store(&dir).with_before_rename_hook(Arc::new(|| {
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "{SAYS}temp 1").and_then(|()| out.flush());
                std::thread::sleep(BOUND);
            }));
            store.save(&session("gen-1")).expect("write");
            say("renamed 1".into());
        }
        other => panic!("unknown role {other}"),
    }
}

fn spawn_child(role: &str, dir: &Path) -> (Child, Receiver<String>) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "child_process",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ROLE, role)
        .env(DIR, dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            // The harness may start the first line ("test child_process ... ").
            if let Some((_, said)) = line.split_once(SAYS)
                && tx.send(said.to_owned()).is_err()
            {
                break;
            }
        }
    });
    (child, rx)
}

/// The next line the child says, within the bound.
fn next_line(rx: &Receiver<String>, what: &str) -> String {
    match rx.recv_timeout(BOUND) {
        Ok(line) => line,
        Err(RecvTimeoutError::Timeout) => panic!("no `{what}` from the child within {BOUND:?}"),
        Err(RecvTimeoutError::Disconnected) => panic!("the child ended before `{what}`"),
    }
}

/// Rule 7: the process that gives up waiting names the one holding it.
#[test]
fn a_lock_held_by_another_process_names_its_pid_when_the_wait_ends() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    store(&dir).save(&session("gen-0")).unwrap();
    let (mut child, rx) = spawn_child("hold", &dir);
    assert_eq!(next_line(&rx, "held"), "held");
    // A short wait through the test-only constructor, not 130 s.
    let waiting = store(&dir).with_lock_wait(Duration::from_millis(300));
    let started = Instant::now();
    let err = waiting.lock().unwrap_err();
    assert!(started.elapsed() >= Duration::from_millis(300));
    let message = err.to_string();
    let StoreError::LockTimeout {
        holder: Some(holder),
        ..
    } = &err
    else {
        panic!("expected LockTimeout naming its holder, got {message}");
    };
    assert!(
        holder.contains(&format!("process {} ", child.id()))
            && holder.contains("holding the lock for a test"),
        "{message}"
    );
    assert!(message.contains(&child.id().to_string()), "{message}");
    let _ = child.kill();
    let _ = child.wait();
    // The kernel releases a dead holder's lock; its stale record is no bar.
    waiting.lock().expect("free once the holder is gone");
}

/// A writer killed with its temp file written and the rename not begun
/// (it sits in the hook before the rename until killed): the store holds
/// the write before, never the new one. A writer that wrote the store's
/// file in place would leave the new one.
#[test]
fn a_writer_killed_before_its_rename_leaves_the_write_before() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let parent = store(&dir);
    parent.save(&session("gen-0")).unwrap();
    let (mut child, rx) = spawn_child("stall", &dir);
    assert_eq!(next_line(&rx, "temp 1"), "temp 1");
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_eq!(
        stored_generation(&parent),
        0,
        "the killed write reached the store"
    );
}

/// A writer killed with SIGKILL while its temp file is written and not yet
/// renamed, and at moments around it, leaves the store opening with the
/// last complete write. Each kill that landed inside a write is counted
/// (the child said `temp N` but never `renamed N`), and most must.
#[test]
fn writers_killed_in_the_middle_of_writes_leave_the_last_complete_store() {
    const ROUNDS: u64 = 16;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let parent = store(&dir);
    parent.save(&session("gen-0")).unwrap();
    let mut rng: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut hits = 0;
    for round in 0..ROUNDS {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let before = stored_generation(&parent);
        let (mut child, rx) = spawn_child("write", &dir);
        // Aim at the write numbered 1 to 3, 0 to 50 ms after its temp file
        // is complete: mostly inside the 40 ms pause, sometimes just after
        // the rename.
        let aim = 1 + round % 3;
        let mut said = Vec::new();
        loop {
            let line = next_line(&rx, "temp");
            said.push(line.clone());
            if line == format!("temp {aim}") {
                break;
            }
        }
        std::thread::sleep(Duration::from_micros(rng % 50_000));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        // The reader thread ends at EOF: all the child said is in.
        said.extend(rx.iter());
        let last = |prefix: &str| {
            said.iter()
                .filter_map(|l| l.strip_prefix(prefix)?.parse::<u64>().ok())
                .max()
        };
        let renamed = last("renamed ");
        let temp = last("temp ").expect("a temp file was written");
        let complete = renamed.unwrap_or(before);
        let in_write = renamed.is_none_or(|r| temp > r);
        if in_write {
            hits += 1;
        }
        // Only once it said it was renaming may the rename have happened
        // before the kill and its message not: before that, the store
        // must still hold the last complete write (an in-place writer
        // would hold the new one).
        let renaming = last("renaming ") == Some(temp);
        let now = stored_generation(&parent);
        assert!(
            now == complete || (in_write && renaming && now == temp),
            "round {round}: the store holds gen-{now}; the last complete write was gen-{complete}, \
             the one in progress gen-{temp}"
        );
    }
    eprintln!("{hits} of {ROUNDS} kills landed inside a write");
    assert!(
        hits >= ROUNDS / 2,
        "only {hits} of {ROUNDS} kills landed inside a write"
    );
    // A killed writer's temp file does not pile up: the next write clears it.
    parent.save(&session("gen-final")).unwrap();
    let temps: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp") || n.contains(".unreadable-"))
        .collect();
    assert!(temps.is_empty(), "{temps:?}");
}
