//! What reaches `update`: keys, ticks and the results of background work;
//! and what `update` asks the runtime to do.

use crossterm::event::KeyEvent;

use super::model::{AccountEntry, DeviceCode, LoginFlow, PollView};
use crate::auth::Session;
use crate::panels::PanelData;
use crate::store::AccountId;

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
    /// The stored accounts changed (login, logout, switch).
    Accounts(Vec<AccountEntry>),
    /// Another stored account became active.
    AccountSwitched(Result<Box<Session>, String>),
    /// Something that is not worth a screen of its own went wrong.
    Failed(String),
    /// Something worth a line in the status bar went well.
    Notice(String),
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
        /// Ask for a fresh login (`prompt=login`): another person.
        add_account: bool,
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
    Logout {
        session: Box<Session>,
        /// Also end the provider's browser session (RP-initiated logout).
        in_browser: bool,
        /// End every session of the user at the provider first.
        everywhere: bool,
    },
    LoadAccounts,
    SwitchAccount(AccountId),
    SaveActiveOrg {
        provider: String,
        subject: String,
        org_id: String,
    },
}
