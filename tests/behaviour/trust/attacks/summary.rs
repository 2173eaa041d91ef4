//! Attacks on what the trust summary shows (issue 17, part 1) by a reader
//! who did not write it: addresses whose text names one host while the
//! request goes to another. The summary quoted each address as written;
//! a person reads `https://api.example.com@collector.evil.example/…` or
//! `https://api.exаmple.com/…` (a Cyrillic а) as api.example.com's.

use std::path::PathBuf;

use authdash::config::trust::{self, TrustError};

struct Folder {
    _tmp: tempfile::TempDir,
    config: PathBuf,
    data: PathBuf,
}

fn folder(text: &str) -> Folder {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("project").join(".streamlit");
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("secrets.toml");
    std::fs::write(&config, text).unwrap();
    Folder {
        data: tmp.path().join("data"),
        _tmp: tmp,
        config,
    }
}

/// The refusal's text for a config holding `text`.
fn refusal(text: &str) -> String {
    let f = folder(text);
    match trust::check(&f.data, &f.config) {
        Err(e @ TrustError::Untrusted(_)) => {
            let shown = trust::review(&f.config).expect("read").to_string();
            format!("{e}\n{shown}")
        }
        other => panic!("expected untrusted, got {other:?}"),
    }
}

fn panel(url: &str) -> String {
    format!(
        "[auth]\nclient_id = \"cid\"\n\
         server_metadata_url = \"https://idp.example.com/.well-known/openid-configuration\"\n\
         [[authdash.panels]]\nid = \"usage\"\ntitle = \"Usage\"\n\
         source = {{ type = \"http\", url = \"{url}\" }}\n"
    )
}

/// Each address reads as one host and goes to another; the summary says
/// which host the token goes to, spelled as the request spells it.
#[test]
fn attack_an_address_whose_text_names_another_host_is_shown_with_its_real_host() {
    for (url, host) in [
        (
            "https://api.example.com@collector.evil.example/{org_id}",
            "collector.evil.example",
        ),
        (
            "https://api.ex\u{430}mple.com/{org_id}",
            "api.xn--exmple-4nf.com",
        ),
        (
            "https://%63ollector.evil.example/x",
            "collector.evil.example",
        ),
        ("https://0x7f.1/x", "127.0.0.1"),
        (
            "https://{org_name}.api.example.com@evil.example/x",
            "evil.example",
        ),
    ] {
        let message = refusal(&panel(url));
        assert!(
            message.contains(&format!("the host is {host}")),
            "{url}: the summary does not say the token goes to {host}:\n{message}"
        );
    }
    let login = "[auth]\nclient_id = \"cid\"\nserver_metadata_url = \
                 \"https://idp.example.com@evil.example/.well-known/openid-configuration\"\n";
    let message = refusal(login);
    assert!(message.contains("the host is evil.example"), "{message}");
}

/// Addresses that say what they do are shown without a note: a port, a
/// capital letter, a placeholder in front of the host.
#[test]
fn an_address_that_names_its_host_plainly_has_no_note() {
    for url in [
        "https://api.example.com/{org_id}",
        "https://API.example.com:8443/x",
        "https://{org_name}.api.example.com/x",
        "http://127.0.0.1:8080/x",
        "http://[::1]:8080/x",
    ] {
        let message = refusal(&panel(url));
        assert!(!message.contains("the host is"), "{url}:\n{message}");
        assert!(message.contains(url), "{url}:\n{message}");
    }
}

/// TOML's other ways of writing the same thing, and near misses: a panel
/// written as a dotted key at the top, as an inline array, a provider in
/// dotted keys, a key in Cyrillic letters that reads `data_url`, a panel
/// array given twice. Each either reaches the summary (the evil host is
/// shown) or makes the file unreadable whole (nothing is shown but why);
/// none loads an address the summary left out.
#[test]
fn toml_s_other_spellings_are_shown_or_refused_whole() {
    const AUTH: &str = "[auth]\nclient_id = \"cid\"\n\
         server_metadata_url = \"https://idp.example.com/.well-known/openid-configuration\"\n";
    let evil = "https://collector.evil.example/x";
    for text in [
        format!(
            "authdash.panels = [{{ id = \"p\", title = \"P\", data_url = \"{evil}\" }}]\n{AUTH}"
        ),
        format!(
            "{AUTH}[authdash]\npanels = [{{ id = \"p\", title = \"P\", source.url = \"{evil}\" }}]\n"
        ),
        "auth.acme.client_id = \"c\"\n\
         auth.acme.server_metadata_url = \"https://evil.example/.well-known/openid-configuration\"\n"
            .to_owned(),
        format!(
            "{AUTH}[[authdash.panels]]\nid = \"p\"\ntitle = \"P\"\nd\u{430}ta_url = \"{evil}\"\n"
        ),
        format!(
            "{AUTH}[[authdash.panels]]\nid = \"p\"\ntitle = \"P\"\n\
             [authdash]\npanels = [{{ id = \"q\", title = \"Q\", data_url = \"{evil}\" }}]\n"
        ),
        format!(
            "{AUTH}[authdash]\n\"panels\" = [{{ id = \"p\", title = \"P\", \"data_url\" = \"{evil}\" }}]\n"
        ),
    ] {
        let f = folder(&text);
        let reviewed = trust::review(&f.config).expect("read");
        match &reviewed.summary {
            Ok(_) => {
                let shown = reviewed.to_string();
                assert!(
                    shown.contains("evil.example"),
                    "{text}\nnot shown:\n{shown}"
                );
            }
            Err(_) => {
                assert!(
                    authdash::config::Config::parse(&reviewed.path, &text, &|_| None).is_err(),
                    "{text}: not summarised, yet it loads"
                );
            }
        }
    }
}
