//! One OpenID provider: `[auth]` itself (the provider named `default`) or
//! an `[auth.NAME]` table.

use secrecy::SecretString;
use std::path::PathBuf;
use url::Url;

use super::apis::{ApiRef, ResourceStyle};
use super::error::{Checked, Problem, nearest};
use super::redirect::{RedirectHost, RedirectUri};
use super::section::{Section, absolute_url, join, wrong_type};
use crate::identity::OrgClaims;

/// The name of the provider whose keys sit directly in `[auth]`.
pub(crate) const DEFAULT_PROVIDER: &str = "default";

/// The keys of a provider table (`[auth]` accepts them too, for `default`).
pub(crate) const PROVIDER_KEYS: &[&str] = &[
    "label",
    "client_id",
    "client_secret",
    "client_secret_env",
    "server_metadata_url",
    "redirect_uri",
    "post_logout_redirect_uri",
    "account_url",
    "org_claims",
    "claims",
    "client_kwargs",
    "flow",
    "logout_everywhere_api_key_env",
    "allow_hs256",
    "ca_file",
    "resources",
    "resource_style",
];

const DISCOVERY_SUFFIX: &str = "/.well-known/openid-configuration";
const DEFAULT_SCOPES: [&str; 3] = ["openid", "profile", "email"];

/// Authorize parameters authdash computes itself.
const RESERVED_PARAMS: &[&str] = &[
    "response_type",
    "client_id",
    "redirect_uri",
    "state",
    "nonce",
    "code_challenge",
    "response_mode",
];

/// Well-known extra authorize parameters, never mistaken for a typo.
const KNOWN_EXTRA_PARAMS: &[&str] = &[
    "display",
    "max_age",
    "ui_locales",
    "id_token_hint",
    "login_hint",
    "acr_values",
    "claims",
    "claims_locales",
    "audience",
    "resource",
    "organization",
    "connection",
    "hd",
    "domain_hint",
    "access_type",
    "kc_idp_hint",
    "token_endpoint_auth_method",
];

/// A configured OpenID provider, resolved and checked.
///
/// `Debug` never shows the client secret (it is a [`SecretString`]).
#[derive(Debug, Clone)]
pub struct ProviderConfig {
    /// `default`, or the `[auth.NAME]` name.
    pub name: String,
    /// `label`, else the name.
    pub(crate) label: String,
    pub client_id: String,
    /// Inline or from `client_secret_env`; `None` = a public client (PKCE).
    pub(crate) client_secret: Option<SecretString>,
    pub server_metadata_url: Url,
    pub(crate) redirect: RedirectUri,
    /// `post_logout_redirect_uri`: where the provider sends the browser
    /// after signing out there; a loopback URI with a fixed port,
    /// registered at the provider. `None`: the browser is sent to sign out
    /// and not back.
    pub post_logout_redirect: Option<RedirectUri>,
    /// `client_kwargs.scope` split on whitespace; always holds `openid`.
    pub(crate) scopes: Vec<String>,
    pub prompt: Option<String>,
    /// The other `client_kwargs`, sorted by name.
    pub(crate) extra_authorize_params: Vec<(String, String)>,
    pub(crate) account_url: Option<Url>,
    /// `org_claims` with its `claims` table.
    pub(crate) org_claims: OrgClaims,
    /// `flow`: how to log in; `auto` by default.
    pub(crate) flow: FlowPreference,
    /// `logout_everywhere_api_key_env`: PropelAuth's backend API key, read
    /// from that environment variable, enables "Log out everywhere".
    pub(crate) logout_everywhere: Option<LogoutEverywhere>,
    /// `allow_hs256`: accept ID tokens signed with HMAC (HS256/384/512,
    /// keyed with the client secret). Off by default; a confidential client
    /// only, since a public client's "secret" is no secret.
    pub allow_hs256: bool,
    /// `ca_file`: PEM certificates trusted for this provider besides the
    /// OS store (a corporate TLS-inspecting proxy's CA, a private CA);
    /// relative to the config file's folder. Read when the provider is
    /// first contacted.
    pub(crate) ca_file: Option<PathBuf>,
    /// For a config found in the current folder, the hex SHA-256 of the
    /// `ca_file` it was trusted with (set by `config::trust`): the file
    /// read when the provider is contacted, maybe long after the check,
    /// must still be that one.
    pub(crate) ca_file_sha256: Option<String>,
    /// `resources`: APIs scripts ask tokens for (`token --resource`),
    /// besides those the panels name.
    pub(crate) resources: Vec<ApiRef>,
    /// `resource_style`: how this provider is asked for a token per API.
    pub resource_style: ResourceStyle,
}

/// Where "Log out everywhere" gets its API key. The key itself is never
/// written to the config or stored.
#[derive(Debug, Clone)]
pub struct LogoutEverywhere {
    /// The environment variable named in the config.
    pub(crate) env: String,
    /// Its value, when set (else the feature is unavailable in this shell).
    pub(crate) api_key: Option<SecretString>,
}

