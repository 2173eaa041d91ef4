//! The device authorization grant (RFC 8628): a code to enter on another
//! device, for machines without a browser (SSH, containers).
//!
//! [`DeviceLogin::start`] asks the provider for a `device_code` and a
//! `user_code`; the caller shows the code and the verification URI, then
//! runs [`DeviceLogin::poll`] (in a task: it waits for minutes) until the
//! person approves, denies, or the code expires. Cancelling is dropping
//! the poll future, e.g. in a `tokio::select!` with the UI's cancel key.

use std::pin::Pin;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use openidconnect::core::{CoreDeviceAuthorizationResponse, CoreErrorResponseType};
use openidconnect::{
    AsyncHttpClient, DeviceAuthorizationUrl, DeviceCodeErrorResponse, DeviceCodeErrorResponseType,
    HttpClientError, HttpRequest, HttpResponse, RequestTokenError, Scope, StandardErrorResponse,
};
use url::Url;

use super::http::ProviderHttp;
use super::tokens::new_session;
use super::verify::NonceCheck;
use super::{AuthError, LoginOptions, OAuthErrorText, Provider, Session};
use crate::http::{describe, require_secure_from};

/// Extra wait on top of the provider's interval: clocks on VMs and WSL
/// drift, and a poll that arrives a little early earns a `slow_down`.
const INTERVAL_MARGIN_PERCENT: u32 = 20;

/// The longest a device code is waited for, whatever `expires_in` says
/// (providers give 10 to 30 minutes): polling stops at this at the latest.
const MAX_DEVICE_CODE_LIFETIME: Duration = Duration::from_secs(60 * 60);

/// What the poll loop is doing, reported before each wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollState {
    /// The person has not answered yet; the next poll is in `next_poll_in`.
    Waiting { next_poll_in: Duration },
    /// The provider answered `slow_down`: polls are now at least `interval`
    /// apart (5 s more than before), the next one in `next_poll_in`.
    SlowingDown {
        interval: Duration,
        next_poll_in: Duration,
    },
    /// The token endpoint could not be reached; polling goes on (until the
    /// code expires), the next try in `next_poll_in`.
    Retrying { next_poll_in: Duration },
}

impl PollState {
    /// How long until the next poll.
    pub(crate) fn next_poll_in(&self) -> Duration {
        match *self {
            PollState::Waiting { next_poll_in }
            | PollState::SlowingDown { next_poll_in, .. }
            | PollState::Retrying { next_poll_in } => next_poll_in,
        }
    }
}

impl Provider {
    /// The provider offers the device authorization grant: its discovery
    /// document names a `device_authorization_endpoint`.
    pub fn supports_device_flow(&self) -> bool {
        self.device_authorization_endpoint().is_some()
    }

    pub(crate) fn device_authorization_endpoint(&self) -> Option<&Url> {
        self.metadata()
            .additional_metadata()
            .device_authorization_endpoint
            .as_ref()
    }
}

/// A device login whose code is ready to show; [`DeviceLogin::poll`]
/// waits for the person's answer.
pub struct DeviceLogin {
    provider: Arc<Provider>,
    details: CoreDeviceAuthorizationResponse,
    expires_at: DateTime<Utc>,
    /// [`LoginOptions::device_poll_speedup`]; 1 but in tests.
    speedup: u32,
}

