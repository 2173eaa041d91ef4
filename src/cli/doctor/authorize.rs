//! Whether the provider accepts the redirect URI — told from its answer
//! to a dry authorization request (never followed, never completed).
//!
//! The dry request carries `prompt=none`: a provider that accepts the
//! client and the redirect URI then sends its answer (`login_required`)
//! straight back to the redirect URI, which settles the question; one that
//! refuses answers with an error of its own (HTTP 400 or an error page).
//! A sign-in page instead is likely, not certain, acceptance, and is
//! reported as such.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use sha2::{Digest, Sha256};
use url::Url;

use super::Check;
use super::fetch::fetch;
use crate::auth::Metadata;
use crate::config::ProviderConfig;
use crate::http::describe;

/// Errors that, sent to the redirect URI in answer to `prompt=none`, mean
/// the provider accepted the request and only wants a person.
const EXPECTED_ERRORS: &[&str] = &[
    "login_required",
    "interaction_required",
    "consent_required",
    "account_selection_required",
];

/// Text in an error page that says the redirect URI is not registered.
const REDIRECT_MARKERS: &[&str] = &[
    "redirect_uri_mismatch",
    "invalid_redirect_uri",
    "invalid parameter: redirect_uri",
    "callback url mismatch",
    "aadsts50011",
    "redirect uri is not",
    "redirect_uri is not",
    "not a login redirect uri",
];

/// Text in an error page that says the client is unknown or not allowed.
const CLIENT_MARKERS: &[&str] = &[
    "invalid_client",
    "unauthorized_client",
    "unknown client",
    "client not found",
    "aadsts700016",
    "invalid client",
];

/// What the provider's answer says about the client and redirect URI.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Verdict {
    Accepted(String),
    /// Cannot tell; most likely fine.
    Unknown(String),
    Doubtful {
        detail: String,
        fix: String,
    },
    Refused {
        detail: String,
        fix: String,
    },
}

pub(super) async fn dry_request(
    s: &str,
    p: &ProviderConfig,
    metadata: &Metadata,
    redirect: &Url,
    client: &reqwest::Client,
    out: &mut Vec<Check>,
) {
    let name = "redirect accepted";
    let state = random_token();
    let verifier = random_token();
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let mut url = metadata.authorization_endpoint().url().clone();
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("response_type", "code")
            .append_pair("client_id", &p.client_id)
            .append_pair("redirect_uri", redirect.as_str())
            .append_pair("scope", &p.scopes.join(" "))
            .append_pair("state", &state)
            .append_pair("nonce", &random_token())
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256")
            .append_pair("prompt", "none");
        for (k, v) in &p.extra_authorize_params {
            q.append_pair(k, v);
        }
    }
    let fetched = match fetch(client, &url, "text/html").await {
        Ok(f) => f,
        Err(e) => {
            let endpoint = metadata.authorization_endpoint().url();
            out.push(Check::warn(
                s,
                name,
                format!(
                    "cannot tell: the authorization endpoint {endpoint} did not answer: {}",
                    describe(e)
                ),
                "the browser must reach this endpoint to log in; check the network and proxy",
            ));
            return;
        }
    };
    let body = String::from_utf8_lossy(&fetched.body[..fetched.body.len().min(256 * 1024)]);
    let verdict = classify(
        fetched.status,
        fetched.location.as_deref(),
        &body,
        &url,
        redirect,
        &state,
        &p.client_id,
    );
    out.push(match verdict {
        Verdict::Accepted(d) | Verdict::Unknown(d) => Check::ok(s, name, d),
        Verdict::Doubtful { detail, fix } => Check::warn(s, name, detail, fix),
        Verdict::Refused { detail, fix } => Check::fail(s, name, detail, fix),
    });
}

fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// Judge the answer to the dry request sent to `sent` (for relative
/// `Location`s) with `redirect` and `state`.
pub(super) fn classify(
    status: u16,
    location: Option<&str>,
    body: &str,
    sent: &Url,
    redirect: &Url,
    state: &str,
    client_id: &str,
) -> Verdict {
    let register = format!(
        "register `{redirect}` as a redirect URI of the client `{client_id}` at the provider \
         (exactly, port included, unless it accepts any loopback port), or set `redirect_uri` \
         to the one registered"
    );
    match status {
        300..=399 => {
            let Some(target) = location.and_then(|l| sent.join(l).ok()) else {
                return Verdict::Unknown(format!(
                    "cannot tell: the provider answered HTTP {status} without a usable Location"
                ));
            };
            let pairs: Vec<(String, String)> = target.query_pairs().into_owned().collect();
            let param = |n: &str| pairs.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
            if same_endpoint(&target, redirect) {
                if param("state").is_some_and(|s| s != state) {
                    return Verdict::Doubtful {
                        detail: format!(
                            "the provider sent its answer to {redirect}, but with another state"
                        ),
                        fix: "a provider must return the state it was sent; report this to the \
                              provider's administrator"
                            .to_owned(),
                    };
                }
                return match (param("error"), param("code")) {
                    (Some(e), _) if EXPECTED_ERRORS.contains(&e) => Verdict::Accepted(format!(
                        "yes: the provider sent its answer to {redirect} (`{e}` to a dry request \
                         that may not show a page, as expected)"
                    )),
                    (Some(e), _) => {
                        let desc = param("error_description").unwrap_or("");
                        Verdict::Doubtful {
                            detail: format!(
                                "the provider accepts {redirect} but refused the request: `{e}` \
                                 {desc}"
                            ),
                            fix: error_fix(e),
                        }
                    }
                    (None, Some(_)) => Verdict::Accepted(format!(
                        "yes: the provider sent a code to {redirect} at once"
                    )),
                    (None, None) => Verdict::Accepted(format!(
                        "yes: the provider sent the browser back to {redirect}"
                    )),
                };
            }
            let shown = without_query(&target);
            if let Some(e) = param("error") {
                let desc = param("error_description").unwrap_or("");
                return Verdict::Doubtful {
                    detail: format!(
                        "the provider redirected to its error page {shown}: `{e}` {desc}"
                    ),
                    fix: register,
                };
            }
            Verdict::Unknown(format!(
                "probably: the provider redirected to its own page {shown} (a sign-in page, most \
                 likely) instead of answering; authdash cannot tell for sure"
            ))
        }
        200..=299 => match markers(body) {
            Some((redirect_marker, what)) => Verdict::Refused {
                detail: format!("no: the provider shows an error page (HTTP {status}, {what})"),
                fix: if redirect_marker {
                    register
                } else {
                    client_fix(client_id)
                },
            },
            None => Verdict::Unknown(format!(
                "probably: the provider shows a page (HTTP {status}{}), most likely its sign-in \
                 page; authdash cannot tell for sure before a real login",
                title(body).map(|t| format!(", “{t}”")).unwrap_or_default()
            )),
        },
        400..=499 => {
            let what = error_text(body)
                .or_else(|| markers(body).map(|(_, w)| w))
                .or_else(|| title(body).map(|t| format!("“{t}”")))
                .unwrap_or_else(|| "no explanation".to_owned());
            let lower = body.to_ascii_lowercase();
            let fix = if REDIRECT_MARKERS.iter().any(|m| lower.contains(m)) {
                register
            } else if CLIENT_MARKERS.iter().any(|m| lower.contains(m)) {
                client_fix(client_id)
            } else {
                format!(
                    "check `client_id` ({client_id}) and {}",
                    register.replacen("register", "that", 1)
                )
            };
            Verdict::Refused {
                detail: format!(
                    "no: the provider refused the authorization request (HTTP {status}): {what}"
                ),
                fix,
            }
        }
        _ => Verdict::Doubtful {
            detail: format!("cannot tell: the provider answered HTTP {status}"),
            fix: "try again later; if it persists, the provider is failing (its status page may \
                  say)"
                .to_owned(),
        },
    }
}

fn client_fix(client_id: &str) -> String {
    format!(
        "check `client_id` ({client_id}): the provider does not know it, or does not allow it \
         the authorization code flow"
    )
}

fn error_fix(error: &str) -> String {
    match error {
        "invalid_scope" => {
            "the provider refuses a scope: check `client_kwargs.scope` against the scopes this \
             client may ask for"
                .to_owned()
        }
        "unauthorized_client" | "unsupported_response_type" => {
            "allow this client the authorization code grant at the provider".to_owned()
        }
        "invalid_request" => {
            "see the description; an extra parameter in `client_kwargs` may be wrong".to_owned()
        }
        _ => "a real login may fail the same way; see the description".to_owned(),
    }
}

