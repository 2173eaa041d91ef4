//! The panels as a person sees them, on ratatui's `TestBackend` at 80x24
//! and 120x40: each view (table, kv, chart, text) with data fetched from
//! the demo data API through the app's own fetch commands, and the
//! loading, error, stale and locked states; and the keys that act on a
//! panel (sort, filter, switching to the org that unlocks it), the
//! refresh interval, and answers for another org dropped.

use crate::support;

use std::sync::Arc;

use authdash::auth::Session;
use authdash::demo::config_toml;
use authdash::panels::{SourceError, TemplateVars};
use authdash::session::SessionService;
use authdash::store::AccountId;
use authdash::tui::message::{Command, Msg};
use authdash::tui::model::{Model, Screen};
use authdash::tui::update::{enter_dashboard, update};
use authdash::tui::view;
use chrono::TimeDelta;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use support::home::{DemoHome, demo_login_asking};

const ACME: &str = "7a1b2c3d-4e5f-4a6b-8c7d-1e2f3a4b5c6d";
const GLOBEX: &str = "8b2c3d4e-5f6a-4b7c-9d8e-2f3a4b5c6d7e";
const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

/// A text panel beside the demo's: release notes as they come.
const NOTES: &str = r#"
[[authdash.panels]]
id = "notes"
title = "Notes"
source = { type = "http", url = "{issuer}/api/orgs/{org_id}/panels/billing", select = "/summary" }
view = { type = "text" }

[[authdash.panels]]
id = "bars"
title = "Usage bars"
source = { type = "http", url = "{issuer}/api/orgs/{org_id}/panels/billing", select = "/usage" }
view = { type = "chart", chart = "bar", x = "month", y = "amount", x_label = "month", y_label = "usage", unit = "€" }

[[authdash.panels]]
id = "audit"
title = "Audit"
requires = { scopes = ["audit:read"] }
source = { type = "http", url = "{issuer}/api/orgs/{org_id}/panels/admin" }
"#;

struct Setup {
    _demo: DemoHome,
    service: Arc<SessionService>,
}

impl Setup {
    async fn start() -> Self {
        let demo =
            DemoHome::start_with(|issuer| config_toml(issuer) + &NOTES.replace("{issuer}", issuer))
                .await;
        Self {
            service: demo.service.clone(),
            _demo: demo,
        }
    }

    async fn login(&self, user: &'static str) -> Session {
        self.login_asking(user, Vec::new()).await
    }

    /// A login asking for `scopes` beyond the configured ones.
    async fn login_asking(&self, user: &'static str, scopes: Vec<String>) -> Session {
        demo_login_asking(&self.service, user, scopes).await
    }

    /// The dashboard of `user`, the clock at the login, in `org`.
    async fn dashboard(&self, user: &'static str, org: Option<&str>) -> Model {
        let session = self.login(user).await;
        let mut model = Model::new(&self.service.config, session.logged_in_at);
        model.utc = true;
        model.demo = true;
        if let Some(org) = org {
            model
                .preferences
                .set_active_org(&session.provider, &session.user.subject, org);
        }
        enter_dashboard(&mut model, session);
        model
    }

    /// Run the commands' panel fetches for real and hand their answers
    /// to `update`, as the app's effects do.
    async fn run(&self, model: &mut Model, commands: Vec<Command>) {
        support::screens::answer_fetches(&self.service, model, commands, |_| {}).await;
    }
}

fn press(model: &mut Model, code: KeyCode) -> Vec<Command> {
    update(model, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

/// The panel ids of the fetches among `commands` (a session's Debug is
/// too long for a failure message).
fn fetched_ids(commands: &[Command]) -> Vec<String> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::FetchPanel { spec, .. } => Some(spec.id.clone()),
            _ => None,
        })
        .collect()
}

/// Move the navigation to panel `id` (panels passed on the way start
/// fetches the next move cancels); the fetch of `id`, if it started one.
fn go_to(model: &mut Model, id: &str) -> Vec<Command> {
    support::screens::nav_to_panel(model, id)
        .into_iter()
        .filter(|c| matches!(c, Command::FetchPanel { spec, .. } if spec.id == id))
        .collect()
}

