//! The binary's subcommands against the demo provider, as the CLI tests
//! run them: a home of its own with the store's key file in it (see
//! `home`), a config there (private, as authdash asks), sessions logged in
//! through the engine and stored, and the binary run with that config.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use authdash::auth::Session;
use authdash::config::Config;
use authdash::demo::{DemoProvider, DemoSettings, config_toml};
use authdash::store::{FileStore, KeySource, TokenStore as _};
use secrecy::SecretString;

use super::home::{key_file_store, make_key_file};
use super::{binary, engine};

/// The store secret of [`Setup::with_secret`].
pub const SECRET: &str = "a test store secret, long enough";

pub struct Setup {
    pub demo: DemoProvider,
    pub config: Config,
    pub home: tempfile::TempDir,
    pub config_path: PathBuf,
    /// The store as the binary opens it with this config.
    store: FileStore,
}

impl Setup {
    pub async fn new(settings: DemoSettings) -> Self {
        Self::with_extra(settings, "").await
    }

    /// `extra` lines go into the demo config's `[authdash]` table.
    pub async fn with_extra(settings: DemoSettings, extra: &str) -> Self {
        Self::start(settings, extra, None).await
    }

    /// The config holds [`SECRET`] as its `store_secret`, for a test about
    /// a config holding one: the binary keys its store with the secret.
    pub async fn with_secret(settings: DemoSettings) -> Self {
        Self::start(settings, "", Some(SECRET)).await
    }

    async fn start(settings: DemoSettings, extra: &str, secret: Option<&str>) -> Self {
        let demo = DemoProvider::start(settings).await.unwrap();
        let home = tempfile::tempdir().unwrap();
        let data_dir = home.path().join("data").join("authdash");
        let (auth, store) = match secret {
            Some(secret) => (
                format!("[auth]\nstore_secret = \"{secret}\"\n\n"),
                FileStore::new(
                    &data_dir,
                    KeySource::Secret(SecretString::from(secret.to_owned())),
                ),
            ),
            None => {
                make_key_file(&data_dir);
                (String::new(), key_file_store(&data_dir))
            }
        };
        let text = format!(
            "{}\n",
            config_toml(demo.issuer_str())
                .replacen("[authdash]", &format!("[authdash]\n{extra}"), 1)
                .replace("[auth.demo]", &format!("{auth}[auth.demo]"))
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
            store,
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.home.path().join("data").join("authdash")
    }

    /// The store as the binary opens it with this config.
    pub fn store(&self) -> FileStore {
        self.store.clone()
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
