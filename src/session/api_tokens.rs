//! A token per API (a panel's `resource`, a script's `--resource`): held
//! in the session while valid, else asked for with the refresh token in
//! the provider's style, under the store lock and after a re-read, as a
//! renewal is (two panels opening at once never spend one refresh token
//! twice; the rotated refresh token is stored before anything that can
//! fail). A refusal concerns that API alone: it never ends the session.

use std::sync::Arc;
use std::time::Duration;

use super::{SessionError, SessionService, blocking, provider_for};
use crate::auth::{ApiToken, ApiTokens, AuthError, Session, has_scope, sendable_in, sendable_to};
use crate::config::{ApiRef, ProviderConfig, ResourceStyle};
use crate::identity::visible;
use chrono::{TimeDelta, Utc};
use secrecy::SecretString;

/// What a login asks for beyond its configured scopes so that the
/// session can get its API tokens later (RFC 8707 only: the others ask
/// per API).
pub(crate) struct LoginApis {
    pub(crate) resources: Vec<String>,
    pub(crate) scopes: Vec<String>,
}

/// Why there is no token for one API, and what to do: said in the panel
/// (which locks) or by `token --resource`. The session is untouched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}; {fix}")]
pub struct ApiRefusal {
    pub(crate) resource: String,
    pub reason: String,
    pub fix: String,
    /// A new login asking for it may help (the TUI's `u`).
    pub(crate) step_up: bool,
    /// The scopes that login asks for beyond the configured ones (Entra's
    /// `<resource>/.default`, which brings its consent prompt).
    pub(crate) ask: Vec<String>,
}

/// A token for one API, and the session as stored after getting it (the
/// face keeps it: its refresh token may have rotated).
#[derive(Debug)]
pub struct ApiAccess {
    pub token: ApiToken,
    pub(crate) session: Option<Session>,
}

const STEP_UP: &str = "log in again so that it is asked for (u on the panel, or `authdash login`)";

impl SessionService {
    /// Every API the config names for `provider`'s sessions.
    pub(crate) fn configured_apis(&self, provider: &ProviderConfig) -> Vec<ApiRef> {
        self.config.apis(provider)
    }

    pub(crate) fn login_apis(&self, provider: &ProviderConfig) -> LoginApis {
        let mut out = LoginApis {
            resources: Vec::new(),
            scopes: Vec::new(),
        };
        if provider.resource_style != ResourceStyle::Rfc8707 {
            return out;
        }
        for api in self.config.apis(provider) {
            out.resources.push(api.resource);
            for s in api.scopes {
                if !out.scopes.contains(&s) {
                    out.scopes.push(s);
                }
            }
        }
        out
    }

