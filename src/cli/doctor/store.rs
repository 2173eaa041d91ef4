//! The token store: folder and file permissions, the key in use, and
//! whether the sessions open with it. Nothing is created or changed.

use std::path::Path;

use super::Check;
use crate::session::{StoreContents, StoreInspector, StoreKey};

const STORE: &str = "store";
/// Shorter than this, a `store_secret` is worth a warning.
const SHORT_SECRET: usize = 16;

pub(super) fn check(store: Option<&StoreInspector>, data_dir: &Path, out: &mut Vec<Check>) {
    let dir = store.map_or(data_dir, StoreInspector::dir);
    let Some(dir_ok) = folder(dir, out) else {
        // Nothing stored yet: only the key can be said.
        if let Some(store) = store {
            key_source(&store.key(), out);
        }
        return;
    };
    let Some(store) = store else {
        return;
    };
    let key = store.key();
    let mut files_ok = dir_ok;
    files_ok &= file(&store.sessions_file(), "sessions file", true, out);
    if let StoreKey::KeyFile(path) = &key {
        files_ok &= file(path, "key file", false, out);
    }
    files_ok &= file(&store.lock_file(), "lock file", false, out);
    files_ok &= file(&dir.join("preferences.json"), "preferences", false, out);
    key_source(&key, out);
    if files_ok {
        sessions(store, out);
    }
}

/// The folder: absent (`None`: fine, nothing to look at inside), or
/// private. `Some(false)` when it is not usable.
fn folder(dir: &Path, out: &mut Vec<Check>) -> Option<bool> {
    let name = "data folder";
    let meta = match std::fs::symlink_metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            out.push(Check::ok(
                STORE,
                name,
                format!(
                    "{} does not exist yet; authdash creates it (0700) at the first login",
                    dir.display()
                ),
            ));
            return None;
        }
        Err(e) => {
            out.push(Check::fail(
                STORE,
                name,
                format!("cannot inspect {}: {e}", dir.display()),
                "make the folder yours and reachable, or remove it to let authdash create it",
            ));
            return Some(false);
        }
    };
    if let Some(problem) = link_or_stranger(dir, &meta) {
        out.push(problem(name));
        return Some(false);
    }
    if !meta.is_dir() {
        out.push(Check::fail(
            STORE,
            name,
            format!("{} is not a folder", dir.display()),
            format!(
                "move {} away; authdash keeps its sessions there",
                dir.display()
            ),
        ));
        return Some(false);
    }
    match mode(&meta) {
        Some(m) if m & 0o077 != 0 => {
            out.push(Check::fail(
                STORE,
                name,
                format!(
                    "{} is {m:04o}: others can open it, and authdash refuses to use it",
                    dir.display()
                ),
                format!("chmod 700 {}", shell_path(dir)),
            ));
            Some(false)
        }
        Some(m) => {
            out.push(Check::ok(
                STORE,
                name,
                format!("{} ({m:04o})", dir.display()),
            ));
            Some(true)
        }
        None => {
            out.push(Check::ok(STORE, name, dir.display().to_string()));
            Some(true)
        }
    }
}

/// A file of the store: absent or 0600-like. `false` when too open. An
/// absent file gets a line only when `always`.
fn file(path: &Path, name: &str, always: bool, out: &mut Vec<Check>) -> bool {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if always {
                out.push(Check::ok(
                    STORE,
                    name,
                    format!(
                        "{} not there yet: nobody has logged in here",
                        path.display()
                    ),
                ));
            }
            return true;
        }
        Err(e) => {
            out.push(Check::fail(
                STORE,
                name,
                format!("cannot inspect {}: {e}", path.display()),
                "make the file yours and readable by you",
            ));
            return false;
        }
    };
    if let Some(problem) = link_or_stranger(path, &meta) {
        out.push(problem(name));
        return false;
    }
    match mode(&meta) {
        Some(m) if m & 0o077 != 0 => {
            out.push(Check::fail(
                STORE,
                name,
                format!(
                    "{} is {m:04o}: others have access to it; authdash wants 0600",
                    path.display()
                ),
                format!("chmod 600 {}", shell_path(path)),
            ));
            false
        }
        Some(m) => {
            out.push(Check::ok(
                STORE,
                name,
                format!("{} ({m:04o})", path.display()),
            ));
            true
        }
        None => {
            out.push(Check::ok(STORE, name, path.display().to_string()));
            true
        }
    }
}

