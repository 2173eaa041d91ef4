//! Attacks on the paste-back login through the binary: an address of
//! another place, a replay, a repeated parameter, huge input, control
//! characters, an error response, and the callback and a paste at once.

use std::io::Write;

use authdash::demo::{DemoProvider, DemoSettings};
use url::Url;

use crate::support::binary;
use crate::support::browser;
use crate::support::paste::{
    command, landed_at, pasted_to_the_end, refusal, start_paste_login, with_param, with_place,
    without, write_config,
};

/// Every hostile paste is refused with a line free of control
/// characters, the login goes on waiting, and the real address then logs
/// in; replayed into the next login, that address is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attack_pasted_addresses_of_other_places_repeats_and_junk_are_refused() {
    let demo = DemoProvider::start(DemoSettings::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let config = write_config(home.path(), demo.issuer_str());
    let (child, mut stdin, rx, url) = start_paste_login(home.path(), &config);
    let landed = landed_at(&url, "alice").await;
    let port = landed.port().unwrap();
    let query = landed.query().unwrap().to_owned();

    let huge = format!("{landed}&pad={}", "A".repeat(1024 * 1024));
    let hostile: Vec<(String, &str)> = vec![
        // This login's state and code, at another host, path or scheme.
        (
            with_place(&landed, "evil.example", landed.path()).to_string(),
            "not this login's",
        ),
        (
            with_place(&landed, "127.0.0.2", landed.path()).to_string(),
            "not this login's",
        ),
        (
            with_place(&landed, "127.0.0.1", "/elsewhere").to_string(),
            "not this login's",
        ),
        (
            format!("https://127.0.0.1:{port}{}?{query}", landed.path()),
            "not this login's",
        ),
        // Control characters in the address and in `iss`.
        (
            format!("http://127.0.0.1:{port}/\u{1b}[2J\u{7}x?{query}"),
            "not this login's",
        ),
        (
            with_param(&landed, "iss", "\u{1b}]0;pwned\u{7}\u{1b}[2J\r").to_string(),
            "RFC 9207",
        ),
        // A second `code` (or `state`): RFC 6749 §3.1 allows each once.
        (format!("{landed}&code=planted"), "more than once"),
        (format!("{landed}&state=planted"), ""),
        (huge, "not an address"),
    ];
    for (paste, says) in &hostile {
        writeln!(stdin, "{paste}").unwrap();
        let last = refusal(&rx);
        assert!(
            last.contains(says),
            "{}: {last}",
            &paste[..paste.len().min(200)]
        );
    }
    // A file piped in by mistake: one endless line is not kept whole.
    let chunk = vec![b'A'; 1024 * 1024];
    for _ in 0..96 {
        stdin.write_all(&chunk).unwrap();
    }
    stdin.write_all(b"\n").unwrap();
    let said = refusal(&rx);
    assert!(said.contains("not an address"), "{said}");
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
    let peak_kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    assert!(peak_kib < 64 * 1024, "authdash peaked at {peak_kib} KiB");

    // The callback itself refuses a repeated `code` too, and keeps waiting.
    let answer = browser::follow(&Url::parse(&format!("{landed}&code=planted")).unwrap())
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 400);
    let said = refusal(&rx);
    assert!(said.contains("more than once"), "{said}");
    pasted_to_the_end(child, &mut stdin, &rx, &landed).await;

    // The same address replayed into the next login (at its port too): its
    // state is not this one's.
    let (mut child, mut stdin, rx, url) = start_paste_login(home.path(), &config);
    let next =
        Url::parse(&browser::query_param(&Url::parse(&url).unwrap(), "redirect_uri").unwrap())
            .unwrap();
    writeln!(stdin, "{landed}").unwrap();
    let said = refusal(&rx);
    assert!(said.contains("not this login's"), "{said}");
    let mut replayed = landed.clone();
    replayed.set_port(next.port()).unwrap();
    writeln!(stdin, "{replayed}").unwrap();
    let said = refusal(&rx);
    assert!(said.contains("state does not match"), "{said}");
    child.kill().unwrap();
    let _ = child.wait();
}

/// A pasted provider error for this login ends it with the provider's
/// words, escaped; an error with another login's state is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attack_a_pasted_error_response_is_escaped_and_needs_the_state() {
    let demo = DemoProvider::start(DemoSettings::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let config = write_config(home.path(), demo.issuer_str());
    let (child, mut stdin, rx, url) = start_paste_login(home.path(), &config);
    let landed = landed_at(&url, "alice").await;
    let error = with_param(
        &with_param(&without(&landed, "code"), "error", "access_denied"),
        "error_description",
        "\u{1b}]0;x\u{7}\u{1b}[2J",
    );
    writeln!(stdin, "{}", with_param(&error, "state", "another-logins")).unwrap();
    let said = refusal(&rx);
    assert!(said.contains("state does not match"), "{said}");
    writeln!(stdin, "{error}").unwrap();
    let out = tokio::task::spawn_blocking(move || binary::finish(child))
        .await
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
    let rest: Vec<u8> = binary::rest(&rx)
        .into_iter()
        .flatten()
        .chain(out.stderr)
        .collect();
    assert!(
        !rest.iter().any(|b| matches!(b, 0x1b | 0x07)),
        "{}",
        String::from_utf8_lossy(&rest)
    );
    assert!(String::from_utf8_lossy(&rest).contains("access_denied"));
}

/// The callback and a paste bring the same response at once: one wins,
/// the code is spent once (a second exchange would fail the login with
/// `invalid_grant`), one account is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attack_the_callback_and_a_paste_at_once_complete_one_login() {
    let demo = DemoProvider::start(DemoSettings::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let config = write_config(home.path(), demo.issuer_str());
    let (child, mut stdin, rx, url) = start_paste_login(home.path(), &config);
    let landed = landed_at(&url, "alice").await;
    writeln!(stdin, "{landed}").unwrap();
    let _ = browser::follow(&landed).await;
    let out = tokio::task::spawn_blocking(move || binary::finish(child))
        .await
        .unwrap();
    let rest: Vec<String> = binary::rest(&rx)
        .iter()
        .map(|l| String::from_utf8_lossy(l).into_owned())
        .collect();
    assert_eq!(out.status.code(), Some(0), "{rest:#?}");
    assert_eq!(
        rest.iter().filter(|l| l.contains("Logged in")).count(),
        1,
        "{rest:#?}"
    );
    let status = binary::finish(
        command(home.path(), &config, &["status", "--json"])
            .spawn()
            .unwrap(),
    );
    let report: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(
        report["accounts"].as_array().map(Vec::len),
        Some(1),
        "{report}"
    );
}
