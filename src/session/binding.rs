//! Rule: a stored session is used only with the provider that issued it.
//! An account is an issuer and a subject; the config's provider names are
//! labels, and two configs may give one name to different issuers.

use super::SessionError;
use crate::auth::{Provider, Session, is_issuer_of};
use crate::config::{Config, ProviderConfig};
use crate::identity::visible;

/// The provider of `config` that issued `session`: same issuer, same
/// client_id. The provider of the session's name is preferred when
/// several match.
pub(crate) fn provider_for<'a>(
    config: &'a Config,
    session: &Session,
) -> Result<&'a ProviderConfig, SessionError> {
    let issued = |p: &&ProviderConfig| {
        is_issuer_of(&session.issuer, &p.server_metadata_url) && p.client_id == session.client_id
    };
    config
        .provider(&session.provider)
        .filter(issued)
        .or_else(|| config.providers.iter().find(issued))
        .ok_or_else(|| foreign(config, session))
}

/// The provider as discovered must still be the session's issuer: a
/// discovery document may name another issuer than its URL implies.
pub(super) fn check_discovered(
    config: &Config,
    provider: &Provider,
    session: &Session,
) -> Result<(), SessionError> {
    let same_issuer = provider.issuer() == session.issuer
        || provider.issuer().trim_end_matches('/') == session.issuer.trim_end_matches('/');
    if same_issuer && provider.config().client_id == session.client_id {
        Ok(())
    } else {
        Err(foreign(config, session))
    }
}

fn foreign(config: &Config, session: &Session) -> SessionError {
    let hint = match config.provider(&session.provider) {
        Some(p) => format!(
            " (its provider `{}` here is `{}` with client `{}`)",
            p.name,
            crate::auth::issuer_of(&p.server_metadata_url),
            p.client_id
        ),
        None => String::new(),
    };
    SessionError::ForeignSession {
        who: visible(session.user.display_name()).into_owned(),
        issuer: visible(&session.issuer).into_owned(),
        client_id: visible(&session.client_id).into_owned(),
        config: config.path.display().to_string().into(),
        hint: hint.into(),
    }
}

/// Whether `session` may be used with `config` at all.
pub(crate) fn is_bound(config: &Config, session: &Session) -> bool {
    provider_for(config, session).is_ok()
}
