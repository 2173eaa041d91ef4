//! A login for one API's token alone: Auth0 gives a refresh token that
//! reaches only the audiences its multi-resource refresh token policies
//! name (none without them); for another API, the way is a login asking
//! for that API's `audience`. What it brings is that API's: its access
//! token is kept as the API's token and its refresh token renews that one
//! only. The session's own tokens and claims are never replaced by it,
//! and nothing is kept unless the login was the same account's and the
//! token names that API in its own `aud`.

use std::sync::Arc;

use chrono::Utc;

use super::api_tokens::ApiRefusal;
use super::{
    LoggedIn, LoginEvent, LoginRequest, SessionError, SessionService, blocking, stored_of,
};
use crate::auth::{ApiToken, LoginOptions, Session, audience_of, sendable_in, sendable_to};
use crate::config::ApiRef;
use crate::identity::visible;

/// The account a login for one API must be, and the API.
pub(crate) struct ForApi<'a> {
    pub(crate) current: &'a Session,
    pub(crate) api: &'a ApiRef,
}

impl ForApi<'_> {
    /// The login asks for the API's audience instead of the configured
    /// one, and its scopes; no RFC 8707 `resource`.
    pub(super) fn ask(&self, options: &mut LoginOptions) {
        options.audience = Some(self.api.resource.clone());
        options.resources.clear();
        for s in &self.api.scopes {
            if !options.extra_scopes.contains(s) {
                options.extra_scopes.push(s.clone());
            }
        }
    }
}

impl SessionService {
    /// Log in as `current`'s account again, asking for `api`'s audience
    /// (Auth0: the login's refresh token does not reach that API), and
    /// keep the access token it brings as `api`'s token, with its refresh
    /// token for that API alone. The session's own tokens and claims stay
    /// as they are; what comes back is the session as stored, with that
    /// token. A login as another account, or a token whose `aud` does not
    /// name the API, keeps nothing.
    pub async fn login_for_api(
        &self,
        request: LoginRequest,
        current: &Session,
        api: &ApiRef,
        events: &(dyn Fn(LoginEvent) + Send + Sync),
    ) -> Result<LoggedIn, SessionError> {
        let for_api = ForApi { current, api };
        self.login_via(request, None, Some(for_api), events).await
    }

    pub(super) async fn keep_api_login(
        &self,
        for_api: ForApi<'_>,
        login: Session,
    ) -> Result<LoggedIn, SessionError> {
        let ForApi { current, api } = for_api;
        let shown = visible(&api.resource).into_owned();
        let refused = |reason: String, fix: &str| {
            SessionError::Api(ApiRefusal {
                resource: api.resource.clone(),
                reason,
                fix: fix.to_owned(),
                step_up: true,
                ask: api.scopes.clone(),
            })
        };
        if login.issuer != current.issuer
            || login.client_id != current.client_id
            || login.user.subject != current.user.subject
        {
            return Err(refused(
                format!(
                    "the login for {shown} signed in as {}, not as {}; nothing of it was kept",
                    visible(login.user.display_name()),
                    visible(current.user.display_name())
                ),
                "log in for it as the same account (u on the panel)",
            ));
        }
        let value = login.access_token();
        // An opaque token names no API: at Auth0 it is the userinfo one.
        let audience = audience_of(value);
        if audience.is_empty() || !sendable_to(value, &api.resource) {
            let whose = if audience.is_empty() {
                "a token that names no audience".to_owned()
            } else {
                format!("a token for {}", visible(&audience.join(", ")))
            };
            return Err(refused(
                format!("the login asking for {shown} brought {whose}; it was not kept nor sent"),
                "check the API's identifier in the config against the provider's",
            ));
        }
        // Bound to an organization, it is kept for that one only if it is
        // one of the person's (where the session knows theirs); an
        // `org_id` that is no organization's id binds it to none of them.
        let org = crate::auth::org_of(value);
        let theirs = match &org {
            None => sendable_in(value, None),
            Some(o) => {
                current.user.orgs.is_empty() || current.user.orgs.iter().any(|m| m.org_id == *o)
            }
        };
        if !theirs {
            return Err(refused(
                format!(
                    "the login asking for {shown} brought a token bound to {}; it was not kept \
                     nor sent",
                    org.as_deref().map_or_else(
                        || "an organization named in a form that is no organization's id".into(),
                        |o| format!("the organization {}, not one of yours", visible(o))
                    )
                ),
                "log in for it from one of your organizations",
            ));
        }
        let token = ApiToken {
            resource: api.resource.clone(),
            org,
            audience,
            access_token: login.tokens.access_token.clone(),
            expires_at: login.tokens.expires_at,
            scopes: login.tokens.scopes.clone(),
            obtained_at: Utc::now(),
            renewals: 0,
            refresh_token: login.tokens.refresh_token.clone(),
        };
        let store = self.store.clone();
        let doing = format!("keeping a token for {shown}");
        let guard = Arc::new(blocking(move || store.lock_for(&doing)).await?);
        let mut accounts = self.read_locked(&guard).await?;
        let mut stored = stored_of(&accounts, current)?;
        stored.apis.put(token);
        accounts.upsert(stored.clone());
        self.write_locked(&guard, accounts).await?;
        Ok(LoggedIn {
            session: stored,
            saved: Ok(()),
        })
    }
}
