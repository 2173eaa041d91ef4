//! Transport errors in one short line.

use super::TLS_HINT;

/// A transport error as a short sentence, without the request's URL
/// (whose query could carry a code): "cannot reach 127.0.0.1:40481:
/// connection refused", not hyper's whole chain of wrappers.
pub(crate) fn describe(error: reqwest::Error) -> String {
    let timeout = error.is_timeout();
    let connect = error.is_connect();
    let host = error.url().and_then(|u| {
        let host = u.host_str()?;
        Some(match u.port_or_known_default() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        })
    });
    let error = error.without_url();
    let cause = root_cause(&error);
    let place = host.as_deref().unwrap_or("the server");
    if timeout {
        return format!("{place} did not answer in time ({cause})");
    }
    if connect && !cause.contains("certificate") {
        return format!("cannot reach {place}: {cause}");
    }
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    if text.contains("certificate") {
        format!("{text}; {TLS_HINT}")
    } else {
        text
    }
}

/// The innermost cause, as a person says it: "connection refused", not
/// "Connection refused (os error 111)".
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut inner = error;
    while let Some(source) = inner.source() {
        inner = source;
    }
    let text = inner.to_string();
    let text = match text.find(" (os error") {
        Some(at) => &text[..at],
        None => text.as_str(),
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => "no reason given".to_owned(),
    }
}
