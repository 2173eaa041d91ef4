//! A locked panel's advice fits the person: the requirement said once;
//! whom to ask is someone with more rights than they have (an Admin asks
//! an Owner, an Owner the provider's role settings); no organization says
//! so and who could invite them; `u` is offered only where it opens
//! something, greyed with its reason elsewhere; a scope the provider did
//! not grant at a step-up is said, on the panel the person stayed on.

use authdash::tui::action::{Action, Context};
use authdash::tui::commands::{Availability, availability, footer_hints, help_lines};
use authdash::tui::keymap::Key;
use authdash::tui::message::{Command, Msg};
use authdash::tui::model::{Level, Model, NavItem, Screen};
use authdash::tui::update::update;
use crossterm::event::KeyCode;

use crate::assert_screens;
use crate::support::screens::{Demo, app_press, keys, press, press_key, pump_through, rows};

const NAV_BILLING: usize = 3;
const NAV_ADMIN: usize = 4;
/// The panels below, after the demo's ten entries.
const NAV_EXPORTS: usize = 10;
const NAV_AUDIT: usize = 11;
const NAV_EXPORT_SCOPE: usize = 12;
const NAV_PLAN: usize = 13;

/// A permission no role of the demo gives (so an Owner lacks it too), a
/// scope the demo grants when asked, one it does not know, and a panel the
/// config opens to every member whose API (Billing's) refuses all but
/// those who see billing.
const PANELS: &str = r#"
[[authdash.panels]]
id = "exports"
title = "Exports"
description = "Audit exports of the organization."
requires = { permissions = ["can_export_audit"] }
data_url = "{issuer}/api/orgs/{org_id}/panels/{panel_id}"

[[authdash.panels]]
id = "audit"
title = "Audit"
requires = { scopes = ["audit:read"] }
source = { type = "http", url = "{issuer}/api/orgs/{org_id}/panels/admin" }

[[authdash.panels]]
id = "export_scope"
title = "Export API"
requires = { scopes = ["reports:export"] }
source = { type = "http", url = "{issuer}/api/orgs/{org_id}/panels/admin" }

[[authdash.panels]]
id = "plan"
title = "Plan"
requires = { min_role = "Member" }
source = { type = "http", url = "{issuer}/api/orgs/{org_id}/panels/billing", select = "/summary" }
view = { type = "text" }
"#;

/// `user`'s dashboard on the `nav`-th entry of the list.
async fn on(demo: &Demo, user: &str, nav: usize) -> Model {
    let (mut model, _) = demo.dashboard(user).await;
    for _ in 0..nav {
        press(&mut model, KeyCode::Down);
    }
    model
}

