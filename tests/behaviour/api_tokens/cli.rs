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
