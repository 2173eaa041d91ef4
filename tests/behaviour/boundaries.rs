//! The architecture's boundaries, read from the source: the engine never
//! imports a face or the demo, `identity` does no I/O, and the faces reach
//! tokens only through the session service (two assemblies of login,
//! renewal and logout drift apart: they did).

use std::path::{Path, PathBuf};

const ENGINE: &[&str] = &[
    "src/http",
    "src/config",
    "src/identity",
    "src/auth",
    "src/store",
    "src/session",
    "src/panels",
];
const FACES: &[&str] = &["src/cli", "src/tui"];

fn rust_files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_owned()];
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(path).expect("source folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// Every line of `roots`' files containing one of `needles`, as
/// `file:line: text`.
fn offending(roots: &[&str], needles: &[&str]) -> Vec<String> {
    let base = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    for root in roots {
        for file in rust_files(&base.join(root)) {
            let text = std::fs::read_to_string(&file).expect("source readable");
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                if needles.iter().any(|needle| code.contains(needle)) {
                    found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
                }
            }
        }
    }
    found
}

#[test]
fn the_engine_never_imports_a_face_or_the_demo() {
    let found = offending(
        ENGINE,
        &["crate::tui", "crate::cli", "crate::demo", "authdash::tui"],
    );
    assert!(
        found.is_empty(),
        "the engine imports a face:\n{}",
        found.join("\n")
    );
}

#[test]
fn identity_is_pure_data() {
    let found = offending(
        &["src/identity"],
        &[
            "tokio",
            "reqwest",
            "std::fs",
            "std::net",
            "std::env",
            "crate::auth",
            "crate::store",
        ],
    );
    assert!(found.is_empty(), "identity does I/O:\n{}", found.join("\n"));
}

/// Panels say what a panel needs and how its data is drawn; fetching it
/// (an API with a token, a program with a token in its environment) is the
/// session service's, which holds the tokens.
#[test]
fn panels_do_no_io() {
    let found = offending(
        &["src/panels"],
        &[
            "tokio",
            "reqwest",
            "std::fs",
            "std::net",
            "std::process",
            "std::env",
            "crate::session",
            "crate::store",
        ],
    );
    assert!(found.is_empty(), "panels do I/O:\n{}", found.join("\n"));
}

#[test]
fn faces_reach_tokens_only_through_the_session_service() {
    let found = offending(
        FACES,
        &[
            "BrowserLogin::",
            "DeviceLogin::",
            "BrowserSignOut::",
            "exchange_refresh_token",
            "verify_refresh",
            ".refresh(",
            ".revoke(",
            "log_out_everywhere(",
            "panels::fetch",
            "accounts_locked",
            "store.lock(",
            "store.save(",
            "store.write(",
            "store.remove(",
            "store.update(",
        ],
    );
    assert!(
        found.is_empty(),
        "a face assembles auth and store itself; go through session::SessionService:\n{}",
        found.join("\n")
    );
}

/// Accounts and choices are the session service's to hand out too, and
/// doctor's look at the store's files goes through its inspector: the
/// faces name no store type.
#[test]
fn faces_do_not_open_the_store() {
    let found = offending(FACES, &["crate::store"]);
    assert!(
        found.is_empty(),
        "a face reaches the store; go through session::SessionService:\n{}",
        found.join("\n")
    );
}

/// The TUI prints nothing: a line on stdout or stderr would land on its
/// screen. It logs; what a person must read after it (a panic's note) the
/// binary says once the terminal is back.
#[test]
fn the_tui_prints_nothing() {
    let found = offending(&["src/tui"], &["println!", "print!(", "dbg!("]);
    assert!(
        found.is_empty(),
        "the TUI prints; log with tracing:\n{}",
        found.join("\n")
    );
}

/// The top-level modules each of `module`'s files names (`crate::x`),
/// comments left out.
fn imports(module: &str) -> std::collections::BTreeSet<String> {
    let base = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = std::collections::BTreeSet::new();
    let dir = base.join("src").join(module);
    let root = if dir.is_dir() {
        dir
    } else {
        base.join("src").join(format!("{module}.rs"))
    };
    if !root.exists() {
        return found;
    }
    for file in rust_files(&root) {
        let text = std::fs::read_to_string(&file).expect("source readable");
        for line in text.lines() {
            let code = line.split("//").next().unwrap_or("");
            let mut rest = code;
            while let Some(at) = rest.find("crate::") {
                let name: String = rest[at + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != module {
                    found.insert(name);
                }
                rest = &rest[at + 7..];
            }
        }
    }
    found
}

/// Dependencies point one way: no two top-level modules import each
/// other, and `http`, which every part speaks through, imports none of
/// them but `identity`'s pure helpers.
#[test]
fn no_two_modules_import_each_other() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules: Vec<String> = std::fs::read_dir(&base)
        .expect("src")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    let mut loops = Vec::new();
    for a in &modules {
        for b in imports(a) {
            if a < &b && imports(&b).contains(a) {
                loops.push(format!("{a} <-> {b}"));
            }
        }
    }
    assert!(loops.is_empty(), "modules importing each other: {loops:?}");
    let http: Vec<String> = imports("http")
        .into_iter()
        .filter(|m| m != "identity")
        .collect();
    assert!(http.is_empty(), "http imports {http:?}");
}

/// What a test would call to change what the whole process has once (its
/// working directory, umask, environment, signal dispositions, panic hook,
/// tracing's global subscriber), each cut in two so that this file does
/// not name them whole.
fn process_wide() -> Vec<String> {
    [
        ["set_current", "_dir"],
        ["libc::u", "mask"],
        ["env::set", "_var"],
        ["env::remove", "_var"],
        ["signal::unix::", "signal("],
        ["libc::sig", "action"],
        ["libc::sig", "nal("],
        ["set_global", "_default"],
        ["tracing_sub", "scriber"],
        ["panic::set", "_hook"],
        ["panic::take", "_hook"],
    ]
    .iter()
    .map(|[a, b]| format!("{a}{b}"))
    .collect()
}

/// The behaviour tests share one process (README, Development): none of
/// them, nor their support code, changes what a process has once; a child
/// process gets its own environment and signals instead.
#[test]
fn the_tests_sharing_a_process_change_nothing_it_has_once() {
    let needles = process_wide();
    let needles: Vec<&str> = needles.iter().map(String::as_str).collect();
    let found = offending(&["tests/behaviour", "tests/support"], &needles);
    assert!(
        found.is_empty(),
        "a test changes what every test in the process shares:\n{}",
        found.join("\n")
    );
}

/// The checks above can fail: they find what they look for.
#[test]
fn the_checks_see_what_they_look_for() {
    assert!(!offending(&["src/session"], &["exchange_refresh_token"]).is_empty());
    assert!(!offending(&["src/tui"], &["crate::session"]).is_empty());
    assert!(!offending(&["src"], &["eprintln!"]).is_empty());
    assert!(!offending(&["src/session"], &["tokio::process"]).is_empty());
    let needles = process_wide();
    let needles: Vec<&str> = needles.iter().map(String::as_str).collect();
    assert!(!offending(&["src"], &needles).is_empty());
    assert!(imports("auth").contains("config"));
    assert!(imports("tui").contains("session"));
}
