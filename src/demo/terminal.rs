//! Signing in to the running demo from the terminal, for a machine with no
//! browser and no second device that reaches it (an SSH session, a
//! container): the person picks a demo user in authdash, and this plays
//! the browser against the demo's own provider. It opens the
//! authorization URL, fills the sign-in page's form as a person would
//! (the fields the page writes, [`pages::read_sign_in`]) and follows the
//! redirect to the login's loopback callback; the login itself — `state`,
//! the code exchange with PKCE, the ID token's verification — runs as
//! for any browser.
//!
//! Only `authdash demo` has one ([`DemoProvider::terminal_sign_in`]): it
//! signs in to the provider it was made from and to no other address.

use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use reqwest::StatusCode;
use reqwest::header::LOCATION;
use url::Url;

use super::DemoProvider;
use super::pages::{self, REQUEST_ID_FIELD, USER_FIELD};
use super::routes::is_loopback_redirect;
use crate::session::BrowserStandIn;

/// The longest a step (one request) may take: everything is on loopback.
const STEP_TIMEOUT: Duration = Duration::from_secs(15);
/// The most of a page read: the sign-in page is a few kilobytes.
const PAGE_CAP: usize = 1024 * 1024;

/// A demo user as the terminal sign-in offers them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoPerson {
    /// The short id the sign-in page posts (`alice`).
    pub(crate) id: String,
    /// The subject their ID token carries.
    pub(crate) subject: String,
    pub(crate) name: String,
    pub(crate) email: String,
    /// Their organizations in a few words: "Owner of Acme, Member of Globex".
    pub(crate) orgs: String,
}

/// The demo provider's sign-in from the terminal: whom it offers, and the
/// provider it signs in to.
#[derive(Debug, Clone)]
pub struct TerminalSignIn {
    /// The provider's issuer, `http://127.0.0.1:PORT`.
    issuer: String,
    people: Arc<[DemoPerson]>,
}

impl DemoProvider {
    /// The sign-in from the terminal for this running provider, for
    /// `authdash demo` to hand to its dashboard.
    pub fn terminal_sign_in(&self) -> TerminalSignIn {
        let directory = self.directory();
        let people = directory
            .users()
            .iter()
            .map(|u| DemoPerson {
                id: u.id.clone(),
                subject: u.user_id.clone(),
                name: u.name(),
                email: u.email.clone(),
                orgs: pages::orgs_summary(directory, &u.id),
            })
            .collect();
        TerminalSignIn {
            issuer: self.issuer_str().to_owned(),
            people,
        }
    }
}

impl TerminalSignIn {
    /// The issuer it signs in to: a login screen offers it for the
    /// provider with this issuer only.
    pub(crate) fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The demo users, in the sign-in page's order.
    pub(crate) fn people(&self) -> &[DemoPerson] {
        &self.people
    }

    /// A stand-in browser that signs in as the user `id` (`alice`).
    pub fn as_person(&self, id: &str) -> Option<SignInAs> {
        self.people.iter().any(|p| p.id == id).then(|| SignInAs {
            issuer: self.issuer.clone(),
            user: id.to_owned(),
        })
    }
}

/// Plays the browser for one login, as one demo user.
#[derive(Debug, Clone)]
pub struct SignInAs {
    issuer: String,
    user: String,
}

impl BrowserStandIn for SignInAs {
    fn open<'a>(&'a self, authorize_url: &'a str) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(self.sign_in(authorize_url))
    }
}

impl SignInAs {
    async fn sign_in(&self, authorize_url: &str) -> Result<(), String> {
        let url = Url::parse(authorize_url)
            .map_err(|e| format!("The login address cannot be read ({e})."))?;
        let issuer = Url::parse(&self.issuer)
            .map_err(|e| format!("The demo's address cannot be read ({e})."))?;
        // Never another provider's page, whatever the login was for.
        if url.origin() != issuer.origin() || url.path() != "/authorize" {
            return Err(format!(
                "The sign-in from the terminal signs in to the demo provider at {} only.",
                self.issuer
            ));
        }
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(STEP_TIMEOUT)
            .build()
            .map_err(|e| format!("No HTTP client: {e}."))?;
        let page = client
            .get(url.clone())
            .send()
            .await
            .map_err(|e| format!("The demo's sign-in page did not answer ({e})."))?;
        // An authorization request the provider refused at once comes back
        // as a redirect to the callback: taken there, the login says why.
        let redirect = if page.status().is_redirection() {
            redirect_target(&page, &url)?
        } else {
            let status = page.status();
            let html = capped_text(page).await?;
            let form = match pages::read_sign_in(&html) {
                Some(form) if status == StatusCode::OK => form,
                _ => {
                    return Err(format!(
                        "The demo's sign-in page answered {status} without its form."
                    ));
                }
            };
            if !form.users.contains(&self.user) {
                return Err(format!(
                    "The demo's sign-in page does not offer {}.",
                    self.user
                ));
            }
            let action = url.join("/authorize").map_err(|e| e.to_string())?;
            let chosen = client
                .post(action.clone())
                .form(&[
                    (REQUEST_ID_FIELD, form.request_id.as_str()),
                    (USER_FIELD, self.user.as_str()),
                ])
                .send()
                .await
                .map_err(|e| format!("The demo's sign-in form did not answer ({e})."))?;
            if !chosen.status().is_redirection() {
                return Err(format!(
                    "The demo's sign-in form answered {} instead of sending back to authdash.",
                    chosen.status()
                ));
            }
            redirect_target(&chosen, &action)?
        };
        if !is_loopback_redirect(redirect.as_str()) {
            return Err(
                "The demo sent the sign-in somewhere other than this machine's loopback callback."
                    .into(),
            );
        }
        let answered = client
            .get(redirect)
            .send()
            .await
            .map_err(|e| format!("authdash's callback did not answer ({e})."))?;
        if !answered.status().is_success() {
            return Err(format!(
                "authdash's callback refused the sign-in ({}).",
                answered.status()
            ));
        }
        Ok(())
    }
}

/// Where a redirect sends the browser, made absolute.
fn redirect_target(response: &reqwest::Response, base: &Url) -> Result<Url, String> {
    let location = response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            format!(
                "The demo answered {} without saying where to.",
                response.status()
            )
        })?;
    base.join(location)
        .map_err(|e| format!("The demo's redirect cannot be read ({e})."))
}

/// A page's text, at most [`PAGE_CAP`] bytes of it read.
async fn capped_text(mut response: reqwest::Response) -> Result<String, String> {
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| format!("The demo's sign-in page broke off ({e})."))?
    {
        if body.len() + chunk.len() > PAGE_CAP {
            return Err("The demo's sign-in page is larger than any it sends.".into());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&body).into_owned())
}
