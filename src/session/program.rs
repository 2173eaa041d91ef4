//! A `command` panel's program: started with its argv (no shell), an
//! environment of its own — a few variables picked from authdash's
//! (never the secrets `client_secret_env` and the like name) and the
//! access token in `token_env` — stdin closed, and read for JSON on its
//! stdout. Whatever of its output the dashboard shows or logs has the
//! session's tokens taken out first.

use std::ffi::OsString;
use std::process::Stdio;

use serde_json::Value;
use tokio::io::AsyncReadExt;

use super::redact::Redactor;
use crate::panels::source_text::{json, mib, secs};
use crate::panels::{CommandSource, SourceError};

/// The variables a program inherits from authdash: where programs and
/// files are (`PATH`, `HOME`, the temp folder), who runs it and in which
/// language, time zone and terminal; on Windows what a program needs to
/// start. Nothing else: authdash's environment may hold the secrets the
/// config names (`client_secret_env`, `logout_everywhere_api_key_env`).
pub const PROGRAM_ENVIRONMENT: &[&str] = &[
    "PATH",
    "HOME",
    "USER",
    "LOGNAME",
    "LANG",
    "LANGUAGE",
    "TERM",
    "TZ",
    "TMPDIR",
    "TMP",
    "TEMP",
    "NO_COLOR",
    "SYSTEMROOT",
    "WINDIR",
    "USERPROFILE",
    "PATHEXT",
];

/// And every `LC_*` (the locale's categories).
const PROGRAM_ENVIRONMENT_PREFIX: &str = "LC_";

/// The variables of `vars` (authdash's environment, which the binary
/// passes) that a program may inherit: [`PROGRAM_ENVIRONMENT`] and `LC_*`.
/// Names are compared without case, as Windows does.
pub(crate) fn program_environment(
    vars: impl IntoIterator<Item = (OsString, OsString)>,
) -> Vec<(OsString, OsString)> {
    vars.into_iter()
        .filter(|(name, _)| {
            name.to_str().is_some_and(|name| {
                let upper = name.to_ascii_uppercase();
                PROGRAM_ENVIRONMENT.contains(&upper.as_str())
                    || upper.starts_with(PROGRAM_ENVIRONMENT_PREFIX)
            })
        })
        .collect()
}

/// What a program is started with besides its panel's settings.
#[derive(Clone, Copy)]
pub struct ProgramRun<'a> {
    /// The argv with its placeholders filled ([`crate::panels::PanelSpec::argv_for`]).
    pub argv: &'a [String],
    /// The program to start in `argv[0]`'s place (which it still gets as
    /// its name): the one a folder config was trusted with, its links
    /// followed then, so that a link changed since is not followed now.
    pub program: Option<&'a std::path::Path>,
    /// Where it runs; `None`: where authdash runs.
    pub dir: Option<&'a std::path::Path>,
    /// What it inherits (`program_environment`).
    pub environment: &'a [(OsString, OsString)],
    /// Put in `token_env`.
    pub access_token: &'a str,
    /// Never given to it; named only to be kept out of what it prints.
    pub refresh_token: Option<&'a str>,
}

impl std::fmt::Debug for ProgramRun<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProgramRun")
            .field("argv", &self.argv)
            .finish_non_exhaustive()
    }
}

