//! A dashboard over the shared fake provider, for what oidc-provider
//! cannot do: refuse one API in Entra's words, answer another audience,
//! and record the exact requests of each provider style.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use authdash::auth::Session;
use authdash::config::Config;
use authdash::panels::SourceError;
use authdash::session::{FetchedSource, LoginEvent, SessionError, SessionService};

use super::apis::{ACME, REPORTS, TestApi};
use crate::support::broken_provider::{BrokenProvider, CLIENT_ID, Fault};
use crate::support::home::{Home, auto_approved_login, browser_login};

pub struct Fake {
    pub op: BrokenProvider,
    pub home: Home,
}

impl Fake {
    pub async fn start() -> Self {
        Self {
            op: BrokenProvider::start(Fault::None).await,
            home: Home::new(),
        }
    }

    /// A config in `style` with `panels` (each: id, API, its URL, scopes)
    /// and provider lines `extra`.
    pub fn config(
        &self,
        file: &str,
        style: &str,
        panels: &[(&str, &str, &TestApi, &[&str])],
        extra: &str,
    ) -> Config {
        let mut text = format!(
            "[auth.test]\nclient_id = \"{CLIENT_ID}\"\nserver_metadata_url = \"{}\"\n\
             redirect_uri = \"http://127.0.0.1/callback\"\nresource_style = \"{style}\"\n{extra}\n\
             [authdash]\nconnect_timeout_secs = 5\nrequest_timeout_secs = 10\n",
            self.op.metadata_url()
        );
        for (id, resource, api, scopes) in panels {
            let scopes = scopes
                .iter()
                .map(|s| format!("\"{s}\""))
                .collect::<Vec<_>>()
                .join(", ");
            text.push_str(&format!(
                "\n[[authdash.panels]]\nid = \"{id}\"\ntitle = \"{id}\"\n\
                 source = {{ type = \"http\", url = \"{}\", resource = \"{resource}\", scopes = [{scopes}] }}\n",
                api.url
            ));
        }
        self.home.config(file, &text)
    }

    /// A session service over [`Self::config`]'s `c.toml`, and a login
    /// there that the provider approved at once.
    pub async fn logged_in(
        &self,
        style: &str,
        panels: &[(&str, &str, &TestApi, &[&str])],
        extra: &str,
    ) -> (Arc<SessionService>, Session) {
        let service = self.service(&self.config("c.toml", style, panels, extra));
        let session = self.login(&service).await;
        (service, session)
    }

    pub fn service(&self, config: &Config) -> Arc<SessionService> {
        self.home.service(config)
    }

    pub async fn login(&self, service: &SessionService) -> Session {
        auto_approved_login(service).await
    }

    /// The token requests that asked for an API (not the login's).
    pub fn api_forms(&self) -> Vec<HashMap<String, String>> {
        self.op
            .token_forms()
            .into_iter()
            .filter(|f| {
                f.get("grant_type").map(String::as_str) == Some("refresh_token")
                    && (f.contains_key("resource")
                        || f.contains_key("audience")
                        || f.get("scope").is_some_and(|s| s.contains("://")))
            })
            .collect()
    }
}

pub async fn open(service: &Arc<SessionService>, session: &Session, id: &str) -> FetchedSource {
    let spec = service
        .config
        .panels
        .iter()
        .find(|p| p.id == id)
        .expect("the panel")
        .clone();
    tokio::time::timeout(
        Duration::from_secs(30),
        service.fetch_source(session, &spec, ACME),
    )
    .await
    .expect("the panel loads in time")
}

/// The lock a refusal puts on a panel: its reason, fix and step-up.
pub fn locked(fetched: &FetchedSource) -> (String, String, bool) {
    match &fetched.data {
        Err(SourceError::ApiRefused {
            reason,
            fix,
            step_up,
            ..
        }) => (reason.clone(), fix.clone(), *step_up),
        other => panic!("the panel is not locked: {other:?}"),
    }
}

/// The fake provider approves at once: follow its answer to the
/// authorization URL to the login's loopback callback. Whether the
/// callback answered (it may be gone: the login refused or abandoned).
pub async fn approve(url: String) -> bool {
    let response = crate::support::browser::client()
        .get(&url)
        .send()
        .await
        .expect("authorize");
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .expect("a redirect to the callback")
        .to_owned();
    crate::support::browser::follow(&url::Url::parse(&location).expect("absolute"))
        .await
        .is_ok()
}

/// The login for the reports API alone; `meanwhile` runs once the
/// browser would open, before the provider is answered.
pub async fn step_up_for_reports<F, Fut>(
    service: &Arc<SessionService>,
    current: &Session,
    meanwhile: F,
) -> Result<Session, SessionError>
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    step_up_answered(service, current, meanwhile).await.0
}

/// [`step_up_for_reports`], and whether the login's callback answered.
pub async fn step_up_answered<F, Fut>(
    service: &Arc<SessionService>,
    current: &Session,
    meanwhile: F,
) -> (Result<Session, SessionError>, bool)
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let api = service
        .api_named(current, REPORTS)
        .expect("a configured API");
    let (tx, rx) = tokio::sync::oneshot::channel();
    let tx = std::sync::Mutex::new(Some(tx));
    let events = move |event: LoginEvent| {
        if let LoginEvent::BrowserUrl { url, .. } = event
            && let Some(tx) = tx.lock().unwrap_or_else(|p| p.into_inner()).take()
        {
            let _ = tx.send(url);
        }
    };
    let approving = tokio::spawn(async move {
        match rx.await {
            Ok(url) => {
                meanwhile().await;
                approve(url).await
            }
            Err(_) => false,
        }
    });
    let result = tokio::time::timeout(
        Duration::from_secs(30),
        service.login_for_api(browser_login(), current, &api, &events),
    )
    .await
    .expect("the login ends in time");
    let answered = approving.await.expect("the approval task");
    (result.map(|logged_in| logged_in.session), answered)
}