impl std::fmt::Debug for DeviceLogin {
    /// The `user_code` is shown (it is on the screen anyway); the
    /// `device_code`, which alone redeems the grant, is not.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceLogin")
            .field("provider", &self.provider.name())
            .field("user_code", &self.user_code())
            .field("verification_uri", &self.verification_uri())
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl DeviceLogin {
    /// Ask the provider's device authorization endpoint for a code.
    ///
    /// The configured scopes with the extra ones of `options`, and the
    /// extra authorize parameters (`audience`, `resource`, ...) are sent;
    /// `prompt` is not (there is no browser redirect to prompt in).
    pub async fn start(provider: Arc<Provider>, options: LoginOptions) -> Result<Self, AuthError> {
        let endpoint = provider
            .device_authorization_endpoint()
            .ok_or(AuthError::MissingEndpoint(
                "device_authorization_endpoint (it does not offer logging in with a code on \
                 another device; use the browser login)",
            ))?
            .clone();
        require_secure_from(
            provider.is_loopback(),
            "device_authorization_endpoint",
            &endpoint,
        )?;
        let config = provider.config();
        let client = provider
            .client(provider.current_keys(), None)
            .set_device_authorization_url(DeviceAuthorizationUrl::from_url(endpoint.clone()));
        let mut request = client
            .exchange_device_code()
            .add_scopes(options.scopes(&config.scopes).into_iter().map(Scope::new));
        for (k, v) in options.authorize_params(&config.extra_authorize_params) {
            request = request.add_extra_param(k, v);
        }
        for resource in &options.resources {
            request = request.add_extra_param("resource", resource.clone());
        }
        let details: CoreDeviceAuthorizationResponse =
            match request.request_async(provider.http()).await {
                Ok(details) => details,
                Err(e) => return Err(device_request_error(e, &endpoint)?),
            };
        check_verification_uris(&provider, &details)?;
        // `expires_in` arrives clamped (see `clamp`), and no code is
        // polled for longer than an hour; the fallbacks are for durations
        // chrono still cannot hold.
        let lifetime = details.expires_in().min(MAX_DEVICE_CODE_LIFETIME);
        let expires_at = Utc::now()
            .checked_add_signed(TimeDelta::from_std(lifetime).unwrap_or(TimeDelta::seconds(300)))
            .unwrap_or_else(|| Utc::now() + TimeDelta::seconds(300));
        tracing::info!(
            provider = provider.name(),
            expires_in = lifetime.as_secs(),
            interval = details.interval().as_secs(),
            "device authorization started"
        );
        Ok(Self {
            provider,
            details,
            expires_at,
            speedup: options.device_poll_speedup.max(1),
        })
    }

    /// The code the person types on the other device.
    pub fn user_code(&self) -> &str {
        self.details.user_code().secret()
    }

    /// Where the person types the code.
    pub fn verification_uri(&self) -> &str {
        self.details.verification_uri().as_str()
    }

    /// The verification URI with the code in it (for a QR code), when the
    /// provider gives one.
    pub fn verification_uri_complete(&self) -> Option<&str> {
        self.details
            .verification_uri_complete()
            .map(|u| u.secret().as_str())
    }

    /// When the codes expire (`expires_in` after the provider answered, at
    /// most `MAX_DEVICE_CODE_LIFETIME`).
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.expires_at
    }

    /// The provider's minimum interval between polls (5 s when it names
    /// none; clamped to 1–60 s).
    pub fn interval(&self) -> Duration {
        self.details.interval()
    }

    /// Poll the token endpoint until the person answers, then verify the ID
    /// token (as the browser login does, without a nonce: the device grant
    /// sends none), fetch userinfo and build the session.
    ///
    /// The first poll is immediate; then every `interval` plus 20 %, 5 s
    /// more after each `slow_down`. `progress` hears the state before each
    /// wait. Ends with [`AuthError::Denied`] on `access_denied`,
    /// [`AuthError::DeviceCodeExpired`] on `expired_token` or when
    /// `expires_in` has passed, [`AuthError::TokenRejected`] on any other
    /// error response. Unreachable endpoints are retried until expiry.
    ///
    /// Cancel by dropping the future (e.g. the losing branch of a
    /// `tokio::select!`): no poll is sent after that.
    pub async fn poll(
        self,
        progress: impl Fn(PollState) + Send + Sync,
    ) -> Result<Session, AuthError> {
        let Self {
            provider,
            details,
            expires_at,
            speedup,
        } = self;
        let remaining = (expires_at - Utc::now()).to_std().unwrap_or(Duration::ZERO);
        let tracker = Arc::new(Tracker::default());
        let http = TrackedHttp {
            client: provider.http().clone(),
            tracker: tracker.clone(),
        };
        let sleep = |interval: Duration| {
            tokio::time::sleep(tracker.wait_for(interval, &progress) / speedup)
        };
        let client = provider.client(provider.current_keys(), None);
        let response = client
            .exchange_device_access_token(&details)
            .map_err(|_| AuthError::MissingEndpoint("token endpoint"))?
            .request_async(&http, sleep, Some(remaining))
            .await;
        let response = match response {
            Ok(r) => r,
            Err(e) => return Err(poll_error(e)),
        };
        tracing::info!(provider = provider.name(), "device authorization approved");
        new_session(&provider, &response, NonceCheck::MayBeAbsent).await
    }
}

