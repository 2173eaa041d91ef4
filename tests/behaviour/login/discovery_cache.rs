//! Discovery documents and key sets cached on disk: a fresh entry makes no
//! request, a stale or unreadable one is fetched again, and keys that no
//! longer verify drop the entry.

use crate::support;

use std::time::Duration;

use authdash::auth::{DiscoveryCache, Provider};
use support::broken_provider::{BrokenProvider, Fault};

const BOUND: Duration = Duration::from_secs(30);

async fn discover(op: &BrokenProvider, cache: &DiscoveryCache) -> Provider {
    let config = op.config();
    tokio::time::timeout(
        BOUND,
        Provider::discover_cached(&config.providers[0], &config.http, Some(cache)),
    )
    .await
    .expect("bounded")
    .expect("discovery")
}

fn entries(cache: &DiscoveryCache) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(cache.dir())
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_fresh_entry_makes_no_request() {
    let op = BrokenProvider::start(Fault::None).await;
    let tmp = tempfile::tempdir().unwrap();
    let cache = DiscoveryCache::new(tmp.path().join("cache"));
    let first = discover(&op, &cache).await;
    assert_eq!(op.jwks_hits(), 1);
    assert_eq!(entries(&cache).len(), 1);
    let second = discover(&op, &cache).await;
    assert_eq!(op.jwks_hits(), 1, "the second start used the cache");
    assert_eq!(first.issuer(), second.issuer());
}

#[tokio::test]
async fn a_stale_or_unreadable_entry_is_fetched_again() {
    let op = BrokenProvider::start(Fault::None).await;
    let tmp = tempfile::tempdir().unwrap();
    let cache = DiscoveryCache::new(tmp.path().join("cache"));
    discover(&op, &cache).await;
    let [entry] = entries(&cache).try_into().expect("one entry");
    let mut json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&entry).unwrap()).unwrap();
    json["expires_at"] = serde_json::json!(0);
    std::fs::write(&entry, json.to_string()).unwrap();
    discover(&op, &cache).await;
    assert_eq!(op.jwks_hits(), 2, "stale: fetched again");
    std::fs::write(&entry, b"{not json").unwrap();
    discover(&op, &cache).await;
    assert_eq!(op.jwks_hits(), 3, "unreadable: fetched again");
    discover(&op, &cache).await;
    assert_eq!(op.jwks_hits(), 3, "and cached again");
}

#[tokio::test]
async fn without_a_cache_every_discovery_fetches() {
    let op = BrokenProvider::start(Fault::None).await;
    let config = op.config();
    for n in 1..=2 {
        Provider::discover(&config.providers[0], &config.http)
            .await
            .unwrap();
        assert_eq!(op.jwks_hits(), n);
    }
}
