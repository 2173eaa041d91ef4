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

/// Within each folder of `src`, its files and subfolders (each taken
/// whole) use each other one way: no ring of `use super::` / `crate::`
/// paths between siblings. A folder's `mod.rs` belongs to the folder, and
/// test modules are left out.
#[test]
fn no_files_of_a_module_import_each_other() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut edges: std::collections::BTreeSet<(Vec<String>, String, String)> = Default::default();
    for file in rust_files(&src) {
        let relative = file.strip_prefix(&src).expect("under src");
        let mut module: Vec<String> = relative
            .with_extension("")
            .iter()
            .map(|s| s.to_string_lossy().into_owned())
            .collect();
        if module.iter().any(|s| s == "tests") || module == ["lib"] || module == ["main"] {
            continue;
        }
        let is_mod_rs = module.last().is_some_and(|s| s == "mod");
        if is_mod_rs {
            module.pop();
        }
        let text = std::fs::read_to_string(&file).expect("source readable");
        let text = text.split("#[cfg(test)]\nmod tests {").next().unwrap_or("");
        let code: String = text
            .lines()
            .map(|l| l.split("//").next().unwrap_or(""))
            .collect::<Vec<_>>()
            .join("\n");
        for path in named_paths(&module, is_mod_rs, &code) {
            // The folder both sit in, and the sibling each is under.
            let common = module.iter().zip(&path).take_while(|(a, b)| a == b).count();
            let (Some(from), Some(to)) = (module.get(common), path.get(common)) else {
                continue;
            };
            let folder = src.join(module[..common].join("/"));
            let sibling = folder.join(to).is_dir() || folder.join(format!("{to}.rs")).is_file();
            if sibling {
                edges.insert((module[..common].to_vec(), from.clone(), to.clone()));
            }
        }
    }
    let mut rings = Vec::new();
    let folders: std::collections::BTreeSet<&Vec<String>> = edges.iter().map(|e| &e.0).collect();
    for folder in folders {
        let next = |n: &str| -> Vec<String> {
            edges
                .iter()
                .filter(|e| &e.0 == folder && e.1 == n)
                .map(|e| e.2.clone())
                .collect()
        };
        // Each sibling that can reach itself again, with the ones it
        // reaches that way.
        let nodes: std::collections::BTreeSet<String> = edges
            .iter()
            .filter(|e| &e.0 == folder)
            .map(|e| e.1.clone())
            .collect();
        let reach = |start: &str| -> std::collections::BTreeSet<String> {
            let mut seen = std::collections::BTreeSet::new();
            let mut todo = next(start);
            while let Some(n) = todo.pop() {
                if seen.insert(n.clone()) {
                    todo.extend(next(&n));
                }
            }
            seen
        };
        let mut in_ring: std::collections::BTreeSet<String> = Default::default();
        for n in &nodes {
            if reach(n).contains(n) {
                in_ring.insert(n.clone());
            }
        }
        if !in_ring.is_empty() {
            let names: Vec<String> = in_ring.into_iter().collect();
            rings.push(format!("src/{}: {}", folder.join("/"), names.join(" ")));
        }
    }
    assert_eq!(
        rings, KNOWN_RINGS,
        "files of one module import each other; move what they share where both can use it"
    );
}

/// The one ring left, known: the action table's rules ask how the help
/// and a table are laid out on screen (whether ↓ still scrolls, whether a
/// table scrolls sideways), and the view draws the hints and greyed lines
/// those rules decide. The help's end depends on its own lines, greyed by
/// the rules: cutting the ring needs the measures kept in the model by
/// `update`, not asked of `view`.
const KNOWN_RINGS: &[&str] = &["src/tui: commands open_table palette view"];

/// Each path named by `crate::…`, `super::…` or `self::…` in `code`, a
/// file's code at `module`, made absolute; a `{…}` group gives one path
/// per item, as far as the item's first segment.
fn named_paths(module: &[String], is_mod_rs: bool, code: &str) -> Vec<Vec<String>> {
    fn ident(s: &str) -> &str {
        let end = s
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(s.len());
        &s[..end]
    }
    let mut paths = Vec::new();
    for start in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(at) = code[from..].find(start).map(|i| i + from) {
            from = at + start.len();
            let before = code[..at].chars().next_back();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let mut path: Vec<String> = match start {
                "crate::" => Vec::new(),
                _ => module.to_vec(),
            };
            // A file's `super` is its folder; a `mod.rs`'s is the folder's
            // parent. `self` is the module itself.
            if start == "super::" && (is_mod_rs || !path.is_empty()) {
                path.pop();
            }
            let mut rest = &code[from..];
            while let Some(more) = rest.strip_prefix("super::") {
                path.pop();
                rest = more;
            }
            loop {
                let name = ident(rest);
                if name.is_empty() {
                    break;
                }
                path.push(name.to_owned());
                rest = &rest[name.len()..];
                match rest.strip_prefix("::") {
                    Some(more) => rest = more,
                    None => break,
                }
            }
            if let Some(group) = rest.strip_prefix('{') {
                let mut depth = 0;
                let mut item_start = true;
                for (i, c) in group.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => item_start = true,
                        c if c.is_whitespace() => {}
                        _ if item_start && depth == 0 => {
                            item_start = false;
                            let name = ident(&group[i..]);
                            if !name.is_empty() && name != "self" {
                                let mut item = path.clone();
                                item.push(name.to_owned());
                                paths.push(item);
                            }
                        }
                        _ => {}
                    }
                }
            }
            paths.push(path);
        }
    }
    paths
}
