//! The config's keys for per-panel APIs, and the errors that name the
//! file, the key and the fix.

use std::path::Path;

use authdash::config::{Config, ConfigError, ResourceStyle};

fn parse(provider: &str, panels: &str) -> Result<Config, ConfigError> {
    let text = format!(
        "[auth.acme]\nclient_id = \"c\"\n\
         server_metadata_url = \"https://id.example.com/.well-known/openid-configuration\"\n\
         {provider}\n[authdash]\n{panels}"
    );
    Config::parse(Path::new("apis.toml"), &text, &|_| None)
}

fn refused(provider: &str, panels: &str) -> (String, String) {
    match parse(provider, panels) {
        Err(e) => (e.key().unwrap_or_default().to_owned(), e.to_string()),
        Ok(_) => panic!("accepted:\n{provider}\n{panels}"),
    }
}

const TWO_PANELS: &str = r#"
[[authdash.panels]]
id = "billing"
title = "Billing"
source = { type = "http", url = "https://billing.example.com/usage", resource = "https://billing.example.com/", scopes = ["billing:read"] }

[[authdash.panels]]
id = "reports"
title = "Reports"
data_url = "https://reports.example.com/r"
resource = "https://reports.example.com/"

[[authdash.panels]]
id = "local"
title = "Local"
source = { type = "command", argv = ["/bin/true"], resource = "https://billing.example.com/", scopes = ["billing:write"] }

[[authdash.panels]]
id = "plain"
title = "Plain"
data_url = "https://api.example.com/plain"
"#;

#[test]
fn panels_and_providers_name_their_apis_and_each_is_asked_for_once() {
    let config = parse(
        "resources = [\"https://scripts.example.com/\"]\nresource_style = \"audience\"",
        TWO_PANELS,
    )
    .expect("parses");
    let provider = &config.providers[0];
    assert_eq!(provider.resource_style, ResourceStyle::Audience);
    let apis: Vec<(String, Vec<String>)> = config
        .apis(provider)
        .into_iter()
        .map(|a| (a.resource, a.scopes))
        .collect();
    assert_eq!(
        apis,
        [
            (
                "https://billing.example.com/".to_owned(),
                vec!["billing:read".to_owned(), "billing:write".to_owned()]
            ),
            ("https://reports.example.com/".to_owned(), vec![]),
            ("https://scripts.example.com/".to_owned(), vec![]),
        ]
    );
    assert_eq!(
        config.panel_api("reports").map(|a| a.key.as_str()),
        Some("authdash.panels[1].resource")
    );
    assert!(config.panel_api("plain").is_none());
    // rfc8707 unless said.
    let plain = parse("", "").expect("parses");
    assert_eq!(plain.providers[0].resource_style, ResourceStyle::Rfc8707);
}

#[test]
fn bad_values_name_the_file_the_key_and_the_fix() {
    let cases: [(&str, &str, &str, &str); 7] = [
        (
            "resource_style = \"okta\"",
            "",
            "auth.acme.resource_style",
            "\"rfc8707\"",
        ),
        (
            "resources = [\"not a uri\"]",
            "",
            "auth.acme.resources[0]",
            "absolute URI",
        ),
        (
            "resources = \"https://one.example/\"",
            "",
            "auth.acme.resources",
            "array of strings",
        ),
        (
            "",
            "[[authdash.panels]]\nid = \"a\"\ntitle = \"A\"\nsource = { type = \"http\", url = \"https://a.example/x\", resource = \"https://a.example/#frag\" }",
            "authdash.panels[0].source.resource",
            "fragment",
        ),
        (
            "",
            "[[authdash.panels]]\nid = \"a\"\ntitle = \"A\"\nsource = { type = \"http\", url = \"https://a.example/x\", scopes = [\"read\"] }",
            "authdash.panels[0].source.scopes",
            "without `resource`",
        ),
        (
            "",
            "[[authdash.panels]]\nid = \"a\"\ntitle = \"A\"\nsource = { type = \"http\", url = \"https://a.example/x\", resource = \"https://a.example/\", scopes = [\"read write\"] }",
            "authdash.panels[0].source.scopes[0]",
            "one scope",
        ),
        (
            "",
            "[[authdash.panels]]\nid = \"a\"\ntitle = \"A\"\nresource = \"https://a.example/\"\nsource = { type = \"http\", url = \"https://a.example/x\" }",
            "authdash.panels[0].resource",
            "source",
        ),
    ];
    for (provider, panels, key, words) in cases {
        let (at, message) = refused(provider, panels);
        assert_eq!(at, key, "{message}");
        assert!(message.contains("apis.toml"), "{message}");
        assert!(message.contains(words), "{message}");
        assert!(message.contains("fix:"), "{message}");
    }
}

#[test]
fn the_trust_summary_lists_each_panels_api() {
    let text = format!(
        "[auth.acme]\nclient_id = \"c\"\n\
         server_metadata_url = \"https://id.example.com/.well-known/openid-configuration\"\n\
         [authdash]\n{TWO_PANELS}"
    );
    let summary =
        authdash::config::trust::Summary::of(Path::new("apis.toml"), &text).expect("a summary");
    let apis: Vec<String> = summary
        .lines()
        .into_iter()
        .filter(|(what, _)| *what == "asks a token for")
        .map(|(_, line)| line)
        .collect();
    assert_eq!(
        apis,
        [
            "https://billing.example.com/   (panel `billing`; scopes billing:read)",
            "https://reports.example.com/   (panel `reports`)",
            "https://billing.example.com/   (panel `local`; scopes billing:write)",
        ]
    );
}
