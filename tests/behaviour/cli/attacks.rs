//! Attacks on the scripts/headless features: `exec`'s variable names,
//! `status --prompt` while another process holds the locks or with hostile
//! store content, an untrusted folder's `ca_file`, a hostile or linked
//! login lock, a config full of control bytes. The paste-back login's
//! attacks are `paste::attacks`.

use crate::support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use authdash::config::Config;
use authdash::demo::{DemoProvider, DemoSettings};
use support::binary;
use support::paste::{
    command, data_dir, landed_at, start_paste_login, stderr_lines, until, write_config,
};

const URL: &str = "https://idp.example.com/.well-known/openid-configuration";

/// `status --prompt` reads the store alone: with the provider gone and
/// both the store lock and the login lock held by another process, it
/// still answers at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attack_status_prompt_neither_waits_for_locks_nor_the_network() {
    let demo = DemoProvider::start(DemoSettings::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let config = write_config(home.path(), demo.issuer_str());
    let (child, mut stdin, _rx, url) = start_paste_login(home.path(), &config);
    let landed = landed_at(&url, "alice").await;
    writeln!(stdin, "{landed}").unwrap();
    let out = tokio::task::spawn_blocking(move || binary::finish(child))
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    drop(demo);

    let data = home.path().join("data").join("authdash");
    let mut held = Vec::new();
    for entry in std::fs::read_dir(&data).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "lock") {
            let file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open(&path)
                .unwrap();
            file.try_lock().unwrap();
            held.push(file);
        }
    }
    let store_lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(data.join("sessions.lock"))
        .unwrap();
    let _ = store_lock.try_lock();
    let started = Instant::now();
    let status = binary::finish(
        command(home.path(), &config, &["status", "--prompt"])
            .spawn()
            .unwrap(),
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(
        String::from_utf8_lossy(&status.stdout).starts_with("alice@example.com"),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    drop(held);
}

fn parse_settings(lines: &str) -> Result<Config, String> {
    let text = format!(
        "[auth.x]\nclient_id = \"cid\"\nserver_metadata_url = \"{URL}\"\n\n[authdash]\n{lines}\n"
    );
    Config::parse(Path::new("attack.toml"), &text, &|_| None).map_err(|e| e.to_string())
}

/// `exec` puts the token in the variable the config names: one the
/// loader, the shell or the command lookup reads would hand CMD (or the
/// provider, which chooses the token's bytes) control of what runs, or
/// print the token (ld.so names an LD_PRELOAD it cannot load).
#[test]
fn attack_exec_variables_that_steer_the_command_are_refused() {
    for key in ["exec_token_env", "exec_org_env"] {
        for name in [
            "PATH",
            "LD_PRELOAD",
            "LD_LIBRARY_PATH",
            "DYLD_INSERT_LIBRARIES",
            "BASH_ENV",
            "ENV",
            "IFS",
            "HOME",
            "SHELL",
            "NODE_OPTIONS",
            "PYTHONPATH",
            "PYTHONSTARTUP",
            "PERL5OPT",
            "RUBYOPT",
            "JAVA_TOOL_OPTIONS",
            "Path",
            "",
            "A=B",
            "A B",
        ] {
            let e = parse_settings(&format!("{key} = \"{name}\"")).err();
            let e = e.unwrap_or_else(|| panic!("{key} = {name:?} accepted"));
            assert!(e.contains(&format!("authdash.{key}")), "{name}: {e}");
        }
    }
    // One variable for both: the org id would overwrite the token, or its
    // removal (no org chosen) would take the token away.
    let e = parse_settings("exec_token_env = \"TOKEN\"\nexec_org_env = \"TOKEN\"").err();
    assert!(e.is_some_and(|e| e.contains("exec_org_env")));
    let e = parse_settings("exec_org_env = \"AUTHDASH_ACCESS_TOKEN\"").err();
    assert!(e.is_some_and(|e| e.contains("exec_org_env")));
    // Ordinary names still work.
    let c = parse_settings("exec_token_env = \"GITHUB_TOKEN\"\nexec_org_env = \"ORG\"").unwrap();
    assert_eq!(c.exec_env.token, "GITHUB_TOKEN");
    assert_eq!(c.exec_env.org_id, "ORG");
}

/// An untrusted folder's config with a relative `ca_file`: nothing reads
/// it before `authdash trust` (a FIFO there would block any reader).
#[test]
fn attack_an_untrusted_folders_ca_file_is_not_read() {
    let home = tempfile::tempdir().unwrap();
    let project = home.path().join("project");
    let folder = project.join(".streamlit");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("secrets.toml"),
        format!(
            "[auth]\nclient_id = \"cid\"\nserver_metadata_url = \"{URL}\"\nca_file = \"ca.pem\"\n"
        ),
    )
    .unwrap();
    let made = Command::new("mkfifo")
        .arg(folder.join("ca.pem"))
        .status()
        .unwrap();
    assert!(made.success());
    for args in [
        &["doctor"][..],
        &["status"],
        &["status", "--prompt"],
        &["login"],
        &["token"],
        &["exec", "--", "true"],
    ] {
        let out = binary::run(
            binary::command(home.path())
                .current_dir(&project)
                .args(args),
        );
        let err = binary::text(&out.stderr);
        assert!(!err.contains("ca_file:"), "{args:?}: {err}");
    }
}

