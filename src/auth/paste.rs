//! The paste-back login, for when no browser can reach this machine's
//! loopback and the provider refuses the device grant (Entra tenants block
//! it by default): the person opens the login URL anywhere, signs in, and
//! pastes back the address their browser ended at (a loopback address that
//! does not load there). That address goes through the very check the
//! callback uses ([`super::loopback::check_response`]: `state` in constant
//! time, `iss` per RFC 9207), plus one of its own: it must be this login's
//! redirect URI (scheme, host, port and path), so an address of another
//! port or another tool is refused rather than guessed at.
//!
//! The callback keeps listening meanwhile: with an `ssh -L` port forward
//! the normal redirect works, and whichever arrives first wins.

use std::collections::HashMap;
use std::fmt;

use tokio::sync::mpsc;
use url::Url;

use super::login::{BrowserLogin, conclude};
use super::loopback::{Outcome, check_response, response_params};
use super::refusal::RefusalReason;
use super::{AuthError, Session};
use crate::identity::visible;

/// The most of a pasted line looked at: an address, not a novel.
const MAX_PASTED: usize = 16 * 1024;

/// Why a pasted line was refused; the login goes on waiting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasteRefusal {
    /// Not an address at all.
    NotAnAddress,
    /// An address, but not this login's redirect URI.
    OtherAddress { expected: String, got: String },
    /// This login's address, but carrying neither `code` nor `error`.
    NoResponse,
    /// Refused as the callback refuses it: `state` or `iss`.
    Refused(RefusalReason),
}

impl fmt::Display for PasteRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAnAddress => f.write_str(
                "that is not an address; paste the whole address from the browser's address bar",
            ),
            Self::OtherAddress { expected, got } => write!(
                f,
                "that address is {}, not this login's {expected}; paste the address the browser \
                 ended at after signing in",
                visible(got)
            ),
            Self::NoResponse => f.write_str(
                "that address carries no sign-in response (no `code`); paste it after signing in",
            ),
            Self::Refused(reason) => write!(f, "that response is not for this login: {reason}"),
        }
    }
}

/// Where an address points, without its query: scheme, host, port, path.
fn place(url: &Url) -> String {
    format!(
        "{}://{}:{}{}",
        url.scheme(),
        url.host_str().unwrap_or(""),
        url.port_or_known_default().unwrap_or(0),
        url.path()
    )
}

/// Check a pasted line against this login's redirect URI and secrets.
fn check_pasted(
    redirect_uri: &Url,
    state: &str,
    issuer: &str,
    issuer_required: bool,
    text: &str,
) -> Result<Outcome, PasteRefusal> {
    let text = text.trim();
    if text.is_empty() || text.len() > MAX_PASTED {
        return Err(PasteRefusal::NotAnAddress);
    }
    let url = Url::parse(text).map_err(|_| PasteRefusal::NotAnAddress)?;
    if place(&url) != place(redirect_uri) {
        let mut shown = url.clone();
        shown.set_query(None);
        shown.set_fragment(None);
        return Err(PasteRefusal::OtherAddress {
            expected: redirect_uri.to_string(),
            got: shown.to_string(),
        });
    }
    let query: HashMap<String, String> =
        response_params(url.query_pairs().into_owned()).map_err(PasteRefusal::Refused)?;
    if !query.contains_key("code") && !query.contains_key("error") {
        return Err(PasteRefusal::NoResponse);
    }
    check_response(state, issuer, issuer_required, &query).map_err(PasteRefusal::Refused)
}

impl BrowserLogin {
    /// Wait for the callback or a pasted address (lines from `pasted`),
    /// whichever brings this login's response first, then exchange the
    /// code and verify everything as [`Self::finish`] does. A refused
    /// paste is told to `refused` and the wait goes on; a closed `pasted`
    /// leaves the callback alone. Bounded by the login timeout.
    pub async fn finish_or_paste(
        self,
        mut pasted: mpsc::Receiver<String>,
        refused: &(dyn Fn(PasteRefusal) + Send + Sync),
    ) -> Result<Session, AuthError> {
        let mut parts = self.into_parts();
        let issuer = parts.provider.issuer().to_owned();
        let redirect_uri = parts.callback.redirect_uri.clone();
        let mut open = true;
        let wait = async {
            loop {
                tokio::select! {
                    outcome = &mut parts.callback.outcome => {
                        return outcome.map_err(|_| AuthError::Cancelled);
                    }
                    line = pasted.recv(), if open => match line {
                        Some(line) => match check_pasted(
                            &redirect_uri,
                            &parts.state,
                            &issuer,
                            parts.issuer_required,
                            &line,
                        ) {
                            Ok(outcome) => return Ok(outcome),
                            Err(why) => refused(why),
                        },
                        None => open = false,
                    },
                }
            }
        };
        let outcome = tokio::time::timeout(parts.timeout, wait)
            .await
            .map_err(|_| AuthError::TimedOut(parts.timeout.as_secs()))??;
        // The callback server stops here: one response per login.
        drop(parts.callback);
        conclude(
            &parts.provider,
            &redirect_uri,
            outcome,
            parts.verifier,
            &parts.nonce,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISS: &str = "https://issuer.example";

    fn check(text: &str) -> Result<Outcome, PasteRefusal> {
        let redirect = Url::parse("http://127.0.0.1:8501/callback").unwrap();
        check_pasted(&redirect, "the-state", ISS, false, text)
    }

    #[test]
    fn this_logins_address_with_its_state_gives_the_code() {
        let ok = check("  http://127.0.0.1:8501/callback?code=abc&state=the-state\n");
        assert!(matches!(ok, Ok(Outcome::Code(c)) if c == "abc"));
        let ok = check(&format!(
            "http://127.0.0.1:8501/callback?code=abc&state=the-state&iss={ISS}"
        ));
        assert!(matches!(ok, Ok(Outcome::Code(_))));
    }

    #[test]
    fn anything_else_is_refused_with_why() {
        assert_eq!(
            check("http://127.0.0.1:8501/callback?code=abc&state=other").err(),
            Some(PasteRefusal::Refused(RefusalReason::WrongState))
        );
        assert!(matches!(
            check(
                "http://127.0.0.1:8501/callback?code=abc&state=the-state&iss=https://evil.example"
            ),
            Err(PasteRefusal::Refused(RefusalReason::WrongIssuer { .. }))
        ));
        assert!(matches!(
            check("http://127.0.0.1:9999/callback?code=abc&state=the-state"),
            Err(PasteRefusal::OtherAddress { .. })
        ));
        assert_eq!(check("garbage").err(), Some(PasteRefusal::NotAnAddress));
        assert_eq!(check("").err(), Some(PasteRefusal::NotAnAddress));
        assert_eq!(
            check("http://127.0.0.1:8501/callback?state=the-state").err(),
            Some(PasteRefusal::NoResponse)
        );
    }

    #[test]
    fn a_refused_address_is_shown_without_its_query() {
        let why = check("http://127.0.0.1:9999/callback?code=secret-code&state=x")
            .err()
            .unwrap()
            .to_string();
        assert!(!why.contains("secret-code"), "{why}");
    }
}