/// How a provider's login runs: `flow = "auto" | "browser" | "device"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FlowPreference {
    /// The browser when one can be opened, else the device flow, else the
    /// URL to copy (see `auth::choose_flow`).
    #[default]
    Auto,
    /// Always the browser (authorization code + PKCE on a loopback callback).
    Browser,
    /// Always the device authorization grant (RFC 8628): a code to enter on
    /// another device.
    Device,
}

impl FlowPreference {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "auto" => Some(Self::Auto),
            "browser" => Some(Self::Browser),
            "device" => Some(Self::Device),
            _ => None,
        }
    }
}

impl ProviderConfig {
    /// Build a provider from its table. The caller has checked the keys.
    pub(crate) fn from_section(
        name: &str,
        section: Section<'_>,
        inherited_redirect: &RedirectUri,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Checked<Self> {
        let client_id = section
            .required_str(
                "client_id",
                "add the client ID the provider issued for this app, e.g. `client_id = \"...\"`",
            )?
            .to_owned();
        let client_secret = client_secret(section, env)?;
        let raw_metadata = section.required_str(
            "server_metadata_url",
            "add the provider's discovery URL, e.g. `server_metadata_url = \
             \"https://accounts.google.com/.well-known/openid-configuration\"`",
        )?;
        let server_metadata_url =
            metadata_url(&section.child("server_metadata_url"), raw_metadata)?;
        let redirect = match section.nonempty_str("redirect_uri")? {
            Some(raw) => RedirectUri::parse(&section.child("redirect_uri"), raw)?,
            None => inherited_redirect.clone(),
        };
        let post_logout_redirect = section
            .nonempty_str("post_logout_redirect_uri")?
            .map(|raw| {
                RedirectUri::parse_post_logout(&section.child("post_logout_redirect_uri"), raw)
            })
            .transpose()?;
        let kwargs = client_kwargs(section)?;
        let account_url = section
            .nonempty_str("account_url")?
            .map(|raw| account_url(&section.child("account_url"), raw))
            .transpose()?;
        let org_claims = super::claims::org_claims(section, &client_id)?;
        let flow = match section.str("flow")? {
            None => FlowPreference::default(),
            Some(raw) => FlowPreference::parse(raw).ok_or_else(|| {
                Problem::new(
                    &section.child("flow"),
                    format!("`{raw}` is not a login flow"),
                    "use \"auto\" (the browser when one can be opened, else a code to enter on \
                     another device), \"browser\" or \"device\"",
                )
            })?,
        };
        let logout_everywhere = match section.nonempty_str("logout_everywhere_api_key_env")? {
            None => None,
            Some(var) if org_claims.name() != "propelauth" => {
                return Err(Problem::new(
                    &section.child("logout_everywhere_api_key_env"),
                    format!(
                        "logging out everywhere uses PropelAuth's backend API, but this provider's \
                         org_claims is `{}`",
                        org_claims.name()
                    ),
                    format!(
                        "remove logout_everywhere_api_key_env = \"{var}\", or set org_claims = \"propelauth\""
                    ),
                ));
            }
            Some(var) => Some(LogoutEverywhere {
                env: var.to_owned(),
                api_key: env(var).filter(|v| !v.is_empty()).map(SecretString::from),
            }),
        };
        let allow_hs256 = allow_hs256(section, client_secret.is_some())?;
        let label = section.nonempty_str("label")?.unwrap_or(name).to_owned();
        let ca_file = section.nonempty_str("ca_file")?.map(PathBuf::from);
        let resources = super::apis::provider_resources(&section)?;
        let resource_style = super::apis::resource_style(&section)?;
        Ok(Self {
            name: name.to_owned(),
            label,
            client_id,
            client_secret,
            server_metadata_url,
            redirect,
            post_logout_redirect,
            scopes: kwargs.scopes,
            prompt: kwargs.prompt,
            extra_authorize_params: kwargs.extra,
            account_url,
            org_claims,
            flow,
            logout_everywhere,
            allow_hs256,
            ca_file,
            ca_file_sha256: None,
            resources,
            resource_style,
        })
    }
}

/// `allow_hs256 = true` only beside a client secret: the HMAC key of an
/// HS256 ID token is the client secret, which a public client has not.
fn allow_hs256(section: Section<'_>, has_secret: bool) -> Checked<bool> {
    let allow = match section.get("allow_hs256") {
        None => false,
        Some(toml::Value::Boolean(b)) => *b,
        Some(other) => {
            return Err(wrong_type(
                &section.child("allow_hs256"),
                "true or false",
                other,
            ));
        }
    };
    if allow && !has_secret {
        return Err(Problem::new(
            &section.child("allow_hs256"),
            "is set for a public client (no client_secret)",
            "remove allow_hs256: HS256 ID tokens are keyed with the client secret, so only a \
             confidential client (client_secret or client_secret_env) may accept them",
        ));
    }
    Ok(allow)
}

fn client_secret(
    section: Section<'_>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Checked<Option<SecretString>> {
    let inline = section.str("client_secret")?;
    let var = section.nonempty_str("client_secret_env")?;
    match (inline, var) {
        (Some(_), Some(_)) => Err(Problem::new(
            &section.child("client_secret_env"),
            "both `client_secret` and `client_secret_env` are set",
            "keep one: the secret itself, or the name of the environment variable that holds it",
        )),
        (Some(""), None) => Err(Problem::new(
            &section.child("client_secret"),
            "is empty",
            "remove the key for a public client (PKCE only), or set the secret",
        )),
        (Some(s), None) => Ok(Some(SecretString::from(s))),
        (None, Some(var)) => match env(var) {
            Some(value) if !value.is_empty() => Ok(Some(SecretString::from(value))),
            found => {
                let state = if found.is_some() { "empty" } else { "not set" };
                Err(Problem::new(
                    &section.child("client_secret_env"),
                    format!("the environment variable `{var}` is {state}"),
                    format!(
                        "set `{var}` to the client secret before starting authdash, or remove \
                         `client_secret_env` for a public client (PKCE only)"
                    ),
                ))
            }
        },
        (None, None) => Ok(None),
    }
}

/// The discovery URL: absolute, https unless on this machine, ending in
/// the discovery suffix.
fn metadata_url(key: &str, raw: &str) -> Checked<Url> {
    let example = "https://accounts.google.com/.well-known/openid-configuration";
    let url = absolute_url(
        key,
        raw,
        &format!("give the provider's discovery URL, e.g. `{example}`"),
    )?;
    let loopback = RedirectHost::of(&url).is_some();
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        scheme => {
            return Err(Problem::new(
                key,
                format!(
                    "uses `{scheme}:` toward `{}`",
                    url.host_str().unwrap_or("(no host)")
                ),
                "use https (plain http is accepted only for a provider on this machine: \
                 127.0.0.1, [::1] or localhost)",
            ));
        }
    }
    if !url.path().ends_with(DISCOVERY_SUFFIX) {
        return Err(Problem::new(
            key,
            format!(
                "the path `{}` does not end in `{DISCOVERY_SUFFIX}`",
                url.path()
            ),
            format!(
                "give the discovery document's URL: the issuer followed by `{DISCOVERY_SUFFIX}`, \
                 e.g. `{example}`"
            ),
        ));
    }
    Ok(url)
}

