//! Ending a session: deleted here first (so nothing that fails later
//! leaves it behind), then revoked at the provider that issued it, then,
//! if asked, every session everywhere and the provider's browser session.

use std::time::Duration;

use super::{SessionError, SessionService, blocking, provider_for};
use crate::auth::{self, BrowserSignOut, Provider, Session};
use crate::store::AccountId;

/// Revocation gets this long; the tokens are gone here whatever happens.
pub(super) const REVOKE_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LogoutOptions {
    /// Also end the provider's browser session (RP-initiated logout).
    pub in_browser: bool,
    /// End every session of the user on every device (PropelAuth's
    /// backend API), where configured.
    pub everywhere: bool,
}

/// What became of the tokens at the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revocation {
    Revoked,
    /// The provider offers no revocation endpoint.
    NoEndpoint,
    Failed(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrowserSignOutReport {
    /// The provider offers no end_session_endpoint.
    NotOffered,
    /// The provider sent the browser back: signed out there.
    SignedOut,
    /// The browser was sent to sign out; no return was asked for.
    Sent,
    Failed(String),
}

/// How a logout went, part by part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoutReport {
    /// The person, as shown (email, else name).
    who: String,
    /// The provider's label.
    pub(crate) provider: String,
    /// Deleted here: `Ok(false)` when it was already gone.
    pub deleted: Result<bool, String>,
    pub revocation: Revocation,
    everywhere: Option<Result<(), String>>,
    /// The browser sign-out, when asked for.
    pub browser: Option<BrowserSignOutReport>,
}

impl LogoutReport {
    /// Everything asked for happened.
    pub fn complete(&self) -> bool {
        self.deleted.is_ok()
            && !matches!(self.revocation, Revocation::Failed(_))
            && !matches!(self.everywhere, Some(Err(_)))
            && !matches!(self.browser, Some(BrowserSignOutReport::Failed(_)))
    }

    /// One sentence for the logged-out part (the browser has its own).
    pub(crate) fn summary(&self) -> String {
        let who = &self.who;
        let at = &self.provider;
        let mut text = match (&self.deleted, &self.revocation) {
            (Err(e), _) => format!(
                "Logged out {who} at {at}, but the stored tokens could not be deleted: {e}."
            ),
            (Ok(_), Revocation::Revoked) => {
                format!(
                    "Logged out {who} at {at}: the provider revoked the tokens and they are deleted here."
                )
            }
            (Ok(_), Revocation::NoEndpoint) => format!(
                "Logged out {who} at {at}: tokens deleted here (the provider offers no revocation)."
            ),
            (Ok(_), Revocation::Failed(e)) => format!(
                "Logged out {who} at {at} here (tokens deleted), but the provider could not revoke them: {e}."
            ),
        };
        match &self.everywhere {
            Some(Ok(())) => text.push_str(" Every session on every device has ended too."),
            Some(Err(e)) => text.push_str(&format!(" Logging out everywhere failed: {e}.")),
            None => {}
        }
        text
    }
}

/// What a logout is doing, for the face to show while it goes on.
#[derive(Debug, Clone)]
pub enum LogoutEvent {
    /// Deleted here and revoked (or not): the rest is the browser's.
    LoggedOut(LogoutReport),
    /// The address opened to sign out in the browser (also shown).
    BrowserUrl(String),
}

