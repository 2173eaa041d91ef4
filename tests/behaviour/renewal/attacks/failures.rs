//! Attacks on a renewal whose userinfo fails (commit b49f06e): where a
//! person's organizations come from userinfo, a renewal that cannot read
//! it is not complete (the rotated tokens are kept, marked unverified, and
//! every use tries again); where only who the person is comes from it,
//! the renewal completes with what userinfo said last under the renewed
//! ID token. Each test is one way to make that lose a rotated refresh
//! token, spend one twice, end a session that should live, keep a role
//! the provider took away, fetch panel data on stale roles, or leak a
//! token into a message. Written by a reviewer who did not write the rule;
//! `tests/attacks_renewal_claims.rs` holds the first review's attacks.

use crate::support;

use std::path::PathBuf;
use std::process::Output;
use std::sync::Arc;

use authdash::auth::{AuthError, Session};
use authdash::panels::{Access, Requirement};
use authdash::session::{SessionError, SessionService};
use authdash::store::{AccountId, TokenStore};
use chrono::{TimeDelta, Utc};
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use support::acme::{admin_panel_opens, expired, orgs, refresh_token, role, with};
use support::binary;
use support::broken_provider::{BrokenProvider, Fault, HugeAt, SUBJECT, UserinfoAnswer};
use support::engine::bounded;
use support::home::{Home, approved_home, fetch_url};

// ---------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------

/// A home whose config `a.toml` names the broken provider, with
/// `provider_lines` after `server_metadata_url`; a login through the
/// session service (stored).
async fn service_login(
    op: &BrokenProvider,
    provider_lines: &str,
) -> (Home, Arc<SessionService>, Session) {
    let (home, _, service, session) = approved_home(&op.toml_with(provider_lines, "")).await;
    (home, service, session)
}

/// The account as the store holds it now (read as another process would).
/// Every token string a session holds.
fn secrets(s: &Session) -> Vec<String> {
    let mut all = vec![
        s.tokens.access_token.expose_secret().to_owned(),
        s.tokens.id_token.expose_secret().to_owned(),
    ];
    all.extend(
        s.tokens
            .refresh_token
            .as_ref()
            .map(|t| t.expose_secret().to_owned()),
    );
    all
}

fn assert_no_secret(text: &str, sessions: &[&Session], what: &str) {
    for s in sessions {
        for secret in secrets(s) {
            assert!(!text.contains(&secret), "{what} carries a token: {text}");
        }
    }
}

/// The renewal of `session` (its access token expired) as a use would
/// start it; the error it must give while userinfo cannot be read.
async fn unverified(service: &SessionService, session: &Session) -> String {
    let error = bounded("renewal", service.renew(&expired(session.clone())))
        .await
        .expect_err("a renewal that could not read the orgs is not complete");
    assert!(!error.needs_login(), "it must not end the session: {error}");
    match error {
        SessionError::Unverified { reason, .. } => reason,
        other => panic!("expected Unverified, got {other}"),
    }
}

/// An Admin (in userinfo) logged in through the session service, then
/// made a Member while userinfo is down: the renewal left unverified.
async fn demoted_while_userinfo_is_down() -> (BrokenProvider, Home, Arc<SessionService>, Session) {
    let op = BrokenProvider::start(Fault::None).await;
    op.set_extra_userinfo(orgs("Admin"));
    let (home, service, login) = service_login(&op, "").await;
    op.set_extra_userinfo(orgs("Member"));
    op.set_fault(Fault::UserinfoUnavailable);
    unverified(&service, &login).await;
    (op, home, service, login)
}

/// The binary with the home's `a.toml`, run off the runtime's threads.
async fn authdash(home: &Home, args: &[&str]) -> Output {
    let dir: PathBuf = home.dir.path().to_owned();
    let config = home.config_path("a.toml");
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        binary::run(
            binary::command(&dir)
                .arg("--config")
                .arg(config)
                .args(&args),
        )
    })
    .await
    .expect("the run")
}

// ---------------------------------------------------------------------
// Orgs in userinfo, userinfo down: rotation, reuse, recovery.
// ---------------------------------------------------------------------

/// Userinfo down for three uses in a row, the role taken away meanwhile:
/// each renewal stores the newly rotated refresh token (never the spent
/// one), none presents a refresh token twice, the account is never
/// removed; once userinfo answers, a renewal started from the stale
/// session a face still holds (the login's) recovers, without spending
/// the login's token again, and the Admin is gone.
#[tokio::test(flavor = "multi_thread")]
async fn repeated_unverified_renewals_rotate_without_reuse_and_recover() {
    let op = BrokenProvider::start(Fault::None).await;
    op.set_extra_userinfo(orgs("Admin"));
    let (home, service, login) = service_login(&op, "").await;
    assert!(admin_panel_opens(&login));

    op.set_extra_userinfo(orgs("Member"));
    op.set_fault(Fault::UserinfoUnavailable);
    let mut seen = vec![refresh_token(&login)];
    for round in 0..3 {
        let reason = unverified(&service, &login).await;
        assert!(reason.contains("userinfo"), "[{round}] {reason}");
        let kept = home.stored(&login).expect("never removed");
        assert!(kept.unverified.is_some(), "[{round}] marked unverified");
        assert!(
            !seen.contains(&refresh_token(&kept)),
            "[{round}] the stored refresh token is one already spent"
        );
        assert!(
            admin_panel_opens(&kept),
            "the last verified claims are kept"
        );
        seen.push(refresh_token(&kept));
    }
    assert_eq!(op.refresh_reuses(), 0, "a refresh token was spent twice");
    assert_eq!(op.token_hits(), 1 + 3);

    op.set_fault(Fault::None);
    let renewed = bounded("renewal", service.renew(&expired(login.clone())))
        .await
        .expect("recovered once userinfo answers");
    assert_eq!(op.refresh_reuses(), 0, "a refresh token was spent twice");
    assert!(renewed.unverified.is_none());
    assert_eq!(role(&renewed), Some("Member"));
    assert!(!admin_panel_opens(&renewed));
    let kept = home.stored(&login).expect("stored");
    assert!(kept.unverified.is_none());
    assert_eq!(role(&kept), Some("Member"));
    assert_eq!(refresh_token(&kept), refresh_token(&renewed));
}

