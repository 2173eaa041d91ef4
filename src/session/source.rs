//! A panel's data from its source, with the account's access token: the
//! token is renewed first when near expiry; on an http 401 the session
//! is renewed once and the request tried once more. A command source
//! gets the token in its environment only, beside the few variables
//! [`SessionService::with_program_environment`] let through.

use std::sync::Arc;

use secrecy::ExposeSecret;
use serde_json::Value;

use super::panel_http::fetch_http;
use super::panel_url::check_panel_url;
use super::program::{ProgramRun, run_command};
use super::{ApiAccess, SessionError, SessionService};
use crate::auth::Session;
use crate::config::ApiRef;
use crate::panels::{self, CommandSource, PanelSpec, SourceError, TemplateVars};

/// A panel fetch's result, and the renewed session when it took a
/// renewal (the face must keep it: the old refresh token may be spent).
#[derive(Debug)]
pub struct FetchedSource {
    pub data: Result<Value, SourceError>,
    pub renewed: Option<Session>,
    /// The session as stored after the panel's API token was got (its
    /// refresh token may have rotated, and it holds the new token): the
    /// face keeps it. Not a renewal: the login's tokens are as they were.
    pub api_session: Option<Session>,
    /// The renewal the fetch needed found the session over (logged out
    /// by another process, `invalid_grant`): only a new login helps, and
    /// the face should say so rather than offer a reload.
    pub ended: Option<SessionError>,
}

impl SessionService {
    /// Fetch `spec`'s data in the org `vars` names, through the provider
    /// that issued `session`, and pick the part its `select` names.
    ///
    /// The fetch may be cancelled (dropped) at any point; a renewal it
    /// needs runs as a task of its own and finishes regardless, since a
    /// rotated refresh token in flight must reach the store.
    pub async fn fetch_source(
        self: &Arc<Self>,
        session: &Session,
        spec: &PanelSpec,
        vars: TemplateVars<'_>,
    ) -> FetchedSource {
        let mut renewed = None;
        let mut ended = None;
        let mut api_session = None;
        let data = self
            .source_inner(
                session,
                spec,
                vars,
                (&mut renewed, &mut api_session),
                &mut ended,
            )
            .await
            .and_then(|v| panels::select(v, spec.select.as_deref()));
        FetchedSource {
            data,
            renewed,
            api_session,
            ended,
        }
    }

    /// `usable` or `renew` in a task that outlives the caller.
    async fn detached(
        self: &Arc<Self>,
        session: &Session,
        force: bool,
    ) -> Result<Session, SessionError> {
        let this = self.clone();
        let session = session.clone();
        tokio::spawn(async move {
            if force {
                this.renew(&session).await
            } else {
                this.usable(&session).await
            }
        })
        .await
        .map_err(|e| SessionError::Task(e.to_string()))?
    }

