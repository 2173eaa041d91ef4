//! Noticing that the store changed on disk (another process logged an
//! account out, renewed or added one) without reading it: its file's
//! size, modification time and inode. A write replaces the file, so each
//! one gives a new inode.

use std::time::SystemTime;

use super::SessionService;

/// What the store's file looked like; equal stamps, no change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StoreStamp(Option<(Option<SystemTime>, u64, u64)>);

impl SessionService {
    /// The store's file as it is now (`None` inside when there is none).
    pub(crate) fn store_stamp(&self) -> StoreStamp {
        StoreStamp(std::fs::metadata(&self.store_path).ok().map(|m| {
            #[cfg(unix)]
            let inode = std::os::unix::fs::MetadataExt::ino(&m);
            #[cfg(not(unix))]
            let inode = 0;
            (m.modified().ok(), m.len(), inode)
        }))
    }
}
