//! `authdash init`: write a commented config to start from, never over an
//! existing file, and say what to fill in.

use std::fs;
use std::io::Write;
use std::path::Path;

use super::{CliError, Outcome};

/// Where `post_logout_redirect_uri` is explained for most providers.
const POST_LOGOUT_GENERIC: &str = "to come back to authdash after signing out in the browser, \
     register a post-logout redirect URI with a fixed port, e.g. \
     `http://127.0.0.1:8401/signed-out`, and set `post_logout_redirect_uri` to exactly that";

/// A config template: the generic one or a provider's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preset {
    /// As given to `--preset` (`generic` without one).
    name: &'static str,
    /// The provider, as people call it.
    label: &'static str,
    /// The file written, with valid placeholder values.
    template: &'static str,
    /// The keys to fill in: (key, what to put there).
    fill: &'static [(&'static str, &'static str)],
    /// What to register at the provider for the redirect.
    redirect: &'static str,
    /// What to register for `post_logout_redirect_uri` (the way back
    /// after signing out in the browser); empty when the provider has no
    /// browser sign-out.
    post_logout: &'static str,
}

impl Preset {
    /// Without `--preset`.
    pub const GENERIC: Preset = Preset {
        name: "generic",
        label: "your OpenID provider",
        template: include_str!("../../assets/init/generic.toml"),
        fill: &[
            (
                "client_id",
                "the client ID of a native/desktop client at your provider",
            ),
            (
                "server_metadata_url",
                "your provider's issuer followed by /.well-known/openid-configuration",
            ),
            ("label", "the provider's name, as the picker shows it"),
        ],
        redirect: "register `http://127.0.0.1/callback` as a redirect URI, with any port if the \
                   provider allows it; otherwise write a port in `redirect_uri` and register \
                   exactly that",
        post_logout: POST_LOGOUT_GENERIC,
    };

    /// The presets `--preset` accepts.
    const ALL: [Preset; 6] = [
        Preset {
            name: "google",
            label: "Google",
            template: include_str!("../../assets/init/google.toml"),
            fill: &[
                (
                    "client_id",
                    "the OAuth client ID of a \"Desktop app\" client (Google Cloud console > \
                     APIs & Services > Credentials)",
                ),
                ("client_secret", "that client's secret"),
            ],
            redirect: "nothing to register: Desktop clients accept a loopback redirect on any port",
            post_logout: "",
        },
        Preset {
            name: "entra",
            label: "Microsoft Entra ID",
            template: include_str!("../../assets/init/entra.toml"),
            fill: &[
                (
                    "client_id",
                    "the Application (client) ID of your app registration",
                ),
                (
                    "server_metadata_url",
                    "your Directory (tenant) ID in place of YOUR_TENANT_ID",
                ),
            ],
            redirect: "register `http://localhost/callback` under Authentication > Mobile and \
                       desktop applications (Entra ignores the port of a localhost URI), and \
                       turn on \"Allow public client flows\"",
            post_logout: "register `http://localhost:8401/signed-out` as a redirect URI too and \
                          set `post_logout_redirect_uri` to it (Entra sends the browser back only \
                          to a registered redirect URI)",
        },
        Preset {
            name: "okta",
            label: "Okta",
            template: include_str!("../../assets/init/okta.toml"),
            fill: &[
                (
                    "client_id",
                    "the Client ID of a Native Application integration",
                ),
                (
                    "server_metadata_url",
                    "your Okta domain in place of YOUR-ORG.okta.com",
                ),
            ],
            redirect: "add `http://127.0.0.1:8400/callback` to the app's Sign-in redirect URIs \
                       (Okta matches the port too)",
            post_logout: "add `http://127.0.0.1:8401/signed-out` to the app's Sign-out redirect \
                          URIs and set `post_logout_redirect_uri` to it",
        },
        Preset {
            name: "auth0",
            label: "Auth0",
            template: include_str!("../../assets/init/auth0.toml"),
            fill: &[
                ("client_id", "the Client ID of a Native application"),
                (
                    "server_metadata_url",
                    "your tenant's Domain in place of YOUR-TENANT.us.auth0.com",
                ),
            ],
            redirect: "add `http://127.0.0.1:8400/callback` to the application's Allowed \
                       Callback URLs (exactly, port included)",
            post_logout: "add `http://127.0.0.1:8401/signed-out` to the application's Allowed \
                          Logout URLs and set `post_logout_redirect_uri` to it",
        },
        Preset {
            name: "keycloak",
            label: "Keycloak",
            template: include_str!("../../assets/init/keycloak.toml"),
            fill: &[
                (
                    "client_id",
                    "the Client ID of a public OpenID Connect client",
                ),
                (
                    "server_metadata_url",
                    "your Keycloak host and realm in place of YOUR-KEYCLOAK-HOST and YOUR_REALM",
                ),
            ],
            redirect: "add `http://127.0.0.1:8400/callback` to the client's Valid redirect URIs",
            post_logout: "add `http://127.0.0.1:8401/signed-out` to the client's Valid post \
                          logout redirect URIs and set `post_logout_redirect_uri` to it",
        },
        Preset {
            name: "propelauth",
            label: "PropelAuth",
            template: include_str!("../../assets/init/propelauth.toml"),
            fill: &[
                ("client_id", "the OAuth2 client's ID"),
                (
                    "client_secret",
                    "its secret (or remove it and set client_secret_env)",
                ),
                (
                    "server_metadata_url",
                    "your Auth URL (Backend Integration) in place of YOUR-AUTH-URL.propelauthtest.com",
                ),
                ("account_url", "the same Auth URL, followed by /account"),
            ],
            redirect: "give the OAuth2 client the redirect URI `http://localhost:8400/callback` \
                       (exactly, port included)",
            post_logout: POST_LOGOUT_GENERIC,
        },
    ];

