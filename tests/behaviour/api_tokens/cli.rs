//! `exec --resource`: a script's command gets one configured API's token
//! in its environment; another value is refused with the list.

use super::apis::audience;
use super::fake::Fake;

const SCRIPTS: &str = "https://scripts.example/";

#[tokio::test(flavor = "multi_thread")]
async fn exec_resource_puts_that_apis_token_in_the_environment() {
    let t = Fake::start().await;
    let config = t.config(
        "c.toml",
        "audience",
        &[],
        &format!("resources = [\"{SCRIPTS}\"]"),
    );
    let service = t.service(&config);
    let session = t.login(&service).await;
    let print = ["/bin/sh", "-c", "printf %s \"$AUTHDASH_ACCESS_TOKEN\""];
    let mut args = vec!["exec", "--resource", SCRIPTS, "--"];
    args.extend(print);
    let out = t.home.authdash("c.toml", &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(audience(&token), [SCRIPTS]);
    assert_ne!(token, session.access_token());
    let forms = t.api_forms();
    assert_eq!(forms.len(), 1);
    assert_eq!(forms[0].get("audience").map(String::as_str), Some(SCRIPTS));

    let mut args = vec!["exec", "--resource", "https://elsewhere.example/", "--"];
    args.extend(print);
    let out = t.home.authdash("c.toml", &args);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "the command ran");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains(&format!("use one of: {SCRIPTS}")), "{said}");
    assert_eq!(t.api_forms().len(), 1, "asked for an API not configured");
}

/// `doctor --tokens --json`'s checks about API tokens: (name, status, detail).
fn token_checks(out: &std::process::Output) -> Vec<(String, String, String)> {
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("doctor's JSON report");
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["section"] == "api tokens")
        .map(|c| {
            (
                c["name"].as_str().unwrap_or_default().to_owned(),
                c["status"].as_str().unwrap_or_default().to_owned(),
                c["detail"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn doctor_tokens_checks_each_apis_audience_with_the_session() {
    let t = Fake::start().await;
    let other = "https://other.example/";
    let config = t.config(
        "c.toml",
        "audience",
        &[],
        &format!("resources = [\"{SCRIPTS}\", \"{other}\"]"),
    );
    let service = t.service(&config);
    // Not logged in: said, nothing asked.
    let out = t.home.authdash("c.toml", &["doctor", "--tokens", "--json"]);
    let checks = token_checks(&out);
    assert_eq!(checks.len(), 1, "{checks:?}");
    assert_eq!(checks[0].1, "warn");
    t.login(&service).await;
    t.op.set_api_answer(crate::support::broken_provider::ApiAnswer::WrongAudience(
        "https://default.example/".into(),
    ));
    let out = t.home.authdash("c.toml", &["doctor", "--tokens", "--json"]);
    let checks = token_checks(&out);
    assert_eq!(checks.len(), 2, "{checks:?}");
    for (check, api) in checks.iter().zip([SCRIPTS, other]) {
        assert_eq!(check.0, api);
        assert_eq!(check.1, "fail", "{check:?}");
        assert!(check.2.contains("https://default.example/"), "{check:?}");
    }
    assert_eq!(out.status.code(), Some(1));
    t.op.set_api_answer(crate::support::broken_provider::ApiAnswer::Issue);
    let out = t.home.authdash("c.toml", &["doctor", "--tokens", "--json"]);
    let checks = token_checks(&out);
    for (check, api) in checks.iter().zip([SCRIPTS, other]) {
        assert_eq!(check.1, "ok", "{check:?}");
        assert!(check.2.contains(&format!("audience {api}")), "{check:?}");
    }
    // Without --tokens, no token is asked for.
    let asked = t.api_forms().len();
    t.home.authdash("c.toml", &["doctor", "--json"]);
    assert_eq!(t.api_forms().len(), asked);
}

/// `--min-ttl` with `--resource` is the API token's (the login's is left
/// as it is): a minimum the provider's 10-minute API tokens cannot meet is
/// said at each call, and the token is renewed only once less than half
/// its lifetime is left, then once — the provider counts the requests.
#[tokio::test(flavor = "multi_thread")]
async fn min_ttl_with_resource_is_the_api_tokens_and_renews_it_at_most_once_per_half_lifetime() {
    use crate::support::broken_provider::ApiAnswer;
    use authdash::store::TokenStore as _;
    let t = Fake::start().await;
    let config = t.config(
        "c.toml",
        "audience",
        &[],
        &format!("resources = [\"{SCRIPTS}\"]"),
    );
    let service = t.service(&config);
    let session = t.login(&service).await;
    t.op.set_api_answer(ApiAnswer::Over(serde_json::json!({ "expires_in": 600 })));
    let print = ["/bin/sh", "-c", "printf %s \"$AUTHDASH_ACCESS_TOKEN\""];
    let mut exec = vec!["exec", "--resource", SCRIPTS, "--min-ttl", "2h", "--"];
    exec.extend(print);
    let token = ["token", "--resource", SCRIPTS, "--min-ttl", "2h"];
    let run = |args: &[&str]| {
        let out = t.home.authdash("c.toml", args);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{args:?}: {err}");
        assert!(
            err.contains("--min-ttl 2h is more than the provider gives")
                && err.contains(&format!("its tokens for {SCRIPTS} live 10m"))
                && err.contains("less than 5m"),
            "{args:?}: {err}"
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    let login_renewals = || {
        t.op.token_forms()
            .iter()
            .filter(|f| f.get("grant_type").map(String::as_str) == Some("refresh_token"))
            .count()
            - t.api_forms().len()
    };
    let first = run(&exec);
    assert_eq!(audience(&first), [SCRIPTS]);
    for _ in 0..2 {
        assert_eq!(run(&exec), first);
        assert_eq!(run(&token), first);
    }
    assert_eq!(t.api_forms().len(), 1, "renewed with most of its life left");
    assert_eq!(
        login_renewals(),
        0,
        "--min-ttl 2h was taken for the login's"
    );

    // Six of its ten minutes gone: renewed, once.
    t.home
        .store()
        .update(&mut |accounts| {
            for s in &mut accounts.sessions {
                for api in &mut s.apis.tokens {
                    api.obtained_at -= chrono::TimeDelta::minutes(6);
                    api.expires_at = api.expires_at.map(|at| at - chrono::TimeDelta::minutes(6));
                }
            }
        })
        .expect("the store");
    let renewed = run(&token);
    assert_ne!(renewed, first, "renewed past half its lifetime");
    assert_eq!(t.api_forms().len(), 2);
    assert_eq!(run(&exec), renewed);
    assert_eq!(run(&token), renewed);
    assert_eq!(t.api_forms().len(), 2, "the renewed token is kept");

    // A --min-ttl the token meets: as it is, silently.
    let out = t.home.authdash(
        "c.toml",
        &["token", "--resource", SCRIPTS, "--min-ttl", "1m"],
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), renewed);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(t.api_forms().len(), 2);
    assert_ne!(renewed, session.access_token());
}
