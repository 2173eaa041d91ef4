//! `[[authdash.panels]]`.

use toml::Value;

use super::apis::{ApiRef, api_of};
use super::error::{Checked, Problem};
use super::redirect::RedirectHost;
use super::section::{Section, absolute_url, wrong_type};
use crate::identity::RoleOrder;
use crate::panels::view::{ChartKind, ChartView, Column, Format, TableView, View};
use crate::panels::{
    CommandSource, DEFAULT_COMMAND_OUTPUT_CAP, DEFAULT_COMMAND_TIMEOUT, DEFAULT_TOKEN_ENV,
    PLACEHOLDERS, PanelSpec, Requirement,
};

const PANEL_KEYS: &[&str] = &[
    "id",
    "title",
    "description",
    "requires",
    "data_url",
    "resource",
    "scopes",
    "source",
    "view",
    "refresh_secs",
];
const REQUIRES_KEYS: &[&str] = &[
    "min_role",
    "role",
    "permissions",
    "any_permission",
    "scopes",
];
const HTTP_KEYS: &[&str] = &["type", "url", "select", "resource", "scopes"];
const COMMAND_KEYS: &[&str] = &[
    "type",
    "argv",
    "token_env",
    "timeout_secs",
    "output_cap_kib",
    "select",
    "resource",
    "scopes",
];
const VIEW_KEYS: &[&str] = &[
    "type", "columns", "chart", "x", "y", "x_label", "y_label", "unit",
];
const COLUMN_KEYS: &[&str] = &["key", "title", "format"];

/// The panels, and the API each that names one calls (by panel id).
pub(crate) type Panels = (Vec<PanelSpec>, Vec<(String, ApiRef)>);

pub(crate) fn panels(section: Section<'_>, order: &RoleOrder) -> Checked<Panels> {
    let Some(value) = section.get("panels") else {
        return Ok((Vec::new(), Vec::new()));
    };
    let key = section.child("panels");
    let Value::Array(items) = value else {
        return Err(Problem::new(
            &key,
            format!(
                "expected an array of tables, found {}",
                super::error::type_name(value)
            ),
            "write each panel as its own `[[authdash.panels]]` table",
        ));
    };
    let mut out: Vec<PanelSpec> = Vec::with_capacity(items.len());
    let mut apis = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let item_key = format!("{key}[{i}]");
        let Value::Table(table) = item else {
            return Err(wrong_type(&item_key, "a table", item));
        };
        let (panel, api) = panel(Section::new(&item_key, table), order)?;
        if let Some(j) = out.iter().position(|p| p.id == panel.id) {
            return Err(Problem::new(
                &format!("{item_key}.id"),
                format!("`{}` is also the id of {key}[{j}]", panel.id),
                "give every panel its own id",
            ));
        }
        if let Some(api) = api {
            apis.push((panel.id.clone(), api));
        }
        out.push(panel);
    }
    Ok((out, apis))
}

fn panel(section: Section<'_>, order: &RoleOrder) -> Checked<(PanelSpec, Option<ApiRef>)> {
    section.check_keys(PANEL_KEYS, &[])?;
    let id = section
        .required_str("id", "give the panel a unique id, e.g. `id = \"billing\"`")?
        .to_owned();
    let title = section
        .required_str(
            "title",
            "give the panel the title the list shows, e.g. `title = \"Billing\"`",
        )?
        .to_owned();
    let description = section.nonempty_str("description")?.map(str::to_owned);
    let requires = match section.table("requires")? {
        None => Requirement::default(),
        Some(table) => {
            let key = section.child("requires");
            requirement(Section::new(&key, table), order)?
        }
    };
    let mut data_url = section
        .nonempty_str("data_url")?
        .map(|raw| data_url(&section.child("data_url"), raw, &id))
        .transpose()?;
    let mut command = None;
    let mut select = None;
    let mut api = api_of(&section)?;
    if api.is_some() && data_url.is_none() {
        return Err(Problem::new(
            &section.child("resource"),
            "is given without `data_url`",
            "put `resource` (and `scopes`) in the panel's `source` table, e.g. `source = { type = \
             \"http\", url = \"...\", resource = \"https://api.example.com/\" }`",
        ));
    }
    if let Some(table) = section.table("source")? {
        let key = section.child("source");
        if data_url.is_some() {
            return Err(Problem::new(
                &key,
                "is given together with `data_url`",
                "keep one: `data_url = \"...\"` is short for `source = { type = \"http\", url = \"...\" }`",
            ));
        }
        let source = Section::new(&key, table);
        select = pointer(&source)?;
        api = api_of(&source)?;
        match source.str("type")? {
            Some("http") | None => {
                source.check_keys(HTTP_KEYS, &[])?;
                let raw = source.required_str(
                    "url",
                    "give the address of the panel's JSON, e.g. `url = \"https://api.example.com/orgs/{org_id}/usage\"`",
                )?;
                data_url = Some(self::data_url(&source.child("url"), raw, &id)?);
            }
            Some("command") => {
                source.check_keys(COMMAND_KEYS, &[])?;
                command = Some(command_source(&source)?);
            }
            Some(other) => {
                return Err(Problem::new(
                    &source.child("type"),
                    format!("`{other}` is not a source type"),
                    "use `http` (a URL fetched with your access token) or `command` (a local program)",
                ));
            }
        }
    }
    let view = match section.table("view")? {
        None => View::Kv,
        Some(table) => {
            let key = section.child("view");
            view(Section::new(&key, table))?
        }
    };
    let refresh = match section.int("refresh_secs")? {
        None => None,
        Some(n @ 1..=86_400) => Some(std::time::Duration::from_secs(n.unsigned_abs())),
        Some(_) => {
            return Err(Problem::new(
                &section.child("refresh_secs"),
                "is out of range",
                "give a number of seconds from 1 to 86400, or remove it (then `r` reloads)",
            ));
        }
    };
    Ok((
        PanelSpec {
            id,
            title,
            description,
            requires,
            data_url,
            command,
            select,
            view,
            refresh,
        },
        api,
    ))
}

