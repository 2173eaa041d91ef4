//! `[authdash]`'s keys for the terminal UI: `theme`, `[authdash.keys]` and
//! `[[authdash.accent]]`. Only their shape is checked here; which actions
//! and keys exist is the TUI's to say (it reports those before it takes the
//! terminal), since the engine never imports a face.

use toml::Value;

use super::error::{Checked, Problem};
use super::section::{Section, wrong_type};

/// The colours an accent may take (and `theme` knows).
const ACCENT_COLORS: &[&str] = &[
    "red", "green", "yellow", "blue", "magenta", "cyan", "white", "gray",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThemeChoice {
    /// Colours unless `NO_COLOR` is set; the background from `COLORFGBG`.
    #[default]
    Auto,
    /// Colours for a dark background.
    Dark,
    /// Colours for a light background (no yellow or cyan text).
    Light,
    /// No colour at all: focus by borders, markers and reverse video.
    Mono,
}

/// `[[authdash.accent]]`: a colour and a label for where a person acts,
/// matched by provider name and/or organization (id or name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accent {
    pub provider: Option<String>,
    pub org: Option<String>,
    pub color: String,
    pub label: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UiSettings {
    pub theme: ThemeChoice,
    /// `[authdash.keys]`: action name → keys, as written.
    pub(crate) keys: Vec<(String, Vec<String>)>,
    pub(crate) accents: Vec<Accent>,
}

impl UiSettings {
    pub(crate) fn from_section(section: Section<'_>) -> Checked<Self> {
        let mut ui = Self::default();
        if let Some(theme) = section.str("theme")? {
            ui.theme = match theme {
                "auto" | "color" => ThemeChoice::Auto,
                "dark" => ThemeChoice::Dark,
                "light" => ThemeChoice::Light,
                "mono" | "monochrome" => ThemeChoice::Mono,
                other => {
                    return Err(Problem::new(
                        &section.child("theme"),
                        format!("is `{other}`"),
                        "write `theme = \"auto\"` (colours unless NO_COLOR is set, the background from COLORFGBG), \"dark\", \"light\" or \"mono\"",
                    ));
                }
            };
        }
        if let Some(keys) = section.table("keys")? {
            let keys_key = section.child("keys");
            for (action, value) in keys {
                let key = format!("{keys_key}.{action}");
                let list = match value {
                    Value::String(s) => vec![s.clone()],
                    Value::Array(items) => items
                        .iter()
                        .enumerate()
                        .map(|(i, v)| match v {
                            Value::String(s) => Ok(s.clone()),
                            other => Err(wrong_type(&format!("{key}[{i}]"), "a string", other)),
                        })
                        .collect::<Checked<Vec<_>>>()?,
                    other => return Err(wrong_type(&key, "a key or a list of keys", other)),
                };
                ui.keys.push((action.clone(), list));
            }
        }
        if let Some(value) = section.get("accent") {
            let key = section.child("accent");
            let Value::Array(items) = value else {
                return Err(wrong_type(
                    &key,
                    "an array of tables ([[authdash.accent]])",
                    value,
                ));
            };
            for (i, item) in items.iter().enumerate() {
                let key = format!("{key}[{i}]");
                let Value::Table(t) = item else {
                    return Err(wrong_type(&key, "a table", item));
                };
                ui.accents.push(accent(Section::new(&key, t))?);
            }
        }
        Ok(ui)
    }
}

fn accent(section: Section<'_>) -> Checked<Accent> {
    section.check_keys(&["provider", "org", "color", "label"], &[])?;
    let color = section.required_str(
        "color",
        "name a colour: red, green, yellow, blue, magenta, cyan, white or gray",
    )?;
    if !ACCENT_COLORS.contains(&color) {
        return Err(Problem::new(
            &section.child("color"),
            format!("is `{color}`"),
            "name a colour: red, green, yellow, blue, magenta, cyan, white or gray",
        ));
    }
    Ok(Accent {
        provider: section.nonempty_str("provider")?.map(str::to_owned),
        org: section.nonempty_str("org")?.map(str::to_owned),
        color: color.to_owned(),
        label: section.nonempty_str("label")?.map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::config::Config;

    fn parse(authdash: &str) -> Result<Config, crate::config::ConfigError> {
        let text = format!(
            "[auth]\nclient_id = \"cid\"\n\
             server_metadata_url = \"https://idp.example/.well-known/openid-configuration\"\n\
             [authdash]\n{authdash}"
        );
        Config::parse(Path::new("a.toml"), &text, &|_| None)
    }

    #[test]
    fn theme_keys_and_accents_are_read() {
        let config = parse(
            "theme = \"mono\"\n[authdash.keys]\nquit = [\"q\", \"x\"]\nmenu = \"f9\"\n\
             [[authdash.accent]]\norg = \"Acme\"\ncolor = \"red\"\nlabel = \"PRODUCTION\"\n",
        )
        .expect("valid");
        assert_eq!(config.ui.theme, ThemeChoice::Mono);
        assert_eq!(
            config.ui.keys,
            vec![
                ("menu".to_owned(), vec!["f9".to_owned()]),
                ("quit".to_owned(), vec!["q".to_owned(), "x".to_owned()]),
            ]
        );
        assert_eq!(config.ui.accents[0].label.as_deref(), Some("PRODUCTION"));
    }

    #[test]
    fn light_and_dark_themes_are_read() {
        for (text, theme) in [
            ("light", ThemeChoice::Light),
            ("dark", ThemeChoice::Dark),
            ("auto", ThemeChoice::Auto),
        ] {
            let config = parse(&format!("theme = \"{text}\"\n")).expect("valid");
            assert_eq!(config.ui.theme, theme);
        }
    }

    #[test]
    fn a_wrong_theme_or_colour_names_the_key_and_the_fix() {
        let err = parse("theme = \"neon\"\n").expect_err("bad theme");
        assert_eq!(err.key(), Some("authdash.theme"));
        assert!(err.to_string().contains("\"mono\""), "{err}");
        assert!(err.to_string().contains("\"light\""), "{err}");
        let err = parse("[[authdash.accent]]\ncolor = \"pink\"\n").expect_err("bad colour");
        assert_eq!(err.key(), Some("authdash.accent[0].color"));
        let err = parse("[authdash.keys]\nquit = 3\n").expect_err("bad keys");
        assert_eq!(err.key(), Some("authdash.keys.quit"));
    }
}