    /// The API `resource` names among those configured for `session`'s
    /// provider; refused with the list otherwise.
    pub fn api_named(&self, session: &Session, resource: &str) -> Result<ApiRef, SessionError> {
        let provider = provider_for(&self.config, session)?;
        let apis = self.config.apis(provider);
        apis.iter()
            .find(|a| a.resource == resource)
            .cloned()
            .ok_or_else(|| {
                let list = apis
                    .iter()
                    .map(|a| a.resource.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                SessionError::Usage(format!(
                    "`{}` is not an API {} names for {}: {}; add it to the provider's \
                     `resources` (or a panel's `resource`) to ask tokens for it",
                    visible(resource),
                    self.config.path.display(),
                    provider.label,
                    if list.is_empty() {
                        "it names none".to_owned()
                    } else {
                        format!("it names {list}")
                    }
                ))
            })
    }

    /// A token for `api`: the one `session` holds while valid (no
    /// request), else a new one. `stale` names a token the API refused
    /// (401): it is not handed back again.
    pub async fn api_token(
        &self,
        session: &Session,
        api: &ApiRef,
        org: Option<&str>,
        stale: Option<&str>,
    ) -> Result<ApiAccess, SessionError> {
        self.api_token_lasting(session, api, org, stale, Duration::ZERO)
            .await
    }

    /// [`Self::api_token`], a held token used only while it has
    /// `at_least` left (a script's `--min-ttl`), else renewed.
    pub(crate) async fn api_token_lasting(
        &self,
        session: &Session,
        api: &ApiRef,
        org: Option<&str>,
        stale: Option<&str>,
        at_least: Duration,
    ) -> Result<ApiAccess, SessionError> {
        let now = Utc::now();
        let lasts = |t: &ApiToken| {
            t.expires_at.is_none_or(|at| {
                TimeDelta::from_std(at_least)
                    .ok()
                    .and_then(|d| now.checked_add_signed(d))
                    .is_some_and(|then| then <= at)
            })
        };
        // Its own `aud` (and `org_id`) is read again: a held token goes
        // only where it says.
        let usable = |t: &ApiToken| {
            t.fresh(now)
                && lasts(t)
                && Some(t.secret()) != stale
                && sendable_to(t.secret(), &api.resource)
                && sendable_in(t.secret(), org)
        };
        // The active organization's token, else one bound to none.
        let held = |apis: &ApiTokens| -> Option<ApiToken> {
            apis.find(&api.resource, org)
                .or_else(|| apis.find(&api.resource, None))
                .cloned()
        };
        provider_for(&self.config, session)?;
        if let Some(held) = held(&session.apis)
            && usable(&held)
        {
            return Ok(ApiAccess {
                token: held,
                session: None,
            });
        }
        let _renewing = self.renewals.clone().read_owned().await;
        let provider = self.provider_of(session).await?;
        let style = provider.config().resource_style;
        let ask = crate::auth::request_scopes(api, style);
        let refused = |reason: String, fix: &str, step_up: bool| {
            SessionError::Api(ApiRefusal {
                resource: api.resource.clone(),
                reason,
                fix: fix.to_owned(),
                step_up,
                ask: ask.clone(),
            })
        };
        let shown = visible(&api.resource).into_owned();
        let store = self.store.clone();
        let doing = format!("getting a token for {shown}");
        let guard = Arc::new(blocking(move || store.lock_for(&doing)).await?);
        let mut accounts = self.read_locked(&guard).await?;
        let mut stored = super::stored_of(&accounts, session)?;
        // Another panel or process got one meanwhile: theirs.
        if let Some(held) = held(&stored.apis)
            && usable(&held)
        {
            return Ok(ApiAccess {
                token: held,
                session: Some(stored),
            });
        }
        // A token a login asked for this API alone renews with its own
        // refresh token; the session's is not spent on it.
        let own = held(&stored.apis).and_then(|t| t.refresh_token);
        let Some(refresh_token) = own.clone().or_else(|| stored.tokens.refresh_token.clone())
        else {
            return Err(refused(
                format!("the session has no refresh token to get a token for {shown} with"),
                "log in again asking for offline access (u on the panel, or `authdash login`)",
                true,
            ));
        };
        if own.is_none()
            && style == ResourceStyle::Rfc8707
            && !stored.apis.asked_at_login.contains(&api.resource)
        {
            return Err(refused(
                format!("the login did not ask for {shown}, so the provider would refuse it"),
                STEP_UP,
                true,
            ));
        }
        let grant = match provider
            .exchange_for_api(&refresh_token, api, style, org)
            .await
        {
            Ok(grant) => grant,
            Err(AuthError::ApiTokenRefused { error, .. }) => {
                let (reason, fix, step_up) = match style {
                    ResourceStyle::Audience => {
                        auth0_explain(&error.error, error.description.as_deref(), &api.resource)
                    }
                    _ => None,
                }
                .unwrap_or_else(|| explain(&error.error, error.description.as_deref()));
                // A provider may echo what it was sent: no token of the
                // session's reaches the panel or stderr through its words.
                let said = without_secrets(error.to_string(), &stored, &refresh_token);
                return Err(refused(
                    format!("the provider gave no token for {shown}: {reason}. It said: {said}"),
                    fix,
                    step_up,
                ));
            }
            Err(e) => return Err(e.into()),
        };
        // The old refresh token may be spent: the new one is stored first
        // (the API's own where it was the API's).
        let mut api_refresh = own.clone();
        if let Some(rotated) = grant.refresh_token {
            match held(&stored.apis).filter(|_| own.is_some()) {
                Some(mut held) => {
                    held.refresh_token = Some(rotated.clone());
                    api_refresh = Some(rotated);
                    stored.apis.put(held);
                }
                None => stored.tokens.refresh_token = Some(rotated),
            }
            accounts.upsert(stored.clone());
            accounts = self.write_locked(&guard, accounts).await?;
        }
        let mut token = grant.token;
        token.refresh_token = api_refresh;
        if !sendable_to(token.secret(), &api.resource) {
            tracing::warn!(
                "a token for {shown} came with the audience {:?}: not used",
                token.audience
            );
            let whose = if token.audience.is_empty() {
                "a token that names no audience".to_owned()
            } else {
                format!("a token for {}", visible(&token.audience.join(", ")))
            };
            // Auth0 answers an audience the refresh token may not get
            // (no multi-resource refresh token policy for it) with its
            // default one: a login asking for that audience may.
            let auth0 = style == ResourceStyle::Audience;
            return Err(refused(
                format!("the provider answered with {whose} instead of {shown}; it was not sent"),
                if auth0 {
                    AUDIENCE_STEP_UP
                } else {
                    "check the API's identifier in the config against the provider's (Auth0 \
                     answers an audience it does not know with its default one)"
                },
                auth0,
            ));
        }
        if let Some(old) = stored.apis.find(&api.resource, token.org.as_deref()) {
            token.renewals = old.renewals.saturating_add(1);
        }
        // Bound to another organization than the one it is for (Auth0
        // binds a login's tokens to its organization): kept for that one,
        // never sent for this one.
        if !sendable_in(token.secret(), org) {
            let here = org.map_or_else(
                || "no organization".to_owned(),
                |o| format!("the organization {}", visible(o)),
            );
            // An `org_id` that is no one organization's id (a number, a
            // list): good nowhere, so not kept.
            let Some(bound_to) = token.org.clone() else {
                return Err(refused(
                    format!(
                        "the provider's token for {shown} names its organization in a form that \
                         is no organization's id; it was not sent nor kept"
                    ),
                    "check the provider's org_id claim",
                    false,
                ));
            };
            let bound = visible(&bound_to).into_owned();
            // Kept for its own organization, where it may go later; not for
            // one the person is not in (where the session knows theirs).
            let theirs = stored.user.orgs.is_empty()
                || stored.user.orgs.iter().any(|o| o.org_id == bound_to);
            if theirs {
                stored.apis.put(token);
                accounts.upsert(stored.clone());
                self.write_locked(&guard, accounts).await?;
            }
            return Err(refused(
                format!(
                    "the provider's token for {shown} is bound to the organization {bound}{}, \
                     not to {here}; it was not sent",
                    if theirs {
                        " (the login's)"
                    } else {
                        ", which is not one of yours: not kept"
                    }
                ),
                "log in to this organization (m → log in again) to get its token",
                false,
            ));
        }
        let missing: Vec<&String> = api
            .scopes
            .iter()
            .filter(|s| !has_scope(&token.scopes, s))
            .collect();
        stored.apis.put(token.clone());
        accounts.upsert(stored.clone());
        self.write_locked(&guard, accounts).await?;
        if !missing.is_empty() {
            let missing = missing
                .iter()
                .map(|s| visible(s).into_owned())
                .collect::<Vec<_>>()
                .join(", ");
            return Err(refused(
                format!("the token for {shown} lacks the scope {missing}"),
                STEP_UP,
                true,
            ));
        }
        Ok(ApiAccess {
            token,
            session: Some(stored),
        })
    }
}

/// `text` with every token `session` holds, and `spent`, masked.
fn without_secrets(mut text: String, session: &Session, spent: &SecretString) -> String {
    use secrecy::ExposeSecret as _;
    let tokens = &session.tokens;
    let held = session
        .apis
        .tokens
        .iter()
        .flat_map(|t| [Some(&t.access_token), t.refresh_token.as_ref()]);
    let secrets = [
        Some(spent),
        Some(&tokens.access_token),
        tokens.refresh_token.as_ref(),
        Some(&tokens.id_token),
    ]
    .into_iter()
    .chain(held)
    .flatten();
    for secret in secrets {
        let secret = secret.expose_secret();
        // Too short to be a credential: masking it would garble the text.
        if secret.len() >= 8 {
            text = text.replace(secret, "[a token]");
        }
    }
    text
}

const AUDIENCE_STEP_UP: &str = "log in asking for that API's audience (u on the panel): the \
     login's refresh token does not reach it (Auth0: no multi-resource refresh token policy for \
     it), so its token comes from a login of its own; else check the API's identifier";

/// Auth0's refusals of a refresh for another API's `audience`, where a
/// login asking for that audience may do: `access_denied` or
/// `invalid_request` naming the audience. "Service not found" is an
/// audience Auth0 does not know: no login would help. `None`: said as
/// any provider's.
fn auth0_explain(
    error: &str,
    description: Option<&str>,
    resource: &str,
) -> Option<(&'static str, &'static str, bool)> {
    let text = description.unwrap_or_default();
    if !matches!(error, "access_denied" | "invalid_request") {
        return None;
    }
    if text.contains("Service not found") {
        return Some((
            "it does not know that API (Auth0: \"Service not found\")",
            "check the API's identifier against the API's in the Auth0 dashboard",
            false,
        ));
    }
    let names_it = text.contains(resource.trim_end_matches('/')) || text.contains("audience");
    names_it.then_some((
        "the login's refresh token does not reach that API",
        AUDIENCE_STEP_UP,
        true,
    ))
}

/// A provider's refusal for one API, said for a person: why, the fix,
/// and whether a new login asking for it may help.
fn explain(error: &str, description: Option<&str>) -> (&'static str, &'static str, bool) {
    let text = description.unwrap_or_default();
    // Entra says consent and conditional access through invalid_grant
    // with its own codes: for one resource, not for the session.
    if text.contains("AADSTS65001") || error == "consent_required" {
        return ("consent for it is missing", STEP_UP, true);
    }
    if ["AADSTS50076", "AADSTS50079", "AADSTS53003", "AADSTS50158"]
        .iter()
        .any(|code| text.contains(code))
        || error == "interaction_required"
    {
        return (
            "a conditional access policy asks for more (another sign-in, a second factor)",
            STEP_UP,
            true,
        );
    }
    match error {
        "invalid_target" => (
            "it does not issue tokens for that API to this app, or the login did not ask for it",
            "check the API's identifier with the provider's admin; if it is right, log in again \
             so that it is asked for (u on the panel)",
            true,
        ),
        "invalid_scope" => ("a scope the API needs was not granted", STEP_UP, true),
        "invalid_grant" => (
            "the refresh token is not valid for it",
            "log in again (u on the panel, or `authdash login`)",
            true,
        ),
        "access_denied" | "unauthorized_client" => (
            "this app may not call that API",
            "ask the provider's admin to allow the app to call it",
            false,
        ),
        _ => ("it refused", "try again later", false),
    }
}
