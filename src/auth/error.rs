use crate::identity::{ClaimError, visible};

/// What went wrong while talking to a provider. Messages name the provider,
/// the endpoint and what to do; they never carry a token, code or secret.
/// Text that came from the provider (reasons quoting its answers, issuers
/// it names) is shown with its control characters made visible.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("could not reach {what} at {url}: {}", visible(.reason))]
    Unreachable {
        what: &'static str,
        url: String,
        reason: String,
    },
    #[error("{what} at {url} answered HTTP {status}{detail}")]
    HttpStatus {
        what: &'static str,
        url: String,
        status: u16,
        detail: String,
    },
    #[error("{what} at {url} was refused: {}", visible(.reason))]
    TooLarge {
        what: &'static str,
        url: String,
        reason: String,
    },
    #[error(
        "the discovery document at {url} is not valid OpenID Provider metadata: {}",
        visible(.reason)
    )]
    BadDiscovery { url: String, reason: String },
    #[error(
        "the discovery document at {url} names the issuer `{found}`, but the config implies `{expected}`; \
         they must match (up to one trailing slash): fix server_metadata_url so it is the issuer followed by \
         /.well-known/openid-configuration",
        found = visible(.found)
    )]
    IssuerMismatch {
        url: String,
        expected: String,
        found: String,
    },
    #[error("the JWKS at {url} is not a valid key set: {}", visible(.reason))]
    BadJwks { url: String, reason: String },
    #[error(
        "the provider's {endpoint} {url} is not https: refused before any request went to it; \
         only a provider on this machine (loopback) may use plain http, toward this machine"
    )]
    InsecureEndpoint { endpoint: &'static str, url: String },
    #[error("the provider has no {0}")]
    MissingEndpoint(&'static str),
    #[error("{0}")]
    Callback(#[from] CallbackError),
    #[error("the sign-in was cancelled")]
    Cancelled,
    #[error("no sign-in arrived within {0} s; start the login again")]
    TimedOut(u64),
    #[error(
        "the code expired before it was entered and approved on the other device; \
         start the login again for a new code"
    )]
    DeviceCodeExpired,
    #[error("the device authorization endpoint refused the request: {0}")]
    DeviceAuthorization(OAuthErrorText),
    #[error("the device authorization endpoint failed: {}", visible(.0))]
    DeviceAuthorizationEndpoint(String),
    #[error("the provider refused the sign-in: {0}")]
    Denied(OAuthErrorText),
    #[error("the provider returned an error: {0}")]
    Provider(OAuthErrorText),
    #[error(
        "the sign-in response came from issuer `{got}`, not from `{expected}`: refused (a mix-up attack, RFC 9207)",
        got = visible(.got)
    )]
    WrongResponseIssuer { expected: String, got: String },
    #[error(
        "the sign-in response has no `iss`, though `{expected}` announces that it always sends one: \
         refused (a possible mix-up attack, RFC 9207)"
    )]
    MissingResponseIssuer { expected: String },
    #[error("the token endpoint refused the request: {0}")]
    TokenRejected(OAuthErrorText),
    #[error("the token endpoint failed: {}", visible(.0))]
    TokenEndpoint(String),
    #[error("the provider's token response has no ID token (is `openid` in the scope?)")]
    NoIdToken,
    #[error("the ID token was refused: {}", visible(.0))]
    IdToken(String),
    /// A renewal whose answer brought no new ID token, for a provider
    /// whose roles are read from the ID token: they were not said again.
    #[error(
        "the provider sent no new ID token with the renewed tokens, and the roles are read from \
         the ID token (`source = \"id_token\"`): they are not confirmed until a renewal brings \
         one (for a provider that never does, set `source = \"userinfo\"` in its claims table)"
    )]
    NoRenewedIdToken,
    #[error("the access token was refused: {}", visible(.0))]
    AccessToken(String),
    #[error("userinfo was refused: {}", visible(.0))]
    Userinfo(String),
    #[error(transparent)]
    Claims(#[from] ClaimError),
    #[error("the session cannot be refreshed: it has no refresh token; log in again")]
    NoRefreshToken,
    #[error("the provider refused to refresh the session ({0}); {advice}", advice = .0.advice())]
    RefreshRejected(OAuthErrorText),
    /// The provider would not give a token for one API; the session
    /// itself is untouched.
    #[error("the provider gave no token for {} ({error})", visible(.resource))]
    ApiTokenRefused {
        resource: String,
        error: OAuthErrorText,
    },
    #[error("revocation failed: {}", visible(.0))]
    Revocation(String),
    #[error("could not open a browser: {0}")]
    Browser(String),
    #[error("signing out in the browser failed: {0}")]
    SignOut(#[from] super::end_session::SignOutError),
}

impl AuthError {
    /// The session is over and only a new login helps (as opposed to a
    /// network problem, where the current tokens stay).
    pub fn needs_login(&self) -> bool {
        matches!(
            self,
            AuthError::RefreshRejected(_) | AuthError::NoRefreshToken | AuthError::IdToken(_)
        )
    }
}

/// An OAuth error response (`error`, `error_description`), as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthErrorText {
    pub error: String,
    pub description: Option<String>,
}

impl OAuthErrorText {
    /// The same words with `secret` masked: a provider may repeat the
    /// token it was sent in its refusal, and the refusal is shown.
    pub(crate) fn without(mut self, secret: &str) -> Self {
        // Too short to be a credential: masking it would garble the text.
        if secret.len() >= 8 {
            self.error = self.error.replace(secret, "[the refresh token]");
            self.description = self
                .description
                .map(|d| d.replace(secret, "[the refresh token]"));
        }
        self
    }

    /// What the person can do: only a definite answer (RFC 6749 §5.2: the
    /// grant is gone, or the client unknown) asks for a new login; a
    /// provider that is busy or down keeps the session.
    fn advice(&self) -> &'static str {
        match self.error.as_str() {
            "invalid_grant" | "invalid_client" | "unauthorized_client" => "log in again",
            _ => "the session is kept; try again later",
        }
    }
}

/// The provider's words, with their control characters made visible: an
/// `error` or `error_description` holding ESC must not drive a terminal.
impl std::fmt::Display for OAuthErrorText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let error = visible(&self.error);
        match &self.description {
            Some(d) if !d.is_empty() => write!(f, "{} ({error})", visible(d)),
            _ => f.write_str(&error),
        }
    }
}

/// Why the loopback callback could not run.
#[derive(Debug, thiserror::Error)]
pub enum CallbackError {
    #[error(
        "port {port} on {addr} is already in use, so the login callback cannot listen there \
         (another authdash waiting for a login holds it while that login is pending: finish or \
         cancel it there); else close the program using it, or change the port in redirect_uri (and at the provider), \
         or remove the port to use any free one"
    )]
    PortInUse { addr: String, port: u16 },
    #[error("cannot listen for the login callback on {addr}: {reason}")]
    Bind { addr: String, reason: String },
    #[error(
        "no port is free on both 127.0.0.1 and [::1] for `localhost`; use 127.0.0.1 in redirect_uri"
    )]
    NoSharedPort,
}

impl From<crate::http::HttpError> for AuthError {
    fn from(e: crate::http::HttpError) -> Self {
        match e {
            crate::http::HttpError::Unusable { what, url, reason } => {
                AuthError::Unreachable { what, url, reason }
            }
            crate::http::HttpError::Insecure { endpoint, url } => {
                AuthError::InsecureEndpoint { endpoint, url }
            }
        }
    }
}
