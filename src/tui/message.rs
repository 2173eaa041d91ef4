//! What reaches `update`: keys, ticks and the results of background work;
//! and what `update` asks the runtime to do.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;

use super::model::{AccountEntry, DeviceCode, LoginFlow, PollView};
use crate::auth::Session;
use crate::panels::{PanelSpec, SourceError};
use crate::session::AccountId;

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    /// Once a second: clocks, countdowns, refresh deadlines.
    Tick(DateTime<Utc>),
    /// The stored accounts, read at start: resume one, or show the login.
    Resumed(Result<Resume, String>),
    /// The terminal's size, at start and whenever it changes: draw again
    /// (a table keeps its cursor in sight in the rows it has now).
    Resize {
        width: u16,
        height: u16,
    },
    /// A click or the wheel, on a terminal of `area`.
    Mouse {
        event: crossterm::event::MouseEvent,
        area: ratatui::layout::Rect,
    },
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
    /// A response reached the callback that was not for this login; it
    /// goes on waiting.
    LoginRefused {
        generation: u64,
        reason: String,
    },
    LoginFinished {
        generation: u64,
        result: Result<Box<Session>, String>,
    },
    /// A renewal's answer, for `account`. `generation` is the renewal the
    /// dashboard started (a failure counts only for that one); `None` for
    /// a renewal a panel's fetch needed.
    Refreshed {
        account: AccountId,
        generation: Option<u64>,
        result: Result<Box<Session>, RefreshFailure>,
    },
    /// A panel's fetch got a token for its API: the session as stored
    /// since (it holds that token; its refresh token may have rotated).
    ApiTokens {
        account: AccountId,
        session: Box<Session>,
    },
    PanelLoaded {
        generation: u64,
        panel_id: String,
        result: Result<serde_json::Value, SourceError>,
    },
    /// The provider's discovery summary, for the Session inspector.
    ProviderSummary {
        account: AccountId,
        result: Result<Vec<(String, String)>, String>,
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
    /// The renewal a panel's fetch needed found `account`'s session over
    /// (logged out by another process, refused by the provider).
    SessionEnded {
        account: AccountId,
        failure: RefreshFailure,
    },
    /// The store changed on disk (here or in another process): this
    /// config's accounts now, and those gone since the last look.
    StoreChanged {
        accounts: Vec<AccountEntry>,
        gone: Vec<AccountId>,
    },
}

#[derive(Debug)]
pub struct RefreshFailure {
    pub error: String,
    /// The session is over (revoked, `invalid_grant`): back to login.
    pub needs_login: bool,
    /// Another process logged the account out.
    pub logged_out_elsewhere: bool,
    /// The provider renewed the session but the renewal could not be
    /// verified: the session as now stored (its roles unconfirmed), which
    /// the dashboard shows from now on.
    pub unverified: Option<Box<Session>>,
}

/// What the store held at start.
#[derive(Debug)]
pub struct Resume {
    pub accounts: Vec<AccountEntry>,
    /// The session to go on with, if any is this config's and alive.
    pub session: Option<Box<Session>>,
    /// An unreadable store was moved aside: what happened.
    pub recovered: Option<String>,
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
        /// Scopes to ask for beyond the configured ones (a panel needs
        /// one the session was not granted).
        scopes: Vec<String>,
    },
    /// The demo's sign-in from the terminal as `person` (a demo user's
    /// short id): a browser login whose browser authdash plays.
    SignInFromTerminal {
        provider: String,
        generation: u64,
        person: String,
        add_account: bool,
        scopes: Vec<String>,
    },
    /// A login for one API's token alone (`u` on a panel whose API the
    /// login's refresh token does not reach, Auth0): as `session`'s
    /// account, asking for `api`'s audience; answered by `LoginFinished`
    /// with the session as stored, holding that API's token.
    StartApiLogin {
        provider: String,
        generation: u64,
        flow: LoginFlow,
        api: crate::config::ApiRef,
        session: Box<Session>,
    },
    CancelLogin {
        generation: u64,
    },
    /// An address pasted back into a paste-back login.
    PasteAddress {
        generation: u64,
        text: String,
    },
    OpenUrl(String),
    /// Fetch a panel's data in an org; answered by `PanelLoaded`.
    FetchPanel {
        generation: u64,
        spec: Box<PanelSpec>,
        org_id: String,
        org_name: String,
        session: Arc<Session>,
    },
    /// Stop every panel fetch under way (the person left the panel or
    /// switched org); their answers would be dropped anyway.
    CancelPanels,
    /// Describe the session's provider (discovery), answered by
    /// `ProviderSummary`.
    DescribeProvider {
        session: Arc<Session>,
    },
    /// Read the store: resume a session or show the login screen.
    Resume,
    Refresh {
        session: Arc<Session>,
        generation: u64,
    },
    Logout {
        session: Arc<Session>,
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
    /// Remember where the person was (the last entry, a table's sort and
    /// filter) for the next run.
    SaveView {
        provider: String,
        subject: String,
        choice: crate::session::ViewChoice,
    },
}
