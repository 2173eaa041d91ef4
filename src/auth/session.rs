//! A signed-in session: tokens, verified claims and the user they describe.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{AuthError, Provider};
use crate::identity::{AccessTokenUse, ClaimSources, User};

/// The tokens of one session. `Debug` shows `[REDACTED]` for each token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TokenSet {
    #[serde(with = "secret")]
    pub access_token: SecretString,
    #[serde(with = "optional_secret", default)]
    pub refresh_token: Option<SecretString>,
    /// The raw ID token: kept for `id_token_hint` at end-session and to
    /// compare a refreshed ID token with the first (OIDC Core §12.2).
    #[serde(with = "secret")]
    pub id_token: SecretString,
    /// When the access token expires, when the provider said.
    pub expires_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub scopes: Vec<String>,
}

/// Everything the dashboard knows about a signed-in person.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Session {
    /// The config's provider name.
    pub provider: String,
    pub issuer: String,
    pub client_id: String,
    pub tokens: TokenSet,
    /// The verified ID token's claims, as sent.
    pub id_claims: BTreeMap<String, Value>,
    /// Userinfo's claims, when the provider has the endpoint.
    pub userinfo: Option<BTreeMap<String, Value>>,
    pub user: User,
    pub logged_in_at: DateTime<Utc>,
    pub refreshed_at: Option<DateTime<Utc>>,
    /// Set when a renewal's new tokens were kept (a rotated refresh token
    /// must never be lost) but the renewal could not be verified (its new
    /// ID token refused, or the userinfo holding the person's organizations
    /// not read): why. The claims shown stay the last verified ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unverified: Option<String>,
    /// The tokens for the APIs panels and scripts call, each its own
    /// (`resource`); forgotten with the session.
    #[serde(default, skip_serializing_if = "ApiTokens::is_empty")]
    pub apis: ApiTokens,
}

/// Refresh this long before the access token expires.
pub const REFRESH_MARGIN: TimeDelta = TimeDelta::seconds(60);

/// What a stored session is good for at a moment, decided in one place
/// ([`Session::state`]) for every face: `status` (its text, JSON and
/// prompt), the dashboard's header, Profile and its renewals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SessionState {
    /// The access token is usable, with the refresh margin to spare.
    Valid,
    /// The access token is spent (or nearly); the refresh token renews it
    /// on next use.
    Renewable,
    /// The last renewal's tokens were kept but could not be verified: the
    /// roles are the last verified ones until a renewal confirms them.
    Unverified,
    /// The access token is spent and nothing renews it: log in again.
    Expired,
}

impl SessionState {
    /// The state's name in `status --json`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            SessionState::Valid => "valid",
            SessionState::Renewable => "renewable",
            SessionState::Unverified => "unverified",
            SessionState::Expired => "expired",
        }
    }

    /// Usable as is, or renewable: what "logged in" means.
    fn is_alive(self) -> bool {
        self != SessionState::Expired
    }
}

impl Session {
    /// The access token is usable now (with the refresh margin to spare).
    pub fn access_token_fresh(&self, now: DateTime<Utc>) -> bool {
        match self.tokens.expires_at {
            Some(at) => now + REFRESH_MARGIN < at,
            // No expiry given: trust it until the API says otherwise.
            None => true,
        }
    }

    pub(crate) fn can_refresh(&self) -> bool {
        self.tokens.refresh_token.is_some()
    }

    /// When the ID token says the authentication expires.
    pub(crate) fn id_token_expires_at(&self) -> Option<DateTime<Utc>> {
        self.id_claims
            .get("exp")
            .and_then(Value::as_i64)
            .and_then(|s| DateTime::from_timestamp(s, 0))
    }

    /// Usable as is, or renewable: what "logged in" means. An expired
    /// session with no refresh token is never shown as logged in.
    pub(crate) fn is_alive(&self, now: DateTime<Utc>) -> bool {
        self.state(now).is_alive()
    }