/// The text of the panel's side of the screen (right of the list).
fn panel_text(model: &Model) -> String {
    rows(model, 120, 36)
        .iter()
        .map(|r| r.chars().skip(24).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The whole panel's text as one line, wrapped lines joined.
fn flat(model: &Model) -> String {
    panel_text(model)
        .lines()
        .map(|l| l.trim_matches(|c: char| c == '│' || c == '┃' || c.is_whitespace()))
        .collect::<Vec<_>>()
        .join(" ")
}

fn unlock(model: &Model) -> Availability {
    availability(model, Context::Dashboard, Action::Unlock)
}

#[tokio::test]
async fn an_owner_missing_a_permission_is_sent_to_the_providers_role_settings() {
    let demo = Demo::start_as_the_binary(PANELS).await;
    let model = on(&demo, "alice", NAV_EXPORTS).await;
    let text = flat(&model);
    assert!(
        text.contains("Locked: needs permission can_export_audit in Acme. You are Owner there"),
        "{text}"
    );
    assert!(text.contains("no role in Acme is above Owner"), "{text}");
    assert!(!text.contains("ask an"), "nobody above an Owner: {text}");
    assert_eq!(
        unlock(&model),
        Availability::Disabled("none of your organizations opens this panel".into())
    );
    assert_screens!("lock_owner_alice", &model);
}

#[tokio::test]
async fn an_admin_is_sent_to_an_owner() {
    let demo = Demo::start().await;
    let model = on(&demo, "bob", NAV_BILLING).await;
    let text = flat(&model);
    assert!(text.contains("ask an Owner of Acme for access"), "{text}");
    assert!(!text.contains("an admin"), "{text}");
    assert_eq!(
        text.matches("can_view_billing").count(),
        1,
        "the requirement once: {text}"
    );
    assert!(!text.contains("u switches"), "{text}");
    assert_screens!("lock_admin_bob", &model);
}

#[tokio::test]
async fn a_member_is_sent_to_an_admin_or_owner() {
    let demo = Demo::start().await;
    let model = on(&demo, "carol", NAV_ADMIN).await;
    let text = flat(&model);
    assert!(
        text.contains("Locked: needs role Admin or higher in Acme"),
        "{text}"
    );
    assert!(
        text.contains("ask an Admin or Owner of Acme for access"),
        "{text}"
    );
    assert_eq!(text.matches("Admin or higher").count(), 1, "{text}");
    assert_screens!("lock_member_carol", &model);
}

#[tokio::test]
async fn someone_in_no_organization_is_told_so_and_who_could_invite_them() {
    let demo = Demo::start().await;
    let model = on(&demo, "dave", NAV_BILLING).await;
    let text = flat(&model);
    assert!(
        text.contains("Locked: needs permission can_view_billing in an organization."),
        "{text}"
    );
    assert!(
        text.contains(
            "You are not a member of any organization: an Owner or Admin of an organization \
             could invite you."
        ),
        "{text}"
    );
    assert!(!text.contains("pick one"), "{text}");
    assert_eq!(
        unlock(&model),
        Availability::Disabled("you are in no organization".into())
    );
    assert_screens!("lock_no_org_dave", &model);
}

/// Where `u` would not help it is greyed in the footer and the help with
/// its reason, and pressing it says the reason and does nothing.
#[tokio::test]
async fn u_is_greyed_with_its_reason_where_it_would_not_help() {
    let demo = Demo::start().await;
    let mut model = on(&demo, "bob", NAV_BILLING).await;
    let hint = footer_hints(&model)
        .into_iter()
        .find(|h| h.action == Action::Unlock)
        .expect("u in the footer");
    assert!(!hint.enabled, "greyed");
    let why = help_lines(&model)
        .into_iter()
        .find(|(c, command, _)| *c == Context::Dashboard && command.action == Action::Unlock)
        .and_then(|(_, _, why)| why);
    assert_eq!(
        why.as_deref(),
        Some("none of your organizations opens this panel")
    );
    let commands = press_key(&mut model, Key::Char('u'));
    assert!(commands.is_empty(), "{commands:?}");
    assert_eq!(
        model.toast.as_ref().map(|t| t.text.as_str()),
        Some("None of your organizations opens this panel.")
    );
}

/// Alice in Globex (a Member there) on Billing: Acme opens it, so `u` is
/// offered, and switches.
#[tokio::test]
async fn u_is_offered_where_another_org_opens_the_panel() {
    let demo = Demo::start().await;
    let (mut model, _) = demo.dashboard("alice").await;
    keys(&mut model, &[KeyCode::Char('o'), KeyCode::Char('j')]);
    press(&mut model, KeyCode::Enter);
    press(&mut model, KeyCode::Char('h'));
    for _ in 1..NAV_BILLING {
        press(&mut model, KeyCode::Down);
    }
    let text = flat(&model);
    assert!(text.contains("in Globex. You are Member there"), "{text}");
    assert!(text.contains("It opens for you in Acme (Owner)."), "{text}");
    assert!(
        text.contains("u switches to Acme and opens it here."),
        "{text}"
    );
    assert_eq!(unlock(&model), Availability::Enabled);
    let hint = footer_hints(&model)
        .into_iter()
        .find(|h| h.action == Action::Unlock)
        .expect("u in the footer");
    assert!(hint.enabled);
    press_key(&mut model, Key::Char('u'));
    let dash = model.dashboard().expect("the dashboard");
    assert_eq!(
        dash.active_membership().map(|o| o.org_name.as_str()),
        Some("Acme")
    );
    assert_eq!(model.nav_items()[dash.nav], NavItem::Panel(0));
}

/// `u` on a panel needing a scope: a login asking for it. The provider
/// grants it: back on that panel, open.
#[tokio::test]
async fn a_step_up_that_is_granted_comes_back_to_the_panel_open() {
    let demo = Demo::start_as_the_binary(PANELS).await;
    let mut model = on(&demo, "alice", NAV_AUDIT).await;
    assert_eq!(unlock(&model), Availability::Enabled);
    assert!(flat(&model).contains("u logs in again asking authdash demo provider for audit:read"));
    let (generation, scopes) = step_up(&mut model);
    assert_eq!(scopes, ["audit:read"]);
    let session = demo.session_asking("alice", scopes).await;
    let commands = update(
        &mut model,
        Msg::LoginFinished {
            generation,
            result: Ok(Box::new(session)),
        },
    );
    let dash = model.dashboard().expect("the dashboard");
    assert_eq!(
        model.nav_items()[dash.nav],
        NavItem::Panel(8),
        "still Audit"
    );
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::FetchPanel { spec, .. } if spec.id == "audit")),
        "{commands:?}"
    );
    assert_eq!(model.toast, None);
}

