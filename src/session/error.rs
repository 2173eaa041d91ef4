use crate::auth::AuthError;
use crate::store::StoreError;

/// Why the session service could not do what was asked. Messages say what
/// to do next; none carries a token.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The config has no provider of that name.
    #[error("no provider `{name}` in {path}; the config has: {names}")]
    UnknownProvider {
        name: String,
        path: String,
        names: String,
    },
    /// Rule: a stored session is used only with the provider that issued
    /// it. Nothing was sent anywhere.
    #[error(
        "the session of {who} was issued by `{issuer}` to client `{client_id}`, and no provider \
         in {config} is that issuer with that client_id{hint}: it is not used with another \
         provider; log in with this config (`authdash login`), or use the config that logged it in"
    )]
    ForeignSession {
        who: String,
        issuer: String,
        client_id: String,
        config: Box<str>,
        hint: Box<str>,
    },
    /// Another process logged this account out: it stays logged out.
    #[error("{who} was logged out elsewhere (by another authdash); log in again")]
    LoggedOutElsewhere { who: String },
    /// The provider renewed the session but the renewal could not be
    /// verified (its new ID token refused, or userinfo, where the person's
    /// organizations come from, not read); the new tokens are kept (marked
    /// unverified), and the shown claims are the old ones.
    #[error(
        "the provider renewed the session, but it could not be verified ({reason}); \
         the new tokens are kept unverified and renewal will be tried again"
    )]
    Unverified {
        reason: String,
        /// The session as stored: the new tokens, marked unverified, the
        /// last verified claims. A face shows this one from now on (its
        /// org-gated panels lock) instead of the verified one before.
        session: Box<crate::auth::Session>,
    },
    /// No token for one API; the session itself is fine.
    #[error(transparent)]
    Api(#[from] super::api_tokens::ApiRefusal),
    #[error("{0}")]
    Usage(String),
    /// What played the browser for a login could not take it to the
    /// callback ([`super::BrowserStandIn`]); its own words.
    #[error("{0}")]
    StandIn(String),
    #[error("internal error: {0}")]
    Task(String),
}

impl SessionError {
    /// Only a new login helps: the provider gave a definite answer
    /// (`invalid_grant`, an unknown client), or there is nothing left to
    /// renew with. Network trouble, 429, 5xx and `temporarily_unavailable`
    /// keep the tokens.
    pub fn needs_login(&self) -> bool {
        match self {
            SessionError::Auth(e) => ends_session(e),
            SessionError::LoggedOutElsewhere { .. } => true,
            _ => false,
        }
    }

    /// Another process logged the account out.
    pub fn logged_out_elsewhere(&self) -> bool {
        matches!(self, SessionError::LoggedOutElsewhere { .. })
    }
}

/// The OAuth errors that end a session (RFC 6749 §5.2): the grant is
/// gone, or the provider no longer knows the client.
pub(crate) fn ends_session(error: &AuthError) -> bool {
    match error {
        AuthError::RefreshRejected(e) => matches!(
            e.error.as_str(),
            "invalid_grant" | "invalid_client" | "unauthorized_client"
        ),
        AuthError::NoRefreshToken => true,
        _ => false,
    }
}