/// Run the panel's program with the token in `token_env` (never on its
/// command line) and only the environment `run` gives, stdin closed, and
/// read JSON from its stdout: at most `output_cap` bytes, within
/// `timeout`; a program that runs over is killed. Stderr's last whole
/// line is kept for the error. Every occurrence of the access or refresh token in
/// what comes back is replaced by `[access token]` / `[refresh token]`.
pub async fn run_command(
    command: &CommandSource,
    run: ProgramRun<'_>,
) -> Result<Value, SourceError> {
    let redact = Redactor::new(run.access_token, run.refresh_token);
    let Some((program, args)) = run.argv.split_first() else {
        return Err(SourceError::Command("has an empty argv".into()));
    };
    let executable = run
        .program
        .map_or(std::ffi::OsStr::new(program), |p| p.as_os_str());
    let mut start = tokio::process::Command::new(executable);
    #[cfg(unix)]
    start.arg0(program);
    if let Some(dir) = run.dir {
        start.current_dir(dir);
    }
    let mut child = start
        .args(args)
        .env_clear()
        .envs(run.environment.iter().map(|(k, v)| (k, v)))
        .env(&command.token_env, run.access_token)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| {
            SourceError::Command(redact.text(&format!("`{program}` could not start: {e}")))
        })?;
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let cap = command.output_cap;
    let work = async {
        // Both at once: a program that fills one pipe while authdash
        // waits on the other would otherwise stall until the timeout.
        let read_out = async {
            let mut out = Vec::new();
            if let Some(s) = stdout.as_mut() {
                // One byte over the cap is enough to know it is over.
                let mut limited = s.take(u64::try_from(cap).unwrap_or(u64::MAX) + 1);
                limited.read_to_end(&mut out).await.map_err(|e| {
                    SourceError::Command(format!("`{program}`: reading its output: {e}"))
                })?;
            }
            if out.len() > cap {
                return Err(SourceError::TooLarge {
                    limit: mib(cap),
                    setting: "output_cap_kib",
                });
            }
            Ok(out)
        };
        let read_err = async {
            Ok(match stderr.as_mut() {
                Some(s) => stderr_tail(s).await,
                None => Vec::new(),
            })
        };
        let (out, err) = tokio::try_join!(read_out, read_err)?;
        let status = child
            .wait()
            .await
            .map_err(|e| SourceError::Command(format!("`{program}`: {e}")))?;
        Ok((out, err, status))
    };
    let (out, err, status) = match tokio::time::timeout(command.timeout, work).await {
        Ok(result) => result?,
        // Dropping the child kills it (kill_on_drop).
        Err(_) => {
            return Err(SourceError::Timeout(format!(
                "`{program}` ran longer than {}",
                secs(command.timeout)
            )));
        }
    };
    if !status.success() {
        let err = redact.text(&String::from_utf8_lossy(&err));
        let last = err
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .map(|l| format!(": {}", l.trim()))
            .unwrap_or_default();
        let how = match status.code() {
            Some(code) => format!("exited with status {code}"),
            None => "was stopped by a signal".to_owned(),
        };
        return Err(SourceError::Command(format!("`{program}` {how}{last}")));
    }
    match json(&out) {
        Ok(value) => Ok(redact.value(value)),
        Err(SourceError::BadJson(e)) => Err(SourceError::BadJson(redact.text(&e))),
        Err(e) => Err(e),
    }
}

/// The most of a program's stderr kept: its end, where its last line is.
const STDERR_TAIL: usize = 64 * 1024;

/// The last [`STDERR_TAIL`] bytes of a program's stderr, read to its end,
/// whole lines only: a line cut at the start of what is kept could hold
/// a token in part, which no redaction would recognise.
async fn stderr_tail(stream: &mut tokio::process::ChildStderr) -> Vec<u8> {
    let mut kept = Vec::new();
    let mut cut = false;
    let mut chunk = [0u8; 8192];
    while let Ok(n @ 1..) = stream.read(&mut chunk).await {
        kept.extend_from_slice(&chunk[..n]);
        if kept.len() > STDERR_TAIL {
            kept.drain(..kept.len() - STDERR_TAIL);
            cut = true;
        }
    }
    if cut {
        let first_whole = kept
            .iter()
            .position(|b| *b == b'\n')
            .map_or(kept.len(), |i| i + 1);
        kept.drain(..first_whole);
    }
    kept
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;

    use serde_json::json;

    use super::program_environment;
    use crate::session::redact::Redactor;

    #[test]
    fn a_program_inherits_the_allow_list_only() {
        let vars = [
            ("PATH", "/usr/bin"),
            ("HOME", "/home/a"),
            ("LC_TIME", "C"),
            ("ACME_CLIENT_SECRET", "s3cret"),
            ("LD_PRELOAD", "/tmp/x.so"),
            ("AUTHDASH_CONFIG", "/x"),
        ]
        .map(|(k, v)| (OsString::from(k), OsString::from(v)));
        let kept: Vec<String> = program_environment(vars)
            .into_iter()
            .map(|(k, _)| k.to_string_lossy().into_owned())
            .collect();
        assert_eq!(kept, ["PATH", "HOME", "LC_TIME"]);
    }

    #[test]
    fn tokens_are_taken_out_of_text_and_json_however_written() {
        let r = Redactor::new("at-123", Some("rt-456"));
        assert_eq!(
            r.text("saw at-123 and rt-456, at-123"),
            "saw [access token] and [refresh token], [access token]"
        );
        let parsed: serde_json::Value = serde_json::from_str(
            r#"{"\u0061t-123": ["x \u0061t-123 y", {"k": "rt-456"}], "n": 1}"#,
        )
        .expect("JSON");
        assert_eq!(
            r.value(parsed),
            json!({"[access token]": ["x [access token] y", {"k": "[refresh token]"}], "n": 1})
        );
        assert_eq!(Redactor::new("", None).text("anything"), "anything");
    }
}
