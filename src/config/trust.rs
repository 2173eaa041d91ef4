//! Trusting a config found by itself in the current folder (direnv's
//! model).
//!
//! A `.streamlit/secrets.toml` arrives with whatever folder was cloned or
//! unpacked: read silently, it could send logins to any issuer, the
//! access token to any address, run any program with it, or name an
//! environment variable (`client_secret_env`) whose secret then travels.
//! So such a file is read only once the person has read what it would do
//! (its [`Summary`], built from a complete parse that reads no
//! environment) and run `authdash trust`, which records its canonical
//! path, the SHA-256 of its content and of each `ca_file` it names, and
//! whether it may run programs (`--allow-commands`); any later change asks
//! again. A file named with `--config`/`$AUTHDASH_CONFIG`, or authdash's
//! own file in the config folder, is chosen by the person and needs no
//! record.
//!
//! The check reads the file once and hands back the very bytes it hashed,
//! so what is parsed is what was trusted. Nothing here reads the
//! environment.

mod error;
mod message;
mod record;
mod summary;

pub use error::{LoadError, TrustError};

use std::fmt;
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

use super::{Config, ConfigError};
use crate::identity::visible;
use message::trust_command;
use message::{shown, visible_lines};
use record::{Entry, RecordedCa, RecordedProgram, read_capped};
pub use summary::{Api, CaFile, Login, Program, Setting, Summary, TokenUrl};

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
    fn needs_trust(self) -> bool {
        self == Self::CurrentFolder
    }
}

/// Why a config found in the current folder is not trusted now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// Never trusted.
    New,
    /// Trusted once, with other content.
    Changed,
    /// Its content is the one trusted, but a `ca_file` it names is not.
    CaFile { path: PathBuf, now: &'static str },
    /// Trusted by an authdash that neither showed its command panels nor
    /// recorded its `ca_file`, which it has.
    OlderRecord,
    /// Trusted without `--allow-commands`, and it has command panels.
    CommandsNotAllowed,
    /// Its content is the one trusted, but a command panel's program is
    /// not the one its summary showed then (a link in the folder pointed
    /// elsewhere): `now` says what it is.
    Program { program: String, now: String },
    /// Trusted as it is, but it cannot be trusted now (say a newer
    /// authdash refuses what an older one took): `Summary::problems`.
    Refused,
}

/// A config found in the current folder that is not trusted (or changed
/// since). Its `Display` is the whole message for the terminal: the file,
/// why, everything it would do and the command that trusts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Untrusted {
    /// The canonical path (what `authdash trust` records).
    path: PathBuf,
    pub why: Why,
    /// What it would do; `Err`: why it cannot be parsed whole (then
    /// nothing of it is shown).
    pub summary: Result<Summary, String>,
}

/// A config file read once: its bytes, their hash and what it would do.
pub struct Reviewed {
    /// The canonical path.
    pub path: PathBuf,
    /// Hex SHA-256 of the content.
    sha256: String,
    pub summary: Result<Summary, String>,
    /// The canonical path as the list writes it.
    key: String,
    text: String,
}

impl fmt::Debug for Reviewed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The text may hold secrets.
        f.debug_struct("Reviewed")
            .field("path", &self.path)
            .field("sha256", &self.sha256)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for Reviewed {
    /// The summary, for `authdash trust` to show before it asks.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} (sha256 {})", shown(&self.path), self.sha256)?;
        match &self.summary {
            Ok(summary) => summary.write(f, "  "),
            Err(error) => writeln!(f, "  It cannot be read whole:\n{}", visible_lines(error)),
        }
    }
}

/// A command panel's program as a folder config was trusted with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TrustedProgram {
    /// The panel's id.
    pub(crate) panel: String,
    /// The program, its links followed as the summary showed it; `None`:
    /// it was not there, and whatever is there now was never read.
    pub(crate) resolved: Option<PathBuf>,
}

/// The folder a config found in the current folder belongs to: the one
/// holding its `.streamlit` (else the file's own folder), from its
/// canonical path.
pub(crate) fn folder_of(config: &Path) -> Option<&Path> {
    let parent = config.parent()?;
    match parent.file_name() {
        Some(name) if name == ".streamlit" => parent.parent(),
        _ => Some(parent),
    }
}

/// A trusted folder config, as `doctor` shows it.
#[derive(Debug, Clone)]
pub struct TrustedFile {
    pub(crate) path: PathBuf,
    pub(crate) sha256: String,
    pub(crate) summary: Summary,
}

/// A config file that was just trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trusted {
    path: PathBuf,
    /// Hex SHA-256 of the content.
    sha256: String,
    allow_commands: bool,
    ca_files: Vec<PathBuf>,
}

/// A record of the list, as `authdash trust --list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Listed {
    path: String,
    allow_commands: bool,
    /// `None`: trusted as it is now; else why it asks again.
    asks_again: Option<String>,
}