    /// What the session is good for at `now`.
    pub(crate) fn state(&self, now: DateTime<Utc>) -> SessionState {
        let fresh = self.access_token_fresh(now);
        if !fresh && !self.can_refresh() {
            SessionState::Expired
        } else if self.unverified.is_some() {
            // Its tokens may be fresh, but not the roles: they are the
            // last verified ones until a renewal confirms them.
            SessionState::Unverified
        } else if fresh {
            SessionState::Valid
        } else {
            SessionState::Renewable
        }
    }

    pub fn access_token(&self) -> &str {
        self.tokens.access_token.expose_secret()
    }

    /// ID token claims with userinfo over them: what claim mappers read.
    pub fn merged_claims(&self) -> BTreeMap<String, Value> {
        merge_claims(&self.id_claims, self.userinfo.as_ref())
    }
}

fn merge_claims(
    id_claims: &BTreeMap<String, Value>,
    userinfo: Option<&BTreeMap<String, Value>>,
) -> BTreeMap<String, Value> {
    let mut merged = id_claims.clone();
    if let Some(info) = userinfo {
        merged.extend(info.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    merged
}

/// Tokens are written out only by the store, which protects the file.
pub(super) mod secret {
    use secrecy::{ExposeSecret, SecretString};
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(secret: &SecretString, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(secret.expose_secret())
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<SecretString, D::Error> {
        String::deserialize(d).map(SecretString::from)
    }
}

mod optional_secret {
    use secrecy::{ExposeSecret, SecretString};
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(
        secret: &Option<SecretString>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match secret {
            Some(v) => s.serialize_some(v.expose_secret()),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<SecretString>, D::Error> {
        Option::<String>::deserialize(d).map(|o| o.map(SecretString::from))
    }
}

/// The user the claims describe, through the provider's claim mapper. The
/// access token is verified and read when the mapper wants it (see
/// [`AccessTokenUse`]): a refusal fails the login when the mapper requires
/// it, and is logged and skipped when it is optional.
/// The person the claims describe. The claims are moved in and handed
/// back (the session keeps them) rather than copied: for a person in
/// 1,000 orgs each copy is megabytes.
pub(crate) async fn user_of(
    provider: &Provider,
    id_claims: BTreeMap<String, Value>,
    userinfo: Option<BTreeMap<String, Value>>,
    access_token: &str,
) -> Result<
    (
        User,
        BTreeMap<String, Value>,
        Option<BTreeMap<String, Value>>,
    ),
    AuthError,
> {
    let org_claims = &provider.config().org_claims;
    let access = match org_claims.access_token_use(&id_claims, userinfo.as_ref()) {
        AccessTokenUse::Never => None,
        AccessTokenUse::Required => provider.access_token_claims(access_token).await?,
        AccessTokenUse::Optional => match provider.access_token_claims(access_token).await {
            Ok(claims) => claims,
            Err(e) => {
                tracing::warn!("{e}; its claims are ignored");
                None
            }
        },
    };
    let sources = ClaimSources::new(id_claims)
        .with_userinfo(userinfo)
        .with_access_token(access);
    let user = org_claims.user(&sources)?;
    Ok((user, sources.id_token, sources.userinfo))
}

/// One API's access token, kept beside the session it came from.
/// `Debug` shows `[REDACTED]` for the token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApiToken {
    /// The API it was asked for (the config's `resource`).
    pub resource: String,
    /// The organization it is bound to, where the provider binds tokens
    /// to one; none elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    #[serde(with = "secret")]
    pub access_token: SecretString,
    pub expires_at: Option<DateTime<Utc>>,
    /// The scopes the provider said it granted (else those asked for).
    #[serde(default)]
    pub scopes: Vec<String>,
    /// The token's `aud`, when it is a JWT that says one.
    #[serde(default)]
    pub audience: Vec<String>,
    pub obtained_at: DateTime<Utc>,
    /// How many times it was renewed since the first.
    #[serde(default)]
    pub renewals: u32,
    /// A refresh token for this API alone, from a login that asked for
    /// it (Auth0 without a multi-resource refresh token for it): it
    /// renews this API's token and nothing else.
    #[serde(
        with = "optional_secret",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub refresh_token: Option<SecretString>,
}

impl ApiToken {
    /// Usable now, with the renewal margin to spare.
    pub(crate) fn fresh(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_none_or(|at| now + REFRESH_MARGIN < at)
    }

    pub fn secret(&self) -> &str {
        self.access_token.expose_secret()
    }
}

/// The per-API tokens of one session, and the APIs its login asked for.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ApiTokens {
    /// RFC 8707: the resources the login asked for; a token for another
    /// one is refused by the provider, so it is not asked.
    #[serde(default)]
    pub(crate) asked_at_login: Vec<String>,
    #[serde(default)]
    pub tokens: Vec<ApiToken>,
}

impl ApiTokens {
    fn is_empty(&self) -> bool {
        self.asked_at_login.is_empty() && self.tokens.is_empty()
    }

    pub fn find(&self, resource: &str, org: Option<&str>) -> Option<&ApiToken> {
        self.tokens
            .iter()
            .find(|t| t.resource == resource && t.org.as_deref() == org)
    }

    /// Keep `token`, replacing the one for the same API and org.
    pub fn put(&mut self, token: ApiToken) {
        match self
            .tokens
            .iter_mut()
            .find(|t| t.resource == token.resource && t.org == token.org)
        {
            Some(held) => *held = token,
            None => self.tokens.push(token),
        }
    }
}

/// What the token endpoint gave for one API: the token, and the refresh
/// token it rotated to (store it before anything else).
pub(crate) struct ApiGrant {
    pub(crate) token: ApiToken,
    pub(crate) refresh_token: Option<SecretString>,
}

impl std::fmt::Debug for ApiGrant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiGrant")
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod state_tests {
    use chrono::{TimeDelta, TimeZone, Utc};
    use secrecy::SecretString;

    use super::{Session, SessionState, TokenSet};
    use crate::identity::User;

    fn session(expires_in_secs: i64, refresh: bool, unverified: bool) -> Session {
        let now = Utc
            .with_ymd_and_hms(2025, 3, 14, 9, 26, 53)
            .single()
            .expect("a date");
        Session {
            provider: "p".into(),
            issuer: "https://idp.example".into(),
            client_id: "c".into(),
            tokens: TokenSet {
                access_token: SecretString::from("a"),
                refresh_token: refresh.then(|| SecretString::from("r")),
                id_token: SecretString::from("i"),
                expires_at: Some(now + TimeDelta::seconds(expires_in_secs)),
                scopes: Vec::new(),
            },
            id_claims: Default::default(),
            userinfo: None,
            user: User {
                subject: "s".into(),
                email: None,
                email_verified: None,
                name: None,
                picture: None,
                orgs: Vec::new(),
            },
            logged_in_at: now,
            refreshed_at: None,
            unverified: unverified.then(|| "its ID token was refused".to_owned()),
            apis: Default::default(),
        }
    }

    #[test]
    fn a_session_is_valid_renewable_unverified_or_expired() {
        let now = session(0, false, false).logged_in_at;
        let state = |secs, refresh, unverified| session(secs, refresh, unverified).state(now);
        assert_eq!(state(600, true, false), SessionState::Valid);
        assert_eq!(state(600, false, false), SessionState::Valid);
        // Within the refresh margin the token counts as spent.
        assert_eq!(state(30, true, false), SessionState::Renewable);
        assert_eq!(state(-30, true, false), SessionState::Renewable);
        // Fresh tokens, roles not confirmed.
        assert_eq!(state(600, true, true), SessionState::Unverified);
        assert_eq!(state(-30, false, false), SessionState::Expired);
        assert_eq!(state(-30, false, true), SessionState::Expired);
        assert!(!SessionState::Expired.is_alive());
        assert!(SessionState::Unverified.is_alive());
        let names: Vec<&str> = [
            SessionState::Valid,
            SessionState::Renewable,
            SessionState::Unverified,
            SessionState::Expired,
        ]
        .map(SessionState::name)
        .to_vec();
        assert_eq!(names, ["valid", "renewable", "unverified", "expired"]);
    }
}
