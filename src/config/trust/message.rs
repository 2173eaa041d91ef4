//! What trust says: why a file is not read, what was trusted, what the
//! list holds, and the command that trusts a file.

use std::fmt;
use std::path::Path;

use super::{Listed, Trusted, Untrusted, Why};
use crate::identity::visible;

impl Untrusted {
    /// The first sentence of the message: why the file is not read.
    pub(super) fn why_text(&self) -> String {
        let path = shown(&self.path);
        match &self.why {
            Why::New => format!(
                "the config {path} was found in the current folder and is not trusted yet; \
                 authdash will not read it until you trust it."
            ),
            Why::Changed => format!(
                "the config {path} changed since you trusted it; authdash will not read it until \
                 you trust it again."
            ),
            Why::CaFile { path: ca, now } => format!(
                "the ca_file {} that the config {path} names {now} (its certificates decide \
                 which servers your logins trust); authdash will not read the config until you \
                 trust it again.",
                shown(ca)
            ),
            Why::OlderRecord => format!(
                "the config {path} was trusted by an older authdash, which did not show its \
                 command panels nor record its ca_file; authdash will not read it until you trust \
                 it again, having read what it does."
            ),
            Why::CommandsNotAllowed => format!(
                "the config {path} has command panels and was trusted without --allow-commands; \
                 authdash will not read it until you trust it again."
            ),
            Why::Program { program, now } => format!(
                "the program {} that a command panel of the config {path} runs {now}; authdash \
                 will not read the config until you trust it again.",
                visible(program)
            ),
            Why::Refused => format!(
                "the config {path} was trusted, but cannot be trusted as it is (below); authdash \
                 will not read it."
            ),
        }
    }
}

impl fmt::Display for Untrusted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.why_text())?;
        let summary = match &self.summary {
            Ok(summary) => summary,
            Err(error) => {
                writeln!(
                    f,
                    "  It cannot be read whole, so authdash cannot show all it would do, and will \
                     not trust it as it is:"
                )?;
                writeln!(f, "{}", visible_lines(error))?;
                write!(
                    f,
                    "Correct the file first. Or name a config yourself with --config PATH or \
                     $AUTHDASH_CONFIG."
                )?;
                return Ok(());
            }
        };
        summary.write(f, "  ")?;
        writeln!(
            f,
            "  A folder you cloned or downloaded can hold such a file: trusted, it decides where \
             your logins go, where your access token is sent, which programs run with it, and \
             which environment variables' secrets are sent where."
        )?;
        if summary.problems.is_empty() {
            writeln!(f, "Read the file; if you trust it, run:")?;
            writeln!(
                f,
                "  {}",
                trust_command(&self.path, summary.runs_programs())
            )?;
        } else {
            writeln!(f, "Correct the file first.")?;
        }
        write!(
            f,
            "Or name a config yourself with --config PATH or $AUTHDASH_CONFIG."
        )
    }
}

impl fmt::Display for Trusted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Trusted {} (sha256 {}).", shown(&self.path), self.sha256)?;
        if self.allow_commands {
            writeln!(f, "  Its command panels may run the programs shown.")?;
        }
        for ca in &self.ca_files {
            writeln!(f, "  With the ca_file {} as it is now.", shown(ca))?;
        }
        write!(
            f,
            "authdash asks again if the file (or a ca_file it names) changes; `authdash untrust \
             PATH` forgets it."
        )
    }
}

impl fmt::Display for Listed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let commands = if self.allow_commands {
            " (may run programs)"
        } else {
            ""
        };
        write!(f, "{}{commands}", visible(&self.path))?;
        match &self.asks_again {
            None => Ok(()),
            Some(why) => write!(f, "\n  asks again: {}", visible(why)),
        }
    }
}

/// The exact command that trusts `path`, quoted for a POSIX shell.
pub(crate) fn trust_command(path: &Path, allow_commands: bool) -> String {
    let raw = path.to_string_lossy();
    let flag = if allow_commands {
        " --allow-commands"
    } else {
        ""
    };
    format!(
        "authdash trust{flag} {}",
        visible(&shell_words::quote(&raw))
    )
}

pub(super) fn shown(path: &Path) -> String {
    visible(&path.to_string_lossy()).into_owned()
}

/// Each line of `text` indented and with its control characters visible.
pub(super) fn visible_lines(text: &str) -> String {
    text.lines()
        .map(|l| format!("    {}", visible(l)))
        .collect::<Vec<_>>()
        .join("\n")
}
