//! A provider resolved from its config: metadata, keys and an HTTP client.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use openidconnect::core::{CoreClient, CoreJsonWebKeySet};
use openidconnect::{
    ClientId, ClientSecret, EndpointMaybeSet, EndpointNotSet, EndpointSet, RedirectUrl,
};
use secrecy::ExposeSecret;
use url::Url;

use super::AuthError;
use super::cache::{self, DiscoveryCache};
use super::http::ProviderHttp;
use super::metadata::{self, Metadata};
use crate::config::{HttpSettings, ProviderConfig};
use crate::http::{self, HttpOptions};

pub(crate) type OidcClient = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// An unknown `kid` triggers at most one JWKS refetch in this interval, so a
/// stream of forged tokens cannot make us hammer the provider.
const JWKS_REFETCH_INTERVAL: Duration = Duration::from_secs(30);

/// A provider ready for logins: its discovery document, signing keys and
/// an HTTP client with its timeouts and proxy rules.
pub struct Provider {
    config: ProviderConfig,
    issuer: String,
    metadata: Metadata,
    keys: Mutex<Keys>,
    http: ProviderHttp,
    cache: Option<DiscoveryCache>,
}

struct Keys {
    set: CoreJsonWebKeySet,
    refetched_at: Option<Instant>,
}

impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider")
            .field("name", &self.config.name)
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

impl Provider {
    /// Fetch and check the discovery document and the key set.
    pub async fn discover(
        config: &ProviderConfig,
        settings: &HttpSettings,
    ) -> Result<Self, AuthError> {
        Self::discover_cached(config, settings, None).await
    }

    /// The same, through a disk cache: a fresh entry makes no request; a
    /// stale, unreadable or failing one is fetched again (and stored).
    pub async fn discover_cached(
        config: &ProviderConfig,
        settings: &HttpSettings,
        cache: Option<&DiscoveryCache>,
    ) -> Result<Self, AuthError> {
        let url = &config.server_metadata_url;
        http::require_secure("the discovery document", url)?;
        let loopback = http::is_loopback(url);
        let http = ProviderHttp::with_cap(
            http::client(HttpOptions {
                connect_timeout: settings.connect_timeout,
                request_timeout: settings.request_timeout,
                loopback,
                ca_file: config.ca_file.as_deref(),
                ca_file_sha256: config.ca_file_sha256.as_deref(),
            })?,
            settings.provider_body_cap,
        );
        let expected = metadata::issuer_of(url);
        let cached = cache.and_then(|c| c.load(url)).and_then(|entry| {
            let metadata = metadata::parse_metadata(url, entry.metadata(), &expected).ok()?;
            let set = metadata::parse_jwks(metadata.jwks_uri().url(), entry.jwks()).ok()?;
            Some((metadata, set))
        });
        let (metadata, set) = match cached {
            Some((metadata, set)) => {
                // A cached document is held to the same rule as a fresh one.
                metadata::check_endpoints(&metadata, loopback)?;
                (metadata, set)
            }
            None => {
                let (raw, ttl) = metadata::fetch_metadata_raw(&http, url).await?;
                let metadata = metadata::parse_metadata(url, &raw, &expected)?;
                metadata::check_endpoints(&metadata, loopback)?;
                let jwks_url = metadata.jwks_uri().url().clone();
                let (raw_keys, _) = metadata::fetch_jwks_raw(&http, &jwks_url).await?;
                let set = metadata::parse_jwks(&jwks_url, &raw_keys)?;
                if let Some(cache) = cache {
                    cache.store(url, &raw, &raw_keys, ttl.unwrap_or(cache::DEFAULT_TTL));
                }
                (metadata, set)
            }
        };
        // The document's own spelling is what tokens and responses carry.
        let issuer = metadata.issuer().as_str().to_owned();
        Ok(Self {
            config: config.clone(),
            issuer,
            metadata,
            keys: Mutex::new(Keys {
                set,
                refetched_at: None,
            }),
            http,
            cache: cache.cloned(),
        })
    }

    pub fn config(&self) -> &ProviderConfig {
        &self.config
    }

    pub(crate) fn name(&self) -> &str {
        &self.config.name
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    pub fn metadata(&self) -> &Metadata {
        &self.metadata
    }

    /// The provider's HTTP client (timeouts, no redirects, bodies capped
    /// at 1 MiB for openidconnect's calls); it derefs to the reqwest client,
    /// also fit for the APIs its access tokens open.
    pub fn http(&self) -> &ProviderHttp {
        &self.http
    }

    pub(crate) fn revocation_endpoint(&self) -> Option<&Url> {
        self.metadata
            .additional_metadata()
            .revocation_endpoint
            .as_ref()
    }

    pub fn end_session_endpoint(&self) -> Option<&Url> {
        self.metadata
            .additional_metadata()
            .end_session_endpoint
            .as_ref()
    }

    /// Whether the provider runs on this machine (plain http allowed).
    pub(crate) fn is_loopback(&self) -> bool {
        http::is_loopback(&self.config.server_metadata_url)
    }

    pub(crate) fn current_keys(&self) -> CoreJsonWebKeySet {
        match self.keys.lock() {
            Ok(k) => k.set.clone(),
            Err(poisoned) => poisoned.into_inner().set.clone(),
        }
    }

    /// Fetch the key set again after an unknown `kid`, at most once per
    /// interval. `None` when the last refetch was too recent.
    pub(crate) async fn refetch_keys(&self) -> Result<Option<CoreJsonWebKeySet>, AuthError> {
        {
            let mut keys = self.keys.lock().unwrap_or_else(|p| p.into_inner());
            if keys
                .refetched_at
                .is_some_and(|at| at.elapsed() < JWKS_REFETCH_INTERVAL)
            {
                return Ok(None);
            }
            keys.refetched_at = Some(Instant::now());
        }
        let set = self
            .http
            .timed(metadata::fetch_jwks(
                &self.http,
                self.metadata.jwks_uri().url(),
            ))
            .await?;
        let mut keys = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        keys.set = set.clone();
        // The cached keys are stale: the next start discovers afresh.
        if let Some(cache) = &self.cache {
            cache.forget(&self.config.server_metadata_url);
        }
        Ok(Some(set))
    }

    /// An openidconnect client with the given keys, and the redirect URI
    /// when a login is under way.
    pub(crate) fn client(&self, keys: CoreJsonWebKeySet, redirect: Option<&Url>) -> OidcClient {
        let metadata = self.metadata.clone().set_jwks(keys);
        let secret = self
            .config
            .client_secret
            .as_ref()
            .map(|s| ClientSecret::new(s.expose_secret().to_owned()));
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.config.client_id.clone()),
            secret,
        );
        match redirect {
            Some(uri) => client.set_redirect_uri(RedirectUrl::from_url(uri.clone())),
            None => client,
        }
    }
}
