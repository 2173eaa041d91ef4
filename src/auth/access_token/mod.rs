//! JWT access tokens, verified where a provider puts organizations or
//! permissions in them (PropelAuth's `org_id_to_org_member_info`, Auth0's
//! `permissions`, Keycloak's `realm_access`). openidconnect verifies ID
//! tokens only; this uses jsonwebtoken with the same JWKS and the discovery
//! document's `id_token_signing_alg_values_supported` as the algorithm
//! allow-list. Never `none`, never HMAC (a public key is no secret).
//!
//! Checked: the signature, `iss` (exactly the provider's), `exp` (with the
//! ID token's leeway) and, where present, `aud`: it must name this client,
//! or an `audience` / `resource` the login asked for (`client_kwargs`), or
//! the token's `azp` must be this client (Keycloak's access tokens are for
//! the audience `account`, issued to the client named in `azp`).
//!
//! An opaque access token (not three base64url parts with a JSON header
//! naming an `alg`) is not ours to read: it is skipped, not refused.

use std::collections::BTreeMap;
use std::str::FromStr;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use openidconnect::core::CoreJsonWebKeySet;
use serde_json::Value;

use super::{AuthError, Provider};

/// Clock skew tolerated on `exp`, as for ID tokens.
const LEEWAY_SECS: u64 = 60;

/// What an access token must satisfy.
#[derive(Debug, Clone)]
pub(crate) struct AccessTokenCheck {
    issuer: String,
    client_id: String,
    /// Further audiences the login asked for.
    audiences: Vec<String>,
    /// Allowed signing algorithms (asymmetric only).
    algorithms: Vec<Algorithm>,
}

/// The outcome of one verification attempt against one key set.
#[derive(Debug)]
pub(crate) enum Verdict {
    /// Not a JWT: nothing to read.
    Opaque,
    Claims(BTreeMap<String, Value>),
    /// Its `kid` is not in the key set (refetch once, then refuse).
    UnknownKey(String),
    Refused(String),
}

impl Provider {
    /// The access token's claims when it is a JWT that verifies; `None` for
    /// an opaque token. A JWT that does not verify is refused.
    pub(crate) async fn access_token_claims(
        &self,
        access_token: &str,
    ) -> Result<Option<BTreeMap<String, Value>>, AuthError> {
        let check = self.access_token_check();
        let verdict = match verify(access_token, &check, &self.current_keys()) {
            Verdict::UnknownKey(kid) => match self.refetch_keys().await? {
                Some(keys) => verify(access_token, &check, &keys),
                None => Verdict::UnknownKey(kid),
            },
            other => other,
        };
        match verdict {
            Verdict::Opaque => Ok(None),
            Verdict::Claims(c) => Ok(Some(c)),
            Verdict::UnknownKey(kid) => Err(AuthError::AccessToken(format!(
                "it is signed with a key the provider does not publish (`kid` `{kid}`, even \
                 after fetching the keys again)"
            ))),
            Verdict::Refused(why) => Err(AuthError::AccessToken(why)),
        }
    }

    pub(crate) fn access_token_check(&self) -> AccessTokenCheck {
        let config = self.config();
        AccessTokenCheck {
            issuer: self.issuer().to_owned(),
            client_id: config.client_id.clone(),
            audiences: config
                .extra_authorize_params
                .iter()
                .filter(|(k, _)| k == "audience" || k == "resource")
                .map(|(_, v)| v.clone())
                .collect(),
            algorithms: allowed_algorithms(
                self.metadata()
                    .id_token_signing_alg_values_supported()
                    .iter()
                    .filter_map(|a| serde_json::to_value(a).ok())
                    .filter_map(|v| v.as_str().map(str::to_owned)),
            ),
        }
    }
}

/// The asymmetric algorithms among the discovery document's names: HMAC
/// and `none` never, and names jsonwebtoken does not know are dropped.
pub(crate) fn allowed_algorithms(names: impl IntoIterator<Item = String>) -> Vec<Algorithm> {
    names
        .into_iter()
        .filter_map(|n| Algorithm::from_str(&n).ok())
        .filter(|a| !matches!(a, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512))
        .collect()
}

