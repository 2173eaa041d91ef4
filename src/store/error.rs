use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path} is readable by others (mode {mode:o}); it holds tokens, so authdash refuses it. \
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
}
