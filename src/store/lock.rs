//! An exclusive lock on a file beside the store. The store itself is
//! replaced by rename, which would void a lock held on it.
//!
//! The holder writes who it is (pid, program, what it does, since when)
//! into the lock file, so that a process that gives up waiting can say
//! which process to look at. The record is advice for people: the lock
//! itself is the kernel's.

use std::fs::{File, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::StoreError;
use super::fsutil::{ensure_private_dir, open_private_rw};
use crate::http::HttpSettings;

/// Held while reading-then-writing the store, and across a refresh so two
/// processes never spend one rotating refresh token twice. Released on drop.
#[derive(Debug)]
pub struct StoreLock {
    file: File,
}

impl Drop for StoreLock {
    fn drop(&mut self) {
        // Clear the record before the kernel releases the lock on close.
        let _ = self.file.set_len(0);
    }
}

/// How often to try again while another process holds the lock.
const RETRY: Duration = Duration::from_millis(25);

/// The most HTTP requests a holder makes while holding the lock: a
/// renewal's token request, a JWKS refetch for an unknown key id, userinfo
/// and a configured claims endpoint, each bounded by the request timeout.
pub(crate) const REQUESTS_UNDER_LOCK: u32 = 4;
/// Beyond the requests: verifying, encrypting, the file writes, a slow disk.
pub(crate) const LOCK_MARGIN: Duration = Duration::from_secs(10);

/// How long to wait for the store lock: never shorter than the longest a
/// holder may keep it (a renewal's requests, each up to the request
/// timeout, plus a margin), so a waiter never gives up on a healthy holder.
pub(crate) fn lock_wait(http: &HttpSettings) -> Duration {
    http.request_timeout
        .saturating_mul(REQUESTS_UNDER_LOCK)
        .saturating_add(LOCK_MARGIN)
}

/// What a holder writes into the lock file.
#[derive(Serialize, Deserialize)]
struct Holder {
    pid: u32,
    program: String,
    doing: String,
    since: String,
    /// When it took the lock (Unix milliseconds) and the longest it may
    /// keep it under its own config: a waiter whose config allows less
    /// waits that long all the same, so it never gives up on a holder
    /// still within its bounds.
    #[serde(default)]
    since_ms: i64,
    #[serde(default)]
    may_hold_ms: u64,
}

/// However long a holder says it may keep the lock, a waiter waits at
/// most this much beyond its own bound: the record is advice, not a
/// promise, and must not park a process for ever.
const MAX_HOLD: Duration = Duration::from_secs(15 * 60);
/// How often a waiter reads the holder's record again.
const REREAD: Duration = Duration::from_millis(250);

/// The longest record read back; a holder writes far less.
const MAX_RECORD: u64 = 4096;

/// Wait at most `timeout`; blocking, so call it off async worker threads.
/// `doing` says what the holder will do, for the message of a waiter.
pub(crate) fn acquire(
    path: &Path,
    timeout: Duration,
    doing: &str,
) -> Result<StoreLock, StoreError> {
    if let Some(dir) = path.parent() {
        ensure_private_dir(dir)?;
    }
    let file = open_private_rw(path)?;
    let started = Instant::now();
    let own_deadline = started + timeout;
    let mut deadline = own_deadline;
    let mut reread_at = started;
    loop {
        match file.try_lock() {
            Ok(()) => {
                let mut lock = StoreLock { file };
                record(&mut lock.file, doing, timeout);
                return Ok(lock);
            }
            Err(TryLockError::WouldBlock) => {
                let now = Instant::now();
                if now >= reread_at {
                    reread_at = now + REREAD;
                    if let Some(until) = holder_bound(&file, now) {
                        deadline = own_deadline.max(until.min(own_deadline + MAX_HOLD));
                    }
                }
                if now < deadline {
                    std::thread::sleep(RETRY);
                    continue;
                }
                return Err(StoreError::LockTimeout {
                    path: PathBuf::from(path),
                    waited: now - started,
                    holder: holder(&file),
                });
            }
            Err(TryLockError::Error(source)) => {
                return Err(StoreError::Io {
                    action: "lock",
                    path: path.to_owned(),
                    source,
                });
            }
        }
    }
}

/// Best effort: a lock without a record still locks.
fn record(file: &mut File, doing: &str, may_hold: Duration) {
    let program = std::env::current_exe()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "authdash".into());
    let holder = Holder {
        pid: std::process::id(),
        program,
        doing: doing.to_owned(),
        since: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        since_ms: chrono::Utc::now().timestamp_millis(),
        may_hold_ms: u64::try_from(may_hold.as_millis()).unwrap_or(u64::MAX),
    };
    let Ok(line) = serde_json::to_vec(&holder) else {
        return;
    };
    let _ = file
        .set_len(0)
        .and_then(|()| file.seek(SeekFrom::Start(0)))
        .and_then(|_| file.write_all(&line))
        .and_then(|()| file.flush());
}

fn read_holder(mut file: &File) -> Option<Holder> {
    file.seek(SeekFrom::Start(0)).ok()?;
    let mut bytes = Vec::new();
    file.take(MAX_RECORD).read_to_end(&mut bytes).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// When the holder's own bound ends, as an instant of this process.
fn holder_bound(file: &File, now: Instant) -> Option<Instant> {
    let h = read_holder(file)?;
    let ends_ms = h
        .since_ms
        .saturating_add(i64::try_from(h.may_hold_ms).unwrap_or(i64::MAX));
    let left_ms = ends_ms.saturating_sub(chrono::Utc::now().timestamp_millis());
    let left = Duration::from_millis(u64::try_from(left_ms).unwrap_or(0)).min(MAX_HOLD);
    Some(now + left)
}

/// The holder's record, said for a person; `None` when there is none.
fn holder(file: &File) -> Option<String> {
    let h = read_holder(file)?;
    // The record is another process's words: no control characters through.
    let clean = |s: &str| crate::identity::visible(s).into_owned();
    Some(format!(
        "by process {} ({}, {}, since {})",
        h.pid,
        clean(&h.program),
        clean(&h.doing),
        clean(&h.since)
    ))
}
