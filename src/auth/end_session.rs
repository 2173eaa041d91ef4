//! Signing out at the provider in the browser (RP-initiated logout).
//!
//! The browser is sent to a loopback address of ours with a random,
//! single-use path, which redirects to the provider's end_session_endpoint
//! with `client_id` and `id_token_hint`: the ID token is never on a command
//! line, and no other local process can fetch it (a wrong path gets 404,
//! a second fetch 410).
//!
//! Providers match `post_logout_redirect_uri` exactly, so a return is
//! asked for only when the config names one (a fixed loopback port,
//! registered at the provider); our server then listens there for it.
//! Without one, the browser is sent to sign out and not back: the caller
//! says so and does not wait for a return ([`BrowserSignOut::will_return`]).

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use openidconnect::CsrfToken;
use secrecy::ExposeSecret;
use subtle::ConstantTimeEq;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use url::Url;

use super::loopback_server::{self, LoopbackServer};
use super::{AuthError, CallbackError, OAuthErrorText, Provider, Session, pages};

/// How long a browser sign-out waits for the provider to send the browser
/// back: a person may have to confirm on the provider's page.
pub(crate) const SIGN_OUT_WAIT: Duration = Duration::from_secs(120);

/// Why a browser sign-out did not complete.
#[derive(Debug, thiserror::Error)]
pub enum SignOutError {
    #[error(
        "the browser did not open the sign-out address within {0} s, so nothing was signed out \
         at the provider"
    )]
    NotOpened(u64),
    #[error(
        "the provider did not send the browser back within {0} s: it refused the sign-out (its \
         page in the browser says why) or still waits for a confirmation there"
    )]
    NoReturn(u64),
    #[error("the provider refused the sign-out: {0}")]
    Refused(OAuthErrorText),
    #[error(
        "port {port} on {addr} (post_logout_redirect_uri) is in use, so the browser sign-out \
         cannot listen there; close the program using it, or choose another port in \
         post_logout_redirect_uri and register that at the provider"
    )]
    PortInUse { addr: String, port: u16 },
}

/// A browser sign-out under way. Dropping it stops its loopback server and
/// closes every connection to it.
pub struct BrowserSignOut {
    start_url: Url,
    will_return: bool,
    opened: oneshot::Receiver<()>,
    returned: oneshot::Receiver<Result<(), OAuthErrorText>>,
    _server: LoopbackServer,
}

impl std::fmt::Debug for BrowserSignOut {
    // The start address is the only key to the redirect: not for logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BrowserSignOut")
            .field("will_return", &self.will_return)
            .finish_non_exhaustive()
    }
}

struct Shared {
    /// The start address's path: `/` and a random secret.
    secret_path: String,
    /// The provider's end-session address, with the ID token in it.
    end_session: Url,
    used: AtomicBool,
    opened: Mutex<Option<oneshot::Sender<()>>>,
    /// Our `state` on the way back (only when a return is asked for).
    state: String,
    returned: Mutex<Option<oneshot::Sender<Result<(), OAuthErrorText>>>>,
}

impl BrowserSignOut {
    /// Listen on loopback and prepare the redirect: on the configured
    /// `post_logout_redirect_uri`'s port when there is one, else on any
    /// free port of 127.0.0.1. `Ok(None)` when the provider has no
    /// end_session_endpoint.
    pub async fn start(provider: &Provider, session: &Session) -> Result<Option<Self>, AuthError> {
        let Some(endpoint) = provider.end_session_endpoint() else {
            return Ok(None);
        };
        crate::http::require_secure("end_session_endpoint", endpoint)?;
        let back = provider.config().post_logout_redirect.as_ref();
        let (listeners, host, port) = match back {
            Some(uri) => {
                let listeners = super::loopback::bind(uri).await.map_err(|e| match e {
                    CallbackError::PortInUse { addr, port } => {
                        AuthError::SignOut(SignOutError::PortInUse { addr, port })
                    }
                    other => AuthError::Callback(other),
                })?;
                (listeners, uri.host.as_url_host(), uri.port)
            }
            None => {
                let (listener, port) = bind_any().await?;
                (vec![listener], "127.0.0.1", port)
            }
        };
        let secret_path = format!("/{}", CsrfToken::new_random().secret());
        let start_url = Url::parse(&format!("http://{host}:{port}{secret_path}"))
            .map_err(|e| AuthError::Browser(format!("cannot build the sign-out address: {e}")))?;
        let state = CsrfToken::new_random().secret().clone();
        let mut end_session = endpoint.clone();
        {
            let mut q = end_session.query_pairs_mut();
            q.append_pair("id_token_hint", session.tokens.id_token.expose_secret())
                .append_pair("client_id", &provider.config().client_id);
            if let Some(uri) = back {
                q.append_pair("post_logout_redirect_uri", uri.to_url(uri.port).as_str())
                    .append_pair("state", &state);
            }
        }
        let (opened_tx, opened) = oneshot::channel();
        let (returned_tx, returned) = oneshot::channel();
        let shared = Arc::new(Shared {
            secret_path: secret_path.clone(),
            end_session,
            used: AtomicBool::new(false),
            opened: Mutex::new(Some(opened_tx)),
            state,
            returned: Mutex::new(Some(returned_tx)),
        });
        let mut app = Router::new();
        if let Some(uri) = back {
            app = app.route(&uri.path, axum::routing::get(came_back));
        }
        // The secret path is matched by `start` itself, in constant time.
        let app = app.fallback(start).with_state(shared);
        let hosts = loopback_server::host_values(host, port);
        let server = loopback_server::serve(listeners, hosts, app);
        Ok(Some(Self {
            start_url,
            will_return: back.is_some(),
            opened,
            returned,
            _server: server,
        }))
    }

