//! ID token verification: openidconnect's checks plus the ones it leaves
//! to us (`azp`, `iat`, `at_hash`, key rotation, refresh continuity).

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{TimeDelta, Utc};
use openidconnect::JsonWebKey;
use openidconnect::core::{
    CoreIdToken, CoreJsonWebKey, CoreJsonWebKeySet, CoreJwsSigningAlgorithm,
};
use openidconnect::{
    AccessToken, AccessTokenHash, ClaimsVerificationError, Nonce, SignatureVerificationError,
};
use secrecy::ExposeSecret;
use serde_json::Value;

use super::{AuthError, Provider};

/// Clock skew tolerated on `exp` and `iat`.
const LEEWAY: TimeDelta = TimeDelta::seconds(60);

pub(crate) enum NonceCheck<'a> {
    /// A fresh login: the nonce we sent must come back.
    Exact(&'a Nonce),
    /// A refreshed ID token: usually no nonce (openidconnect-rs#186).
    MayBeAbsent,
}

/// A refreshed ID token must describe the same authentication (§12.2).
pub(crate) struct Continuity<'a> {
    pub(crate) original: &'a BTreeMap<String, Value>,
}

impl Provider {
    /// Verify an ID token and return its claims as sent.
    pub(crate) async fn verify_id_token(
        &self,
        id_token: &CoreIdToken,
        access_token: &AccessToken,
        nonce: NonceCheck<'_>,
        continuity: Option<Continuity<'_>>,
    ) -> Result<BTreeMap<String, Value>, AuthError> {
        let keys = self.current_keys();
        let claims = match self.verify_with(keys, id_token, access_token, &nonce) {
            Err(Failure::UnknownKey) => match self.refetch_keys().await? {
                Some(keys) => self.verify_with(keys, id_token, access_token, &nonce),
                None => Err(Failure::UnknownKey),
            },
            other => other,
        }
        .map_err(|f| AuthError::IdToken(f.to_string()))?;
        if let Some(c) = continuity {
            check_continuity(&claims, c.original).map_err(AuthError::IdToken)?;
        }
        Ok(claims)
    }

    /// For `benches/engine.rs` only, not an API: [`Self::verify_id_token`]
    /// (the function every login runs) on a compact ID token, with the
    /// nonce the login sent, so the bench times the real checks.
    #[doc(hidden)]
    pub async fn verify_id_token_for_bench(
        &self,
        id_token: &str,
        access_token: &str,
        nonce: &str,
    ) -> Result<BTreeMap<String, Value>, AuthError> {
        let parsed: CoreIdToken = id_token
            .parse()
            .map_err(|e: serde_json::Error| AuthError::IdToken(e.to_string()))?;
        let nonce = Nonce::new(nonce.to_owned());
        self.verify_id_token(
            &parsed,
            &AccessToken::new(access_token.to_owned()),
            NonceCheck::Exact(&nonce),
            None,
        )
        .await
    }

    fn verify_with(
        &self,
        keys: CoreJsonWebKeySet,
        id_token: &CoreIdToken,
        access_token: &AccessToken,
        nonce: &NonceCheck<'_>,
    ) -> Result<BTreeMap<String, Value>, Failure> {
        let hmac_allowed = self.hmac_allowed();
        if let Ok(alg) = id_token.signing_alg()
            && is_hmac(alg)
            && !hmac_allowed
        {
            return Err(Failure::Other(format!(
                "it is signed with {} (HMAC, keyed with the client secret), which is refused \
                 unless the provider's config sets `allow_hs256 = true` for a confidential client",
                hmac_name(alg)
            )));
        }
        let client = self.client(keys, None);
        // `exp` gets the leeway through a clock running behind; `iat` is
        // checked below against the true clock. The algorithms are the
        // document's, asymmetric only unless HMAC was opted into.
        let verifier = client
            .id_token_verifier()
            .set_allowed_algs(self.allowed_algs(hmac_allowed))
            .set_time_fn(|| Utc::now() - LEEWAY);
        let checked = match nonce {
            NonceCheck::Exact(n) => id_token.claims(&verifier, *n),
            NonceCheck::MayBeAbsent => id_token.claims(&verifier, |_: Option<&Nonce>| Ok(())),
        };
        let claims = checked.map_err(|e| match e {
            // openidconnect reports the shifted clock as "current time".
            ClaimsVerificationError::Expired(_) => Failure::Other(expired(id_token)),
            other => Failure::from(other),
        })?;
        let now = Utc::now();
        let iat = claims.issue_time();
        if iat > now + LEEWAY {
            return Err(Failure::Other(format!(
                "it is issued in the future (`iat` {iat}, the clock here says {now}; \
                 up to {} s of clock skew is allowed)",
                LEEWAY.num_seconds()
            )));
        }

        let client_id = &self.config().client_id;
        let audiences = claims.audiences();
        match claims.authorized_party() {
            Some(azp) if azp.as_str() != client_id => {
                return Err(Failure::Other(format!(
                    "`azp` is `{}`, not this client",
                    azp.as_str()
                )));
            }
            None if audiences.len() > 1 => {
                return Err(Failure::Other(
                    "several audiences but no `azp` naming this client".into(),
                ));
            }
            _ => {}
        }

        if let Some(expected) = claims.access_token_hash() {
            let alg = id_token
                .signing_alg()
                .map_err(|e| Failure::Other(e.to_string()))?;
            // An HMAC-signed token's key is the client secret, not a JWK.
            let actual = if is_hmac(alg) {
                let secret = self
                    .config()
                    .client_secret
                    .as_ref()
                    .map(|s| s.expose_secret().as_bytes().to_vec())
                    .unwrap_or_default();
                AccessTokenHash::from_token(
                    access_token,
                    alg,
                    &CoreJsonWebKey::new_symmetric(secret),
                )
            } else {
                let key = id_token
                    .signing_key(&verifier)
                    .map_err(|e| Failure::Other(e.to_string()))?;
                AccessTokenHash::from_token(access_token, alg, key)
            }
            .map_err(|e| Failure::Other(format!("cannot check at_hash: {e}")))?;
            if &actual != expected {
                return Err(Failure::Other(
                    "`at_hash` does not match the access token".into(),
                ));
            }
        }
        payload(&id_token.to_string()).map_err(Failure::Other)
    }
}

