//! The binary's subcommands against the demo provider, as the CLI tests
//! run them: a home of its own, a config there holding a store secret
//! (private, as authdash asks), sessions logged in through the engine and
//! stored, and the binary run with that config.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use authdash::auth::Session;
use authdash::config::Config;
use authdash::demo::{DemoProvider, DemoSettings, config_toml};
use authdash::store::{FileStore, KeySource, TokenStore as _};
use secrecy::SecretString;

use super::{binary, engine};

pub const SECRET: &str = "a test store secret, long enough";

pub struct Setup {
    pub demo: DemoProvider,
    pub config: Config,
    pub home: tempfile::TempDir,
    pub config_path: PathBuf,
}

impl Setup {
    pub async fn new(settings: DemoSettings) -> Self {
        Self::with_extra(settings, "").await
    }

    /// `extra` lines go into the demo config's `[authdash]` table.
    pub async fn with_extra(settings: DemoSettings, extra: &str) -> Self {
        let demo = DemoProvider::start(settings).await.unwrap();
        let home = tempfile::tempdir().unwrap();
        let text = format!(
            "{}\n",
            config_toml(demo.issuer_str())
                .replacen("[authdash]", &format!("[authdash]\n{extra}"), 1)
                .replace(
                    "[auth.demo]",
                    &format!("[auth]\nstore_secret = \"{SECRET}\"\n\n[auth.demo]")
                )
        );
        let config_path = home.path().join("authdash.toml");
        std::fs::write(&config_path, &text).unwrap();
        set_mode(&config_path, 0o600);
        let config = Config::load(&config_path, &|_| None).unwrap();
        Self {
            demo,
            config,
            home,
            config_path,
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.home.path().join("data").join("authdash")
    }

    pub fn store(&self) -> FileStore {
        FileStore::new(
            self.data_dir(),
            KeySource::Secret(SecretString::from(SECRET.to_owned())),
        )
    }

    /// Log `user` in without the binary and store the session (active).
    pub async fn login(&self, user: &str) -> Session {
        let session = engine::demo_login(&self.config, user).await;
        self.store().save(&session).unwrap();
        session
    }

    /// The session the store holds as active.
    pub fn active_session(&self) -> Session {
        self.store()
            .accounts()
            .expect("the store reads")
            .active_session()
            .cloned()
            .expect("an active session")
    }

    /// The binary with this home and config.
    pub fn command(&self, args: &[&str]) -> Command {
        command(self.home.path(), &self.config_path, args)
    }

    /// Run to completion, bounded.
    pub fn run(&self, args: &[&str]) -> Output {
        binary::run(&mut self.command(args))
    }
}

/// The binary with `home` as its home and `config_path` as its config.
pub fn command(home: &Path, config_path: &Path, args: &[&str]) -> Command {
    let mut cmd = binary::command(home);
    cmd.args(["--config", config_path.to_str().unwrap()])
        .args(args);
    cmd
}

pub fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}
