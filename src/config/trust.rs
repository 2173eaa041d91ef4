//! Trusting a config found by itself in the current folder (direnv's
//! model).
//!
//! A `.streamlit/secrets.toml` arrives with whatever folder was cloned or
//! unpacked: read silently, it could send logins to any issuer, or name an
//! environment variable (`client_secret_env`) whose secret then travels
//! there. So such a file is read only once the person has run
//! `authdash trust PATH`, which records its canonical path and the SHA-256
//! of its content in the data folder; any later change asks again. A file
//! named with `--config`/`$AUTHDASH_CONFIG`, or authdash's own file in the
//! config folder, is chosen by the person and needs no record.
//!
//! The check reads the file once and hands back the very bytes it hashed,
//! so what is parsed is what was trusted. Nothing here reads the
//! environment, and before trust nothing is parsed beyond the issuers the
//! message shows.

use std::fmt;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use toml::{Table, Value};

use super::{Config, ConfigError};
use crate::identity::visible;

/// The file in the data folder that lists trusted configs.
pub const TRUST_FILE_NAME: &str = "trusted-configs.json";

/// Larger than any config, and than the list of trusted files: a bound on
/// what is read into memory.
const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// How authdash came to a config file, which decides whether it needs trust.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigOrigin {
    /// `--config PATH` or `$AUTHDASH_CONFIG`: named by the person.
    Given,
    /// `authdash.toml` in authdash's config folder.
    ConfigDir,
    /// Found by itself in the current folder (`.streamlit/secrets.toml`).
    CurrentFolder,
}

impl ConfigOrigin {
    pub fn needs_trust(self) -> bool {
        self == Self::CurrentFolder
    }
}

/// A config found in the current folder that has not been trusted (or
/// changed since). Its `Display` is the whole message for the terminal:
/// the file, the issuers it names and the command that trusts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Untrusted {
    /// The canonical path (what `authdash trust` records).
    pub path: PathBuf,
    /// `server_metadata_url` of each provider, read without any other
    /// parsing and without the environment.
    pub issuers: Vec<String>,
    /// Each panel's `data_url`: where the access token would be sent
    /// besides the issuers, read the same way.
    pub panel_urls: Vec<String>,
    /// Trusted once, with other content.
    pub changed: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum TrustError {
    #[error("{0}")]
    Untrusted(Box<Untrusted>),
    #[error("cannot read the config {}: {source}", shown(path))]
    ReadConfig {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the config {} is larger than {MAX_FILE_BYTES} bytes; it is not a config",
        shown(path)
    )]
    TooLarge { path: PathBuf },
    #[error(
        "the path {} is not UTF-8; move the config to a path that is, or name it with --config",
        shown(path)
    )]
    PathNotUtf8 { path: PathBuf },
    #[error(
        "cannot {action} the list of trusted configs {}: {source}",
        shown(path)
    )]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    /// Anyone else able to write it could trust a file for the person.
    #[error(
        "the list of trusted configs {} {problem}; remove it (authdash then asks to trust \
         again) or fix its owner and mode (0600)",
        shown(path)
    )]
    Unsafe { path: PathBuf, problem: String },
    #[error(
        "the list of trusted configs {} is damaged ({message}); remove it, then trust your \
         configs again",
        shown(path)
    )]
    Damaged { path: PathBuf, message: String },
}

/// A config refused or loaded: either trust said no, or the file did.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Trust(#[from] TrustError),
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// A config file that was just trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trusted {
    pub path: PathBuf,
    /// Hex SHA-256 of the content.
    pub sha256: String,
    pub issuers: Vec<String>,
}

