use std::fmt::Write as _;

use super::Requirement;
use crate::identity::visible;

/// A panel declared in the config (`[[authdash.panels]]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanelSpec {
    /// Stable id, unique among panels (`billing`).
    pub id: String,
    /// What the navigation list shows (`Billing`).
    pub title: String,
    pub description: Option<String>,
    pub requires: Requirement,
    /// Where the panel's JSON comes from, fetched with the access token;
    /// `{org_id}` and `{panel_id}` are replaced, each by exactly one path
    /// segment. No data URL: the panel shows its description only.
    pub data_url: Option<String>,
}

/// A value that cannot stand for a placeholder of a panel's address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// `.` and `..` are not names: a URL parser resolves them, which would
    /// move the request to another resource (`/orgs/../admin`).
    #[error(
        "the {placeholder} `{}` cannot be put in the panel's address: `.` and `..` would move it \
         to another path",
        visible(.value)
    )]
    DotSegment {
        placeholder: &'static str,
        value: String,
    },
    /// An empty segment would turn `/orgs/{org_id}/x` into `/orgs//x`.
    #[error("the panel's address needs an {placeholder}, and it is empty")]
    Empty { placeholder: &'static str },
}

impl PanelSpec {
    /// The data URL for this org: `Ok(None)` when the panel has none, an
    /// error when the org id (or panel id) cannot be one path segment.
    pub fn data_url_for(&self, org_id: &str) -> Result<Option<String>, TemplateError> {
        let Some(template) = &self.data_url else {
            return Ok(None);
        };
        let mut url = template.clone();
        for (placeholder, value) in [("{org_id}", org_id), ("{panel_id}", self.id.as_str())] {
            if url.contains(placeholder) {
                let name = placeholder.trim_matches(['{', '}']);
                url = url.replace(placeholder, &segment(name, value)?);
            }
        }
        Ok(Some(url))
    }
}

/// `value` as one path segment: everything but RFC 3986's unreserved
/// characters percent-encoded (`/`, `?`, `#`, `%`, `+`, spaces…), and the
/// dot segments refused, since no encoding keeps a parser from resolving
/// them.
fn segment(placeholder: &'static str, value: &str) -> Result<String, TemplateError> {
    match value {
        "" => return Err(TemplateError::Empty { placeholder }),
        "." | ".." => {
            return Err(TemplateError::DotSegment {
                placeholder,
                value: value.to_owned(),
            });
        }
        _ => {}
    }
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{byte:02X}");
        }
    }
    Ok(out)
}