fn pointer(source: &Section<'_>) -> Checked<Option<String>> {
    match source.str("select")? {
        None | Some("") => Ok(None),
        Some(p) if p.starts_with('/') => Ok(Some(p.to_owned())),
        Some(p) => Err(Problem::new(
            &source.child("select"),
            format!("`{p}` is not a JSON pointer"),
            format!("start it with `/`, e.g. `select = \"/{p}\"` (RFC 6901)"),
        )),
    }
}

fn command_source(source: &Section<'_>) -> Checked<CommandSource> {
    let key = source.child("argv");
    let argv = source.strings("argv")?.unwrap_or_default();
    if argv.first().is_none_or(|p| p.trim().is_empty()) {
        return Err(Problem::new(
            &key,
            "is missing or empty",
            "name the program and its arguments, one string each, e.g. `argv = [\"/usr/local/bin/usage\", \"--json\"]` (no shell runs it)",
        ));
    }
    if argv
        .first()
        .is_some_and(|p| crate::panels::has_placeholder(p))
    {
        return Err(Problem::new(
            &format!("{key}[0]"),
            "has a placeholder in the program's path: the value (an organization's name, say \
             `../../bin/sh`) would choose which program runs with your access token",
            "name the program in full, and pass `{org_id}`, `{org_name}` or `{user_id}` as an \
             argument of its own",
        ));
    }
    if argv
        .iter()
        .any(|a| a.contains("{access_token}") || a.contains("{token}"))
    {
        return Err(Problem::new(
            &key,
            "puts the access token on the command line, where any local user can read it",
            "read it from the environment variable named by `token_env` instead",
        ));
    }
    let token_env = super::variable::token_variable(
        &source.child("token_env"),
        source
            .nonempty_str("token_env")?
            .unwrap_or(DEFAULT_TOKEN_ENV),
    )?;
    let timeout = match source.int("timeout_secs")? {
        None => DEFAULT_COMMAND_TIMEOUT,
        Some(n @ 1..=600) => std::time::Duration::from_secs(n.unsigned_abs()),
        Some(_) => {
            return Err(Problem::new(
                &source.child("timeout_secs"),
                "is out of range",
                "give a number of seconds from 1 to 600",
            ));
        }
    };
    let output_cap = match source.int("output_cap_kib")? {
        None => DEFAULT_COMMAND_OUTPUT_CAP,
        Some(n @ 1..=65_536) => usize::try_from(n).unwrap_or(1) * 1024,
        Some(_) => {
            return Err(Problem::new(
                &source.child("output_cap_kib"),
                "is out of range",
                "give a number of KiB from 1 to 65536",
            ));
        }
    };
    Ok(CommandSource {
        argv,
        token_env,
        timeout,
        output_cap,
    })
}

fn view(section: Section<'_>) -> Checked<View> {
    section.check_keys(VIEW_KEYS, &[])?;
    match section.str("type")?.unwrap_or("kv") {
        "kv" => Ok(View::Kv),
        "text" => Ok(View::Text),
        "table" => Ok(View::Table(TableView {
            columns: columns(&section)?,
        })),
        "chart" => {
            let kind = match section.str("chart")?.unwrap_or("line") {
                "line" => ChartKind::Line,
                "bar" => ChartKind::Bar,
                "sparkline" => ChartKind::Sparkline,
                other => {
                    return Err(Problem::new(
                        &section.child("chart"),
                        format!("`{other}` is not a chart"),
                        "use `line`, `bar` or `sparkline`",
                    ));
                }
            };
            let text = |name: &str| section.nonempty_str(name).map(|s| s.map(str::to_owned));
            Ok(View::Chart(ChartView {
                kind,
                x: text("x")?,
                y: text("y")?,
                x_label: text("x_label")?,
                y_label: text("y_label")?,
                unit: text("unit")?,
            }))
        }
        other => Err(Problem::new(
            &section.child("type"),
            format!("`{other}` is not a view"),
            "use `table`, `kv`, `chart` or `text`",
        )),
    }
}

