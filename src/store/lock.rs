//! An exclusive lock on a file beside the store. The store itself is
//! replaced by rename, which would void a lock held on it.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::StoreError;
use super::fsutil::{FILE_MODE, ensure_private_dir};

/// Held while reading-then-writing the store, and across a refresh so two
/// processes never spend one rotating refresh token twice. Released on drop.
#[derive(Debug)]
pub struct StoreLock {
    _file: File,
}

/// How often to try again while another process holds the lock.
const RETRY: Duration = Duration::from_millis(25);

/// Wait at most `timeout`; blocking, so call it off async worker threads.
pub(crate) fn acquire(path: &Path, timeout: Duration) -> Result<StoreLock, StoreError> {
    if let Some(dir) = path.parent() {
        ensure_private_dir(dir)?;
    }
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, FILE_MODE);
    let file = options.open(path).map_err(|source| StoreError::Io {
        action: "open",
        path: path.to_owned(),
        source,
    })?;
    let deadline = Instant::now() + timeout;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(StoreLock { _file: file }),
            Err(TryLockError::WouldBlock) if Instant::now() < deadline => std::thread::sleep(RETRY),
            Err(TryLockError::WouldBlock) => {
                return Err(StoreError::LockTimeout {
                    path: PathBuf::from(path),
                    waited: timeout,
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
