//! The provider's key set: fetched, and judged against the algorithms its
//! discovery document announces.

use super::*;

pub(super) async fn jwks(
    s: &str,
    p: &ProviderConfig,
    metadata: &Metadata,
    raw: &Value,
    client: &reqwest::Client,
    out: &mut Vec<Check>,
) {
    let name = "keys (JWKS)";
    let url = metadata.jwks_uri().url();
    if let Err(e) = http::require_secure("jwks_uri", url) {
        out.push(Check::fail(
            s,
            name,
            e.to_string(),
            "the provider must publish its keys over https",
        ));
        return;
    }
    let fetched = match fetch(client, url, "application/json").await {
        Ok(f) if (200..300).contains(&f.status) => f,
        Ok(f) => {
            out.push(Check::fail(
                s,
                name,
                format!("{url} answered HTTP {}", f.status),
                "the discovery document's jwks_uri must serve the key set; check the provider",
            ));
            return;
        }
        Err(e) => {
            out.push(Check::fail(
                s,
                name,
                format!("cannot reach {url}: {}", describe(e)),
                "check your network and proxy; the provider's key set must be reachable from \
                 here to verify ID tokens",
            ));
            return;
        }
    };
    if fetched.over_cap {
        out.push(too_large(s, name, url));
        return;
    }
    if let Err(e) = serde_json::from_slice::<CoreJsonWebKeySet>(&fetched.body) {
        out.push(Check::fail(
            s,
            name,
            format!("{url} is not a valid key set: {e}"),
            "the provider's jwks_uri must serve a JSON Web Key Set",
        ));
        return;
    }
    let keys: Vec<Value> = serde_json::from_slice::<Value>(&fetched.body)
        .ok()
        .and_then(|v| v.get("keys").and_then(Value::as_array).cloned())
        .unwrap_or_default();
    let algs: Vec<String> = raw
        .get("id_token_signing_alg_values_supported")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    out.push(judge_keys(
        s,
        name,
        url,
        &keys,
        &algs,
        p.client_secret.is_some(),
    ));
}

/// Whether the key set has a signing key for an algorithm the provider
/// signs ID tokens with.
pub(super) fn judge_keys(
    s: &str,
    name: &str,
    url: &Url,
    keys: &[Value],
    algs: &[String],
    has_secret: bool,
) -> Check {
    if keys.is_empty() {
        return Check::fail(
            s,
            name,
            format!("{url} publishes no keys"),
            "the provider has no signing key set up (Keycloak: Realm settings > Keys); ID tokens \
             cannot be verified until it has",
        );
    }
    let usable: Vec<&str> = algs
        .iter()
        .map(String::as_str)
        .filter(|alg| {
            if alg.starts_with("HS") {
                return has_secret;
            }
            keys.iter().any(|k| key_fits(k, alg))
        })
        .collect();
    let described: Vec<String> = keys.iter().map(describe_key).collect();
    if usable.is_empty() {
        return Check::fail(
            s,
            name,
            format!(
                "{} key{} ({}), none fit the advertised ID token algorithms [{}]",
                keys.len(),
                if keys.len() == 1 { "" } else { "s" },
                described.join(", "),
                algs.join(", ")
            ),
            "the provider must publish a signing key (`use` absent or `sig`) for the algorithm it \
             signs ID tokens with; check its key settings",
        );
    }
    Check::ok(
        s,
        name,
        format!(
            "{} key{} ({}); signing keys for {}",
            keys.len(),
            if keys.len() == 1 { "" } else { "s" },
            described.join(", "),
            usable.join(", ")
        ),
    )
}

fn key_fits(key: &Value, alg: &str) -> bool {
    let field = |n: &str| key.get(n).and_then(Value::as_str);
    if field("use").is_some_and(|u| u != "sig") {
        return false;
    }
    if field("alg").is_some_and(|a| a != alg) {
        return false;
    }
    let (kty, crv) = (field("kty"), field("crv"));
    match alg {
        "RS256" | "RS384" | "RS512" | "PS256" | "PS384" | "PS512" => kty == Some("RSA"),
        "ES256" => kty == Some("EC") && crv == Some("P-256"),
        "ES384" => kty == Some("EC") && crv == Some("P-384"),
        "ES512" => kty == Some("EC") && crv == Some("P-521"),
        "EdDSA" => kty == Some("OKP") && crv == Some("Ed25519"),
        _ => false,
    }
}

fn describe_key(key: &Value) -> String {
    let field = |n: &str| key.get(n).and_then(Value::as_str);
    let mut text = field("kty").unwrap_or("?").to_owned();
    if let Some(alg) = field("alg") {
        text = format!("{text} {alg}");
    }
    if let Some(kid) = field("kid") {
        text = format!("{text} `{kid}`");
    }
    if field("use").is_some_and(|u| u != "sig") {
        text.push_str(" (not for signing)");
    }
    text
}
