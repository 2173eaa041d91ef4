//! `[authdash]`: role order, timeouts and panels.

use std::time::Duration;

use super::HttpSettings;
use super::error::{Checked, Problem};
use super::panels::panels;
use super::section::Section;
use super::variable::token_variable;
use crate::identity::RoleOrder;
use crate::panels::PanelSpec;

const AUTHDASH_KEYS: &[&str] = &[
    "role_order",
    "connect_timeout_secs",
    "request_timeout_secs",
    "login_timeout_secs",
    "panel_body_cap_mib",
    "provider_body_cap_mib",
    "panels",
    "exec_token_env",
    "exec_org_env",
    "theme",
    "keys",
    "accent",
];

/// The largest panel body cap accepted: 1 GiB would defeat the point.
const MAX_PANEL_BODY_CAP_MIB: i64 = 256;

/// The largest provider answer cap accepted: a person in some 38,000
/// organizations. Parsed, an answer of small JSON values takes some 24
/// times its size, so this also bounds what a hostile answer can cost.
const MAX_PROVIDER_BODY_CAP_MIB: i64 = 16;

/// The longest timeout accepted: one day.
const MAX_TIMEOUT_SECS: i64 = 24 * 60 * 60;
const DEFAULT_LOGIN_TIMEOUT_SECS: u64 = 300;

pub(crate) struct Settings {
    pub(crate) role_order: RoleOrder,
    pub(crate) http: HttpSettings,
    pub(crate) login_timeout: Duration,
    pub(crate) panels: Vec<PanelSpec>,
    /// The API each panel naming one calls, by panel id.
    pub(crate) panel_apis: Vec<(String, super::apis::ApiRef)>,
    pub(crate) exec_env: ExecEnv,
    pub(crate) ui: super::ui::UiSettings,
}

/// The environment variables `authdash exec` (and `token --format env`)
/// put the access token and the org id in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecEnv {
    /// `exec_token_env`, default `AUTHDASH_ACCESS_TOKEN`.
    pub token: String,
    /// `exec_org_env`, default `AUTHDASH_ORG_ID`.
    pub org_id: String,
}

impl Default for ExecEnv {
    fn default() -> Self {
        Self {
            token: "AUTHDASH_ACCESS_TOKEN".to_owned(),
            org_id: "AUTHDASH_ORG_ID".to_owned(),
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            role_order: RoleOrder::default(),
            http: HttpSettings::default(),
            login_timeout: Duration::from_secs(DEFAULT_LOGIN_TIMEOUT_SECS),
            panels: Vec::new(),
            panel_apis: Vec::new(),
            exec_env: ExecEnv::default(),
            ui: Default::default(),
        }
    }
}

impl Settings {
    pub(crate) fn from_section(section: Section<'_>) -> Checked<Self> {
        section.check_keys(AUTHDASH_KEYS, &[])?;
        let mut settings = Self::default();
        if let Some(order) = role_order(section)? {
            settings.role_order = order;
        }
        if let Some(d) = timeout(section, "connect_timeout_secs")? {
            settings.http.connect_timeout = d;
        }
        if let Some(d) = timeout(section, "request_timeout_secs")? {
            settings.http.request_timeout = d;
        }
        if let Some(d) = timeout(section, "login_timeout_secs")? {
            settings.login_timeout = d;
        }
        if let Some(cap) = mib_cap(section, "panel_body_cap_mib", MAX_PANEL_BODY_CAP_MIB, 4)? {
            settings.http.panel_body_cap = cap;
        }
        if let Some(cap) = mib_cap(
            section,
            "provider_body_cap_mib",
            MAX_PROVIDER_BODY_CAP_MIB,
            1,
        )? {
            settings.http.provider_body_cap = cap;
        }
        (settings.panels, settings.panel_apis) = panels(section, &settings.role_order)?;
        if let Some(name) = env_name(section, "exec_token_env")? {
            settings.exec_env.token = name;
        }
        if let Some(name) = env_name(section, "exec_org_env")? {
            settings.exec_env.org_id = name;
        }
        if settings.exec_env.org_id == settings.exec_env.token {
            return Err(Problem::new(
                &section.child("exec_org_env"),
                format!(
                    "is `{}`, the variable that holds the access token",
                    settings.exec_env.org_id
                ),
                "give the org id a variable of its own, e.g. `AUTHDASH_ORG_ID`",
            ));
        }
        settings.ui = super::ui::UiSettings::from_section(section)?;
        Ok(settings)
    }
}