fn render(model: &Model, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|frame| view::draw(frame, model))
        .expect("draw");
    terminal.backend().to_string()
}

/// Both sizes, each its own snapshot; ports, countdowns and the spinner
/// (the clock is the login's, different each run) redacted.
fn assert_screens(name: &str, model: &Model) {
    for (w, h) in SIZES {
        let text = render(model, w, h);
        insta::with_settings!({
            filters => vec![
                (r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]"),
                (r"(?P<w>renews|expires) in \d+ (?:s|min|h \d+ min|days)\b", "${w} in [DURATION]"),
                // The spinner turns with the clock, here the login's.
                (r"[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] loading", "[SPINNER] loading"),
            ],
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(format!("panel_{name}_{w}x{h}"), text);
        });
    }
}

fn dash(model: &Model) -> &authdash::tui::model::Dashboard {
    model.dashboard().expect("the dashboard")
}

#[tokio::test]
async fn snapshot_each_view_with_demo_data() {
    let setup = Setup::start().await;
    let mut model = setup.dashboard("alice", Some(ACME)).await;
    for (id, name) in [
        ("billing", "kv_billing"),
        ("reports", "sparkline_reports"),
        ("usage", "line_usage"),
        ("invoices", "table_invoices"),
        ("members", "table_members"),
        ("notes", "text_notes"),
        ("bars", "bar_usage"),
    ] {
        let commands = go_to(&mut model, id);
        assert_eq!(fetched_ids(&commands), [id]);
        setup.run(&mut model, commands).await;
        let state = &dash(&model).panel_states[id];
        assert!(
            state.data.is_some() && state.error.is_none(),
            "{id}: {state:?}"
        );
        assert_screens(name, &model);
    }
}

#[tokio::test]
async fn snapshot_loading_error_stale_and_locked() {
    let setup = Setup::start().await;
    let mut model = setup.dashboard("alice", Some(ACME)).await;
    let commands = go_to(&mut model, "invoices");
    assert_screens("loading_invoices", &model);
    setup.run(&mut model, commands).await;

    // A reload that fails keeps the last good rows, with their age.
    let later = model.now + TimeDelta::minutes(3);
    update(&mut model, Msg::Tick(later));
    let reload = press(&mut model, KeyCode::Char('r'));
    let [Command::FetchPanel { generation, .. }] = reload.as_slice() else {
        panic!("r reloads: {:?}", fetched_ids(&reload));
    };
    update(
        &mut model,
        Msg::PanelLoaded {
            generation: *generation,
            panel_id: "invoices".into(),
            result: Err(SourceError::Status {
                code: 502,
                detail: Some("bad gateway".into()),
            }),
        },
    );
    assert_screens("stale_invoices", &model);

    // Bob, an Admin: Billing locked, and the API's own 403 when asked.
    let mut bob = setup.dashboard("bob", Some(ACME)).await;
    go_to(&mut bob, "billing");
    assert_screens("locked_billing_bob", &bob);
    let spec = bob.panels.iter().find(|p| p.id == "billing").cloned();
    let session = dash(&bob).session.clone();
    let fetched = setup
        .service
        .fetch_source(
            &session,
            &spec.expect("billing"),
            TemplateVars {
                org_id: ACME,
                org_name: "Acme",
                user_id: &session.user.subject,
            },
        )
        .await;
    assert!(matches!(fetched.data, Err(SourceError::Forbidden(_))));
    // Shown as the members panel would show it, had the API said no.
    let commands = go_to(&mut bob, "members");
    let [Command::FetchPanel { generation, .. }] = commands.as_slice() else {
        panic!("members loads for bob: {:?}", fetched_ids(&commands));
    };
    update(
        &mut bob,
        Msg::PanelLoaded {
            generation: *generation,
            panel_id: "members".into(),
            result: fetched.data,
        },
    );
    assert_screens("forbidden_members_bob", &bob);
}

