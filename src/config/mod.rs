//! The TOML config: Streamlit's `secrets.toml` `[auth]` section plus
//! authdash's own `[authdash]` table, loaded into typed providers and
//! checked with errors that name the file, the key and the fix.
//!
//! - Keys directly in `[auth]` form the provider named `default`, as
//!   Streamlit reads them; each `[auth.NAME]` table is a named provider and
//!   inherits `[auth].redirect_uri` unless it sets its own.
//! - Providers are ordered `default` first, then as written in the file.
//! - Unknown top-level tables and keys are ignored (a `secrets.toml` holds
//!   other secrets); inside `[auth]`, its providers, `[authdash]` and the
//!   panels an unknown key is an error that suggests the nearest known key.
//!   Streamlit's `expose_tokens` is accepted and ignored.
//!
//! The library never reads the process environment: `client_secret_env`
//! is resolved through the `env` function the caller passes.

mod apis;
mod claims;
mod error;
mod panels;
mod provider;
mod redirect;
mod section;
mod settings;
pub mod trust;
mod ui;
mod variable;

use std::path::{Path, PathBuf};
use std::time::Duration;

use secrecy::SecretString;
use toml::{Table, Value};

pub use apis::{ApiRef, ResourceStyle};
pub use error::{ConfigError, ConfigWarning};
use provider::DEFAULT_PROVIDER;
pub use provider::{FlowPreference, LogoutEverywhere, ProviderConfig};
pub(crate) use redirect::{RedirectHost, RedirectUri};
pub use ui::{Accent, ThemeChoice, UiSettings};

use error::{Checked, Problem, unknown_key_fix};
use provider::PROVIDER_KEYS;
use section::{Section, is_bare_key, join, wrong_type};
use settings::ExecEnv;
use settings::Settings;

use crate::identity::RoleOrder;
use crate::panels::PanelSpec;

/// `[auth]` keys shared by every provider.
const AUTH_SHARED_KEYS: &[&str] = &["redirect_uri", "cookie_secret", "store_secret"];
/// Streamlit's `[auth]` keys that authdash accepts and ignores.
const AUTH_IGNORED_KEYS: &[&str] = &["expose_tokens"];

/// A loaded, checked config.
///
/// `Debug` never shows a secret (they are [`SecretString`]s).
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it came from (for messages).
    pub(crate) path: PathBuf,
    /// At least one; `default` first, then in file order.
    pub providers: Vec<ProviderConfig>,
    /// `store_secret`, else Streamlit's `cookie_secret`.
    pub store_secret: Option<SecretString>,
    pub role_order: RoleOrder,
    pub panels: Vec<PanelSpec>,
    /// The API each panel naming one calls (`resource`), by panel id.
    pub(crate) panel_apis: Vec<(String, ApiRef)>,
    pub http: HttpSettings,
    /// How long a browser login may wait for its callback.
    pub(crate) login_timeout: Duration,
    /// The variables `authdash exec` puts the token and org id in.
    pub exec_env: ExecEnv,
    /// Keys that hold a secret in the file itself (`auth.store_secret`,
    /// `auth.NAME.client_secret`…), for [`ConfigWarning::ReadableSecrets`].
    inline_secrets: Vec<String>,
    /// What is worth saying about the file although it loads: the faces
    /// print these, `doctor` lists them.
    pub warnings: Vec<ConfigWarning>,
    /// The terminal UI's theme, keys and accents (`[authdash]`).
    pub ui: UiSettings,
    /// For a config found in the current folder, each command panel's
    /// program as it was trusted (set by `config::trust`): what runs,
    /// whatever a link in the folder points at later.
    pub(crate) trusted_programs: Vec<trust::TrustedProgram>,
}

pub(crate) use crate::http::HttpSettings;

impl Config {
    /// Parse `text` as if read from `path`; `env` looks up environment
    /// variables (for `client_secret_env`).
    pub fn parse(
        path: &Path,
        text: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let root: Table = toml::from_str(text).map_err(|e| ConfigError::Syntax {
            path: path.to_owned(),
            message: e.to_string().trim_end().to_owned(),
        })?;
        let order = auth_key_order(text);
        build(path, &root, &order, env).map_err(|p| p.at(path))
    }

