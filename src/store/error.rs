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
    #[error("{path} is not a valid token store ({reason}); move it away and log in again")]
    Corrupt { path: PathBuf, reason: String },
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
        "another authdash has held {path} for {} s; try again, or end the other authdash",
        waited.as_secs()
    )]
    LockTimeout { path: PathBuf, waited: Duration },
    #[error("no stored account {0}")]
    NoSuchAccount(String),
}