fn same_endpoint(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str().map(str::to_ascii_lowercase) == b.host_str().map(str::to_ascii_lowercase)
        && a.port_or_known_default() == b.port_or_known_default()
        && a.path() == b.path()
}

fn without_query(url: &Url) -> String {
    let mut u = url.clone();
    u.set_query(None);
    u.set_fragment(None);
    u.to_string()
}

/// A JSON error body as `error: description`.
fn error_text(body: &str) -> Option<String> {
    let v: Value = serde_json::from_str(body).ok()?;
    let error = v.get("error")?.as_str()?;
    Some(match v.get("error_description").and_then(Value::as_str) {
        Some(d) => format!("`{error}`: {d}"),
        None => format!("`{error}`"),
    })
}

/// The marker found, and whether it is about the redirect URI.
fn markers(body: &str) -> Option<(bool, String)> {
    let lower = body.to_ascii_lowercase();
    if let Some(m) = REDIRECT_MARKERS.iter().find(|m| lower.contains(*m)) {
        return Some((true, format!("it mentions `{m}`")));
    }
    CLIENT_MARKERS
        .iter()
        .find(|m| lower.contains(*m))
        .map(|m| (false, format!("it mentions `{m}`")))
}

/// An HTML page's title, tidied and shortened.
fn title(body: &str) -> Option<String> {
    let lower = body.to_ascii_lowercase();
    let start = lower.find("<title")?;
    let open_end = start + lower[start..].find('>')? + 1;
    let close = open_end + lower[open_end..].find("</title")?;
    let text: String = body[open_end..close]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if text.is_empty() {
        return None;
    }
    Some(text.chars().take(100).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge(status: u16, location: Option<&str>, body: &str) -> Verdict {
        let sent = Url::parse("https://op.example/authorize?client_id=c").unwrap();
        let redirect = Url::parse("http://127.0.0.1:8400/callback").unwrap();
        classify(status, location, body, &sent, &redirect, "st", "c")
    }

    #[test]
    fn answers_back_to_the_redirect_uri_settle_it() {
        let v = judge(
            302,
            Some("http://127.0.0.1:8400/callback?error=login_required&state=st"),
            "",
        );
        assert!(matches!(v, Verdict::Accepted(_)), "{v:?}");
        let v = judge(
            302,
            Some("http://127.0.0.1:8400/callback?code=x&state=st"),
            "",
        );
        assert!(matches!(v, Verdict::Accepted(_)), "{v:?}");
        let v = judge(
            302,
            Some("http://127.0.0.1:8400/callback?error=invalid_scope&state=st"),
            "",
        );
        assert!(
            matches!(&v, Verdict::Doubtful { fix, .. } if fix.contains("client_kwargs.scope")),
            "{v:?}"
        );
    }

    #[test]
    fn error_pages_refuse() {
        let v = judge(
            400,
            None,
            "<html><title>Error 400: redirect_uri_mismatch</title></html>",
        );
        assert!(
            matches!(&v, Verdict::Refused { fix, .. } if fix.contains("register")),
            "{v:?}"
        );
        let v = judge(
            400,
            None,
            r#"{"error":"invalid_client","error_description":"unknown"}"#,
        );
        assert!(
            matches!(&v, Verdict::Refused { detail, fix } if detail.contains("invalid_client") && fix.contains("client_id")),
            "{v:?}"
        );
        // Entra answers some refusals with a 200 page.
        let v = judge(200, None, "<p>AADSTS50011: The redirect URI ...</p>");
        assert!(matches!(v, Verdict::Refused { .. }), "{v:?}");
    }

    #[test]
    fn a_sign_in_page_is_likely_but_not_certain() {
        let v = judge(200, None, "<html><title>Sign in</title></html>");
        assert!(
            matches!(&v, Verdict::Unknown(d) if d.contains("cannot tell") && d.contains("Sign in")),
            "{v:?}"
        );
        let v = judge(302, Some("/u/login?state=abc"), "");
        assert!(
            matches!(&v, Verdict::Unknown(d) if d.contains("https://op.example/u/login")),
            "{v:?}"
        );
        let v = judge(503, None, "");
        assert!(matches!(v, Verdict::Doubtful { .. }), "{v:?}");
    }
}
