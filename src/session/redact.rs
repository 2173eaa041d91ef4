//! The session's tokens taken out of what a panel's program or API sends
//! back, before the dashboard shows or logs it.

use serde_json::Value;

/// Replaces the session's tokens in a program's output (or an API's
/// answer). The JSON is redacted after it is parsed, so that a token
/// written with escapes (`\u0065…`) is caught too.
pub(crate) struct Redactor<'a> {
    secrets: Vec<(&'a str, &'static str)>,
}

impl<'a> Redactor<'a> {
    pub(crate) fn new(access_token: &'a str, refresh_token: Option<&'a str>) -> Self {
        let secrets = [
            (Some(access_token), "[access token]"),
            (refresh_token, "[refresh token]"),
        ]
        .into_iter()
        .filter_map(|(secret, name)| secret.filter(|s| !s.is_empty()).map(|s| (s, name)))
        .collect();
        Self { secrets }
    }

    pub(crate) fn text(&self, text: &str) -> String {
        self.secrets
            .iter()
            .fold(text.to_owned(), |text, (secret, name)| {
                if text.contains(secret) {
                    text.replace(secret, name)
                } else {
                    text
                }
            })
    }

    pub(crate) fn value(&self, value: Value) -> Value {
        match value {
            Value::String(s) => Value::String(self.text(&s)),
            Value::Array(items) => Value::Array(items.into_iter().map(|v| self.value(v)).collect()),
            Value::Object(fields) => Value::Object(
                fields
                    .into_iter()
                    .map(|(k, v)| (self.text(&k), self.value(v)))
                    .collect(),
            ),
            other => other,
        }
    }
}
