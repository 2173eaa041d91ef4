//! Rule 2, through the binary: a config found by itself in the current
//! folder (`.streamlit/secrets.toml`) is used only once trusted. Before
//! that no command makes a request to the issuers it names, reads the
//! variables it names, or creates the store's folder; each exits 2 with
//! all the file would do and the command that trusts it. `authdash trust`
//! shows the same and asks on a terminal (`--yes` for scripts); `trust
//! --list`, `untrust` and `doctor` say what is trusted.

use crate::support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use support::binary::{self, text};

const BOUND: Duration = Duration::from_secs(30);

/// A loopback server that counts every connection and answers 404.
struct Counter {
    port: u16,
    hits: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Counter {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let hits = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (h, s) = (hits.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            // Bounded: the test stops it, and it gives up after BOUND anyway.
            let deadline = Instant::now() + BOUND * 4;
            while !s.load(Ordering::SeqCst) && Instant::now() < deadline {
                match listener.accept() {
                    Ok((mut conn, _)) => {
                        h.fetch_add(1, Ordering::SeqCst);
                        let _ = conn.set_nonblocking(false);
                        let _ = conn.set_read_timeout(Some(Duration::from_secs(2)));
                        let mut buf = [0u8; 4096];
                        let _ = conn.read(&mut buf);
                        let _ = conn.write_all(
                            b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                        );
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        Self {
            port,
            hits,
            stop,
            thread: Some(thread),
        }
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

impl Drop for Counter {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

struct Setup {
    home: tempfile::TempDir,
    project: PathBuf,
    config: PathBuf,
    counter: Counter,
}

impl Setup {
    fn new() -> Self {
        let counter = Counter::start();
        let home = tempfile::tempdir().unwrap();
        let project = home.path().join("cloned-project");
        std::fs::create_dir_all(project.join(".streamlit")).unwrap();
        let config = project.join(".streamlit").join("secrets.toml");
        let setup = Self {
            home,
            project,
            config,
            counter,
        };
        setup.write_config("first");
        setup
    }

    fn write_config(&self, comment: &str) {
        let text = format!(
            "# {comment}\n[auth]\nclient_id = \"foreign\"\nstore_secret = \"a test store secret, long enough\"\nclient_secret_env = \"VICTIM_SECRET\"\n\
             server_metadata_url = \"http://127.0.0.1:{}/.well-known/openid-configuration\"\n",
            self.counter.port
        );
        std::fs::write(&self.config, text).unwrap();
    }

    fn data_dir(&self) -> PathBuf {
        self.home.path().join("data").join("authdash")
    }

    fn canonical_config(&self) -> PathBuf {
        std::fs::canonicalize(&self.config).unwrap()
    }

    /// The binary in the project folder, its own dirs in the temp home,
    /// the variable the config names set.
    fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, true)
    }

    fn run_with(&self, args: &[&str], secret_set: bool) -> Output {
        let mut cmd = binary::command(self.home.path());
        cmd.args(args).current_dir(&self.project);
        if secret_set {
            cmd.env("VICTIM_SECRET", "the victim's client secret");
        }
        binary::run(&mut cmd)
    }
}

/// Every command a person could run: each must stop at the trust check.
const COMMANDS: &[&[&str]] = &[
    &[],
    &["status"],
    &["status", "--json"],
    &["token"],
    &["switch"],
    &["login", "--device"],
    &["login", "--browser"],
    &["logout"],
    &["logout", "--all", "--everywhere"],
    &["doctor"],
];

fn assert_refused(setup: &Setup, out: &Output, args: &[&str], changed: bool) {
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    let wanted = if changed {
        "changed since you trusted it"
    } else {
        "not trusted yet"
    };
    assert!(err.contains(wanted), "{args:?}: {err}");
    let command = format!("authdash trust {}", setup.canonical_config().display());
    assert!(err.contains(&command), "{args:?}: {err}");
    let issuer = format!(
        "http://127.0.0.1:{}/.well-known/openid-configuration",
        setup.counter.port
    );
    assert!(err.contains(&issuer), "{args:?}: {err}");
    assert_eq!(setup.counter.hits(), 0, "{args:?} made a request");
}

#[test]
fn an_untrusted_config_in_the_current_folder_makes_no_request_and_touches_no_store() {
    let setup = Setup::new();
    for args in COMMANDS {
        let out = setup.run(args);
        assert_refused(&setup, &out, args, false);
        assert!(
            !setup.data_dir().exists(),
            "{args:?} created the store's folder"
        );
    }
}

#[test]
fn an_untrusted_config_reads_no_variable_it_names() {
    let setup = Setup::new();
    // Were the variable looked up, the unset variable would be the error.
    let out = setup.run_with(&["status"], false);
    assert_refused(&setup, &out, &["status"], false);
    let err = text(&out.stderr);
    assert!(!err.contains("is not set"), "{err}");
    // It is named (its secret would be sent), its value never shown.
    assert!(
        err.contains("client_secret_env = \"VICTIM_SECRET\""),
        "{err}"
    );
    let out = setup.run_with(&["status"], true);
    assert_refused(&setup, &out, &["status"], false);
    assert!(!text(&out.stderr).contains("the victim's client secret"));
}

#[test]
fn once_trusted_it_works_and_an_edit_asks_again() {
    let setup = Setup::new();
    let trusted = setup.run(&["trust", "--yes"]);
    assert_eq!(trusted.status.code(), Some(0), "{}", text(&trusted.stderr));
    let said = text(&trusted.stdout);
    assert!(
        said.contains(&setup.canonical_config().display().to_string()),
        "{said}"
    );
    assert_eq!(setup.counter.hits(), 0, "trusting made a request");

    // Trusted: the config is read (with the variable it names) ...
    let unset = setup.run_with(&["status"], false);
    assert!(
        text(&unset.stderr).contains("VICTIM_SECRET"),
        "{}",
        text(&unset.stderr)
    );
    let status = setup.run(&["status"]);
    assert_eq!(status.status.code(), Some(4), "{}", text(&status.stderr));
    assert!(text(&status.stdout).contains("Not logged in"));
    // ... and the issuer is contacted.
    let _ = setup.run(&["doctor"]);
    let hits = setup.counter.hits();
    assert!(hits > 0, "doctor on a trusted config reached no issuer");

    setup.write_config("edited");
    for args in COMMANDS {
        let out = setup.run(args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("changed since you trusted it"),
            "{args:?}: {err}"
        );
        assert_eq!(setup.counter.hits(), hits, "{args:?} made a request");
    }

    let again = setup.run(&["trust", "--yes", setup.config.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    assert_eq!(setup.run(&["status"]).status.code(), Some(4));
}

#[test]
fn a_config_named_with_dash_dash_config_needs_no_trust() {
    let setup = Setup::new();
    let path = setup.config.to_str().unwrap().to_owned();
    let out = setup.run(&["--config", &path, "status"]);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Not logged in"));
    let trust_list = setup.data_dir().join("trusted-configs.json");
    assert!(!trust_list.exists());
}

#[test]
fn trusting_a_file_that_is_not_there_fails_and_records_nothing() {
    let setup = Setup::new();
    let out = setup.run(&["trust", "--yes", "nowhere/secrets.toml"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("cannot read the config"));
    assert!(!Path::new(&setup.data_dir()).exists());
}

/// Without a terminal and without `--yes`, `authdash trust` shows what the
/// file would do and trusts nothing: it says to add `--yes`.
#[test]
fn trust_without_a_terminal_shows_the_summary_and_asks_for_yes() {
    let setup = Setup::new();
    let out = setup.run(&["trust"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--yes"), "{err}");
    let said = text(&out.stdout);
    assert!(said.contains("It would log you in at"), "{said}");
    assert!(
        said.contains("auth.client_secret_env = \"VICTIM_SECRET\""),
        "{said}"
    );
    assert!(!setup.data_dir().exists(), "something was recorded");
    assert_eq!(setup.run(&["status"]).status.code(), Some(2));
}

/// On a terminal `authdash trust` asks: anything but yes records nothing;
/// `y` trusts.
#[test]
fn trust_on_a_terminal_asks_y_n() {
    use support::pty::{Pty, home_env};
    let setup = Setup::new();
    let bin = env!("CARGO_BIN_EXE_authdash");
    let env = home_env(setup.home.path());

    let mut app =
        Pty::spawn(bin, &["trust"], &env, &setup.project).unwrap_or_else(|e| panic!("{e}"));
    app.wait_for("Trust this file? [y/N]", BOUND)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        app.contents().contains("client_secret_env"),
        "{}",
        app.contents()
    );
    app.send("\r").unwrap_or_else(|e| panic!("{e}"));
    let code = app.wait_exit(BOUND).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(code, 1, "declined: {}", app.contents());
    assert!(!setup.data_dir().join("trusted-configs.json").exists());

    let mut app =
        Pty::spawn(bin, &["trust"], &env, &setup.project).unwrap_or_else(|e| panic!("{e}"));
    app.wait_for("Trust this file? [y/N]", BOUND)
        .unwrap_or_else(|e| panic!("{e}"));
    app.send("y\r").unwrap_or_else(|e| panic!("{e}"));
    let code = app.wait_exit(BOUND).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(code, 0, "trusted: {}", app.contents());
    assert!(setup.data_dir().join("trusted-configs.json").exists());
    let status = setup.run(&["status"]);
    assert_eq!(status.status.code(), Some(4), "{}", text(&status.stderr));
}

/// `trust --list` names what is trusted and what would ask again;
/// `untrust PATH` forgets it, and the file is refused again.
#[test]
fn trust_list_and_untrust() {
    let setup = Setup::new();
    let listed = setup.run(&["trust", "--list"]);
    assert_eq!(listed.status.code(), Some(0));
    assert!(text(&listed.stdout).contains("No config is trusted"));

    assert_eq!(setup.run(&["trust", "--yes"]).status.code(), Some(0));
    let canonical = setup.canonical_config().display().to_string();
    let listed = text(&setup.run(&["trust", "--list"]).stdout);
    assert!(listed.contains(&canonical), "{listed}");
    assert!(!listed.contains("asks again"), "{listed}");
    setup.write_config("edited");
    let listed = text(&setup.run(&["trust", "--list"]).stdout);
    assert!(
        listed.contains("asks again") && listed.contains("changed"),
        "{listed}"
    );

    let out = setup.run(&["untrust", ".streamlit/secrets.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(&canonical));
    let listed = text(&setup.run(&["trust", "--list"]).stdout);
    assert!(listed.contains("No config is trusted"), "{listed}");
    let again = setup.run(&["untrust", ".streamlit/secrets.toml"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("was not trusted"));
}

/// `doctor` on a trusted folder config says it is trusted and shows all it
/// does, as the prompt did.
#[test]
fn doctor_shows_what_a_trusted_folder_config_does() {
    let setup = Setup::new();
    let panel = "\n[[authdash.panels]]\nid = \"usage\"\ntitle = \"Usage\"\n\
                 source = { type = \"http\", url = \"https://collector.example/{org_id}\" }\n";
    let text_now = std::fs::read_to_string(&setup.config).unwrap() + panel;
    std::fs::write(&setup.config, text_now).unwrap();
    assert_eq!(setup.run(&["trust", "--yes"]).status.code(), Some(0));
    let out = setup.run(&["doctor"]);
    let report = text(&out.stdout);
    assert!(report.contains("trust\n"), "{report}");
    assert!(report.contains("is trusted as it is"), "{report}");
    assert!(
        report.contains("https://collector.example/{org_id}"),
        "{report}"
    );
    assert!(report.contains("auth.client_secret_env"), "{report}");
}
