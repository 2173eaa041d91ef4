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

/// How an in-process service "opens" an address: the tests play the
/// person from the address the login hands them, so nothing is started
/// (the real start, `$BROWSER` in a session of its own, is
/// `login::browser`'s to test; a process fork per login was seconds of the
/// suite's CPU).
pub fn played_by_the_test() -> authdash::session::UrlOpener {
    std::sync::Arc::new(|_| Ok(()))
}

/// Upper bound for any single request the browser makes.
pub const TIMEOUT: Duration = Duration::from_secs(15);

/// A client like the browser uses: redirects off, no proxy, bounded.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(TIMEOUT)
        // Plain HTTP on loopback only: the OS store's CAs are not read.
        .tls_built_in_root_certs(false)
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
    let action = form_action(page_url, html)?;
    let hidden = html
        .find("name=\"request_id\"")
        .ok_or_else(|| format!("no request_id field on the sign-in page:\n{html}"))?;
    let request_id = attribute_after(html, hidden, "value")
        .ok_or_else(|| "the request_id field has no value".to_string())?;
    Ok(SignInPage {
        action,
        request_id,
        users: user_buttons(html),
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
    offers(field, value, &page.users, "the sign-in page")?;
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

// --- the device verification page (RFC 8628 §3.3) ----------------------

/// The device code entry page as the browser understood it.
#[derive(Debug, Clone)]
pub struct DeviceCodePage {
    /// Where the form posts to (absolute).
    pub action: Url,
    /// What the `user_code` field holds already (from `verification_uri_complete`).
    pub prefilled: String,
    /// The page's HTML.
    pub html: String,
}

/// The device approval page: pick a user, or Deny.
#[derive(Debug, Clone)]
pub struct DeviceApprovalPage {
    pub action: Url,
    /// The hidden `user_code` field.
    pub user_code: String,
    /// The `value`s of the `name="user"` buttons, in page order.
    pub users: Vec<String>,
    pub html: String,
}

fn form_action(page_url: &Url, html: &str) -> Result<Url, String> {
    let form = html
        .find("<form")
        .ok_or_else(|| format!("no <form> on the page:\n{html}"))?;
    let action = attribute_after(html, form, "action").unwrap_or_default();
    page_url
        .join(&action)
        .map_err(|e| format!("bad form action {action:?}: {e}"))
}

fn user_code_field(html: &str) -> Result<String, String> {
    let field = html
        .find("name=\"user_code\"")
        .ok_or_else(|| format!("no user_code field on the page:\n{html}"))?;
    Ok(attribute_after(html, field, "value").unwrap_or_default())
}

fn user_buttons(html: &str) -> Vec<String> {
    let mut users = Vec::new();
    let mut at = 0;
    while let Some(pos) = html[at..].find("name=\"user\"") {
        let pos = pos + at;
        if let Some(value) = attribute_after(html, pos, "value") {
            users.push(value);
        }
        at = pos + 1;
    }
    users
}

/// Opens `verification_uri` or `verification_uri_complete`: the code entry page.
pub async fn open_device_page(url: &str) -> Result<DeviceCodePage, String> {
    let url = Url::parse(url).map_err(|e| format!("bad verification URI: {e}"))?;
    let response = client()
        .get(url.clone())
        .send()
        .await
        .map_err(|e| format!("GET verification page: {e}"))?;
    let status = response.status();
    let html = response
        .text()
        .await
        .map_err(|e| format!("reading the verification page: {e}"))?;
    if status != StatusCode::OK {
        return Err(format!("GET verification page answered {status}:\n{html}"));
    }
    Ok(DeviceCodePage {
        action: form_action(&url, &html)?,
        prefilled: user_code_field(&html)?,
        html,
    })
}

/// Types `code` into the entry page and continues: the approval page, or
/// `Err` with the page when the provider refuses the code.
pub async fn enter_device_code(
    page: &DeviceCodePage,
    code: &str,
) -> Result<DeviceApprovalPage, String> {
    let html = post_for_page(&page.action, &[("user_code", code)], "the code").await?;
    Ok(DeviceApprovalPage {
        action: form_action(&page.action, &html)?,
        user_code: user_code_field(&html)?,
        users: user_buttons(&html),
        html,
    })
}

/// Presses `field=value` (a user, or Deny) on the approval page; returns the
/// resulting page's HTML.
pub async fn decide_device(
    page: &DeviceApprovalPage,
    field: &str,
    value: &str,
) -> Result<String, String> {
    offers(field, value, &page.users, "the approval page")?;
    post_for_page(
        &page.action,
        &[("user_code", page.user_code.as_str()), (field, value)],
        "the approval form",
    )
    .await
}

/// A press of `field=value` names a user the page offers (Deny always
/// may be pressed).
fn offers(field: &str, value: &str, users: &[String], page: &str) -> Result<(), String> {
    if field == "user" && !users.iter().any(|u| u == value) {
        return Err(format!("no user {value:?} on {page} (have {users:?})"));
    }
    Ok(())
}

/// POSTs `form` to a page's form `action`: the HTML of the page it
/// answers with, or `Err` with it when the answer is not 200 (a refused
/// code, say).
async fn post_for_page(action: &Url, form: &[(&str, &str)], what: &str) -> Result<String, String> {
    let response = client()
        .post(action.clone())
        .form(form)
        .send()
        .await
        .map_err(|e| format!("POST {what}: {e}"))?;
    let status = response.status();
    let html = response.text().await.unwrap_or_default();
    if status != StatusCode::OK {
        return Err(format!("{what} was refused ({status}):\n{html}"));
    }
    Ok(html)
}

/// Opens `url`, types `code` (or keeps the prefilled one when `None`),
/// and approves as `user`; returns the final page's HTML.
pub async fn approve_device(url: &str, code: Option<&str>, user: &str) -> Result<String, String> {
    let page = open_device_page(url).await?;
    let code = code
        .map(str::to_owned)
        .unwrap_or_else(|| page.prefilled.clone());
    let approval = enter_device_code(&page, &code).await?;
    decide_device(&approval, "user", user).await
}

/// Opens `url`, types `code` (or keeps the prefilled one) and presses Deny.
pub async fn deny_device(url: &str, code: Option<&str>) -> Result<String, String> {
    let page = open_device_page(url).await?;
    let code = code
        .map(str::to_owned)
        .unwrap_or_else(|| page.prefilled.clone());
    let approval = enter_device_code(&page, &code).await?;
    decide_device(&approval, "deny", "1").await
}
