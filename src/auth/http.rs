//! The provider's client as openidconnect sees it, on the neutral
//! [`crate::http`] rules: bodies capped while they stream, numbers clamped.

use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use openidconnect::{AsyncHttpClient, HttpClientError, HttpRequest, HttpResponse};

use crate::http::{BodyError, RAISE_CAP, read_capped};

pub use super::clamp::MAX_INTERVAL_SECS;
use super::clamp::clamp_provider_numbers;

/// A provider's client as openidconnect sees it: every answer is read
/// chunk by chunk up to `PROVIDER_BODY_CAP` and its numbers
/// (`expires_in`, `interval`) clamped before oauth2 parses them (oauth2's
/// own reqwest client buffers the whole body and panics on an `interval`
/// that overflows). Derefs to the reqwest client for plain requests.
///
/// It also adds up the time spent waiting for the provider (request sent
/// to body read) of the calls a login makes — token, JWKS refetch,
/// userinfo — so a benchmark can tell authdash's own share of a login
/// from the provider's (`benches/engine.rs`). One counter per provider
/// (clones share it), no global; reading it is all it is for.
#[derive(Debug, Clone)]
pub struct ProviderHttp {
    client: reqwest::Client,
    cap: usize,
    waited: Arc<AtomicU64>,
}

impl ProviderHttp {
    /// The same client with another cap (tests, and callers that expect
    /// smaller answers).
    pub(crate) fn with_cap(client: reqwest::Client, cap: usize) -> Self {
        Self {
            client,
            cap,
            waited: Arc::default(),
        }
    }

    /// The time spent so far waiting for this provider's answers (see the
    /// type's note). Compare two readings to time one stretch of work.
    pub fn waited(&self) -> Duration {
        Duration::from_nanos(self.waited.load(Ordering::Relaxed))
    }

    /// Run `request` (send and read the answer), counting its time as
    /// time spent waiting for the provider.
    pub(crate) async fn timed<T>(&self, request: impl Future<Output = T>) -> T {
        let started = Instant::now();
        let out = request.await;
        let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.waited.fetch_add(nanos, Ordering::Relaxed);
        out
    }

    pub(crate) fn cap(&self) -> usize {
        self.cap
    }
}

impl Deref for ProviderHttp {
    type Target = reqwest::Client;

    fn deref(&self) -> &reqwest::Client {
        &self.client
    }
}

type CallResult = Result<HttpResponse, HttpClientError<reqwest::Error>>;

impl<'c> AsyncHttpClient<'c> for ProviderHttp {
    type Error = HttpClientError<reqwest::Error>;
    type Future = Pin<Box<dyn Future<Output = CallResult> + Send + Sync + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let request = reqwest::Request::try_from(request).map_err(Box::new)?;
            let (builder, body) = self
                .timed(async {
                    let response = self.client.execute(request).await.map_err(Box::new)?;
                    let mut builder = openidconnect::http::Response::builder()
                        .status(response.status())
                        .version(response.version());
                    for (name, value) in response.headers() {
                        builder = builder.header(name, value);
                    }
                    let body = read_capped(response, self.cap).await.map_err(|e| {
                        HttpClientError::Other(match e {
                            BodyError::TooLarge { .. } => format!("{e}{RAISE_CAP}"),
                            BodyError::Transport(_) => e.to_string(),
                        })
                    })?;
                    Ok::<_, Self::Error>((builder, body))
                })
                .await?;
            builder
                .body(clamp_provider_numbers(body))
                .map_err(HttpClientError::Http)
        })
    }
}
