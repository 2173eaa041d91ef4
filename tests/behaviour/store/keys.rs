//! Rule 3 through the binary: sessions written under config A's
//! `store_secret`, then authdash run with config B (another secret) or a
//! config without one. It says which key the store wants and how to give
//! it, and leaves the file exactly as it was.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Output;

use support::binary;

use authdash::auth::Session;
use authdash::store::{FileStore, KEY_FILE_NAME, KeySource, TokenStore};
use chrono::Utc;
use secrecy::SecretString;

const PROVIDER: &str = "[auth.acme]\nclient_id = \"c\"\nserver_metadata_url = \"http://127.0.0.1:1/.well-known/openid-configuration\"\n";

fn session() -> Session {
    support::session::hand_made("acme", "access", Utc::now() + chrono::TimeDelta::hours(1))
}

struct Home(tempfile::TempDir);

impl Home {
    fn data_dir(&self) -> PathBuf {
        self.0.path().join("data").join("authdash")
    }

    fn config(&self, name: &str, auth: &str) -> PathBuf {
        let path = self.0.path().join(name);
        std::fs::write(&path, format!("[auth]\n{auth}\n{PROVIDER}")).unwrap();
        #[cfg(unix)]
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o600))
            .unwrap();
        path
    }

    fn run(&self, config: &Path, args: &[&str]) -> Output {
        binary::run(
            binary::command(self.0.path())
                .arg("--config")
                .arg(config)
                .args(args),
        )
    }
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn another_config_is_told_which_key_and_changes_nothing() {
    let home = Home(tempfile::tempdir().unwrap());
    let secret_a = "config A's long store secret";
    let a = FileStore::new(
        home.data_dir(),
        KeySource::Secret(SecretString::from(secret_a.to_owned())),
    );
    a.save(&session()).unwrap();
    let store_file = a.path();
    let before = std::fs::read(&store_file).unwrap();
    let files_before = entries(&home.data_dir());

    let config_b = home.config("b.toml", "store_secret = \"config B's secret\"");
    let config_none = home.config("none.toml", "");
    for (config, what) in [(&config_b, "B's secret"), (&config_none, "no secret")] {
        for args in [&["status"][..], &["logout", "--all"][..]] {
            let out = home.run(config, args);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_ne!(out.status.code(), Some(0), "{what} {args:?}: {stderr}");
            assert!(
                stderr.contains("nothing was changed")
                    && stderr.contains("set `store_secret` (or `cookie_secret`)"),
                "{what} {args:?}: {stderr}"
            );
            assert_eq!(
                std::fs::read(&store_file).unwrap(),
                before,
                "{what} {args:?}: the file is untouched"
            );
            assert_eq!(
                entries(&home.data_dir()),
                files_before,
                "{what} {args:?}: nothing set aside, no key made"
            );
        }
    }
    assert!(!home.data_dir().join(KEY_FILE_NAME).exists());
    let config_a = home.config("a.toml", &format!("store_secret = \"{secret_a}\""));
    let out = home.run(&config_a, &["status"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "A still opens it: {stdout}");
    assert!(stdout.contains("alice"), "{stdout}");
    assert_eq!(a.accounts().unwrap().sessions.len(), 1);
}
