//! ID token verifications per second, RS256 / ES256 / EdDSA, through the
//! function every login runs (`Provider::verify_id_token`, reached by its
//! bench entry point). The provider is a discovery document and key set
//! served on loopback by this process; the tokens are signed here.

use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

use authdash::auth::Provider;
use authdash::config::Config;
use axum::Json;
use axum::Router;
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use criterion::Criterion;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use openidconnect::PrivateSigningKey;
use openidconnect::core::CoreRsaPrivateSigningKey;
use serde_json::{Value, json};

use super::figures::{self, Budget, Unit};

const RSA_PEM: &str = include_str!("../../tests/support/keys/rotated.pem");
const CLIENT_ID: &str = "authdash-bench";
const NONCE: &str = "bench-nonce";
const ACCESS_TOKEN: &str = "bench-access-token";

/// A signing key and its public JWK.
struct Key {
    alg: Algorithm,
    name: &'static str,
    encoding: EncodingKey,
    jwk: Value,
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn keys() -> Vec<Key> {
    let rsa = CoreRsaPrivateSigningKey::from_pem(RSA_PEM, None)
        .unwrap_or_else(|e| panic!("the RSA test key: {e}"));
    let public =
        serde_json::to_value(rsa.as_verification_key()).unwrap_or_else(|e| panic!("its JWK: {e}"));
    let rs256 = Key {
        alg: Algorithm::RS256,
        name: "RS256",
        encoding: EncodingKey::from_rsa_pem(RSA_PEM.as_bytes())
            .unwrap_or_else(|e| panic!("the RSA test key: {e}")),
        jwk: json!({"kty": "RSA", "use": "sig", "alg": "RS256", "kid": "rs",
                    "n": public["n"], "e": public["e"]}),
    };
    let ec = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
        .unwrap_or_else(|e| panic!("a P-256 key: {e}"));
    // An uncompressed point: 0x04, x, y.
    let point = ec.public_key_raw();
    let es256 = Key {
        alg: Algorithm::ES256,
        name: "ES256",
        encoding: EncodingKey::from_ec_pem(ec.serialize_pem().as_bytes())
            .unwrap_or_else(|e| panic!("the P-256 key: {e}")),
        jwk: json!({"kty": "EC", "use": "sig", "alg": "ES256", "kid": "ec", "crv": "P-256",
                    "x": b64(&point[1..33]), "y": b64(&point[33..65])}),
    };
    let ed = rcgen::KeyPair::generate_for(&rcgen::PKCS_ED25519)
        .unwrap_or_else(|e| panic!("an Ed25519 key: {e}"));
    let eddsa = Key {
        alg: Algorithm::EdDSA,
        name: "EdDSA",
        encoding: EncodingKey::from_ed_pem(ed.serialize_pem().as_bytes())
            .unwrap_or_else(|e| panic!("the Ed25519 key: {e}")),
        jwk: json!({"kty": "OKP", "use": "sig", "alg": "EdDSA", "kid": "ed", "crv": "Ed25519",
                    "x": b64(ed.public_key_raw())}),
    };
    vec![rs256, es256, eddsa]
}

/// Serve the discovery document and the key set on a free loopback port;
/// the issuer.
async fn serve(jwks: Value) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("a loopback port: {e}"));
    let addr = listener
        .local_addr()
        .unwrap_or_else(|e| panic!("its address: {e}"));
    let issuer = format!("http://{addr}");
    let document = json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{issuer}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256", "ES256", "EdDSA"],
    });
    let app = Router::new()
        .route(
            "/.well-known/openid-configuration",
            get(move || async move { Json(document) }),
        )
        .route("/jwks", get(move || async move { Json(jwks) }));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    issuer
}

fn id_token(key: &Key, issuer: &str) -> String {
    let now = chrono::Utc::now().timestamp();
    let mut header = Header::new(key.alg);
    header.kid = Some(key.jwk["kid"].as_str().unwrap_or_default().to_owned());
    let claims = json!({
        "iss": issuer, "aud": CLIENT_ID, "sub": "bench-user", "nonce": NONCE,
        "iat": now, "exp": now + 3600, "email": "bench@example.com", "name": "Bench Person",
    });
    jsonwebtoken::encode(&header, &claims, &key.encoding)
        .unwrap_or_else(|e| panic!("signing with {}: {e}", key.name))
}

async fn provider(issuer: &str) -> Provider {
    let toml = format!(
        "[auth.bench]\nclient_id = \"{CLIENT_ID}\"\n\
         server_metadata_url = \"{issuer}/.well-known/openid-configuration\"\n"
    );
    let config = Config::parse(std::path::Path::new("bench.toml"), &toml, &|_| None)
        .unwrap_or_else(|e| panic!("the bench config: {e}"));
    Provider::discover(&config.providers[0], &config.http)
        .await
        .unwrap_or_else(|e| panic!("discovery on loopback: {e}"))
}

pub fn verification(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("a runtime: {e}"));
    let keys = keys();
    let jwks = json!({ "keys": keys.iter().map(|k| k.jwk.clone()).collect::<Vec<_>>() });
    let (issuer, provider) = runtime.block_on(async {
        let issuer = serve(jwks).await;
        let provider = Arc::new(provider(&issuer).await);
        (issuer, provider)
    });
    let mut group = c.benchmark_group("verify");
    for key in &keys {
        let token = id_token(key, &issuer);
        let check =
            runtime.block_on(provider.verify_id_token_for_bench(&token, ACCESS_TOKEN, NONCE));
        if let Err(e) = check {
            panic!("a valid {} ID token is refused: {e}", key.name);
        }
        let name = format!("ID token verification, {}", key.name);
        group.bench_function(key.name, |b| {
            b.iter_custom(|iterations| {
                runtime.block_on(async {
                    let started = Instant::now();
                    for _ in 0..iterations {
                        let claims = provider
                            .verify_id_token_for_bench(black_box(&token), ACCESS_TOKEN, NONCE)
                            .await;
                        black_box(claims.is_ok());
                    }
                    let total = started.elapsed();
                    figures::record(
                        &name,
                        Budget::Reported,
                        Unit::PerSecond,
                        figures::per_iteration(total, iterations),
                    );
                    total
                })
            })
        });
    }
    group.finish();
}