/// Verify `token` against `keys`.
pub(crate) fn verify(token: &str, check: &AccessTokenCheck, keys: &CoreJsonWebKeySet) -> Verdict {
    let Some(header) = jwt_header(token) else {
        return Verdict::Opaque;
    };
    let alg_name = header
        .get("alg")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if alg_name.eq_ignore_ascii_case("none") {
        return Verdict::Refused("it is unsigned (`alg: none`)".into());
    }
    if alg_name.starts_with("HS") {
        return Verdict::Refused(format!(
            "it is signed with `{alg_name}`, a shared-secret algorithm: refused (the provider's \
             keys are public)"
        ));
    }
    let Ok(alg) = Algorithm::from_str(alg_name) else {
        return Verdict::Refused(format!("its algorithm `{alg_name}` is not supported"));
    };
    if !check.algorithms.contains(&alg) {
        let allowed: Vec<String> = check.algorithms.iter().map(|a| format!("{a:?}")).collect();
        return Verdict::Refused(format!(
            "its algorithm `{alg_name}` is not among the provider's ({})",
            allowed.join(", ")
        ));
    }
    let kid = header.get("kid").and_then(Value::as_str);
    let jwk = match pick_key(keys, kid, alg) {
        Ok(jwk) => jwk,
        Err(verdict) => return verdict,
    };
    if let Some(key_alg) = &jwk.common.key_algorithm
        && serde_json::to_value(key_alg)
            .ok()
            .as_ref()
            .and_then(Value::as_str)
            != Some(alg_name)
    {
        return Verdict::Refused(format!(
            "it is signed with `{alg_name}`, but its key is for another algorithm"
        ));
    }
    let key = match DecodingKey::from_jwk(&jwk) {
        Ok(k) => k,
        Err(e) => return Verdict::Refused(format!("the provider's key cannot be used: {e}")),
    };
    let mut validation = Validation::new(alg);
    validation.leeway = LEEWAY_SECS;
    validation.set_issuer(&[&check.issuer]);
    validation.set_required_spec_claims(&["exp", "iss"]);
    validation.validate_aud = false;
    let data = match jsonwebtoken::decode::<BTreeMap<String, Value>>(token, &key, &validation) {
        Ok(d) => d,
        Err(e) => return Verdict::Refused(describe(&e, check)),
    };
    let claims = data.claims;
    if let Some(aud) = claims.get("aud") {
        let auds: Vec<&str> = match aud {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let ours = |a: &&str| *a == check.client_id || check.audiences.iter().any(|x| x == a);
        let azp_ours = claims.get("azp").and_then(Value::as_str) == Some(&check.client_id);
        if !auds.iter().any(ours) && !azp_ours {
            return Verdict::Refused(format!(
                "its audience ({}) is neither this client nor an `audience` it asked for",
                auds.join(", ")
            ));
        }
    }
    Verdict::Claims(claims)
}

/// The header of a compact JWS, when `token` is one.
fn jwt_header(token: &str) -> Option<serde_json::Map<String, Value>> {
    let mut parts = token.split('.');
    let (Some(header), Some(_), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let bytes = URL_SAFE_NO_PAD.decode(header.trim_end_matches('=')).ok()?;
    match serde_json::from_slice::<Value>(&bytes).ok()? {
        Value::Object(h) if h.contains_key("alg") => Some(h),
        _ => None,
    }
}

/// The signing key for `kid`, or the only one that fits `alg` when the
/// token names no `kid`.
fn pick_key(keys: &CoreJsonWebKeySet, kid: Option<&str>, alg: Algorithm) -> Result<Jwk, Verdict> {
    let all: Vec<Jwk> = serde_json::to_value(keys)
        .ok()
        .and_then(|v| v.get("keys").cloned())
        .and_then(|v| match v {
            Value::Array(items) => Some(items),
            _ => None,
        })
        .unwrap_or_default()
        .into_iter()
        // Keys jsonwebtoken cannot read (other kty, encryption keys) are
        // not candidates.
        .filter_map(|k| serde_json::from_value::<Jwk>(k).ok())
        .filter(|k| {
            !matches!(
                k.common.public_key_use,
                Some(jsonwebtoken::jwk::PublicKeyUse::Encryption)
            )
        })
        .collect();
    match kid {
        Some(kid) => all
            .into_iter()
            .find(|k| k.common.key_id.as_deref() == Some(kid))
            .ok_or_else(|| Verdict::UnknownKey(kid.to_owned())),
        None => {
            let fits: Vec<Jwk> = all
                .into_iter()
                .filter(|k| DecodingKey::from_jwk(k).is_ok_and(|d| d.family() == alg.family()))
                .collect();
            match <[Jwk; 1]>::try_from(fits) {
                Ok([only]) => Ok(only),
                Err(fits) if fits.is_empty() => Err(Verdict::UnknownKey("(none)".into())),
                Err(_) => Err(Verdict::Refused(
                    "it names no `kid` and the provider publishes several keys".into(),
                )),
            }
        }
    }
}

fn describe(e: &jsonwebtoken::errors::Error, check: &AccessTokenCheck) -> String {
    use jsonwebtoken::errors::ErrorKind;
    match e.kind() {
        ErrorKind::InvalidSignature => "bad signature".into(),
        ErrorKind::ExpiredSignature => {
            format!("it has expired (up to {LEEWAY_SECS} s of clock skew is allowed)")
        }
        ErrorKind::InvalidIssuer => format!("its `iss` is not `{}`", check.issuer),
        ErrorKind::MissingRequiredClaim(c) => format!("it has no `{c}`"),
        ErrorKind::InvalidAlgorithm => "its algorithm does not fit the provider's key".into(),
        _ => format!("it cannot be verified: {e}"),
    }
}

#[cfg(test)]
mod tests;