/// Alice in Globex: Billing is locked there, names Acme, and `u` switches
/// to Acme and opens it.
#[tokio::test]
async fn a_locked_panel_switches_to_the_org_that_unlocks_it() {
    let setup = Setup::start().await;
    let mut model = setup.dashboard("alice", Some(GLOBEX)).await;
    let commands = go_to(&mut model, "billing");
    assert!(
        fetched_ids(&commands).is_empty(),
        "a locked panel fetches nothing"
    );
    press(&mut model, KeyCode::Right);
    assert_screens("locked_billing_alice_globex", &model);
    let screen = render(&model, 120, 40);
    assert!(
        screen.contains("It opens for you in Acme (Owner)"),
        "{screen}"
    );
    let commands = press(&mut model, KeyCode::Char('u'));
    assert_eq!(dash(&model).active_org.as_deref(), Some(ACME));
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::SaveActiveOrg { org_id, .. } if org_id == ACME)),
        "{commands:?}"
    );
    assert!(
        commands.iter().any(|c| matches!(c, Command::FetchPanel { spec, org_id, .. } if spec.id == "billing" && org_id == ACME)),
        "{commands:?}"
    );
    setup.run(&mut model, commands).await;
    assert!(render(&model, 120, 40).contains("Enterprise (25 seats)"));
}

/// A scope the session lacks: no org switch helps; the way is a login
/// asking for it.
#[tokio::test]
async fn a_panel_needing_a_scope_says_the_session_lacks_it() {
    let setup = Setup::start().await;
    let mut model = setup.dashboard("alice", Some(ACME)).await;
    assert!(go_to(&mut model, "audit").is_empty(), "nothing fetched");
    let screen = render(&model, 120, 40);
    assert!(screen.contains("Audit (locked)"), "{screen}");
    assert!(
        screen.contains("needs the scope audit:read, which this session was not granted"),
        "{screen}"
    );
    assert!(!screen.contains("It opens for you in"), "{screen}");
}

/// Incremental consent: on the panel that needs a scope, the unlock key
/// logs in again asking for it, as the same account (Esc goes back); the
/// provider grants it and the panel opens.
#[tokio::test]
async fn a_panel_needing_a_scope_logs_in_again_asking_for_it() {
    let setup = Setup::start().await;
    let mut model = setup.dashboard("alice", Some(ACME)).await;
    let before = dash(&model).session.clone();
    go_to(&mut model, "audit");
    assert!(
        render(&model, 120, 40)
            .contains("u logs in again asking authdash demo provider for audit:read")
    );
    let commands = press(&mut model, KeyCode::Char('u'));
    let [
        Command::StartLogin {
            generation,
            scopes,
            add_account: false,
            ..
        },
    ] = commands.as_slice()
    else {
        panic!("expected a login asking for the scope, got {commands:?}");
    };
    assert_eq!(scopes, &["audit:read".to_owned()]);
    let generation = *generation;
    let Screen::Login(login) = &model.screen else {
        panic!("expected the login screen");
    };
    assert_eq!(
        login.back_to.as_ref().map(|s| s.user.subject.clone()),
        Some(before.user.subject.clone()),
        "Esc goes back to this account"
    );
    assert!(render(&model, 120, 40).contains("audit:read"));

    // What the effects do with that command: the same login, asking more.
    let session = setup.login_asking("alice", scopes.clone()).await;
    assert!(session.tokens.scopes.iter().any(|s| s == "audit:read"));
    assert_eq!(
        AccountId::of(&session),
        AccountId::of(&before),
        "the same account"
    );
    update(
        &mut model,
        Msg::LoginFinished {
            generation,
            result: Ok(Box::new(session)),
        },
    );
    go_to(&mut model, "audit");
    let screen = render(&model, 120, 40);
    assert!(!screen.contains("Audit (locked)"), "{screen}");
}

