use std::path::{Path, PathBuf};

use crate::identity::visible;

/// A path in a message, its control characters made visible.
fn shown_path(path: &Path) -> String {
    visible(&path.display().to_string()).into_owned()
}

/// Text of several lines (toml's excerpt of the file), each line made
/// visible and the line breaks kept.
fn visible_lines(text: &str) -> String {
    text.split('\n').map(visible).collect::<Vec<_>>().join("\n")
}

/// Why a config file could not become a [`Config`](super::Config).
///
/// Every message names the file; `Invalid` also names the key (as a dotted
/// path such as `auth.acme.server_metadata_url`, array elements as
/// `authdash.panels[0]`, counted from 0) and says how to fix it.
///
/// The messages quote the file (its keys, its values, toml's excerpt of a
/// line): every control character in them is shown as `\u{..}`, so that a
/// config full of escapes cannot clear the screen or fake a line when its
/// error is printed. The fields hold the text as it was.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "{}: no config file here\n  fix: create it (assets/examples/authdash.toml lists every key), or point --config / AUTHDASH_CONFIG at another file",
        shown_path(path)
    )]
    NotFound { path: PathBuf },
    #[error("{}: cannot read the config file: {}", shown_path(path), visible(&source.to_string()))]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// `message` is toml's, which carries the line and column and an
    /// excerpt of the line (kept on its own lines, each made visible).
    #[error("{}: not valid TOML: {}", shown_path(path), visible_lines(message))]
    Syntax { path: PathBuf, message: String },
    #[error(
        "{}: `{}`: {}\n  fix: {}",
        shown_path(path),
        visible(key),
        visible(problem),
        visible(fix)
    )]
    Invalid {
        path: PathBuf,
        key: String,
        problem: String,
        fix: String,
    },
}

impl ConfigError {
    /// The dotted key an `Invalid` error is about.
    pub fn key(&self) -> Option<&str> {
        match self {
            Self::Invalid { key, .. } => Some(key),
            _ => None,
        }
    }

    pub(crate) fn path(&self) -> &Path {
        match self {
            Self::NotFound { path }
            | Self::Read { path, .. }
            | Self::Syntax { path, .. }
            | Self::Invalid { path, .. } => path,
        }
    }
}

/// Something worth saying about a config that loads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigWarning {
    /// The file holds secrets and other users can read it.
    #[error(
        "{}: holds {} and is readable by {who} (mode {mode:04o}); whoever can read it can use them\n  fix: chmod 600 {}",
        shown_path(path),
        visible(&keys.join(", ")),
        shown_path(path)
    )]
    ReadableSecrets {
        path: PathBuf,
        mode: u32,
        /// "group", "others" or "group and others".
        who: &'static str,
        keys: Vec<String>,
    },
}

impl ConfigWarning {
    /// The warning for a file with `meta` holding `keys` inline, if any.
    pub(crate) fn for_file(path: &Path, meta: &std::fs::Metadata, keys: &[String]) -> Option<Self> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = meta.permissions().mode() & 0o777;
            let who = match (mode & 0o040 != 0, mode & 0o004 != 0) {
                (true, true) => "group and others",
                (true, false) => "group",
                (false, true) => "others",
                (false, false) => return None,
            };
            if keys.is_empty() {
                return None;
            }
            Some(Self::ReadableSecrets {
                path: path.to_owned(),
                mode,
                who,
                keys: keys.to_vec(),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = (path, meta, keys);
            None
        }
    }
}

/// An `Invalid` error before the file's path is attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    key: String,
    pub(crate) problem: String,
    pub(crate) fix: String,
}

impl Problem {
    pub(crate) fn new(key: &str, problem: impl Into<String>, fix: impl Into<String>) -> Self {
        Self {
            key: key.to_owned(),
            problem: problem.into(),
            fix: fix.into(),
        }
    }

    pub(crate) fn at(self, path: &Path) -> ConfigError {
        ConfigError::Invalid {
            path: path.to_owned(),
            key: self.key,
            problem: self.problem,
            fix: self.fix,
        }
    }
}

pub(crate) type Checked<T> = Result<T, Problem>;

/// "a string", "an integer"… for `expected X, found Y`.
pub(crate) fn type_name(value: &toml::Value) -> &'static str {
    match value {
        toml::Value::String(_) => "a string",
        toml::Value::Integer(_) => "an integer",
        toml::Value::Float(_) => "a float",
        toml::Value::Boolean(_) => "a boolean",
        toml::Value::Datetime(_) => "a date-time",
        toml::Value::Array(_) => "an array",
        toml::Value::Table(_) => "a table",
    }
}

/// The known key nearest to `unknown`, if one is near enough to be a typo.
pub(crate) fn nearest<'a>(unknown: &str, known: &[&'a str]) -> Option<&'a str> {
    let lower = unknown.to_ascii_lowercase();
    known
        .iter()
        .map(|k| (edit_distance(&lower, k), *k))
        .filter(|(d, k)| {
            *d <= 2.max(k.len() / 3)
                || (lower.len() >= 4 && (k.contains(lower.as_str()) || lower.contains(k)))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// The fix for an unknown key: the nearest known key, and the list.
pub(crate) fn unknown_key_fix(unknown: &str, known: &[&str]) -> String {
    let list = known
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    match nearest(unknown, known) {
        Some(k) => format!("did you mean `{k}`? (the keys here are {list})"),
        None => format!("remove it; the keys here are {list}"),
    }
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = Vec::with_capacity(b.len() + 1);
        cur.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let best = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            cur.push(best);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn suggestions() {
        let known = ["client_id", "server_metadata_url", "client_secret"];
        assert_eq!(
            nearest("server_metdata_url", &known),
            Some("server_metadata_url")
        );
        assert_eq!(nearest("metadata_url", &known), Some("server_metadata_url"));
        assert_eq!(nearest("clientid", &known), Some("client_id"));
        assert_eq!(nearest("Client_ID", &known), Some("client_id"));
        assert_eq!(nearest("zzz", &known), None);
    }
}
