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
