//! A person's machine for session tests: a private home with its XDG
//! folders, the store's key in a key file there (where authdash keeps it
//! for a config without a store secret), configs written into it, the
//! session service over its one store, the binary as a second process, and
//! logins through the service with a test playing the person in the
//! browser.
//!
//! The key file costs nothing to open, where a `store_secret` costs an
//! Argon2id derivation in every store and every process; and it exists
//! before anything runs in the home, so authdash never asks the OS keyring
//! of the machine running the tests. The tests about the store secret
//! write it into their configs themselves ([`Home::config_with_secret`]).

use std::io::Write as _;
use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{Arc, Mutex};

use authdash::auth::{FlowEnvironment, FlowPreference, Os, Session};
use authdash::config::Config;
use authdash::demo::{DemoProvider, DemoSettings, config_toml};
use authdash::session::{LoginEvent, LoginRequest, SessionService, SessionSetup};
use authdash::store::{AccountId, FileStore, KEY_FILE_NAME, KeySource, TokenStore as _};

use super::{binary, browser};

/// The store secret of [`Home::config_with_secret`].
pub const SECRET: &str = "a test home's store secret";

/// Make the store's key file in `data_dir` as authdash would at a first
/// login: the folder 0700, 32 random bytes 0600. Its path.
pub fn make_key_file(data_dir: &Path) -> PathBuf {
    std::fs::create_dir_all(data_dir).expect("data folder");
    std::fs::set_permissions(data_dir, std::fs::Permissions::from_mode(0o700))
        .expect("data folder made private");
    let path = data_dir.join(KEY_FILE_NAME);
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .and_then(|mut f| f.write_all(&rand::random::<[u8; 32]>()))
        .expect("key file written");
    path
}

/// The store in `data_dir`, with the key file there as its key.
pub fn key_file_store(data_dir: &Path) -> FileStore {
    FileStore::new(data_dir, KeySource::KeyFile(data_dir.join(KEY_FILE_NAME)))
}

pub struct Home {
    pub dir: tempfile::TempDir,
    /// The one store of the home: every session service made here uses
    /// this very one, and the tests' reads and writes go to it.
    store: Arc<FileStore>,
}

impl Home {
    /// A home whose data folder holds the store's key file already.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let data_dir = dir.path().join("data").join("authdash");
        make_key_file(&data_dir);
        Self {
            store: Arc::new(key_file_store(&data_dir)),
            dir,
        }
    }

    /// Where the binary keeps its store in this home.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data").join("authdash")
    }

    /// The home's store, the one its session services use.
    pub fn store(&self) -> FileStore {
        (*self.store).clone()
    }

    /// What the store holds now for `session`'s account.
    pub fn stored(&self, session: &Session) -> Option<Session> {
        self.store
            .accounts()
            .expect("the store reads")
            .find(&AccountId::of(session))
            .cloned()
    }

    pub fn config_path(&self, file: &str) -> PathBuf {
        self.dir.path().join(file)
    }

    /// Write `toml` as `file`, private, and load it.
    pub fn config(&self, file: &str, toml: &str) -> Config {
        let path = self.config_path(file);
        std::fs::write(&path, toml).expect("config written");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .expect("config made private");
        Config::load(&path, &|_| None).expect("config parses")
    }

    /// [`Self::config`] with [`SECRET`] as its `store_secret`, for a test
    /// about a config holding one (the binary then keys its store with it,
    /// not with the home's key file).
    pub fn config_with_secret(&self, file: &str, toml: &str) -> Config {
        let text = toml.replacen(
            "[auth.",
            &format!("[auth]\nstore_secret = \"{SECRET}\"\n\n[auth."),
            1,
        );
        self.config(file, &text)
    }

    pub fn service(&self, config: &Config) -> Arc<SessionService> {
        Arc::new(self.new_service(config))
    }

    /// The session service over the home's store, opening addresses the
    /// way the tests do: not at all ([`browser::played_by_the_test`]).
    pub fn new_service(&self, config: &Config) -> SessionService {
        SessionService::new(self.setup(config)).with_url_opener(browser::played_by_the_test())
    }

    /// [`Self::service`], its command panels' programs inheriting what the
    /// binary would let through of `vars` (its environment).
    pub fn service_with_environment(
        &self,
        config: &Config,
        vars: Vec<(std::ffi::OsString, std::ffi::OsString)>,
    ) -> Arc<SessionService> {
        Arc::new(self.new_service(config).with_program_environment(vars))
    }

    /// The session service's setup over the home's store; `$BROWSER` is
    /// `true`, so that a service made of it never starts a real browser.
    pub fn setup(&self, config: &Config) -> SessionSetup {
        SessionSetup {
            config: config.clone(),
            store_path: self.store.path(),
            store: self.store.clone(),
            data_dir: self.data_dir(),
            browser_var: Some("true".into()),
            discovery_cache: None,
        }
    }

    /// The binary with config `file`, as a second process here, bounded.
    pub fn authdash(&self, file: &str, args: &[&str]) -> Output {
        binary::run(
            binary::command(self.dir.path())
                .arg("--config")
                .arg(self.config_path(file))
                .args(args),
        )
    }
}

impl Default for Home {
    fn default() -> Self {
        Self::new()
    }
}

/// The demo provider, a home whose config `a.toml` names it, and the
/// session service over that home's store: what most session tests start
/// from.
pub struct DemoHome {
    pub demo: DemoProvider,
    pub home: Home,
    pub config: Config,
    pub service: Arc<SessionService>,
}