impl Provider {
    /// HS* ID tokens: only for a confidential client whose config opts in.
    fn hmac_allowed(&self) -> bool {
        let config = self.config();
        config.allow_hs256 && config.client_secret.is_some()
    }

    /// The algorithms the document announces, minus `none`, minus HMAC
    /// unless allowed; RS256 when nothing is left (the OIDC default).
    fn allowed_algs(&self, hmac_allowed: bool) -> Vec<CoreJwsSigningAlgorithm> {
        let mut algs: Vec<CoreJwsSigningAlgorithm> = self
            .metadata()
            .id_token_signing_alg_values_supported()
            .iter()
            .filter(|alg| match alg {
                CoreJwsSigningAlgorithm::None => false,
                alg if is_hmac(alg) => hmac_allowed,
                _ => true,
            })
            .cloned()
            .collect();
        if algs.is_empty() {
            algs.push(CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256);
        }
        algs
    }
}

fn hmac_name(alg: &CoreJwsSigningAlgorithm) -> &'static str {
    match alg {
        CoreJwsSigningAlgorithm::HmacSha384 => "HS384",
        CoreJwsSigningAlgorithm::HmacSha512 => "HS512",
        _ => "HS256",
    }
}

fn is_hmac(alg: &CoreJwsSigningAlgorithm) -> bool {
    matches!(
        alg,
        CoreJwsSigningAlgorithm::HmacSha256
            | CoreJwsSigningAlgorithm::HmacSha384
            | CoreJwsSigningAlgorithm::HmacSha512
    )
}

/// OIDC Core §12.2: a refreshed ID token is about the same authentication.
fn check_continuity(
    new: &BTreeMap<String, Value>,
    original: &BTreeMap<String, Value>,
) -> Result<(), String> {
    let differs = |claim: &str| {
        format!("the refreshed ID token has a different `{claim}` than the first one")
    };
    for claim in ["iss", "sub"] {
        if new.get(claim) != original.get(claim) {
            return Err(differs(claim));
        }
    }
    if audiences(new.get("aud")) != audiences(original.get("aud")) {
        return Err(differs("aud"));
    }
    // `nonce` and `auth_time` may be left out of a refreshed token, but
    // when sent they must be the first authentication's (§12.2).
    for claim in ["nonce", "auth_time"] {
        if let (Some(n), Some(o)) = (new.get(claim), original.get(claim))
            && n != o
        {
            return Err(differs(claim));
        }
    }
    // `azp`, when present, must be the first one's; one that appears only
    // now is a different party too.
    if let Some(azp) = new.get("azp")
        && original.get("azp") != Some(azp)
    {
        return Err(differs("azp"));
    }
    // A refreshed ID token is issued now (§12.2). One issued before the
    // token it replaces is an earlier statement sent again (a provider
    // echoing the login's): the roles in it were not said afresh.
    let iat = |claims: &BTreeMap<String, Value>| claims.get("iat").and_then(Value::as_f64);
    if let (Some(new_iat), Some(held_iat)) = (iat(new), iat(original))
        && new_iat < held_iat
    {
        return Err(format!(
            "the refreshed ID token was issued (`iat` {new_iat}) before the one it replaces \
             ({held_iat}): an earlier token sent again says nothing afresh"
        ));
    }
    Ok(())
}

