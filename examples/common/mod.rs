//! What both examples share: a session service over a config (yours, or
//! the built-in demo provider's when none is given) and a store in a
//! folder of its own, and a login through it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use authdash::auth::{FlowEnvironment, Os};
use authdash::config::Config;
use authdash::demo::{DemoProvider, DemoSettings, SignInAs};
use authdash::identity::{OrgMembership, visible};
use authdash::session::{
    LoggedIn, LoginEvent, LoginRequest, PasteMode, Preferences, SessionService, SessionSetup,
};
use authdash::store::{FileStore, KEY_FILE_NAME, KeySource};

/// The session service, and the demo provider behind it when there is no
/// config of your own.
pub struct Setup {
    pub service: Arc<SessionService>,
    demo: Option<(DemoProvider, SignInAs)>,
    /// The store and preferences live here, for this run only.
    _folder: tempfile::TempDir,
}

impl Setup {
    /// Over the config at `config`, or the demo provider (signing in as
    /// alice, no browser needed) when there is none.
    pub async fn new(config: Option<&Path>) -> anyhow::Result<Setup> {
        let (config, demo) = match config {
            Some(path) => {
                let env = |name: &str| std::env::var(name).ok();
                (Config::load(path, &env)?, None)
            }
            None => {
                let provider = DemoProvider::start(DemoSettings::default()).await?;
                let text = authdash::demo::config_toml(provider.issuer_str());
                let key = provider.backend_api_key().to_owned();
                // The demo's backend key is this run's own; nothing else is
                // read from the environment.
                let env = |name: &str| {
                    (name == authdash::demo::DEMO_BACKEND_KEY_ENV).then(|| key.clone())
                };
                let config = Config::parse(Path::new("<demo config>"), &text, &env)?;
                let alice = provider
                    .terminal_sign_in()
                    .as_person("alice")
                    .context("the demo has alice")?;
                (config, Some((provider, alice)))
            }
        };
        let folder = tempfile::tempdir()?;
        // A folder the store makes itself, private (it refuses one others
        // can open).
        let data_dir: PathBuf = folder.path().join("authdash");
        let store = FileStore::new(&data_dir, KeySource::KeyFile(data_dir.join(KEY_FILE_NAME)));
        let service = SessionService::new(SessionSetup {
            config,
            store_path: store.path(),
            store: Arc::new(store),
            data_dir,
            browser_var: std::env::var("BROWSER").ok(),
            discovery_cache: None,
        });
        Ok(Setup {
            service: Arc::new(service),
            demo,
            _folder: folder,
        })
    }

    /// Log in to the config's provider (the only one, or the first): the
    /// demo's alice signs in at once; your provider opens a browser, or
    /// shows a code to enter on another device.
    pub async fn log_in(&self) -> anyhow::Result<LoggedIn> {
        let provider = self
            .service
            .config
            .providers
            .first()
            .map(|p| p.name.clone());
        let request = LoginRequest {
            provider,
            flow: None,
            environment: FlowEnvironment::from_vars(Os::current(), false, &|n| {
                std::env::var(n).ok()
            }),
            add_account: false,
            paste: PasteMode::Off,
            scopes: Vec::new(),
        };
        let logged_in = match &self.demo {
            Some((_, alice)) => {
                self.service
                    .login_with_stand_in(request, alice, &progress)
                    .await?
            }
            None => self.service.login(request, &progress).await?,
        };
        Ok(logged_in)
    }

    /// The organization the person works in: the one remembered for this
    /// account, else the first.
    pub fn active_org<'a>(&self, logged_in: &'a LoggedIn) -> Option<&'a OrgMembership> {
        let user = &logged_in.session.user;
        let preferences = Preferences::load(&self.service.data_dir);
        let remembered = preferences.active_org(&logged_in.session.provider, &user.subject);
        user.orgs
            .iter()
            .find(|o| Some(o.org_id.as_str()) == remembered)
            .or(user.orgs.first())
    }

    pub async fn shutdown(self) {
        if let Some((provider, _)) = self.demo {
            provider.shutdown().await;
        }
    }
}

/// What the login is doing, on stderr (the address and the code are what
/// a person needs to act on).
fn progress(event: LoginEvent) {
    match event {
        LoginEvent::BrowserUrl { url, .. } => eprintln!("Log in at {}", visible(&url)),
        LoginEvent::DeviceCode(code) => eprintln!(
            "Enter {} at {}",
            visible(&code.user_code),
            visible(&code.verification_uri)
        ),
        LoginEvent::Refused(why) => eprintln!("{}", visible(&why)),
        _ => {}
    }
}