    /// The loopback address to open in the browser: it carries no token,
    /// and it works once.
    pub fn start_url(&self) -> &Url {
        &self.start_url
    }

    /// Whether the provider will send the browser back (the config names a
    /// `post_logout_redirect_uri`). When not, [`Self::wait`] ends as soon
    /// as the browser has been sent on to the provider, and the caller
    /// should say the browser was sent to sign out, not that it is done.
    pub fn will_return(&self) -> bool {
        self.will_return
    }

    /// Wait, at most `timeout`: for the provider to send the browser back
    /// when [`Self::will_return`], else for the browser to be sent on to
    /// the provider. A refusal by the provider is an error, never `Ok`.
    pub async fn wait(self, timeout: Duration) -> Result<(), AuthError> {
        let secs = timeout.as_secs();
        let Self {
            will_return,
            mut opened,
            returned,
            ..
        } = self;
        if !will_return {
            return match tokio::time::timeout(timeout, &mut opened).await {
                Ok(Ok(())) => Ok(()),
                Ok(Err(_)) => Err(AuthError::Cancelled),
                Err(_) => Err(SignOutError::NotOpened(secs).into()),
            };
        }
        match tokio::time::timeout(timeout, returned).await {
            Ok(Ok(Ok(()))) => Ok(()),
            Ok(Ok(Err(text))) => Err(SignOutError::Refused(text).into()),
            Ok(Err(_)) => Err(AuthError::Cancelled),
            Err(_) if opened.try_recv().is_ok() => Err(SignOutError::NoReturn(secs).into()),
            Err(_) => Err(SignOutError::NotOpened(secs).into()),
        }
    }
}

async fn bind_any() -> Result<(TcpListener, u16), AuthError> {
    let addr = SocketAddr::from((IpAddr::V4(Ipv4Addr::LOCALHOST), 0));
    let bind_error = |e: std::io::Error| {
        AuthError::Callback(CallbackError::Bind {
            addr: addr.to_string(),
            reason: e.to_string(),
        })
    };
    let listener = TcpListener::bind(addr).await.map_err(bind_error)?;
    let port = listener.local_addr().map_err(bind_error)?.port();
    Ok((listener, port))
}

fn take<T>(slot: &Mutex<Option<T>>) -> Option<T> {
    slot.lock().unwrap_or_else(|p| p.into_inner()).take()
}

/// The secret start address: once a redirect to the provider, then 410.
/// Any other address: 404, and nothing else.
async fn start(State(shared): State<Arc<Shared>>, method: Method, uri: Uri) -> Response {
    let secret = bool::from(uri.path().as_bytes().ct_eq(shared.secret_path.as_bytes()));
    if !secret || method != Method::GET {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    if shared.used.swap(true, Ordering::SeqCst) {
        return (
            StatusCode::GONE,
            Html(pages::error(
                "Already used",
                "This sign-out address works once, and it has been used.",
            )),
        )
            .into_response();
    }
    if let Some(tx) = take(&shared.opened) {
        let _ = tx.send(());
    }
    let mut response = StatusCode::FOUND.into_response();
    let headers = response.headers_mut();
    if let Ok(location) = HeaderValue::from_str(shared.end_session.as_str()) {
        headers.insert(header::LOCATION, location);
    }
    // The address carries the ID token: never cached, never a Referer.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// The provider sends the browser back here, to `post_logout_redirect_uri`.
async fn came_back(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<HashMap<String, String>>,
) -> (StatusCode, Html<String>) {
    let ours = query
        .get("state")
        .is_some_and(|s| bool::from(s.as_bytes().ct_eq(shared.state.as_bytes())));
    if !ours {
        return (
            StatusCode::BAD_REQUEST,
            Html(pages::error(
                "Not this sign-out",
                "This page does not belong to the sign-out in progress.",
            )),
        );
    }
    let result = match query.get("error") {
        Some(error) => Err(OAuthErrorText {
            error: error.clone(),
            description: query.get("error_description").cloned(),
        }),
        None => Ok(()),
    };
    let page = match &result {
        Ok(()) => (
            StatusCode::OK,
            Html(pages::success(
                "Signed out",
                "You are signed out at the provider as well as in authdash.",
            )),
        ),
        Err(text) => (
            StatusCode::OK,
            Html(pages::error(
                "Sign-out refused",
                &format!("The provider refused to sign you out: {text}"),
            )),
        ),
    };
    match take(&shared.returned) {
        Some(tx) => {
            let _ = tx.send(result);
            page
        }
        None => (
            StatusCode::GONE,
            Html(pages::error(
                "Already done",
                "This sign-out has already ended.",
            )),
        ),
    }
}
