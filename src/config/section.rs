//! Typed reads from one TOML table, with errors that carry the dotted key.

use toml::{Table, Value};

use super::error::{Checked, Problem, type_name, unknown_key_fix};

/// One table of the file and where it sits (`auth.acme`).
#[derive(Clone, Copy)]
pub(crate) struct Section<'a> {
    key: &'a str,
    pub(crate) table: &'a Table,
}

/// `parent.child`, quoting `child` when it is not a bare TOML key.
pub(crate) fn join(parent: &str, child: &str) -> String {
    let segment = if is_bare_key(child) {
        child.to_owned()
    } else {
        let escaped = child.replace('\\', "\\\\").replace('"', "\\\"");
        format!("\"{escaped}\"")
    };
    if parent.is_empty() {
        segment
    } else {
        format!("{parent}.{segment}")
    }
}

/// A bare TOML key: letters, digits, `_` and `-`.
pub(crate) fn is_bare_key(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

pub(crate) fn wrong_type(key: &str, expected: &str, found: &Value) -> Problem {
    let hint = match expected {
        "a string" => " (in double quotes)",
        "an integer" => " (a whole number, no quotes)",
        "an array of strings" => " (like [\"a\", \"b\"])",
        _ => "",
    };
    Problem::new(
        key,
        format!("expected {expected}, found {}", type_name(found)),
        format!("write it as {expected}{hint}"),
    )
}

impl<'a> Section<'a> {
    pub(crate) fn new(key: &'a str, table: &'a Table) -> Self {
        Self { key, table }
    }

    pub(crate) fn child(&self, name: &str) -> String {
        join(self.key, name)
    }

    pub(crate) fn get(&self, name: &str) -> Option<&'a Value> {
        self.table.get(name)
    }

    /// Every key must be in `known` or in `ignored` (accepted, unused).
    pub(crate) fn check_keys(&self, known: &[&str], ignored: &[&str]) -> Checked<()> {
        for name in self.table.keys() {
            let name = name.as_str();
            if !known.contains(&name) && !ignored.contains(&name) {
                return Err(Problem::new(
                    &self.child(name),
                    "unknown key",
                    unknown_key_fix(name, known),
                ));
            }
        }
        Ok(())
    }

    pub(crate) fn str(&self, name: &str) -> Checked<Option<&'a str>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(wrong_type(&self.child(name), "a string", other)),
        }
    }

    /// A string that, when present, is not blank.
    pub(crate) fn nonempty_str(&self, name: &str) -> Checked<Option<&'a str>> {
        match self.str(name)? {
            Some(s) if s.trim().is_empty() => Err(Problem::new(
                &self.child(name),
                "is empty",
                "give it a value, or remove the key",
            )),
            other => Ok(other),
        }
    }

    pub(crate) fn required_str(&self, name: &str, fix: &str) -> Checked<&'a str> {
        self.nonempty_str(name)?
            .ok_or_else(|| Problem::new(&self.child(name), "is missing", fix))
    }

    pub(crate) fn int(&self, name: &str) -> Checked<Option<i64>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Integer(i)) => Ok(Some(*i)),
            Some(other) => Err(wrong_type(&self.child(name), "an integer", other)),
        }
    }

    pub(crate) fn table(&self, name: &str) -> Checked<Option<&'a Table>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Table(t)) => Ok(Some(t)),
            Some(other) => Err(wrong_type(&self.child(name), "a table", other)),
        }
    }

    pub(crate) fn strings(&self, name: &str) -> Checked<Option<Vec<String>>> {
        let key = self.child(name);
        let Some(value) = self.get(name) else {
            return Ok(None);
        };
        let Value::Array(items) = value else {
            return Err(wrong_type(&key, "an array of strings", value));
        };
        items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::String(s) => Ok(s.clone()),
                other => Err(wrong_type(&format!("{key}[{i}]"), "a string", other)),
            })
            .collect::<Checked<Vec<_>>>()
            .map(Some)
    }
}

/// Parse an absolute URL with a host (`https://host/...`); `fix` says
/// what to write instead.
pub(crate) fn absolute_url(key: &str, raw: &str, fix: &str) -> Checked<url::Url> {
    let url = url::Url::parse(raw.trim())
        .map_err(|e| Problem::new(key, format!("is not a URL ({e})"), fix))?;
    if url.cannot_be_a_base() || url.host().is_none() {
        return Err(Problem::new(
            key,
            format!(
                "is not a URL with a host: it reads as the scheme `{}:` and no `//host`",
                url.scheme()
            ),
            fix,
        ));
    }
    Ok(url)
}
