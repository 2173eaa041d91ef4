//! What a config would do once trusted, in full: where it logs the person
//! in, every place their access token would be sent, every program it
//! would run with it, and every other setting that is not cosmetic. Built
//! from a complete parse of the file — the one authdash loads it with —
//! that reads no environment variable, so that nothing the config does is
//! left out of what the person reads, and a file that cannot be parsed
//! whole is not shown in part.

use std::fmt;
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};
use toml::{Table, Value};

use super::record::read_capped;
use crate::config::{Config, ConfigError};
use crate::identity::visible;

/// What the summary's parse is given for every variable the config names
/// (`client_secret_env`, `logout_everywhere_api_key_env`): the variables
/// themselves are not read before trust, only named.
const NOT_READ: &str = "(not read before the config is trusted)";

/// Keys that change nothing but how things look or are called.
const COSMETIC_PROVIDER_KEYS: &[&str] = &["label"];
const COSMETIC_AUTHDASH_KEYS: &[&str] = &["theme", "keys", "accent"];
/// Keys whose value is a secret written in the file: named, never shown.
const SECRET_KEYS: &[&str] = &["client_secret", "store_secret", "cookie_secret"];
/// Streamlit's keys that authdash ignores.
const IGNORED_KEYS: &[&str] = &["expose_tokens"];

