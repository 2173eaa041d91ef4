//! The browser login: authorization code + PKCE S256 + state + nonce to a
//! loopback callback.

use std::sync::Arc;
use std::time::Duration;

use openidconnect::core::CoreAuthenticationFlow;
use openidconnect::{
    AuthorizationCode, CsrfToken, Nonce, PkceCodeChallenge, PkceCodeVerifier, Scope,
};
use tokio::sync::mpsc;
use url::Url;

use super::loopback::{self, Callback, Outcome};
use super::refusal::Refusal;
use super::tokens::{classify, new_session};
use super::verify::NonceCheck;
use super::{AuthError, OAuthErrorText, Provider, Session};

/// A browser login waiting for its callback.
pub struct BrowserLogin {
    provider: Arc<Provider>,
    authorize_url: Url,
    callback: Callback,
    verifier: PkceCodeVerifier,
    nonce: Nonce,
    timeout: Duration,
    /// Kept to check an address pasted back exactly as the callback checks
    /// a response ([`super::paste`]); never shown.
    state: String,
    issuer_required: bool,
}

impl std::fmt::Debug for BrowserLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BrowserLogin")
            .field("provider", &self.provider.name())
            .field("redirect_uri", &self.callback.redirect_uri.as_str())
            .finish_non_exhaustive()
    }
}

/// Per-login choices beyond the provider's config.
#[derive(Debug, Clone, Default)]
pub struct LoginOptions {
    /// Replaces the configured `prompt` (`login` to add another account).
    pub prompt: Option<String>,
    /// Scopes asked for beyond the configured ones (incremental consent:
    /// a panel needs a scope the session was not granted).
    pub extra_scopes: Vec<String>,
    /// Test-only: the callback server's header-read timeout instead of
    /// its 10 s, so that a test of a connection that never finishes its
    /// request head waits a second.
    #[doc(hidden)]
    pub header_read_timeout: Option<Duration>,
    /// RFC 8707 resource indicators sent with the request, one `resource`
    /// each: the APIs the session will ask tokens for.
    pub resources: Vec<String>,
    /// Auth0's `audience` for this login instead of the configured one: a
    /// step-up for one API whose token the refresh token cannot get.
    pub audience: Option<String>,
    /// Test-only: a device login sleeps this many times less than its
    /// interval between polls (0 and 1 mean real time). What it reports
    /// stays the interval's (a `slow_down` still adds its 5 s), so a test
    /// of the device flow keeps its meaning in a fraction of the wait; the
    /// demo provider's `DemoSettings::device_poll_speedup` must match.
    #[doc(hidden)]
    pub device_poll_speedup: u32,
}

impl LoginOptions {
    /// The configured scopes and the extra ones, each once, without
    /// `openid` (the client adds it).
    pub(crate) fn scopes<'a>(&'a self, configured: &'a [String]) -> Vec<String> {
        let mut scopes: Vec<String> = Vec::new();
        for s in configured.iter().chain(&self.extra_scopes) {
            if s != "openid" && !scopes.contains(s) {
                scopes.push(s.clone());
            }
        }
        scopes
    }

    /// The configured extra parameters of the authorization request, the
    /// configured `audience` replaced by [`Self::audience`] when it is set.
    pub(crate) fn authorize_params(
        &self,
        configured: &[(String, String)],
    ) -> Vec<(String, String)> {
        let mut params: Vec<(String, String)> = configured
            .iter()
            .filter(|(k, _)| self.audience.is_none() || k != "audience")
            .cloned()
            .collect();
        if let Some(audience) = &self.audience {
            params.push(("audience".to_owned(), audience.clone()));
        }
        params
    }
}

