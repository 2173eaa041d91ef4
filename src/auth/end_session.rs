//! Signing out at the provider in the browser (RP-initiated logout): the
//! browser is sent to a loopback page of ours that redirects to the
//! provider's end_session_endpoint with `id_token_hint`, so the ID token
//! never appears on a command line; the provider sends the browser back to
//! a second loopback page that says it is done.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use openidconnect::CsrfToken;
use secrecy::ExposeSecret;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use url::Url;

use super::{AuthError, CallbackError, Provider, Session, pages};

/// How long a browser sign-out waits for the provider to send the browser
/// back: a person may have to confirm on the provider's page.
pub const SIGN_OUT_WAIT: Duration = Duration::from_secs(120);

/// A browser sign-out under way. Dropping it stops its loopback server.
pub struct BrowserSignOut {
    start_url: Url,
    done: oneshot::Receiver<()>,
    stop: watch::Sender<bool>,
}

impl Drop for BrowserSignOut {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

struct Shared {
    end_session: Url,
    state: String,
    done: Mutex<Option<oneshot::Sender<()>>>,
}

impl BrowserSignOut {
    /// Listen on 127.0.0.1 and prepare the redirect. `Ok(None)` when the
    /// provider has no end_session_endpoint.
    pub async fn start(provider: &Provider, session: &Session) -> Result<Option<Self>, AuthError> {
        let Some(endpoint) = provider.end_session_endpoint() else {
            return Ok(None);
        };
        super::http::require_secure("end_session_endpoint", endpoint)?;
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        let listener = TcpListener::bind(addr).await.map_err(|e| {
            AuthError::Callback(CallbackError::Bind {
                addr: addr.to_string(),
                reason: e.to_string(),
            })
        })?;
        let port = listener
            .local_addr()
            .map_err(|e| {
                AuthError::Callback(CallbackError::Bind {
                    addr: addr.to_string(),
                    reason: e.to_string(),
                })
            })?
            .port();
        let base = format!("http://127.0.0.1:{port}");
        let state = CsrfToken::new_random().secret().clone();
        let mut end_session = endpoint.clone();
        end_session
            .query_pairs_mut()
            .append_pair("id_token_hint", session.tokens.id_token.expose_secret())
            .append_pair("post_logout_redirect_uri", &format!("{base}/signed-out"))
            .append_pair("client_id", &provider.config().client_id)
            .append_pair("state", &state);
        let (done_tx, done) = oneshot::channel();
        let shared = Arc::new(Shared {
            end_session,
            state,
            done: Mutex::new(Some(done_tx)),
        });
        let app = Router::new()
            .route("/start", axum::routing::get(start))
            .route("/signed-out", axum::routing::get(signed_out))
            .with_state(shared);
        let (stop, mut stopped) = watch::channel(false);
        let server = axum::serve(listener, app).with_graceful_shutdown(async move {
            let _ = stopped.wait_for(|s| *s).await;
        });
        let task = tokio::spawn(async move {
            let _ = server.await;
        });
        let mut stopped = stop.subscribe();
        tokio::spawn(async move {
            let _ = stopped.wait_for(|s| *s).await;
            tokio::time::sleep(Duration::from_secs(5)).await;
            task.abort();
        });
        let start_url = Url::parse(&format!("{base}/start"))
            .map_err(|e| AuthError::Browser(format!("cannot build the sign-out address: {e}")))?;
        Ok(Some(Self {
            start_url,
            done,
            stop,
        }))
    }

    /// The loopback address to open in the browser: it carries no token.
    pub fn start_url(&self) -> &Url {
        &self.start_url
    }

    /// Wait until the provider sends the browser back, at most `timeout`.
    pub async fn wait(mut self, timeout: Duration) -> Result<(), AuthError> {
        tokio::time::timeout(timeout, &mut self.done)
            .await
            .map_err(|_| AuthError::TimedOut(timeout.as_secs()))?
            .map_err(|_| AuthError::Cancelled)
    }
}

async fn start(State(shared): State<Arc<Shared>>) -> Response {
    (
        StatusCode::FOUND,
        [(header::LOCATION, shared.end_session.to_string())],
    )
        .into_response()
}

async fn signed_out(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<HashMap<String, String>>,
) -> (StatusCode, Html<String>) {
    if query.get("state") != Some(&shared.state) {
        return (
            StatusCode::BAD_REQUEST,
            Html(pages::error(
                "Not this sign-out",
                "This page does not belong to the sign-out in progress.",
            )),
        );
    }
    if let Some(tx) = shared.done.lock().ok().and_then(|mut d| d.take()) {
        let _ = tx.send(());
    }
    (
        StatusCode::OK,
        Html(pages::success(
            "Signed out",
            "You are signed out at the provider as well as in authdash.",
        )),
    )
}
