//! Refreshing a session with its refresh token, in two steps so that a
//! rotated refresh token can be stored before anything that may fail:
//! [`Provider::exchange_refresh_token`] spends the old token and returns
//! the new ones as they came; [`Provider::verify_refresh`] checks them.

use chrono::Utc;
use openidconnect::core::CoreTokenResponse;
use openidconnect::{OAuth2TokenResponse, RefreshToken};
use secrecy::{ExposeSecret, SecretString};

use super::session::user_of;
use super::tokens::{classify, id_token_of, token_set};
use super::verify::{Continuity, NonceCheck};
use super::{AuthError, Provider, Session, TokenSet};
use crate::identity::{ClaimSource, Mapper};

/// A token endpoint's answer to a refresh, not yet verified. The old
/// refresh token may already be spent: keep `tokens` before checking.
pub(crate) struct RefreshedTokens {
    response: CoreTokenResponse,
    /// The new tokens, with the old refresh token when none came back and
    /// the old ID token when no new one came.
    pub(crate) tokens: TokenSet,
}

/// Why a refresh's answer did not make a renewed session, and the claims
/// of its ID token when that much was verified (the failure came after:
/// userinfo, or the claims' mapping).
#[derive(Debug)]
pub(crate) struct UnverifiedRefresh {
    pub(crate) error: AuthError,
    pub(crate) verified_id_claims: Option<std::collections::BTreeMap<String, serde_json::Value>>,
}

impl From<AuthError> for UnverifiedRefresh {
    fn from(error: AuthError) -> Self {
        Self {
            error,
            verified_id_claims: None,
        }
    }
}

impl std::fmt::Debug for RefreshedTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RefreshedTokens")
            .field("tokens", &self.tokens)
            .finish_non_exhaustive()
    }
}

impl Provider {
    /// New tokens for `session`, verified: the refreshed ID token, if any,
    /// must keep the first one's `iss`, `sub` and `aud`.
    pub async fn refresh(&self, session: &Session) -> Result<Session, AuthError> {
        let refreshed = self.exchange_refresh_token(session).await?;
        self.verify_refresh(session, refreshed)
            .await
            .map_err(|failed| failed.error)
    }

    /// Spend the refresh token at the token endpoint. Nothing is verified
    /// yet; a response without a new refresh token keeps the old one.
    pub(crate) async fn exchange_refresh_token(
        &self,
        session: &Session,
    ) -> Result<RefreshedTokens, AuthError> {
        let old = session
            .tokens
            .refresh_token
            .as_ref()
            .ok_or(AuthError::NoRefreshToken)?;
        let client = self.client(self.current_keys(), None);
        let refresh_token = RefreshToken::new(old.expose_secret().to_owned());
        let response = client
            .exchange_refresh_token(&refresh_token)
            .map_err(|_| AuthError::MissingEndpoint("token endpoint"))?
            .request_async(self.http())
            .await;
        let response = match response {
            Ok(r) => r,
            Err(e) => {
                let refusal = classify(e)?.without(old.expose_secret());
                return Err(AuthError::RefreshRejected(refusal));
            }
        };
        let id_token = match id_token_of(&response) {
            Some(t) => t.to_string(),
            None => session.tokens.id_token.expose_secret().to_owned(),
        };
        let mut tokens = token_set(&response, id_token);
        if tokens.refresh_token.is_none() {
            tokens.refresh_token = Some(SecretString::from(old.expose_secret().to_owned()));
        }
        Ok(RefreshedTokens { response, tokens })
    }

    /// Verify a refresh's answer and build the renewed session.
    pub(crate) async fn verify_refresh(
        &self,
        session: &Session,
        refreshed: RefreshedTokens,
    ) -> Result<Session, UnverifiedRefresh> {
        let RefreshedTokens { response, tokens } = refreshed;
        let id_claims = match id_token_of(&response) {
            Some(t) => self
                .verify_id_token(
                    t,
                    response.access_token(),
                    NonceCheck::MayBeAbsent,
                    Some(Continuity {
                        original: &session.id_claims,
                    }),
                )
                .await
                .map_err(UnverifiedRefresh::from)?,
            None => session.id_claims.clone(),
        };
        // An answer without an ID token, or with the login's again (some
        // providers echo it), says nothing afresh.
        let fresh_id_token = id_claims != session.id_claims;
        let org_claims = &self.config().org_claims;
        // Roles read from the ID token alone were not said again: the
        // renewal is not complete (the session service keeps the new
        // tokens unverified and tries again at each use). Userinfo, which
        // may well say other roles, is not a source the config named.
        if !fresh_id_token
            && !matches!(org_claims.mapper, Mapper::None)
            && org_claims.source() == ClaimSource::IdToken
        {
            return Err(UnverifiedRefresh::from(AuthError::NoRenewedIdToken));
        }
        let orgs_in_userinfo = org_claims.reads_userinfo();
        let userinfo = if fresh_id_token
            && !orgs_in_userinfo
            && adds_nothing(session.userinfo.as_ref(), &id_claims)
        {
            // Organizations and roles are not read from userinfo here, and
            // the renewed ID token says afresh every claim userinfo gave:
            // asking again would only cost a request. Userinfo's old values
            // are dropped, not kept over the new token's.
            None
        } else {
            match self
                .userinfo(tokens.access_token.expose_secret(), &session.user.subject)
                .await
            {
                Ok(info) => info,
                // Roles userinfo gave before must not outlive a renewal that
                // could not read them again: the renewal fails (the session
                // service keeps the new tokens unverified and tries again).
                Err(error) if orgs_in_userinfo => {
                    return Err(UnverifiedRefresh {
                        error,
                        // Verified, and newer than the session's: a later
                        // renewal without an ID token must not fall back
                        // behind it.
                        verified_id_claims: fresh_id_token.then_some(id_claims),
                    });
                }
                // Only who the person is comes from it: what it said last
                // stays, but never over what the renewed ID token says.
                Err(e) => {
                    tracing::warn!("userinfo after refresh failed: {e}");
                    session.userinfo.clone().map(|mut held| {
                        held.retain(|name, _| !fresh_id_token || !id_claims.contains_key(name));
                        held
                    })
                }
            }
        };
        let (user, id_claims, userinfo) = user_of(
            self,
            id_claims,
            userinfo,
            tokens.access_token.expose_secret(),
        )
        .await
        .map_err(UnverifiedRefresh::from)?;
        Ok(Session {
            tokens,
            id_claims,
            userinfo,
            user,
            refreshed_at: Some(Utc::now()),
            unverified: None,
            ..session.clone()
        })
    }
}

/// Whether the userinfo a session holds names no claim beyond `id_claims`,
/// a renewed ID token's: then, for a person whose organizations are not
/// read from userinfo, the renewal has nothing to learn from it. A session
/// without userinfo (the provider has none, or an earlier renewal found it
/// adds nothing) has nothing to add either.
fn adds_nothing(
    userinfo: Option<&std::collections::BTreeMap<String, serde_json::Value>>,
    id_claims: &std::collections::BTreeMap<String, serde_json::Value>,
) -> bool {
    userinfo.is_none_or(|info| info.keys().all(|name| id_claims.contains_key(name)))
}
