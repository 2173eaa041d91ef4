//! The list of trusted configs in the data folder: what was read and
//! agreed to for each file, kept private (0600, its folder 0700), written
//! atomically, and refused rather than believed when anyone else could
//! have written it.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{MAX_FILE_BYTES, TRUST_FILE_NAME, TrustError};

/// Version 1 recorded a file's path and hash; version 2 adds its
/// `ca_file`s, whether it may run programs and which (a version 2 record
/// without `programs` covers none). A version 1 record is read
/// as one that recorded neither (see [`Entry::ca_files`]).
const LIST_VERSION: u32 = 2;
const OLDEST_VERSION: u32 = 1;

#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct List {
    version: u32,
    pub(crate) trusted: Vec<Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Entry {
    /// The canonical path.
    pub(crate) path: String,
    /// Hex SHA-256 of the content.
    pub(crate) sha256: String,
    /// Each `ca_file` the config names, as the loader resolves it, with
    /// the hash of its content. `None`: recorded by an authdash that did
    /// not look (version 1), which covers no `ca_file`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) ca_files: Option<Vec<RecordedCa>>,
    /// Trusted with `--allow-commands`: its command panels may run.
    #[serde(default)]
    pub(crate) allow_commands: bool,
    /// Each command panel's program as the summary showed it, its links
    /// followed. `None`: recorded by an authdash that did not look, which
    /// covers no program.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) programs: Option<Vec<RecordedProgram>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct RecordedProgram {
    /// `argv[0]`, as written.
    pub(crate) path: String,
    /// Where its links led; `None`: it was not there.
    pub(crate) resolved: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct RecordedCa {
    pub(crate) path: String,
    pub(crate) sha256: String,
}

pub(super) fn list_path(data_dir: &Path) -> PathBuf {
    data_dir.join(TRUST_FILE_NAME)
}

/// The whole content, or `None` when it exceeds [`MAX_FILE_BYTES`].
pub(super) fn read_capped(file: std::fs::File) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= MAX_FILE_BYTES).then_some(bytes))
}

/// The list, empty when there is none. A symlink in its place, a file
/// others own or can write, is refused rather than believed.
pub(super) fn read(data_dir: &Path) -> Result<List, TrustError> {
    let path = list_path(data_dir);
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NOFOLLOW);
    let file = match options.open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(List::default()),
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
            return Err(TrustError::Unsafe {
                path,
                problem: "is a symbolic link".into(),
            });
        }
        Err(source) => {
            return Err(TrustError::Io {
                action: "read",
                path,
                source,
            });
        }
    };
    check_owner(&path, &file)?;
    let io = |source| TrustError::Io {
        action: "read",
        path: path.clone(),
        source,
    };
    let bytes = read_capped(file)
        .map_err(io)?
        .ok_or_else(|| TrustError::Damaged {
            path: path.clone(),
            message: "too large".into(),
        })?;
    let mut list: List = serde_json::from_slice(&bytes).map_err(|e| TrustError::Damaged {
        path: path.clone(),
        message: e.to_string(),
    })?;
    if !(OLDEST_VERSION..=LIST_VERSION).contains(&list.version) {
        return Err(TrustError::Damaged {
            path,
            message: format!("version {} is not one this authdash knows", list.version),
        });
    }
    if list.version == OLDEST_VERSION {
        // Whatever a version 1 list says, it recorded neither.
        for entry in &mut list.trusted {
            entry.ca_files = None;
            entry.allow_commands = false;
            entry.programs = None;
        }
    }
    Ok(list)
}

/// Write `list` (as the current version) in `data_dir`, created 0700 if
/// needed.
pub(super) fn write(data_dir: &Path, mut list: List) -> Result<(), TrustError> {
    list.version = LIST_VERSION;
    let json = serde_json::to_vec_pretty(&list).map_err(|e| TrustError::Damaged {
        path: list_path(data_dir),
        message: e.to_string(),
    })?;
    private_dir(data_dir)?;
    write_atomically(&list_path(data_dir), &json)
}

#[cfg(unix)]
fn check_owner(path: &Path, file: &std::fs::File) -> Result<(), TrustError> {
    use std::os::unix::fs::MetadataExt as _;
    let meta = file.metadata().map_err(|source| TrustError::Io {
        action: "inspect",
        path: path.to_owned(),
        source,
    })?;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    let problem = if !meta.is_file() {
        Some("is not a regular file".to_owned())
    } else if meta.uid() != me {
        Some(format!("belongs to user {}, not to you", meta.uid()))
    } else if meta.mode() & 0o022 != 0 {
        Some(format!(
            "can be written by others (mode {:o})",
            meta.mode() & 0o777
        ))
    } else {
        None
    };
    match problem {
        Some(problem) => Err(TrustError::Unsafe {
            path: path.to_owned(),
            problem,
        }),
        None => Ok(()),
    }
}

#[cfg(not(unix))]
fn check_owner(_: &Path, _: &std::fs::File) -> Result<(), TrustError> {
    Ok(())
}

fn private_dir(dir: &Path) -> Result<(), TrustError> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|source| TrustError::Io {
        action: "create the folder of",
        path: dir.to_owned(),
        source,
    })
}

/// A new file with a random name beside `path` (created exclusively,
/// 0600), flushed, then renamed over `path`: a reader sees the old list or
/// the new one. Two `authdash trust` at once may lose one record; that
/// only asks again.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), TrustError> {
    use rand::Rng as _;
    let dir = path.parent().unwrap_or(Path::new("."));
    let suffix: u64 = rand::thread_rng().r#gen();
    let tmp = dir.join(format!(".{TRUST_FILE_NAME}.{suffix:016x}.tmp"));
    let io = |action: &'static str, p: &Path| {
        let p = p.to_owned();
        move |source| TrustError::Io {
            action,
            path: p,
            source,
        }
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    let result = (|| {
        let mut file = options.open(&tmp).map_err(io("create", &tmp))?;
        file.write_all(bytes).map_err(io("write", &tmp))?;
        file.sync_all().map_err(io("flush", &tmp))?;
        std::fs::rename(&tmp, path).map_err(io("replace", path))?;
        if let Ok(d) = std::fs::File::open(dir) {
            // The rename must survive a crash too; failing here loses nothing.
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
