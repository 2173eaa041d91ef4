use jsonwebtoken::{EncodingKey, Header};
use openidconnect::core::CoreRsaPrivateSigningKey;
use openidconnect::{JsonWebKeyId, PrivateSigningKey};
use serde_json::json;

use super::*;

const DEMO_KEY: &str = include_str!("../../../assets/demo/signing-key.pem");
const OTHER_KEY: &str = include_str!("../../../tests/support/keys/attacker.pem");
const ISSUER: &str = "https://auth.example.com";

/// The public JWK of a PEM key, named `kid`.
fn jwk(pem: &str, kid: &str) -> Value {
    let key = CoreRsaPrivateSigningKey::from_pem(pem, Some(JsonWebKeyId::new(kid.into())))
        .expect("test key");
    let mut jwk = serde_json::to_value(key.as_verification_key()).unwrap();
    jwk["use"] = json!("sig");
    jwk["alg"] = json!("RS256");
    jwk
}

fn jwks(keys: &[Value]) -> CoreJsonWebKeySet {
    serde_json::from_value(json!({ "keys": keys })).unwrap()
}

fn provider_keys() -> CoreJsonWebKeySet {
    jwks(&[jwk(DEMO_KEY, "demo")])
}

fn check() -> AccessTokenCheck {
    AccessTokenCheck {
        issuer: ISSUER.into(),
        client_id: "dashboard".into(),
        audiences: vec!["https://api.example.com".into()],
        algorithms: allowed_algorithms(["RS256".to_owned(), "HS256".to_owned()]),
    }
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn claims(extra: Value) -> Value {
    let mut c = json!({
        "iss": ISSUER,
        "sub": "u-1",
        "exp": now() + 600,
        "iat": now(),
        "org_id_to_org_member_info": {"acme": {"org_id": "acme", "user_role": "Admin"}},
    });
    for (k, v) in extra.as_object().unwrap() {
        if v.is_null() {
            c.as_object_mut().unwrap().remove(k);
        } else {
            c[k] = v.clone();
        }
    }
    c
}

fn sign(pem: &str, kid: Option<&str>, body: &Value) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(
        &header,
        body,
        &EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap(),
    )
    .unwrap()
}

fn b64(v: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap())
}

#[test]
fn a_signed_access_token_is_accepted() {
    let cases = [
        json!({}),
        json!({"aud": "dashboard"}),
        json!({"aud": ["https://api.example.com", "https://auth.example.com/userinfo"]}),
        // Keycloak: for the audience `account`, issued to this client.
        json!({"aud": "account", "azp": "dashboard"}),
        // Expired within the leeway.
        json!({"exp": now() - 30}),
    ];
    for extra in cases {
        let token = sign(DEMO_KEY, Some("demo"), &claims(extra.clone()));
        match verify(&token, &check(), &provider_keys()) {
            Verdict::Claims(c) => {
                assert_eq!(c.get("sub"), Some(&json!("u-1")), "{extra}");
                assert!(c.contains_key("org_id_to_org_member_info"), "{extra}");
            }
            other => panic!("{extra}: {other:?}"),
        }
    }
    // No `kid`, one key: that key.
    let token = sign(DEMO_KEY, None, &claims(json!({})));
    assert!(matches!(
        verify(&token, &check(), &provider_keys()),
        Verdict::Claims(_)
    ));
}

