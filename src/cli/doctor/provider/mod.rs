//! One provider: discovery, issuer, keys, PKCE, device grant, clock, and
//! the redirect URI (see `redirect` and `authorize`).

use std::time::Duration;

use chrono::{DateTime, Utc};
use openidconnect::core::CoreJsonWebKeySet;
use serde_json::Value;
use url::Url;

use super::fetch::{Fetched, fetch};
use super::{Check, authorize, redirect};
use crate::auth::{Metadata, is_issuer_of, issuer_of};
use crate::config::{FlowPreference, HttpSettings, ProviderConfig};
use crate::http::{self, HttpOptions, PROVIDER_BODY_CAP, cap_text, describe};
#[cfg(test)]
use keys::judge_keys;
use keys::jwks;

const DISCOVERY_SUFFIX: &str = "/.well-known/openid-configuration";
/// Clock skew above this is a warning…
const SKEW_WARN: i64 = 60;
/// …and above this a failure: ID tokens would be refused.
const SKEW_FAIL: i64 = 300;
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

pub(super) async fn check(p: &ProviderConfig, settings: &HttpSettings, out: &mut Vec<Check>) {
    let section = format!("provider {}", p.name);
    let s = section.as_str();
    let url = &p.server_metadata_url;
    let client = match http::client(HttpOptions {
        connect_timeout: settings.connect_timeout,
        request_timeout: settings.request_timeout,
        loopback: http::is_loopback(url),
        ca_file: p.ca_file.as_deref(),
        ca_file_sha256: p.ca_file_sha256.as_deref(),
    }) {
        Ok(c) => c,
        Err(e) => {
            out.push(Check::fail(
                s,
                "discovery",
                e.to_string(),
                "check the proxy settings (HTTPS_PROXY) and the system's certificates",
            ));
            return;
        }
    };
    if placeholders(s, p, out) {
        redirect::redirect_form(s, p, out);
        return;
    }
    super::tls::check(s, p, settings, out).await;
    let mut discovered = discovery(s, url, &client, settings, out).await;
    if let Some((metadata, raw, fetched)) = &discovered {
        issuer(s, url, raw, out);
        if endpoints(s, url, raw, out) {
            jwks(s, p, metadata, raw, &client, out).await;
            pkce(s, raw, out);
            device(s, p, raw, out);
            out.push(clock(s, fetched));
        } else {
            // The engine refuses such a document before any request to its
            // endpoints: so does doctor (no keys, no dry authorize request).
            discovered = None;
        }
    }
    let redirect = redirect::redirect_form(s, p, out);
    if let (Some((metadata, _, _)), Some(redirect)) = (&discovered, redirect) {
        authorize::dry_request(s, p, metadata, &redirect, &client, out).await;
    }
}

/// Values `authdash init` wrote for the user to replace. `true` when the
/// discovery URL is one of them (nothing to ask the network then).
fn placeholders(s: &str, p: &ProviderConfig, out: &mut Vec<Check>) -> bool {
    let is_placeholder = |v: &str| {
        let v = v.to_ascii_lowercase();
        v.contains("your_") || v.contains("your-")
    };
    let mut keys = Vec::new();
    if is_placeholder(&p.client_id) {
        keys.push("client_id");
    }
    if p.client_secret
        .as_ref()
        .is_some_and(|c| is_placeholder(secrecy::ExposeSecret::expose_secret(c)))
    {
        keys.push("client_secret");
    }
    let url = is_placeholder(p.server_metadata_url.as_str());
    if url {
        keys.push("server_metadata_url");
    }
    if p.account_url
        .as_ref()
        .is_some_and(|u| is_placeholder(u.as_str()))
    {
        keys.push("account_url");
    }
    if !keys.is_empty() {
        out.push(Check::fail(
            s,
            "placeholders",
            format!(
                "still the placeholder values `authdash init` wrote: {}",
                keys.join(", ")
            ),
            "replace each YOUR_... value with your provider's (the comments in the file say \
             where to find them)",
        ));
    }
    url
}

