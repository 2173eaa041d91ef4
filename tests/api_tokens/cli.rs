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
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
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
