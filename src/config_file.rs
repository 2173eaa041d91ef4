//! Finding the config file and loading it (through trust for a folder
//! config), saying on stderr what is wrong before anything else runs.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use authdash::config::trust::{self, ConfigOrigin, LoadError};
use authdash::config::{Config, ConfigError};
use directories::ProjectDirs;

use crate::EXIT_CONFIG;
use crate::args::Cli;

/// Where the config is and how it was found: `--config`/`$AUTHDASH_CONFIG`,
/// the config dir, `.streamlit/secrets.toml` (only read once trusted);
/// else `Err` with the two places looked at.
pub(crate) fn find_config(
    cli: &Cli,
    dirs: &ProjectDirs,
) -> Result<(PathBuf, ConfigOrigin), (PathBuf, PathBuf)> {
    let default_path = dirs.config_dir().join("authdash.toml");
    let streamlit = PathBuf::from(".streamlit").join("secrets.toml");
    match &cli.config {
        Some(p) => Ok((p.clone(), ConfigOrigin::Given)),
        None if default_path.exists() => Ok((default_path, ConfigOrigin::ConfigDir)),
        None if streamlit.exists() => Ok((streamlit, ConfigOrigin::CurrentFolder)),
        None => Err((default_path, streamlit)),
    }
}

/// The config, or the exit code after saying on stderr what is wrong.
pub(crate) fn load_config(cli: &Cli, dirs: &ProjectDirs) -> Result<Config, ExitCode> {
    let (path, origin) = match find_config(cli, dirs) {
        Ok(found) => found,
        Err((default_path, streamlit)) => {
            eprint!("{}", no_config_message(&default_path, &streamlit));
            return Err(ExitCode::from(EXIT_CONFIG));
        }
    };
    let env = |name: &str| std::env::var(name).ok();
    let loaded = trust::load(origin, &path, dirs.data_dir(), &env);
    if let Ok(config) = &loaded {
        // Said before the terminal is taken, and again in the TUI.
        for warning in &config.warnings {
            tracing::warn!(target: "authdash", "{warning}");
            eprintln!("authdash: warning: {warning}");
        }
    }
    loaded.map_err(|e| {
        let e = match e {
            LoadError::Trust(e) => {
                eprintln!("authdash: {e}");
                return ExitCode::from(EXIT_CONFIG);
            }
            LoadError::Config(e) => e,
        };
        eprintln!("authdash: the config has a problem:\n{e}");
        if matches!(e, ConfigError::NotFound { .. }) {
            eprintln!(
                "\nTry `authdash demo`, or `authdash init` (or `authdash example-config`) for a \
                 config to start from."
            );
        }
        ExitCode::from(EXIT_CONFIG)
    })
}

pub(crate) fn no_config_message(default_path: &Path, streamlit: &Path) -> String {
    format!(
        "authdash: no config found. Looked for:\n  \
         --config PATH or $AUTHDASH_CONFIG   (not given)\n  \
         {}\n  \
         {}   (a Streamlit secrets.toml works as is)\n\n\
         To see authdash working right now, with no account anywhere:\n  \
         authdash demo\n\n\
         To write your own config there, commented, with what to fill in:\n  \
         authdash init [--preset google|entra|okta|auth0|keycloak|propelauth]\n\
         then check it against your provider with `authdash doctor`.\n\n\
         The reference config, every key explained:\n  \
         authdash example-config > {}\n\
         (the same file is assets/examples/authdash.toml in the authdash repository)\n",
        default_path.display(),
        streamlit.display(),
        default_path.display(),
    )
}
