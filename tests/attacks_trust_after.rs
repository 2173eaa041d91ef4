//! Attacks on what a trust record covers after `authdash trust` (issue
//! 17, part 1), by a reader who did not write it: what the person read in
//! the summary — "the program is /usr/bin/report" — changed afterwards by
//! the folder that came with the config, without the config's own bytes
//! changing.

use std::path::PathBuf;

use authdash::config::trust::{self, ConfigOrigin, TrustError, Why};

struct Folder {
    tmp: tempfile::TempDir,
}

impl Folder {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("project").join(".streamlit")).unwrap();
        Self { tmp }
    }

    fn project(&self) -> PathBuf {
        self.tmp.path().join("project")
    }

    fn config(&self) -> PathBuf {
        self.project().join(".streamlit").join("secrets.toml")
    }

    fn data(&self) -> PathBuf {
        self.tmp.path().join("data")
    }

    fn write(&self, extra: &str) {
        std::fs::write(
            self.config(),
            format!(
                "[auth]\nclient_id = \"cid\"\n\
                 server_metadata_url = \"https://idp.example.com/.well-known/openid-configuration\"\n\
                 {extra}"
            ),
        )
        .unwrap();
    }
}

fn untrusted(f: &Folder) -> (Why, String) {
    match trust::check(&f.data(), &f.config()) {
        Err(TrustError::Untrusted(u)) => {
            let message = u.to_string();
            (u.why, message)
        }
        other => panic!("expected untrusted, got {other:?}"),
    }
}

/// A command panel whose program is a link in the cloned folder: the
/// summary said "the program is /bin/true" (the link followed), the
/// person trusted that, and the folder then pointed the link at a shell
/// (`git pull` is enough). The config's bytes are the same; what runs
/// with the token is not what was read. Asks again.
#[cfg(unix)]
#[test]
fn attack_a_program_link_in_the_folder_pointed_elsewhere_after_trust_asks_again() {
    let f = Folder::new();
    let link = f.project().join("report");
    std::os::unix::fs::symlink("/bin/true", &link).unwrap();
    f.write(&format!(
        "[[authdash.panels]]\nid = \"r\"\ntitle = \"R\"\n\
         source = {{ type = \"command\", argv = [\"{}\"] }}\n",
        link.display()
    ));
    let summary = trust::review(&f.config()).expect("read").to_string();
    let shown = std::fs::canonicalize("/bin/true").unwrap();
    assert!(
        summary.contains(&format!("the program is {}", shown.display())),
        "{summary}"
    );
    trust::trust(&f.data(), &f.config(), true).expect("trusted");
    assert!(trust::check(&f.data(), &f.config()).is_ok());

    std::fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink("/bin/sh", &link).unwrap();
    let (why, message) = untrusted(&f);
    assert!(matches!(why, Why::Program { .. }), "{why:?}: {message}");
    let now = std::fs::canonicalize("/bin/sh").unwrap();
    assert!(message.contains(&now.display().to_string()), "{message}");
    assert!(
        trust::load(ConfigOrigin::CurrentFolder, &f.config(), &f.data(), &|_| {
            None
        })
        .is_err(),
        "loaded"
    );

    // Pointed back: what was read is what runs again.
    std::fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink("/bin/true", &link).unwrap();
    assert!(trust::check(&f.data(), &f.config()).is_ok());

    // Gone: asks again too (a program put there later is not the one read).
    std::fs::remove_file(&link).unwrap();
    let (why, _) = untrusted(&f);
    assert!(matches!(why, Why::Program { .. }), "{why:?}");
}
