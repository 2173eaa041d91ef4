//! The command line: what `authdash` accepts (clap derive), apart from
//! what `main.rs` does with it.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use authdash::cli;

/// A terminal dashboard that logs you in with OpenID Connect and shows who
/// you are, your organizations, and the panels your role unlocks.
#[derive(Parser)]
#[command(version, about, long_about = None, after_help = cli::exit::HELP)]
pub(crate) struct Cli {
    /// The config file (a Streamlit secrets.toml works as is).
    #[arg(long, global = true, env = "AUTHDASH_CONFIG", value_name = "PATH")]
    pub(crate) config: Option<PathBuf>,
    /// How much to write to the log file: error, warn, info, debug, trace.
    #[arg(long, global = true, env = "AUTHDASH_LOG", default_value = "info")]
    pub(crate) log_level: String,
    /// The account to use for this run only (email, subject, provider/subject or
    /// the number from `authdash switch`); else $AUTHDASH_ACCOUNT, else the active one.
    #[arg(long, global = true, value_name = "ACCOUNT")]
    pub(crate) account: Option<String>,
    /// The org to use for this run only (id or name); else $AUTHDASH_ORG, else the
    /// remembered one.
    #[arg(long, global = true, value_name = "ORG")]
    pub(crate) org: Option<String>,
    /// Never open a browser or start a login: a command that needs one exits 4.
    /// Implied when neither stdin nor stderr is a terminal.
    #[arg(long, global = true, env = "AUTHDASH_NON_INTERACTIVE")]
    pub(crate) non_interactive: bool,
    #[command(subcommand)]
    pub(crate) command: Option<Cmd>,
}

#[derive(Subcommand)]
pub(crate) enum Cmd {
    /// Try everything against a demo provider built into authdash: no account needed.
    Demo,
    /// Log in (in the browser, or with a code on another device) without the dashboard.
    Login {
        /// The provider's name in the config (`default` or the NAME of `[auth.NAME]`).
        #[arg(long)]
        provider: Option<String>,
        /// Log in as another person: ask the provider for a fresh login.
        #[arg(long)]
        add_account: bool,
        /// Log in in a browser on this machine.
        #[arg(long, conflicts_with = "device")]
        browser: bool,
        /// Log in with a code entered on another device (no browser here, SSH).
        #[arg(long, conflicts_with = "paste")]
        device: bool,
        /// Open the URL in a browser anywhere, then paste back the address it ends at
        /// (no browser here and no device login; prints the `ssh -L` forward too).
        #[arg(long, conflicts_with = "browser")]
        paste: bool,
    },
    /// Revoke the active account's tokens at the provider and delete them here;
    /// with nothing to log out, says so and exits 0.
    Logout {
        /// Every account of this config's providers, not just the active one (others stay).
        #[arg(long)]
        all: bool,
        /// Also end the provider's session in the browser.
        #[arg(long)]
        browser: bool,
        /// End every session of the user on every device (PropelAuth's backend API;
        /// needs logout_everywhere_api_key_env in the provider's config).
        #[arg(long)]
        everywhere: bool,
    },
    /// Who is logged in where, and which account and org this run uses (and why),
    /// times in local time; exits 4 when that account is not usable.
    Status {
        /// Machine-readable output (times in RFC 3339, UTC, to the second).
        #[arg(long, conflicts_with = "prompt")]
        json: bool,
        /// One short line for a shell prompt, from the store alone (no network, no
        /// lock wait).
        #[arg(long)]
        prompt: bool,
    },
    /// Print the access token (renewed first if needed), and nothing else; exits 4
    /// when a login is needed.
    Token {
        /// raw, header (`Authorization: Bearer …`), json, env (lines to `eval`), or
        /// exec-credential (kubectl's exec credential plugin).
        #[arg(long, value_enum, default_value_t)]
        format: cli::TokenFormat,
        /// Renew first when less than this remains (90s, 5m, 1h); at most half the
        /// token's lifetime, so a token is never renewed on every call (a value the
        /// provider cannot meet is said on stderr). With --resource, it applies to that API's token.
        #[arg(long, value_name = "DURATION", value_parser = cli::parse_duration)]
        min_ttl: Option<std::time::Duration>,
        /// A token for this API (a `resource` the config names for a panel, or
        /// in the provider's `resources`) instead of the login's.
        #[arg(long, value_name = "ID")]
        resource: Option<String>,
    },
    /// Run CMD with a fresh access token (and the org's id) in its environment
    /// ($AUTHDASH_ACCESS_TOKEN, $AUTHDASH_ORG_ID unless the config renames them);
    /// exits with CMD's status.
    Exec {
        /// Renew first when less than this remains (90s, 5m, 1h), or less than half
        /// the token's lifetime when that is shorter (as `token --min-ttl`); with
        /// --resource, it applies to that API's token.
        #[arg(long, value_name = "DURATION", value_parser = cli::parse_duration)]
        min_ttl: Option<std::time::Duration>,
        /// The token of this configured API (as `token --resource`) instead of the
        /// login's.
        #[arg(long, value_name = "ID")]
        resource: Option<String>,
        /// The command and its arguments (after `--`).
        #[arg(
            required = true,
            trailing_var_arg = true,
            allow_hyphen_values = true,
            value_name = "CMD"
        )]
        command: Vec<std::ffi::OsString>,
    },
    /// List the accounts by email, or make one active (by email, subject,
    /// provider/subject or the number in the list); exits 4 when there is none.
    Switch { account: Option<String> },
    /// Print shell completions.
    Completions { shell: clap_complete::Shell },
    /// Print the reference config, every key commented, to start your own.
    ExampleConfig,
    /// Write a commented config to the config path (never over an existing
    /// file) and say what to fill in.
    Init {
        /// Start from a provider's template instead of the generic one.
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(cli::Preset::NAMES))]
        preset: Option<String>,
    },
    /// Trust a config found in the current folder (.streamlit/secrets.toml): shows all it
    /// would do and asks; authdash reads such a file only once trusted, and again after
    /// each change (to it or to a ca_file it names).
    Trust {
        /// The file (default: the config authdash would pick here).
        #[arg(conflicts_with = "list")]
        path: Option<PathBuf>,
        /// Trust without asking (for scripts; read what it prints first).
        #[arg(long, conflicts_with = "list")]
        yes: bool,
        /// Let its command panels run the programs it names, with your access token.
        #[arg(long, conflicts_with = "list")]
        allow_commands: bool,
        /// List the trusted configs, and which would ask again.
        #[arg(long)]
        list: bool,
    },
    /// Forget that a config was trusted: authdash asks again before reading it.
    Untrust {
        /// The file, as given to `authdash trust`.
        path: PathBuf,
    },
    /// Check the config, its providers and the token store; exits 1 on any failure.
    Doctor {
        /// Check only this provider (`default` or the NAME of `[auth.NAME]`).
        #[arg(long)]
        provider: Option<String>,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
        /// With a logged-in session, check that each configured API (a panel's
        /// `resource`, a provider's `resources`) gets a token of its audience.
        #[arg(long)]
        tokens: bool,
    },
}