    /// The names `--preset` accepts.
    pub const NAMES: [&'static str; 6] =
        ["google", "entra", "okta", "auth0", "keycloak", "propelauth"];

    pub fn parse(name: &str) -> Option<Preset> {
        Self::ALL.into_iter().find(|p| p.name == name)
    }
}

/// Write `preset`'s template to `path` (creating its folder), unless a file
/// is there already; then say what to fill in on `out`.
pub fn init(path: &Path, preset: Preset, out: &mut dyn Write) -> Result<Outcome, CliError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(|e| {
            CliError::Usage(format!("cannot create the folder {}: {e}", dir.display()))
        })?;
    }
    let mut options = fs::OpenOptions::new();
    // `create_new`: never over an existing file, even one made a moment ago.
    options.write(true).create_new(true);
    // The config may come to hold a client secret.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = match options.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(CliError::Usage(format!(
                "{} already exists; authdash init never overwrites a config. Edit that file \
                 (`authdash doctor` checks it), move it away first, or write elsewhere with \
                 `authdash --config NEW-PATH init`",
                path.display()
            )));
        }
        Err(e) => {
            return Err(CliError::Usage(format!(
                "cannot create {}: {e}",
                path.display()
            )));
        }
    };
    file.write_all(preset.template.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| CliError::Usage(format!("cannot write {}: {e}", path.display())))?;

    writeln!(
        out,
        "Wrote {} (a config for {}).",
        path.display(),
        preset.label
    )?;
    writeln!(out, "\nFill in (replace the YOUR_... values):")?;
    let width = preset.fill.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (key, what) in preset.fill {
        writeln!(out, "  {key:width$}  {what}")?;
    }
    writeln!(out, "\nRedirect URI: {}.", preset.redirect)?;
    if preset.post_logout.is_empty() {
        writeln!(
            out,
            "\nSigning out in the browser: {} offers none (no end_session_endpoint).",
            preset.label
        )?;
    } else {
        writeln!(
            out,
            "\nSigning out in the browser (optional): {}. Without it, `authdash logout \
             --browser` sends the browser to sign out and does not wait for it to come back.",
            preset.post_logout
        )?;
    }
    writeln!(
        out,
        "\nThen check it against the provider with `authdash doctor`, and log in with \
         `authdash login`."
    )?;
    if path.file_name().is_some_and(|n| n != "authdash.toml") {
        writeln!(
            out,
            "(authdash finds this file with `--config {}` or $AUTHDASH_CONFIG.)",
            path.display()
        )?;
    }
    Ok(Outcome::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn every() -> Vec<Preset> {
        std::iter::once(Preset::GENERIC)
            .chain(Preset::ALL)
            .collect()
    }

    #[test]
    fn every_template_parses_as_written() {
        for preset in every() {
            let path = Path::new("init.toml");
            let config = Config::parse(path, preset.template, &|_| None)
                .unwrap_or_else(|e| panic!("{}: {e}", preset.name));
            assert_eq!(config.providers.len(), 1, "{}", preset.name);
        }
    }

    #[test]
    fn init_says_how_to_come_back_after_signing_out_in_the_browser() {
        let dir = tempfile::tempdir().unwrap();
        for preset in every() {
            let mut out = Vec::new();
            let path = dir.path().join(format!("{}.toml", preset.name));
            init(&path, preset, &mut out).unwrap();
            let text = String::from_utf8(out).unwrap();
            if preset.name == "google" {
                assert!(text.contains("Google offers none"), "{text}");
            } else {
                assert!(
                    text.contains("set `post_logout_redirect_uri`")
                        && text.contains("/signed-out`"),
                    "{}: {text}",
                    preset.name
                );
            }
        }
    }

    #[test]
    fn names_match_presets() {
        let names: Vec<&str> = Preset::ALL.iter().map(|p| p.name).collect();
        assert_eq!(names, Preset::NAMES);
        assert_eq!(Preset::parse("okta").map(|p| p.label), Some("Okta"));
        assert!(Preset::parse("generic").is_none());
    }

    #[test]
    fn every_key_to_fill_is_in_its_template() {
        for preset in every() {
            for (key, _) in preset.fill {
                assert!(
                    preset.template.contains(&format!("\n{key} = ")),
                    "{}: {key}",
                    preset.name
                );
            }
            assert!(preset.template.contains("YOUR"), "{}", preset.name);
        }
    }
}
