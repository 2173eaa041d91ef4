//! Attacks on the performance changes of issue 12: a raised cap on the
//! provider's answers, the log written without a writer thread, and the
//! demo's generated users. Each test is what an attacker would try; the
//! ones that held stay as guards.
//!
//! Every wait is bounded; all traffic stays on loopback.

mod baselines;

use crate::support;

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use authdash::auth::{AuthError, Session};
use authdash::demo::config_toml;
use authdash::store::{AccountId, Accounts, TokenStore as _};
use support::binary;
use support::broken_provider::{BrokenProvider, Fault, HugeAt};
use support::browser::{self, AuthorizeStep};
use support::engine::{bounded, discover, login, refused};
use support::home::{DemoHome, Home, demo_login, try_login_asking};

// ------------------------------------------- provider_body_cap_mib raised

/// The refusal names the cap, says nothing of the body (the huge body is
/// JSON whitespace: a quoted run of it would show), and the provider was
/// not made to generate much more than the cap.
fn assert_stopped_at(op: &BrokenProvider, e: &AuthError, cap: &str, cap_bytes: usize) {
    let text = e.to_string();
    assert!(
        text.contains(&format!("larger than the {cap} cap")),
        "{text}"
    );
    assert!(
        text.len() < 1_000,
        "the refusal is short: {} bytes",
        text.len()
    );
    assert!(!text.contains("    "), "no run of the body: {text:?}");
    let sent = op.huge_bytes_sent();
    assert!(
        sent < cap_bytes + 16 * 1024 * 1024,
        "the client stopped reading at {cap}, yet {sent} bytes were generated"
    );
}

/// Raising the cap for token and userinfo answers leaves the discovery
/// document and the key set at 1 MiB: they do not grow with a person's
/// organizations.
#[tokio::test(flavor = "multi_thread")]
async fn a_raised_cap_leaves_discovery_and_keys_at_1_mib() {
    for at in [HugeAt::Discovery, HugeAt::Jwks] {
        let op = BrokenProvider::start(Fault::HugeBody(at)).await;
        let config = op.config_with("provider_body_cap_mib = 16");
        assert_eq!(config.http.provider_body_cap, 16 * 1024 * 1024);
        let e = refused(discover(&config).await);
        assert!(matches!(e, AuthError::TooLarge { .. }), "{at:?}: {e:?}");
        assert_stopped_at(&op, &e, "1 MiB", 1024 * 1024);
    }
}

/// An endless token or userinfo answer still stops at the raised cap,
/// with the setting named and nothing of the body in the refusal.
#[tokio::test(flavor = "multi_thread")]
async fn an_endless_token_or_userinfo_answer_stops_at_the_raised_cap() {
    for at in [HugeAt::Token, HugeAt::Userinfo] {
        let op = BrokenProvider::start(Fault::None).await;
        let config = op.config_with("provider_body_cap_mib = 2");
        let p = Arc::new(discover(&config).await.expect("discovery succeeds"));
        op.set_fault(Fault::HugeBody(at));
        let e = refused(login(p).await);
        assert!(
            e.to_string().contains("provider_body_cap_mib"),
            "{at:?}: {e}"
        );
        assert_stopped_at(&op, &e, "2 MiB", 2 * 1024 * 1024);
    }
}

// ------------------------------------------------------------- the log

fn log_path(home: &Path) -> PathBuf {
    home.join("state").join("authdash").join("authdash.log")
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .expect("the log exists")
        .permissions()
        .mode()
        & 0o777
}

/// `authdash ARGS` in `home`, bounded; it must not panic.
fn run(home: &Path, args: &[&str]) {
    let out = binary::run(binary::command(home).args(args));
    let err = binary::text(&out.stderr);
    assert!(!err.contains("panicked"), "{args:?}: {err}");
}

/// The log names people, issuers and organizations: a command writing it
/// directly (no writer thread) and the TUI (through its writer thread:
/// here it stops at once, stdout being no terminal) both create it 0600,
/// whatever the umask.
#[test]
fn the_log_is_created_private_by_commands_and_by_the_tui() {
    for args in [&["status"][..], &[][..]] {
        let home = tempfile::tempdir().expect("temp dir");
        run(home.path(), args);
        let log = log_path(home.path());
        assert_eq!(mode(&log), 0o600, "{args:?}: {}", log.display());
        assert_eq!(
            mode(log.parent().expect("its folder")) & 0o077,
            0,
            "{args:?}: the state folder authdash made is private"
        );
    }
}

