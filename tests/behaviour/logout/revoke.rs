//! Attacks on rule 18 (revocation revokes the access token even when
//! revoking the refresh token fails) with a provider whose revocation of
//! the refresh token never answers: the logout's bound must not be spent
//! on it alone.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use authdash::auth::Session;
use authdash::config::Config;
use authdash::session::{LogoutOptions, Revocation, SessionService, SessionSetup};
use authdash::store::{FileStore, KeySource, TokenStore};
use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use chrono::{TimeDelta, Utc};
use secrecy::SecretString;
use serde_json::json;

const CLIENT: &str = "rp";
const ACCESS: &str = "the-access-token";
const REFRESH: &str = "the-refresh-token";

type Seen = Arc<Mutex<Vec<String>>>;

async fn revoke(State(seen): State<Seen>, body: String) -> &'static str {
    let form: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let token = form
        .iter()
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    seen.lock().unwrap().push(token.clone());
    if token == REFRESH {
        // Never answers in time.
        tokio::time::sleep(Duration::from_secs(120)).await;
    }
    ""
}

async fn start() -> (String, Seen) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    let seen: Seen = Arc::default();
    let doc = json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{issuer}/jwks"),
        "revocation_endpoint": format!("{issuer}/revoke"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
    });
    let app = Router::new()
        .route(
            "/.well-known/openid-configuration",
            get(move || {
                let doc = doc.clone();
                async move { axum::Json(doc) }
            }),
        )
        .route("/jwks", get(|| async { axum::Json(json!({"keys": []})) }))
        .route("/revoke", post(revoke))
        .with_state(seen.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (issuer, seen)
}

fn session(issuer: &str) -> Session {
    serde_json::from_value(json!({
        "provider": "test",
        "issuer": issuer,
        "client_id": CLIENT,
        "tokens": {
            "access_token": ACCESS,
            "refresh_token": REFRESH,
            "id_token": "x.y.z",
            "expires_at": (Utc::now() + TimeDelta::hours(1)).to_rfc3339(),
            "scopes": ["openid"],
        },
        "id_claims": {"sub": "u1", "iss": issuer, "aud": CLIENT},
        "userinfo": null,
        "user": {"subject": "u1", "email": null, "email_verified": null, "name": "Ann",
                 "picture": null, "orgs": [], "claims": {}},
        "logged_in_at": Utc::now().to_rfc3339(),
        "refreshed_at": null,
    }))
    .expect("a session")
}

#[tokio::test(flavor = "multi_thread")]
async fn attack_a_hanging_refresh_token_revocation_keeps_the_access_token_alive() {
    let (issuer, seen) = start().await;
    let dir = tempfile::tempdir().unwrap();
    let config = Config::parse(
        std::path::Path::new("t.toml"),
        &format!(
            "[auth.test]\nclient_id = \"{CLIENT}\"\n\
             server_metadata_url = \"{issuer}/.well-known/openid-configuration\"\n"
        ),
        &|_| None,
    )
    .expect("config");
    let store = FileStore::new(
        dir.path().join("data"),
        KeySource::Secret(SecretString::from("s".to_owned())),
    );
    store.save(&session(&issuer)).expect("stored");
    let service = SessionService::new(SessionSetup {
        config,
        store_path: store.path(),
        store: Arc::new(store),
        data_dir: dir.path().join("data"),
        browser_var: None,
        discovery_cache: None,
    });
    let started = Instant::now();
    let report = tokio::time::timeout(
        Duration::from_secs(60),
        service.logout(&session(&issuer), LogoutOptions::default(), &|_| {}),
    )
    .await
    .expect("logout is bounded")
    .expect("logout runs");
    assert_eq!(report.deleted, Ok(true), "deleted here first");
    assert!(
        matches!(report.revocation, Revocation::Failed(_)),
        "{:?}",
        report.revocation
    );
    let seen = seen.lock().unwrap().clone();
    assert!(
        seen.iter().any(|t| t == ACCESS),
        "the access token was never revoked (after {:?}; revocations seen: {seen:?})",
        started.elapsed()
    );
}