/// Where the person is sent to type the code: https unless the provider
/// and the page are on this machine (a page over plain http could be
/// swapped on the way for one that phishes the code).
fn check_verification_uris(
    provider: &Provider,
    details: &CoreDeviceAuthorizationResponse,
) -> Result<(), AuthError> {
    let loopback = provider.is_loopback();
    let plain = Url::parse(details.verification_uri().as_str()).map_err(|e| {
        AuthError::DeviceAuthorizationEndpoint(format!("its verification_uri is not a URL: {e}"))
    })?;
    require_secure_from(loopback, "verification_uri", &plain)?;
    if let Some(complete) = details.verification_uri_complete() {
        let mut url = Url::parse(complete.secret()).map_err(|e| {
            AuthError::DeviceAuthorizationEndpoint(format!(
                "its verification_uri_complete is not a URL: {e}"
            ))
        })?;
        if require_secure_from(loopback, "verification_uri_complete", &url).is_err() {
            // The query holds the user code: the error shows the rest.
            url.set_query(None);
            return Err(AuthError::InsecureEndpoint {
                endpoint: "verification_uri_complete",
                url: url.to_string(),
            });
        }
    }
    Ok(())
}

/// The provider's HTTP client, noting each poll's answer in a [`Tracker`].
/// It owns what it uses: a borrowing one makes the poll future fail the
/// `Send` check (a higher-ranked lifetime limitation of rustc).
struct TrackedHttp {
    client: ProviderHttp,
    tracker: Arc<Tracker>,
}

type HttpResult = Result<HttpResponse, HttpClientError<reqwest::Error>>;

impl<'c> AsyncHttpClient<'c> for TrackedHttp {
    type Error = HttpClientError<reqwest::Error>;
    type Future = Pin<Box<dyn Future<Output = HttpResult> + Send + Sync + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let result = self.client.call(request).await;
            self.tracker.note(&result);
            result
        })
    }
}

const LAST_OTHER: u8 = 0;
const LAST_SLOW_DOWN: u8 = 1;
const LAST_TRANSPORT_ERROR: u8 = 2;

/// What the last poll's answer was, so the sleep function (oauth2's only
/// hook in its loop) can tell "pending" from `slow_down` from a network
/// error; and the largest interval the provider has asked for.
#[derive(Default)]
struct Tracker {
    last: AtomicU8,
    floor: Mutex<Duration>,
}

impl Tracker {
    fn note(&self, result: &HttpResult) {
        let last = match result {
            Err(_) => LAST_TRANSPORT_ERROR,
            Ok(response) if is_slow_down(response) => LAST_SLOW_DOWN,
            Ok(_) => LAST_OTHER,
        };
        self.last.store(last, Ordering::Relaxed);
    }

    /// The wait before the next poll for oauth2's `interval`, reported to
    /// `progress`. After a network error oauth2 backs off to at most 10 s,
    /// which may be less than a `slow_down` asked for: never go below that.
    fn wait_for(&self, interval: Duration, progress: &(impl Fn(PollState) + ?Sized)) -> Duration {
        let last = self.last.load(Ordering::Relaxed);
        let interval = {
            let mut floor = self.floor.lock().unwrap_or_else(|p| p.into_inner());
            if last != LAST_TRANSPORT_ERROR {
                *floor = (*floor).max(interval);
            }
            interval.max(*floor)
        };
        let next_poll_in = with_margin(interval);
        progress(match last {
            LAST_SLOW_DOWN => PollState::SlowingDown {
                interval,
                next_poll_in,
            },
            LAST_TRANSPORT_ERROR => PollState::Retrying { next_poll_in },
            _ => PollState::Waiting { next_poll_in },
        });
        next_poll_in
    }
}

/// `interval` plus the margin, saturating (an interval arrives clamped,
/// but arithmetic on time must never be what panics).
pub(crate) fn with_margin(interval: Duration) -> Duration {
    interval.saturating_add(
        interval
            .checked_mul(INTERVAL_MARGIN_PERCENT)
            .map_or(Duration::MAX, |d| d / 100),
    )
}

fn is_slow_down(response: &HttpResponse) -> bool {
    if response.status().is_success() {
        return false;
    }
    #[derive(serde::Deserialize)]
    struct ErrorBody {
        error: String,
    }
    serde_json::from_slice::<ErrorBody>(response.body()).is_ok_and(|b| b.error == "slow_down")
}

type DeviceRequestError = RequestTokenError<
    HttpClientError<reqwest::Error>,
    StandardErrorResponse<CoreErrorResponseType>,
>;

