//! Attacks on what a trust record covers after `authdash trust` (issue
//! 17, part 1), by a reader who did not write it: what the person read in
//! the summary — "the program is /usr/bin/report" — changed afterwards by
//! the folder that came with the config, without the config's own bytes
//! changing.

use crate::support;

use std::path::PathBuf;

use super::Folder;
use authdash::config::trust::{self, ConfigOrigin, TrustError, Why};
use support::broken_provider::{BrokenProvider, Fault};

/// `authdash trust` on the folder's config (`--allow-commands` or not),
/// then the config loaded as the dashboard loads it.
fn trusted_and_loaded(f: &Folder, allow_commands: bool) -> authdash::config::Config {
    trust::trust(&f.data(), &f.config(), allow_commands).expect("trusted");
    trust::load(ConfigOrigin::CurrentFolder, &f.config(), &f.data(), &|_| {
        None
    })
    .expect("trusted, it loads")
}

/// The template values of org `org-1`, Acme, for `session`'s user.
fn acme(session: &authdash::auth::Session) -> authdash::panels::TemplateVars<'_> {
    authdash::panels::TemplateVars {
        org_id: "org-1",
        org_name: "Acme",
        user_id: &session.user.subject,
    }
}

fn untrusted(f: &Folder) -> (Why, String) {
    match trust::check(&f.data(), &f.config()) {
        Err(TrustError::Untrusted(u)) => {
            let message = u.to_string();
            (u.why, message)
        }
        other => panic!("expected untrusted, got {other:?}"),
    }
}

/// A command panel whose program is a link in the cloned folder: the
/// summary said "the program is /bin/true" (the link followed), the
/// person trusted that, and the folder then pointed the link at a shell
/// (`git pull` is enough). The config's bytes are the same; what runs
/// with the token is not what was read. Asks again.
#[cfg(unix)]
#[test]
fn attack_a_program_link_in_the_folder_pointed_elsewhere_after_trust_asks_again() {
    let f = Folder::new();
    let link = f.project().join("report");
    std::os::unix::fs::symlink("/bin/true", &link).unwrap();
    f.write(&format!(
        "[[authdash.panels]]\nid = \"r\"\ntitle = \"R\"\n\
         source = {{ type = \"command\", argv = [\"{}\"] }}\n",
        link.display()
    ));
    let summary = trust::review(&f.config()).expect("read").to_string();
    let shown = std::fs::canonicalize("/bin/true").unwrap();
    assert!(
        summary.contains(&format!("the program is {}", shown.display())),
        "{summary}"
    );
    trust::trust(&f.data(), &f.config(), true).expect("trusted");
    assert!(trust::check(&f.data(), &f.config()).is_ok());

    std::fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink("/bin/sh", &link).unwrap();
    let (why, message) = untrusted(&f);
    assert!(matches!(why, Why::Program { .. }), "{why:?}: {message}");
    let now = std::fs::canonicalize("/bin/sh").unwrap();
    assert!(message.contains(&now.display().to_string()), "{message}");
    assert!(
        trust::load(ConfigOrigin::CurrentFolder, &f.config(), &f.data(), &|_| {
            None
        })
        .is_err(),
        "loaded"
    );

    // Pointed back: what was read is what runs again.
    std::fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink("/bin/true", &link).unwrap();
    assert!(trust::check(&f.data(), &f.config()).is_ok());

    // Gone: asks again too (a program put there later is not the one read).
    std::fs::remove_file(&link).unwrap();
    let (why, _) = untrusted(&f);
    assert!(matches!(why, Why::Program { .. }), "{why:?}");
}

/// A CA certificate (PEM) of its own.
fn ca_pem(name: &str) -> String {
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, name);
    params.self_signed(&key).unwrap().pem()
}

/// The `ca_file` checked at start is read again when the provider is
/// first contacted, which in the dashboard may be long after (the login
/// screen waits; a discovery that failed offline is tried again later).
/// Swapped in between for another CA, the new file was used: the trust
/// check covered the bytes it read, not those the login trusts. The
/// config loaded at start only takes the file it was trusted with.
#[tokio::test]
async fn attack_a_ca_file_swapped_after_the_check_is_not_used() {
    // A provider on loopback (plain http, as a local provider may):
    // discovery builds its client, which reads the `ca_file`.
    let op = BrokenProvider::start(Fault::None).await;
    let f = Folder::new();
    let ca = f.project().join(".streamlit").join("corp.pem");
    std::fs::write(&ca, ca_pem("Example Corp CA")).unwrap();
    std::fs::write(
        f.config(),
        format!(
            "[auth]\nclient_id = \"cid\"\nserver_metadata_url = \"{}\"\nca_file = \"corp.pem\"\n",
            op.metadata_url()
        ),
    )
    .unwrap();
    let config = trusted_and_loaded(&f, false);
    // The positive control: contacted as trusted, it works.
    authdash::auth::Provider::discover(&config.providers[0], &config.http)
        .await
        .expect("discovery with the trusted ca_file");

    std::fs::write(&ca, ca_pem("Attacker CA")).unwrap();
    let error = authdash::auth::Provider::discover(&config.providers[0], &config.http)
        .await
        .expect_err("the swapped CA was used");
    assert!(
        error.to_string().contains("changed since you trusted"),
        "{error}"
    );
}

