//! `authdash doctor`: checks a config, its providers and the token store
//! the way a support engineer would, one line per check — `ok`, `warn` or
//! `fail` — each non-ok line with its fix.
//!
//! Every network call goes through the provider's HTTP client (the
//! config's timeouts, no redirects), so the whole run is bounded.

mod authorize;
mod fetch;
mod provider;
mod redirect;
mod render;
mod store;
mod tls;
mod tokens;

use std::io::Write;
use std::path::PathBuf;

use serde::Serialize;

use super::{CliError, Outcome};
use crate::config::trust::TrustedFile;
use crate::config::{Config, ConfigError, ConfigWarning};
use crate::session::StoreInspector;

/// How one check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Warn,
    Fail,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Fail => "fail",
        }
    }
}

/// One line of the report.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// What it is about: `config`, `provider NAME`, `store`.
    section: String,
    /// What was checked, e.g. `issuer`.
    pub name: String,
    pub status: Status,
    /// What was found.
    pub detail: String,
    /// What to do about it (always set when not ok).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Check {
    fn ok(section: &str, name: &str, detail: impl Into<String>) -> Self {
        Self {
            section: section.to_owned(),
            name: name.to_owned(),
            status: Status::Ok,
            detail: detail.into(),
            fix: None,
        }
    }

    fn warn(section: &str, name: &str, detail: impl Into<String>, fix: impl Into<String>) -> Self {
        Self {
            status: Status::Warn,
            fix: Some(fix.into()),
            ..Self::ok(section, name, detail)
        }
    }

    fn fail(section: &str, name: &str, detail: impl Into<String>, fix: impl Into<String>) -> Self {
        Self {
            status: Status::Fail,
            fix: Some(fix.into()),
            ..Self::ok(section, name, detail)
        }
    }
}

/// Where the config came from, as the binary found it.
#[derive(Debug)]
pub enum ConfigSource {
    Loaded(Box<Config>),
    /// Found in the current folder and trusted: with what it does, which
    /// the report shows.
    Trusted {
        config: Box<Config>,
        trusted: Box<TrustedFile>,
    },
    Invalid(ConfigError),
    /// No config anywhere: the paths looked at.
    Missing {
        looked: Vec<PathBuf>,
    },
}

/// What `doctor` looks at.
#[derive(Debug)]
pub struct DoctorRequest {
    pub config: ConfigSource,
    /// The token store as the binary opens it (`None` without a config:
    /// then only `data_dir` is looked at).
    pub store: Option<StoreInspector>,
    pub data_dir: PathBuf,
    /// Only this provider (`--provider`).
    pub provider: Option<String>,
}

/// Every check, in order.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub checks: Vec<Check>,
}

impl Report {
    /// `Failed` on any `fail`.
    fn outcome(&self) -> Outcome {
        if self.count(Status::Fail) > 0 {
            Outcome::Failed
        } else {
            Outcome::Ok
        }
    }

    fn count(&self, status: Status) -> usize {
        self.checks.iter().filter(|c| c.status == status).count()
    }

    fn write_text(&self, out: &mut dyn Write) -> std::io::Result<()> {
        render::text(self, out)
    }

    fn write_json(&self, out: &mut dyn Write) -> std::io::Result<()> {
        render::json(self, out)
    }
}

const CONFIG: &str = "config";

