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

mod auth;
mod claims;
mod settings;

// --- control characters ------------------------------------------------

/// What a terminal would act on: ESC (colours, clearing the screen), BEL,
/// CR (rewriting a line), the C1 CSI and a bidi override.
const HOSTILE: [char; 5] = ['\u{1b}', '\u{7}', '\r', '\u{9b}', '\u{202e}'];

#[track_caller]
fn shown_escaped(err: &ConfigError) -> String {
    let shown = err.to_string();
    assert!(
        !shown.contains(HOSTILE),
        "a control character is printed raw: {shown:?}"
    );
    shown
}

/// A value, a key and a table name full of escapes: the message names
/// them with each control character written out.
#[test]
fn control_characters_in_values_and_keys_are_shown_escaped() {
    let value = parse_with(
        &auth_line("flow = \"\\u001b[2J\\u0007http://\\u202eevil\\r\""),
        &|_| None,
    )
    .unwrap_err();
    let shown = shown_escaped(&value);
    assert!(shown.contains("\\u{1b}[2J\\u{7}"), "{shown}");
    assert!(shown.contains("\\u{202e}evil\\u{d}"), "{shown}");

    let key = parse_with(&auth_line("\"client\\u001b]0;pwned\\u0007\" = 1"), &|_| {
        None
    })
    .unwrap_err();
    let shown = shown_escaped(&key);
    assert!(shown.contains("client\\u{1b}]0;pwned\\u{7}"), "{shown}");
    // The key field keeps the text as it was, for code that compares it.
    assert!(
        key.key()
            .is_some_and(|k| k.contains("client\u{1b}]0;pwned\u{7}")),
        "{:?}",
        key.key()
    );

    let table = parse_with(
        &with_provider("[authdash]\nrole_order = [\"Owner\", \"\\u009b31mAdmin\", \"Owner\"]\n"),
        &|_| None,
    )
    .unwrap_err();
    shown_escaped(&table);
}

/// A raw control byte is not valid TOML: toml's message quotes the line it
/// is on. The quote is shown escaped, its lines kept.
#[test]
fn a_syntax_error_quoting_control_bytes_shows_them_escaped() {
    let err = parse_with(
        "[auth]\nclient_id = \"a\u{1b}[2J\u{9b}31m\u{202e}b\"\n",
        &|_| None,
    )
    .unwrap_err();
    let ConfigError::Syntax { message, .. } = &err else {
        panic!("expected Syntax, got {err:?}");
    };
    assert!(
        message.contains('\u{1b}'),
        "toml quotes the line: {message:?}"
    );
    let shown = shown_escaped(&err);
    assert!(shown.contains("\\u{1b}[2J"), "{shown}");
    assert!(shown.contains("line 2"), "{shown}");
    assert!(
        shown.lines().count() > 1,
        "toml's excerpt keeps its lines: {shown}"
    );
}

/// A path named with an escape (a folder from a hostile archive).
#[test]
fn a_path_with_control_characters_is_shown_escaped() {
    let err =
        Config::load(Path::new("/no/such/\u{1b}[2Jdir/authdash.toml"), &|_| None).unwrap_err();
    let shown = shown_escaped(&err);
    assert!(
        shown.contains("/no/such/\\u{1b}[2Jdir/authdash.toml"),
        "{shown}"
    );
}
