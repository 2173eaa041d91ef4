//! The authdash binary as a second process on a person's machine: a
//! private home (HOME and the XDG folders inside it), nothing from the
//! test's environment but PATH, no stdin, and a bounded wait.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// How long one run of the binary may take.
pub const BOUND: Duration = Duration::from_secs(30);

/// `authdash` with its folders under `home`; stdout and stderr piped.
pub fn command(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_authdash"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Run to completion, bounded.
pub fn run(cmd: &mut Command) -> Output {
    finish(cmd.spawn().expect("authdash starts"))
}

/// Wait for a started run, bounded; past the bound it is killed and the
/// test fails with what it said.
pub fn finish(mut child: Child) -> Output {
    let deadline = Instant::now() + BOUND;
    while child.try_wait().expect("wait for authdash").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().expect("authdash output");
            panic!(
                "authdash did not finish in {BOUND:?}: {}",
                text(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().expect("authdash output")
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A child's stderr line by line, read on a thread that hangs up at end of
/// file.
pub fn stderr_lines(child: &mut Child) -> std::sync::mpsc::Receiver<String> {
    use std::io::BufRead;
    let stderr = child.stderr.take().expect("piped stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Everything a reader thread has still to pass on, once its process has
/// ended. The thread may be behind the process (a `try_iter` here lost the
/// last lines on a loaded machine), so this waits, bounded, for it to hang
/// up at end of file.
pub fn rest<T>(rx: &std::sync::mpsc::Receiver<T>) -> Vec<T> {
    let deadline = Instant::now() + BOUND;
    let mut rest = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(item) => rest.push(item),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return rest,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                panic!("the reader never reached end of file")
            }
        }
    }
}
