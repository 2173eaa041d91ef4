use std::cell::RefCell;
use std::path::{Path, PathBuf};

use super::*;

const FOREIGN: &str = r#"
[auth]
client_id = "cid"
client_secret_env = "VICTIM_SECRET"
server_metadata_url = "https://idp.example/.well-known/openid-configuration"

[auth.other]
client_id = "cid2"
server_metadata_url = "http://127.0.0.1:9/evil/.well-known/openid-configuration"
logout_everywhere_api_key_env = "VICTIM_KEY"
org_claims = "propelauth"
"#;

struct Folder {
    _tmp: tempfile::TempDir,
    config: PathBuf,
    data: PathBuf,
}

fn folder(text: &str) -> Folder {
    let tmp = tempfile::tempdir().expect("a temp folder");
    let streamlit = tmp.path().join("project").join(".streamlit");
    std::fs::create_dir_all(&streamlit).expect("the project folder");
    let config = streamlit.join("secrets.toml");
    std::fs::write(&config, text).expect("the config");
    let data = tmp.path().join("data").join("authdash");
    Folder {
        config,
        data,
        _tmp: tmp,
    }
}

fn untrusted(result: Result<String, TrustError>) -> Untrusted {
    match result {
        Err(TrustError::Untrusted(u)) => *u,
        other => panic!("expected TrustError::Untrusted, got {other:?}"),
    }
}

/// An env function that records every name it is asked for.
fn recording_env(asked: &RefCell<Vec<String>>) -> impl Fn(&str) -> Option<String> + '_ {
    move |name| {
        asked.borrow_mut().push(name.to_owned());
        Some("a secret".to_owned())
    }
}

#[test]
fn a_config_in_the_current_folder_is_not_trusted_by_default() {
    let f = folder(FOREIGN);
    let u = untrusted(check(&f.data, &f.config));
    assert_eq!(u.why, Why::New);
    assert_eq!(
        u.path,
        std::fs::canonicalize(&f.config).expect("canonical path")
    );
    assert!(
        !f.data.exists(),
        "checking trust must not create the data folder"
    );
}

#[test]
fn an_untrusted_config_reads_no_environment_variable_it_names() {
    let f = folder(FOREIGN);
    let asked = RefCell::new(Vec::new());
    let env = recording_env(&asked);
    let result = load(ConfigOrigin::CurrentFolder, &f.config, &f.data, &env);
    assert!(
        matches!(&result, Err(LoadError::Trust(TrustError::Untrusted(_)))),
        "{result:?}"
    );
    assert_eq!(asked.borrow().as_slice(), [] as [String; 0]);
    assert!(!f.data.exists());
}

#[test]
fn trusting_a_file_lets_it_load_with_its_variables() {
    let f = folder(FOREIGN);
    let trusted = trust(&f.data, &f.config, false).expect("trusting works");
    assert_eq!(trusted.sha256.len(), 64);
    let said = trusted.to_string();
    assert!(said.contains("Trusted "), "{said}");
    assert_eq!(check(&f.data, &f.config).expect("trusted now"), FOREIGN);
    let asked = RefCell::new(Vec::new());
    let env = recording_env(&asked);
    let config =
        load(ConfigOrigin::CurrentFolder, &f.config, &f.data, &env).expect("a trusted file loads");
    assert_eq!(config.providers.len(), 2);
    assert!(asked.borrow().contains(&"VICTIM_SECRET".to_owned()));
}

#[test]
fn a_file_changed_after_it_was_trusted_asks_again() {
    let f = folder(FOREIGN);
    trust(&f.data, &f.config, false).expect("trusting works");
    let edited = FOREIGN.replace("idp.example", "attacker.example");
    std::fs::write(&f.config, &edited).expect("edit");
    let u = untrusted(check(&f.data, &f.config));
    assert_eq!(u.why, Why::Changed);
    let message = u.to_string();
    assert!(
        message.contains("changed since you trusted it"),
        "{message}"
    );
    assert!(message.contains("https://attacker.example/"), "{message}");
    trust(&f.data, &f.config, false).expect("trusting again works");
    assert_eq!(check(&f.data, &f.config).expect("trusted again"), edited);
}

#[test]
fn the_same_content_at_another_path_is_not_trusted() {
    let f = folder(FOREIGN);
    trust(&f.data, &f.config, false).expect("trusting works");
    let elsewhere = f.config.with_file_name("copy.toml");
    std::fs::write(&elsewhere, FOREIGN).expect("copy");
    assert_eq!(untrusted(check(&f.data, &elsewhere)).why, Why::New);
}