fn columns(section: &Section<'_>) -> Checked<Vec<Column>> {
    let Some(value) = section.get("columns") else {
        return Ok(Vec::new());
    };
    let key = section.child("columns");
    let Value::Array(items) = value else {
        return Err(wrong_type(&key, "an array of tables", value));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let item_key = format!("{key}[{i}]");
            let Value::Table(table) = item else {
                return Err(wrong_type(&item_key, "a table", item));
            };
            let column = Section::new(&item_key, table);
            column.check_keys(COLUMN_KEYS, &[])?;
            let field = column
                .required_str(
                    "key",
                    "name the row's key (or a JSON pointer), e.g. `key = \"amount\"`",
                )?
                .to_owned();
            let format = match column.str("format")?.unwrap_or("plain") {
                "plain" => Format::Plain,
                "number" => Format::Number,
                "percent" => Format::Percent,
                f if f.starts_with("currency:") => {
                    Format::Currency(f.trim_start_matches("currency:").to_owned())
                }
                other => {
                    return Err(Problem::new(
                        &column.child("format"),
                        format!("`{other}` is not a format"),
                        "use `plain`, `number`, `percent` or `currency:SYMBOL` (e.g. `currency:€`)",
                    ));
                }
            };
            Ok(Column {
                title: column.nonempty_str("title")?.unwrap_or(&field).to_owned(),
                key: field,
                format,
            })
        })
        .collect()
}

fn requirement(section: Section<'_>, order: &RoleOrder) -> Checked<Requirement> {
    section.check_keys(REQUIRES_KEYS, &[])?;
    let known_role = |name: &str| -> Checked<Option<String>> {
        let Some(role) = section.nonempty_str(name)? else {
            return Ok(None);
        };
        if !order.contains(role) {
            return Err(Problem::new(
                &section.child(name),
                format!("`{role}` is not in `authdash.role_order`"),
                format!(
                    "use one of: {}; or add `{role}` to `authdash.role_order`",
                    order.roles().join(", ")
                ),
            ));
        }
        Ok(Some(role.to_owned()))
    };
    Ok(Requirement {
        min_role: known_role("min_role")?,
        role: known_role("role")?,
        permissions: section.strings("permissions")?.unwrap_or_default(),
        any_permission: section.strings("any_permission")?.unwrap_or_default(),
        scopes: section.strings("scopes")?.unwrap_or_default(),
    })
}

/// Check the template with its placeholders filled; keep the template.
fn data_url(key: &str, raw: &str, panel_id: &str) -> Checked<String> {
    let filled = raw
        .trim()
        .replace(PLACEHOLDERS[0], "org")
        .replace(PLACEHOLDERS[1], "name")
        .replace(PLACEHOLDERS[2], "user")
        .replace(PLACEHOLDERS[3], panel_id);
    let placeholders = PLACEHOLDERS.join(", ");
    if let Some(start) = filled.find('{') {
        let unknown = filled[start..]
            .split_inclusive('}')
            .next()
            .unwrap_or_default();
        return Err(Problem::new(
            key,
            format!("has an unknown placeholder `{unknown}`"),
            format!("the placeholders are {placeholders}"),
        ));
    }
    let fix = format!(
        "give a full https URL, e.g. `https://api.example.com/orgs/{{org_id}}/panels/{{panel_id}}` \
         (placeholders: {placeholders})"
    );
    let url = absolute_url(key, &filled, &fix)?;
    if let Err(crate::panels::TemplateError::InHost { placeholder }) =
        crate::panels::check_host_placeholders(raw)
    {
        return Err(Problem::new(
            key,
            format!(
                "has {{{placeholder}}} in its host, not followed by `.` and the rest of the host (or \
                 in its port): a value such as `.evil.example` would send the request, and your \
                 access token, to another host"
            ),
            "put placeholders in the path (`https://api.example.com/orgs/{org_id}`), or in the \
             host only in front of the part that names it (`https://{org_name}.api.example.com`)",
        ));
    }
    match url.scheme() {
        "https" => Ok(raw.trim().to_owned()),
        "http" if RedirectHost::of(&url).is_some() => Ok(raw.trim().to_owned()),
        "http" => Err(Problem::new(
            key,
            "uses plain http toward another machine; the access token would travel in clear",
            "use https (plain http is accepted only for 127.0.0.1, [::1] or localhost)",
        )),
        scheme => Err(Problem::new(
            key,
            format!("uses `{scheme}:`; panel data is fetched over http(s)"),
            fix,
        )),
    }
}

#[cfg(test)]
mod tests;
