//! Attacks on command panels (issue 17, part 3) by a reader who did not
//! write them: a program whose error output is cut in the middle of the
//! token, one that fills stderr while authdash waits on stdout, a
//! placeholder that would choose the program itself, organization names
//! with NUL bytes, and `token_env` naming what the C library loads.

use std::path::Path;
use std::time::{Duration, Instant};

use authdash::config::Config;
use authdash::panels::{CommandSource, PanelSpec, SourceError, TemplateVars};
use authdash::session::ProgramRun;

/// An access token as long as real ones, every 16 characters of it
/// distinct.
fn token() -> String {
    let mut t = String::from("eyJhbGciOiJSUzI1NiJ9.");
    for i in 0..40 {
        t.push_str(&format!("{i:03}QmFzZTY0{}", (b'a' + i as u8 % 26) as char));
    }
    t
}

/// Whether `text` holds any 12 characters of `secret` in a row.
fn holds_part_of(text: &str, secret: &str) -> Option<String> {
    let bytes = secret.as_bytes();
    bytes
        .windows(12)
        .map(|w| String::from_utf8_lossy(w).into_owned())
        .find(|w| text.contains(w.as_str()))
}

fn sh(script: &str) -> CommandSource {
    CommandSource {
        argv: vec!["/bin/sh".into(), "-c".into(), script.into()],
        token_env: "PANEL_TOKEN".into(),
        timeout: Duration::from_secs(20),
        output_cap: 64 * 1024,
    }
}

async fn run(command: &CommandSource, token: &str) -> Result<serde_json::Value, SourceError> {
    let environment: Vec<_> = std::env::vars_os().filter(|(k, _)| k == "PATH").collect();
    let run = ProgramRun {
        argv: &command.argv,
        program: None,
        dir: None,
        environment: &environment,
        access_token: token,
        refresh_token: Some("the-refresh-token-never-given"),
    };
    tokio::time::timeout(
        Duration::from_secs(60),
        authdash::session::run_command(command, run),
    )
    .await
    .expect("the program's run is bounded")
}

/// Stderr kept only in part: a program closes stdout, writes most of 64
/// KiB of noise without a newline, then the token, and fails. The last
/// line of what authdash kept ended in the middle of the token, so the
/// redaction (which looks for the whole token) let its first part into
/// the panel's error.
#[tokio::test]
async fn attack_the_token_cut_at_the_end_of_the_kept_stderr_is_not_shown_in_part() {
    let token = token();
    for pad in [65_536 - 100, 65_536 - 13, 70_000, 200_000] {
        let script = format!(
            "exec >&-; head -c {pad} /dev/zero | tr '\\0' x >&2; printf %s \"$PANEL_TOKEN\" >&2; \
             printf 'tail of the message\\n' >&2; exit 1"
        );
        let error = run(&sh(&script), &token)
            .await
            .expect_err("the program failed")
            .to_string();
        assert!(
            error.contains("exited with status 1"),
            "{pad}: {error:.200}"
        );
        if let Some(part) = holds_part_of(&error, &token) {
            panic!("{pad}: the panel shows part of the token ({part}): {error:.300}");
        }
    }
}

/// A program that writes more than a pipe holds to stderr before it
/// closes stdout: authdash read stdout first, the program waited for
/// stderr to be read, and the panel said "ran longer than 20 s" instead
/// of why it failed. Both are read at once.
#[tokio::test]
async fn a_program_filling_stderr_says_why_it_failed_not_that_it_ran_over() {
    let script = "head -c 300000 /dev/zero | tr '\\0' '\\n' >&2; \
                  echo 'the report service is down' >&2; exit 3";
    let started = Instant::now();
    let error = run(&sh(script), &token())
        .await
        .expect_err("failed")
        .to_string();
    assert!(
        error.contains("exited with status 3: the report service is down"),
        "{error}"
    );
    assert!(started.elapsed() < Duration::from_secs(15), "{error}");
}

fn config(argv: &str) -> Result<Config, String> {
    Config::parse(
        Path::new("/etc/authdash/a.toml"),
        &format!(
            "[auth]\nclient_id = \"c\"\n\
             server_metadata_url = \"https://id.example/.well-known/openid-configuration\"\n\
             [[authdash.panels]]\nid = \"p\"\ntitle = \"P\"\n\
             source = {{ type = \"command\", argv = {argv} }}\n"
        ),
        &|_| None,
    )
    .map_err(|e| e.to_string())
}

