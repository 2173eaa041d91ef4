use std::fmt::Write as _;
use std::time::Duration;

use super::Requirement;
use super::view::View;
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
    /// (`data_url`, or `source = { type = "http", url }`.)
    pub data_url: Option<String>,
    /// A local program instead of a URL (`source = { type = "command" }`).
    pub command: Option<CommandSource>,
    /// A JSON pointer into the answer (`/data/items`); none: all of it.
    pub select: Option<String>,
    /// How the data is drawn.
    pub view: View,
    /// Fetched again this often while open; `r` reloads at any time.
    pub refresh: Option<Duration>,
}

/// A panel fed by a local program: argv (never a shell string), the
/// access token in one environment variable (never an argument, which
/// any local user may read), JSON on stdout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandSource {
    pub argv: Vec<String>,
    /// The variable holding the access token (`AUTHDASH_ACCESS_TOKEN`).
    pub token_env: String,
    pub timeout: Duration,
    /// Stdout beyond this many bytes is refused.
    pub output_cap: usize,
}

/// What a panel's address and command may name.
#[derive(Debug, Clone, Copy)]
pub struct TemplateVars<'a> {
    pub org_id: &'a str,
    pub org_name: &'a str,
    pub user_id: &'a str,
}

/// The placeholders a panel's address or argv may hold.
pub(crate) const PLACEHOLDERS: [&str; 4] = ["{org_id}", "{org_name}", "{user_id}", "{panel_id}"];

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
    /// A value that would begin an argument of a command panel's program
    /// with `-`: the program would read it as an option (an organization
    /// named `--output=/somewhere`), whatever the config meant.
    #[error(
        "the {placeholder} `{}` starts with `-`: as an argument of the panel's program it would \
         be read as an option, so the program is not run",
        visible(.value)
    )]
    OptionLike {
        placeholder: &'static str,
        value: String,
    },
    /// A placeholder in the address's host anywhere but its first labels
    /// (`https://api.example{org_id}`): a value such as `.evil.example`
    /// would send the request, and the token, to another host than the
    /// one the config shows.
    #[error(
        "the panel's address has {{{placeholder}}} in its host, not followed by `.` and the rest \
         of the host (or in its port): a value such as `.evil.example` would send the request to \
         another host"
    )]
    InHost { placeholder: &'static str },
    /// A placeholder in the program a command panel runs: the value would
    /// choose the program (an org named `../../bin/sh`).
    #[error(
        "the panel's program `{program}` has a placeholder in it: the value would choose which \
         program runs; name the program in full and pass values as arguments"
    )]
    InProgram { program: String },
}

impl PanelSpec {
    /// The data URL for this org: `Ok(None)` when the panel has none, an
    /// error when the org id (or panel id) cannot be one path segment.
    pub fn data_url_for(&self, org_id: &str) -> Result<Option<String>, TemplateError> {
        self.url_for(TemplateVars {
            org_id,
            org_name: "",
            user_id: "",
        })
    }

    /// The data URL with every placeholder filled, each as one segment.
    pub fn url_for(&self, vars: TemplateVars<'_>) -> Result<Option<String>, TemplateError> {
        let Some(template) = &self.data_url else {
            return Ok(None);
        };
        check_host_placeholders(template)?;
        fill(template, &self.values(vars), |name, value, _| {
            segment(name, value)
        })
        .map(Some)
    }

    /// The command's argv with the placeholders filled as they are: each
    /// argument stays one argument, whatever it holds (no shell). A value
    /// that would begin an argument with `-` is refused
    /// ([`TemplateError::OptionLike`]).
    pub fn argv_for(&self, vars: TemplateVars<'_>) -> Option<Result<Vec<String>, TemplateError>> {
        let command = self.command.as_ref()?;
        if let Some(program) = command.argv.first()
            && has_placeholder(program)
        {
            return Some(Err(TemplateError::InProgram {
                program: program.clone(),
            }));
        }
        let values = self.values(vars);
        Some(
            command
                .argv
                .iter()
                .map(|arg| {
                    fill(arg, &values, |placeholder, value, at| {
                        if at == 0 && value.starts_with('-') {
                            return Err(TemplateError::OptionLike {
                                placeholder,
                                value: value.to_owned(),
                            });
                        }
                        Ok(value.to_owned())
                    })
                })
                .collect(),
        )
    }

    /// Whether the panel fetches anything.
    pub fn has_source(&self) -> bool {
        self.data_url.is_some() || self.command.is_some()
    }

    fn values<'a>(&'a self, vars: TemplateVars<'a>) -> [(&'static str, &'a str); 4] {
        [
            (PLACEHOLDERS[0], vars.org_id),
            (PLACEHOLDERS[1], vars.org_name),
            (PLACEHOLDERS[2], vars.user_id),
            (PLACEHOLDERS[3], self.id.as_str()),
        ]
    }
}

/// `template` with each placeholder of `values` replaced by what `each`
/// makes of its value (given the placeholder's name and where in the
/// result it goes), in one pass: what a value brings in is never read for
/// placeholders again (an org named `{user_id}` stays that).
fn fill(
    template: &str,
    values: &[(&'static str, &str)],
    mut each: impl FnMut(&'static str, &str, usize) -> Result<String, TemplateError>,
) -> Result<String, TemplateError> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        match values.iter().find(|(p, _)| rest.starts_with(p)) {
            Some((placeholder, value)) => {
                let name = placeholder.trim_matches(['{', '}']);
                let filled = each(name, value, out.len())?;
                out.push_str(&filled);
                rest = &rest[placeholder.len()..];
            }
            None => {
                out.push('{');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// Whether `text` holds one of [`PLACEHOLDERS`].
pub(crate) fn has_placeholder(text: &str) -> bool {
    PLACEHOLDERS.iter().any(|p| text.contains(p))
}

/// A URL template's placeholders may stand in the host only in front of
/// a `.` and at least two labels the config writes
/// (`https://{org_name}.api.example.com`): their values, made of
/// unreserved characters, can then only add to the front of the host the
/// config shows. At its end, or in the port, a value could make it
/// another host (`https://api.example{org_id}` and `.evil.example`). The
/// host is found as the URL parser finds it, a name in each
/// placeholder's place.
pub(crate) fn check_host_placeholders(template: &str) -> Result<(), TemplateError> {
    let name = |p: &'static str| p.trim_matches(['{', '}']);
    let marker = |p: &'static str| format!("authdash-placeholder-{}", name(p).replace('_', "-"));
    let used: Vec<&'static str> = PLACEHOLDERS
        .iter()
        .copied()
        .filter(|p| template.contains(p))
        .collect();
    let Some(&first) = used.first() else {
        return Ok(());
    };
    let marked = used
        .iter()
        .fold(template.trim().to_owned(), |t, p| t.replace(p, &marker(p)));
    let in_host = |p: &'static str| TemplateError::InHost {
        placeholder: name(p),
    };
    // Unparsable with a name in a placeholder's place: one is in the port.
    let url = url::Url::parse(&marked).map_err(|_| in_host(first))?;
    let host = url.host_str().unwrap_or_default();
    let last = used
        .iter()
        .filter_map(|p| host.rfind(&marker(p)).map(|at| (at + marker(p).len(), *p)))
        .max();
    let Some((end, placeholder)) = last else {
        return Ok(());
    };
    let suffix = &host[end..];
    let labels: Vec<&str> = suffix.strip_prefix('.').unwrap_or("").split('.').collect();
    if labels.len() < 2 || labels.iter().any(|l| l.is_empty()) {
        return Err(in_host(placeholder));
    }
    Ok(())
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
