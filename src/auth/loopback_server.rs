//! The small HTTP/1 server under both loopback pages (the login callback
//! and the browser sign-out).
//!
//! Any local process, and any web page the browser shows, can connect to
//! it, so it is bounded where `axum::serve` is not: a client has a few
//! seconds to send its request head, the head is capped, requests with a
//! body are refused, one request per connection, at most
//! [`MAX_CONNECTIONS`] at once, and only our own `Host` (a page on
//! another name, rebound to 127.0.0.1 by its DNS, is refused). When the
//! owner drops the handle, every connection closes.
//!
//! At the limit, the oldest connection that has not yet sent a request
//! head is closed to admit the new one: a flood of silent connections
//! cannot lock the person's browser out of its own login.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, watch};

/// Connections served at once, on all addresses of one server together.
pub(crate) const MAX_CONNECTIONS: usize = 64;
/// How long a client may take to send its whole request head. A browser
/// sends it at once; a preconnected idle socket is closed and reopened.
pub(crate) const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The request head's cap (request line and headers): hyper's minimum.
/// Our addresses are short; a provider's answer fits easily.
pub(crate) const MAX_HEAD_BYTES: usize = 8192;
const MAX_HEADERS: usize = 48;
/// After a stop, a response being written gets this long to finish.
const DRAIN: Duration = Duration::from_secs(2);

/// A running server. Dropping it stops accepting and closes every
/// connection (one still being answered gets [`DRAIN`] to finish).
pub(crate) struct LoopbackServer {
    stop: watch::Sender<bool>,
}

impl Drop for LoopbackServer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// The open connections: how many, and those still waiting for a request
/// head, oldest first, each with the switch that closes it.
#[derive(Default)]
struct Connections {
    next_id: u64,
    open: usize,
    silent: VecDeque<(u64, oneshot::Sender<()>)>,
}

struct Shared {
    app: TowerToHyperService<Router>,
    /// `Host` values we answer, lower case (`127.0.0.1:PORT`, …).
    hosts: Vec<String>,
    connections: Mutex<Connections>,
    /// [`HEADER_READ_TIMEOUT`], shorter in tests.
    header_read_timeout: Duration,
}

/// Serve `app` on `listeners`, answering only requests whose `Host` is one
/// of `hosts` (compared without regard to case).
pub(crate) fn serve(
    listeners: Vec<TcpListener>,
    hosts: Vec<String>,
    app: Router,
) -> LoopbackServer {
    serve_with_header_timeout(listeners, hosts, app, HEADER_READ_TIMEOUT)
}

/// [`serve`] with another header-read timeout (tests shorten it).
pub(crate) fn serve_with_header_timeout(
    listeners: Vec<TcpListener>,
    hosts: Vec<String>,
    app: Router,
    header_read_timeout: Duration,
) -> LoopbackServer {
    let shared = Arc::new(Shared {
        app: TowerToHyperService::new(app),
        hosts: hosts.into_iter().map(|h| h.to_ascii_lowercase()).collect(),
        connections: Mutex::new(Connections::default()),
        header_read_timeout,
    });
    let (stop, stopped) = watch::channel(false);
    for listener in listeners {
        tokio::spawn(accept_loop(listener, shared.clone(), stopped.clone()));
    }
    LoopbackServer { stop }
}

fn lock(m: &Mutex<Connections>) -> std::sync::MutexGuard<'_, Connections> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        let accepted = tokio::select! {
            _ = stopped.wait_for(|s| *s) => return,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            // Out of descriptors or a connection reset before accept: keep
            // serving, but do not spin on a persistent error.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let Some((id, evicted)) = admit(&shared) else {
            // Every slot is answering a request: this one waits its turn
            // by reconnecting (a browser retries).
            drop(stream);
            continue;
        };
        tokio::spawn(connection(
            stream,
            id,
            evicted,
            shared.clone(),
            stopped.clone(),
        ));
    }
}

/// Take a slot for a new connection, closing the oldest silent one when
/// all are taken. `None` when every slot is busy answering.
fn admit(shared: &Shared) -> Option<(u64, oneshot::Receiver<()>)> {
    let mut c = lock(&shared.connections);
    if c.open >= MAX_CONNECTIONS {
        let (_, close) = c.silent.pop_front()?;
        // Its task gives the slot back as it ends, a moment from now.
        let _ = close.send(());
    }
    c.open += 1;
    c.next_id += 1;
    let id = c.next_id;
    let (close, evicted) = oneshot::channel();
    c.silent.push_back((id, close));
    Some((id, evicted))
}

/// Gives the slot back when the connection ends, however it ends.
struct Slot {
    id: u64,
    shared: Arc<Shared>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut c = lock(&self.shared.connections);
        c.silent.retain(|(id, _)| *id != self.id);
        c.open = c.open.saturating_sub(1);
    }
}

