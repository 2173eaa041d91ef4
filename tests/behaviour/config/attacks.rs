//! Attacks on rule 9's opt-in (HS* only for a confidential client) from
//! the config: an empty secret would make every HS256 ID token forgeable
//! by anyone, since the HMAC key would be known (empty).

use std::path::Path;

use authdash::config::Config;

const URL: &str = "https://idp.example.com/.well-known/openid-configuration";

fn parse(provider_lines: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Config, String> {
    let text = format!(
        "[auth.x]\nclient_id = \"cid\"\nserver_metadata_url = \"{URL}\"\n{provider_lines}\n"
    );
    Config::parse(Path::new("attack.toml"), &text, env).map_err(|e| e.to_string())
}

#[test]
fn attack_hs256_with_an_empty_or_missing_secret_is_refused() {
    let none = |_: &str| None;
    let empty = |_: &str| Some(String::new());
    for (lines, env) in [
        (
            "allow_hs256 = true",
            &none as &dyn Fn(&str) -> Option<String>,
        ),
        ("allow_hs256 = true\nclient_secret = \"\"", &none),
        ("allow_hs256 = true\nclient_secret_env = \"S\"", &empty),
        ("allow_hs256 = true\nclient_secret_env = \"S\"", &none),
    ] {
        let error = parse(lines, env).expect_err(&format!("{lines:?} accepted"));
        // Refused for the secret, and saying which key.
        assert!(
            error.contains("`auth.x.client_secret") || error.contains("`auth.x.allow_hs256`"),
            "{lines:?}: {error}"
        );
    }
    let secret = |_: &str| Some("a real secret".to_owned());
    let config = parse("allow_hs256 = true\nclient_secret_env = \"S\"", &secret).expect("ok");
    assert!(config.providers[0].allow_hs256);
}

#[test]
fn attack_provider_metadata_on_plain_http_elsewhere_is_refused_at_once() {
    // A config naming a plain-http issuer off this machine: the first
    // request would already leak nothing secret, but every later one
    // would. Refused before any request (the config or discovery).
    for url in [
        "http://idp.example.com/.well-known/openid-configuration",
        "http://localhost.evil.example/.well-known/openid-configuration",
        "http://127.0.0.1.nip.io/.well-known/openid-configuration",
    ] {
        let text = format!("[auth.x]\nclient_id = \"cid\"\nserver_metadata_url = \"{url}\"\n");
        let parsed = Config::parse(Path::new("attack.toml"), &text, &|_| None);
        if let Ok(config) = parsed {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let found = rt.block_on(authdash::auth::Provider::discover(
                &config.providers[0],
                &config.http,
            ));
            let error = found.err().map(|e| e.to_string()).unwrap_or_default();
            assert!(error.contains("not https"), "{url}: {error}");
        }
    }
}
