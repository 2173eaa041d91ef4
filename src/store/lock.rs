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
use crate::config::HttpSettings;

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
pub const REQUESTS_UNDER_LOCK: u32 = 4;
/// Beyond the requests: verifying, encrypting, the file writes, a slow disk.
pub const LOCK_MARGIN: Duration = Duration::from_secs(10);

/// How long to wait for the store lock: never shorter than the longest a
/// holder may keep it (a renewal's requests, each up to the request
/// timeout, plus a margin), so a waiter never gives up on a healthy holder.
pub fn lock_wait(http: &HttpSettings) -> Duration {
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
}

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
    let deadline = Instant::now() + timeout;
    loop {
        match file.try_lock() {
            Ok(()) => {
                let mut lock = StoreLock { file };
                record(&mut lock.file, doing);
                return Ok(lock);
            }
            Err(TryLockError::WouldBlock) if Instant::now() < deadline => std::thread::sleep(RETRY),
            Err(TryLockError::WouldBlock) => {
                return Err(StoreError::LockTimeout {
                    path: PathBuf::from(path),
                    waited: timeout,
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
fn record(file: &mut File, doing: &str) {
    let program = std::env::current_exe()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "authdash".into());
    let holder = Holder {
        pid: std::process::id(),
        program,
        doing: doing.to_owned(),
        since: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
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

/// The holder's record, said for a person; `None` when there is none.
fn holder(mut file: &File) -> Option<String> {
    file.seek(SeekFrom::Start(0)).ok()?;
    let mut bytes = Vec::new();
    file.take(MAX_RECORD).read_to_end(&mut bytes).ok()?;
    let h: Holder = serde_json::from_slice(&bytes).ok()?;
    // The record is another process's words: no control characters through.
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect()
    };
    Some(format!(
        "by process {} ({}, {}, since {})",
        h.pid,
        clean(&h.program),
        clean(&h.doing),
        clean(&h.since)
    ))
}
