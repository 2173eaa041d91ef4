//! `authdash trust`, `authdash trust --list` and `authdash untrust`: a
//! config found in the current folder is read only once the person has
//! read what it would do and said yes (`config::trust` keeps the record).

use std::io::{BufRead, Write};
use std::path::Path;

use super::{CliError, Outcome};
use crate::config::trust;

/// What `authdash trust PATH` is asked to do.
#[derive(Debug, Clone, Copy)]
pub struct TrustRequest<'a> {
    pub path: &'a Path,
    /// Where the list of trusted configs is.
    pub data_dir: &'a Path,
    /// `--yes`: trust without asking (for scripts).
    pub yes: bool,
    /// `--allow-commands`: its command panels may run their programs.
    pub allow_commands: bool,
    /// A person can be asked: stdin is a terminal.
    pub terminal: bool,
}

/// Show everything the file would do, ask (unless `--yes`), then record
/// it. Refused, before asking, for a file that cannot be summarised whole,
/// cannot be trusted as it is, or runs programs without
/// `--allow-commands`.
pub fn trust(
    request: TrustRequest<'_>,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<Outcome, CliError> {
    let reviewed = trust::review(request.path)?;
    write!(out, "{reviewed}")?;
    trust::vet(&reviewed, request.allow_commands)?;
    if !request.yes {
        if !request.terminal {
            return Err(CliError::Usage(format!(
                "not trusting {}: no terminal to ask you on; read the above, then add --yes to \
                 trust it from a script",
                crate::identity::visible(&reviewed.path.to_string_lossy())
            )));
        }
        write!(out, "Trust this file? [y/N] ")?;
        out.flush()?;
        let mut answer = String::new();
        input.read_line(&mut answer)?;
        if !matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            writeln!(out, "Not trusted; nothing was recorded.")?;
            return Ok(Outcome::Failed);
        }
    }
    let trusted = trust::record(request.data_dir, &reviewed, request.allow_commands)?;
    writeln!(out, "{trusted}")?;
    Ok(Outcome::Ok)
}

/// `authdash trust --list`: every trusted file, and which would ask again.
pub fn list(data_dir: &Path, out: &mut dyn Write) -> Result<Outcome, CliError> {
    let listed = trust::list(data_dir)?;
    if listed.is_empty() {
        writeln!(out, "No config is trusted.")?;
    }
    for entry in listed {
        writeln!(out, "{entry}")?;
    }
    Ok(Outcome::Ok)
}

/// `authdash untrust PATH`: forget the record, so that the file is asked
/// about again; exit 1 when there was none.
pub fn untrust(
    data_dir: &Path,
    path: &Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Outcome, CliError> {
    let shown = |p: &str| crate::identity::visible(p).into_owned();
    match trust::untrust(data_dir, path)? {
        Some(key) => {
            writeln!(
                out,
                "No longer trusted: {}; authdash asks again before reading it.",
                shown(&key)
            )?;
            Ok(Outcome::Ok)
        }
        None => {
            writeln!(
                err,
                "{} was not trusted; `authdash trust --list` shows what is.",
                shown(&path.to_string_lossy())
            )?;
            Ok(Outcome::Failed)
        }
    }
}
