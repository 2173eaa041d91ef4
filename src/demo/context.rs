//! What the demo provider's handlers share: its issuer, settings, users,
//! signing key and state, and the count of requests by path.

use std::collections::BTreeMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Mutex, MutexGuard};

use super::DemoSettings;
use super::directory::Directory;
use super::keys::SigningKey;
use super::state::Store;

/// Everything the handlers share.
pub(crate) struct Ctx {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub(crate) issuer: String,
    pub(crate) settings: DemoSettings,
    pub(crate) directory: Directory,
    pub(crate) key: SigningKey,
    /// This run's backend API key: 256 random bits.
    pub(crate) backend_api_key: String,
    store: Mutex<Store>,
    pub(crate) refresh_reuse_rejections: AtomicU64,
    pub(crate) device_polls: AtomicU64,
    /// The first token `/api/trouble/unauthorized-once` refused.
    pub(crate) first_trouble_token: Mutex<Option<String>>,
    /// Requests answered, by path (benchmarks count a client's requests).
    requests: Mutex<BTreeMap<String, u64>>,
}

/// Distinct paths [`Ctx::requests`] keeps apart; the rest are counted
/// together, so that a client inventing paths cannot grow the map.
const COUNTED_PATHS: usize = 64;
/// Where requests beyond [`COUNTED_PATHS`] distinct paths are counted.
pub(crate) const OTHER_PATHS: &str = "(other paths)";

impl Ctx {
    pub(crate) fn new(
        issuer: String,
        settings: DemoSettings,
        directory: Directory,
        key: SigningKey,
    ) -> Ctx {
        Ctx {
            issuer,
            settings,
            directory,
            key,
            backend_api_key: super::state::random_token(),
            store: Mutex::new(Store::default()),
            refresh_reuse_rejections: AtomicU64::new(0),
            device_polls: AtomicU64::new(0),
            first_trouble_token: Mutex::new(None),
            requests: Mutex::new(BTreeMap::new()),
        }
    }

    /// How many requests each path has had so far.
    pub(crate) fn requests(&self) -> BTreeMap<String, u64> {
        self.requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub(crate) fn count_request(&self, path: &str) {
        let mut requests = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        let key = if requests.contains_key(path) || requests.len() < COUNTED_PATHS {
            path
        } else {
            OTHER_PATHS
        };
        *requests.entry(key.to_owned()).or_default() += 1;
    }

    /// The state, locked. A panic elsewhere cannot leave it half-updated in
    /// a way that matters for a demo, so a poisoned lock is taken over.
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn endpoint(&self, path: &str) -> String {
        format!("{}{}", self.issuer, path)
    }
}
