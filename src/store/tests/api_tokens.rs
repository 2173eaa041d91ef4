//! Format 4: each session's API tokens, in the encrypted file beside it;
//! a format 3 store (written before them) still reads, as sessions
//! holding none, and is written as format 4 from then on.

use super::*;
use crate::auth::ApiToken;

fn api_token(resource: &str, value: &str) -> ApiToken {
    ApiToken {
        resource: resource.to_owned(),
        org: None,
        access_token: SecretString::from(value.to_owned()),
        expires_at: Some(Utc::now() + chrono::TimeDelta::minutes(10)),
        scopes: vec!["billing:read".into()],
        audience: vec![resource.to_owned()],
        obtained_at: Utc::now(),
        renewals: 0,
        refresh_token: None,
    }
}

#[test]
fn a_format_3_store_reads_as_sessions_without_api_tokens_and_is_written_as_format_4() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    fsutil::ensure_private_dir(&dir).unwrap();
    let password = SecretString::from("a password".to_owned());
    // As authdash wrote it before API tokens: no `apis` in the session.
    let written = serde_json::to_value(Accounts {
        active: Some(AccountId::of(&session("a", "alice", "t"))),
        sessions: vec![session("a", "alice", "old-format")],
        recovered: None,
    })
    .unwrap();
    assert!(written["sessions"][0].get("apis").is_none(), "{written}");
    let params = key::new_kdf_params();
    let key = key::derive_argon2(&password, &params).unwrap();
    let plain = serde_json::to_vec(&written).unwrap();
    let old = crypto::seal(&key, 3, "store_secret", Some(params), &plain).unwrap();
    let store = FileStore::new(&dir, KeySource::Secret(password));
    write_private(&store.path(), &serde_json::to_vec(&old).unwrap());

    let read = store.accounts().unwrap();
    assert_eq!(read.sessions.len(), 1);
    assert_eq!(read.sessions[0].access_token(), "old-format");
    assert!(read.sessions[0].apis.tokens.is_empty());

    let mut session = read.sessions[0].clone();
    session
        .apis
        .put(api_token("https://billing.example/", "billing-token"));
    session.apis.asked_at_login = vec!["https://billing.example/".into()];
    store.save(&session).unwrap();
    let raw = std::fs::read_to_string(store.path()).unwrap();
    let envelope: serde_json::Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(envelope["format"], 4);
    assert!(!raw.contains("billing-token"), "an API token in clear");
    let again = store.accounts().unwrap();
    let held = &again.sessions[0].apis;
    assert_eq!(held.asked_at_login, ["https://billing.example/"]);
    assert_eq!(held.tokens.len(), 1);
    assert_eq!(held.tokens[0].secret(), "billing-token");
    // Forgotten with the session.
    store.remove(&AccountId::of(&session)).unwrap();
    assert!(store.accounts().unwrap().sessions.is_empty());
}
