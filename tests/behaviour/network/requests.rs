//! Where a provider call goes: straight to a provider on this machine,
//! whatever proxy the environment names, and never on to where a redirect
//! points. Each tried with a listener that counts what reaches it.

use crate::support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use authdash::demo::DemoSettings;
use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use support::broken_provider::{BrokenProvider, Fault};
use support::engine::discover;
use tokio::net::TcpListener;

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
