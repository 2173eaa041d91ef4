//! Opening a URL in the person's browser without letting it touch our
//! terminal: `$BROWSER` first (as given by the caller), else the `open` crate.

use std::process::{Command, Stdio};

use super::AuthError;

/// Open `url`. `browser_var` is the value of `$BROWSER`, if set: commands
/// separated by `:`, tried in order; `%s` in a command is replaced by the
/// URL, else the URL is appended.
pub(crate) fn open_url(url: &str, browser_var: Option<&str>) -> Result<(), AuthError> {
    if let Some(var) = browser_var.filter(|v| !v.trim().is_empty()) {
        let mut failures = Vec::new();
        for command in var.split(':').filter(|c| !c.trim().is_empty()) {
            match spawn(command, url) {
                Ok(()) => return Ok(()),
                Err(e) => failures.push(format!("`{}`: {e}", program_of(command))),
            }
        }
        return Err(AuthError::Browser(format!(
            "no command in $BROWSER could start ({})",
            failures.join("; ")
        )));
    }
    open::that_detached(url).map_err(|e| AuthError::Browser(e.to_string()))
}

fn program_of(command: &str) -> &str {
    command.split_whitespace().next().unwrap_or(command)
}

fn spawn(command: &str, url: &str) -> Result<(), String> {
    let mut words = shell_words::split(command).map_err(|e| e.to_string())?;
    if words.is_empty() {
        return Err("empty command".into());
    }
    if words.iter().any(|w| w.contains("%s")) {
        for w in &mut words {
            *w = w.replace("%s", url);
        }
    } else {
        words.push(url.to_owned());
    }
    let mut cmd = Command::new(&words[0]);
    cmd.args(&words[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    detach(&mut cmd);
    let mut child = cmd.spawn().map_err(|e| e.to_string())?;
    // Reap it whenever it exits, so no zombie outlives the login.
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(())
}

/// A new session has no controlling terminal, so even a text browser that
/// opens /dev/tty itself cannot take over the TUI's screen.
#[cfg(unix)]
fn detach(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: setsid is async-signal-safe and touches no memory of ours.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setsid() == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

#[cfg(not(unix))]
fn detach(_cmd: &mut Command) {}

#[cfg(all(test, unix))]
mod tests {
    use std::path::Path;
    use std::time::{Duration, Instant};

    use super::open_url;

    /// A "browser" that records its arguments, one per line. Run through
    /// `sh` so no test executes a file another thread may still hold open
    /// for writing (ETXTBSY when tests fork in parallel).
    fn recorder(dir: &Path) -> (String, std::path::PathBuf) {
        use std::os::unix::fs::PermissionsExt;
        let out = dir.join("args");
        let script = dir.join("browser.sh");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\" >> '{}'; done\n",
                out.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        (format!("sh {}", script.display()), out)
    }

    fn wait_for(path: &Path) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(s) = std::fs::read_to_string(path)
                && s.ends_with('\n')
            {
                return s;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("the browser command never ran");
    }

    const URL: &str = "http://127.0.0.1:9/authorize?a=1&b=2";

    #[test]
    fn the_url_is_appended_when_there_is_no_placeholder() {
        let dir = tempfile::tempdir().unwrap();
        let (script, out) = recorder(dir.path());
        open_url(URL, Some(&script)).unwrap();
        assert_eq!(wait_for(&out), format!("{URL}\n"));
    }

    #[test]
    fn percent_s_is_replaced_and_arguments_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let (script, out) = recorder(dir.path());
        open_url(URL, Some(&format!("{script} --new-tab %s"))).unwrap();
        assert_eq!(wait_for(&out), format!("--new-tab\n{URL}\n"));
    }

    #[test]
    fn the_next_command_is_tried_when_one_cannot_start() {
        let dir = tempfile::tempdir().unwrap();
        let (script, out) = recorder(dir.path());
        open_url(URL, Some(&format!("/nonexistent/browser:{script}"))).unwrap();
        assert_eq!(wait_for(&out), format!("{URL}\n"));
    }

    #[test]
    fn no_usable_command_is_an_error_naming_them() {
        let err = open_url(URL, Some("/nonexistent/a:/nonexistent/b %s")).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("/nonexistent/a") && text.contains("/nonexistent/b"),
            "{text}"
        );
        assert!(
            !text.contains("authorize?a=1"),
            "the URL stays out of errors: {text}"
        );
    }
}