/// Panel data while the renewal is unverified: neither the stale session
/// a face holds (expired) nor the stored unverified one (whose rotated
/// access token is fresh) fetches anything, and no renewed session is
/// handed back to be shown. Once userinfo answers, the fetch renews and
/// the face is handed the Member session.
#[tokio::test(flavor = "multi_thread")]
async fn no_panel_data_is_fetched_while_the_renewal_is_unverified() {
    let op = BrokenProvider::start(Fault::None).await;
    op.set_extra_userinfo(orgs("Admin"));
    let (home, service, login) = service_login(&op, "").await;
    op.set_extra_userinfo(orgs("Member"));
    op.set_fault(Fault::UserinfoUnavailable);
    let panel_hits = || op.requests().iter().filter(|p| *p == "/panel").count();

    let face = expired(login.clone());
    let fetched = bounded("fetch", fetch_url(&service, &face, &op.panel_url())).await;
    let error = fetched.data.expect_err("no data on stale roles");
    assert!(
        fetched.renewed.is_none(),
        "an unverified session handed back"
    );
    assert_eq!(panel_hits(), 0, "the panel API was called");
    let kept = home.stored(&login).expect("stored");
    assert_no_secret(&error, &[&login, &kept], "the panel error");

    // The stored unverified session, as another face would load it: its
    // access token is fresh, but it is not usable as it is.
    assert!(kept.unverified.is_some());
    assert!(kept.access_token_fresh(Utc::now()));
    let fetched = bounded("fetch", fetch_url(&service, &kept, &op.panel_url())).await;
    let refused = fetched
        .data
        .expect_err("data fetched with unverified tokens");
    assert!(refused.contains("could not be verified"), "{refused}");
    assert!(fetched.renewed.is_none());
    assert_eq!(panel_hits(), 0, "the panel API was called");
    assert_eq!(op.refresh_reuses(), 0);

    op.set_fault(Fault::None);
    let fetched = bounded("fetch", fetch_url(&service, &face, &op.panel_url())).await;
    fetched.data.expect("data once verified");
    let renewed = fetched.renewed.expect("the face is handed the renewal");
    assert!(renewed.unverified.is_none());
    assert_eq!(role(&renewed), Some("Member"));
    assert_eq!(op.refresh_reuses(), 0);
}

/// Another process (a second service over the same store) renews while the
/// first's renewal is unverified: it continues from the stored rotated
/// token, and once it has recovered, the first process takes its session
/// instead of spending a refresh token again.
#[tokio::test(flavor = "multi_thread")]
async fn another_process_continues_an_unverified_renewal_and_the_first_takes_it() {
    let (op, home, first, login) = demoted_while_userinfo_is_down().await;

    let config = first.config.clone();
    let second = home.service(&config);
    let kept = home.stored(&login).expect("stored");
    let error = bounded("second renewal", second.usable(&kept))
        .await
        .expect_err("still unverified");
    assert!(matches!(error, SessionError::Unverified { .. }), "{error}");

    op.set_fault(Fault::None);
    let kept = home.stored(&login).expect("stored");
    let recovered = bounded("second renewal", second.usable(&kept))
        .await
        .expect("recovered");
    assert_eq!(role(&recovered), Some("Member"));
    let hits = op.token_hits();
    let taken = bounded("first renewal", first.renew(&expired(login.clone())))
        .await
        .expect("the first takes the second's session");
    assert_eq!(op.token_hits(), hits, "a refresh token was spent again");
    assert_eq!(refresh_token(&taken), refresh_token(&recovered));
    assert_eq!(role(&taken), Some("Member"));
    assert_eq!(op.refresh_reuses(), 0);
}

/// Orgs in the ID token (read, by default, from the ID token with userinfo
/// over it), userinfo carrying other claims. The renewal's verified ID
/// token demotes the person (Admin → Member) while userinfo is down: the
/// renewal is unverified, but its verified ID token's claims are kept with
/// it. The next renewal's answer carries no ID token (OIDC Core 12.2
/// allows it) and userinfo answers: the provider said Member last, in a
/// verified token, and the session must not go back to the login's Admin.
#[tokio::test(flavor = "multi_thread")]
async fn a_demotion_in_an_unverified_renewal_is_not_undone_by_the_next() {
    let op = BrokenProvider::start(Fault::None).await;
    op.set_extra_id_claims(orgs("Admin"));
    op.set_extra_userinfo(json!({ "department": "sales" }));
    let (home, service, login) = service_login(&op, "").await;
    assert!(admin_panel_opens(&login));

    op.set_extra_id_claims(orgs("Member"));
    op.set_fault(Fault::UserinfoUnavailable);
    unverified(&service, &login).await;

    op.set_fault(Fault::RefreshWithoutIdToken);
    let renewed = bounded("renewal", service.renew(&expired(login.clone())))
        .await
        .expect("renewed: userinfo answers");
    assert!(renewed.unverified.is_none());
    let kept = home.stored(&login).expect("stored");
    assert!(
        !admin_panel_opens(&renewed) && !admin_panel_opens(&kept),
        "the role taken away is back: {:?} (stored {:?})",
        role(&renewed),
        role(&kept)
    );
}

