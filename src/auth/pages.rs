//! The pages the loopback callback answers the browser with.

const SUCCESS: &str = include_str!("../../assets/callback/success.html");
const ERROR: &str = include_str!("../../assets/callback/error.html");

pub(crate) fn success(title: &str, message: &str) -> String {
    fill(SUCCESS, title, message)
}

pub(crate) fn error(title: &str, message: &str) -> String {
    fill(ERROR, title, message)
}

fn fill(template: &str, title: &str, message: &str) -> String {
    template
        .replace("{{title}}", &escape(title))
        .replace("{{message}}", &escape(message))
}

/// Messages can quote what the provider or a stranger put in the query.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
