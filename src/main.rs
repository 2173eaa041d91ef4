//! The `authdash` command: parses arguments, resolves paths from the
//! environment, and calls into the library.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use clap::Parser;
use directories::ProjectDirs;

use authdash::auth::{DiscoveryCache, FlowEnvironment, FlowPreference, Os};
use authdash::cli::{self, LogoutScope};
use authdash::config::Config;
use authdash::config::trust::{self, ConfigOrigin, LoadError};
use authdash::demo::{DemoProvider, DemoSettings};
use authdash::session::{SessionService, SessionSetup, StoreInspector};
use authdash::store::{
    Accounts, FileStore, KEY_FILE_NAME, KeySource, OsKeyring, TokenStore, choose_key_source,
};
use authdash::tui::{self, Services};

mod args;
mod config_file;
mod process;

use args::{Cli, Cmd};
use config_file::{find_config, load_config, no_config_message};
use process::{init_logging, log_path, one_malloc_arena};

const EXAMPLE_CONFIG: &str = include_str!("../assets/examples/authdash.toml");

/// Said by `--help`: what the exit codes mean.
/// Exit code for a missing or invalid config (as for bad usage).
const EXIT_CONFIG: u8 = cli::exit::USAGE;
/// As Rust's own exit status after a panic, which `--help` documents.
const EXIT_PANIC: u8 = 101;