// ---------------------------------------------------------------------
// The CLI while the renewal is unverified.
// ---------------------------------------------------------------------

/// `authdash token` (a second process) while userinfo is down: nothing on
/// stdout, exit 1 (not 4: the session lives), a message naming the cause
/// and no token; run twice, no refresh token is spent twice; once userinfo
/// answers, `token` prints the recovered session's access token.
#[tokio::test(flavor = "multi_thread")]
async fn token_while_unverified_prints_nothing_and_exits_one() {
    let op = BrokenProvider::start(Fault::None).await;
    op.set_extra_userinfo(orgs("Admin"));
    let (home, _service, login) = service_login(&op, "").await;
    op.set_extra_userinfo(orgs("Member"));
    op.set_fault(Fault::UserinfoUnavailable);
    // Forty of its sixty minutes gone: past half its lifetime, so that
    // `--min-ttl 2h` renews (it renews no earlier).
    let mut aged = login.clone();
    aged.logged_in_at -= TimeDelta::minutes(40);
    aged.tokens.expires_at = aged.tokens.expires_at.map(|t| t - TimeDelta::minutes(40));
    home.store().save(&aged).expect("stored");

    for round in 0..2 {
        let out = authdash(&home, &["token", "--min-ttl", "2h"]).await;
        let stderr = binary::text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "[{round}] {stderr}");
        assert!(out.stdout.is_empty(), "[{round}] a token printed");
        assert!(
            stderr.contains("userinfo") && stderr.contains("could not be verified"),
            "[{round}] {stderr}"
        );
        let kept = home.stored(&login).expect("the session lives");
        assert!(kept.unverified.is_some());
        assert_no_secret(&stderr, &[&login, &kept], "token's message");
    }
    assert_eq!(op.refresh_reuses(), 0, "a refresh token was spent twice");

    // Without --min-ttl: the stored access token is fresh, but unverified.
    let out = authdash(&home, &["token"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", binary::text(&out.stderr));
    assert!(out.stdout.is_empty(), "an unverified access token printed");

    op.set_fault(Fault::None);
    let out = authdash(&home, &["token"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", binary::text(&out.stderr));
    let kept = home.stored(&login).expect("stored");
    assert!(kept.unverified.is_none());
    assert_eq!(role(&kept), Some("Member"));
    assert_eq!(
        binary::text(&out.stdout),
        format!("{}\n", kept.access_token())
    );
    assert_eq!(op.refresh_reuses(), 0);
}

/// `authdash exec` while the renewal is unverified: the command is not
/// run with the unverified (or the spent) token, and the exit is 1.
#[tokio::test(flavor = "multi_thread")]
async fn exec_while_unverified_does_not_run_the_command() {
    let op = BrokenProvider::start(Fault::None).await;
    op.set_extra_userinfo(orgs("Admin"));
    let (home, service, login) = service_login(&op, "").await;
    op.set_fault(Fault::UserinfoUnavailable);
    unverified(&service, &login).await;
    let out = authdash(
        &home,
        &[
            "exec",
            "--",
            "sh",
            "-c",
            "echo ran with \"$AUTHDASH_ACCESS_TOKEN\"",
        ],
    )
    .await;
    let stdout = binary::text(&out.stdout);
    assert!(!stdout.contains("ran with"), "the command ran: {stdout}");
    assert_eq!(out.status.code(), Some(1), "{}", binary::text(&out.stderr));
    assert_eq!(op.refresh_reuses(), 0);
}

/// `authdash status --json` (which reads the store only) while the renewal
/// is unverified: the account must not be reported as a plain valid
/// session holding the roles the provider did not confirm (Admin, taken
/// away meanwhile) while `token` refuses it. Scripts gate on this output.
#[tokio::test(flavor = "multi_thread")]
async fn status_marks_an_unverified_session() {
    let (_op, home, _service, _login) = demoted_while_userinfo_is_down().await;

    let out = authdash(&home, &["status", "--json"]).await;
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let account = &report["accounts"][0];
    let said = account.to_string();
    let marked =
        account["state"] != "valid" || said.contains("unverified") || said.contains("not verified");
    assert!(marked, "an unverified session reported as valid: {said}");

    let out = authdash(&home, &["status"]).await;
    let text = binary::text(&out.stdout);
    assert!(
        text.contains("unverified")
            || text.contains("not verified")
            || text.contains("could not be verified"),
        "{text}"
    );
}

// ---------------------------------------------------------------------
// Hostile userinfo at a renewal (orgs in userinfo).
// ---------------------------------------------------------------------

fn answer(status: u16, content_type: &'static str, body: &str) -> Option<UserinfoAnswer> {
    Some(UserinfoAnswer {
        status,
        content_type,
        body: body.to_owned(),
    })
}

/// Userinfo answers 401, 500, a JSON array, a JSON object for another
/// subject, a signed JWT, or a 1 GiB body at the renewal: each time the
/// renewal is unverified (the session lives, its rotated token stored,
/// not usable as is), the body is not read past the cap, and the next
/// renewal, userinfo back, drops the role taken away.
#[tokio::test(flavor = "multi_thread")]
async fn hostile_userinfo_answers_neither_end_the_session_nor_keep_stale_roles() {
    enum How {
        Answer(Option<UserinfoAnswer>),
        Fault(Fault),
    }
    let cases = [
        ("401", How::Answer(answer(401, "text/plain", "invalid_token"))),
        ("500", How::Answer(answer(500, "text/html", "<h1>oops</h1>"))),
        ("array", How::Answer(answer(200, "application/json", "[1,2,3]"))),
        (
            "another subject",
            How::Answer(answer(
                200,
                "application/json",
                &json!({
                    "sub": "impostor-42",
                    "org_id_to_org_info": { "org-1": { "org_id": "org-1", "org_name": "Acme", "user_role": "Owner" } },
                })
                .to_string(),
            )),
        ),
        ("another subject (fault)", How::Fault(Fault::UserinfoSubject)),
        ("jwt", How::Answer(answer(200, "application/jwt", "a.b.c"))),
        ("huge", How::Fault(Fault::HugeBody(HugeAt::Userinfo))),
    ];
    for (name, how) in cases {
        let op = BrokenProvider::start(Fault::None).await;
        op.set_extra_userinfo(orgs("Admin"));
        let (home, service, login) = service_login(&op, "").await;
        op.set_extra_userinfo(orgs("Member"));
        match how {
            How::Answer(a) => op.set_userinfo_answer(a),
            How::Fault(f) => op.set_fault(f),
        }
        let reason = unverified(&service, &login).await;
        let kept = home
            .stored(&login)
            .unwrap_or_else(|| panic!("[{name}] removed"));
        assert!(kept.unverified.is_some(), "[{name}]");
        assert_ne!(refresh_token(&kept), refresh_token(&login), "[{name}]");
        assert!(
            !reason.contains("impostor") || name.contains("subject"),
            "[{name}] {reason}"
        );
        assert_no_secret(&reason, &[&login, &kept], name);
        assert!(
            op.huge_bytes_sent() < 64 << 20,
            "[{name}] read {} bytes",
            op.huge_bytes_sent()
        );

        op.set_userinfo_answer(None);
        op.set_fault(Fault::None);
        let renewed = bounded("renewal", service.renew(&expired(login.clone())))
            .await
            .unwrap_or_else(|e| panic!("[{name}] not recovered: {e}"));
        assert_eq!(role(&renewed), Some("Member"), "[{name}]");
        assert_eq!(renewed.user.subject, SUBJECT, "[{name}]");
        assert_eq!(op.refresh_reuses(), 0, "[{name}]");
    }
}

/// Userinfo answers the renewal with a JSON string echoing the bearer
/// token it was given (a gateway's "invalid token …" page as JSON): the
/// reason is stored in the session, shown by the dashboard and printed by
/// `authdash token`, so it must not carry the access token.
#[tokio::test(flavor = "multi_thread")]
async fn a_userinfo_body_echoing_the_token_does_not_reach_the_message() {
    let op = BrokenProvider::start(Fault::None).await;
    op.set_extra_userinfo(orgs("Admin"));
    let (home, service, login) = service_login(&op, "").await;
    op.set_userinfo_answer(answer(
        200,
        "application/json",
        "\"token {bearer} is not valid here\"",
    ));
    let reason = unverified(&service, &login).await;
    let out = authdash(&home, &["token", "--min-ttl", "2h"]).await;
    let kept = home.stored(&login).expect("stored");
    let stderr = binary::text(&out.stderr);
    let places = [
        ("the Unverified reason", reason.as_str()),
        (
            "the stored reason",
            kept.unverified.as_deref().unwrap_or_default(),
        ),
        ("token's stderr", stderr.as_str()),
    ];
    // The broken provider's access tokens are `at-N-…`; the body echoes
    // the one presented (the renewal's new access token) after "token ".
    let leaks: Vec<&str> = places
        .iter()
        .filter(|(_, text)| text.contains("token at-"))
        .map(|(what, _)| *what)
        .collect();
    assert!(
        leaks.is_empty(),
        "an access token in {leaks:?} (the stored, live one in stderr: {}): {stderr}",
        stderr.contains(kept.access_token())
    );
}

// ---------------------------------------------------------------------
// Profile-only: org_claims = "none", and source = "id_token".
// ---------------------------------------------------------------------

/// Userinfo down under `org_claims = "none"`: the renewal completes, and
/// no held userinfo value beats the fresh ID token's (email and
/// email_verified this time, which decide who the person is shown as).
#[tokio::test(flavor = "multi_thread")]
async fn profile_only_held_email_does_not_beat_the_fresh_id_token() {
    let op = BrokenProvider::start(Fault::None).await;
    op.set_extra_userinfo(json!({ "department": "sales" }));
    let (home, service, login) = service_login(&op, "org_claims = \"none\"").await;
    assert_eq!(login.user.email.as_deref(), Some("one@example.test"));

    op.set_extra_id_claims(json!({ "email": "two@example.test", "email_verified": false }));
    op.set_fault(Fault::UserinfoUnavailable);
    let renewed = bounded("renewal", service.renew(&expired(login.clone())))
        .await
        .expect("renewed: no organization depends on userinfo");
    assert!(renewed.unverified.is_none());
    assert_eq!(renewed.user.email.as_deref(), Some("two@example.test"));
    assert_eq!(renewed.user.email_verified, Some(false));
    assert_eq!(renewed.merged_claims()["department"], "sales");
    let kept = home.stored(&login).expect("stored");
    assert_eq!(kept.user.email.as_deref(), Some("two@example.test"));
    assert_eq!(kept.user.email_verified, Some(false));
}

/// A claim the provider removed, seen by a renewal that read userinfo,
/// does not come back at a later renewal whose userinfo fails; nor does a
/// claim the fresh ID token dropped come back from a second failing one.
#[tokio::test(flavor = "multi_thread")]
async fn profile_only_a_removed_claim_does_not_come_back() {
    let op = BrokenProvider::start(Fault::None).await;
    op.set_extra_userinfo(json!({ "department": "sales", "team": "red" }));
    let (_home, service, login) = service_login(&op, "org_claims = \"none\"").await;

    // Removed at the provider; this renewal reads userinfo.
    op.set_extra_userinfo(json!({ "team": "red" }));
    let first = bounded("renewal", service.renew(&expired(login.clone())))
        .await
        .expect("renewed");
    assert!(!first.merged_claims().contains_key("department"));

    op.set_fault(Fault::UserinfoUnavailable);
    let second = bounded("renewal", service.renew(&expired(first.clone())))
        .await
        .expect("renewed");
    assert!(
        !second.merged_claims().contains_key("department"),
        "a removed claim came back"
    );
    assert_eq!(second.merged_claims()["team"], "red");

    // The ID token says `name` afresh, then stops saying it; userinfo down
    // both times: the held userinfo's `name` was dropped at the first.
    op.set_extra_id_claims(json!({ "name": "Renamed" }));
    let third = bounded("renewal", service.renew(&expired(second.clone())))
        .await
        .expect("renewed");
    assert_eq!(third.merged_claims()["name"], "Renamed");
    assert!(
        !third
            .userinfo
            .as_ref()
            .is_some_and(|u| u.contains_key("name"))
    );
}

/// Under `org_claims = "none"`, userinfo answering for another subject at a
/// renewal does not make the session anyone else's, nor add that answer's
/// claims; the renewal completes on the held userinfo.
#[tokio::test(flavor = "multi_thread")]
async fn profile_only_userinfo_of_another_subject_adds_nothing() {
    let op = BrokenProvider::start(Fault::None).await;
    op.set_extra_userinfo(json!({ "department": "sales" }));
    let (_home, service, login) = service_login(&op, "org_claims = \"none\"").await;
    op.set_userinfo_answer(answer(
        200,
        "application/json",
        &json!({ "sub": "impostor-42", "department": "board", "name": "Mallory" }).to_string(),
    ));
    let renewed = bounded("renewal", service.renew(&expired(login.clone())))
        .await
        .expect("renewed");
    assert_eq!(renewed.user.subject, SUBJECT);
    assert_eq!(AccountId::of(&renewed), AccountId::of(&login));
    let merged = renewed.merged_claims();
    assert_eq!(merged["department"], "sales");
    assert_eq!(merged["name"], "Test User");
    assert_eq!(merged["sub"], SUBJECT);
}

/// Under `org_claims = "none"` with a provider that echoes the login's ID
/// token: userinfo down leaves the session as it was (nothing fresh, the
/// held userinfo whole), and the renewal completes.
#[tokio::test(flavor = "multi_thread")]
async fn profile_only_echoed_id_token_and_userinfo_down_change_nothing() {
    let op = BrokenProvider::start(Fault::RefreshEchoesLoginIdToken).await;
    op.set_extra_userinfo(json!({ "department": "sales" }));
    let (_home, service, login) = service_login(&op, "org_claims = \"none\"").await;
    op.set_userinfo_answer(answer(503, "text/plain", "down"));
    let renewed = bounded("renewal", service.renew(&expired(login.clone())))
        .await
        .expect("renewed");
    assert_eq!(renewed.merged_claims(), login.merged_claims());
    assert_eq!(renewed.user, login.user);
}

/// `source = "id_token"`: userinfo down at a renewal whose ID token demotes
/// the person and then drops the org: the held userinfo's Admin never
/// counts, and the renewal completes (orgs do not depend on userinfo).
#[tokio::test(flavor = "multi_thread")]
async fn source_id_token_held_userinfo_roles_never_count_when_userinfo_fails() {
    let op = BrokenProvider::start(Fault::None).await;
    op.set_extra_id_claims(orgs("Admin"));
    op.set_extra_userinfo(with(orgs("Admin"), json!({ "department": "sales" })));
    let lines = "[auth.test.claims]\nsource = \"id_token\"";
    let (_home, service, login) = service_login(&op, lines).await;
    assert!(admin_panel_opens(&login));

    op.set_fault(Fault::UserinfoUnavailable);
    op.set_extra_id_claims(orgs("Member"));
    let demoted = bounded("renewal", service.renew(&expired(login.clone())))
        .await
        .expect("renewed");
    assert_eq!(role(&demoted), Some("Member"));

    op.set_extra_id_claims(json!({}));
    let dropped = bounded("renewal", service.renew(&expired(demoted.clone())))
        .await
        .expect("renewed");
    assert!(dropped.user.orgs.is_empty(), "{:?}", dropped.user.orgs);
    assert!(!admin_panel_opens(&dropped));
}

// ---------------------------------------------------------------------
// The dashboard resuming an unverified session.
// ---------------------------------------------------------------------

/// The dashboard starts on the stored session, which a renewal left
/// unverified (userinfo down, the Admin taken away meanwhile): its rotated
/// access token is fresh, so nothing but its `unverified` mark says it may
/// not be used as is. The dashboard must either renew it at once or not
/// unlock the Admin panel on the roles the provider did not confirm.
#[tokio::test(flavor = "multi_thread")]
async fn the_dashboard_does_not_unlock_panels_on_an_unverified_session() {
    use authdash::tui::message::Command;
    use authdash::tui::model::Model;
    use authdash::tui::update::{enter_dashboard, tick};

    let (_op, home, service, login) = demoted_while_userinfo_is_down().await;
    let kept = home.stored(&login).expect("stored");
    assert!(kept.unverified.is_some());

    let admin = authdash::panels::PanelSpec {
        id: "admin".into(),
        title: "Admin".into(),
        description: None,
        requires: Requirement {
            min_role: Some("Admin".into()),
            ..Requirement::default()
        },
        data_url: None,
        command: None,
        select: None,
        view: Default::default(),
        refresh: None,
    };
    let now = Utc::now();
    let mut model = Model::new(&service.config, now);
    let mut commands = enter_dashboard(&mut model, kept.clone());
    commands.extend(tick(&mut model, now + TimeDelta::seconds(5)));
    let renews = commands
        .iter()
        .any(|c| matches!(c, Command::Refresh { .. }));
    let dash = model.dashboard().expect("the dashboard");
    let unlocked = model.access(dash, &admin) == Access::Allowed;
    assert!(
        renews || !unlocked,
        "the Admin panel is unlocked on unconfirmed roles and no renewal started: {commands:?}"
    );
}

// ---------------------------------------------------------------------
// Around an unverified renewal: concurrent uses, token-endpoint trouble,
// invalid_grant, logout.
// ---------------------------------------------------------------------

/// Three panel fetches at once on the stale session while userinfo is
/// down: they renew one after another under the lock, each from the
/// stored rotated token, none presenting a refresh token twice; none
/// fetches panel data; the account stays.
#[tokio::test(flavor = "multi_thread")]
async fn concurrent_uses_while_unverified_spend_no_refresh_token_twice() {
    let op = BrokenProvider::start(Fault::None).await;
    op.set_extra_userinfo(orgs("Admin"));
    let (home, service, login) = service_login(&op, "").await;
    op.set_fault(Fault::UserinfoUnavailable);
    let face = expired(login.clone());
    let url = op.panel_url();
    let (a, b, c) = bounded("fetches", async {
        tokio::join!(
            fetch_url(&service, &face, &url),
            fetch_url(&service, &face, &url),
            fetch_url(&service, &face, &url),
        )
    })
    .await;
    for fetched in [a, b, c] {
        let refused = fetched.data.expect_err("data fetched on stale roles");
        assert!(refused.contains("could not be verified"), "{refused}");
        assert!(fetched.renewed.is_none());
    }
    assert_eq!(op.refresh_reuses(), 0, "a refresh token was spent twice");
    assert!(!op.requests().iter().any(|p| p == "/panel"));
    let kept = home.stored(&login).expect("the session lives");
    assert!(kept.unverified.is_some());
}

/// While unverified, the token endpoint answers 503 (and then 429): the
/// stored rotated token and the unverified mark stay as they are (no
/// failed exchange clears the mark or the token); `invalid_grant` then
/// ends the session, as the one answer that may.
#[tokio::test(flavor = "multi_thread")]
async fn token_endpoint_trouble_while_unverified_keeps_the_mark_and_only_invalid_grant_ends() {
    let op = BrokenProvider::start(Fault::None).await;
    op.set_extra_userinfo(orgs("Admin"));
    let (home, service, login) = service_login(&op, "").await;
    op.set_fault(Fault::UserinfoUnavailable);
    unverified(&service, &login).await;
    let before = home.stored(&login).expect("stored");

    for fault in [Fault::RefreshUnavailable, Fault::RefreshRateLimited] {
        op.set_fault(fault);
        let error = bounded("renewal", service.renew(&expired(login.clone())))
            .await
            .expect_err("refused");
        assert!(!error.needs_login(), "{fault:?}: {error}");
        let kept = home.stored(&login).expect("the session lives");
        assert!(kept.unverified.is_some(), "{fault:?}: the mark cleared");
        assert_eq!(refresh_token(&kept), refresh_token(&before), "{fault:?}");
        assert!(admin_panel_opens(&kept) == admin_panel_opens(&before));
    }

    op.set_fault(Fault::TokenError);
    let out = authdash(&home, &["token", "--min-ttl", "2h"]).await;
    assert_eq!(out.status.code(), Some(4), "{}", binary::text(&out.stderr));
    assert!(out.stdout.is_empty());
    assert!(home.stored(&login).is_none(), "invalid_grant ends it");
}

/// Logging out from a face that still holds the stale session (its refresh
/// token spent by the unverified renewal) revokes the stored rotated
/// tokens too: nothing live is left at the provider.
#[tokio::test(flavor = "multi_thread")]
async fn logout_after_an_unverified_renewal_revokes_the_rotated_tokens() {
    use authdash::session::LogoutOptions;

    let op = BrokenProvider::start(Fault::None).await;
    op.set_extra_userinfo(orgs("Admin"));
    let (home, service, login) = service_login(&op, "").await;
    op.set_fault(Fault::UserinfoUnavailable);
    unverified(&service, &login).await;
    let kept = home.stored(&login).expect("stored");
    assert!(op.access_token_is_live(kept.access_token()));

    op.set_fault(Fault::None);
    let report = bounded(
        "logout",
        service.logout(&login, LogoutOptions::default(), &|_| {}),
    )
    .await
    .expect("logged out");
    assert!(report.complete(), "{report:?}");
    assert!(home.stored(&login).is_none());
    assert!(
        !op.access_token_is_live(kept.access_token()),
        "the rotated access token still opens userinfo"
    );
    let refresh_revocations = op
        .revocations()
        .iter()
        .filter(|(hint, status)| hint == "refresh_token" && *status == 200)
        .count();
    assert!(refresh_revocations >= 1, "{:?}", op.revocations());
    // The rotated refresh token no longer renews.
    let error = bounded("renewal", authdash_refresh(&service, &kept)).await;
    assert!(error, "the rotated refresh token still renews");
}

/// Whether the provider refuses `session`'s refresh token now (through
/// the engine, not the service: the account is gone from the store).
async fn authdash_refresh(service: &SessionService, session: &Session) -> bool {
    let p = support::engine::discover(&service.config)
        .await
        .expect("discovery");
    match p.refresh(session).await {
        Err(AuthError::RefreshRejected(e)) => e.to_string().contains("invalid_grant"),
        other => panic!("expected invalid_grant, got {other:?}"),
    }
}

// ---------------------------------------------------------------------
// Roles read from the ID token, and a provider that sends none on
// renewal (issue 17, part 2).
// ---------------------------------------------------------------------

/// An Owner of Acme in the ID token (`source = "id_token"`), userinfo
/// saying Member; then the provider demotes the person (its next ID token
/// would say Member) and answers refreshes without an ID token, as OIDC
/// Core 12.2 allows. The renewal must not keep the login's Owner as
/// verified, nor read the roles from userinfo, a source the config did not
/// name: it is unverified, its rotated tokens kept.
async fn owner_demoted_without_an_id_token() -> (BrokenProvider, Home, Arc<SessionService>, Session)
{
    let op = BrokenProvider::start(Fault::None).await;
    op.set_extra_id_claims(orgs("Owner"));
    op.set_extra_userinfo(orgs("Member"));
    let lines = "[auth.test.claims]\nsource = \"id_token\"";
    let (home, service, login) = service_login(&op, lines).await;
    assert_eq!(role(&login), Some("Owner"));
    op.set_extra_id_claims(orgs("Member"));
    op.set_fault(Fault::RefreshWithoutIdToken);
    (op, home, service, login)
}

/// A panel asking for Owner in Acme.
fn owner_panel(command: Option<authdash::panels::CommandSource>) -> authdash::panels::PanelSpec {
    authdash::panels::PanelSpec {
        id: "owners".into(),
        title: "Owners".into(),
        description: None,
        requires: Requirement {
            min_role: Some("Owner".into()),
            ..Requirement::default()
        },
        data_url: None,
        command,
        select: None,
        view: Default::default(),
        refresh: None,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn attack_a_demotion_without_a_renewed_id_token_leaves_no_verified_owner() {
    let (op, home, service, login) = owner_demoted_without_an_id_token().await;
    let hits = op.userinfo_hits();
    let reason = unverified(&service, &login).await;
    assert!(reason.contains("no new ID token"), "{reason}");
    assert_eq!(
        op.userinfo_hits(),
        hits,
        "userinfo was asked for roles the config reads from the ID token"
    );
    let kept = home.stored(&login).expect("the session lives");
    assert!(
        kept.unverified.is_some(),
        "stored as verified: {:?}",
        role(&kept)
    );
    assert_ne!(refresh_token(&kept), refresh_token(&login), "rotated, kept");
    assert_no_secret(&reason, &[&login, &kept], "the reason");

    // `status` says so; `token` refuses (exit 1, nothing on stdout).
    let status = authdash(&home, &["status"]).await;
    assert!(
        binary::text(&status.stdout).contains("not verified"),
        "{}",
        binary::text(&status.stdout)
    );
    let token = authdash(&home, &["token"]).await;
    assert_eq!(
        token.status.code(),
        Some(1),
        "{}",
        binary::text(&token.stderr)
    );
    assert!(token.stdout.is_empty(), "a token printed");
    assert_eq!(op.refresh_reuses(), 0);

    // The dashboard on the stored session: the Owner panel stays locked.
    use authdash::tui::model::Model;
    use authdash::tui::update::enter_dashboard;
    let mut model = Model::new(&service.config, Utc::now());
    let _ = enter_dashboard(&mut model, kept.clone());
    let dash = model.dashboard().expect("the dashboard");
    assert_ne!(
        model.access(dash, &owner_panel(None)),
        Access::Allowed,
        "the Owner panel opens on roles no ID token confirmed"
    );

    // An ID token comes at last: it says Member, and that is the role.
    op.set_fault(Fault::None);
    let renewed = bounded("renewal", service.renew(&expired(kept)))
        .await
        .expect("renewed with an ID token");
    assert!(renewed.unverified.is_none());
    assert_eq!(role(&renewed), Some("Member"));
}

/// The same demotion, and a `command` panel gated on Owner: its program
/// never runs on the login's Owner (it would have the access token).
#[tokio::test(flavor = "multi_thread")]
async fn attack_an_owner_command_panel_does_not_run_after_a_renewal_without_an_id_token() {
    let (_op, home, service, login) = owner_demoted_without_an_id_token().await;
    let marker = home.dir.path().join("the program ran");
    let command = authdash::panels::CommandSource {
        argv: vec![
            "/bin/sh".into(),
            "-c".into(),
            "touch \"$0\"; echo '{}'".into(),
            marker.display().to_string(),
        ],
        token_env: "OWNER_TOKEN".into(),
        timeout: std::time::Duration::from_secs(10),
        output_cap: 1024,
    };
    let spec = owner_panel(Some(command));
    let vars = authdash::panels::TemplateVars {
        org_id: "org-1",
        org_name: "Acme",
        user_id: &login.user.subject,
    };
    let face = expired(login.clone());
    let fetched = bounded("fetch", service.fetch_source(&face, &spec, vars)).await;
    let error = fetched.data.expect_err("the program ran");
    assert!(error.to_string().contains("no new ID token"), "{error}");
    assert!(
        !marker.exists(),
        "the Owner program ran on unconfirmed roles"
    );
    let kept = home.stored(&login).expect("stored");
    let again = bounded("fetch", service.fetch_source(&kept, &spec, vars)).await;
    let again = again.data.expect_err("the program ran");
    assert!(again.to_string().contains("no new ID token"), "{again}");
    assert!(
        !marker.exists(),
        "the Owner program ran on unconfirmed roles"
    );
}

/// The same demotion seen by a dashboard that is running: the renewal it
/// starts comes back unverified, and from that moment the header and the
/// gates go by the stored, unconfirmed session — not by the Owner the
/// login said (before, the dashboard kept its verified session until it
/// was restarted).
#[tokio::test(flavor = "multi_thread")]
async fn attack_a_running_dashboard_drops_the_owner_when_its_renewal_is_unverified() {
    use authdash::tui::message::Msg;
    use authdash::tui::{App, Services};
    let (_op, home, service, login) = owner_demoted_without_an_id_token().await;
    let services = Services {
        session: home.new_service(&service.config),
        browser_available: false,
        demo_sign_in: None,
        over_ssh: false,
    };
    // Past the access token's expiry: the first tick renews.
    let later = login.tokens.expires_at.expect("an expiry") + chrono::TimeDelta::minutes(1);
    let mut app = App::new(services, false, later);
    // The stored session resumed, as at start: the dashboard opens on it
    // and, its token expired, renews at once.
    app.handle(Msg::Resumed(Ok(authdash::tui::message::Resume {
        accounts: Vec::new(),
        session: Some(Box::new(login.clone())),
        recovered: None,
    })));
    let owner = owner_panel(None);
    {
        let dash = app.model.dashboard().expect("the dashboard");
        assert_eq!(
            app.model.access(dash, &owner),
            Access::Allowed,
            "Owner at login"
        );
    }
    loop {
        let msg = bounded("the renewal's answer", app.next_message())
            .await
            .expect("the app's channel is open");
        let done = matches!(msg, Msg::Refreshed { .. });
        app.handle(msg);
        if done {
            break;
        }
    }
    let dash = app.model.dashboard().expect("still the dashboard");
    assert!(
        dash.session.unverified.is_some(),
        "the dashboard kept the verified session"
    );
    assert_ne!(
        app.model.access(dash, &owner),
        Access::Allowed,
        "the Owner panel still opens on the login's roles"
    );
    // The next try waits its turn: no renewal a second later.
    app.tick(later + chrono::TimeDelta::seconds(1));
    assert!(
        app.try_next_message().is_none(),
        "a renewal every tick would hammer the provider"
    );
}

/// A provider that repeats the refresh token it was sent in its refusal:
/// the refusal is said, by the service and by the CLI, without the token.
#[tokio::test(flavor = "multi_thread")]
async fn a_refusal_repeating_the_refresh_token_shows_the_refusal_not_the_token() {
    let op = BrokenProvider::start(Fault::None).await;
    let (home, service, login) = service_login(&op, "").await;
    let refresh = refresh_token(&login);
    op.set_fault(Fault::RefreshRefusedEchoing);
    let error = bounded("renewal", service.renew(&expired(login.clone())))
        .await
        .expect_err("refused");
    let text = error.to_string();
    assert!(
        matches!(
            &error,
            SessionError::Auth(AuthError::RefreshRejected(r)) if r.error == "invalid_request"
        ),
        "{error:?}"
    );
    assert!(
        text.contains("is not valid here"),
        "the refusal is said: {text}"
    );
    assert!(!text.contains(&refresh), "the refresh token shown: {text}");
    assert!(!format!("{error:?}").contains(&refresh), "in its Debug too");

    home.store()
        .save(&expired(login.clone()))
        .expect("an expired session stored");
    let out = authdash(&home, &["token"]).await;
    let err = binary::text(&out.stderr);
    assert!(!out.status.success() && out.stdout.is_empty(), "{err}");
    assert!(err.contains("is not valid here"), "{err}");
    assert!(
        !err.contains(&refresh),
        "the refresh token on stderr: {err}"
    );
}
