//! The paste-back login through the binary against the demo provider:
//! `authdash login --paste` prints the URL and the `ssh -L` forward, takes
//! back the address the browser ended at, refuses a wrong `state`, a wrong
//! `iss`, an address of another port and garbage with a clear line each,
//! and logs in with the right one. Its attacks are `paste::attacks`.

use crate::support;

use std::io::Write;

use authdash::demo::{DemoProvider, DemoSettings};
use support::binary::{self, BOUND};
use support::paste::{
    command, landed_at, pasted_to_the_end, refusal, start_paste_login_saying, with_param,
    write_config,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pasted_address_logs_in_and_wrong_ones_are_refused_each_with_a_line() {
    let demo = DemoProvider::start(DemoSettings::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let config = write_config(home.path(), demo.issuer_str());
    let (child, mut stdin, rx, url, seen) = start_paste_login_saying(home.path(), &config);
    let text = seen.join("\n");
    assert!(text.contains("paste it here"), "{text}");
    let forward = seen
        .iter()
        .find(|l| l.trim().starts_with("ssh -L "))
        .unwrap_or_else(|| panic!("no ssh -L line: {text}"));
    let landed = landed_at(&url, "alice").await;
    let port = landed.port().unwrap();
    assert!(forward.contains(&format!("-L {port}:")), "{forward}");

    let mut other_port = landed.clone();
    other_port
        .set_port(Some(if port == 1 { 2 } else { port - 1 }))
        .unwrap();
    let refused: [(String, &str); 4] = [
        ("certainly not an address".into(), "not an address"),
        (
            with_param(&landed, "state", "someone-elses").to_string(),
            "state does not match",
        ),
        (
            with_param(&landed, "iss", "https://evil.example").to_string(),
            "evil.example",
        ),
        (other_port.to_string(), "not this login's"),
    ];
    for (paste, says) in &refused {
        writeln!(stdin, "{paste}").unwrap();
        let last = refusal(&rx);
        assert!(last.contains(says), "{paste}: {last}");
    }
    let rest = pasted_to_the_end(child, &mut stdin, &rx, &landed).await;
    assert!(
        rest.iter()
            .any(|l| l.contains("Logged in") && l.contains("alice@example.com")),
        "{rest:#?}"
    );
    let status = binary::finish(
        command(home.path(), &config, &["status", "--prompt"])
            .spawn()
            .unwrap(),
    );
    assert!(String::from_utf8_lossy(&status.stdout).starts_with("alice@example.com"));
}

/// `flow = "auto"` with no browser here and a provider that refuses the
/// device grant (`unauthorized_client`, as Entra tenants that block it):
/// the paste-back login, with why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_turns_to_paste_when_the_device_grant_is_refused_and_says_why() {
    use std::sync::Arc;

    use authdash::auth::{FlowEnvironment, Os};
    use authdash::session::{
        LoginEvent, LoginRequest, PasteInput, PasteMode, SessionService, SessionSetup,
    };
    use support::broken_provider::{BrokenProvider, Fault};
    use support::home::key_file_store;

    let op = BrokenProvider::start(Fault::DeviceGrantRefused).await;
    op.enable_device_flow();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let store = key_file_store(&data);
    let service = Arc::new(SessionService::new(SessionSetup {
        config: op.config(),
        store_path: store.path(),
        store: Arc::new(store),
        data_dir: data,
        browser_var: None,
        discovery_cache: None,
    }));
    let (input, _lines) = PasteInput::channel();
    let request = LoginRequest {
        provider: None,
        flow: None,
        // Linux without a display or $BROWSER: no browser can be opened.
        environment: FlowEnvironment::from_vars(Os::Linux, false, &|_| None),
        add_account: false,
        paste: PasteMode::Available(input),
        scopes: Vec::new(),
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let login = tokio::spawn({
        let service = service.clone();
        async move {
            let events = move |event: LoginEvent| {
                let _ = tx.send(event);
            };
            service.login(request, &events).await
        }
    });
    let mut why = None;
    let help = loop {
        let event = tokio::time::timeout(BOUND, rx.recv())
            .await
            .expect("the login says what it does in time")
            .expect("the login still runs");
        match event {
            LoginEvent::FallingBackToPaste(reason) => why = Some(reason),
            LoginEvent::BrowserUrl {
                paste: Some(help),
                opening,
                ..
            } => {
                assert!(!opening, "no browser is opened");
                break help;
            }
            LoginEvent::DeviceCode(_) => panic!("a refused device grant shows no code"),
            _ => {}
        }
    };
    let why = why.expect("why it turned to paste is said first");
    assert!(why.contains("unauthorized_client"), "{why}");
    assert!(help.ssh_forward.starts_with("ssh -L "), "{help:?}");
    login.abort();
}

mod attacks;