/// The device authorization request failed: the provider's answer, or why
/// it could not be had.
fn device_request_error(e: DeviceRequestError, endpoint: &Url) -> Result<AuthError, AuthError> {
    let unreachable = |reason: String| AuthError::Unreachable {
        what: "the device authorization endpoint",
        url: endpoint.to_string(),
        reason,
    };
    match e {
        RequestTokenError::ServerResponse(e) => {
            Ok(AuthError::DeviceAuthorization(OAuthErrorText {
                error: e.error().as_ref().to_owned(),
                description: e.error_description().cloned(),
            }))
        }
        RequestTokenError::Request(HttpClientError::Reqwest(e)) => Err(unreachable(describe(*e))),
        // Our client's own refusals (an answer over the cap).
        RequestTokenError::Request(HttpClientError::Other(reason)) => {
            Err(AuthError::DeviceAuthorizationEndpoint(reason))
        }
        RequestTokenError::Request(e) => Err(unreachable(e.to_string())),
        RequestTokenError::Parse(e, _) => Err(AuthError::DeviceAuthorizationEndpoint(format!(
            "its answer is not a valid device authorization response: {e}"
        ))),
        RequestTokenError::Other(e) => Err(AuthError::DeviceAuthorizationEndpoint(e)),
    }
}

type PollError = RequestTokenError<HttpClientError<reqwest::Error>, DeviceCodeErrorResponse>;

fn poll_error(e: PollError) -> AuthError {
    match e {
        RequestTokenError::ServerResponse(e) => {
            let text = OAuthErrorText {
                error: e.error().as_ref().to_owned(),
                description: e.error_description().cloned(),
            };
            match e.error() {
                DeviceCodeErrorResponseType::AccessDenied => AuthError::Denied(text),
                DeviceCodeErrorResponseType::ExpiredToken => AuthError::DeviceCodeExpired,
                _ => AuthError::TokenRejected(text),
            }
        }
        RequestTokenError::Request(HttpClientError::Reqwest(e)) => {
            AuthError::TokenEndpoint(describe(*e))
        }
        RequestTokenError::Request(e) => AuthError::TokenEndpoint(e.to_string()),
        RequestTokenError::Parse(e, _) => {
            AuthError::TokenEndpoint(format!("its answer is not a valid token response: {e}"))
        }
        RequestTokenError::Other(e) => AuthError::TokenEndpoint(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The UI spawns the poll: its future must be `Send`.
    #[allow(dead_code, clippy::diverging_sub_expression)]
    fn poll_future_is_send(login: DeviceLogin) {
        fn send<T: Send>(_: T) {}
        send(login.poll(|_| {}));
    }

    #[test]
    fn margin_is_a_fifth() {
        assert_eq!(with_margin(Duration::from_secs(5)), Duration::from_secs(6));
        assert_eq!(with_margin(Duration::MAX), Duration::MAX);
        assert_eq!(
            with_margin(Duration::from_secs(u64::MAX)),
            Duration::MAX,
            "an absurd interval saturates instead of panicking"
        );
        assert_eq!(
            with_margin(Duration::from_secs(1)),
            Duration::from_millis(1200)
        );
    }

    fn response(status: u16, body: &str) -> HttpResponse {
        let mut r = HttpResponse::new(body.as_bytes().to_vec());
        *r.status_mut() = openidconnect::http::StatusCode::from_u16(status).unwrap();
        r
    }

    #[test]
    fn tracker_reports_each_state_and_keeps_the_slowed_interval() {
        let tracker = Tracker::default();
        let seen = Mutex::new(Vec::new());
        let report = |s: PollState| seen.lock().unwrap().push(s);
        let secs = Duration::from_secs;

        tracker.note(&Ok(response(400, r#"{"error":"authorization_pending"}"#)));
        assert_eq!(tracker.wait_for(secs(5), &report), secs(6));
        tracker.note(&Ok(response(400, r#"{"error":"slow_down"}"#)));
        assert_eq!(tracker.wait_for(secs(10), &report), secs(12));
        tracker.note(&Ok(response(400, r#"{"error":"slow_down"}"#)));
        assert_eq!(tracker.wait_for(secs(15), &report), secs(18));
        // oauth2 backs off to min(2 × 15 s, 10 s) after a network error:
        // the slowed-down 15 s stays the floor.
        let error = HttpClientError::Other("connection refused".into());
        tracker.note(&Err(error));
        assert_eq!(tracker.wait_for(secs(10), &report), secs(18));

        assert_eq!(
            *seen.lock().unwrap(),
            [
                PollState::Waiting {
                    next_poll_in: secs(6)
                },
                PollState::SlowingDown {
                    interval: secs(10),
                    next_poll_in: secs(12)
                },
                PollState::SlowingDown {
                    interval: secs(15),
                    next_poll_in: secs(18)
                },
                PollState::Retrying {
                    next_poll_in: secs(18)
                },
            ]
        );
    }
}
