//! The README's Security section names, after each rule, the tests that
//! show it. Every name there must be a real test, test file or module, so
//! that a test renamed or removed does not leave the README vouching for
//! a rule nothing checks any more.

use std::path::Path;

const README: &str = include_str!("../README.md");

/// The Security section's text.
fn security() -> &'static str {
    let start = README.find("\n## Security").expect("a Security section");
    let rest = &README[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |e| e + 3);
    &rest[..end]
}

/// The names in each parenthesis that holds nothing but backticked
/// Rust paths (`attacks_trust::attack_…`, `trust`, `store::tests`).
fn named_tests(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for group in text.split('(').skip(1) {
        let Some(inside) = group.split(')').next() else {
            continue;
        };
        let items: Vec<&str> = inside
            .split(',')
            .map(|i| i.trim().trim_matches('`'))
            .collect();
        let is_path = |i: &&str| {
            !i.is_empty()
                && i.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == ':')
        };
        let backticked = inside
            .split(',')
            .all(|i| i.trim().starts_with('`') && i.trim().ends_with('`'));
        if backticked && items.iter().all(is_path) {
            names.extend(items.iter().map(|i| (*i).to_owned()));
        }
    }
    names
}

/// Whether `fn name` is in the file at `path`, or in a file under the
/// folder at `path`.
fn defines(path: &Path, name: &str) -> bool {
    let needle = format!("fn {name}(");
    if path.is_file() {
        return std::fs::read_to_string(path).is_ok_and(|t| t.contains(&needle));
    }
    std::fs::read_dir(path).is_ok_and(|entries| {
        entries
            .filter_map(Result::ok)
            .any(|e| defines(&e.path(), name))
    })
}

/// A test file (`tests/NAME.rs`, `tests/NAME/`) or a module under `src/`
/// (`src/a/b.rs`, `src/a/b/`), followed by at most the name of a function
/// in it.
fn exists(name: &str) -> bool {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let segments: Vec<&str> = name.split("::").collect();
    let in_module = |base: &Path, path: &[&str], rest: &[&str]| {
        let joined = path.join("/");
        let candidates = [base.join(format!("{joined}.rs")), base.join(&joined)];
        candidates.iter().any(|module| match rest {
            [] => module.exists(),
            [function] => defines(module, function),
            _ => false,
        })
    };
    (1..=segments.len()).any(|k| {
        let (path, rest) = segments.split_at(k);
        in_module(&root.join("tests"), path, rest) || in_module(&root.join("src"), path, rest)
    })
}

#[test]
fn every_test_the_security_section_names_exists() {
    let names = named_tests(security());
    assert!(names.len() > 20, "found only {names:?}");
    let missing: Vec<&String> = names.iter().filter(|n| !exists(n)).collect();
    assert!(
        missing.is_empty(),
        "the README's Security section names tests that do not exist: {missing:#?}"
    );
}

#[test]
fn a_name_that_is_not_a_test_is_caught() {
    assert!(exists(
        "attacks_trust::attack_a_relative_program_path_is_refused"
    ));
    assert!(exists(
        "panels::tests::placeholders_fill_the_address_and_the_argv"
    ));
    assert!(exists("store::tests"));
    assert!(exists("identity::visible"));
    assert!(!exists("attacks_trust::no_such_test"));
    assert!(!exists("no_such_file"));
    assert_eq!(
        named_tests("a rule (`x::y`, `z`) and (`org_claims = \"none\"` or more)"),
        ["x::y", "z"]
    );
}