    /// Read and parse the file at `path`; `NotFound` when it is absent.
    pub fn load(path: &Path, env: &dyn Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        use std::io::Read;
        let read_error = |source: std::io::Error| match source.kind() {
            std::io::ErrorKind::NotFound => ConfigError::NotFound {
                path: path.to_owned(),
            },
            _ => ConfigError::Read {
                path: path.to_owned(),
                source,
            },
        };
        let mut file = std::fs::File::open(path).map_err(read_error)?;
        let mut text = String::new();
        file.read_to_string(&mut text).map_err(read_error)?;
        let mut config = Self::parse(path, &text, env)?;
        // The mode of what was read, not of whatever the path names now.
        if let Ok(meta) = file.metadata() {
            config
                .warnings
                .extend(ConfigWarning::for_file(path, &meta, &config.inline_secrets));
        }
        Ok(config)
    }

    pub(crate) fn provider(&self, name: &str) -> Option<&ProviderConfig> {
        self.providers.iter().find(|p| p.name == name)
    }

    /// The API the panel `id` calls with a token of its own, if it names one.
    pub fn panel_api(&self, id: &str) -> Option<&ApiRef> {
        self.panel_apis
            .iter()
            .find(|(panel, _)| panel == id)
            .map(|(_, api)| api)
    }

    /// Every API `provider`'s sessions get tokens for: the panels', then
    /// the provider's `resources`, each once, its scopes those all of its
    /// mentions ask for.
    pub fn apis(&self, provider: &ProviderConfig) -> Vec<ApiRef> {
        let mut out: Vec<ApiRef> = Vec::new();
        let named = self.panel_apis.iter().map(|(_, a)| a);
        for api in named.chain(&provider.resources) {
            match out.iter_mut().find(|a| a.resource == api.resource) {
                Some(held) => {
                    for scope in &api.scopes {
                        if !held.scopes.contains(scope) {
                            held.scopes.push(scope.clone());
                        }
                    }
                }
                None => out.push(api.clone()),
            }
        }
        out
    }
}

