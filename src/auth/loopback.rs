//! The one-shot HTTP server on the loopback address that receives the
//! authorization response (RFC 8252 §7.3).

use std::collections::HashMap;
use std::io::ErrorKind;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Html;
use subtle::ConstantTimeEq;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use url::Url;

use super::loopback_server::{self, LoopbackServer};
use super::refusal::{Refusal, RefusalReason, Refusals};
use super::{CallbackError, pages};
use crate::config::{RedirectHost, RedirectUri};

/// The response for this login, once `state` and `iss` matched.
#[derive(Debug)]
pub(crate) enum Outcome {
    Code(String),
    /// The provider sent an error (`access_denied`, …).
    Error {
        error: String,
        description: Option<String>,
    },
}

/// A listening callback. Dropping it stops the server and closes every
/// connection to it.
pub(crate) struct Callback {
    pub(crate) redirect_uri: Url,
    pub(crate) outcome: oneshot::Receiver<Outcome>,
    /// Responses refused while the login waits; taken once by the caller.
    pub(crate) refusals: Option<mpsc::Receiver<Refusal>>,
    _server: LoopbackServer,
}

struct Shared {
    state: String,
    issuer: String,
    issuer_required: bool,
    tx: Mutex<Option<oneshot::Sender<Outcome>>>,
    refusals: Refusals,
}

/// How many times to look for a port free on both 127.0.0.1 and [::1].
const SHARED_PORT_TRIES: usize = 20;
/// How long a fixed port in use is tried again (see [`bind`]).
const PORT_RELEASE_WAIT: Duration = Duration::from_millis(500);

pub(crate) async fn listen(
    redirect: &RedirectUri,
    state: String,
    issuer: String,
    issuer_required: bool,
    header_read_timeout: Duration,
) -> Result<Callback, CallbackError> {
    let listeners = bind(redirect).await?;
    let port = listeners
        .first()
        .and_then(|l| l.local_addr().ok())
        .map(|a| a.port())
        .ok_or_else(|| CallbackError::Bind {
            addr: "loopback".into(),
            reason: "no listening address".into(),
        })?;
    let redirect_uri = redirect.to_url(port);
    let (tx, outcome) = oneshot::channel();
    let (refusals, refusals_rx) = Refusals::new();
    let shared = Arc::new(Shared {
        state,
        issuer,
        issuer_required,
        tx: Mutex::new(Some(tx)),
        refusals,
    });
    let app = Router::new()
        .route(&redirect.path, axum::routing::get(receive))
        .fallback(|| async { (StatusCode::NOT_FOUND, "not found") })
        .with_state(shared);
    let hosts = loopback_server::host_values(redirect.host.as_url_host(), port);
    let server =
        loopback_server::serve_with_header_timeout(listeners, hosts, app, header_read_timeout);
    Ok(Callback {
        redirect_uri,
        outcome,
        refusals: Some(refusals_rx),
        _server: server,
    })
}