impl SessionService {
    /// End `session`: delete, revoke, then `options`. Refused, with nothing
    /// done, for a session this config's providers did not issue (its
    /// tokens never go to another issuer) and for `everywhere` where it is
    /// not configured.
    pub async fn logout(
        &self,
        session: &Session,
        options: LogoutOptions,
        events: &(dyn Fn(LogoutEvent) + Send + Sync),
    ) -> Result<LogoutReport, SessionError> {
        let config = provider_for(&self.config, session)?;
        if options.everywhere && config.logout_everywhere.is_none() {
            return Err(SessionError::Usage(format!(
                "logging out everywhere is not set up for {}: set logout_everywhere_api_key_env \
                 in its config (PropelAuth's backend API key)",
                config.name
            )));
        }
        let store = self.store.clone();
        let id = AccountId::of(session);
        let client_id = session.client_id.clone();
        // Only this client's session: the account's slot may hold another
        // client's session of the same person at the same issuer, which
        // belongs to the config that logged it in. What is removed is kept
        // for revocation: another process may have renewed it since this
        // one read it, and its rotated tokens are known nowhere else.
        let removed = blocking(move || {
            let mut removed = None;
            store
                .update(&mut |a| {
                    if let Some(s) = a.find(&id).filter(|s| s.client_id == client_id).cloned() {
                        a.remove(&id);
                        removed = Some(s);
                    }
                })
                .map(|_| removed)
        })
        .await
        .map_err(|e| e.to_string());
        let deleted = removed.as_ref().map(Option::is_some).map_err(Clone::clone);
        let mut to_revoke: Vec<&Session> = Vec::with_capacity(2);
        if let Ok(Some(stored)) = &removed {
            to_revoke.push(stored);
        }
        if !to_revoke.iter().any(|s| same_tokens(s, session)) {
            to_revoke.push(session);
        }
        let provider = self.provider_of(session).await;
        let revocation = match &provider {
            Ok(p) => {
                let all = async {
                    let mut outcome = Ok(false);
                    for s in &to_revoke {
                        match (p.revoke(s).await, &outcome) {
                            (Err(e), _) => outcome = Err(e),
                            (Ok(revoked), Ok(_)) => outcome = Ok(revoked),
                            (Ok(_), Err(_)) => {}
                        }
                    }
                    outcome
                };
                match tokio::time::timeout(self.revoke_timeout, all).await {
                    Ok(Ok(true)) => Revocation::Revoked,
                    Ok(Ok(false)) => Revocation::NoEndpoint,
                    Ok(Err(e)) => Revocation::Failed(e.to_string()),
                    Err(_) => Revocation::Failed("timed out".into()),
                }
            }
            Err(e) => Revocation::Failed(e.to_string()),
        };
        let everywhere = match (&provider, options.everywhere) {
            (Ok(p), true) => Some(
                p.log_out_everywhere(session)
                    .await
                    .map_err(|e| e.to_string()),
            ),
            (Err(e), true) => Some(Err(e.to_string())),
            _ => None,
        };
        let mut report = LogoutReport {
            who: session
                .user
                .email
                .clone()
                .unwrap_or_else(|| session.user.display_name().to_owned()),
            provider: config.label.clone(),
            deleted,
            revocation,
            everywhere,
            browser: None,
        };
        if options.in_browser {
            events(LogoutEvent::LoggedOut(report.clone()));
            report.browser = Some(match &provider {
                Ok(p) => self.sign_out_in_browser(p, session, events).await,
                Err(e) => BrowserSignOutReport::Failed(e.to_string()),
            });
        }
        Ok(report)
    }

    /// Send the browser to the provider's end-session page through a
    /// loopback page of ours (no ID token on a command line).
    async fn sign_out_in_browser(
        &self,
        provider: &Provider,
        session: &Session,
        events: &(dyn Fn(LogoutEvent) + Send + Sync),
    ) -> BrowserSignOutReport {
        let sign_out = match BrowserSignOut::start(provider, session).await {
            Ok(Some(s)) => s,
            Ok(None) => return BrowserSignOutReport::NotOffered,
            Err(e) => return BrowserSignOutReport::Failed(e.to_string()),
        };
        let url = sign_out.start_url().to_string();
        let returns = sign_out.will_return();
        events(LogoutEvent::BrowserUrl(url.clone()));
        // An embedding program's opener may keep the page until its window
        // is closed: the sign-out waits for the browser's return meanwhile,
        // within its own bound, not for the opener.
        let opening = async {
            if let Err(e) = self.open_in_browser(url).await {
                tracing::info!("no browser opened for the sign-out: {e}");
            }
            std::future::pending::<std::convert::Infallible>().await
        };
        let waited = tokio::select! {
            waited = sign_out.wait(auth::SIGN_OUT_WAIT) => waited,
            never = opening => match never {},
        };
        match waited {
            Ok(()) if returns => BrowserSignOutReport::SignedOut,
            Ok(()) => BrowserSignOutReport::Sent,
            Err(e) => BrowserSignOutReport::Failed(e.to_string()),
        }
    }
}

/// The same access and refresh tokens: nothing more to revoke.
fn same_tokens(a: &Session, b: &Session) -> bool {
    use secrecy::ExposeSecret as _;
    let refresh = |s: &Session| {
        s.tokens
            .refresh_token
            .as_ref()
            .map(|t| t.expose_secret().to_owned())
    };
    a.access_token() == b.access_token() && refresh(a) == refresh(b)
}