fn account_url(key: &str, raw: &str) -> Checked<Url> {
    let fix = "give the full https URL of the provider's account page, or remove the key";
    let url = absolute_url(key, raw, fix)?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(Problem::new(
            key,
            format!("uses `{}:`; a browser page is http(s)", url.scheme()),
            fix,
        ));
    }
    Ok(url)
}

struct Kwargs {
    scopes: Vec<String>,
    prompt: Option<String>,
    extra: Vec<(String, String)>,
}

/// `client_kwargs`: `scope`, `prompt` and extra authorize parameters,
/// all strings (as Streamlit hands them to Authlib).
fn client_kwargs(section: Section<'_>) -> Checked<Kwargs> {
    let mut out = Kwargs {
        scopes: DEFAULT_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
        prompt: None,
        extra: Vec::new(),
    };
    let Some(table) = section.table("client_kwargs")? else {
        return Ok(out);
    };
    let base = section.child("client_kwargs");
    for (name, value) in table {
        let key = join(&base, name);
        let toml::Value::String(value) = value else {
            return Err(wrong_type(&key, "a string", value));
        };
        match name.as_str() {
            "scope" => {
                let scopes: Vec<String> = value.split_whitespace().map(str::to_owned).collect();
                if !scopes.iter().any(|s| s == "openid") {
                    let fixed = std::iter::once("openid")
                        .chain(scopes.iter().map(String::as_str))
                        .collect::<Vec<_>>()
                        .join(" ");
                    return Err(Problem::new(
                        &key,
                        "does not include `openid`; without it there is no ID token",
                        format!("add it: `scope = \"{fixed}\"`"),
                    ));
                }
                out.scopes = scopes;
            }
            "prompt" => out.prompt = Some(value.clone()),
            "code_challenge_method" if value == "S256" => {}
            "code_challenge_method" => {
                return Err(Problem::new(
                    &key,
                    format!("`{value}` is not supported"),
                    "remove it: authdash always uses PKCE with S256",
                ));
            }
            reserved if RESERVED_PARAMS.contains(&reserved) => {
                return Err(Problem::new(
                    &key,
                    "is a parameter authdash sets itself",
                    format!("remove `{reserved}` from client_kwargs"),
                ));
            }
            other => {
                if !KNOWN_EXTRA_PARAMS.contains(&other)
                    && let Some(near) = nearest(other, &["scope", "prompt"])
                {
                    return Err(Problem::new(
                        &key,
                        "unknown key",
                        format!(
                            "did you mean `{near}`? (any other key is sent as an extra \
                             authorize parameter; rename it if that was meant)"
                        ),
                    ));
                }
                out.extra.push((other.to_owned(), value.clone()));
            }
        }
    }
    Ok(out)
}
