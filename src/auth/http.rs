//! The HTTP client every provider call goes through: no redirects,
//! timeouts, bodies capped while they stream, numbers clamped.

use std::future::Future;
use std::ops::Deref;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use openidconnect::{AsyncHttpClient, HttpClientError, HttpRequest, HttpResponse};
use url::Url;

use super::AuthError;

pub use super::clamp::{MAX_EXPIRES_IN_SECS, MAX_INTERVAL_SECS, clamp_provider_numbers};

/// The most a provider answer may hold: discovery, JWKS, token, userinfo,
/// revocation and device answers are a few KiB; anything near this is an
/// attack or a misconfiguration, and reading it whole would cost memory.
pub const PROVIDER_BODY_CAP: usize = 1024 * 1024;

/// Said after a token or userinfo answer over its cap: what raises it.
pub const RAISE_CAP: &str = " (a person in thousands of organizations: raise \
                             `provider_body_cap_mib` under [authdash])";

/// Timeouts, proxy rules and extra trusted CAs for one provider.
#[derive(Debug, Clone, Copy)]
pub struct HttpOptions<'a> {
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// The provider runs on this machine: never send its traffic to a proxy.
    pub loopback: bool,
    /// The provider's `ca_file`: PEM certificates trusted besides the OS
    /// store (or `SSL_CERT_FILE`/`SSL_CERT_DIR`, which replace it).
    pub ca_file: Option<&'a Path>,
    /// The hex SHA-256 `ca_file` was trusted with, when it was
    /// ([`crate::config::ProviderConfig::ca_file_sha256`]).
    pub ca_file_sha256: Option<&'a str>,
}

/// The largest `ca_file` read: a bundle of every public CA is ~250 KiB.
const MAX_CA_FILE: u64 = 4 * 1024 * 1024;

/// Said with every certificate failure: the fix is a setting.
pub const TLS_HINT: &str = "the provider's certificate is not trusted here. Behind a \
     TLS-inspecting proxy or with a private CA, set `ca_file = \"/path/to/ca.pem\"` for this \
     provider in the config (or SSL_CERT_FILE for every program); `authdash doctor` shows the \
     certificate chain";

/// The certificates of a `ca_file`, for reqwest and for doctor; when
/// `trusted` names the SHA-256 the config was trusted with, only bytes
/// that have it (read once: what is checked is what is used).
pub fn read_ca_file(path: &Path, trusted: Option<&str>) -> Result<Vec<u8>, AuthError> {
    let unusable = |reason: String| AuthError::Unreachable {
        what: "the provider's ca_file",
        url: path.display().to_string(),
        reason,
    };
    let file = std::fs::File::open(path).map_err(|e| unusable(format!("cannot open it: {e}")))?;
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(file, MAX_CA_FILE + 1), &mut bytes)
        .map_err(|e| unusable(format!("cannot read it: {e}")))?;
    if bytes.len() as u64 > MAX_CA_FILE {
        return Err(unusable(format!(
            "it is larger than {} MiB: not a CA file",
            MAX_CA_FILE / (1024 * 1024)
        )));
    }
    if let Some(trusted) = trusted {
        use sha2::Digest as _;
        let sha: String = sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        if sha != trusted {
            return Err(unusable(
                "it changed since you trusted the config that names it; run `authdash trust` \
                 again to read what it is now"
                    .to_owned(),
            ));
        }
    }
    Ok(bytes)
}

/// Redirects are off: OIDC endpoints never need them, and following them
/// would let a hostile response point us anywhere (SSRF).
pub fn client(options: HttpOptions<'_>) -> Result<reqwest::Client, AuthError> {
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(options.connect_timeout)
        .timeout(options.request_timeout)
        .user_agent(concat!("authdash/", env!("CARGO_PKG_VERSION")));
    if options.loopback {
        builder = builder.no_proxy();
    }
    if let Some(path) = options.ca_file {
        let certificates =
            reqwest::Certificate::from_pem_bundle(&read_ca_file(path, options.ca_file_sha256)?)
                .ok()
                .filter(|c| !c.is_empty())
                .ok_or_else(|| AuthError::Unreachable {
                    what: "the provider's ca_file",
                    url: path.display().to_string(),
                    reason: "it holds no PEM certificate (-----BEGIN CERTIFICATE-----)".to_owned(),
                })?;
        for certificate in certificates {
            builder = builder.add_root_certificate(certificate);
        }
    }
    builder.build().map_err(|e| AuthError::Unreachable {
        what: "the HTTP client",
        url: String::new(),
        reason: e.to_string(),
    })
}