/// The benchmark hook's variable: see [`tui::report_first_frame`].
const REPORT_FIRST_FRAME_ENV: &str = "AUTHDASH_REPORT_FIRST_FRAME";

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    one_malloc_arena();
    // clap exits 2 on bad usage, 0 for --help and --version: as documented.
    let cli = Cli::parse();
    let Some(dirs) = ProjectDirs::from("", "", "authdash") else {
        eprintln!("authdash: cannot find your home folder to keep its files in; set HOME");
        return ExitCode::FAILURE;
    };
    // The TUI logs through a writer thread (its UI thread never waits on
    // the disk); a command that ends in milliseconds writes directly, with
    // no thread to start and join.
    let tui = matches!(cli.command, None | Some(Cmd::Demo));
    let log = log_path(&dirs);
    let _log = init_logging(&log, &cli.log_level, tui);
    tui::terminal::set_log_file(log);
    if let Some(path) = std::env::var_os(REPORT_FIRST_FRAME_ENV) {
        tui::report_first_frame(path.into(), started);
    }
    // A test-only trigger, absent from release builds: the pty tests show
    // that a crash gives the terminal back.
    if cfg!(debug_assertions) && std::env::var_os("AUTHDASH_TEST_PANIC").is_some() {
        tui::arm_test_panic();
    }
    match &cli.command {
        Some(Cmd::ExampleConfig) => {
            print!("{EXAMPLE_CONFIG}");
            return ExitCode::SUCCESS;
        }
        Some(Cmd::Init { preset }) => return init(&cli, &dirs, preset.as_deref()),
        Some(Cmd::Trust {
            path,
            yes,
            allow_commands,
            list,
        }) => {
            let options = TrustOptions {
                yes: *yes,
                allow_commands: *allow_commands,
                list: *list,
            };
            return trust_config(&cli, &dirs, path.as_deref(), options);
        }
        Some(Cmd::Untrust { path }) => {
            let result = cli::untrust(
                dirs.data_dir(),
                path,
                &mut std::io::stdout(),
                &mut std::io::stderr(),
            );
            return cli_exit(result);
        }
        Some(Cmd::Completions { shell }) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(*shell, &mut command, "authdash", &mut std::io::stdout());
            return ExitCode::SUCCESS;
        }
        _ => {}
    }
    // `status` and `switch` only read (and write) files: no worker threads,
    // no I/O, timer or signal driver to set up for them. A shell prompt runs
    // `status` at every line; the drivers cost it some 30 page faults and
    // 0.2 ms (measured with `perf stat`, release build).
    let mut builder = match &cli.command {
        Some(Cmd::Status { .. } | Cmd::Switch { .. }) => {
            tokio::runtime::Builder::new_current_thread()
        }
        _ => {
            let mut b = tokio::runtime::Builder::new_multi_thread();
            b.worker_threads(2).enable_all();
            b
        }
    };
    let runtime = match builder.build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("authdash: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    // A panic has restored the terminal in its hook; what to say about it
    // is said here, at the edge, after it has left the UI.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match &cli.command {
        Some(Cmd::Demo) => runtime.block_on(demo(&dirs)),
        Some(Cmd::Doctor {
            provider,
            json,
            tokens,
        }) => runtime.block_on(doctor(&cli, &dirs, provider.clone(), *json, *tokens)),
        None => runtime.block_on(dashboard(&cli, &dirs)),
        Some(command) => runtime.block_on(subcommand(&cli, command, &dirs)),
    }));
    // Background tasks (a pending login's server, a fetch) end with the app.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    match result {
        Err(_) => {
            if let Some(note) = tui::terminal::take_panic_note() {
                eprintln!("{note}");
            }
            ExitCode::from(EXIT_PANIC)
        }
        Ok(Ok(code)) => code,
        Ok(Err(e)) => {
            tracing::error!("{e:#}");
            eprintln!("authdash: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn subcommand(cli: &Cli, command: &Cmd, dirs: &ProjectDirs) -> anyhow::Result<ExitCode> {
    let config = match load_config(cli, dirs) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let ctx = session_service(config, dirs);
    let mut out = std::io::stdout();
    let mut err = std::io::stderr();
    let selection = cli::Selection::new(cli.account.as_deref(), cli.org.as_deref(), &|n| {
        std::env::var(n).ok()
    });
    let interactive = interactive(cli);
    // What a command that needs a token may do when there is none: log in
    // (interactive runs, the provider's `flow`), or exit 4.
    let login_first = interactive.then(|| cli::LoginRequest {
        provider: None,
        add_account: false,
        flow: None,
        environment: flow_environment(),
        paste: false,
    });
    let outcome = match command {
        Cmd::Login {
            provider,
            add_account,
            browser,
            device,
            paste,
        } if cli.non_interactive => {
            let _ = (provider, add_account, browser, device, paste);
            eprintln!(
                "authdash: --non-interactive: not logging in; {}.",
                cli::HOW_TO_LOG_IN
            );
            Ok(cli::Outcome::NeedsLogin)
        }
        Cmd::Login {
            provider,
            add_account,
            browser,
            device,
            paste,
        } => {
            let request = cli::LoginRequest {
                provider: provider.as_deref(),
                add_account: *add_account,
                flow: match (browser, device) {
                    (true, _) => Some(FlowPreference::Browser),
                    (_, true) => Some(FlowPreference::Device),
                    _ => None,
                },
                environment: flow_environment(),
                paste: *paste,
            };
            cli::login(&ctx, request, &mut err).await
        }
        Cmd::Logout {
            all,
            browser,
            everywhere,
        } => {
            let scope = if *all {
                LogoutScope::All
            } else {
                LogoutScope::Active
            };
            cli::logout(&ctx, scope, *browser, *everywhere, &selection, &mut err).await
        }
        Cmd::Status { json, prompt } => {
            let format = match (json, prompt) {
                (_, true) => cli::StatusFormat::Prompt,
                (true, _) => cli::StatusFormat::Json,
                _ => cli::StatusFormat::Human,
            };
            cli::status(&ctx, format, &selection, &mut out)
        }
        Cmd::Token {
            format,
            min_ttl,
            resource,
        } => {
            let request = cli::TokenRequest {
                format: *format,
                min_ttl: *min_ttl,
                selection: &selection,
                login: login_first,
                resource: resource.as_deref(),
            };
            cli::token(&ctx, request, &mut out, &mut err).await
        }
        Cmd::Exec {
            min_ttl,
            resource,
            command,
        } => {
            let request = cli::ExecRequest {
                command,
                selection: &selection,
                min_ttl: *min_ttl,
                login: login_first,
                resource: resource.as_deref(),
            };
            cli::exec(&ctx, request, &mut err).await
        }
        Cmd::Switch { account } => cli::switch(&ctx, account.as_deref(), &mut out),
        Cmd::Demo
        | Cmd::Completions { .. }
        | Cmd::ExampleConfig
        | Cmd::Init { .. }
        | Cmd::Trust { .. }
        | Cmd::Untrust { .. }
        | Cmd::Doctor { .. } => Ok(cli::Outcome::Ok),
    };
    match outcome {
        Ok(o) => Ok(ExitCode::from(o.code())),
        Err(e) => {
            eprintln!("authdash: {e}");
            Ok(ExitCode::from(e.code()))
        }
    }
}

/// Whether this run may ask a person for anything (open a browser, show a
/// device code): not with `--non-interactive`, nor when neither stdin nor
/// stderr is a terminal (an IDE, cron, CI, a pipe).
fn interactive(cli: &Cli) -> bool {
    use std::io::IsTerminal as _;
    !cli.non_interactive && (std::io::stdin().is_terminal() || std::io::stderr().is_terminal())
}

fn flow_environment() -> FlowEnvironment {
    FlowEnvironment::from_vars(Os::current(), false, &|n| std::env::var(n).ok())
}

/// `authdash init`: to `--config`, else the config dir's authdash.toml.
fn init(cli: &Cli, dirs: &ProjectDirs, preset: Option<&str>) -> ExitCode {
    let path = cli
        .config
        .clone()
        .unwrap_or_else(|| dirs.config_dir().join("authdash.toml"));
    let preset = preset
        .and_then(cli::Preset::parse)
        .unwrap_or(cli::Preset::GENERIC);
    match cli::init(&path, preset, &mut std::io::stdout()) {
        Ok(outcome) => ExitCode::from(outcome.code()),
        Err(e) => {
            eprintln!("authdash: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `authdash trust`'s flags.
#[derive(Clone, Copy)]
struct TrustOptions {
    yes: bool,
    allow_commands: bool,
    list: bool,
}

/// `authdash trust [PATH]`: show what PATH (else the config authdash would
/// pick here) would do, ask, and record it as trusted in the data dir;
/// `--list`: the trusted configs.
fn trust_config(
    cli: &Cli,
    dirs: &ProjectDirs,
    path: Option<&Path>,
    options: TrustOptions,
) -> ExitCode {
    use std::io::IsTerminal as _;
    if options.list {
        return cli_exit(cli::list_trusted(dirs.data_dir(), &mut std::io::stdout()));
    }
    let path = match path {
        Some(p) => p.to_owned(),
        None => match find_config(cli, dirs) {
            Ok((p, ConfigOrigin::CurrentFolder)) => p,
            Ok((p, _)) => {
                println!(
                    "{} is named by you (--config, $AUTHDASH_CONFIG or the config folder): it \
                     needs no trust.",
                    authdash::identity::visible(&p.to_string_lossy())
                );
                return ExitCode::SUCCESS;
            }
            Err((default_path, streamlit)) => {
                eprint!("{}", no_config_message(&default_path, &streamlit));
                return ExitCode::from(EXIT_CONFIG);
            }
        },
    };
    let request = cli::TrustRequest {
        path: &path,
        data_dir: dirs.data_dir(),
        yes: options.yes,
        allow_commands: options.allow_commands,
        terminal: !cli.non_interactive && std::io::stdin().is_terminal(),
    };
    let result = cli::trust(
        request,
        &mut std::io::stdin().lock(),
        &mut std::io::stdout(),
    );
    cli_exit(result)
}

/// The exit code of a command run outside the runtime, its error said.
fn cli_exit(result: Result<cli::Outcome, cli::CliError>) -> ExitCode {
    match result {
        Ok(outcome) => ExitCode::from(outcome.code()),
        Err(e) => {
            eprintln!("authdash: {e}");
            ExitCode::from(e.code())
        }
    }
}

/// `authdash doctor`: a missing or broken config is a line of the report.
async fn doctor(
    cli: &Cli,
    dirs: &ProjectDirs,
    provider: Option<String>,
    json: bool,
    tokens: bool,
) -> anyhow::Result<ExitCode> {
    let env = |name: &str| std::env::var(name).ok();
    let source = match find_config(cli, dirs) {
        Ok((path, origin)) => match trust::load_reviewed(origin, &path, dirs.data_dir(), &env) {
            Ok((config, None)) => cli::ConfigSource::Loaded(Box::new(config)),
            Ok((config, Some(trusted))) => cli::ConfigSource::Trusted {
                config: Box::new(config),
                trusted: Box::new(trusted),
            },
            Err(LoadError::Config(e)) => cli::ConfigSource::Invalid(e),
            // Not even doctor reads an untrusted file or contacts its issuers.
            Err(LoadError::Trust(e)) => {
                eprintln!("authdash: {e}");
                return Ok(ExitCode::from(EXIT_CONFIG));
            }
        },
        Err((default_path, streamlit)) => cli::ConfigSource::Missing {
            looked: vec![default_path, streamlit],
        },
    };
    let store = match &source {
        cli::ConfigSource::Loaded(config) | cli::ConfigSource::Trusted { config, .. } => {
            Some(StoreInspector::new(open_store(config, dirs.data_dir())))
        }
        _ => None,
    };
    let service = match (&source, tokens) {
        (cli::ConfigSource::Loaded(config) | cli::ConfigSource::Trusted { config, .. }, true) => {
            Some(session_service((**config).clone(), dirs))
        }
        _ => None,
    };
    let request = cli::DoctorRequest {
        config: source,
        store,
        data_dir: dirs.data_dir().to_owned(),
        provider,
    };
    let outcome =
        cli::doctor_tokens(request, service.as_ref(), json, &mut std::io::stdout()).await?;
    Ok(ExitCode::from(outcome.code()))
}

async fn dashboard(cli: &Cli, dirs: &ProjectDirs) -> anyhow::Result<ExitCode> {
    if cli.account.is_some() || cli.org.is_some() {
        eprintln!(
            "authdash: --account and --org apply to the subcommands; in the dashboard, switch \
             account and org with its keys"
        );
        return Ok(ExitCode::from(cli::exit::USAGE));
    }
    let config = match load_config(cli, dirs) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    if let Err(e) = tui::check_keys(&config) {
        eprintln!("authdash: {e}");
        return Ok(ExitCode::from(EXIT_CONFIG));
    }
    choose_palette(config.ui.theme);
    tui::run(
        Services {
            session: session_service(config, dirs),
            browser_available: browser_available(),
            demo_sign_in: None,
            over_ssh: over_ssh(),
        },
        false,
    )
    .await
    .context("the terminal")?;
    Ok(ExitCode::SUCCESS)
}

/// The colours: the config's `theme`, `NO_COLOR` and the terminal's
/// background as `COLORFGBG` says it.
fn choose_palette(theme: authdash::config::ThemeChoice) {
    tui::theme::set_palette(tui::theme::choose(
        theme,
        std::env::var("NO_COLOR").ok().as_deref(),
        std::env::var("COLORFGBG").ok().as_deref(),
    ));
}

async fn demo(dirs: &ProjectDirs) -> anyhow::Result<ExitCode> {
    // The demo's charts and invoices end today, not on the day they were
    // written. Its panels call the billing and reports APIs with tokens of
    // their own: those APIs take nothing else.
    let settings = DemoSettings {
        data_today: Some(chrono::Local::now().date_naive()),
        login_token_at_apis: false,
        ..DemoSettings::default()
    };
    let provider = DemoProvider::start(settings)
        .await
        .context("starting the demo provider")?;
    let text = authdash::demo::config_toml_with_apis(provider.issuer_str());
    // The demo's backend key is this run's own, random; nothing is read
    // from the environment for it.
    let demo_env = |name: &str| {
        (name == authdash::demo::DEMO_BACKEND_KEY_ENV)
            .then(|| provider.backend_api_key().to_owned())
    };
    let config = Config::parse(Path::new("<demo config>"), &text, &demo_env)
        .context("the built-in demo config")?;
    choose_palette(config.ui.theme);
    // The demo provider is new each run, so are its sessions; the active
    // org is remembered like anywhere else.
    let data_dir = dirs.data_dir().join("demo");
    // The demo keeps its key beside its store: no keyring prompt for a demo.
    let store = FileStore::new(&data_dir, KeySource::KeyFile(data_dir.join(KEY_FILE_NAME)));
    store
        .update(&mut |a| *a = Accounts::default())
        .context("clearing the demo's old sessions")?;
    let session = SessionService::new(SessionSetup {
        config,
        store_path: store.path(),
        store: Arc::new(store),
        data_dir,
        browser_var: std::env::var("BROWSER").ok(),
        // A new provider on a new port each run: nothing worth keeping.
        discovery_cache: None,
    })
    .with_program_environment(std::env::vars_os());
    tui::run(
        Services {
            session,
            browser_available: browser_available(),
            // The demo's provider is in this process: a demo user can be
            // signed in from the terminal, with no browser anywhere.
            demo_sign_in: Some(provider.terminal_sign_in()),
            over_ssh: over_ssh(),
        },
        true,
    )
    .await
    .context("the terminal")?;
    provider.shutdown().await;
    Ok(ExitCode::SUCCESS)
}

/// Whether a browser can be opened here: `$BROWSER`, a display, not SSH.
fn browser_available() -> bool {
    FlowEnvironment::from_vars(Os::current(), false, &|n| std::env::var(n).ok()).can_open_browser()
}

/// An SSH session: a loopback address here is reached from the person's
/// own computer through `ssh -L`.
fn over_ssh() -> bool {
    FlowEnvironment::from_vars(Os::current(), false, &|n| std::env::var(n).ok()).ssh_session
}

/// The session service over the config, the store and the user's folders.
fn session_service(config: Config, dirs: &ProjectDirs) -> SessionService {
    let store = open_store(&config, dirs.data_dir());
    SessionService::new(SessionSetup {
        config,
        store_path: store.path(),
        store: Arc::new(store),
        data_dir: dirs.data_dir().to_owned(),
        browser_var: std::env::var("BROWSER").ok(),
        discovery_cache: Some(DiscoveryCache::new(dirs.cache_dir())),
    })
    .with_program_environment(std::env::vars_os())
}

/// The store and its key: the config's secret, else what the store was
/// written with, else the OS keyring when one answers, else a key file.
fn open_store(config: &Config, data_dir: &Path) -> FileStore {
    let key = choose_key_source(
        config.store_secret.as_ref(),
        data_dir,
        Arc::new(OsKeyring::default()),
    );
    FileStore::new(data_dir, key).with_http(&config.http)
}