async fn discovery(
    s: &str,
    url: &Url,
    client: &reqwest::Client,
    settings: &HttpSettings,
    out: &mut Vec<Check>,
) -> Option<(Metadata, Value, Fetched)> {
    let name = "discovery";
    let fetched = match fetch(client, url, "application/json").await {
        Ok(f) => f,
        Err(e) => {
            let timeout = e.is_timeout();
            let reason = describe(e);
            let fix = if timeout {
                format!(
                    "the provider did not answer within the timeouts (connect {} s, request {} s): \
                     check the host in server_metadata_url, your network and proxy \
                     (HTTPS_PROXY); for a slow provider raise `request_timeout_secs` in \
                     [authdash]",
                    settings.connect_timeout.as_secs(),
                    settings.request_timeout.as_secs()
                )
            } else {
                "check server_metadata_url (the host, the port), that the provider is up, and \
                 your network and proxy (HTTPS_PROXY)"
                    .to_owned()
            };
            out.push(Check::fail(
                s,
                name,
                format!("cannot reach {url}: {reason}"),
                fix,
            ));
            return None;
        }
    };
    if !(200..300).contains(&fetched.status) {
        let fix = match (&fetched.location, fetched.status) {
            (Some(to), 300..=399) => format!(
                "authdash follows no redirects to provider endpoints: if {to} is the document, \
                 make server_metadata_url that final URL"
            ),
            (_, 404) => format!(
                "server_metadata_url must be the issuer followed by `{DISCOVERY_SUFFIX}`; check \
                 the issuer (the tenant, realm or path) in the provider's documentation"
            ),
            _ => "check server_metadata_url and that the provider is up".to_owned(),
        };
        out.push(Check::fail(
            s,
            name,
            format!("{url} answered HTTP {}", fetched.status),
            fix,
        ));
        return None;
    }
    if fetched.over_cap {
        out.push(too_large(s, name, url));
        return None;
    }
    let raw: Value = match serde_json::from_slice(&fetched.body) {
        Ok(v @ Value::Object(_)) => v,
        _ => {
            out.push(Check::fail(
                s,
                name,
                format!("{url} did not answer with a JSON object"),
                format!(
                    "server_metadata_url must be the discovery document (the issuer followed by \
                     `{DISCOVERY_SUFFIX}`), not a web page"
                ),
            ));
            return None;
        }
    };
    let metadata: Metadata = match serde_json::from_slice(&fetched.body) {
        Ok(m) => m,
        Err(e) => {
            out.push(Check::fail(
                s,
                name,
                format!("{url} is not a valid OpenID discovery document: {e}"),
                "this provider's document lacks what OpenID Connect Discovery requires; check \
                 that the URL is its OpenID configuration (not an OAuth-only one)",
            ));
            return None;
        }
    };
    out.push(Check::ok(
        s,
        name,
        format!(
            "{url} (HTTP {}, {} ms)",
            fetched.status,
            fetched.elapsed.as_millis()
        ),
    ));
    Some((metadata, raw, fetched))
}

fn too_large(s: &str, name: &str, url: &Url) -> Check {
    Check::fail(
        s,
        name,
        format!(
            "{url} answered more than the {} authdash reads from a provider",
            cap_text(PROVIDER_BODY_CAP)
        ),
        "check that the URL is the provider's (a document or key set is a few KiB)",
    )
}

/// The endpoints the document names that the discovery rule covers.
const ENDPOINTS: [&str; 7] = [
    "authorization_endpoint",
    "token_endpoint",
    "userinfo_endpoint",
    "jwks_uri",
    "revocation_endpoint",
    "device_authorization_endpoint",
    "end_session_endpoint",
];

/// Every endpoint https, unless the provider and the endpoint are on this
/// machine. `false` (with a failed line) when the engine would refuse the
/// document.
fn endpoints(s: &str, url: &Url, raw: &Value, out: &mut Vec<Check>) -> bool {
    let name = "https endpoints";
    let loopback = http::is_loopback(url);
    let mut named = 0;
    let mut insecure = Vec::new();
    for key in ENDPOINTS {
        let Some(text) = raw.get(key).and_then(Value::as_str) else {
            continue;
        };
        named += 1;
        let secure =
            Url::parse(text).is_ok_and(|u| http::require_secure_from(loopback, "", &u).is_ok());
        if !secure {
            insecure.push(format!("{key} {text}"));
        }
    }
    if insecure.is_empty() {
        let how = if loopback {
            "https or on this machine"
        } else {
            "https"
        };
        out.push(Check::ok(
            s,
            name,
            format!("the {named} endpoints the document names use {how}"),
        ));
        return true;
    }
    out.push(Check::fail(
        s,
        name,
        format!(
            "not https: {}; authdash refuses the provider before sending anything there",
            insecure.join(", ")
        ),
        "the provider must serve every endpoint over https (plain http is accepted only when \
         the provider and the endpoint are both on this machine); check its public URL \
         settings (behind a proxy: the forwarded scheme)",
    ));
    false
}

fn issuer(s: &str, url: &Url, raw: &Value, out: &mut Vec<Check>) {
    let name = "issuer";
    let expected = issuer_of(url);
    let found = raw.get("issuer").and_then(Value::as_str).unwrap_or("");
    if is_issuer_of(found, url) {
        let note = if found == expected {
            "as server_metadata_url implies"
        } else {
            "server_metadata_url's plus the one trailing slash discovery allows"
        };
        out.push(Check::ok(s, name, format!("`{found}`, {note}")));
        return;
    }
    let suggestion = format!("{}{DISCOVERY_SUFFIX}", found.trim_end_matches('/'));
    out.push(Check::fail(
        s,
        name,
        format!(
            "the document names `{found}`, server_metadata_url implies `{expected}`; login is \
             refused (a document from another issuer could be an impostor's)"
        ),
        format!(
            "if `{found}` is really your provider, set server_metadata_url to `{suggestion}`; \
             otherwise the URL points at the wrong tenant or realm (Entra: name the tenant ID, \
             not `common`)"
        ),
    ));
}