fn vars(org_name: &str) -> TemplateVars<'_> {
    TemplateVars {
        org_id: "org-1",
        org_name,
        user_id: "user-1",
    }
}

/// A placeholder in the program's own path (`/opt/reports/{org_name}`):
/// the organization's name, which the provider (or whoever may name an
/// organization there) chooses, picked the program that runs with the
/// token — `../../bin/sh` made it a shell. Refused in the config, and
/// before any run for a panel built another way.
#[test]
fn attack_a_placeholder_in_the_program_path_cannot_choose_the_program() {
    for argv in [
        r#"["/opt/reports/{org_name}"]"#,
        r#"["/opt/{org_id}/report", "--json"]"#,
        r#"["{user_id}"]"#,
    ] {
        let error = config(argv).expect_err(argv);
        assert!(error.contains("argv[0]"), "{argv}: {error}");
        assert!(error.contains("which program runs"), "{argv}: {error}");
    }
    let panel = PanelSpec {
        id: "p".into(),
        title: "P".into(),
        description: None,
        requires: Default::default(),
        data_url: None,
        command: Some(CommandSource {
            argv: vec!["/opt/reports/{org_name}".into()],
            ..sh("")
        }),
        select: None,
        view: Default::default(),
        refresh: None,
    };
    let refused = panel.argv_for(vars("../../bin/sh")).expect("a command");
    assert!(
        matches!(
            refused,
            Err(authdash::panels::TemplateError::InProgram { .. })
        ),
        "{refused:?}"
    );
    // As an argument of its own it is only a value.
    let panel = config(r#"["/opt/reports/run", "{org_name}", "x{org_name}"]"#)
        .expect("a placeholder as an argument")
        .panels
        .remove(0);
    let argv = panel
        .argv_for(vars("../../bin/sh"))
        .expect("a command")
        .expect("filled");
    assert_eq!(argv, ["/opt/reports/run", "../../bin/sh", "x../../bin/sh"]);
}

/// Organization names that are not options to getopt (a Unicode minus or
/// dash, a leading space) pass as they are; a NUL byte cannot reach a
/// program's argv and fails the run with a reason that holds no token;
/// `-` alone is refused.
#[tokio::test]
async fn org_names_with_look_alike_dashes_or_nul_bytes_are_only_text() {
    let panel = config(r#"["/bin/echo", "{org_name}"]"#)
        .expect("config")
        .panels
        .remove(0);
    for name in ["\u{2212}\u{2212}output=/x", "\u{2010}rf", " --x", "a\nb"] {
        let argv = panel.argv_for(vars(name)).expect("a command");
        assert_eq!(argv.expect(name)[1], name);
    }
    assert!(panel.argv_for(vars("-")).expect("a command").is_err());
    let token = token();
    let argv = panel
        .argv_for(vars("Acme\0--output=/x"))
        .expect("a command")
        .expect("filled");
    let command = CommandSource {
        argv: argv.clone(),
        ..sh("")
    };
    let environment = Vec::new();
    let run = ProgramRun {
        argv: &argv,
        program: None,
        dir: None,
        environment: &environment,
        access_token: &token,
        refresh_token: None,
    };
    let error = authdash::session::run_command(&command, run)
        .await
        .expect_err("no argv holds a NUL byte")
        .to_string();
    assert!(holds_part_of(&error, &token).is_none(), "{error}");
}

/// `token_env` naming what the C library reads to load code or data
/// (iconv modules, locales, message catalogues, tunables) or what bash
/// reads for its options: the token, whose bytes the provider chooses,
/// must not go there any more than into `LD_PRELOAD`.
#[test]
fn attack_token_env_naming_what_the_c_library_loads_is_refused() {
    for name in [
        "GCONV_PATH",
        "LOCPATH",
        "NLSPATH",
        "GLIBC_TUNABLES",
        "SHELLOPTS",
        "BASHOPTS",
    ] {
        let argv = format!(r#"["/bin/true"], token_env = "{name}""#);
        let error = config(&argv).expect_err(name);
        assert!(error.contains("source.token_env"), "{name}: {error}");
    }
}
