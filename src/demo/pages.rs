//! The provider's HTML pages. Plain forms, no JavaScript, stable markup:
//! tests drive the sign-in page with an HTTP client.

use super::directory::Directory;

const LAYOUT: &str = include_str!("../../assets/demo/page.html");

/// Escapes text for HTML element content and quoted attribute values.
pub(crate) use crate::auth::html_escape as escape;

/// Wraps a body (already HTML) in the page layout; `title` is text.
fn layout(title: &str, body: &str) -> String {
    LAYOUT
        .replace("{{title}}", &escape(title))
        .replace("{{body}}", body)
}

/// The sign-in form's fields: the pending request, and the user chosen.
/// The terminal sign-in ([`super::terminal`]) fills the same form.
pub(crate) const REQUEST_ID_FIELD: &str = "request_id";
pub(crate) const USER_FIELD: &str = "user";

/// A user's organizations in a few words: "Owner of Acme, Member of
/// Globex". A generated user's thousands are summed up, not listed (nor
/// generated just to say so).
pub(crate) fn orgs_summary(directory: &Directory, user_id: &str) -> String {
    directory.generated_summary(user_id).unwrap_or_else(|| {
        let orgs: Vec<String> = directory
            .memberships_of(user_id)
            .into_iter()
            .map(|(org, m)| format!("{} of {}", m.role, org.org_name))
            .collect();
        if orgs.is_empty() {
            "No organization".to_string()
        } else {
            orgs.join(", ")
        }
    })
}

/// One submit button per demo user (`name="user"`), with their orgs.
fn user_buttons(directory: &Directory) -> String {
    let mut users = String::new();
    for user in directory.users() {
        users.push_str(&format!(
            "<button type=\"submit\" name=\"{USER_FIELD}\" value=\"{id}\"><strong>{name}</strong> &lt;{email}&gt;<small>{orgs}</small></button>\n",
            id = escape(&user.id),
            name = escape(&user.name()),
            email = escape(&user.email),
            orgs = escape(&orgs_summary(directory, &user.id)),
        ));
    }
    users
}

/// What the sign-in page asks for, read back from its HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SignInForm {
    pub(crate) request_id: String,
    /// The `value`s of the user buttons, in page order.
    pub(crate) users: Vec<String>,
}

/// Read [`sign_in`]'s form: the hidden request id and the users offered.
/// `None` for any other page (an error page, say).
pub(crate) fn read_sign_in(html: &str) -> Option<SignInForm> {
    let value_after = |from: usize| {
        let start = html[from..].find("value=\"")? + from + "value=\"".len();
        let end = html[start..].find('"')? + start;
        Some(unescape(&html[start..end]))
    };
    let hidden = html.find(&format!("name=\"{REQUEST_ID_FIELD}\""))?;
    let request_id = value_after(hidden)?;
    let button = format!("name=\"{USER_FIELD}\"");
    let users = html
        .match_indices(&button)
        .filter_map(|(at, _)| value_after(at))
        .collect();
    Some(SignInForm { request_id, users })
}

/// The inverse of [`escape`] for the five characters it writes.
fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// "Sign in to the authdash demo": one submit button per user, and Deny.
pub(crate) fn sign_in(directory: &Directory, request_id: &str) -> String {
    let body = format!(
        "<h1>Sign in to the authdash demo</h1>\n\
         <p class=\"note\">Pick a demo user. No password: this provider is for trying authdash out.</p>\n\
         <form method=\"post\" action=\"/authorize\">\n\
         <input type=\"hidden\" name=\"{REQUEST_ID_FIELD}\" value=\"{request_id}\">\n\
         <div class=\"users\">\n{users}</div>\n\
         <button class=\"deny\" type=\"submit\" name=\"deny\" value=\"1\">Deny</button>\n\
         </form>",
        request_id = escape(request_id),
        users = user_buttons(directory),
    );
    layout("Sign in", &body)
}

/// The device verification page (RFC 8628 §3.3): type the code shown on
/// the device, `prefill` already in the field (from `verification_uri_complete`,
/// to confirm), an `error` above it when the last try failed.
pub(crate) fn device_code_entry(prefill: &str, error: Option<&str>) -> String {
    let error = error
        .map(|e| format!("<p class=\"error\">{}</p>\n", escape(e)))
        .unwrap_or_default();
    let body = format!(
        "<h1>Connect a device</h1>\n\
         <p class=\"note\">Enter the code your device shows, such as <code>BCDF-GHJK</code>. \
         Only continue if you started a sign-in on that device.</p>\n\
         {error}\
         <form method=\"post\" action=\"/device\">\n\
         <input type=\"text\" name=\"user_code\" value=\"{prefill}\" autocomplete=\"off\" autocapitalize=\"characters\" spellcheck=\"false\" autofocus>\n\
         <button type=\"submit\">Continue</button>\n\
         </form>",
        prefill = escape(prefill),
    );
    layout("Connect a device", &body)
}

