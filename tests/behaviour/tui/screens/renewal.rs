//! The dashboard when its renewal fails: offline, or a new login needed.

use super::*;

#[tokio::test]
async fn snapshot_session_ended_after_refresh_failure() {
    let demo = Demo::start().await;
    let mut model = demo.dashboard("carol").await;
    let commands = renewal_failed(
        &mut model,
        RefreshFailure {
            error: "the provider refused the refresh token (invalid_grant)".into(),
            needs_login: true,
            logged_out_elsewhere: false,
            unverified: None,
        },
    );
    assert!(commands.is_empty());
    match &model.screen {
        Screen::Login(login) => {
            assert!(login.pending.is_none());
            assert_eq!(
                login.notice,
                Some(Notice {
                    level: Level::Error,
                    text: "Your session ended: the provider refused the refresh token \
                           (invalid_grant). Log in again."
                        .into(),
                })
            );
        }
        Screen::Dashboard(_) => panic!("a dead session must go back to login"),
    }
    assert_screen!("session_ended", &model);
}

#[tokio::test]
async fn a_refresh_failure_that_needs_login_returns_to_login_with_the_reason() {
    let demo = Demo::start().await;
    let mut model = demo.dashboard("bob").await;
    press(&mut model, KeyCode::Char('m'));
    let commands = renewal_failed(
        &mut model,
        RefreshFailure {
            error: "invalid_grant: refresh token revoked".into(),
            needs_login: true,
            logged_out_elsewhere: false,
            unverified: None,
        },
    );
    assert!(commands.is_empty());
    assert_eq!(model.popup, None, "the menu closes with the dashboard");
    match &model.screen {
        Screen::Login(login) => {
            let notice = login.notice.as_ref().expect("a reason");
            assert_eq!(notice.level, Level::Error);
            assert!(
                notice.text.contains("invalid_grant: refresh token revoked"),
                "{}",
                notice.text
            );
        }
        Screen::Dashboard(_) => panic!("expected the login screen"),
    }
}

#[tokio::test]
async fn a_refresh_failure_offline_keeps_the_dashboard() {
    let demo = Demo::start().await;
    let mut model = demo.dashboard("bob").await;
    let commands = renewal_failed(
        &mut model,
        RefreshFailure {
            error: "connection refused".into(),
            needs_login: false,
            logged_out_elsewhere: false,
            unverified: None,
        },
    );
    assert!(commands.is_empty());
    assert!(matches!(
        dash(&model).refresh,
        authdash::tui::model::RefreshState::Offline { .. }
    ));
    assert!(
        render(&model).contains("offline"),
        "the header says so: {}",
        render(&model)
    );
}

/// Offline, the dashboard tries its renewal again when the backoff is over
/// and not a tick before: 15 s after the first failure, 30 s after the
/// second (the renewal started by the tick, answered as effects answer).
#[tokio::test]
async fn an_offline_renewal_is_tried_again_when_its_backoff_is_over_and_not_before() {
    use authdash::tui::update::tick;
    let demo = Demo::start().await;
    let mut model = demo.dashboard("bob").await;
    let renewal = |commands: Vec<Command>| {
        commands.into_iter().find_map(|c| match c {
            Command::Refresh { generation, .. } => Some(generation),
            _ => None,
        })
    };
    let expires = dash(&model).session.tokens.expires_at.expect("an expiry");
    let mut now = expires - TimeDelta::seconds(30);
    let mut generation = renewal(tick(&mut model, now)).expect("due near its expiry");
    for backoff in [15, 30] {
        let account = AccountId::of(&dash(&model).session);
        update(
            &mut model,
            Msg::Refreshed {
                account,
                generation: Some(generation),
                result: Err(RefreshFailure {
                    error: "connection refused".into(),
                    needs_login: false,
                    logged_out_elsewhere: false,
                    unverified: None,
                }),
            },
        );
        let failed = now;
        for second in 1..backoff {
            now = failed + TimeDelta::seconds(second);
            assert_eq!(
                renewal(tick(&mut model, now)),
                None,
                "tried again {second} s after failure {backoff}"
            );
        }
        now = failed + TimeDelta::seconds(backoff);
        generation = renewal(tick(&mut model, now))
            .unwrap_or_else(|| panic!("not tried again {backoff} s after the failure"));
    }
}
