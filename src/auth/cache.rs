//! Discovery documents and key sets kept on disk with their freshness, so
//! a start (or a refresh) does not rediscover a provider it just met.
//! Nothing here is secret; a bad or stale entry is simply fetched again.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use url::Url;

/// Freshness when the provider says nothing (no `Cache-Control`).
pub(crate) const DEFAULT_TTL: Duration = Duration::from_secs(60 * 60);
/// Never trust an entry longer than this, whatever the provider says.
pub(crate) const MAX_TTL: Duration = Duration::from_secs(24 * 60 * 60);
const VERSION: u32 = 1;

/// A folder of cached discovery documents and key sets.
#[derive(Debug, Clone)]
pub struct DiscoveryCache {
    dir: PathBuf,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct Entry {
    version: u32,
    metadata_url: String,
    expires_at: i64,
    metadata: Box<serde_json::value::RawValue>,
    jwks: Box<serde_json::value::RawValue>,
}

impl Entry {
    pub(crate) fn metadata(&self) -> &[u8] {
        self.metadata.get().as_bytes()
    }

    pub(crate) fn jwks(&self) -> &[u8] {
        self.jwks.get().as_bytes()
    }
}

impl DiscoveryCache {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, url: &Url) -> PathBuf {
        let digest = Sha256::digest(url.as_str().as_bytes());
        let name: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        self.dir.join(format!("discovery-{name}.json"))
    }

    /// A fresh entry for this metadata URL, if there is one.
    pub(crate) fn load(&self, url: &Url) -> Option<Entry> {
        let bytes = std::fs::read(self.path(url)).ok()?;
        let entry: Entry = match serde_json::from_slice(&bytes) {
            Ok(e) => e,
            Err(e) => {
                tracing::debug!("ignoring an unreadable discovery cache entry: {e}");
                return None;
            }
        };
        (entry.version == VERSION
            && entry.metadata_url == url.as_str()
            && Utc::now().timestamp() < entry.expires_at)
            .then_some(entry)
    }

    /// Keep what was fetched for `ttl` (clamped; zero keeps nothing).
    /// Best effort: a cache that cannot be written costs a fetch later.
    pub(crate) fn store(&self, url: &Url, metadata: &[u8], jwks: &[u8], ttl: Duration) {
        let ttl = ttl.min(MAX_TTL);
        if ttl.is_zero() {
            return;
        }
        let raw = |b: &[u8]| {
            serde_json::value::RawValue::from_string(String::from_utf8_lossy(b).into_owned()).ok()
        };
        let (Some(metadata), Some(jwks)) = (raw(metadata), raw(jwks)) else {
            return;
        };
        let entry = Entry {
            version: VERSION,
            metadata_url: url.to_string(),
            expires_at: Utc::now().timestamp() + ttl.as_secs() as i64,
            metadata,
            jwks,
        };
        let result = (|| -> std::io::Result<()> {
            std::fs::create_dir_all(&self.dir)?;
            let path = self.path(url);
            let tmp = path.with_extension(format!("{}.tmp", std::process::id()));
            std::fs::write(
                &tmp,
                serde_json::to_vec(&entry).map_err(std::io::Error::other)?,
            )?;
            std::fs::rename(&tmp, &path)
        })();
        if let Err(e) = result {
            tracing::debug!("could not cache the discovery document: {e}");
        }
    }

    /// Forget the entry (after its keys failed us).
    pub(crate) fn forget(&self, url: &Url) {
        let _ = std::fs::remove_file(self.path(url));
    }
}