/// Org A's slow answer arrives after the switch to B: it is dropped, and
/// the switch cancelled the fetch under way.
#[tokio::test]
async fn an_answer_for_the_org_before_never_paints_the_next() {
    let setup = Setup::start().await;
    let mut model = setup.dashboard("alice", Some(ACME)).await;
    let commands = go_to(&mut model, "reports");
    let [Command::FetchPanel { generation, .. }] = commands.as_slice() else {
        panic!("reports loads: {:?}", fetched_ids(&commands));
    };
    let acme_fetch = *generation;
    // Organizations, Globex, Enter.
    press(&mut model, KeyCode::Char('o'));
    press(&mut model, KeyCode::Char('/'));
    for c in "glo".chars() {
        press(&mut model, KeyCode::Char(c));
    }
    let commands = press(&mut model, KeyCode::Enter);
    assert!(
        matches!(commands.first(), Some(Command::CancelPanels)),
        "the switch cancels the fetch under way"
    );
    assert_eq!(dash(&model).active_org.as_deref(), Some(GLOBEX));
    update(
        &mut model,
        Msg::PanelLoaded {
            generation: acme_fetch,
            panel_id: "reports".into(),
            result: Ok(serde_json::json!([1000, 2000])),
        },
    );
    assert!(
        !dash(&model).panel_states.contains_key("reports"),
        "Acme's answer is not Globex's data"
    );
}

#[tokio::test]
async fn a_table_sorts_and_filters_and_a_panel_refreshes_on_its_interval() {
    let setup = Setup::start().await;
    let mut model = setup.dashboard("alice", Some(ACME)).await;
    let commands = go_to(&mut model, "members");
    setup.run(&mut model, commands).await;
    press(&mut model, KeyCode::Right);
    // Columns by key: name, email, role, last_seen_days, mfa.
    for _ in 0..4 {
        press(&mut model, KeyCode::Char('s'));
    }
    press(&mut model, KeyCode::Char('S'));
    let screen = render(&model, 120, 40);
    let carol = screen.find("Carol Clark").expect("carol listed");
    let alice = screen.find("Alice Anderson  alice").expect("alice listed");
    assert!(
        carol < alice,
        "sorted by last seen, most days first:\n{screen}"
    );
    assert!(screen.contains("Last seen (days) ▼"), "{screen}");
    press(&mut model, KeyCode::Char('/'));
    assert!(model.text_input_active(), "q types while filtering");
    for c in "bob".chars() {
        assert!(press(&mut model, KeyCode::Char(c)).is_empty());
    }
    press(&mut model, KeyCode::Enter);
    let screen = render(&model, 120, 40);
    assert!(screen.contains("1 of 4 rows"), "{screen}");
    assert!(!screen.contains("Carol Clark"), "{screen}");

    // Reports refreshes every 60 s while open.
    press(&mut model, KeyCode::Left);
    let commands = go_to(&mut model, "reports");
    assert_eq!(fetched_ids(&commands), ["reports"]);
    setup.run(&mut model, commands).await;
    let start = model.now;
    assert!(update(&mut model, Msg::Tick(start + TimeDelta::seconds(30))).is_empty());
    let due = update(&mut model, Msg::Tick(start + TimeDelta::seconds(61)));
    assert_eq!(fetched_ids(&due), ["reports"]);
    assert!(matches!(model.screen, Screen::Dashboard(_)));
}