/// The provider does not grant the scope the step-up asked for: said, on
/// the same panel; `u` stops asking, greyed with the reason.
#[tokio::test]
async fn a_step_up_the_provider_does_not_grant_is_said_and_the_panel_stays() {
    let demo = Demo::start_as_the_binary(PANELS).await;
    let mut model = on(&demo, "alice", NAV_EXPORT_SCOPE).await;
    let (generation, scopes) = step_up(&mut model);
    assert_eq!(scopes, ["reports:export"]);
    let session = demo.session_asking("alice", scopes).await;
    assert!(!session.tokens.scopes.iter().any(|s| s == "reports:export"));
    update(
        &mut model,
        Msg::LoginFinished {
            generation,
            result: Ok(Box::new(session)),
        },
    );
    let dash = model.dashboard().expect("the dashboard");
    assert_eq!(
        model.nav_items()[dash.nav],
        NavItem::Panel(9),
        "still Export API"
    );
    let toast = model.toast.clone().expect("said");
    assert_eq!(toast.level, Level::Error);
    assert!(
        toast.text.starts_with(
            "The provider (authdash demo provider) did not grant the scope reports:export"
        ),
        "{toast:?}"
    );
    let text = flat(&model);
    assert!(
        text.contains("authdash demo provider did not grant reports:export when a login asked"),
        "{text}"
    );
    assert!(!text.contains("u logs in again"), "{text}");
    let why = "the provider (authdash demo provider) did not grant reports:export when asked";
    assert_eq!(unlock(&model), Availability::Disabled(why.into()));
    press(&mut model, KeyCode::Esc);
    let commands = press_key(&mut model, Key::Char('u'));
    assert!(commands.is_empty(), "no login again: {commands:?}");
    assert_eq!(
        model.toast.map(|t| t.text),
        Some(
            "The provider (authdash demo provider) did not grant reports:export when asked."
                .to_owned()
        )
    );
}

/// `u` on the panel: the login asking for scopes, its generation.
fn step_up(model: &mut Model) -> (u64, Vec<String>) {
    let commands = press_key(model, Key::Char('u'));
    match commands.as_slice() {
        [
            Command::StartLogin {
                generation,
                scopes,
                add_account: false,
                ..
            },
        ] => {
            assert!(matches!(model.screen, Screen::Login(_)));
            (*generation, scopes.clone())
        }
        other => panic!("expected a login asking for scopes, got {other:?}"),
    }
}

/// The API refuses (403) what the config lets bob open: whom to ask is an
/// Owner, not "an admin".
#[tokio::test]
async fn a_403_from_the_panels_api_names_someone_above_the_person() {
    let demo = Demo::start_as_the_binary(PANELS).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let service = demo.service(dir.path());
    let bob = demo.login_asking("bob", Vec::new()).await;
    service.store.save(&bob).expect("stored");
    let mut app = demo.resumed_app(dir.path(), bob.logged_in_at).await;
    for _ in 0..NAV_PLAN {
        app_press(&mut app, KeyCode::Down);
    }
    pump_through(
        &mut app,
        "the Plan answer",
        |m| matches!(m, Msg::PanelLoaded { panel_id, .. } if panel_id == "plan"),
    )
    .await;
    let text = flat(&app.model);
    assert!(text.contains("HTTP 403"), "{text}");
    assert!(text.contains("ask an Owner of Acme for access"), "{text}");
    assert!(!text.contains("ask an admin"), "{text}");
}
