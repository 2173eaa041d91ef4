use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path} is open to other users (mode {mode:o}); it guards tokens, so authdash refuses it. \
         Fix: chmod {wanted:o} {path}"
    )]
    Permissions {
        path: PathBuf,
        mode: u32,
        wanted: u32,
    },
    #[error(
        "{path} belongs to user id {owner}, not to you (user id {you}); authdash only uses store \
         files of your own. Fix: if you trust it, `chown {you} {path}`; otherwise move it away"
    )]
    Owner { path: PathBuf, owner: u32, you: u32 },
    #[error(
        "{path} is a symbolic link; authdash never follows links in its store (one could point \
         it at a file of someone else's choosing). Fix: remove the link (`rm {path}`), and move \
         the real file there if it is yours"
    )]
    Symlink { path: PathBuf },
    #[error("{path} is not {wanted}; move it away so authdash can make its own")]
    NotRegular { path: PathBuf, wanted: &'static str },
    #[error("{path} is not a valid token store ({reason}); move it away and log in again")]
    Corrupt { path: PathBuf, reason: String },
    /// The store is intact but the key in use is not the one it was
    /// written with: never a reason to set it aside or overwrite it.
    #[error(
        "{path} cannot be opened with {in_use}: {problem}. It was written with {written_with}; \
         nothing was changed. Fix: {fix}"
    )]
    KeyMismatch {
        path: PathBuf,
        in_use: String,
        written_with: String,
        problem: String,
        fix: String,
    },
    /// A plaintext store where an encrypted one (or its key) already
    /// exists: a downgrade, not a migration.
    #[error(
        "{path} holds sessions in the clear (format 1) although {key} exists; authdash migrates \
         such a file only once, into a folder without a key. Nothing was changed. Fix: if you put \
         it there, move {key} away and run again; otherwise remove {path} and log in again"
    )]
    LegacyRefused { path: PathBuf, key: String },
    #[error(
        "{path} has format {found}, newer than this authdash understands ({supported}); upgrade authdash"
    )]
    UnsupportedFormat {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("the store key: {0}")]
    Key(String),
    #[error(
        "waited {} s for {path}, held {}; try again, or end that process",
        waited.as_secs(),
        holder.as_deref().unwrap_or("by another authdash (which process is not recorded)")
    )]
    LockTimeout {
        path: PathBuf,
        waited: Duration,
        /// Who holds it, as the holder recorded it: "by process PID (…)".
        holder: Option<String>,
    },
    #[error("no stored account {0}")]
    NoSuchAccount(String),
}
