//! What a task's result becomes as a message for `update`: a renewal's
//! failure, a login's events, a device poll's state.

use chrono::{DateTime, TimeDelta, Utc};

use super::clock::Clock;
use super::message::{Msg, RefreshFailure};
use super::model::{DeviceCode, PollView};
use crate::auth::PollState;
use crate::session::{LoginEvent, SessionError};

pub(super) fn failure(e: &SessionError) -> RefreshFailure {
    RefreshFailure {
        error: e.to_string(),
        needs_login: e.needs_login(),
        logged_out_elsewhere: e.logged_out_elsewhere(),
        unverified: match e {
            SessionError::Unverified { session, .. } => Some(session.clone()),
            _ => None,
        },
    }
}

/// A login's progress as the message `update` takes.
pub(super) fn login_message(generation: u64, event: LoginEvent, clock: &Clock) -> Option<Msg> {
    Some(match event {
        LoginEvent::Provider { .. } | LoginEvent::WaitingForOtherLogin { .. } => return None,
        LoginEvent::BrowserUrl { url, .. } => Msg::LoginUrl { generation, url },
        LoginEvent::BrowserOpened(result) => Msg::BrowserOpened { generation, result },
        LoginEvent::FallingBackToDevice(e) | LoginEvent::FallingBackToPaste(e) => {
            Msg::BrowserOpened {
                generation,
                result: Err(e),
            }
        }
        LoginEvent::DeviceCode(code) => Msg::DeviceCode {
            generation,
            code: DeviceCode {
                user_code: code.user_code,
                verification_uri: code.verification_uri,
                verification_uri_complete: code.verification_uri_complete,
                expires_at: clock.rebase(code.expires_at),
                poll: None,
            },
        },
        LoginEvent::DevicePoll(state) => Msg::DevicePoll {
            generation,
            poll: poll_view(state, clock.now()),
        },
        LoginEvent::Refused(reason) => Msg::LoginRefused { generation, reason },
    })
}

pub(super) fn poll_view(state: PollState, now: DateTime<Utc>) -> PollView {
    let next_at = now + TimeDelta::from_std(state.next_poll_in()).unwrap_or(TimeDelta::zero());
    match state {
        PollState::Waiting { .. } => PollView::Waiting { next_at },
        PollState::SlowingDown { interval, .. } => PollView::SlowingDown {
            every_secs: interval.as_secs(),
            next_at,
        },
        PollState::Retrying { .. } => PollView::Retrying { next_at },
    }
}