async fn connection(
    stream: TcpStream,
    id: u64,
    evicted: oneshot::Receiver<()>,
    shared: Arc<Shared>,
    mut stopped: watch::Receiver<bool>,
) {
    let busy = Arc::new(AtomicBool::new(false));
    let _slot = Slot {
        id,
        shared: shared.clone(),
    };
    let header_read_timeout = shared.header_read_timeout;
    let service = Guard {
        shared,
        busy: busy.clone(),
        slot_id: id,
    };
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout)
        .max_buf_size(MAX_HEAD_BYTES)
        .max_headers(MAX_HEADERS)
        .keep_alive(false)
        .serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    // The switch is dropped unused once the request head arrives.
    let evicted = async move {
        if evicted.await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let stop = async move {
        let _ = stopped.wait_for(|s| *s).await;
    };
    let closing = tokio::select! {
        _ = &mut conn => false,
        _ = evicted => true,
        _ = stop => true,
    };
    // A request that arrived meanwhile (or just as it was evicted) gets its
    // answer; a silent connection closes now.
    if closing && busy.load(Ordering::SeqCst) {
        let _ = tokio::time::timeout(DRAIN, &mut conn).await;
    }
    // Dropping `conn` closes the socket.
}

/// Checks every request before the app sees it.
struct Guard {
    shared: Arc<Shared>,
    busy: Arc<AtomicBool>,
    slot_id: u64,
}

type BoxFuture = Pin<Box<dyn Future<Output = Result<Response<Body>, Infallible>> + Send>>;

impl hyper::service::Service<Request<Incoming>> for Guard {
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture;

    fn call(&self, request: Request<Incoming>) -> Self::Future {
        if !self.busy.swap(true, Ordering::SeqCst) {
            let id = self.slot_id;
            lock(&self.shared.connections)
                .silent
                .retain(|(i, _)| *i != id);
        }
        if !host_allowed(&self.shared.hosts, &request) {
            return refuse(
                StatusCode::MISDIRECTED_REQUEST,
                "this address answers only requests for its own loopback host and port\n",
            );
        }
        if carries_body(&request) {
            return refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                "this address takes no request body\n",
            );
        }
        let response = hyper::service::Service::call(&self.shared.app, request);
        Box::pin(response)
    }
}

fn refuse(status: StatusCode, text: &'static str) -> BoxFuture {
    let mut response = Response::new(Body::from(text));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    Box::pin(std::future::ready(Ok(response)))
}

/// DNS rebinding: a page of `evil.example`, resolved to 127.0.0.1, reaches
/// our port with its own name in `Host`. HTTP/1.0 without `Host` is refused too.
fn host_allowed<B>(hosts: &[String], request: &Request<B>) -> bool {
    let mut values = request.headers().get_all(header::HOST).iter();
    let (Some(host), None) = (values.next(), values.next()) else {
        return false;
    };
    host.to_str().is_ok_and(|h| {
        hosts
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(h.trim()))
    })
}

fn carries_body<B>(request: &Request<B>) -> bool {
    request.headers().contains_key(header::TRANSFER_ENCODING)
        || request
            .headers()
            .get(header::CONTENT_LENGTH)
            .is_some_and(|v| v.as_bytes() != b"0")
}

/// The `Host` values a browser sends for `host` (as written in a URL:
/// `127.0.0.1`, `[::1]`, `localhost`) on `port`.
pub(crate) fn host_values(host: &str, port: u16) -> Vec<String> {
    let mut values = vec![format!("{host}:{port}")];
    // A browser leaves the scheme's default port out.
    if port == 80 {
        values.push(host.to_owned());
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(host: Option<&str>) -> Request<()> {
        let mut b = Request::builder().uri("/callback");
        if let Some(h) = host {
            b = b.header(header::HOST, h);
        }
        b.body(()).unwrap_or_else(|_| unreachable!())
    }

    #[test]
    fn only_our_host_and_port_are_answered() {
        let hosts = host_values("127.0.0.1", 8400);
        assert!(host_allowed(&hosts, &request(Some("127.0.0.1:8400"))));
        for wrong in [
            "evil.example:8400",
            "127.0.0.1:8401",
            "127.0.0.1",
            "localhost:8400",
            "",
        ] {
            assert!(!host_allowed(&hosts, &request(Some(wrong))), "{wrong}");
        }
        assert!(!host_allowed(&hosts, &request(None)), "no Host at all");
        let hosts = host_values("localhost", 80);
        assert!(host_allowed(&hosts, &request(Some("LocalHost"))));
        assert!(host_allowed(&hosts, &request(Some("localhost:80"))));
    }
}