/// The login lock's file name for `issuer` and `client_id`, as authdash
/// makes it.
fn login_lock_path(data: &Path, issuer: &str, client_id: &str) -> PathBuf {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(format!("{issuer}\n{client_id}").as_bytes());
    let short: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    data.join(format!("login-{short}.lock"))
}

/// Where the login lock of `config`'s provider at `issuer` goes in
/// `home`, its data folder made first (private, as authdash makes it).
fn login_lock_in(home: &Path, config: &Path, issuer: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt as _;
    let client_id = Config::load(config, &|_| None).unwrap().providers[0]
        .client_id
        .clone();
    let data = home.join("data").join("authdash");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o700)).unwrap();
    login_lock_path(&data, issuer, &client_id)
}

/// A hostile process holds the login lock with a record full of control
/// characters: the waiting login names it escaped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attack_a_hostile_login_lock_record_is_shown_escaped() {
    let demo = DemoProvider::start(DemoSettings::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let config = write_config(home.path(), demo.issuer_str());
    let path = login_lock_in(home.path(), &config, demo.issuer_str());
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&path)
        .unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    file.try_lock().unwrap();
    let record = serde_json::json!({
        "pid": 1,
        "program": "\u{1b}]0;pwned\u{7}",
        "doing": format!("\u{1b}[2J\r{}", "x".repeat(3000)),
        "since": "\u{9b}31m",
        "since_ms": 0,
        "may_hold_ms": 0,
    });
    file.write_all(record.to_string().as_bytes()).unwrap();
    let mut child = command(home.path(), &config, &["login"]).spawn().unwrap();
    let rx = stderr_lines(&mut child);
    let lines = until(&rx, |l| l.contains("Another login"));
    assert!(lines.last().unwrap().contains("process 1"), "{lines:#?}");
    child.kill().unwrap();
    let _ = child.wait();
}