/// The Session inspector: decoded ID token claims with local and relative
/// times, the verification result, the discovery summary from the real
/// provider, the token values masked until `v`.
#[tokio::test]
async fn the_session_inspector_decodes_tokens_and_masks_them_until_revealed() {
    let setup = Setup::start().await;
    let mut model = setup.dashboard("alice", Some(ACME)).await;
    press(&mut model, KeyCode::Down);
    assert!(
        press(&mut model, KeyCode::Down).is_empty(),
        "passing by asks nothing"
    );
    let commands = press(&mut model, KeyCode::Right);
    let [Command::DescribeProvider { session }] = commands.as_slice() else {
        panic!("Session asks for the discovery summary once turned to");
    };
    let summary = setup
        .service
        .describe_provider(session)
        .await
        .map_err(|e| e.to_string());
    update(
        &mut model,
        Msg::ProviderSummary {
            account: AccountId::of(session),
            result: summary,
        },
    );
    let mut seen = String::new();
    for _ in 0..8 {
        seen.push_str(&render(&model, 120, 40));
        for _ in 0..20 {
            press(&mut model, KeyCode::Down);
        }
    }
    let access = dash(&model).session.access_token().to_owned();
    for expected in [
        "ID token verified: signature (JWKS)",
        "\"alg\":\"RS256\"",
        "characters; v reveals",
        "auth_time",
        "ID token algs",
        "RS256",
        "authorization",
        "/authorize",
        "Last renewals",
        "none in this run",
    ] {
        assert!(seen.contains(expected), "{expected:?} missing:\n{seen}");
    }
    assert!(
        seen.lines()
            .any(|l| l.contains("exp ") && l.contains("UTC (in ")),
        "exp with its countdown:\n{seen}"
    );
    assert!(!seen.contains(&access), "the access token is masked");

    press(&mut model, KeyCode::Char('v'));
    let mut revealed = String::new();
    for _ in 0..8 {
        revealed.push_str(&render(&model, 120, 40));
        for _ in 0..20 {
            press(&mut model, KeyCode::Up);
        }
    }
    let flat: String = revealed
        .lines()
        .flat_map(|l| l.split('│'))
        .map(str::trim)
        .collect();
    assert!(flat.contains(&access), "v reveals the access token");
}

/// A renewal as the dashboard runs it (the access token near expiry, a
/// tick) is listed in the inspector with its result and duration.
#[tokio::test]
async fn the_inspector_lists_the_last_renewals() {
    let setup = Setup::start().await;
    let mut model = setup.dashboard("carol", Some(ACME)).await;
    let expires = dash(&model)
        .session
        .tokens
        .expires_at
        .expect("the demo gives an expiry");
    let commands = update(&mut model, Msg::Tick(expires - TimeDelta::seconds(5)));
    let [
        Command::Refresh {
            session,
            generation,
        },
    ] = commands.as_slice()
    else {
        panic!("a renewal starts near expiry");
    };
    let renewed = setup.service.renew(session).await.expect("renewed");
    update(&mut model, Msg::Tick(expires - TimeDelta::seconds(4)));
    update(
        &mut model,
        Msg::Refreshed {
            account: AccountId::of(session),
            generation: Some(*generation),
            result: Ok(Box::new(renewed)),
        },
    );
    let records = &dash(&model).renewals;
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].took_ms, Some(1000));
    assert!(records[0].result.is_ok());
    support::screens::nav_to_panel(&mut model, "billing");
    while dash(&model).nav != 2 {
        press(&mut model, KeyCode::Up);
    }
    press(&mut model, KeyCode::Right);
    let mut seen = String::new();
    for _ in 0..6 {
        seen.push_str(&render(&model, 120, 40));
        for _ in 0..20 {
            press(&mut model, KeyCode::Down);
        }
    }
    assert!(seen.contains("1000 ms · renewed"), "{seen}");
}

/// Leaving a panel while its data is on the way cancels the fetch; its
/// answer, should it still come, is dropped.
#[tokio::test]
async fn leaving_a_loading_panel_cancels_its_fetch() {
    let setup = Setup::start().await;
    let mut model = setup.dashboard("alice", Some(ACME)).await;
    let commands = go_to(&mut model, "usage");
    let [Command::FetchPanel { generation, .. }] = commands.as_slice() else {
        panic!("usage loads: {:?}", fetched_ids(&commands));
    };
    let generation = *generation;
    let left = press(&mut model, KeyCode::Down);
    assert!(
        matches!(left.first(), Some(Command::CancelPanels)),
        "leaving cancels: {:?}",
        fetched_ids(&left)
    );
    update(
        &mut model,
        Msg::PanelLoaded {
            generation,
            panel_id: "usage".into(),
            result: Ok(serde_json::json!([1, 2])),
        },
    );
    assert!(!dash(&model).panel_states.contains_key("usage"));
}
