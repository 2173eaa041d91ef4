//! The binary as a script or a person at a terminal runs it, for the
//! paste-back login and the headless commands: a config and the store's
//! key file (see `home`), its command line, its stderr line by line (each
//! checked for terminal control characters), and the paste-back login
//! started and the address the browser ends at, with the changes an
//! attacker makes to it.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Instant;

use authdash::demo::config_toml;
use url::Url;

use super::home::make_key_file;
use super::{binary, browser};

/// The demo config for `issuer`, private, in `home`, and the store's key
/// file in the home's data folder (made before authdash runs there, so it
/// never asks the OS keyring).
pub fn write_config(home: &Path, issuer: &str) -> PathBuf {
    make_key_file(&data_dir(home));
    let path = home.join("authdash.toml");
    std::fs::write(&path, config_toml(issuer)).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

/// Where authdash keeps its store in `home`.
pub fn data_dir(home: &Path) -> PathBuf {
    home.join("data").join("authdash")
}

/// `authdash --config CONFIG ARGS` in `home`, its stdin piped.
pub fn command(home: &Path, config: &Path, args: &[&str]) -> Command {
    let mut cmd = binary::command(home);
    cmd.args(["--config", config.to_str().unwrap()])
        .args(args)
        .stdin(Stdio::piped());
    cmd
}

/// A child's stderr line by line, as bytes (a control character must be
/// seen as it was sent).
pub fn stderr_lines(child: &mut Child) -> mpsc::Receiver<Vec<u8>> {
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stderr);
        loop {
            let mut line = Vec::new();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            }
        }
    });
    rx
}

/// Lines until one satisfies `want` (bounded), that one last; every byte
/// is checked for terminal control characters on the way.
pub fn until(rx: &mpsc::Receiver<Vec<u8>>, want: impl Fn(&str) -> bool) -> Vec<String> {
    let deadline = Instant::now() + binary::BOUND;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(bytes) => {
                assert!(
                    !bytes
                        .iter()
                        .any(|b| matches!(b, 0x1b | 0x07 | 0x9b | b'\r')),
                    "a control character reached stderr: {bytes:?}"
                );
                let line = String::from_utf8_lossy(&bytes).trim_end().to_owned();
                let done = want(&line);
                seen.push(line);
                if done {
                    return seen;
                }
            }
            Err(_) => panic!("never came; saw: {seen:#?}"),
        }
    }
}

/// Start `login --paste`; its stdin, stderr lines and authorize URL.
pub fn start_paste_login(
    home: &Path,
    config: &Path,
) -> (Child, ChildStdin, mpsc::Receiver<Vec<u8>>, String) {
    let (child, stdin, rx, url, _) = start_paste_login_saying(home, config);
    (child, stdin, rx, url)
}

/// The same, with the lines it said up to "Waiting".
pub fn start_paste_login_saying(
    home: &Path,
    config: &Path,
) -> (
    Child,
    ChildStdin,
    mpsc::Receiver<Vec<u8>>,
    String,
    Vec<String>,
) {
    let mut child = command(home, config, &["login", "--paste"])
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    let rx = stderr_lines(&mut child);
    let seen = until(&rx, |l| l.starts_with("Waiting"));
    let url = seen
        .iter()
        .map(|l| l.trim())
        .find(|l| l.starts_with("http") && l.contains("state="))
        .unwrap_or_else(|| panic!("no URL: {seen:#?}"))
        .to_owned();
    (child, stdin, rx, url, seen)
}

/// The next line refusing a paste (`! …`), the lines before it skipped.
pub fn refusal(rx: &mpsc::Receiver<Vec<u8>>) -> String {
    let lines = until(rx, |l| l.starts_with("! "));
    lines.last().cloned().unwrap_or_default()
}

/// `landed` pasted: the login ends well; what it said after, line by line.
pub async fn pasted_to_the_end(
    child: Child,
    stdin: &mut ChildStdin,
    rx: &mpsc::Receiver<Vec<u8>>,
    landed: &Url,
) -> Vec<String> {
    writeln!(stdin, "{landed}").unwrap();
    let out = tokio::task::spawn_blocking(move || binary::finish(child))
        .await
        .unwrap();
    let rest: Vec<String> = binary::rest(rx)
        .iter()
        .map(|l| String::from_utf8_lossy(l).trim_end().to_owned())
        .collect();
    assert_eq!(out.status.code(), Some(0), "{rest:#?}");
    rest
}

/// Where `user`'s browser ends after signing in at `url`: the callback
/// address with the code, never loaded.
pub async fn landed_at(url: &str, user: &'static str) -> Url {
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || {
        tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(browser::authorize_redirect(&url, user))
    })
    .await
    .unwrap()
    .unwrap()
}

/// `url` with `name` set to `value` (any earlier value removed).
pub fn with_param(url: &Url, name: &str, value: &str) -> Url {
    let mut url = without(url, name);
    url.query_pairs_mut().append_pair(name, value);
    url
}

/// `url` without `name`.
pub fn without(url: &Url, name: &str) -> Url {
    let mut url = url.clone();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .into_owned()
        .filter(|(k, _)| k != name)
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    url
}

/// `landed`'s query at another host and path.
pub fn with_place(landed: &Url, host: &str, path: &str) -> Url {
    let mut url = landed.clone();
    url.set_host(Some(host)).unwrap();
    url.set_path(path);
    url
}