/// The device approval page: the same users as the sign-in page, and Deny.
pub(crate) fn device_approve(directory: &Directory, user_code: &str) -> String {
    let body = format!(
        "<h1>Sign in on your device</h1>\n\
         <p>Code <code>{code}</code></p>\n\
         <p class=\"note\">Pick a demo user to sign the device in as, or Deny.</p>\n\
         <form method=\"post\" action=\"/device\">\n\
         <input type=\"hidden\" name=\"user_code\" value=\"{code}\">\n\
         <div class=\"users\">\n{users}</div>\n\
         <button class=\"deny\" type=\"submit\" name=\"deny\" value=\"1\">Deny</button>\n\
         </form>",
        code = escape(user_code),
        users = user_buttons(directory),
    );
    layout("Sign in on your device", &body)
}

/// After the answer on the device page.
pub(crate) fn device_done(approved: bool) -> String {
    if approved {
        layout(
            "Device signed in",
            "<h1 class=\"done\">Device signed in</h1>\n<p>You can close this tab and return to your device.</p>",
        )
    } else {
        layout(
            "Device denied",
            "<h1 class=\"done\">Device denied</h1>\n<p>The device was not signed in. You can close this tab.</p>",
        )
    }
}

/// An error the user sees in the browser (nothing is sent to the client).
pub(crate) fn error(title: &str, message: &str) -> String {
    let body = format!(
        "<h1 class=\"error\">{}</h1>\n<p>{}</p>",
        escape(title),
        escape(message)
    );
    layout(title, &body)
}

/// Shown by `/logout` without a `post_logout_redirect_uri`.
pub(crate) fn signed_out() -> String {
    layout(
        "Signed out",
        "<h1>Signed out</h1>\n<p>You are signed out of the authdash demo provider. You can close this tab.</p>",
    )
}

/// The demo account page.
pub(crate) fn account(directory: &Directory, user: Option<&str>) -> String {
    let body = match user.and_then(|id| directory.user(id)) {
        Some(user) => {
            let mut rows = String::new();
            for (org, m) in directory.memberships_of(&user.id) {
                rows.push_str(&format!(
                    "<li>{} — {}</li>\n",
                    escape(&org.org_name),
                    escape(&m.role)
                ));
            }
            if rows.is_empty() {
                rows.push_str("<li>No organization</li>\n");
            }
            format!(
                "<h1>Your demo account</h1>\n\
                 <p>Signed in as <strong>{name}</strong> &lt;{email}&gt;</p>\n\
                 <p class=\"note\">User id <code>{sub}</code></p>\n\
                 <h2>Organizations</h2>\n<ul>\n{rows}</ul>\n\
                 <p><a href=\"/logout\">Sign out of the demo provider</a></p>",
                name = escape(&user.name()),
                email = escape(&user.email),
                sub = escape(&user.user_id),
            )
        }
        None => "<h1>Your demo account</h1>\n\
                 <p>Nobody is signed in to the demo provider in this browser.</p>\n\
                 <p class=\"note\">This is the authdash demo: accounts are fictional and \
                 managed in <code>assets/demo/directory.toml</code>.</p>"
            .to_string(),
    };
    layout("Account", &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape(r#"<a href="x">'&"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;"
        );
    }

    /// The terminal sign-in reads the form the page writes: the request
    /// id (escaped on the way out, whole on the way back) and every user.
    #[test]
    fn the_sign_in_form_reads_back() {
        let dir = Directory::load().expect("demo data");
        let form = read_sign_in(&sign_in(&dir, "r\"<&'>1")).expect("a sign-in form");
        assert_eq!(form.request_id, "r\"<&'>1");
        let ids: Vec<&str> = dir.users().iter().map(|u| u.id.as_str()).collect();
        assert_eq!(form.users, ids);
        assert!(ids.contains(&"orgs10000"), "{ids:?}");
        assert_eq!(
            read_sign_in(&error("Sign-in expired", "Start again.")),
            None
        );
    }

    #[test]
    fn sign_in_page_has_stable_form() {
        let dir = Directory::load().expect("demo data");
        let html = sign_in(&dir, "REQ");
        assert!(html.contains(r#"<form method="post" action="/authorize">"#));
        assert!(html.contains(r#"name="request_id" value="REQ""#));
        assert!(html.contains(r#"name="user" value="alice""#));
        assert!(html.contains(r#"name="deny" value="1""#));
        assert!(html.contains("Owner of Acme, Member of Globex"));
    }

    #[test]
    fn device_pages_have_stable_forms() {
        let html = device_code_entry("BCDF-GHJK", Some("That code <is> unknown"));
        assert!(html.contains(r#"<form method="post" action="/device">"#));
        assert!(html.contains(r#"name="user_code" value="BCDF-GHJK""#));
        assert!(html.contains("That code &lt;is&gt; unknown"));
        let dir = Directory::load().expect("demo data");
        let html = device_approve(&dir, "BCDF-GHJK");
        assert!(html.contains(r#"<input type="hidden" name="user_code" value="BCDF-GHJK">"#));
        assert!(html.contains(r#"name="user" value="alice""#));
        assert!(html.contains(r#"name="deny" value="1""#));
    }
}