/// Load the config at `path`; one from the current folder only when the
/// list in `data_dir` trusts its exact content. An untrusted file is not
/// loaded and `env` is never called for it.
pub fn load(
    origin: ConfigOrigin,
    path: &Path,
    data_dir: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Config, LoadError> {
    load_reviewed(origin, path, data_dir, env).map(|(config, _)| config)
}

/// [`load`], and for a trusted folder config what it does.
pub fn load_reviewed(
    origin: ConfigOrigin,
    path: &Path,
    data_dir: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(Config, Option<TrustedFile>), LoadError> {
    if !origin.needs_trust() {
        return Ok((Config::load(path, env)?, None));
    }
    let reviewed = check_reviewed(data_dir, path)?;
    // Parsed from its canonical path, as the summary was: a relative
    // `ca_file` is the very file that was hashed.
    let mut config = Config::parse(&reviewed.path, &reviewed.text, env)?;
    // Read again when the provider is first contacted, maybe long after:
    // it must then be what was trusted.
    if let Ok(summary) = &reviewed.summary {
        config.trusted_programs = summary
            .programs
            .iter()
            .map(|p| TrustedProgram {
                panel: p.panel.clone(),
                resolved: p.resolved.clone(),
            })
            .collect();
        for provider in &mut config.providers {
            let Some(path) = &provider.ca_file else {
                continue;
            };
            // One the summary did not hash matches nothing.
            provider.ca_file_sha256 = Some(
                summary
                    .ca_files
                    .iter()
                    .find(|ca| ca.path == *path)
                    .and_then(|ca| ca.sha256.clone().ok())
                    .unwrap_or_default(),
            );
        }
    }
    let trusted = reviewed.summary.ok().map(|summary| TrustedFile {
        path: reviewed.path,
        sha256: reviewed.sha256,
        summary,
    });
    Ok((config, trusted))
}

/// The content of `path` when the list in `data_dir` trusts it, else
/// [`TrustError::Untrusted`]. Reads only; creates nothing.
pub fn check(data_dir: &Path, path: &Path) -> Result<String, TrustError> {
    check_reviewed(data_dir, path).map(|r| r.text)
}

fn check_reviewed(data_dir: &Path, path: &Path) -> Result<Reviewed, TrustError> {
    let reviewed = review(path)?;
    let list = record::read(data_dir)?;
    let mut entries = list.trusted.iter().filter(|e| e.path == reviewed.key);
    let why = match entries.clone().find(|e| e.sha256 == reviewed.sha256) {
        None if entries.next().is_none() => Why::New,
        None => Why::Changed,
        Some(entry) => match still_trusted(entry, &reviewed) {
            None => return Ok(reviewed),
            Some(why) => why,
        },
    };
    Err(TrustError::Untrusted(Box::new(Untrusted {
        path: reviewed.path,
        why,
        summary: reviewed.summary,
    })))
}

/// Whether `entry`, recorded for these very bytes, covers all they bring
/// now: `None` when it does, else why not.
fn still_trusted(entry: &Entry, reviewed: &Reviewed) -> Option<Why> {
    // Not parsed whole: loading it fails with the config's own error,
    // which says more than a trust prompt could.
    let Ok(summary) = &reviewed.summary else {
        return None;
    };
    let Some(recorded) = &entry.ca_files else {
        // An older record covers what an older authdash showed: a config
        // with neither `ca_file` nor programs.
        return (!summary.ca_files.is_empty() || summary.runs_programs())
            .then_some(Why::OlderRecord);
    };
    for ca in &summary.ca_files {
        let key = ca.path.to_string_lossy();
        let then = recorded.iter().find(|r| r.path == key);
        let now = match (&ca.sha256, then) {
            (Ok(sha), Some(then)) if *sha == then.sha256 => continue,
            (Ok(_), Some(_)) => "changed since you trusted it",
            (Ok(_), None) => "was not recorded when you trusted it",
            (Err(_), _) => "cannot be read now",
        };
        return Some(Why::CaFile {
            path: ca.path.clone(),
            now,
        });
    }
    if !summary.problems.is_empty() {
        return Some(Why::Refused);
    }
    if summary.runs_programs() && !entry.allow_commands {
        return Some(Why::CommandsNotAllowed);
    }
    program_moved(entry.programs.as_deref(), summary)
}

/// Why a command panel's program is not the one recorded (its links
/// followed, as the summary showed it), if one is not.
fn program_moved(recorded: Option<&[RecordedProgram]>, summary: &Summary) -> Option<Why> {
    for program in &summary.programs {
        let path = program.argv.first().cloned().unwrap_or_default();
        let now = program
            .resolved
            .as_ref()
            .map(|r| r.to_string_lossy().into_owned());
        let then = recorded.and_then(|r| r.iter().find(|p| p.path == path));
        let changed = match (then, &now) {
            (Some(then), now) if then.resolved == *now => continue,
            (None, _) => "was not recorded when you trusted the config".to_owned(),
            (Some(_), Some(now)) => format!("is {now} now, not the program you trusted"),
            (Some(_), None) => "is not there now".to_owned(),
        };
        return Some(Why::Program {
            program: path,
            now: changed,
        });
    }
    None
}

/// Read the config at `path` once and summarise what it would do.
pub fn review(path: &Path) -> Result<Reviewed, TrustError> {
    let read_err = |source| TrustError::ReadConfig {
        path: path.to_owned(),
        source,
    };
    let canonical = std::fs::canonicalize(path).map_err(read_err)?;
    let file = open_regular_file(&canonical).map_err(read_err)?;
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
    let summary = Summary::of(&canonical, &text).map_err(|e| e.to_string());
    Ok(Reviewed {
        path: canonical,
        sha256,
        summary,
        key,
        text,
    })
}

/// Record `path` as trusted in `data_dir`: [`review`] then `record`.
pub fn trust(data_dir: &Path, path: &Path, allow_commands: bool) -> Result<Trusted, TrustError> {
    record(data_dir, &review(path)?, allow_commands)
}

/// Record what was reviewed — the canonical path, the hash of the content
/// read then and of each `ca_file` — in `data_dir` (created 0700 if
/// needed; the list is written 0600 and atomically), replacing what was
/// recorded for that path. Refused for a file that cannot be summarised
/// whole, that cannot be trusted as it is, or that has command panels
/// without `allow_commands`.
pub(crate) fn record(
    data_dir: &Path,
    reviewed: &Reviewed,
    allow_commands: bool,
) -> Result<Trusted, TrustError> {
    let summary = vet(reviewed, allow_commands)?;
    let path = reviewed.path.clone();
    // Every one was read: one that cannot be is a problem, refused above.
    let ca_files = summary
        .ca_files
        .iter()
        .filter_map(|ca| {
            let sha256 = ca.sha256.as_ref().ok()?;
            Some(RecordedCa {
                path: ca.path.to_string_lossy().into_owned(),
                sha256: sha256.clone(),
            })
        })
        .collect();
    let mut list = record::read(data_dir)?;
    list.trusted.retain(|e| e.path != reviewed.key);
    let programs = summary
        .programs
        .iter()
        .map(|p| RecordedProgram {
            path: p.argv.first().cloned().unwrap_or_default(),
            resolved: p
                .resolved
                .as_ref()
                .map(|r| r.to_string_lossy().into_owned()),
        })
        .collect();
    list.trusted.push(Entry {
        path: reviewed.key.clone(),
        sha256: reviewed.sha256.clone(),
        ca_files: Some(ca_files),
        allow_commands: allow_commands && summary.runs_programs(),
        programs: Some(programs),
    });
    record::write(data_dir, list)?;
    Ok(Trusted {
        path,
        sha256: reviewed.sha256.clone(),
        allow_commands: allow_commands && summary.runs_programs(),
        ca_files: summary.ca_files.iter().map(|c| c.path.clone()).collect(),
    })
}

/// What was reviewed, when it may be trusted: it was summarised whole,
/// nothing in it is refused, and its command panels are allowed.
pub(crate) fn vet(reviewed: &Reviewed, allow_commands: bool) -> Result<&Summary, TrustError> {
    let path = reviewed.path.clone();
    let summary = match &reviewed.summary {
        Ok(s) => s,
        Err(error) => {
            return Err(TrustError::Unreadable {
                path,
                error: error.clone(),
            });
        }
    };
    if !summary.problems.is_empty() {
        return Err(TrustError::Refused {
            path,
            problems: summary.problems.clone(),
        });
    }
    if summary.runs_programs() && !allow_commands {
        return Err(TrustError::CommandsNotAllowed { path });
    }
    Ok(summary)
}

/// Every record of the list in `data_dir`, each with whether it still
/// holds for the file as it is now.
pub(crate) fn list(data_dir: &Path) -> Result<Vec<Listed>, TrustError> {
    let records = record::read(data_dir)?;
    let mut out = Vec::new();
    for entry in records.trusted {
        let asks_again = match check_reviewed(data_dir, Path::new(&entry.path)) {
            Ok(_) => None,
            Err(TrustError::Untrusted(u)) => Some(u.why_text()),
            Err(e) => Some(e.to_string()),
        };
        out.push(Listed {
            path: entry.path,
            allow_commands: entry.allow_commands,
            asks_again,
        });
    }
    Ok(out)
}

/// Forget what the list in `data_dir` records for `path` (the canonical
/// path when the file is there, else the path made absolute): the
/// recorded path, or `None` when nothing was recorded for it.
pub(crate) fn untrust(data_dir: &Path, path: &Path) -> Result<Option<String>, TrustError> {
    let absolute = std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .map_err(|source| TrustError::ReadConfig {
            path: path.to_owned(),
            source,
        })?;
    let key = absolute.to_string_lossy().into_owned();
    let mut list = record::read(data_dir)?;
    let before = list.trusted.len();
    list.trusted.retain(|e| e.path != key);
    if list.trusted.len() == before {
        return Ok(None);
    }
    record::write(data_dir, list)?;
    Ok(Some(key))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `path` opened for reading if it is a regular file. Non-blocking first:
/// a FIFO (or a device) in its place would otherwise hold authdash waiting
/// for a writer for ever.
fn open_regular_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    Ok(file)
}

#[cfg(test)]
mod tests;
