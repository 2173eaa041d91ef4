//! One test per configuration error: each names the key and says what is
//! wrong and how to fix it.

use std::path::Path;

use authdash::config::{Config, ConfigError};

const META: &str = "https://accounts.google.com/.well-known/openid-configuration";

fn parse_with(text: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
    Config::parse(Path::new("/etc/authdash.toml"), text, env)
}

/// A config with one valid default provider, then `rest`.
fn with_provider(rest: &str) -> String {
    format!("[auth]\nclient_id = \"cid\"\nserver_metadata_url = \"{META}\"\n{rest}")
}

/// `[auth]` with `line` added to a valid default provider.
fn auth_line(line: &str) -> String {
    with_provider(&format!("{line}\n"))
}

/// A valid provider `acme` with `line` added.
fn acme_line(line: &str) -> String {
    format!("[auth]\n[auth.acme]\nclient_id = \"cid\"\nserver_metadata_url = \"{META}\"\n{line}\n")
}

#[track_caller]
fn invalid_with(
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
    key: &str,
    problem: &str,
    fix: &str,
) -> String {
    match parse_with(text, env) {
        Err(err @ ConfigError::Invalid { .. }) => {
            let shown = err.to_string();
            let ConfigError::Invalid {
                path,
                key: k,
                problem: p,
                fix: f,
            } = err
            else {
                unreachable!()
            };
            assert_eq!(path, Path::new("/etc/authdash.toml"));
            assert_eq!(k, key, "key of: {shown}");
            assert!(
                p.contains(problem),
                "problem should contain {problem:?}: {shown}"
            );
            assert!(f.contains(fix), "fix should contain {fix:?}: {shown}");
            assert!(
                shown.starts_with(&format!("/etc/authdash.toml: `{key}`: ")),
                "{shown}"
            );
            assert!(shown.contains("\n  fix: "), "{shown}");
            shown
        }
        Err(other) => panic!("expected Invalid for {key}, got {other:?}"),
        Ok(_) => panic!("expected Invalid for {key}, the config was accepted"),
    }
}

#[track_caller]
fn invalid(text: &str, key: &str, problem: &str, fix: &str) -> String {
    invalid_with(text, &|_| None, key, problem, fix)
}

// --- files -------------------------------------------------------------

#[test]
fn missing_file_is_not_found() {
    let err = Config::load(Path::new("/no/such/dir/authdash.toml"), &|_| None).unwrap_err();
    assert!(matches!(err, ConfigError::NotFound { .. }), "{err:?}");
    assert!(err.to_string().contains("fix:"));
}

#[test]
fn unreadable_file_is_a_read_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = Config::load(dir.path(), &|_| None).unwrap_err();
    assert!(matches!(err, ConfigError::Read { .. }), "{err:?}");
}

#[test]
fn toml_syntax_error_carries_the_line() {
    let err = parse_with("[auth]\nclient_id = \"unterminated\n", &|_| None).unwrap_err();
    let ConfigError::Syntax { path, message } = &err else {
        panic!("expected Syntax, got {err:?}");
    };
    assert_eq!(path, Path::new("/etc/authdash.toml"));
    assert!(message.contains("line 2"), "{message}");
}

#[path = "config_errors/auth.rs"]
mod auth;
#[path = "config_errors/claims.rs"]
mod claims;
#[path = "config_errors/settings.rs"]
mod settings;
