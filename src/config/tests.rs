use std::path::Path;

use super::*;

fn no_env(_: &str) -> Option<String> {
    None
}

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(Path::new("authdash.toml"), text, &no_env)
}

#[test]
fn named_providers_in_file_order() {
    let c = parse(
        r#"
[auth]
redirect_uri = "http://localhost:8501/oauth2callback"
[auth.zeta]
client_id = "z"
server_metadata_url = "https://z.example/.well-known/openid-configuration"
[auth.alpha]
client_id = "a"
server_metadata_url = "https://a.example/.well-known/openid-configuration"
[auth.default]
client_id = "d"
server_metadata_url = "https://d.example/.well-known/openid-configuration"
"#,
    )
    .unwrap();
    let names: Vec<_> = c.providers.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["default", "zeta", "alpha"]);
}