fn pkce(s: &str, raw: &Value, out: &mut Vec<Check>) {
    let name = "PKCE S256";
    let methods: Option<Vec<&str>> = raw
        .get("code_challenge_methods_supported")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect());
    out.push(match methods {
        Some(m) if m.contains(&"S256") => Check::ok(s, name, "advertised"),
        Some(m) => Check::fail(
            s,
            name,
            format!(
                "the provider advertises only [{}]; authdash always uses S256",
                m.join(", ")
            ),
            "enable PKCE with S256 for this client at the provider",
        ),
        None => Check::warn(
            s,
            name,
            "the discovery document does not say (no code_challenge_methods_supported)",
            "many providers support S256 without saying so; if login fails at the token step, \
             enable PKCE (S256) for this client at the provider",
        ),
    });
}

fn device(s: &str, p: &ProviderConfig, raw: &Value, out: &mut Vec<Check>) {
    let name = "device grant";
    let endpoint = raw
        .get("device_authorization_endpoint")
        .and_then(Value::as_str);
    let grants: Option<Vec<&str>> = raw
        .get("grant_types_supported")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect());
    let listed = grants.as_ref().is_none_or(|g| g.contains(&DEVICE_GRANT));
    out.push(match (endpoint, p.flow) {
        (Some(e), _) if listed => Check::ok(
            s,
            name,
            format!("offered ({e}): `authdash login --device` works where no browser opens"),
        ),
        (Some(e), _) => Check::ok(
            s,
            name,
            format!(
                "endpoint {e} present, though grant_types_supported omits the device grant; it \
                 may need enabling for this client"
            ),
        ),
        (None, FlowPreference::Device) => Check::fail(
            s,
            name,
            "not offered (no device_authorization_endpoint), yet the config says `flow = \
             \"device\"`",
            "set `flow = \"browser\"` or `\"auto\"`, or use a provider client that offers the \
             device authorization grant",
        ),
        (None, FlowPreference::Browser) => Check::ok(
            s,
            name,
            "not offered; logins use the browser (`flow = \"browser\"`)",
        ),
        (None, FlowPreference::Auto) => Check::warn(
            s,
            name,
            "not offered: where no browser can be opened (SSH), authdash can only print the \
             login URL",
            "nothing to do if you log in where a browser opens; otherwise enable the device \
             authorization grant at the provider, if it has one",
        ),
    });
}

/// The provider's `Date` header against this machine's clock.
pub(super) fn clock(s: &str, fetched: &Fetched) -> Check {
    let name = "clock";
    let Some(date) = &fetched.date else {
        return Check::warn(
            s,
            name,
            "the provider sent no Date header: cannot compare clocks",
            "make sure this machine's clock is synchronised (NTP); ID tokens are checked \
             against it",
        );
    };
    let Ok(theirs) = DateTime::parse_from_rfc2822(date) else {
        return Check::warn(
            s,
            name,
            format!("cannot read the provider's Date header `{date}`"),
            "make sure this machine's clock is synchronised (NTP)",
        );
    };
    let ours: DateTime<Utc> = fetched.received.into();
    judge_skew(
        s,
        (ours - theirs.with_timezone(&Utc)).num_seconds(),
        fetched.elapsed,
    )
}

/// `ahead` = this machine's clock minus the provider's, in seconds; the
/// header's one-second resolution and the round trip are tolerated.
pub(super) fn judge_skew(s: &str, ahead: i64, round_trip: Duration) -> Check {
    let name = "clock";
    let slack = round_trip.as_secs() as i64 + 1;
    let skew = (ahead.abs() - slack).max(0);
    let direction = if ahead > 0 { "ahead of" } else { "behind" };
    let fix = "synchronise this machine's clock (Linux: `timedatectl set-ntp true`; macOS and \
               Windows: set the time automatically)";
    if skew > SKEW_FAIL {
        Check::fail(
            s,
            name,
            format!(
                "this machine's clock is {skew} s {direction} the provider's: ID tokens will be \
                 refused as expired or not yet valid"
            ),
            fix,
        )
    } else if skew > SKEW_WARN {
        Check::warn(
            s,
            name,
            format!(
                "this machine's clock is {skew} s {direction} the provider's (authdash tolerates \
                 60 s)"
            ),
            fix,
        )
    } else {
        Check::ok(
            s,
            name,
            format!("agrees with the provider's Date header (within {slack} s)"),
        )
    }
}

mod keys;

#[cfg(test)]
mod tests;