/// Everything a config would do once trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Where it logs the person in, one per provider.
    logins: Vec<Login>,
    /// Where panels send the access token (`data_url`, `source.url`), as
    /// written, placeholders left in.
    token_urls: Vec<TokenUrl>,
    /// The programs command panels run with the access token.
    pub(crate) programs: Vec<Program>,
    /// The APIs panels get tokens of their own for (`resource`): the
    /// API, the panel that sends its token, and the scopes asked for it
    /// (which an RFC 8707 login asks for too).
    apis: Vec<Api>,
    /// Every other key that is not cosmetic, as written (secrets named,
    /// not shown).
    settings: Vec<Setting>,
    /// Each provider's `ca_file`, as the loader resolves it.
    pub(crate) ca_files: Vec<CaFile>,
    /// Why it cannot be trusted as it is (empty: it can).
    pub(crate) problems: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login {
    provider: String,
    server_metadata_url: String,
    client_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenUrl {
    panel: String,
    url: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Api {
    panel: String,
    resource: String,
    scopes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    pub(crate) panel: String,
    /// As written, placeholders left in.
    pub(crate) argv: Vec<String>,
    /// The program with its links followed, when it is an absolute path
    /// that exists.
    pub(crate) resolved: Option<PathBuf>,
    /// The variable that holds the access token.
    token_env: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// Dotted, as in errors: `auth.acme.client_kwargs.audience`.
    key: String,
    value: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaFile {
    /// `auth.acme.ca_file`.
    key: String,
    /// Resolved as the loader resolves it (beside the config when relative).
    pub(crate) path: PathBuf,
    /// Hex SHA-256 of its content; `Err`: why it cannot be read.
    pub(crate) sha256: Result<String, String>,
}

impl Summary {
    /// The summary of `text`, read from `path` (canonical, as it is
    /// loaded); the config's own error when it cannot be parsed whole.
    pub fn of(path: &Path, text: &str) -> Result<Summary, ConfigError> {
        let config = Config::parse(path, text, &|_| Some(NOT_READ.to_owned()))?;
        let root: Table = toml::from_str(text).map_err(|e| ConfigError::Syntax {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        let mut summary = Summary {
            logins: config
                .providers
                .iter()
                .map(|p| Login {
                    provider: p.name.clone(),
                    server_metadata_url: p.server_metadata_url.to_string(),
                    client_id: p.client_id.clone(),
                })
                .collect(),
            token_urls: Vec::new(),
            programs: Vec::new(),
            apis: Vec::new(),
            settings: Vec::new(),
            ca_files: Vec::new(),
            problems: Vec::new(),
        };
        for panel in &config.panels {
            if let Some(url) = &panel.data_url {
                summary.token_urls.push(TokenUrl {
                    panel: panel.id.clone(),
                    url: url.clone(),
                });
            }
            if let Some(command) = &panel.command {
                summary.program(&panel.id, &command.argv, &command.token_env);
            }
            if let Some(api) = config.panel_api(&panel.id) {
                summary.apis.push(Api {
                    panel: panel.id.clone(),
                    resource: api.resource.clone(),
                    scopes: api.scopes.clone(),
                });
            }
        }
        if let Some(Value::Table(auth)) = root.get("auth") {
            summary.auth_settings(auth, &config);
        }
        if let Some(Value::Table(authdash)) = root.get("authdash") {
            for (name, value) in authdash {
                if !COSMETIC_AUTHDASH_KEYS.contains(&name.as_str()) && name != "panels" {
                    summary.setting(format!("authdash.{name}"), value);
                }
            }
        }
        Ok(summary)
    }

    /// Whether it has command panels (trusting it needs
    /// `--allow-commands`).
    pub fn runs_programs(&self) -> bool {
        !self.programs.is_empty()
    }

    fn program(&mut self, panel: &str, argv: &[String], token_env: &str) {
        let program = argv.first().map(String::as_str).unwrap_or_default();
        let path = Path::new(program);
        if !path.is_absolute() {
            self.problems.push(format!(
                "panel `{panel}` runs `{program}`, which is not an absolute path: from a folder \
                 config, a relative path runs whatever that folder holds, and a bare name whatever \
                 your PATH finds first; name the program by its absolute path (e.g. \
                 `/usr/local/bin/{}`)",
                path.file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default()
            ));
        }
        self.programs.push(Program {
            panel: panel.to_owned(),
            argv: argv.to_vec(),
            resolved: path
                .is_absolute()
                .then(|| std::fs::canonicalize(path).ok())
                .flatten(),
            token_env: token_env.to_owned(),
        });
    }

    /// `[auth]`'s keys, then each `[auth.NAME]`'s, but the login address
    /// and client id (in [`Self::logins`]) and the cosmetic `label`.
    fn auth_settings(&mut self, auth: &Table, config: &Config) {
        let provider = |name: &str| config.providers.iter().find(|p| p.name == name);
        let named = |name: &str, value: &Value| {
            matches!(value, Value::Table(_)) && name != "client_kwargs" && name != "claims"
        };
        for (name, value) in auth {
            if !named(name, value) {
                self.provider_key(
                    "auth",
                    name,
                    value,
                    provider(crate::config::DEFAULT_PROVIDER),
                );
            }
        }
        for (name, value) in auth {
            if let Value::Table(table) = value
                && named(name, value)
            {
                let prefix = format!("auth.{name}");
                for (key, value) in table {
                    self.provider_key(&prefix, key, value, provider(name));
                }
            }
        }
    }

    fn provider_key(
        &mut self,
        prefix: &str,
        name: &str,
        value: &Value,
        provider: Option<&crate::config::ProviderConfig>,
    ) {
        let key = format!("{prefix}.{name}");
        match name {
            "server_metadata_url" | "client_id" => {}
            n if COSMETIC_PROVIDER_KEYS.contains(&n) || IGNORED_KEYS.contains(&n) => {}
            n if SECRET_KEYS.contains(&n) => self.settings.push(Setting {
                key,
                value: "(a secret, written in the file)".to_owned(),
            }),
            "ca_file" => {
                let Some(path) = provider.and_then(|p| p.ca_file.clone()) else {
                    return;
                };
                let sha256 = hash_file(&path);
                let shown = match &sha256 {
                    Ok(sha) => format!("{} (sha256 {sha})", path.display()),
                    Err(why) => {
                        self.problems.push(format!(
                            "`{key}` names {}, which cannot be read ({why}): its certificates \
                             would be trusted for logins, so it is part of what you trust",
                            path.display()
                        ));
                        format!("{} (cannot be read: {why})", path.display())
                    }
                };
                self.settings.push(Setting {
                    key: key.clone(),
                    value: format!("{} → {shown}", value_text(value)),
                });
                self.ca_files.push(CaFile { key, path, sha256 });
            }
            _ => match value {
                Value::Table(table) => {
                    for (inner, value) in table {
                        self.setting(format!("{key}.{inner}"), value);
                    }
                }
                value => self.setting(key, value),
            },
        }
    }

    fn setting(&mut self, key: String, value: &Value) {
        self.settings.push(Setting {
            key,
            value: value_text(value),
        });
    }

    /// The summary as lines for `doctor`: what each is, and the line.
    pub fn lines(&self) -> Vec<(&'static str, String)> {
        let mut lines = Vec::new();
        for login in &self.logins {
            lines.push(("logs in at", login_text(login)));
        }
        for url in &self.token_urls {
            lines.push(("sends the token to", url_text(url)));
        }
        for program in &self.programs {
            lines.push(("runs", program_text(program)));
        }
        for api in &self.apis {
            lines.push(("asks a token for", api_text(api)));
        }
        for setting in &self.settings {
            lines.push(("setting", setting_text(setting)));
        }
        lines
    }

    /// The summary for the terminal, each line indented by `indent`.
    pub(super) fn write(&self, f: &mut fmt::Formatter<'_>, indent: &str) -> fmt::Result {
        let block = |f: &mut fmt::Formatter<'_>, title: &str, lines: Vec<String>| {
            if lines.is_empty() {
                return Ok(());
            }
            writeln!(f, "{indent}{title}")?;
            for line in lines {
                writeln!(f, "{indent}  {line}")?;
            }
            Ok(())
        };
        block(
            f,
            "It would log you in at:",
            self.logins.iter().map(login_text).collect(),
        )?;
        block(
            f,
            "Its panels would send your access token to:",
            self.token_urls.iter().map(url_text).collect(),
        )?;
        block(
            f,
            "It would run these programs, with your access token in their environment:",
            self.programs.iter().map(program_text).collect(),
        )?;
        block(
            f,
            "Its panels would ask for tokens of these APIs, each sent by that panel only:",
            self.apis.iter().map(api_text).collect(),
        )?;
        block(
            f,
            "Its other settings (where secrets go, what is trusted, how much is read):",
            self.settings.iter().map(setting_text).collect(),
        )?;
        block(
            f,
            "It cannot be trusted as it is:",
            self.problems
                .iter()
                .map(|p| visible(p).into_owned())
                .collect(),
        )
    }
}

fn login_text(login: &Login) -> String {
    format!(
        "{}   (provider `{}`, client_id `{}`{})",
        visible(&login.server_metadata_url),
        visible(&login.provider),
        visible(&login.client_id),
        host_note(&login.server_metadata_url)
    )
}

fn api_text(api: &Api) -> String {
    let scopes = if api.scopes.is_empty() {
        String::new()
    } else {
        format!("; scopes {}", api.scopes.join(" "))
    };
    format!(
        "{}   (panel `{}`{})",
        visible(&api.resource),
        visible(&api.panel),
        visible(&scopes)
    )
}

fn url_text(url: &TokenUrl) -> String {
    format!(
        "{}   (panel `{}`{})",
        visible(&url.url),
        visible(&url.panel),
        host_note(&url.url)
    )
}

/// `; the host is H` when the host a URL parser finds in `written` (the
/// one the request goes to) is not the one it writes after its scheme: a
/// user name in front of it (`https://api.example.com@evil.example`),
/// percent escapes, a letter from another script that looks like a Latin
/// one (shown as the parser spells it, `xn--…`), an IP address written as
/// a number. Placeholders are kept as they are.
fn host_note(written: &str) -> String {
    let marker = |p: &str| {
        format!(
            "authdash-placeholder-{}",
            p.trim_matches(['{', '}']).replace('_', "-")
        )
    };
    let marked = crate::panels::PLACEHOLDERS
        .iter()
        .fold(written.trim().to_owned(), |t, p| t.replace(p, &marker(p)));
    let Ok(url) = url::Url::parse(&marked) else {
        return String::new();
    };
    let Some(host) = url.host_str() else {
        return String::new();
    };
    let after_scheme = marked[url.scheme().len()..]
        .trim_start_matches(':')
        .trim_start_matches(['/', '\\']);
    let authority = after_scheme
        .split(['/', '\\', '?', '#'])
        .next()
        .unwrap_or_default();
    let written_host = match authority.rsplit_once(':') {
        Some((h, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => authority,
    };
    if written_host.eq_ignore_ascii_case(host) {
        return String::new();
    }
    let host = crate::panels::PLACEHOLDERS
        .iter()
        .fold(host.to_owned(), |h, p| h.replace(&marker(p), p));
    format!("; the host is {}", visible(&host))
}

fn program_text(program: &Program) -> String {
    let argv: Vec<String> = program
        .argv
        .iter()
        .map(|a| visible(&shell_words::quote(a)).into_owned())
        .collect();
    let resolved = match (&program.resolved, program.argv.first()) {
        (Some(path), Some(first)) if path.as_os_str() != first.as_str() => {
            format!("; the program is {}", visible(&path.to_string_lossy()))
        }
        (None, Some(first)) if Path::new(first).is_absolute() => {
            "; the program is not there now".to_owned()
        }
        _ => String::new(),
    };
    format!(
        "{}   (panel `{}`; the token in ${}{resolved})",
        argv.join(" "),
        visible(&program.panel),
        visible(&program.token_env)
    )
}

fn setting_text(setting: &Setting) -> String {
    format!("{} = {}", visible(&setting.key), visible(&setting.value))
}

/// A value as TOML writes it (strings quoted, escapes kept).
fn value_text(value: &Value) -> String {
    value.to_string()
}

/// Hex SHA-256 of the file at `path` (its links followed, as the loader
/// reads it), or why it cannot be read.
fn hash_file(path: &Path) -> Result<String, String> {
    let file = super::open_regular_file(path).map_err(|e| e.to_string())?;
    let bytes = read_capped(file)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| "larger than any certificate bundle".to_owned())?;
    Ok(super::hex(&Sha256::digest(&bytes)))
}