/// A log an older authdash left readable by others is narrowed, and what
/// it held is kept.
#[test]
fn a_log_left_readable_by_others_is_narrowed() {
    let home = tempfile::tempdir().expect("temp dir");
    let log = log_path(home.path());
    std::fs::create_dir_all(log.parent().expect("its folder")).expect("state folder");
    std::fs::write(&log, "an older line\n").expect("old log");
    std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    run(home.path(), &["status"]);
    assert_eq!(mode(&log), 0o600);
    let text = std::fs::read_to_string(&log).expect("log");
    assert!(text.starts_with("an older line\n"), "appended to: {text:?}");
}

/// A symbolic link in the log's place is not followed (its target is not
/// created or written), and authdash still runs rather than panicking.
#[test]
fn a_symlink_in_the_logs_place_is_not_followed() {
    let home = tempfile::tempdir().expect("temp dir");
    let log = log_path(home.path());
    std::fs::create_dir_all(log.parent().expect("its folder")).expect("state folder");
    let target = home.path().join("elsewhere.txt");
    std::os::unix::fs::symlink(&target, &log).expect("symlink");
    for args in [&["status"][..], &[][..]] {
        run(home.path(), args);
        assert!(!target.exists(), "{args:?}: the link was followed");
    }
}

/// Several authdash processes at once, each writing a line to the same
/// log directly (a config others can read, holding a secret, is warned
/// about): every line arrives whole, none torn by another's.
#[test]
fn processes_sharing_the_log_do_not_tear_its_lines() {
    const PROCESSES: usize = 8;
    let home = Home::new();
    let config = home.config_path("a.toml");
    home.config_with_secret("a.toml", &config_toml("http://127.0.0.1:9"));
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let children: Vec<_> = (0..PROCESSES)
        .map(|_| {
            binary::command(home.dir.path())
                .arg("--config")
                .arg(&config)
                .arg("status")
                .spawn()
                .expect("authdash starts")
        })
        .collect();
    for child in children {
        let out = binary::finish(child);
        assert!(binary::text(&out.stderr).contains("store_secret"));
    }
    let text = std::fs::read_to_string(log_path(home.dir.path())).expect("the log");
    // Each warning is its line and the fix on the next: the pairs stay
    // together, in one write each.
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2 * PROCESSES, "{text}");
    for pair in lines.chunks(2) {
        assert!(
            pair[0].contains(" WARN authdash: ") && pair[0].ends_with("can use them"),
            "a torn or mixed line: {pair:?}"
        );
        assert_eq!(pair[1], lines[1], "a torn or mixed line: {pair:?}");
    }
}

// ------------------------------- the store without the merged claims

/// A session read back from the store (written without `User::claims`) is
/// the person the login made: orgs, roles, permissions, email; for a
/// person in two orgs and one in 1,000.
#[tokio::test(flavor = "multi_thread")]
async fn a_stored_session_reads_back_as_the_same_user() {
    let h = DemoHome::start().await;
    for user in ["alice", "orgs1000"] {
        let session = bounded("login", demo_login(&h.service, user)).await;
        assert!(
            !session.merged_claims().is_empty(),
            "{user}: claims at login"
        );
        let accounts = h.home.store().accounts().expect("the store reads");
        let read = accounts
            .find(&AccountId::of(&session))
            .expect("the session is stored");
        assert_eq!(read.user, session.user, "{user}");
        assert!(!read.user.orgs.is_empty(), "{user}: orgs");
    }
}

/// Accounts as JSON, the store's plaintext form.
fn written(session: &Session) -> serde_json::Value {
    let accounts = Accounts {
        active: Some(AccountId::of(session)),
        sessions: vec![session.clone()],
        recovered: None,
    };
    serde_json::to_value(&accounts).expect("accounts as JSON")
}

