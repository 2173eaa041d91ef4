//! The store's envelope: XChaCha20-Poly1305 with a random 24-byte nonce
//! per write; the format, the key kind and the key derivation are bound as
//! associated data.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// The store's 32-byte key, wiped from memory when dropped.
pub(crate) type Key = Zeroizing<[u8; 32]>;

#[derive(Serialize, Deserialize)]
pub(crate) struct Envelope {
    pub(crate) format: u32,
    cipher: String,
    pub(crate) key_source: String,
    /// How a `store_secret` became the key (format 3 on); absent for a
    /// key that is random bytes already.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) kdf: Option<KdfParams>,
    nonce: String,
    ciphertext: String,
}

/// Argon2id's parameters and the store's own random salt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct KdfParams {
    pub(crate) name: String,
    /// Base64 of 16 random bytes, made once per store.
    pub(crate) salt: String,
    /// KiB.
    pub(crate) m_cost: u32,
    pub(crate) t_cost: u32,
    pub(crate) p_cost: u32,
}

pub(crate) const CIPHER: &str = "xchacha20poly1305";

/// Why an envelope did not open: its shape (the file is broken) or the
/// authentication tag (the key is not the one it was written with, or the
/// file was altered: the two cannot be told apart, so it is never taken as
/// broken).
pub(crate) enum OpenError {
    Malformed(String),
    WrongKey,
}

fn aad(envelope_format: u32, key_source: &str, kdf: Option<&KdfParams>) -> Vec<u8> {
    let mut aad = format!("authdash-store/{envelope_format}/{CIPHER}/{key_source}");
    // Format 2 bound less; keep reading it as it was written.
    if envelope_format >= 3 {
        match kdf {
            Some(k) => aad.push_str(&format!(
                "/{}:m={},t={},p={}:{}",
                k.name, k.m_cost, k.t_cost, k.p_cost, k.salt
            )),
            None => aad.push_str("/raw-key"),
        }
    }
    aad.into_bytes()
}

pub(crate) fn seal(
    key: &Key,
    format: u32,
    key_source: &str,
    kdf: Option<KdfParams>,
    plaintext: &[u8],
) -> Result<Envelope, String> {
    let cipher = XChaCha20Poly1305::new(key.as_ref().into());
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let ciphertext = cipher
        .encrypt(
            &nonce,
            Payload {
                msg: plaintext,
                aad: &aad(format, key_source, kdf.as_ref()),
            },
        )
        .map_err(|_| "encryption failed".to_owned())?;
    Ok(Envelope {
        format,
        cipher: CIPHER.into(),
        key_source: key_source.into(),
        kdf,
        nonce: STANDARD.encode(nonce),
        ciphertext: STANDARD.encode(ciphertext),
    })
}

/// The plaintext; an error says why, without any of the content.
pub(crate) fn open(key: &Key, envelope: &Envelope) -> Result<Zeroizing<Vec<u8>>, OpenError> {
    if envelope.cipher != CIPHER {
        return Err(OpenError::Malformed(format!(
            "unknown cipher `{}`",
            envelope.cipher
        )));
    }
    let nonce = STANDARD
        .decode(&envelope.nonce)
        .map_err(|_| OpenError::Malformed("the nonce is not base64".into()))?;
    if nonce.len() != 24 {
        return Err(OpenError::Malformed("the nonce is not 24 bytes".into()));
    }
    let ciphertext = STANDARD
        .decode(&envelope.ciphertext)
        .map_err(|_| OpenError::Malformed("the ciphertext is not base64".into()))?;
    let cipher = XChaCha20Poly1305::new(key.as_ref().into());
    cipher
        .decrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &ciphertext,
                aad: &aad(envelope.format, &envelope.key_source, envelope.kdf.as_ref()),
            },
        )
        .map(Zeroizing::new)
        .map_err(|_| OpenError::WrongKey)
}