/// Run every check.
pub async fn diagnose(request: DoctorRequest) -> Report {
    let mut checks = Vec::new();
    let config = match request.config {
        ConfigSource::Loaded(config) => Some(config),
        ConfigSource::Trusted { config, trusted } => {
            trust_checks(&trusted, &mut checks);
            Some(config)
        }
        ConfigSource::Invalid(error) => {
            checks.push(config_failure(&error));
            None
        }
        ConfigSource::Missing { looked } => {
            let looked: Vec<String> = looked.iter().map(|p| p.display().to_string()).collect();
            checks.push(Check::fail(
                CONFIG,
                "config",
                format!("no config found; looked at {}", looked.join(", ")),
                "write one with `authdash init` (or `authdash init --preset google|entra|okta|\
                 auth0|keycloak|propelauth`), or pass `--config PATH`",
            ));
            None
        }
    };
    if let Some(config) = &config {
        let names: Vec<&str> = config.providers.iter().map(|p| p.name.as_str()).collect();
        checks.push(Check::ok(
            CONFIG,
            "config",
            format!(
                "{} is valid: {} provider{} ({})",
                config.path.display(),
                names.len(),
                if names.len() == 1 { "" } else { "s" },
                names.join(", ")
            ),
        ));
        for warning in &config.warnings {
            checks.push(config_warning(warning));
        }
        let chosen: Vec<_> = match &request.provider {
            Some(name) => match config.provider(name) {
                Some(p) => vec![p],
                None => {
                    checks.push(Check::fail(
                        CONFIG,
                        "provider",
                        format!("no provider `{name}` in {}", config.path.display()),
                        format!("choose one of: {}", names.join(", ")),
                    ));
                    Vec::new()
                }
            },
            None => config.providers.iter().collect(),
        };
        for p in chosen {
            provider::check(p, &config.http, &mut checks).await;
        }
    }
    store::check(request.store.as_ref(), &request.data_dir, &mut checks);
    Report { checks }
}

const TRUST: &str = "trust";

/// A trusted folder config: that it is, and all it does, one line each.
fn trust_checks(trusted: &TrustedFile, checks: &mut Vec<Check>) {
    checks.push(Check::ok(
        TRUST,
        "trusted",
        format!(
            "{} was found in the current folder and is trusted as it is (sha256 {})",
            trusted.path.display(),
            trusted.sha256
        ),
    ));
    for (what, line) in trusted.summary.lines() {
        checks.push(Check::ok(TRUST, what, line));
    }
}

fn config_warning(warning: &ConfigWarning) -> Check {
    match warning {
        ConfigWarning::ReadableSecrets {
            path,
            mode,
            who,
            keys,
        } => Check::warn(
            CONFIG,
            "secrets in the file",
            format!(
                "{} holds {} and is readable by {who} (mode {mode:04o})",
                path.display(),
                keys.join(", ")
            ),
            format!(
                "chmod 600 {} (or move the secrets into variables: `client_secret_env`)",
                path.display()
            ),
        ),
    }
}

fn config_failure(error: &ConfigError) -> Check {
    let path = error.path().display();
    let (detail, fix) = match error {
        ConfigError::Invalid {
            key, problem, fix, ..
        } => (format!("{path}: `{key}`: {problem}"), fix.clone()),
        ConfigError::NotFound { .. } => (
            format!("{path}: no config file here"),
            "write one with `authdash init`, or pass `--config PATH`".to_owned(),
        ),
        ConfigError::Syntax { .. } => (
            error.to_string(),
            "correct the TOML at the line and column given".to_owned(),
        ),
        ConfigError::Read { .. } => (
            error.to_string(),
            "make the file readable by you, or point --config at another".to_owned(),
        ),
    };
    Check::fail(CONFIG, "config", detail, fix)
}

/// `authdash doctor`: run the checks and print them as text or JSON.
pub async fn doctor(
    request: DoctorRequest,
    as_json: bool,
    out: &mut dyn Write,
) -> Result<Outcome, CliError> {
    doctor_tokens(request, None, as_json, out).await
}

/// [`doctor`], and with `service` (`--tokens`) a token asked for each
/// configured API with the logged-in session, its audience checked.
pub async fn doctor_tokens(
    request: DoctorRequest,
    service: Option<&crate::session::SessionService>,
    as_json: bool,
    out: &mut dyn Write,
) -> Result<Outcome, CliError> {
    let mut report = diagnose(request).await;
    if let Some(service) = service {
        report.checks.extend(tokens::token_checks(service).await);
    }
    if as_json {
        report.write_json(out)?;
    } else {
        report.write_text(out)?;
    }
    Ok(report.outcome())
}