/// An older store, which wrote the user's merged claims, still reads; and a hostile entry whose userinfo names another subject (and
/// orgs for it) reads as the same account, bound to the ID token's
/// subject, with the orgs it was stored with.
#[tokio::test(flavor = "multi_thread")]
async fn older_and_hostile_store_entries_keep_the_id_tokens_subject() {
    let h = DemoHome::start().await;
    let session = bounded("login", demo_login(&h.service, "alice")).await;

    let mut old = written(&session);
    let claims = serde_json::to_value(session.merged_claims()).expect("claims");
    old["sessions"][0]["user"]["claims"] = claims;
    let read: Accounts = serde_json::from_value(old).expect("an older store reads");
    assert_eq!(read.sessions[0].user, session.user);

    let mut hostile = written(&session);
    let info = &mut hostile["sessions"][0]["userinfo"];
    if info.is_null() {
        *info = serde_json::json!({});
    }
    info["sub"] = "mallory".into();
    info["org_id_to_org_member_info"] = serde_json::json!({
        "evil": {"org_id": "evil", "org_name": "Evil", "user_role": "Owner"}
    });
    let read: Accounts = serde_json::from_value(hostile).expect("reads");
    let s = &read.sessions[0];
    assert_eq!(AccountId::of(s), AccountId::of(&session));
    assert_eq!(
        Some(&s.user.subject),
        session
            .id_claims
            .get("sub")
            .and_then(|v| v.as_str())
            .map(str::to_owned)
            .as_ref()
    );
    assert_eq!(s.user.orgs, session.user.orgs);
    assert_eq!(read.active, Some(AccountId::of(&session)));
}

// ------------------------------------------ the demo's generated users

/// Names shaped like the generated users' but not theirs, and a
/// `login_hint` naming them, posted to the demo's sign-in form: each is
/// refused (4xx, no panic), the provider keeps answering,
/// and `orgs10` then signs in with its ten organizations.
#[tokio::test(flavor = "multi_thread")]
async fn generated_looking_names_are_refused_without_work() {
    const HOSTILE: [&str; 7] = [
        "orgs0",
        "orgs99999999",
        "orgs18446744073709551615",
        "orgs18446744073709551616",
        "orgs+10",
        "orgs010",
        "orgs-1",
    ];
    let h = DemoHome::start().await;
    let answers = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = answers.clone();
    let session = try_login_asking(&h.service, Vec::new(), |url| async move {
        for name in HOSTILE {
            let hinted = format!("{url}&login_hint={name}");
            let answer = match browser::open_authorize(&hinted).await {
                Ok(AuthorizeStep::Page(page)) => browser::client()
                    .post(page.action.clone())
                    .form(&[("request_id", page.request_id.as_str()), ("user", name)])
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .map_err(|e| e.to_string()),
                Ok(AuthorizeStep::Redirect(to)) => Err(format!("redirected to {to}")),
                Err(e) => Err(e),
            };
            seen.lock()
                .unwrap_or_else(|p| p.into_inner())
                .push((name, answer));
        }
        let _ = browser::sign_in(&url, "orgs10").await;
    })
    .await
    .expect("orgs10 signs in after the hostile names");
    assert_eq!(session.user.orgs.len(), 10);
    let answers = answers.lock().unwrap_or_else(|p| p.into_inner());
    assert_eq!(answers.len(), HOSTILE.len());
    for (name, answer) in answers.iter() {
        let status = answer.as_ref().unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!((400..500).contains(status), "{name}: answered {status}");
    }
}

// ------------------------------------ Esc on a stalled panel's fetch

mod esc {
    use super::*;
    use authdash::tui::message::{Command, Msg};
    use authdash::tui::model::Model;
    use authdash::tui::update::{enter_dashboard, update};
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use support::screens::nav_to_panel;

    const ACME: &str = "7a1b2c3d-4e5f-4a6b-8c7d-1e2f3a4b5c6d";

