//! The engine driven directly (no session service): discovery and a
//! browser login against a provider, each bounded, for the tests of what
//! the engine refuses.

use std::future::Future;
use std::sync::Arc;

use authdash::auth::{AuthError, BrowserLogin, LoginOptions, Provider, Session};
use authdash::config::Config;
use url::Url;

use super::browser;

/// How long a discovery, a login or one of its steps may take.
pub const BOUND: std::time::Duration = std::time::Duration::from_secs(60);

/// `f`, or a panic naming `what` once [`BOUND`] has passed.
pub async fn bounded<F: Future>(what: &str, f: F) -> F::Output {
    tokio::time::timeout(BOUND, f)
        .await
        .unwrap_or_else(|_| panic!("{what} did not finish within {BOUND:?}"))
}

/// Discovery of the config's first provider.
pub async fn discover(config: &Config) -> Result<Provider, AuthError> {
    bounded(
        "discovery",
        Provider::discover(&config.providers[0], &config.http),
    )
    .await
}

/// A browser login against `provider`, the test playing the browser.
pub async fn login(provider: Arc<Provider>) -> Result<Session, AuthError> {
    let login = BrowserLogin::start(provider, BOUND, LoginOptions::default()).await?;
    let url = login.authorize_url().clone();
    let finish = tokio::spawn(login.finish());
    let response = bounded("GET /authorize", browser::client().get(url).send())
        .await
        .expect("GET /authorize");
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .expect("a redirect to the callback");
    let callback = Url::parse(location).expect("absolute Location");
    let page = bounded("the callback", browser::follow(&callback))
        .await
        .expect("the callback answers");
    let _ = page.text().await;
    bounded("the login", finish)
        .await
        .expect("the login task did not panic")
}

/// `user` signs in at the demo provider of `config` (its first), through
/// the engine alone (nothing stored).
pub async fn demo_login(config: &Config, user: &str) -> Session {
    let provider = Arc::new(discover(config).await.expect("discovery"));
    let login = BrowserLogin::start(provider, BOUND, LoginOptions::default())
        .await
        .expect("the login starts");
    let url = login.authorize_url().to_string();
    let finish = tokio::spawn(login.finish());
    browser::sign_in(&url, user).await.expect("signed in");
    bounded("the login", finish)
        .await
        .expect("the login task did not panic")
        .expect("a session")
}

/// The error of a result that must be one.
pub fn refused<T: std::fmt::Debug>(result: Result<T, AuthError>) -> AuthError {
    match result {
        Ok(v) => panic!("expected a refusal, got {v:?}"),
        Err(e) => e,
    }
}

/// The address a browser sign-out hands the browser first: authdash's own,
/// on loopback, carrying no token (the ID token hint goes from there).
#[track_caller]
pub fn assert_sign_out_start(start: &Url, session: &Session) {
    use secrecy::ExposeSecret as _;
    assert_eq!(start.host_str(), Some("127.0.0.1"));
    assert!(
        !start
            .as_str()
            .contains(session.tokens.id_token.expose_secret()),
        "the address handed to the browser carries no token"
    );
}
