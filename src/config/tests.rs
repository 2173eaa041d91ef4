use std::path::Path;
use std::time::Duration;

use secrecy::ExposeSecret;

use super::*;
use crate::identity::OrgClaims;
use crate::panels::Requirement;

fn no_env(_: &str) -> Option<String> {
    None
}

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(Path::new("authdash.toml"), text, &no_env)
}

fn ok(text: &str) -> Config {
    match parse(text) {
        Ok(c) => c,
        Err(e) => panic!("expected a valid config, got:\n{e}"),
    }
}

const GOOGLE: &str = "https://accounts.google.com/.well-known/openid-configuration";

#[test]
fn minimal_config_takes_every_default() {
    let c = ok(&format!(
        "[auth]\nclient_id = \"cid\"\nserver_metadata_url = \"{GOOGLE}\"\n"
    ));
    assert_eq!(c.path, Path::new("authdash.toml"));
    assert_eq!(c.providers.len(), 1);
    let p = &c.providers[0];
    assert_eq!(p.name, "default");
    assert_eq!(p.label, "default");
    assert_eq!(p.client_id, "cid");
    assert!(p.client_secret.is_none());
    assert_eq!(p.server_metadata_url.as_str(), GOOGLE);
    assert_eq!(p.redirect, RedirectUri::default_loopback());
    assert_eq!(p.scopes, ["openid", "profile", "email"]);
    assert_eq!(p.prompt, None);
    assert!(p.extra_authorize_params.is_empty());
    assert_eq!(p.account_url, None);
    assert_eq!(p.org_claims, OrgClaims::propelauth());
    assert_eq!(p.flow, FlowPreference::Auto);
    assert!(c.store_secret.is_none());
    assert_eq!(c.role_order, RoleOrder::default());
    assert!(c.panels.is_empty());
    assert_eq!(c.http, HttpSettings::default());
    assert_eq!(c.http.connect_timeout, Duration::from_secs(10));
    assert_eq!(c.http.request_timeout, Duration::from_secs(30));
    assert_eq!(c.login_timeout, Duration::from_secs(300));
    assert!(c.provider("default").is_some());
    assert!(c.provider("acme").is_none());
}

#[test]
fn streamlit_single_provider() {
    let c = ok(&format!(
        r#"
[auth]
redirect_uri = "http://localhost:8501/oauth2callback"
cookie_secret = "cookie-secret-value"
client_id = "cid"
client_secret = "client-secret-value"
server_metadata_url = "{GOOGLE}"

[connections.db]
password = "other secrets are not ours"
"#
    ));
    let p = &c.providers[0];
    assert_eq!(p.name, "default");
    assert_eq!(
        p.client_secret.as_ref().map(|s| s.expose_secret()),
        Some("client-secret-value")
    );
    assert_eq!(
        p.redirect,
        RedirectUri {
            host: RedirectHost::Localhost,
            port: 8501,
            path: "/oauth2callback".into()
        }
    );
    assert_eq!(
        c.store_secret.as_ref().map(|s| s.expose_secret()),
        Some("cookie-secret-value")
    );
}

