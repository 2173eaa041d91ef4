//! Two small APIs on loopback that accept only a JWT of their own
//! audience, verified with the provider's published keys, and remember
//! every token they were sent.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use authdash::panels::TemplateVars;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::json;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// The identifiers the test provider issues tokens for.
pub const BILLING: &str = "https://billing.example/";
pub const REPORTS: &str = "https://reports.example/";

/// Alice in Acme, as the panels are fetched.
pub const ACME: TemplateVars<'static> = TemplateVars {
    org_id: "org-acme",
    org_name: "Acme",
    user_id: "alice",
};

struct Shared {
    name: &'static str,
    audience: String,
    issuer: String,
    /// None: the token's `aud` is read, not verified (a fake provider's
    /// unsigned tokens).
    keys: Option<JwkSet>,
    /// Every bearer token presented, in order.
    received: Mutex<Vec<String>>,
    /// Answer 401 to every token, valid or not.
    refuse_all: bool,
}

/// One API, listening until dropped.
pub struct TestApi {
    shared: Arc<Shared>,
    pub url: String,
    task: JoinHandle<()>,
}

impl Drop for TestApi {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The provider's key set, from its discovery document.
pub async fn provider_keys(issuer: &str) -> JwkSet {
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let discovery: serde_json::Value = client
        .get(format!("{issuer}/.well-known/openid-configuration"))
        .send()
        .await
        .expect("discovery")
        .json()
        .await
        .expect("discovery JSON");
    let jwks_uri = discovery["jwks_uri"].as_str().expect("jwks_uri");
    client
        .get(jwks_uri)
        .send()
        .await
        .expect("jwks")
        .json()
        .await
        .expect("a key set")
}

impl TestApi {
    pub async fn start(name: &'static str, audience: &str, issuer: &str, keys: JwkSet) -> Self {
        Self::start_with(name, audience, issuer, Some(keys), false).await
    }

    /// An API that reads the token's `aud` without verifying it.
    pub async fn reading(name: &'static str, audience: &str) -> Self {
        Self::start_with(name, audience, "", None, false).await
    }

    /// An API that answers 401 to any token.
    pub async fn refusing(name: &'static str, audience: &str) -> Self {
        Self::start_with(name, audience, "", None, true).await
    }

    async fn start_with(
        name: &'static str,
        audience: &str,
        issuer: &str,
        keys: Option<JwkSet>,
        refuse_all: bool,
    ) -> Self {
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .await
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let shared = Arc::new(Shared {
            name,
            audience: audience.to_owned(),
            issuer: issuer.to_owned(),
            keys,
            received: Mutex::new(Vec::new()),
            refuse_all,
        });
        let app = Router::new()
            .route("/data", get(data))
            .with_state(shared.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            shared,
            url: format!("http://127.0.0.1:{port}/data"),
            task,
        }
    }

    /// Every token it was sent, in order.
    pub fn received(&self) -> Vec<String> {
        self.shared
            .received
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

async fn data(State(s): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let Some(token) = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return (StatusCode::UNAUTHORIZED, "no bearer token").into_response();
    };
    s.received
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(token.to_owned());
    if s.refuse_all {
        return (StatusCode::UNAUTHORIZED, "refused").into_response();
    }
    match verify(&s, token) {
        Ok(claims) => axum::Json(json!({
            "api": s.name,
            "subject": claims["sub"],
            "scope": claims["scope"],
        }))
        .into_response(),
        Err(why) => (StatusCode::UNAUTHORIZED, why).into_response(),
    }
}

fn verify(s: &Shared, token: &str) -> Result<serde_json::Value, String> {
    let Some(keys) = &s.keys else {
        if audience(token) != [s.audience.clone()] {
            return Err("another audience".into());
        }
        return Ok(json!({"sub": null, "scope": null}));
    };
    let header = jsonwebtoken::decode_header(token).map_err(|e| e.to_string())?;
    let kid = header.kid.ok_or("no kid")?;
    let jwk = keys.find(&kid).ok_or("unknown kid")?;
    let key = DecodingKey::from_jwk(jwk).map_err(|e| e.to_string())?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[&s.audience]);
    validation.set_issuer(&[&s.issuer]);
    jsonwebtoken::decode::<serde_json::Value>(token, &key, &validation)
        .map(|d| d.claims)
        .map_err(|e| e.to_string())
}

/// A JWT's `aud`, read (for assertions).
pub fn audience(token: &str) -> Vec<String> {
    authdash::auth::audience_of(token)
}