impl DemoHome {
    pub async fn start() -> Self {
        Self::start_with(config_toml).await
    }

    /// The same with a config of `text` (made from the demo's issuer):
    /// the demo's own with more panels, say.
    pub async fn start_with(text: impl FnOnce(&str) -> String) -> Self {
        let demo = DemoProvider::start(DemoSettings::default())
            .await
            .expect("the demo provider starts");
        let home = Home::new();
        let config = home.config("a.toml", &text(demo.issuer_str()));
        let service = home.service(&config);
        Self {
            demo,
            home,
            config,
            service,
        }
    }
}

/// A home whose config `a.toml` is `toml`, its session service, and a
/// session logged in there at a provider that approves at once (the
/// broken provider).
pub async fn approved_home(toml: &str) -> (Home, Config, Arc<SessionService>, Session) {
    let home = Home::new();
    let config = home.config("a.toml", toml);
    let (service, session) = approved_login(&home, &config).await;
    (home, config, service, session)
}

/// The session service of `config` over `home`'s store, and a session
/// logged in there at a provider that approves at once.
pub async fn approved_login(home: &Home, config: &Config) -> (Arc<SessionService>, Session) {
    let service = home.service(config);
    let session = auto_approved_login(&service).await;
    (service, session)
}

/// Log in in the browser (the test's), whatever this machine has.
pub fn browser_login() -> LoginRequest {
    LoginRequest {
        provider: None,
        flow: Some(FlowPreference::Browser),
        environment: FlowEnvironment::from_vars(Os::current(), false, &|_| None),
        add_account: false,
        paste: Default::default(),
        scopes: Vec::new(),
    }
}

/// A browser login through the service, `approve` playing the person on
/// the login URL; the session, stored.
pub async fn login_with<F, Fut>(service: &SessionService, approve: F) -> Session
where
    F: FnOnce(String) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    login_asking(service, Vec::new(), approve).await
}

/// The same, asking the provider for `scopes` beyond the configured ones.
pub async fn login_asking<F, Fut>(
    service: &SessionService,
    scopes: Vec<String>,
    approve: F,
) -> Session
where
    F: FnOnce(String) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    try_login_asking(service, scopes, approve)
        .await
        .expect("login succeeds")
}

/// A browser login that may fail: the session (stored), or why not.
pub async fn try_login_asking<F, Fut>(
    service: &SessionService,
    scopes: Vec<String>,
    approve: F,
) -> Result<Session, String>
where
    F: FnOnce(String) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let (tx, rx) = tokio::sync::oneshot::channel();
    let tx = Mutex::new(Some(tx));
    let events = move |event: LoginEvent| {
        if let LoginEvent::BrowserUrl { url, .. } = event
            && let Some(tx) = tx.lock().unwrap_or_else(|p| p.into_inner()).take()
        {
            let _ = tx.send(url);
        }
    };
    let person = tokio::spawn(async move {
        let url = rx.await.expect("the login URL is shown");
        approve(url).await;
    });
    let request = LoginRequest {
        scopes,
        ..browser_login()
    };
    // Longer than a process's bound: a person in 10,000 organizations
    // takes tens of seconds to log in while the other tests run.
    let logged_in = tokio::time::timeout(4 * binary::BOUND, service.login(request, &events))
        .await
        .expect("login in time")
        .map_err(|e| e.to_string())?;
    person.await.expect("the person's side");
    logged_in.saved.expect("the session is stored");
    Ok(logged_in.session)
}

/// A login at a provider that approves at once (the broken provider):
/// the test follows its redirect to the callback.
pub async fn auto_approved_login(service: &SessionService) -> Session {
    login_with(service, |url| async move {
        let response = browser::client().get(&url).send().await.expect("authorize");
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .expect("a redirect to the callback")
            .to_owned();
        browser::follow(&url::Url::parse(&location).expect("absolute"))
            .await
            .expect("the callback answers");
    })
    .await
}

/// `user` signs in at the demo provider.
pub async fn demo_login(service: &SessionService, user: &'static str) -> Session {
    demo_login_asking(service, user, Vec::new()).await
}

/// `user` signs in at the demo provider, which is asked for `scopes` too.
pub async fn demo_login_asking(
    service: &SessionService,
    user: &'static str,
    scopes: Vec<String>,
) -> Session {
    login_asking(service, scopes, move |url| async move {
        browser::sign_in(&url, user).await.expect("demo sign-in");
    })
    .await
}

/// What a fetch of a panel's address gave, and the renewed session when it
/// took a renewal.
pub struct FetchedUrl {
    pub data: Result<serde_json::Value, String>,
    pub renewed: Option<Session>,
}

/// GET `url` with `session`'s token as a panel's `http` source would,
/// through the session service.
pub async fn fetch_url(service: &Arc<SessionService>, session: &Session, url: &str) -> FetchedUrl {
    let spec = authdash::panels::PanelSpec {
        id: "test".into(),
        title: "Test".into(),
        description: None,
        requires: Default::default(),
        data_url: Some(url.to_owned()),
        command: None,
        select: None,
        view: Default::default(),
        refresh: None,
    };
    let vars = authdash::panels::TemplateVars {
        org_id: "",
        org_name: "",
        user_id: &session.user.subject,
    };
    let fetched = service.fetch_source(session, &spec, vars).await;
    FetchedUrl {
        data: fetched.data.map_err(|e| e.to_string()),
        renewed: fetched.renewed,
    }
}
