//! `[[authdash.panels]]`.

use toml::Value;

use super::error::{Checked, Problem};
use super::redirect::RedirectHost;
use super::section::{Section, absolute_url, wrong_type};
use crate::identity::RoleOrder;
use crate::panels::{PanelSpec, Requirement};

const PANEL_KEYS: &[&str] = &["id", "title", "description", "requires", "data_url"];
const REQUIRES_KEYS: &[&str] = &["min_role", "role", "permissions"];
const PLACEHOLDERS: [&str; 2] = ["{org_id}", "{panel_id}"];

pub(crate) fn panels(section: Section<'_>, order: &RoleOrder) -> Checked<Vec<PanelSpec>> {
    let Some(value) = section.get("panels") else {
        return Ok(Vec::new());
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
    for (i, item) in items.iter().enumerate() {
        let item_key = format!("{key}[{i}]");
        let Value::Table(table) = item else {
            return Err(wrong_type(&item_key, "a table", item));
        };
        let panel = panel(Section::new(&item_key, table), order)?;
        if let Some(j) = out.iter().position(|p| p.id == panel.id) {
            return Err(Problem::new(
                &format!("{item_key}.id"),
                format!("`{}` is also the id of {key}[{j}]", panel.id),
                "give every panel its own id",
            ));
        }
        out.push(panel);
    }
    Ok(out)
}

fn panel(section: Section<'_>, order: &RoleOrder) -> Checked<PanelSpec> {
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
    let data_url = section
        .nonempty_str("data_url")?
        .map(|raw| data_url(&section.child("data_url"), raw, &id))
        .transpose()?;
    Ok(PanelSpec {
        id,
        title,
        description,
        requires,
        data_url,
    })
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
    })
}

/// Check the template with its placeholders filled; keep the template.
fn data_url(key: &str, raw: &str, panel_id: &str) -> Checked<String> {
    let filled = raw
        .trim()
        .replace(PLACEHOLDERS[0], "org")
        .replace(PLACEHOLDERS[1], panel_id);
    let placeholders = PLACEHOLDERS.join(" and ");
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