    async fn source_inner(
        self: &Arc<Self>,
        session: &Session,
        spec: &PanelSpec,
        vars: TemplateVars<'_>,
        (renewed, api_session): (&mut Option<Session>, &mut Option<Session>),
        ended: &mut Option<SessionError>,
    ) -> Result<Value, SourceError> {
        let other = |e: &dyn std::fmt::Display| SourceError::Other(e.to_string());
        // A renewal that ends the session is kept for the face, beside
        // the panel's error.
        let mut renewal_failed = |e: SessionError| {
            if let SessionError::Api(refusal) = e {
                return SourceError::ApiRefused {
                    reason: refusal.reason,
                    fix: refusal.fix,
                    step_up: refusal.step_up,
                    ask: refusal.ask,
                };
            }
            let error = other(&e);
            if e.needs_login() {
                *ended = Some(e);
            }
            error
        };
        // Refused before any renewal or request: an argument the program
        // would read as an option.
        let argv = spec.argv_for(vars).transpose().map_err(|e| other(&e))?;
        let url = spec.url_for(vars).map_err(|e| other(&e))?;
        if let Some(url) = &url {
            check_panel_url(url, None).map_err(SourceError::Other)?;
        }
        let provider = self.provider_of(session).await.map_err(|e| other(&e))?;
        if let Some(url) = &url {
            check_panel_url(url, Some(&provider)).map_err(SourceError::Other)?;
        }
        // A panel naming its API gets that API's token, never the login's
        // (nor one bound to another organization than the panel's).
        if let Some(api) = self.config.panel_api(&spec.id) {
            let org = Some(vars.org_id.to_owned()).filter(|o| !o.is_empty());
            let access = self
                .api_detached(session, api, org.clone(), None)
                .await
                .map_err(&mut renewal_failed)?;
            let first = access.token.clone();
            // `requires.scopes` of a panel with its own API are that API's.
            let missing: Vec<&str> = spec
                .requires
                .scopes
                .iter()
                .filter(|s| !crate::auth::has_scope(&first.scopes, s))
                .map(String::as_str)
                .collect();
            if let Some(stored) = access.session {
                *api_session = Some(stored);
            }
            if !missing.is_empty() {
                return Err(SourceError::ApiRefused {
                    reason: format!(
                        "the token for {} lacks the scope {}",
                        crate::identity::visible(&api.resource),
                        crate::identity::visible(&missing.join(", "))
                    ),
                    fix: "log in again asking for it (u on the panel)".into(),
                    step_up: true,
                    ask: missing.iter().map(|s| (*s).to_owned()).collect(),
                });
            }
            let refresh = renewed
                .as_ref()
                .unwrap_or(session)
                .tokens
                .refresh_token
                .clone();
            let refresh = refresh.as_ref().map(ExposeSecret::expose_secret);
            if let (Some(command), Some(argv)) = (&spec.command, argv) {
                return self
                    .run_panel_program(spec, command, &argv, first.secret(), refresh)
                    .await;
            }
            let Some(url) = url else {
                return Err(no_source());
            };
            let http = provider.http();
            let cap = self.config.http.panel_body_cap;
            return match fetch_http(http, &url, first.secret(), cap).await {
                // Refused fresh: one new token, then it is said.
                Err(SourceError::Unauthorized) => {
                    let held = api_session.clone().unwrap_or_else(|| session.clone());
                    let again = self
                        .api_detached(&held, api, org.clone(), Some(first.secret().to_owned()))
                        .await
                        .map_err(&mut renewal_failed)?;
                    if let Some(stored) = again.session {
                        *api_session = Some(stored);
                    }
                    fetch_http(http, &url, again.token.secret(), cap).await
                }
                result => result,
            };
        }
        // The usual case, a fresh token, copies nothing.
        let held;
        let current: &Session = if self.usable_as_is(session).map_err(|e| other(&e))? {
            session
        } else {
            let usable = self
                .detached(session, false)
                .await
                .map_err(&mut renewal_failed)?;
            if usable.access_token() != session.access_token() {
                &*renewed.insert(usable)
            } else {
                held = usable;
                &held
            }
        };
        if let (Some(command), Some(argv)) = (&spec.command, argv) {
            let refresh = current
                .tokens
                .refresh_token
                .as_ref()
                .map(ExposeSecret::expose_secret);
            return self
                .run_panel_program(spec, command, &argv, current.access_token(), refresh)
                .await;
        }
        let Some(url) = url else {
            return Err(no_source());
        };
        let http = provider.http();
        let cap = self.config.http.panel_body_cap;
        match fetch_http(http, &url, current.access_token(), cap).await {
            Err(SourceError::Unauthorized) if current.can_refresh() => {
                let fresh = self
                    .detached(current, true)
                    .await
                    .map_err(&mut renewal_failed)?;
                let fresh = renewed.insert(fresh);
                fetch_http(http, &url, fresh.access_token(), cap).await
            }
            result => result,
        }
    }
}

impl SessionService {
    /// `api_token` in a task that outlives the caller: a rotated refresh
    /// token in flight must reach the store.
    async fn api_detached(
        self: &Arc<Self>,
        session: &Session,
        api: &ApiRef,
        org: Option<String>,
        stale: Option<String>,
    ) -> Result<ApiAccess, SessionError> {
        let this = self.clone();
        let session = session.clone();
        let api = api.clone();
        tokio::spawn(async move {
            this.api_token(&session, &api, org.as_deref(), stale.as_deref())
                .await
        })
        .await
        .map_err(|e| SessionError::Task(e.to_string()))?
    }

    /// A command panel's program, the token it is given in its
    /// environment (and both tokens taken out of what it says).
    async fn run_panel_program(
        &self,
        spec: &PanelSpec,
        command: &CommandSource,
        argv: &[String],
        access_token: &str,
        refresh_token: Option<&str>,
    ) -> Result<Value, SourceError> {
        let trusted = self
            .config
            .trusted_programs
            .iter()
            .find(|p| p.panel == spec.id);
        if trusted.is_some_and(|p| p.resolved.is_none()) {
            return Err(SourceError::Command(format!(
                "`{}` was not there when you trusted the config, so what is there now was \
                 never shown to you; run `authdash trust` again",
                argv.first().map(String::as_str).unwrap_or_default()
            )));
        }
        let run = ProgramRun {
            argv,
            program: trusted.and_then(|p| p.resolved.as_deref()),
            // A folder config's programs run in its folder, where it
            // was read and trusted: its relative arguments
            // (`scripts/usage.py`) are that folder's files, not those
            // of a folder whose `.streamlit` links to it.
            dir: trusted.and_then(|_| crate::config::trust::folder_of(&self.config.path)),
            environment: &self.program_environment,
            access_token,
            refresh_token,
        };
        run_command(command, run).await
    }
}

fn no_source() -> SourceError {
    SourceError::Other("the panel has no source (source or data_url)".into())
}