/// A script in the folder printing `{"ran": NAME}`.
#[cfg(unix)]
fn script(dir: &std::path::Path, name: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt as _;
    let path = dir.join(format!("report-{name}"));
    std::fs::write(
        &path,
        format!("#!/bin/sh\necho '{{\"ran\": \"{name}\"}}'\n"),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// The same link, pointed elsewhere while a dashboard runs on the config
/// it trusted at start (the check is at start; a `git pull` in another
/// terminal comes later): the program trusted runs, not the link's new
/// target. And a program that was not there when the config was trusted
/// ("the program is not there now"), put there later, does not run.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn attack_a_program_link_pointed_elsewhere_while_the_dashboard_runs_is_not_followed() {
    use support::broken_provider::{BrokenProvider, CLIENT_ID, Fault};
    use support::home::{Home, approved_login};

    let op = BrokenProvider::start(Fault::None).await;
    let f = Folder::new();
    let first = script(&f.project(), "first");
    let link = f.project().join("report");
    std::os::unix::fs::symlink(&first, &link).unwrap();
    let later = f.project().join("later");
    std::fs::write(
        f.config(),
        format!(
            "[auth.test]\nclient_id = \"{CLIENT_ID}\"\nserver_metadata_url = \"{}\"\n\
             [[authdash.panels]]\nid = \"report\"\ntitle = \"Report\"\n\
             source = {{ type = \"command\", argv = [\"{}\"] }}\n\
             [[authdash.panels]]\nid = \"later\"\ntitle = \"Later\"\n\
             source = {{ type = \"command\", argv = [\"{}\"] }}\n",
            op.metadata_url(),
            link.display(),
            later.display()
        ),
    )
    .unwrap();
    let config = trusted_and_loaded(&f, true);
    let home = Home::new();
    let (service, session) = approved_login(&home, &config).await;
    let vars = acme(&session);
    let panel = |id: &str| {
        config
            .panels
            .iter()
            .find(|p| p.id == id)
            .expect("the panel")
            .clone()
    };
    let ran = |fetched: authdash::session::FetchedSource| fetched.data.map(|v| v["ran"].clone());

    let fetched = service.fetch_source(&session, &panel("report"), vars).await;
    assert_eq!(ran(fetched).expect("runs"), "first");

    let other = script(&f.project(), "other");
    std::fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink(&other, &link).unwrap();
    let fetched = service.fetch_source(&session, &panel("report"), vars).await;
    assert_eq!(
        ran(fetched).expect("runs"),
        "first",
        "the link's new target ran, a program never shown"
    );

    std::os::unix::fs::symlink(&other, &later).unwrap();
    let fetched = service.fetch_source(&session, &panel("later"), vars).await;
    let error = ran(fetched).expect_err("a program put there after trust ran");
    assert!(error.to_string().contains("was not there"), "{error}");
}

/// A cloned folder whose `.streamlit` is a link to a project the person
/// trusted (`../proj/.streamlit`, beside it), and which holds a
/// `report.sh` of its own. The config read is the trusted one, its
/// bytes unchanged, so it loads without asking; its panel runs
/// `/bin/sh report.sh`, and the relative `report.sh` was looked up where
/// authdash ran: the clone's script got the token. A folder config's
/// programs run in the folder it belongs to.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn attack_a_clone_linking_to_a_trusted_config_does_not_run_its_own_scripts() {
    use support::broken_provider::{BrokenProvider, CLIENT_ID, Fault};
    use support::home::{Home, approved_login};

    let op = BrokenProvider::start(Fault::None).await;
    let trusted = Folder::new();
    std::fs::write(
        trusted.project().join("report.sh"),
        "echo '{\"ran\": \"the trusted project'\"'\"'s script\"}'\n",
    )
    .unwrap();
    std::fs::write(
        trusted.config(),
        format!(
            "[auth.test]\nclient_id = \"{CLIENT_ID}\"\nserver_metadata_url = \"{}\"\n\
             [[authdash.panels]]\nid = \"report\"\ntitle = \"Report\"\n\
             source = {{ type = \"command\", argv = [\"/bin/sh\", \"report.sh\"] }}\n",
            op.metadata_url()
        ),
    )
    .unwrap();
    trust::trust(&trusted.data(), &trusted.config(), true).expect("trusted");

    // The clone: its `.streamlit` links to the trusted one; its own script.
    let clone = trusted.tmp.path().join("clone");
    std::fs::create_dir_all(&clone).unwrap();
    std::os::unix::fs::symlink(
        trusted.project().join(".streamlit"),
        clone.join(".streamlit"),
    )
    .unwrap();
    std::fs::write(
        clone.join("report.sh"),
        "echo '{\"ran\": \"the clone'\"'\"'s script\"}'\n",
    )
    .unwrap();
    let config = trust::load(
        ConfigOrigin::CurrentFolder,
        &clone.join(".streamlit").join("secrets.toml"),
        &trusted.data(),
        &|_| None,
    )
    .expect("the trusted bytes, at their trusted path: loaded");

    let home = Home::new();
    let (service, session) = approved_login(&home, &config).await;
    let vars = acme(&session);
    // Wherever authdash runs (here the test's own folder, which has no
    // `report.sh`: the clone's would be found in the clone), the script
    // that runs is the one beside the trusted config.
    assert!(!std::path::Path::new("report.sh").exists());
    let fetched = service
        .fetch_source(&session, &config.panels[0], vars)
        .await;
    let value = fetched.data.expect("the program ran");
    assert_eq!(value["ran"], "the trusted project's script", "{value}");
}
