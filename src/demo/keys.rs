//! The demo signing key (RS256) and the JWKS that publishes it.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::core::CoreRsaPrivateSigningKey;
use openidconnect::{JsonWebKeyId, PrivateSigningKey};
use sha2::{Digest, Sha256};

use super::DemoError;

const SIGNING_KEY_PEM: &str = include_str!("../../assets/demo/signing-key.pem");

/// The provider's signing key with its public JWKS.
pub(crate) struct SigningKey {
    pub(crate) key: CoreRsaPrivateSigningKey,
    /// The JWK Set document served at `/jwks`.
    pub(crate) jwks: serde_json::Value,
}

impl SigningKey {
    /// Loads the shipped PEM; the `kid` is its RFC 7638 thumbprint.
    pub(crate) fn load() -> Result<SigningKey, DemoError> {
        SigningKey::from_pem(SIGNING_KEY_PEM)
    }

    pub(crate) fn from_pem(pem: &str) -> Result<SigningKey, DemoError> {
        let unnamed = CoreRsaPrivateSigningKey::from_pem(pem, None).map_err(DemoError::Key)?;
        let public = serde_json::to_value(unnamed.as_verification_key())
            .map_err(|e| DemoError::Key(e.to_string()))?;
        let (Some(n), Some(e)) = (
            public.get("n").and_then(|v| v.as_str()),
            public.get("e").and_then(|v| v.as_str()),
        ) else {
            return Err(DemoError::Key("not an RSA key".into()));
        };
        // RFC 7638: members in lexicographic order, no whitespace.
        let canonical = format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#);
        let kid = URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()));
        let key = CoreRsaPrivateSigningKey::from_pem(pem, Some(JsonWebKeyId::new(kid.clone())))
            .map_err(DemoError::Key)?;
        let jwks = serde_json::json!({
            "keys": [{
                "kty": "RSA",
                "use": "sig",
                "alg": "RS256",
                "kid": kid,
                "n": n,
                "e": e,
            }]
        });
        Ok(SigningKey { key, jwks })
    }

    /// The key's id, as the JWKS publishes it.
    pub(crate) fn kid(&self) -> &str {
        self.jwks["keys"][0]["kid"].as_str().unwrap_or_default()
    }

    /// What verifies the key's signatures: its public half.
    pub(crate) fn decoding_key(&self) -> Result<jsonwebtoken::DecodingKey, String> {
        let jwk = &self.jwks["keys"][0];
        let (Some(n), Some(e)) = (jwk["n"].as_str(), jwk["e"].as_str()) else {
            return Err("the JWKS has no RSA key".into());
        };
        jsonwebtoken::DecodingKey::from_rsa_components(n, e).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_key_loads_and_publishes_rs256() {
        let key = SigningKey::load().expect("shipped key");
        let jwk = &key.jwks["keys"][0];
        assert_eq!(jwk["alg"], "RS256");
        assert_eq!(jwk["use"], "sig");
        assert!(jwk["kid"].as_str().is_some_and(|k| k.len() == 43));
        assert!(jwk.get("d").is_none(), "no private part in the JWKS");
    }

    #[test]
    fn garbage_pem_is_an_error() {
        assert!(SigningKey::from_pem("not a key").is_err());
    }
}