#[test]
fn named_providers_inherit_the_redirect_unless_they_set_their_own() {
    let c = ok(r#"
[auth]
redirect_uri = "http://localhost:8501/oauth2callback"
[auth.google]
client_id = "g"
server_metadata_url = "https://accounts.google.com/.well-known/openid-configuration"
[auth.keycloak]
client_id = "k"
server_metadata_url = "https://kc.example/realms/acme/.well-known/openid-configuration"
redirect_uri = "http://[::1]/cb"
"#);
    let google = c.provider("google").unwrap();
    assert_eq!(google.redirect.host, RedirectHost::Localhost);
    assert_eq!(google.redirect.port, 8501);
    let kc = c.provider("keycloak").unwrap();
    assert_eq!(kc.redirect.host, RedirectHost::Ipv6Loopback);
    assert_eq!(kc.redirect.port, 0);
    assert_eq!(kc.redirect.path, "/cb");
}

#[test]
fn named_providers_in_file_order_with_default_first() {
    let c = ok(r#"
[auth]
zeta = { client_id = "z", server_metadata_url = "https://z.example/.well-known/openid-configuration" }
[auth.middle]
client_id = "m"
server_metadata_url = "https://m.example/.well-known/openid-configuration"
[auth.alpha]
client_id = "a"
server_metadata_url = "https://a.example/.well-known/openid-configuration"
[auth.default]
client_id = "d"
server_metadata_url = "https://d.example/.well-known/openid-configuration"
"#);
    let names: Vec<_> = c.providers.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["default", "zeta", "middle", "alpha"]);
}

#[test]
fn direct_keys_and_named_tables_together() {
    let c = ok(&format!(
        r#"
[auth]
client_id = "d"
server_metadata_url = "{GOOGLE}"
[auth.acme]
label = "Acme"
client_id = "a"
server_metadata_url = "https://auth.acme.com/.well-known/openid-configuration"
"#
    ));
    let names: Vec<_> = c.providers.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(names, ["default", "Acme"]);
}

#[test]
fn store_secret_wins_over_cookie_secret() {
    let c = ok(&format!(
        "[auth]\ncookie_secret = \"c\"\nstore_secret = \"s\"\nclient_id = \"x\"\nserver_metadata_url = \"{GOOGLE}\"\n"
    ));
    assert_eq!(
        c.store_secret.as_ref().map(|s| s.expose_secret()),
        Some("s")
    );
}

#[test]
fn client_secret_from_the_environment() {
    let env = |name: &str| (name == "ACME_SECRET").then(|| "from-env".to_owned());
    let c = Config::parse(
        Path::new("x.toml"),
        &format!("[auth]\nclient_id = \"x\"\nclient_secret_env = \"ACME_SECRET\"\nserver_metadata_url = \"{GOOGLE}\"\n"),
        &env,
    )
    .unwrap();
    let secret = c.providers[0].client_secret.as_ref().unwrap();
    assert_eq!(secret.expose_secret(), "from-env");
}

#[test]
fn client_kwargs_become_scopes_prompt_and_extra_parameters() {
    let c = ok(&format!(
        r#"
[auth]
client_id = "x"
server_metadata_url = "{GOOGLE}"
client_kwargs = {{ scope = "openid  email offline_access", prompt = "whatever the provider takes", audience = "api", hd = "acme.com", code_challenge_method = "S256" }}
"#
    ));
    let p = &c.providers[0];
    assert_eq!(p.scopes, ["openid", "email", "offline_access"]);
    assert_eq!(p.prompt.as_deref(), Some("whatever the provider takes"));
    assert_eq!(
        p.extra_authorize_params,
        [
            ("audience".to_owned(), "api".to_owned()),
            ("hd".to_owned(), "acme.com".to_owned())
        ]
    );
}

#[test]
fn a_discovery_url_keeps_its_query() {
    // Azure AD B2C names the user flow in the discovery URL's query.
    let c = ok(r#"
[auth]
client_id = "x"
server_metadata_url = "https://tenant.b2clogin.com/tenant.onmicrosoft.com/v2.0/.well-known/openid-configuration?p=B2C_1_signin"
"#);
    assert_eq!(
        c.providers[0].server_metadata_url.query(),
        Some("p=B2C_1_signin")
    );
}

#[test]
fn settings_and_panels() {
    let c = ok(&format!(
        r#"
[auth]
client_id = "x"
server_metadata_url = "{GOOGLE}"
[authdash]
role_order = ["Boss", "Staff"]
connect_timeout_secs = 3
request_timeout_secs = 86400
login_timeout_secs = 60
[[authdash.panels]]
id = "open"
title = "Open"
[[authdash.panels]]
id = "staff"
title = "Staff"
description = "d"
requires = {{ min_role = "Staff", permissions = ["p"] }}
data_url = "http://localhost:9000/orgs/{{org_id}}/{{panel_id}}"
"#
    ));
    assert_eq!(c.role_order.roles(), ["Boss", "Staff"]);
    assert_eq!(c.http.connect_timeout, Duration::from_secs(3));
    assert_eq!(c.http.request_timeout, Duration::from_secs(86400));
    assert_eq!(c.login_timeout, Duration::from_secs(60));
    assert_eq!(c.panels.len(), 2);
    assert_eq!(c.panels[0].requires, Requirement::default());
    assert_eq!(c.panels[0].description, None);
    let staff = &c.panels[1];
    assert_eq!(staff.requires.min_role.as_deref(), Some("Staff"));
    assert_eq!(staff.requires.permissions, ["p"]);
    assert_eq!(
        staff.data_url.as_deref(),
        Some("http://localhost:9000/orgs/{org_id}/{panel_id}")
    );
    assert_eq!(
        staff.data_url_for("o 1").ok().flatten().as_deref(),
        Some("http://localhost:9000/orgs/o%201/staff")
    );
}

#[test]
fn absent_redirect_uri_is_any_free_port_on_127_0_0_1() {
    // Absent: 127.0.0.1, any free port, /callback.
    let c = ok(&format!(
        "[auth]\nclient_id = \"x\"\nserver_metadata_url = \"{GOOGLE}\"\n"
    ));
    assert_eq!(
        c.providers[0].redirect,
        RedirectUri {
            host: RedirectHost::Ipv4Loopback,
            port: 0,
            path: "/callback".into()
        }
    );
}

#[test]
fn debug_never_shows_secrets() {
    let env = |_: &str| Some("env-secret-5678".to_owned());
    let c = Config::parse(
        Path::new("x.toml"),
        &format!(
            r#"
[auth]
cookie_secret = "cookie-secret-1234"
client_id = "x"
client_secret = "client-secret-abcd"
server_metadata_url = "{GOOGLE}"
[auth.acme]
client_id = "y"
client_secret_env = "ACME"
server_metadata_url = "{GOOGLE}"
"#
        ),
        &env,
    )
    .unwrap();
    let shown = format!("{c:?} {c:#?} {:?}", c.providers);
    for secret in [
        "cookie-secret-1234",
        "client-secret-abcd",
        "env-secret-5678",
    ] {
        assert!(!shown.contains(secret), "{secret} leaked in {shown}");
    }
    assert!(shown.contains("REDACTED"));
}

#[test]
fn example_files_parse() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/examples");
    let env = |name: &str| (name == "ACME_CLIENT_SECRET").then(|| "s".to_owned());

    let reference = Config::load(&dir.join("authdash.toml"), &env).unwrap();
    let names: Vec<_> = reference
        .providers
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["default", "acme"]);
    let acme = reference.provider("acme").unwrap();
    assert_eq!(acme.label, "Acme (PropelAuth)");
    assert!(acme.client_secret.is_some());
    assert_eq!(acme.redirect.port, 8501);
    assert_eq!(acme.prompt.as_deref(), Some("select_account"));
    assert!(acme.account_url.is_some());
    assert_eq!(acme.flow, FlowPreference::Auto);
    assert_eq!(reference.panels.len(), 6);

    let streamlit = Config::load(&dir.join("streamlit-secrets.toml"), &no_env).unwrap();
    let names: Vec<_> = streamlit
        .providers
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["google", "microsoft"]);
    for p in &streamlit.providers {
        assert_eq!(p.redirect.host, RedirectHost::Localhost);
        assert_eq!(p.redirect.port, 8501);
        assert_eq!(p.redirect.path, "/oauth2callback");
        assert!(p.client_secret.is_some());
    }
    assert!(streamlit.store_secret.is_some());
}

