//! One interactive login at a time per provider account across processes:
//! a lock file beside the store, per issuer and client_id, holding the
//! process id of the one logging in. A second process that needs the same
//! login waits for it (bounded) and then uses the session it stored,
//! instead of opening a second browser tab: the overnight IDE that calls a
//! credential helper a hundred times gets one login, not a hundred.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::{SessionError, blocking};
use crate::store::{StoreError, StoreLock, acquire_lock_file};

/// Held while a login runs; dropping it lets the next one in.
#[derive(Debug)]
pub(crate) struct LoginLock {
    _lock: StoreLock,
}

/// The lock file for logins to `issuer` as `client_id`, in `dir`.
pub(crate) fn path(dir: &Path, issuer: &str, client_id: &str) -> PathBuf {
    let digest = Sha256::digest(format!("{issuer}\n{client_id}").as_bytes());
    let short: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    dir.join(format!("login-{short}.lock"))
}

/// Take the lock now, or `Err(holder)` naming the process holding it.
pub(crate) async fn try_take(
    path: PathBuf,
    doing: String,
) -> Result<Result<LoginLock, String>, SessionError> {
    let taken = blocking(
        move || match acquire_lock_file(&path, Duration::ZERO, &doing) {
            Ok(lock) => Ok(Ok(LoginLock { _lock: lock })),
            Err(StoreError::LockTimeout { holder, .. }) => Ok(Err(holder.unwrap_or_else(|| {
                "by another authdash (which process is not recorded)".to_owned()
            }))),
            Err(e) => Err(e),
        },
    )
    .await?;
    Ok(taken)
}

/// Wait for the lock at most `wait`; the error names the holder.
pub(crate) async fn take(
    path: PathBuf,
    wait: Duration,
    doing: String,
) -> Result<LoginLock, SessionError> {
    blocking(move || acquire_lock_file(&path, wait, &doing).map(|lock| LoginLock { _lock: lock }))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_second_taker_is_told_who_holds_it_and_gets_it_once_released() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let path = path(&data, "https://issuer.example", "client");
        let first = try_take(path.clone(), "logging in".into())
            .await
            .unwrap()
            .unwrap();
        let holder = try_take(path.clone(), "logging in".into())
            .await
            .unwrap()
            .unwrap_err();
        assert!(
            holder.contains(&format!("process {}", std::process::id())),
            "{holder}"
        );
        drop(first);
        let second = take(path, Duration::from_secs(5), "logging in".into()).await;
        assert!(second.is_ok(), "{second:?}");
    }

    #[test]
    fn each_issuer_and_client_has_its_own_lock() {
        let d = Path::new("/d");
        assert_ne!(path(d, "https://a", "c"), path(d, "https://b", "c"));
        assert_ne!(path(d, "https://a", "c"), path(d, "https://a", "d"));
        assert_eq!(path(d, "https://a", "c"), path(d, "https://a", "c"));
    }
}