/// A provider's client as openidconnect sees it: every answer is read
/// chunk by chunk up to [`PROVIDER_BODY_CAP`] and its numbers
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
    pub fn new(client: reqwest::Client) -> Self {
        Self::with_cap(client, PROVIDER_BODY_CAP)
    }

    /// The same client with another cap (tests, and callers that expect
    /// smaller answers).
    pub fn with_cap(client: reqwest::Client, cap: usize) -> Self {
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

    pub fn reqwest(&self) -> &reqwest::Client {
        &self.client
    }

    pub fn cap(&self) -> usize {
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

/// Why a body could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    #[error("{0}")]
    Transport(String),
    #[error("the answer is larger than the {} cap; authdash stopped reading it", cap_text(*.cap))]
    TooLarge { cap: usize },
}

/// `1 MiB`, `4 MiB`, `512 KiB`, `100 bytes`.
pub fn cap_text(cap: usize) -> String {
    const KIB: usize = 1024;
    const MIB: usize = 1024 * 1024;
    if cap >= MIB && cap.is_multiple_of(MIB) {
        format!("{} MiB", cap / MIB)
    } else if cap >= KIB && cap.is_multiple_of(KIB) {
        format!("{} KiB", cap / KIB)
    } else {
        format!("{cap} bytes")
    }
}

/// The body, read chunk by chunk, refused as soon as it would pass `cap`:
/// memory stays at most `cap` whatever the server streams.
pub async fn read_capped(
    mut response: reqwest::Response,
    cap: usize,
) -> Result<Vec<u8>, BodyError> {
    // A declared length over the cap is refused before reading anything.
    if response
        .content_length()
        .is_some_and(|n| n > u64::try_from(cap).unwrap_or(u64::MAX))
    {
        return Err(BodyError::TooLarge { cap });
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| BodyError::Transport(describe(e)))?
    {
        if body.len().saturating_add(chunk.len()) > cap {
            return Err(BodyError::TooLarge { cap });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// 127.0.0.0/8, ::1 or `localhost`.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// https, or http on loopback (the demo and test providers).
pub fn require_secure(endpoint: &'static str, url: &Url) -> Result<(), AuthError> {
    require_secure_from(true, endpoint, url)
}

/// https, or plain http only when both the provider (`provider_loopback`)
/// and the endpoint are on this machine: a remote provider that names a
/// plain-http endpoint, even a loopback one, is refused.
pub fn require_secure_from(
    provider_loopback: bool,
    endpoint: &'static str,
    url: &Url,
) -> Result<(), AuthError> {
    if url.scheme() == "https" || (provider_loopback && url.scheme() == "http" && is_loopback(url))
    {
        Ok(())
    } else {
        Err(AuthError::InsecureEndpoint {
            endpoint,
            url: url.to_string(),
        })
    }
}

/// A transport error as a short sentence, without the request's URL
/// (whose query could carry a code): "cannot reach 127.0.0.1:40481:
/// connection refused", not hyper's whole chain of wrappers.
pub fn describe(error: reqwest::Error) -> String {
    let timeout = error.is_timeout();
    let connect = error.is_connect();
    let host = error.url().and_then(|u| {
        let host = u.host_str()?;
        Some(match u.port_or_known_default() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        })
    });
    let error = error.without_url();
    let cause = root_cause(&error);
    let place = host.as_deref().unwrap_or("the server");
    if timeout {
        return format!("{place} did not answer in time ({cause})");
    }
    if connect && !cause.contains("certificate") {
        return format!("cannot reach {place}: {cause}");
    }
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    if text.contains("certificate") {
        format!("{text}; {TLS_HINT}")
    } else {
        text
    }
}

/// The innermost cause, as a person says it: "connection refused", not
/// "Connection refused (os error 111)".
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut inner = error;
    while let Some(source) = inner.source() {
        inner = source;
    }
    let text = inner.to_string();
    let text = match text.find(" (os error") {
        Some(at) => &text[..at],
        None => text.as_str(),
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => "no reason given".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_from_and_to_this_machine() {
        let url = |s: &str| Url::parse(s).unwrap();
        let cases = [
            (false, "https://id.example/token", true),
            (true, "https://id.example/token", true),
            (true, "http://127.0.0.1:8080/token", true),
            (true, "http://[::1]:8080/token", true),
            (true, "http://localhost/token", true),
            // A loopback provider cannot send us to plain http elsewhere…
            (true, "http://evil.example/token", false),
            // …nor a remote one to plain http on this machine, where any
            // local process could be listening.
            (false, "http://127.0.0.1:8080/token", false),
            (false, "http://id.example/token", false),
            (true, "ftp://127.0.0.1/token", false),
        ];
        for (provider_loopback, u, ok) in cases {
            let got = require_secure_from(provider_loopback, "token_endpoint", &url(u));
            assert_eq!(got.is_ok(), ok, "{provider_loopback} {u}: {got:?}");
            if let Err(e) = got {
                let text = e.to_string();
                assert!(
                    text.contains("token_endpoint") && text.contains(u),
                    "{text}"
                );
            }
        }
    }

    #[tokio::test]
    async fn an_unreachable_server_is_said_in_one_short_line() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        let port = closed.local_addr().expect("its address").port();
        drop(closed);
        let client = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("a client");
        let error = client
            .get(format!("http://127.0.0.1:{port}/token?code=SECRET"))
            .send()
            .await
            .expect_err("nothing listens there");
        let text = describe(error);
        assert_eq!(
            text,
            format!("cannot reach 127.0.0.1:{port}: connection refused")
        );
        assert!(!text.contains("SECRET"));
    }

    #[test]
    fn caps_are_said_in_human_units() {
        assert_eq!(cap_text(PROVIDER_BODY_CAP), "1 MiB");
        assert_eq!(cap_text(4 * 1024 * 1024), "4 MiB");
        assert_eq!(cap_text(512 * 1024), "512 KiB");
        assert_eq!(cap_text(1000), "1000 bytes");
        let e = BodyError::TooLarge { cap: 2 << 20 };
        assert_eq!(
            e.to_string(),
            "the answer is larger than the 2 MiB cap; authdash stopped reading it"
        );
    }
}