/// Load the config at `path`; one from the current folder only when the
/// list in `data_dir` trusts its exact content. An untrusted file is not
/// parsed and `env` is never called for it.
pub fn load(
    origin: ConfigOrigin,
    path: &Path,
    data_dir: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Config, LoadError> {
    if !origin.needs_trust() {
        return Ok(Config::load(path, env)?);
    }
    let text = check(data_dir, path)?;
    Ok(Config::parse(path, &text, env)?)
}

/// The content of `path` when the list in `data_dir` trusts it, else
/// [`TrustError::Untrusted`]. Reads only; creates nothing.
pub fn check(data_dir: &Path, path: &Path) -> Result<String, TrustError> {
    let file = read_config(path)?;
    let list = read_list(data_dir)?;
    let mut changed = false;
    for entry in list.trusted.iter().filter(|e| e.path == file.key) {
        if entry.sha256 == file.sha256 {
            return Ok(file.text);
        }
        changed = true;
    }
    Err(TrustError::Untrusted(Box::new(Untrusted {
        issuers: issuers(&file.text),
        panel_urls: panel_urls(&file.text),
        path: file.canonical,
        changed,
    })))
}

/// Record `path`'s canonical path and content hash in `data_dir` (created
/// 0700 if needed; the list is written 0600 and atomically), replacing
/// what was recorded for that path.
pub fn trust(data_dir: &Path, path: &Path) -> Result<Trusted, TrustError> {
    let file = read_config(path)?;
    let mut list = read_list(data_dir)?;
    list.trusted.retain(|e| e.path != file.key);
    list.trusted.push(Entry {
        path: file.key.clone(),
        sha256: file.sha256.clone(),
    });
    list.version = LIST_VERSION;
    let json = serde_json::to_vec_pretty(&list).map_err(|e| TrustError::Damaged {
        path: list_path(data_dir),
        message: e.to_string(),
    })?;
    private_dir(data_dir)?;
    write_atomically(&list_path(data_dir), &json)?;
    Ok(Trusted {
        issuers: issuers(&file.text),
        path: file.canonical,
        sha256: file.sha256,
    })
}

/// `server_metadata_url` of `[auth]` and of each `[auth.NAME]`, in the
/// file's key order as far as TOML keeps it; empty when the file does not
/// parse. Reads no environment variable.
pub fn issuers(text: &str) -> Vec<String> {
    let Ok(root) = toml::from_str::<Table>(text) else {
        return Vec::new();
    };
    let Some(Value::Table(auth)) = root.get("auth") else {
        return Vec::new();
    };
    let url = |t: &Table| match t.get("server_metadata_url") {
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    };
    let mut out: Vec<String> = url(auth).into_iter().collect();
    for (name, value) in auth {
        if let Value::Table(t) = value
            && name != "client_kwargs"
            && name != "claims"
            && let Some(u) = url(t)
        {
            out.push(u);
        }
    }
    out
}

/// `data_url` of each `[[authdash.panels]]`, as written; empty when the
/// file does not parse. Reads no environment variable.
pub fn panel_urls(text: &str) -> Vec<String> {
    let Ok(root) = toml::from_str::<Table>(text) else {
        return Vec::new();
    };
    let Some(Value::Table(authdash)) = root.get("authdash") else {
        return Vec::new();
    };
    let Some(Value::Array(panels)) = authdash.get("panels") else {
        return Vec::new();
    };
    panels
        .iter()
        .filter_map(|p| match p {
            Value::Table(t) => match t.get("data_url") {
                Some(Value::String(s)) => Some(s.clone()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

impl fmt::Display for Untrusted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = shown(&self.path);
        if self.changed {
            writeln!(
                f,
                "the config {path} changed since you trusted it; authdash will not read it until \
                 you trust it again."
            )?;
        } else {
            writeln!(
                f,
                "the config {path} was found in the current folder and is not trusted yet; \
                 authdash will not read it until you trust it."
            )?;
        }
        match self.issuers.as_slice() {
            [] => writeln!(f, "  It names no issuer authdash can read.")?,
            issuers => {
                writeln!(f, "  It would log you in at:")?;
                for issuer in issuers {
                    writeln!(f, "    {}", visible(issuer))?;
                }
            }
        }
        if !self.panel_urls.is_empty() {
            writeln!(f, "  Its panels would send your access token to:")?;
            for url in &self.panel_urls {
                writeln!(f, "    {}", visible(url))?;
            }
        }
        writeln!(
            f,
            "  A folder you cloned or downloaded can hold such a file: trusted, it decides where \
             your logins go and which environment variables' secrets are sent there."
        )?;
        writeln!(f, "Read the file; if you trust it, run:")?;
        writeln!(f, "  {}", trust_command(&self.path))?;
        write!(
            f,
            "Or name a config yourself with --config PATH or $AUTHDASH_CONFIG."
        )
    }
}

impl fmt::Display for Trusted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Trusted {} (sha256 {}).", shown(&self.path), self.sha256)?;
        for issuer in &self.issuers {
            writeln!(f, "  It logs you in at {}", visible(issuer))?;
        }
        write!(f, "authdash asks again if the file changes.")
    }
}

/// The exact command that trusts `path`, quoted for a POSIX shell.
pub fn trust_command(path: &Path) -> String {
    let raw = path.to_string_lossy();
    format!("authdash trust {}", visible(&shell_words::quote(&raw)))
}

fn shown(path: &Path) -> String {
    visible(&path.to_string_lossy()).into_owned()
}

const LIST_VERSION: u32 = 1;

#[derive(Debug, Default, Serialize, Deserialize)]
struct List {
    version: u32,
    trusted: Vec<Entry>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    path: String,
    sha256: String,
}

struct ConfigFile {
    canonical: PathBuf,
    /// The canonical path as the list writes it.
    key: String,
    sha256: String,
    text: String,
}

fn read_config(path: &Path) -> Result<ConfigFile, TrustError> {
    let read_err = |source| TrustError::ReadConfig {
        path: path.to_owned(),
        source,
    };
    let canonical = std::fs::canonicalize(path).map_err(read_err)?;
    // Non-blocking, then a regular file only: a FIFO (or a device) in its
    // place would otherwise hold authdash waiting for a writer for ever.
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = options.open(&canonical).map_err(read_err)?;
    if !file.metadata().map_err(read_err)?.is_file() {
        return Err(read_err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        )));
    }
    let bytes = read_capped(file)
        .map_err(read_err)?
        .ok_or_else(|| TrustError::TooLarge {
            path: path.to_owned(),
        })?;
    let key = canonical
        .to_str()
        .ok_or_else(|| TrustError::PathNotUtf8 {
            path: canonical.clone(),
        })?
        .to_owned();
    let sha256 = hex(&Sha256::digest(&bytes));
    let text = String::from_utf8(bytes).map_err(|_| {
        read_err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "not UTF-8 text",
        ))
    })?;
    Ok(ConfigFile {
        canonical,
        key,
        sha256,
        text,
    })
}

/// The whole content, or `None` when it exceeds [`MAX_FILE_BYTES`].
fn read_capped(file: std::fs::File) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= MAX_FILE_BYTES).then_some(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn list_path(data_dir: &Path) -> PathBuf {
    data_dir.join(TRUST_FILE_NAME)
}

/// The list, empty when there is none. A symlink in its place, a file
/// others own or can write, is refused rather than believed.
fn read_list(data_dir: &Path) -> Result<List, TrustError> {
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
    let list: List = serde_json::from_slice(&bytes).map_err(|e| TrustError::Damaged {
        path: path.clone(),
        message: e.to_string(),
    })?;
    if list.version != LIST_VERSION {
        return Err(TrustError::Damaged {
            path,
            message: format!("version {} is not one this authdash knows", list.version),
        });
    }
    Ok(list)
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

#[cfg(test)]
mod tests;
