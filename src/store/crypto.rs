//! The store's envelope: XChaCha20-Poly1305 with a random 24-byte nonce
//! per write; the format and key kind are bound as associated data.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::key::Key;

#[derive(Serialize, Deserialize)]
pub(crate) struct Envelope {
    pub format: u32,
    pub cipher: String,
    pub key_source: String,
    pub nonce: String,
    pub ciphertext: String,
}

pub(crate) const CIPHER: &str = "xchacha20poly1305";

fn aad(format: u32, key_source: &str) -> Vec<u8> {
    format!("authdash-store/{format}/{CIPHER}/{key_source}").into_bytes()
}

pub(crate) fn seal(
    key: &Key,
    format: u32,
    key_source: &str,
    plaintext: &[u8],
) -> Result<Envelope, String> {
    let cipher = XChaCha20Poly1305::new(key.as_ref().into());
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let ciphertext = cipher
        .encrypt(
            &nonce,
            Payload {
                msg: plaintext,
                aad: &aad(format, key_source),
            },
        )
        .map_err(|_| "encryption failed".to_owned())?;
    Ok(Envelope {
        format,
        cipher: CIPHER.into(),
        key_source: key_source.into(),
        nonce: STANDARD.encode(nonce),
        ciphertext: STANDARD.encode(ciphertext),
    })
}

/// `Err` says why, without any of the content.
pub(crate) fn open(key: &Key, envelope: &Envelope) -> Result<Zeroizing<Vec<u8>>, String> {
    if envelope.cipher != CIPHER {
        return Err(format!("unknown cipher `{}`", envelope.cipher));
    }
    let nonce = STANDARD
        .decode(&envelope.nonce)
        .map_err(|_| "the nonce is not base64".to_owned())?;
    if nonce.len() != 24 {
        return Err("the nonce is not 24 bytes".into());
    }
    let ciphertext = STANDARD
        .decode(&envelope.ciphertext)
        .map_err(|_| "the ciphertext is not base64".to_owned())?;
    let cipher = XChaCha20Poly1305::new(key.as_ref().into());
    cipher
        .decrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &ciphertext,
                aad: &aad(envelope.format, &envelope.key_source),
            },
        )
        .map(Zeroizing::new)
        .map_err(|_| {
            format!(
                "it does not decrypt with the key from {} (a different key, or the file was altered)",
                envelope.key_source
            )
        })
}