fn role_order(section: Section<'_>) -> Checked<Option<RoleOrder>> {
    let Some(roles) = section.strings("role_order")? else {
        return Ok(None);
    };
    let key = section.child("role_order");
    if roles.is_empty() {
        return Err(Problem::new(
            &key,
            "is empty",
            "list the roles highest first, e.g. `role_order = [\"Owner\", \"Admin\", \"Member\"]`, \
             or remove the key for that default",
        ));
    }
    for (i, role) in roles.iter().enumerate() {
        if role.trim().is_empty() {
            return Err(Problem::new(
                &format!("{key}[{i}]"),
                "is an empty role name",
                "remove it, or write the role's name",
            ));
        }
        if roles[..i].contains(role) {
            return Err(Problem::new(
                &key,
                format!("lists `{role}` twice"),
                format!("keep one `{role}`, where it ranks (the list is highest first)"),
            ));
        }
    }
    Ok(Some(RoleOrder::new(roles)))
}

fn timeout(section: Section<'_>, name: &str) -> Checked<Option<Duration>> {
    let Some(secs) = section.int(name)? else {
        return Ok(None);
    };
    let fix = format!("give a number of seconds from 1 to {MAX_TIMEOUT_SECS} (one day)");
    if secs <= 0 {
        return Err(Problem::new(
            &section.child(name),
            format!("is {secs}; a timeout must be positive"),
            fix,
        ));
    }
    if secs > MAX_TIMEOUT_SECS {
        return Err(Problem::new(
            &section.child(name),
            format!("is {secs} seconds, more than a day"),
            fix,
        ));
    }
    Ok(u64::try_from(secs).ok().map(Duration::from_secs))
}

/// A cap in whole MiB, from 1 to `max` (`panel_body_cap_mib`,
/// `provider_body_cap_mib`).
fn mib_cap(section: Section<'_>, name: &str, max: i64, default: i64) -> Checked<Option<usize>> {
    let Some(mib) = section.int(name)? else {
        return Ok(None);
    };
    if !(1..=max).contains(&mib) {
        let whose = if name.starts_with("panel") {
            "a panel's answer"
        } else {
            "a provider's token or userinfo answer"
        };
        return Err(Problem::new(
            &section.child(name),
            format!("is {mib}"),
            format!(
                "give the most {whose} may hold, in MiB, from 1 to {max} (the default is {default})"
            ),
        ));
    }
    Ok(usize::try_from(mib).ok().map(|m| m * 1024 * 1024))
}

fn env_name(section: Section<'_>, key: &str) -> Checked<Option<String>> {
    let Some(name) = section.str(key)? else {
        return Ok(None);
    };
    token_variable(&section.child(key), name).map(Some)
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use crate::config::Config;

    const PROVIDER: &str = "[auth]\nclient_id = \"cid\"\n\
         server_metadata_url = \"https://id.example/.well-known/openid-configuration\"\n";

    fn parse(extra: &str) -> Result<Config, String> {
        Config::parse(
            Path::new("/etc/authdash/authdash.toml"),
            &format!("{PROVIDER}{extra}"),
            &|_| None,
        )
        .map_err(|e| e.to_string())
    }

    #[test]
    fn exec_variable_names_default_and_are_checked() {
        let c = parse("").unwrap();
        assert_eq!(c.exec_env.token, "AUTHDASH_ACCESS_TOKEN");
        assert_eq!(c.exec_env.org_id, "AUTHDASH_ORG_ID");
        let c = parse("[authdash]\nexec_token_env = \"GITHUB_TOKEN\"\n").unwrap();
        assert_eq!(c.exec_env.token, "GITHUB_TOKEN");
        let e = parse("[authdash]\nexec_org_env = \"1 ORG; rm\"\n").unwrap_err();
        assert!(
            e.contains("authdash.exec_org_env") && e.contains("not an environment variable"),
            "{e}"
        );
    }

    #[test]
    fn a_relative_ca_file_is_beside_the_config() {
        let c = parse("ca_file = \"corp-ca.pem\"\n").unwrap();
        assert_eq!(
            c.providers[0].ca_file,
            Some(PathBuf::from("/etc/authdash/corp-ca.pem"))
        );
        let c = parse("ca_file = \"/etc/ssl/corp.pem\"\n").unwrap();
        assert_eq!(
            c.providers[0].ca_file,
            Some(PathBuf::from("/etc/ssl/corp.pem"))
        );
    }
}