/// Listen where `redirect` says. A fixed port still held by a server of
/// ours that has just stopped (its accept loop closes it a moment later)
/// is tried again for a short while before it counts as in use.
pub(crate) async fn bind(redirect: &RedirectUri) -> Result<Vec<TcpListener>, CallbackError> {
    let deadline = tokio::time::Instant::now() + PORT_RELEASE_WAIT;
    loop {
        match bind_now(redirect).await {
            Err(CallbackError::PortInUse { .. })
                if redirect.port != 0 && tokio::time::Instant::now() < deadline =>
            {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            other => return other,
        }
    }
}

async fn bind_now(redirect: &RedirectUri) -> Result<Vec<TcpListener>, CallbackError> {
    let v4 = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let v6 = IpAddr::V6(Ipv6Addr::LOCALHOST);
    match redirect.host {
        RedirectHost::Ipv4Loopback => Ok(vec![bind_one(v4, redirect.port).await?]),
        RedirectHost::Ipv6Loopback => Ok(vec![bind_one(v6, redirect.port).await?]),
        // Browsers may resolve `localhost` to either address: listen on both
        // (on one only when the machine has no IPv6 loopback).
        RedirectHost::Localhost if redirect.port != 0 => {
            let first = bind_one(v4, redirect.port).await?;
            match bind_one(v6, redirect.port).await {
                Ok(second) => Ok(vec![first, second]),
                Err(CallbackError::Bind { .. }) => Ok(vec![first]),
                Err(e) => Err(e),
            }
        }
        RedirectHost::Localhost => {
            for _ in 0..SHARED_PORT_TRIES {
                let first = bind_one(v4, 0).await?;
                let port = first
                    .local_addr()
                    .map_err(|e| CallbackError::Bind {
                        addr: v4.to_string(),
                        reason: e.to_string(),
                    })?
                    .port();
                match bind_one(v6, port).await {
                    Ok(second) => return Ok(vec![first, second]),
                    Err(CallbackError::PortInUse { .. }) => continue,
                    Err(_) => return Ok(vec![first]),
                }
            }
            Err(CallbackError::NoSharedPort)
        }
    }
}

async fn bind_one(ip: IpAddr, port: u16) -> Result<TcpListener, CallbackError> {
    let addr = SocketAddr::new(ip, port);
    TcpListener::bind(addr).await.map_err(|e| match e.kind() {
        ErrorKind::AddrInUse => CallbackError::PortInUse {
            addr: ip.to_string(),
            port,
        },
        _ => CallbackError::Bind {
            addr: addr.to_string(),
            reason: e.to_string(),
        },
    })
}

async fn receive(
    State(shared): State<Arc<Shared>>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> (StatusCode, Html<String>) {
    if !pairs.iter().any(|(k, _)| k == "code" || k == "error") {
        return page_error(
            StatusCode::BAD_REQUEST,
            "Nothing to do here",
            "This address only receives sign-in responses from your provider.",
        );
    }
    let outcome = match response_params(pairs).and_then(|query| {
        check_response(
            &shared.state,
            &shared.issuer,
            shared.issuer_required,
            &query,
        )
    }) {
        Ok(outcome) => outcome,
        Err(reason) => {
            shared.refusals.report(reason);
            return page_error(
                StatusCode::BAD_REQUEST,
                "This sign-in response is not for the login in progress",
                "It was refused. The login in your terminal is still waiting: finish it from the \
                 link it shows.",
            );
        }
    };
    let page = match &outcome {
        Outcome::Code(_) => (
            StatusCode::OK,
            Html(pages::success(
                "Signed in",
                "authdash received your sign-in and is finishing it.",
            )),
        ),
        Outcome::Error { error, description } => page_error(
            StatusCode::OK,
            if error == "access_denied" {
                "Sign-in denied"
            } else {
                "Sign-in failed"
            },
            &match description {
                Some(d) => format!("{d} ({error})"),
                None => error.clone(),
            },
        ),
    };
    let sender = shared.tx.lock().ok().and_then(|mut tx| tx.take());
    match sender {
        Some(tx) => {
            let _ = tx.send(outcome);
            page
        }
        None => page_error(
            StatusCode::CONFLICT,
            "Already done",
            "This login has already received its response.",
        ),
    }
}

/// The parameters of an authorization response, each at most once: a
/// repeated `code`, `state`, `iss` or `error` is refused rather than one
/// of them picked (RFC 6749 §3.1).
pub(crate) fn response_params(
    pairs: impl IntoIterator<Item = (String, String)>,
) -> Result<HashMap<String, String>, RefusalReason> {
    let mut query = HashMap::new();
    for (name, value) in pairs {
        let once = matches!(
            name.as_str(),
            "code" | "state" | "iss" | "error" | "error_description"
        );
        if query.insert(name.clone(), value).is_some() && once {
            return Err(RefusalReason::Repeated(name));
        }
    }
    Ok(query)
}

/// The one check of an authorization response, for the callback and for
/// an address pasted back alike: refused when its `state` is not ours
/// (compared in constant time: it is the login's secret) or its `iss` is
/// not the provider's (RFC 9207); else the code or the provider's error.
/// The caller has made sure `code` or `error` is there.
pub(crate) fn check_response(
    expected_state: &str,
    issuer: &str,
    issuer_required: bool,
    query: &HashMap<String, String>,
) -> Result<Outcome, RefusalReason> {
    let Some(state) = query.get("state") else {
        return Err(RefusalReason::NoState);
    };
    if !bool::from(state.as_bytes().ct_eq(expected_state.as_bytes())) {
        return Err(RefusalReason::WrongState);
    }
    match query.get("iss") {
        Some(iss) if *iss != issuer => {
            return Err(RefusalReason::WrongIssuer {
                expected: issuer.to_owned(),
                got: iss.clone(),
            });
        }
        None if issuer_required => {
            return Err(RefusalReason::MissingIssuer {
                expected: issuer.to_owned(),
            });
        }
        _ => {}
    }
    Ok(match (query.get("error"), query.get("code")) {
        (Some(error), _) => Outcome::Error {
            error: error.clone(),
            description: query.get("error_description").cloned(),
        },
        (None, Some(code)) => Outcome::Code(code.clone()),
        (None, None) => Outcome::Error {
            error: "invalid_request".into(),
            description: Some("neither code nor error".into()),
        },
    })
}

fn page_error(status: StatusCode, title: &str, message: &str) -> (StatusCode, Html<String>) {
    (status, Html(pages::error(title, message)))
}