fn key_source(key: &StoreKey, out: &mut Vec<Check>) {
    let name = "key";
    match key {
        StoreKey::Secret { chars: len } => {
            let len = *len;
            if len < SHORT_SECRET {
                out.push(Check::warn(
                    STORE,
                    name,
                    format!(
                        "store_secret from the config, only {len} characters: anyone with the \
                         sessions file could guess it"
                    ),
                    "set `store_secret` (or `cookie_secret`) to a long random value, e.g. the \
                     output of `openssl rand -base64 32` (stored sessions then need a new login)",
                ));
            } else {
                out.push(Check::ok(
                    STORE,
                    name,
                    "store_secret from the config (the sessions are encrypted with it)",
                ));
            }
        }
        StoreKey::KeyFile(path) => {
            let detail = match std::fs::metadata(path) {
                Ok(m) if m.len() != 32 => {
                    out.push(Check::fail(
                        STORE,
                        name,
                        format!(
                            "key file {} holds {} bytes, not 32",
                            path.display(),
                            m.len()
                        ),
                        format!(
                            "move {} away; authdash makes a new one (stored sessions are then \
                             lost)",
                            shell_path(path)
                        ),
                    ));
                    return;
                }
                Ok(_) => format!("key file {}", path.display()),
                Err(_) => format!(
                    "key file {} (made at the first login; no store_secret in the config)",
                    path.display()
                ),
            };
            out.push(Check::ok(STORE, name, detail));
        }
        StoreKey::Keyring {
            name: keyring,
            usable,
        } => match usable {
            Ok(()) => out.push(Check::ok(
                STORE,
                name,
                format!("a key in the OS keyring ({keyring})"),
            )),
            Err(e) => out.push(Check::fail(
                STORE,
                name,
                format!("the OS keyring ({keyring}) holds the key but cannot be used: {e}"),
                "unlock the keyring; or set store_secret in the config (stored sessions then \
                 need a new login)",
            )),
        },
    }
}

fn sessions(store: &StoreInspector, out: &mut Vec<Check>) {
    let name = "sessions";
    match store.contents() {
        Ok(StoreContents::Missing) => {}
        Ok(StoreContents::Readable(n)) => out.push(Check::ok(
            STORE,
            name,
            format!(
                "{n} account{} stored; the file opens with this key",
                if n == 1 { "" } else { "s" }
            ),
        )),
        Ok(StoreContents::Unreadable(why)) => out.push(Check::fail(
            STORE,
            name,
            format!(
                "{} does not open with the key in use ({why})",
                store.sessions_file().display()
            ),
            "restore the key it was written with (the message says which); authdash never moves \
             aside a store that is only locked with another key",
        )),
        Err(e) => out.push(Check::fail(
            STORE,
            name,
            e.to_string(),
            "see the message; `authdash logout --all` starts afresh",
        )),
    }
}

/// A link (never followed by the store) or a file of another user: the
/// store refuses both, so doctor says so with the fix.
fn link_or_stranger(path: &Path, meta: &std::fs::Metadata) -> Option<impl FnOnce(&str) -> Check> {
    let shown = shell_path(path);
    let (detail, fix) = if meta.file_type().is_symlink() {
        (
            format!(
                "{} is a symbolic link; authdash never follows links in its store",
                path.display()
            ),
            format!("rm {shown} (and move the real file there if it is yours)"),
        )
    } else {
        let (owner, you) = owner(meta)?;
        if owner == you {
            return None;
        }
        (
            format!(
                "{} belongs to user id {owner}, not to you ({you}); authdash refuses it",
                path.display()
            ),
            format!("chown {you} {shown} if you trust it; otherwise move it away"),
        )
    };
    Some(move |name: &str| Check::fail(STORE, name, detail, fix))
}

#[cfg(unix)]
fn owner(meta: &std::fs::Metadata) -> Option<(u32, u32)> {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions and cannot fail.
    Some((meta.uid(), unsafe { libc::geteuid() }))
}

#[cfg(not(unix))]
fn owner(_: &std::fs::Metadata) -> Option<(u32, u32)> {
    None
}

#[cfg(unix)]
fn mode(meta: &std::fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    Some(meta.permissions().mode() & 0o777)
}

#[cfg(not(unix))]
fn mode(_: &std::fs::Metadata) -> Option<u32> {
    None
}

/// A path to paste into a shell: quoted when it has anything unusual.
fn shell_path(path: &Path) -> String {
    let s = path.display().to_string();
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+~:@".contains(c))
    {
        s
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}