#[test]
fn the_message_shows_the_file_its_issuers_and_the_exact_command() {
    let f = folder(FOREIGN);
    let u = untrusted(check(&f.data, &f.config));
    let message = TrustError::Untrusted(Box::new(u.clone())).to_string();
    let canonical = std::fs::canonicalize(&f.config).expect("canonical path");
    assert!(
        message.contains(&canonical.display().to_string()),
        "{message}"
    );
    assert!(
        message.contains("https://idp.example/.well-known/openid-configuration"),
        "{message}"
    );
    assert!(
        message.contains("http://127.0.0.1:9/evil/.well-known/openid-configuration"),
        "{message}"
    );
    assert!(
        message.contains(&format!("authdash trust {}", canonical.display())),
        "{message}"
    );
    // The variables are named (their secrets would be sent), never read.
    assert!(message.contains("VICTIM_SECRET"), "{message}");
    assert!(!message.contains("a secret"), "{message}");
}

#[test]
fn a_path_with_spaces_is_quoted_for_the_shell() {
    assert_eq!(
        trust_command(Path::new("/home/a b/.streamlit/secrets.toml"), false),
        "authdash trust '/home/a b/.streamlit/secrets.toml'"
    );
}

#[test]
fn escape_sequences_in_what_it_names_are_shown_not_run() {
    let f = folder(
        "[auth]\nclient_id = \"c\\u001b]0;pwned\\u0007\"\n\
         server_metadata_url = \"https://x.example/.well-known/openid-configuration\"\n\
         [[authdash.panels]]\nid = \"p\"\ntitle = \"P\"\n\
         source = { type = \"command\", argv = [\"/bin/echo\", \"\\u001b[2J\"] }\n",
    );
    let message = untrusted(check(&f.data, &f.config)).to_string();
    assert!(message.contains("c\\u{1b}]0;pwned\\u{7}"), "{message}");
    assert!(message.contains("\\u{1b}[2J"), "{message}");
    assert!(!message.contains('\u{1b}'), "{message}");
}

#[test]
fn a_config_named_by_the_person_needs_no_trust() {
    let f = folder(FOREIGN);
    let env = |_: &str| Some("s".to_owned());
    for origin in [ConfigOrigin::Given, ConfigOrigin::ConfigDir] {
        let config = load(origin, &f.config, &f.data, &env).expect("loads without trust");
        assert_eq!(config.providers.len(), 2);
    }
    assert!(!f.data.exists());
}

#[cfg(unix)]
#[test]
fn the_list_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt as _;
    let f = folder(FOREIGN);
    trust(&f.data, &f.config, false).expect("trusting works");
    let mode = |p: &Path| std::fs::metadata(p).expect("exists").permissions().mode() & 0o777;
    assert_eq!(mode(&f.data.join(TRUST_FILE_NAME)), 0o600);
    assert_eq!(mode(&f.data), 0o700);
    let leftovers: Vec<_> = std::fs::read_dir(&f.data)
        .expect("the data folder")
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .filter(|n| n != TRUST_FILE_NAME)
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[cfg(unix)]
#[test]
fn a_list_others_can_write_is_not_believed() {
    use std::os::unix::fs::PermissionsExt as _;
    let f = folder(FOREIGN);
    trust(&f.data, &f.config, false).expect("trusting works");
    let list = f.data.join(TRUST_FILE_NAME);
    std::fs::set_permissions(&list, std::fs::Permissions::from_mode(0o666)).expect("chmod");
    let result = check(&f.data, &f.config);
    assert!(
        matches!(&result, Err(TrustError::Unsafe { problem, .. }) if problem.contains("written by others")),
        "{result:?}"
    );
}

#[cfg(unix)]
#[test]
fn a_list_planted_as_a_symlink_is_not_followed() {
    let f = folder(FOREIGN);
    // A list that would trust the file, planted elsewhere and linked in.
    let planted = f.data.with_file_name("planted.json");
    let other = folder(FOREIGN);
    trust(other.data.as_path(), &f.config, false).expect("trusting elsewhere");
    std::fs::create_dir_all(&f.data).expect("data folder");
    std::fs::copy(other.data.join(TRUST_FILE_NAME), &planted).expect("copy");
    std::os::unix::fs::symlink(&planted, f.data.join(TRUST_FILE_NAME)).expect("symlink");
    let result = check(&f.data, &f.config);
    assert!(
        matches!(&result, Err(TrustError::Unsafe { problem, .. }) if problem.contains("symbolic link")),
        "{result:?}"
    );
}

#[test]
fn a_damaged_list_is_an_error_not_an_empty_list() {
    let f = folder(FOREIGN);
    std::fs::create_dir_all(&f.data).expect("data folder");
    let list = f.data.join(TRUST_FILE_NAME);
    std::fs::write(&list, "{").expect("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&list, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    assert!(matches!(
        check(&f.data, &f.config),
        Err(TrustError::Damaged { .. })
    ));
}
