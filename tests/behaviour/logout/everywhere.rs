//! Attack on "log out everywhere" (PropelAuth's backend API, called with
//! the backend API key): the user id from the provider is put in the
//! API's path. A subject of `.` or `..` must not move the request, with
//! that key, to another endpoint of the API.

use std::path::Path;

use authdash::auth::{Provider, Session};
use authdash::config::Config;
use chrono::{TimeDelta, Utc};
use serde_json::json;

use crate::support::broken_provider::{BrokenProvider, Fault};

fn session(issuer: &str, subject: &str) -> Session {
    serde_json::from_value(json!({
        "provider": "test",
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
    // The broken provider counts every path it is asked, the API's too.
    let op = BrokenProvider::start(Fault::None).await;
    let text = format!(
        "{}org_claims = \"propelauth\"\nlogout_everywhere_api_key_env = \"KEY\"\n",
        op.toml()
    );
    let config =
        Config::parse(Path::new("x.toml"), &text, &|_| Some("backend-key".into())).expect("config");
    let provider = Provider::discover(&config.providers[0], &config.http)
        .await
        .expect("discovered");
    for subject in ["..", ".", "a/../..", "%2e%2e"] {
        let before = op.requests().len();
        // Refused before any request, or sent to the user's own endpoint:
        // only where a request went counts.
        let _ = provider
            .log_out_everywhere(&session(op.issuer(), subject))
            .await;
        let sent = op.requests().split_off(before);
        for path in &sent {
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