/// A symlink planted where the login lock goes is not followed: the file
/// it points at keeps its content (the lock is truncated on release).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attack_a_symlinked_login_lock_is_not_followed() {
    let demo = DemoProvider::start(DemoSettings::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let config = write_config(home.path(), demo.issuer_str());
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("login_timeout_secs = 600", "login_timeout_secs = 1");
    std::fs::write(&config, text).unwrap();
    let victim = home.path().join("precious");
    std::fs::write(&victim, "precious").unwrap();
    std::os::unix::fs::symlink(
        &victim,
        login_lock_in(home.path(), &config, demo.issuer_str()),
    )
    .unwrap();
    let out = tokio::task::spawn_blocking({
        let home = home.path().to_owned();
        move || binary::finish(command(&home, &config, &["login"]).spawn().unwrap())
    })
    .await
    .unwrap();
    assert_ne!(out.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("symbolic link"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A store whose account carries control characters in its email and
/// name (a hostile provider's claims): `status --prompt` shows them
/// escaped, reading the store alone (the issuer here answers nothing).
#[test]
fn attack_status_prompt_escapes_hostile_store_content() {
    use authdash::store::TokenStore as _;
    use chrono::{TimeDelta, Utc};

    let home = tempfile::tempdir().unwrap();
    let issuer = "http://127.0.0.1:9";
    let config = write_config(home.path(), issuer);
    let loaded = Config::load(&config, &|_| None).unwrap();
    let provider = &loaded.providers[0];
    let evil = "\u{1b}]0;pwned\u{7}\u{1b}[2J\r\u{9b}31m@example.com";
    let session: authdash::auth::Session = serde_json::from_value(serde_json::json!({
        "provider": provider.name,
        "issuer": issuer,
        "client_id": provider.client_id,
        "tokens": {
            "access_token": "a", "refresh_token": null, "id_token": "x.y.z",
            "expires_at": (Utc::now() + TimeDelta::hours(1)).to_rfc3339(), "scopes": [],
        },
        "id_claims": {"sub": "s"},
        "userinfo": null,
        "user": {"subject": "s", "email": evil, "email_verified": true, "name": evil,
                 "picture": null, "orgs": [], "claims": {}},
        "logged_in_at": Utc::now().to_rfc3339(),
        "refreshed_at": null,
    }))
    .unwrap();
    support::home::key_file_store(&data_dir(home.path()))
        .save(&session)
        .unwrap();
    for args in [&["status", "--prompt"][..], &["status"]] {
        let out = binary::finish(command(home.path(), &config, args).spawn().unwrap());
        let all: Vec<u8> = out.stdout.iter().chain(&out.stderr).copied().collect();
        assert!(
            !all.iter().any(|b| matches!(b, 0x1b | 0x07 | 0x9b | b'\r')),
            "{args:?}: {}",
            String::from_utf8_lossy(&all)
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("example.com"),
            "{args:?}: {}",
            String::from_utf8_lossy(&all)
        );
    }
}

/// A config full of control bytes (from a hostile archive, or pasted from
/// a web page): every error that quotes it — a value, a key, toml's excerpt
/// of a line that is not TOML, a bad key binding — is printed with them
/// written out, never raw.
#[test]
fn attack_a_config_full_of_control_bytes_is_shown_escaped() {
    let home = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(write_config(home.path(), "http://127.0.0.1:9")).unwrap();
    let escapes = "\\u001b]0;pwned\\u0007\\u001b[2J\\r\\u009b31m\\u202e";
    let raw = "\u{1b}]0;pwned\u{7}\u{1b}[2J\r\u{9b}31m\u{202e}";
    let cases = [
        // A value and a key quoted in the message.
        (
            good.replacen(
                "[auth.demo]\n",
                &format!("[auth.demo]\nflow = \"{escapes}\"\n"),
                1,
            ),
            &["status"][..],
        ),
        (
            good.replacen(
                "[auth.demo]\n",
                &format!("[auth.demo]\n\"k{escapes}\" = 1\n"),
                1,
            ),
            &["token"],
        ),
        // Raw bytes are not TOML: toml quotes the line.
        (
            good.replacen(
                "[auth.demo]\n",
                &format!("[auth.demo]\nlabel = \"{raw}\"\n"),
                1,
            ),
            &["status"],
        ),
        // A key binding, checked before the dashboard takes the terminal.
        (
            format!("{good}\n[authdash.keys]\nquit = \"{escapes}\"\n"),
            &[],
        ),
    ];
    for (text, args) in cases {
        let path = home.path().join("hostile.toml");
        std::fs::write(&path, &text).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let out = binary::finish(command(home.path(), &path, args).spawn().unwrap());
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            !out.stderr
                .iter()
                .chain(&out.stdout)
                .any(|b| matches!(b, 0x1b | 0x07 | 0x9b | b'\r')),
            "{args:?}: a control byte reached the terminal: {err:?}"
        );
        assert!(!err.contains('\u{202e}'), "{args:?}: {err:?}");
        assert!(err.contains("\\u{1b}"), "{args:?}: shown escaped: {err}");
    }
}