/// `aud` may be one string or a list: compare as sets.
fn audiences(aud: Option<&Value>) -> Vec<String> {
    let mut list: Vec<String> = match aud {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    list.sort();
    list.dedup();
    list
}

enum Failure {
    UnknownKey,
    Claims(ClaimsVerificationError),
    Other(String),
}

impl From<ClaimsVerificationError> for Failure {
    fn from(e: ClaimsVerificationError) -> Self {
        match e {
            ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey,
            ) => Failure::UnknownKey,
            other => Failure::Claims(other),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::UnknownKey => f.write_str(
                "it is signed with a key the provider does not publish (unknown `kid`, even after fetching the keys again)",
            ),
            Failure::Claims(ClaimsVerificationError::SignatureVerification(e)) => {
                write!(f, "bad signature: {e}")
            }
            Failure::Claims(e) => write!(f, "{e}"),
            Failure::Other(s) => f.write_str(s),
        }
    }
}

/// Why an ID token past its `exp` was refused, with the true clock.
fn expired(id_token: &CoreIdToken) -> String {
    let exp = payload(&id_token.to_string())
        .ok()
        .and_then(|c| c.get("exp").and_then(Value::as_i64))
        .and_then(|s| chrono::DateTime::from_timestamp(s, 0));
    let now = Utc::now();
    match exp {
        Some(exp) => format!(
            "it expired at {exp} (the clock here says {now}; up to {} s of clock skew is allowed)",
            LEEWAY.num_seconds()
        ),
        None => "it has expired".to_owned(),
    }
}

/// The claims of a JWT whose signature has been checked, exactly as sent
/// (openidconnect's typed claims drop the ones it does not know).
fn payload(jwt: &str) -> Result<BTreeMap<String, Value>, String> {
    let part = jwt
        .split('.')
        .nth(1)
        .ok_or_else(|| "not a JWT".to_owned())?;
    let bytes = URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|e| format!("payload is not base64url: {e}"))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("payload is not a JSON object: {e}"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn claims(v: Value) -> BTreeMap<String, Value> {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn an_azp_appearing_only_on_renewal_is_refused() {
        let first = claims(json!({"iss": "i", "sub": "s", "aud": "rp"}));
        let new = claims(json!({"iss": "i", "sub": "s", "aud": "rp", "azp": "rp"}));
        let got = check_continuity(&new, &first);
        assert!(got.as_ref().is_err_and(|e| e.contains("`azp`")), "{got:?}");
        // Left out when the first had it: accepted ("where present").
        assert!(check_continuity(&first, &new).is_ok());
    }

    #[test]
    fn continuity_table() {
        let first = claims(json!({
            "iss": "i", "sub": "s", "aud": "rp", "nonce": "n", "auth_time": 100, "azp": "rp"
        }));
        let cases = [
            (json!({"iss": "i", "sub": "s", "aud": ["rp"]}), None),
            (
                json!({"iss": "i", "sub": "s", "aud": "rp", "nonce": "n"}),
                None,
            ),
            (json!({"iss": "j", "sub": "s", "aud": "rp"}), Some("`iss`")),
            (json!({"iss": "i", "sub": "t", "aud": "rp"}), Some("`sub`")),
            (
                json!({"iss": "i", "sub": "s", "aud": ["rp", "x"]}),
                Some("`aud`"),
            ),
            (
                json!({"iss": "i", "sub": "s", "aud": "rp", "nonce": "m"}),
                Some("`nonce`"),
            ),
            (
                json!({"iss": "i", "sub": "s", "aud": "rp", "auth_time": 100}),
                None,
            ),
            (
                json!({"iss": "i", "sub": "s", "aud": "rp", "azp": "rp"}),
                None,
            ),
            (
                json!({"iss": "i", "sub": "s", "aud": "rp", "auth_time": 101}),
                Some("`auth_time`"),
            ),
            (
                json!({"iss": "i", "sub": "s", "aud": "rp", "azp": "other"}),
                Some("`azp`"),
            ),
        ];
        for (new, expected) in cases {
            let got = check_continuity(&claims(new.clone()), &first);
            match expected {
                None => assert!(got.is_ok(), "{new}: {got:?}"),
                Some(word) => assert!(got.unwrap_err().contains(word), "{new}"),
            }
        }
    }
}