impl BrowserLogin {
    /// Listen on the loopback callback and build the authorization URL.
    pub async fn start(
        provider: Arc<Provider>,
        timeout: Duration,
        options: LoginOptions,
    ) -> Result<Self, AuthError> {
        let config = provider.config();
        let state = CsrfToken::new_random();
        let issuer_required = provider
            .metadata()
            .additional_metadata()
            .authorization_response_iss_parameter_supported
            .unwrap_or(false);
        let state_secret = state.secret().clone();
        let callback = loopback::listen(
            &config.redirect,
            state.secret().clone(),
            provider.issuer().to_owned(),
            issuer_required,
            options
                .header_read_timeout
                .unwrap_or(super::loopback_server::HEADER_READ_TIMEOUT),
        )
        .await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let client = provider.client(provider.current_keys(), Some(&callback.redirect_uri));
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                move || state,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge)
            .add_scopes(options.scopes(&config.scopes).into_iter().map(Scope::new));
        if let Some(prompt) = options.prompt.as_ref().or(config.prompt.as_ref()) {
            request = request.add_extra_param("prompt", prompt.clone());
        }
        for (k, v) in options.authorize_params(&config.extra_authorize_params) {
            request = request.add_extra_param(k, v);
        }
        for resource in &options.resources {
            request = request.add_extra_param("resource", resource.clone());
        }
        let (authorize_url, _state, nonce) = request.url();
        Ok(Self {
            provider,
            authorize_url,
            callback,
            verifier,
            nonce,
            timeout,
            state: state_secret,
            issuer_required,
        })
    }

    /// The URL to open in the browser (and to show, for copying).
    pub fn authorize_url(&self) -> &Url {
        &self.authorize_url
    }

    pub fn redirect_uri(&self) -> &Url {
        &self.callback.redirect_uri
    }

    /// Responses the callback refused while this login waits (a wrong or
    /// missing `state`, another provider's `iss`), each as it arrives, so a
    /// face can say at once that one was refused and the login goes on.
    /// `Some` the first time only. The channel holds a few unread ones and
    /// drops the surplus; it closes when the login ends.
    pub fn refusals(&mut self) -> Option<mpsc::Receiver<Refusal>> {
        self.callback.refusals.take()
    }

    /// Wait for the callback, exchange the code and verify everything.
    /// A refused response does not end the wait (see [`Self::refusals`]).
    /// Dropping the future cancels the login, stops the callback server and
    /// closes every connection to it.
    pub async fn finish(self) -> Result<Session, AuthError> {
        let Self {
            provider,
            callback,
            verifier,
            nonce,
            timeout,
            ..
        } = self;
        let mut callback = callback;
        let outcome = tokio::time::timeout(timeout, &mut callback.outcome)
            .await
            .map_err(|_| AuthError::TimedOut(timeout.as_secs()))?
            .map_err(|_| AuthError::Cancelled)?;
        conclude(&provider, &callback.redirect_uri, outcome, verifier, &nonce).await
    }

    /// Split for [`super::paste`], which waits for the callback or a
    /// pasted address, whichever comes first.
    pub(super) fn into_parts(self) -> LoginParts {
        LoginParts {
            provider: self.provider,
            callback: self.callback,
            verifier: self.verifier,
            nonce: self.nonce,
            timeout: self.timeout,
            state: self.state,
            issuer_required: self.issuer_required,
        }
    }
}

/// A [`BrowserLogin`] taken apart to be finished another way.
pub(super) struct LoginParts {
    pub(crate) provider: Arc<Provider>,
    pub(crate) callback: Callback,
    pub(crate) verifier: PkceCodeVerifier,
    pub(crate) nonce: Nonce,
    pub(crate) timeout: Duration,
    pub(crate) state: String,
    pub(crate) issuer_required: bool,
}

/// Finish with the response the callback (or a pasted address) brought,
/// once its `state` and `iss` were checked.
pub(super) async fn conclude(
    provider: &Provider,
    redirect_uri: &Url,
    outcome: Outcome,
    verifier: PkceCodeVerifier,
    nonce: &Nonce,
) -> Result<Session, AuthError> {
    let code = match outcome {
        Outcome::Code(code) => code,
        Outcome::Error { error, description } => {
            let text = OAuthErrorText { error, description };
            return Err(if text.error == "access_denied" {
                AuthError::Denied(text)
            } else {
                AuthError::Provider(text)
            });
        }
    };
    exchange(provider, redirect_uri, code, verifier, nonce).await
}

async fn exchange(
    provider: &Provider,
    redirect_uri: &Url,
    code: String,
    verifier: PkceCodeVerifier,
    nonce: &Nonce,
) -> Result<Session, AuthError> {
    let client = provider.client(provider.current_keys(), Some(redirect_uri));
    let response = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|_| AuthError::MissingEndpoint("token endpoint"))?
        .set_pkce_verifier(verifier)
        .request_async(provider.http())
        .await;
    let response = match response {
        Ok(r) => r,
        Err(e) => return Err(AuthError::TokenRejected(classify(e)?)),
    };
    new_session(provider, &response, NonceCheck::Exact(nonce)).await
}