fn build(
    path: &Path,
    root: &Table,
    order: &[String],
    env: &dyn Fn(&str) -> Option<String>,
) -> Checked<Config> {
    let auth = match root.get("auth") {
        None => {
            return Err(Problem::new(
                "auth",
                "there is no `[auth]` table",
                "add `[auth]` with `client_id` and `server_metadata_url` for one provider, or an \
                 `[auth.NAME]` table per provider (assets/examples/authdash.toml shows every key)",
            ));
        }
        Some(Value::Table(t)) => Section::new("auth", t),
        Some(other) => return Err(wrong_type("auth", "a table", other)),
    };

    let known: Vec<&str> = AUTH_SHARED_KEYS
        .iter()
        .chain(
            PROVIDER_KEYS
                .iter()
                .filter(|k| !AUTH_SHARED_KEYS.contains(k)),
        )
        .copied()
        .collect();
    let mut named: Vec<&str> = Vec::new();
    for (name, value) in auth.table {
        let name = name.as_str();
        let is_key = known.contains(&name) || AUTH_IGNORED_KEYS.contains(&name);
        match value {
            Value::Table(_) if name == "client_kwargs" || name == "claims" => {}
            Value::Table(_) if is_key => {
                return Err(wrong_type(&auth.child(name), "a string", value));
            }
            Value::Table(_) => named.push(name),
            _ if is_key => {}
            _ => {
                return Err(Problem::new(
                    &auth.child(name),
                    "unknown key",
                    unknown_key_fix(name, &known),
                ));
            }
        }
    }
    // `default` first, then as written (names the order does not know last, sorted).
    named.sort_by_key(|n| {
        let pos = order.iter().position(|o| o == n).unwrap_or(usize::MAX);
        (*n != DEFAULT_PROVIDER, pos)
    });

    let redirect = match auth.nonempty_str("redirect_uri")? {
        Some(raw) => RedirectUri::parse(&auth.child("redirect_uri"), raw)?,
        None => RedirectUri::default_loopback(),
    };
    let inline_secrets = inline_secrets(auth);
    let store_secret = auth
        .nonempty_str("store_secret")?
        .or(auth.nonempty_str("cookie_secret")?)
        .map(SecretString::from);

    let has_default = PROVIDER_KEYS
        .iter()
        .any(|k| *k != "redirect_uri" && auth.get(k).is_some());
    let mut providers = Vec::with_capacity(named.len() + 1);
    if has_default {
        providers.push(ProviderConfig::from_section(
            DEFAULT_PROVIDER,
            auth,
            &redirect,
            env,
        )?);
    }
    for name in named {
        let key = join("auth", name);
        if !is_bare_key(name) {
            return Err(Problem::new(
                &key,
                format!("`{name}` is not a usable provider name"),
                "name providers with letters, digits, `_` and `-` only, e.g. `[auth.acme]`",
            ));
        }
        if name == DEFAULT_PROVIDER && has_default {
            return Err(Problem::new(
                &key,
                "the provider `default` is given twice: by the keys directly in `[auth]` and by \
                 `[auth.default]`",
                "move the provider keys out of `[auth]` into `[auth.default]`, or rename \
                 `[auth.default]`",
            ));
        }
        let Some(Value::Table(table)) = auth.get(name) else {
            continue;
        };
        let section = Section::new(&key, table);
        section.check_keys(PROVIDER_KEYS, &[])?;
        providers.push(ProviderConfig::from_section(name, section, &redirect, env)?);
    }
    // A relative `ca_file` is the config's neighbour, wherever authdash runs.
    let folder = path.parent().unwrap_or(Path::new("."));
    for provider in &mut providers {
        if let Some(ca) = provider.ca_file.as_mut()
            && ca.is_relative()
        {
            *ca = folder.join(&*ca);
        }
    }
    if providers.is_empty() {
        return Err(Problem::new(
            "auth",
            "names no provider: it has no `client_id` and no `[auth.NAME]` table",
            "add `client_id` and `server_metadata_url` to `[auth]` for one provider, or an \
             `[auth.NAME]` table per provider",
        ));
    }

    let settings = match root.get("authdash") {
        None => Settings::default(),
        Some(Value::Table(t)) => Settings::from_section(Section::new("authdash", t))?,
        Some(other) => return Err(wrong_type("authdash", "a table", other)),
    };

    Ok(Config {
        path: path.to_owned(),
        providers,
        store_secret,
        role_order: settings.role_order,
        panels: settings.panels,
        panel_apis: settings.panel_apis,
        http: settings.http,
        login_timeout: settings.login_timeout,
        exec_env: settings.exec_env,
        inline_secrets,
        warnings: Vec::new(),
        ui: settings.ui,
        trusted_programs: Vec::new(),
    })
}

/// The dotted keys under `[auth]` whose value is a secret written in the
/// file (not the name of a variable that holds one).
fn inline_secrets(auth: Section<'_>) -> Vec<String> {
    let mut keys = Vec::new();
    for name in ["store_secret", "cookie_secret", "client_secret"] {
        if matches!(auth.get(name), Some(Value::String(s)) if !s.is_empty()) {
            keys.push(auth.child(name));
        }
    }
    for (name, value) in auth.table {
        if let Value::Table(provider) = value
            && matches!(provider.get("client_secret"), Some(Value::String(s)) if !s.is_empty())
        {
            keys.push(format!("{}.client_secret", join("auth", name)));
        }
    }
    keys
}

/// The keys of `[auth]` in the order the file writes them. `toml::Table`
/// sorts its keys, so the order comes from the spans of a second parse.
fn auth_key_order(text: &str) -> Vec<String> {
    let Ok(doc) = toml::de::DeTable::parse(text) else {
        return Vec::new();
    };
    let Some((_, auth)) = doc.get_ref().iter().find(|(k, _)| k.get_ref() == "auth") else {
        return Vec::new();
    };
    let toml::de::DeValue::Table(auth) = auth.get_ref() else {
        return Vec::new();
    };
    let mut keys: Vec<(usize, String)> = auth
        .iter()
        .map(|(k, _)| (k.span().start, k.get_ref().to_string()))
        .collect();
    keys.sort();
    keys.into_iter().map(|(_, k)| k).collect()
}

#[cfg(test)]
mod tests;
