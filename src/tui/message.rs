//! What reaches `update`: keys, ticks and the results of background work;
//! and what `update` asks the runtime to do.

use crossterm::event::KeyEvent;

use super::model::{DeviceCode, LoginFlow, PollView};
use crate::auth::Session;
use crate::panels::PanelData;

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    /// Once a second: clocks, countdowns, refresh deadlines.
    Tick,
    /// The terminal changed size: draw again.
    Resize,
    LoginUrl {
        generation: u64,
        url: String,
    },
    BrowserOpened {
        generation: u64,
        result: Result<(), String>,
    },
    /// Discovery for the login screen: whether the provider offers the
    /// device flow, or why it could not be reached.
    Discovered {
        provider: String,
        result: Result<bool, String>,
    },
    DeviceCode {
        generation: u64,
        code: DeviceCode,
    },
    DevicePoll {
        generation: u64,
        poll: PollView,
    },
    LoginFinished {
        generation: u64,
        result: Result<Box<Session>, String>,
    },
    Refreshed(Result<Box<Session>, RefreshFailure>),
    PanelLoaded {
        generation: u64,
        panel_id: String,
        result: Result<PanelData, String>,
    },
    LoggedOut {
        notice: String,
    },
    /// Something that is not worth a screen of its own went wrong.
    Failed(String),
}

#[derive(Debug)]
pub struct RefreshFailure {
    pub error: String,
    /// The session is over (revoked, `invalid_grant`): back to login.
    pub needs_login: bool,
}

/// Work for the runtime; nothing here runs on the UI task.
#[derive(Debug)]
pub enum Command {
    Discover {
        provider: String,
    },
    StartLogin {
        provider: String,
        generation: u64,
        flow: LoginFlow,
    },
    CancelLogin {
        generation: u64,
    },
    OpenUrl(String),
    FetchPanel {
        generation: u64,
        panel_id: String,
        url: String,
        session: Box<Session>,
    },
    Refresh(Box<Session>),
    Logout(Box<Session>),
    SaveActiveOrg {
        provider: String,
        subject: String,
        org_id: String,
    },
}