    fn press(model: &mut Model, code: KeyCode) -> Vec<Command> {
        update(model, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
    }

    /// The generation of the one fetch of panel `id` among `commands`.
    fn fetch_of(commands: &[Command], id: &str) -> Option<u64> {
        commands.iter().find_map(|c| match c {
            Command::FetchPanel {
                generation, spec, ..
            } if spec.id == id => Some(*generation),
            _ => None,
        })
    }

    fn answer(model: &mut Model, generation: u64, id: &str, value: serde_json::Value) {
        update(
            model,
            Msg::PanelLoaded {
                generation,
                panel_id: id.into(),
                result: Ok(value),
            },
        );
    }

    fn state<'m>(model: &'m Model, id: &str) -> &'m authdash::tui::model::PanelState {
        model
            .dashboard()
            .and_then(|d| d.panel_states.get(id))
            .expect("the panel's state")
    }

    /// Esc on a loading panel: the late answer of the fetch it cancelled
    /// never paints, with or without data on screen; r loads again and
    /// that answer paints.
    #[tokio::test(flavor = "multi_thread")]
    async fn a_cancelled_fetchs_late_answer_never_paints_and_r_reloads() {
        let h = DemoHome::start().await;
        let session = bounded("login", demo_login(&h.service, "alice")).await;
        let mut model = Model::new(&h.service.config, session.logged_in_at);
        model
            .preferences
            .set_active_org(&session.provider, &session.user.subject, ACME);
        enter_dashboard(&mut model, session);

        let first = fetch_of(&nav_to_panel(&mut model, "usage"), "usage").expect("usage loads");
        let esc = press(&mut model, KeyCode::Esc);
        assert!(
            matches!(esc.as_slice(), [Command::CancelPanels]),
            "{}",
            esc.len()
        );
        assert!(state(&model, "usage").loading.is_none());
        assert!(
            state(&model, "usage").error.is_some(),
            "says it was cancelled"
        );
        answer(&mut model, first, "usage", serde_json::json!(["late"]));
        assert!(
            state(&model, "usage").data.is_none(),
            "the late answer painted"
        );

        // r: a new fetch, whose answer paints.
        let second = fetch_of(&press(&mut model, KeyCode::Char('r')), "usage").expect("r reloads");
        assert_ne!(second, first);
        answer(&mut model, second, "usage", serde_json::json!(["fresh"]));
        let shown = state(&model, "usage")
            .data
            .as_ref()
            .map(|d| d.value.clone());
        assert_eq!(shown, Some(serde_json::json!(["fresh"])));

        // Data on screen, reloaded, Esc: the data stays (said to be
        // stale, the reload cancelled), the late answer does not replace it.
        let third = fetch_of(&press(&mut model, KeyCode::Char('r')), "usage").expect("r reloads");
        press(&mut model, KeyCode::Esc);
        answer(&mut model, third, "usage", serde_json::json!(["late"]));
        let s = state(&model, "usage");
        assert!(s.loading.is_none(), "still waiting");
        assert!(s.error.is_some(), "the reload is said to be cancelled");
        assert_eq!(
            s.data.as_ref().map(|d| d.value.clone()),
            Some(serde_json::json!(["fresh"]))
        );
    }

    /// A panel that refreshes by itself (reports, every 60 s): its
    /// refresh stalls, Esc stops waiting, and the next tick must not start
    /// the same fetch again at once (the data is still older than the
    /// interval); the next try comes a whole interval after the Esc.
    #[tokio::test(flavor = "multi_thread")]
    async fn esc_on_a_stalled_refresh_is_not_undone_by_the_next_tick() {
        let h = DemoHome::start().await;
        let session = bounded("login", demo_login(&h.service, "alice")).await;
        let start = session.logged_in_at;
        let mut model = Model::new(&h.service.config, start);
        model
            .preferences
            .set_active_org(&session.provider, &session.user.subject, ACME);
        enter_dashboard(&mut model, session);
        let at = |secs| start + chrono::TimeDelta::seconds(secs);

        let first =
            fetch_of(&nav_to_panel(&mut model, "reports"), "reports").expect("reports loads");
        answer(&mut model, first, "reports", serde_json::json!([1, 2, 3]));
        let due = update(&mut model, Msg::Tick(at(61)));
        assert!(fetch_of(&due, "reports").is_some(), "refreshes every 60 s");
        // The refresh stalls; Esc.
        press(&mut model, KeyCode::Esc);
        assert!(state(&model, "reports").loading.is_none());
        for secs in [62, 90, 120] {
            let again = update(&mut model, Msg::Tick(at(secs)));
            assert!(
                fetch_of(&again, "reports").is_none(),
                "at {secs} s the cancelled refresh started again"
            );
        }
        let later = update(&mut model, Msg::Tick(at(122)));
        assert!(
            fetch_of(&later, "reports").is_some(),
            "a whole interval after the Esc, it refreshes again"
        );
        assert!(state(&model, "reports").data.is_some(), "the data stayed");
    }
}
