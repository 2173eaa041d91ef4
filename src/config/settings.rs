//! `[authdash]`: role order, timeouts and panels.

use std::time::Duration;

use super::HttpSettings;
use super::error::{Checked, Problem};
use super::panels::panels;
use super::section::Section;
use crate::identity::RoleOrder;
use crate::panels::PanelSpec;

const AUTHDASH_KEYS: &[&str] = &[
    "role_order",
    "connect_timeout_secs",
    "request_timeout_secs",
    "login_timeout_secs",
    "panel_body_cap_mib",
    "panels",
    "theme",
    "keys",
    "accent",
];

/// The largest panel body cap accepted: 1 GiB would defeat the point.
const MAX_PANEL_BODY_CAP_MIB: i64 = 256;

/// The longest timeout accepted: one day.
const MAX_TIMEOUT_SECS: i64 = 24 * 60 * 60;
const DEFAULT_LOGIN_TIMEOUT_SECS: u64 = 300;

pub(crate) struct Settings {
    pub role_order: RoleOrder,
    pub http: HttpSettings,
    pub login_timeout: Duration,
    pub panels: Vec<PanelSpec>,
    pub ui: super::ui::UiSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            role_order: RoleOrder::default(),
            http: HttpSettings::default(),
            login_timeout: Duration::from_secs(DEFAULT_LOGIN_TIMEOUT_SECS),
            panels: Vec::new(),
            ui: Default::default(),
        }
    }
}

impl Settings {
    pub fn from_section(section: Section<'_>) -> Checked<Self> {
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
        if let Some(cap) = panel_body_cap(section)? {
            settings.http.panel_body_cap = cap;
        }
        settings.panels = panels(section, &settings.role_order)?;
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

/// `panel_body_cap_mib`: whole MiB, 1 to 256.
fn panel_body_cap(section: Section<'_>) -> Checked<Option<usize>> {
    let name = "panel_body_cap_mib";
    let Some(mib) = section.int(name)? else {
        return Ok(None);
    };
    if !(1..=MAX_PANEL_BODY_CAP_MIB).contains(&mib) {
        return Err(Problem::new(
            &section.child(name),
            format!("is {mib}"),
            format!(
                "give the most a panel's answer may hold, in MiB, from 1 to \
                 {MAX_PANEL_BODY_CAP_MIB} (the default is 4)"
            ),
        ));
    }
    Ok(usize::try_from(mib).ok().map(|m| m * 1024 * 1024))
}
