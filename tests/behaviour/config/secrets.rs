//! A config file that holds secrets and that other users can read: a
//! warning on the loaded config (for the faces to print) and a `doctor` line.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use authdash::cli::doctor::{Status, diagnose};
use authdash::cli::{ConfigSource, DoctorRequest};
use authdash::config::{Config, ConfigWarning};

const PROVIDER: &str = "client_id = \"c\"\nserver_metadata_url = \"http://127.0.0.1:1/.well-known/openid-configuration\"\n";

fn write(dir: &Path, text: &str, mode: u32) -> PathBuf {
    let path = dir.join("authdash.toml");
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    path
}

fn readable_secrets(config: &Config) -> Vec<(u32, &'static str, Vec<String>)> {
    config
        .warnings
        .iter()
        .map(|w| match w {
            ConfigWarning::ReadableSecrets {
                mode, who, keys, ..
            } => (*mode, *who, keys.clone()),
        })
        .collect()
}

#[test]
fn a_config_with_secrets_that_others_can_read_is_warned_about() {
    let tmp = tempfile::tempdir().unwrap();
    let text = format!(
        "[auth]\nstore_secret = \"s3cret-store\"\n\n[auth.acme]\n{PROVIDER}client_secret = \"s3cret-client\"\n"
    );
    let path = write(tmp.path(), &text, 0o644);
    let config = Config::load(&path, &|_| None).unwrap();
    assert_eq!(
        readable_secrets(&config),
        vec![(
            0o644,
            "group and others",
            vec![
                "auth.store_secret".to_owned(),
                "auth.acme.client_secret".to_owned()
            ]
        )]
    );
    let said = config.warnings[0].to_string();
    assert!(
        said.contains(&format!("chmod 600 {}", path.display())),
        "{said}"
    );
    assert!(
        !said.contains("s3cret"),
        "names the keys, never the values: {said}"
    );

    // Group only, and Streamlit's cookie_secret.
    let path = write(
        tmp.path(),
        &format!("[auth]\ncookie_secret = \"x\"\n{PROVIDER}"),
        0o640,
    );
    let config = Config::load(&path, &|_| None).unwrap();
    assert_eq!(
        readable_secrets(&config),
        vec![(0o640, "group", vec!["auth.cookie_secret".to_owned()])]
    );
}

#[test]
fn an_owner_only_config_or_one_without_secrets_is_not_warned_about() {
    let tmp = tempfile::tempdir().unwrap();
    let secret = format!("[auth]\nstore_secret = \"s\"\n{PROVIDER}");
    let path = write(tmp.path(), &secret, 0o600);
    assert!(Config::load(&path, &|_| None).unwrap().warnings.is_empty());
    // The secret is in a variable, not in the file.
    let path = write(
        tmp.path(),
        &format!("[auth]\n{PROVIDER}client_secret_env = \"V\"\n"),
        0o644,
    );
    let config = Config::load(&path, &|_| Some("from-env".into())).unwrap();
    assert!(config.warnings.is_empty(), "{:?}", config.warnings);
}

#[tokio::test]
async fn doctor_says_the_readable_secrets_with_the_chmod() {
    let tmp = tempfile::tempdir().unwrap();
    let path = write(
        tmp.path(),
        &format!("[auth]\nstore_secret = \"s\"\n{PROVIDER}"),
        0o604,
    );
    let config = Config::load(&path, &|_| None).unwrap();
    let report = diagnose(DoctorRequest {
        config: ConfigSource::Loaded(Box::new(config)),
        store: None,
        data_dir: tmp.path().join("data"),
        // No such provider: no network, only the config and store checks.
        provider: Some("none".into()),
    })
    .await;
    let line = report
        .checks
        .iter()
        .find(|c| c.name == "secrets in the file")
        .unwrap_or_else(|| panic!("no line about the secrets: {:?}", report.checks));
    assert_eq!(line.status, Status::Warn);
    assert!(
        line.detail.contains("auth.store_secret") && line.detail.contains("others"),
        "{}",
        line.detail
    );
    assert_eq!(
        line.fix
            .as_deref()
            .map(|f| f.starts_with(&format!("chmod 600 {}", path.display()))),
        Some(true),
        "{:?}",
        line.fix
    );
}
