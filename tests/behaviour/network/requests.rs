//! Where a provider call goes: straight to a provider on this machine,
//! whatever proxy the environment names, and never on to where a redirect
//! points (each tried with a listener that counts what reaches it); and
//! not for longer than the connect timeout to an address that never
//! completes a connection.

use crate::support;

use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use authdash::auth::AuthError;
use authdash::config::Config;
use authdash::demo::DemoSettings;
use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use support::broken_provider::{BrokenProvider, Fault};
use support::engine::discover;
use tokio::net::{TcpListener, TcpSocket};

/// A listener on loopback that counts the connections made to it (and
/// answers none of them).
async fn counting_listener() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = format!("http://{}", listener.local_addr().expect("address"));
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });
    (address, count)
}

/// Every proxy variable names a proxy on loopback; `authdash doctor`
/// reaches the demo provider all the same, and the proxy sees nothing:
/// a loopback provider's traffic never goes through a proxy, which could
/// read it (plain http on loopback) or be unable to reach this machine.
#[tokio::test(flavor = "multi_thread")]
async fn a_loopback_provider_is_reached_directly_whatever_proxy_is_set() {
    let setup = support::cli::Setup::new(DemoSettings::default()).await;
    let (proxy, through_proxy) = counting_listener().await;
    let mut cmd = setup.command(&["doctor"]);
    for name in [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        cmd.env(name, &proxy);
    }
    let out = support::binary::run(&mut cmd);
    let discovery = setup
        .demo
        .requests()
        .get("/.well-known/openid-configuration")
        .copied()
        .unwrap_or(0);
    assert!(
        discovery >= 1,
        "doctor never reached the provider: {}",
        support::binary::text(&out.stdout)
    );
    assert_eq!(
        through_proxy.load(Ordering::SeqCst),
        0,
        "a loopback provider's request went through the proxy"
    );
}

/// The provider's discovery answers 302 to another server: authdash
/// reports the answer and sends nothing there (a redirect could point a
/// provider call anywhere, with what it carries).
#[tokio::test(flavor = "multi_thread")]
async fn a_redirect_from_the_provider_is_not_followed() {
    let (elsewhere, reached) = counting_listener().await;
    let target = format!("{elsewhere}/.well-known/openid-configuration");
    let routes = Router::new().route(
        "/.well-known/openid-configuration",
        get(move || {
            let target = target.clone();
            async move { (StatusCode::FOUND, [(header::LOCATION, target)]).into_response() }
        }),
    );
    let op =
        BrokenProvider::start_with(Fault::None, &["/.well-known/openid-configuration"], routes)
            .await;
    let error = discover(&op.config_with(""))
        .await
        .expect_err("a redirect is no discovery document");
    assert!(error.to_string().contains("302"), "{error}");
    assert_eq!(
        reached.load(Ordering::SeqCst),
        0,
        "the redirect was followed"
    );
}

/// A loopback address where a new TCP connect never completes: a socket
/// listening with a backlog of 0 that never accepts, its accept queue
/// filled first, so that Linux drops every further SYN (the connect hangs
/// as it does to a host that has gone). Dropping what this returns frees
/// the port.
fn address_that_never_connects() -> (SocketAddr, std::net::TcpListener, Vec<TcpStream>) {
    let socket = TcpSocket::new_v4().expect("a socket");
    socket
        .bind("127.0.0.1:0".parse().expect("an address"))
        .expect("bind");
    let address = socket.local_addr().expect("address");
    let listener = socket
        .listen(0)
        .expect("listen")
        .into_std()
        .expect("a std listener");
    let mut queued = Vec::new();
    for _ in 0..4 {
        match TcpStream::connect_timeout(&address, Duration::from_millis(300)) {
            Ok(stream) => queued.push(stream),
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                return (address, listener, queued);
            }
            Err(e) => panic!("filling the accept queue of {address}: {e}"),
        }
    }
    panic!(
        "{address} still completes connections with {} queued",
        queued.len()
    );
}

/// The provider's address never completes a connection: discovery gives
/// up after `connect_timeout_secs` (1 s here, the request timeout an
/// hour) saying the provider could not be reached, rather than waiting as
/// long as the request may take (a provider that has gone, or a firewall
/// dropping packets, would hold a login or a renewal that long).
#[tokio::test(flavor = "multi_thread")]
async fn an_address_that_never_connects_is_given_up_after_the_connect_timeout() {
    let (address, _listening, _queued) = address_that_never_connects();
    let text = format!(
        "[auth.test]\nclient_id = \"rp\"\n\
         server_metadata_url = \"http://{address}/.well-known/openid-configuration\"\n\
         [authdash]\nconnect_timeout_secs = 1\nrequest_timeout_secs = 3600\n"
    );
    let config = Config::parse(Path::new("rp-test.toml"), &text, &|_| None).expect("config");
    let started = Instant::now();
    let error = tokio::time::timeout(
        Duration::from_secs(10),
        authdash::auth::Provider::discover(&config.providers[0], &config.http),
    )
    .await
    .expect("discovery still waiting 10 s after a connect timeout of 1 s")
    .expect_err("nothing answered");
    let took = started.elapsed();
    assert!(
        matches!(&error, AuthError::Unreachable { reason, .. } if reason.contains("did not answer in time")),
        "not said as unreachable in time: {error:?}"
    );
    assert!(
        took >= Duration::from_millis(900),
        "gave up after {took:?}, before the connect timeout: {error}"
    );
}