#[test]
fn load_reports_a_missing_file() {
    let err = Config::load(Path::new("/nonexistent/authdash.toml"), &no_env).unwrap_err();
    assert!(matches!(err, ConfigError::NotFound { .. }), "{err:?}");
    assert!(err.to_string().contains("/nonexistent/authdash.toml"));
}

#[test]
fn invalid_display_names_file_key_and_fix() {
    let err = parse("[auth]\nclient_id = 5\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "authdash.toml: `auth.client_id`: expected a string, found an integer\n  fix: write it as a string (in double quotes)"
    );
    assert_eq!(err.key(), Some("auth.client_id"));
}

#[test]
fn every_example_config_parses() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/examples");
    let env = |_: &str| Some("secret-from-env".to_owned());
    let mut seen = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let config = Config::load(&path, &env).unwrap_or_else(|e| panic!("{e}"));
        let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
        seen.push(name.clone());
        // (provider, preset, scope that brings refresh tokens or None)
        let expected = match name.as_str() {
            "google" => ("google", "none", None),
            "microsoft-entra" => ("entra", "none", Some("offline_access")),
            "okta" => ("okta", "generic", Some("offline_access")),
            "auth0" => ("auth0", "auth0", Some("offline_access")),
            "keycloak" => ("keycloak", "keycloak", None),
            "propelauth" => ("propelauth", "propelauth", Some("offline_access")),
            _ => continue,
        };
        let p = config
            .provider(expected.0)
            .unwrap_or_else(|| panic!("{name}: no provider {}", expected.0));
        assert_eq!(p.org_claims.name(), expected.1, "{name}");
        if let Some(scope) = expected.2 {
            assert!(
                p.scopes.iter().any(|s| s == scope),
                "{name}: {:?}",
                p.scopes
            );
        }
        assert!(
            !p.server_metadata_url.as_str().contains("/common/"),
            "{name}: a multi-tenant issuer never matches"
        );
    }
    seen.sort();
    for name in [
        "auth0",
        "authdash",
        "google",
        "keycloak",
        "microsoft-entra",
        "okta",
        "propelauth",
        "streamlit-secrets",
    ] {
        assert!(seen.iter().any(|s| s == name), "{name}.toml is missing");
    }
}

#[test]
fn example_presets_carry_their_settings() {
    use crate::identity::{ClaimSource, Mapper};
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/examples");
    let load = |f: &str| Config::load(&dir.join(f), &no_env).unwrap();
    let kc = load("keycloak.toml");
    let kc = &kc.providers[0].org_claims;
    assert_eq!(kc.source(), ClaimSource::AccessToken);
    match &kc.mapper {
        Mapper::Keycloak(k) => assert_eq!(
            (k.client_id.as_str(), k.default_role.as_str()),
            ("dashboard", "Member")
        ),
        other => panic!("{other:?}"),
    }
    let a0 = load("auth0.toml");
    let p = &a0.providers[0];
    match &p.org_claims.mapper {
        Mapper::Auth0(a) => assert_eq!(
            a.claim("roles").as_deref(),
            Some("https://example.com/roles")
        ),
        other => panic!("{other:?}"),
    }
    assert!(
        p.extra_authorize_params
            .contains(&("audience".into(), "https://api.example.com".into()))
    );
    let okta = load("okta.toml");
    match &okta.providers[0].org_claims.mapper {
        Mapper::Generic(g) => assert_eq!(g.orgs, "/groups"),
        other => panic!("{other:?}"),
    }
}