#[test]
fn forged_and_broken_access_tokens_are_refused() {
    let payload = claims(json!({}));
    let public_pem = {
        let k = CoreRsaPrivateSigningKey::from_pem(DEMO_KEY, None).unwrap();
        serde_json::to_vec(&k.as_verification_key()).unwrap()
    };
    let hs256_with_public_key = jsonwebtoken::encode(
        &Header {
            kid: Some("demo".into()),
            ..Header::new(Algorithm::HS256)
        },
        &payload,
        &EncodingKey::from_secret(&public_pem),
    )
    .unwrap();
    let unsigned = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT"})),
        b64(&payload)
    );
    let other_key_same_kid = sign(OTHER_KEY, Some("demo"), &payload);
    let tampered = {
        let good = sign(DEMO_KEY, Some("demo"), &payload);
        let parts: Vec<&str> = good.split('.').collect();
        let forged = b64(&claims(json!({"sub": "mallory"})));
        format!("{}.{forged}.{}", parts[0], parts[2])
    };
    let cases = [
        (other_key_same_kid, "bad signature"),
        (tampered, "bad signature"),
        (unsigned, "`alg: none`"),
        (hs256_with_public_key, "shared-secret algorithm"),
        (
            sign(
                DEMO_KEY,
                Some("demo"),
                &claims(json!({"iss": "https://evil.example.com"})),
            ),
            "its `iss` is not `https://auth.example.com`",
        ),
        (
            sign(
                DEMO_KEY,
                Some("demo"),
                &claims(json!({"exp": now() - 3600})),
            ),
            "it has expired",
        ),
        (
            sign(DEMO_KEY, Some("demo"), &claims(json!({"exp": null}))),
            "it has no `exp`",
        ),
        (
            sign(
                DEMO_KEY,
                Some("demo"),
                &claims(json!({"aud": "someone-else"})),
            ),
            "its audience (someone-else) is neither this client",
        ),
        (
            sign(
                DEMO_KEY,
                Some("demo"),
                &claims(json!({"aud": "account", "azp": "other"})),
            ),
            "its audience (account)",
        ),
    ];
    for (token, expected) in cases {
        match verify(&token, &check(), &provider_keys()) {
            Verdict::Refused(why) => assert!(why.contains(expected), "{why} ∌ {expected}"),
            other => panic!("{expected}: {other:?}"),
        }
    }
}

#[test]
fn the_algorithm_must_be_the_providers() {
    let token = sign(DEMO_KEY, Some("demo"), &claims(json!({})));
    let es_only = AccessTokenCheck {
        algorithms: allowed_algorithms(["ES256".to_owned()]),
        ..check()
    };
    match verify(&token, &es_only, &provider_keys()) {
        Verdict::Refused(why) => assert!(why.contains("not among the provider's"), "{why}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        allowed_algorithms(["HS256", "HS512", "none", "RS256", "EdDSA"].map(String::from)),
        [Algorithm::RS256, Algorithm::EdDSA]
    );
}

#[test]
fn unknown_kid_asks_for_a_refetch_and_several_keys_need_a_kid() {
    let token = sign(DEMO_KEY, Some("rotated"), &claims(json!({})));
    assert!(matches!(
        verify(&token, &check(), &provider_keys()),
        Verdict::UnknownKey(kid) if kid == "rotated"
    ));
    let two = jwks(&[jwk(DEMO_KEY, "demo"), jwk(OTHER_KEY, "other")]);
    assert!(matches!(
        verify(&token, &check(), &two),
        Verdict::UnknownKey(_)
    ));
    let kidless = sign(DEMO_KEY, None, &claims(json!({})));
    match verify(&kidless, &check(), &two) {
        Verdict::Refused(why) => assert!(why.contains("several keys"), "{why}"),
        other => panic!("{other:?}"),
    }
    // After the refetch the new key is there.
    let rotated = jwks(&[jwk(DEMO_KEY, "rotated")]);
    assert!(matches!(
        verify(&token, &check(), &rotated),
        Verdict::Claims(_)
    ));
}

#[test]
fn opaque_access_tokens_are_skipped() {
    for token in [
        "ya29.a0AfH6SMBx-opaque-google-token",
        "2YotnFZFEjr1zCsicMWpAA",
        "a.b.c",
        // A JWE (five parts) is not ours to read either.
        "eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d",
    ] {
        assert!(
            matches!(verify(token, &check(), &provider_keys()), Verdict::Opaque),
            "{token}"
        );
    }
}
