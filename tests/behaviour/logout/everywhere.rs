//! Attack on "log out everywhere" (PropelAuth's backend API, called with
//! the backend API key): the user id from the provider is put in the
//! API's path. A subject of `.` or `..` must not move the request, with
//! that key, to another endpoint of the API.

use std::path::Path;
use std::sync::{Arc, Mutex};

use authdash::auth::{Provider, Session};
use authdash::config::Config;
use axum::Router;
use axum::extract::State;
use axum::http::Uri;
use axum::routing::get;
use chrono::{TimeDelta, Utc};
use serde_json::json;

type Seen = Arc<Mutex<Vec<String>>>;

async fn any(State(seen): State<Seen>, uri: Uri) -> &'static str {
    seen.lock().unwrap().push(uri.path().to_owned());
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
        .fallback(any)
        .with_state(seen.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (issuer, seen)
}

fn session(issuer: &str, subject: &str) -> Session {
    serde_json::from_value(json!({
        "provider": "x",
        "issuer": issuer,
        "client_id": "rp",
        "tokens": {
            "access_token": "a", "refresh_token": null, "id_token": "x.y.z",
            "expires_at": (Utc::now() + TimeDelta::hours(1)).to_rfc3339(), "scopes": [],
        },
        "id_claims": {"sub": subject},
        "userinfo": null,
        "user": {"subject": subject, "email": null, "email_verified": null, "name": null,
                 "picture": null, "orgs": [], "claims": {}},
        "logged_in_at": Utc::now().to_rfc3339(),
        "refreshed_at": null,
    }))
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn attack_dot_segment_subject_moves_the_backend_api_call() {
    let (issuer, seen) = start().await;
    let text = format!(
        "[auth.x]\nclient_id = \"rp\"\nserver_metadata_url = \"{issuer}/.well-known/openid-configuration\"\n\
         org_claims = \"propelauth\"\nlogout_everywhere_api_key_env = \"KEY\"\n"
    );
    let config =
        Config::parse(Path::new("x.toml"), &text, &|_| Some("backend-key".into())).expect("config");
    let provider = Provider::discover(&config.providers[0], &config.http)
        .await
        .expect("discovered");
    for subject in ["..", ".", "a/../..", "%2e%2e"] {
        seen.lock().unwrap().clear();
        let _ = provider
            .log_out_everywhere(&session(&issuer, subject))
            .await;
        for path in seen.lock().unwrap().iter() {
            let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
            assert!(
                segments.len() == 6
                    && segments[..4] == ["api", "backend", "v1", "user"]
                    && segments[5] == "logout_all_sessions",
                "subject {subject:?} sent the backend API key to {path}"
            );
        }
    }
}
