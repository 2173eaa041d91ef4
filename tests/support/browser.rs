//! A test "browser": an HTTP client without JavaScript that drives the demo
//! provider's sign-in page the way a person would.
//!
//! Redirects are never followed automatically and no proxy is used, so every
//! hop is visible and all traffic stays on the loopback interface. Every
//! request is bounded by [`TIMEOUT`].

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::LOCATION;
use url::Url;

/// Upper bound for any single request the browser makes.
pub const TIMEOUT: Duration = Duration::from_secs(15);

/// A client like the browser uses: redirects off, no proxy, bounded.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(TIMEOUT)
        .build()
        .unwrap_or_else(|_| reqwest::Client::new())
}

/// The sign-in page as the browser understood it.
#[derive(Debug, Clone)]
pub struct SignInPage {
    /// Where the form posts to (absolute).
    pub action: Url,
    /// The hidden `request_id` field.
    pub request_id: String,
    /// The `value`s of the `name="user"` buttons, in page order.
    pub users: Vec<String>,
    /// The page's HTML.
    pub html: String,
}

/// What GET on an authorization URL produced.
#[derive(Debug, Clone)]
pub enum AuthorizeStep {
    /// The provider showed its sign-in page.
    Page(SignInPage),
    /// The provider redirected straight away (an error, or `prompt=none`).
    Redirect(Url),
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The value of the first `attr="..."` after `from` in `html`.
fn attribute_after(html: &str, from: usize, attr: &str) -> Option<String> {
    let needle = format!("{attr}=\"");
    let start = html[from..].find(&needle)? + from + needle.len();
    let end = html[start..].find('"')? + start;
    Some(unescape(&html[start..end]))
}

/// Parses the sign-in form out of the page at `page_url`.
pub fn parse_sign_in_page(page_url: &Url, html: &str) -> Result<SignInPage, String> {
    let form = html
        .find("<form")
        .ok_or_else(|| format!("no <form> on the sign-in page:\n{html}"))?;
    let action = attribute_after(html, form, "action").unwrap_or_default();
    let action = page_url
        .join(&action)
        .map_err(|e| format!("bad form action {action:?}: {e}"))?;
    let hidden = html
        .find("name=\"request_id\"")
        .ok_or_else(|| format!("no request_id field on the sign-in page:\n{html}"))?;
    let request_id = attribute_after(html, hidden, "value")
        .ok_or_else(|| "the request_id field has no value".to_string())?;
    let mut users = Vec::new();
    let mut at = 0;
    while let Some(pos) = html[at..].find("name=\"user\"") {
        let pos = pos + at;
        if let Some(value) = attribute_after(html, pos, "value") {
            users.push(value);
        }
        at = pos + 1;
    }
    Ok(SignInPage {
        action,
        request_id,
        users,
        html: html.to_string(),
    })
}

fn location(response: &reqwest::Response, base: &Url) -> Result<Url, String> {
    let value = response
        .headers()
        .get(LOCATION)
        .ok_or_else(|| format!("{} without a Location header", response.status()))?
        .to_str()
        .map_err(|e| format!("unreadable Location: {e}"))?;
    base.join(value)
        .map_err(|e| format!("bad Location {value:?}: {e}"))
}

/// Opens an authorization URL: the sign-in page, or an immediate redirect.
pub async fn open_authorize(authorize_url: &str) -> Result<AuthorizeStep, String> {
    let url = Url::parse(authorize_url).map_err(|e| format!("bad authorize URL: {e}"))?;
    let response = client()
        .get(url.clone())
        .send()
        .await
        .map_err(|e| format!("GET authorize: {e}"))?;
    let status = response.status();
    if status.is_redirection() {
        return location(&response, &url).map(AuthorizeStep::Redirect);
    }
    let body = response
        .text()
        .await
        .map_err(|e| format!("reading the sign-in page: {e}"))?;
    if status != StatusCode::OK {
        return Err(format!("GET authorize answered {status}:\n{body}"));
    }
    parse_sign_in_page(&url, &body).map(AuthorizeStep::Page)
}

/// Submits the sign-in form with `field=value` and returns the redirect.
async fn submit(authorize_url: &str, field: &str, value: &str) -> Result<Url, String> {
    let page = match open_authorize(authorize_url).await? {
        AuthorizeStep::Redirect(url) => return Ok(url),
        AuthorizeStep::Page(page) => page,
    };
    if field == "user" && !page.users.iter().any(|u| u == value) {
        return Err(format!(
            "no user {value:?} on the sign-in page (have {:?})",
            page.users
        ));
    }
    let response = client()
        .post(page.action.clone())
        .form(&[("request_id", page.request_id.as_str()), (field, value)])
        .send()
        .await
        .map_err(|e| format!("POST sign-in form: {e}"))?;
    if !response.status().is_redirection() {
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        return Err(format!("the sign-in form answered {status}:\n{body}"));
    }
    location(&response, &page.action)
}

/// Signs `user` (a short id such as `alice`) in and returns where the
/// provider redirects to, without following it.
pub async fn authorize_redirect(authorize_url: &str, user: &str) -> Result<Url, String> {
    submit(authorize_url, "user", user).await
}

/// Presses Deny and returns where the provider redirects to.
pub async fn deny_redirect(authorize_url: &str) -> Result<Url, String> {
    submit(authorize_url, "deny", "1").await
}

/// GETs a redirect target (the app's loopback callback) once.
pub async fn follow(url: &Url) -> Result<reqwest::Response, String> {
    client()
        .get(url.clone())
        .send()
        .await
        .map_err(|e| format!("GET {url}: {e}"))
}

/// Signs `user` in and follows the redirect to the callback; returns the
/// callback's response.
pub async fn sign_in(authorize_url: &str, user: &str) -> Result<reqwest::Response, String> {
    let target = authorize_redirect(authorize_url, user).await?;
    follow(&target).await
}

/// Denies the sign-in and follows the redirect to the callback; returns the
/// callback's response.
pub async fn deny(authorize_url: &str) -> Result<reqwest::Response, String> {
    let target = deny_redirect(authorize_url).await?;
    follow(&target).await
}

/// The value of a query parameter of `url`.
pub fn query_param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}
