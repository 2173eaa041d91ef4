//! Fetching a URL with an account's access token: renewed first when near
//! expiry; on 401, renewed once and tried once more.

use super::{SessionError, SessionService};
use crate::auth::http::{require_secure, require_secure_from};
use crate::auth::{Provider, Session};
use crate::panels::{self, FetchError, PanelData};

/// A fetch's result, and the renewed session when it took a renewal (the
/// face must keep it: the old refresh token may be spent).
#[derive(Debug)]
pub struct Fetched {
    pub data: Result<PanelData, String>,
    pub renewed: Option<Session>,
}

impl SessionService {
    /// GET `url` with the session's access token, through the HTTP client
    /// of the provider that issued it. The token goes only over https, or
    /// to this machine.
    pub async fn fetch_panel(&self, session: &Session, url: &str) -> Fetched {
        let mut renewed = None;
        let data = self.fetch_inner(session, url, &mut renewed).await;
        Fetched { data, renewed }
    }

    async fn fetch_inner(
        &self,
        session: &Session,
        url: &str,
        renewed: &mut Option<Session>,
    ) -> Result<PanelData, String> {
        check_panel_url(url, None)?;
        let provider = self.provider_of(session).await.map_err(|e| e.to_string())?;
        check_panel_url(url, Some(&provider))?;
        let current = self.usable(session).await.map_err(|e| e.to_string())?;
        if current.access_token() != session.access_token() {
            *renewed = Some(current.clone());
        }
        let http = provider.http();
        let cap = self.config.http.panel_body_cap;
        match panels::fetch_capped(http, url, current.access_token(), cap).await {
            Err(FetchError::Unauthorized) if current.can_refresh() => {
                let fresh = self
                    .renew(&current)
                    .await
                    .map_err(|e: SessionError| e.to_string())?;
                *renewed = Some(fresh.clone());
                panels::fetch_capped(http, url, fresh.access_token(), cap)
                    .await
                    .map_err(|e| e.to_string())
            }
            other => other.map_err(|e| e.to_string()),
        }
    }
}

/// Where a panel's address may take the access token: https, or plain http
/// on this machine only when the provider is on this machine too — a
/// remote provider's token sent in the clear to a loopback port goes to
/// whichever local process listens there. The rule of the provider's own
/// endpoints. Without the provider (before discovery), the looser check.
pub(super) fn check_panel_url(url: &str, provider: Option<&Provider>) -> Result<(), String> {
    let parsed =
        url::Url::parse(url).map_err(|e| format!("the panel's address {url} is not a URL: {e}"))?;
    match provider {
        None => require_secure("the panel's data_url", &parsed),
        Some(p) => require_secure_from(p.is_loopback(), "the panel's data_url", &parsed),
    }
    .map_err(|e| e.to_string())
}
