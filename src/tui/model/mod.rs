//! Everything the screen shows. Only `update` changes it; `view` reads it.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::auth::Session;
use crate::config::{Config, FlowPreference};
use crate::identity::{OrgMembership, RoleOrder};
use crate::panels::{Access, PanelSpec};
use crate::session::{AccountId, Accounts, Preferences};

mod accounts;
mod filter;
mod lists;
mod login;
mod orgs;
mod panel;
mod profile;
mod unlock;

pub use accounts::{Ended, LoginOffers, Offer, Place, StepUp};
pub(crate) use filter::{ListFilter, step as step_matching};
pub(crate) use lists::account_entries;
pub use lists::{AccountEntry, MenuItem};
pub(crate) use login::is_loopback_url;
use orgs::OrgPicker;
pub(crate) use panel::in_sight;
pub use panel::{PanelError, PanelState, PanelValue, RenewalRecord, TableState};
pub use profile::{ProfileClaim, ProfileText};
pub(crate) use unlock::Unlock;

/// A provider as the login screen lists it.
#[derive(Debug, Clone)]
pub struct ProviderEntry {
    pub(crate) name: String,
    pub(crate) label: String,
    pub(crate) issuer: String,
    pub(crate) account_url: Option<String>,
    pub(crate) flow: FlowPreference,
    /// "Log out everywhere" is configured and its API key is at hand.
    pub logout_everywhere: bool,
    /// What discovery said about it, looked up while the login screen shows.
    pub lookup: Lookup,
    /// How it is asked for a token per API.
    pub resource_style: crate::config::ResourceStyle,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    NotYet,
    Running,
    Found { device: bool },
    Failed(String),
}

/// How a login runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginFlow {
    /// Authorization code to a loopback callback, in a browser here.
    Browser,
    /// RFC 8628: a code entered on another device.
    Device,
    /// The URL opened anywhere, and the address the browser ends at pasted
    /// back (`p` on the login screen).
    Paste,
    /// The demo only: a demo user picked here, and authdash playing the
    /// browser against the demo's own provider (`crate::demo`).
    Terminal,
}

/// One line of the login screen: a provider and a way to log in to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginRow {
    pub provider: usize,
    pub flow: LoginFlow,
}

#[derive(Debug)]
pub struct Model {
    pub providers: Vec<ProviderEntry>,
    pub panels: Vec<PanelSpec>,
    /// The API each panel naming one calls (its `requires.scopes` are
    /// that API's token's).
    pub(crate) panel_apis: Vec<(String, crate::config::ApiRef)>,
    pub(crate) role_order: RoleOrder,
    pub screen: Screen,
    pub popup: Option<Popup>,
    pub toast: Option<Toast>,
    pub now: DateTime<Utc>,
    /// Show times in UTC (tests) rather than local time.
    pub utc: bool,
    /// Running `authdash demo`.
    pub demo: bool,
    pub quit: bool,
    /// Tags background work so stale results are dropped.
    pub(crate) next_generation: u64,
    /// Remembered choices (the active org); saved by a command.
    pub preferences: Preferences,
    /// A browser can be opened on this machine (decided by the binary).
    pub(crate) browser_available: bool,
    /// The stored accounts, for the switcher.
    pub accounts: Vec<AccountEntry>,
    /// Where the tokens are and which key protects them, said plainly.
    pub store_description: String,
    /// Which keys start which action (defaults patched by the config).
    pub(crate) keymap: crate::tui::keymap::Keymap,
    /// Mouse capture wanted on the dashboard (toggled by a key); always
    /// off on the login screens so text can be selected.
    pub(crate) mouse: bool,
    /// Text to put on the person's clipboard (OSC 52), taken by the loop.
    pub clipboard: Option<String>,
    /// Errors waiting behind the one shown, each until acknowledged.
    pub(crate) queued: std::collections::VecDeque<Toast>,
    /// The help's first line on screen (it opens at the keys of the
    /// screen under it).
    pub help_scroll: u16,
    /// Draw URLs as OSC 8 hyperlinks (on in a real terminal; off in tests
    /// that read the screen as text).
    pub hyperlinks: bool,
    /// `[[authdash.accent]]`: colour and label by provider and org.
    pub accents: Vec<crate::config::Accent>,
    /// When the message on the status line appeared.
    toast_since: DateTime<Utc>,
    /// The terminal's size (columns, rows) as last reported; none before
    /// the first report (tests that never say).
    pub(crate) terminal_size: Option<(u16, u16)>,
    /// `authdash demo`'s sign-in from the terminal: its issuer and people.
    /// `None` everywhere else (a configured provider never has one).
    pub demo_sign_in: Option<crate::demo::TerminalSignIn>,
    /// An SSH session (decided by the binary): a loopback address is
    /// reached from the person's own computer through `ssh -L`.
    pub over_ssh: bool,
    /// Where the person was on the dashboard left for the login screen:
    /// the dashboard that comes next opens there.
    pub(crate) return_to: Option<Place>,
    /// The login under way asks for more scopes (a step-up).
    pub(crate) step_up: Option<StepUp>,
    /// Scopes a step-up asked for and the provider did not grant, by
    /// account: `u` does not ask for them again.
    pub(crate) refused_scopes: Vec<(AccountId, String)>,
}

// One screen exists at a time: the variants' sizes cost nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Screen {
    Login(LoginScreen),
    Dashboard(Box<Dashboard>),
}

#[derive(Debug, Default)]
pub struct LoginScreen {
    pub selected: usize,
    pub pending: Option<PendingLogin>,
    /// Why we are here: logged out, session expired, last login failed.
    pub notice: Option<Notice>,
    /// Adding an account: the session to return to on Esc.
    pub back_to: Option<Arc<Session>>,
    /// `/` over the ways to log in.
    pub(crate) filter: ListFilter,
    /// The demo user picker of the sign-in from the terminal, open, with
    /// its cursor (an index into the demo's people).
    pub(crate) picking: Option<usize>,
    /// The stored accounts offered above the ways to log in.
    pub offers: LoginOffers,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub level: Level,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Error,
}

#[derive(Debug)]
pub struct PendingLogin {
    pub provider: String,
    pub generation: u64,
    pub started: DateTime<Utc>,
    pub flow: PendingFlow,
    /// Logging in another person (`prompt=login`).
    pub add_account: bool,
}

#[derive(Debug)]
pub enum PendingFlow {
    Browser {
        url: Option<String>,
        browser: BrowserState,
    },
    /// `None` until the provider has handed out a code.
    Device(Option<DeviceCode>),
    /// A paste-back login: the URL to open anywhere, and the address being
    /// typed or pasted back.
    Paste { url: Option<String>, input: String },
    /// The demo's sign-in from the terminal, as the demo user `person`
    /// (their short id); `url` once the login has made it.
    Terminal { person: String, url: Option<String> },
}

/// A device login's code, as the screen shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceCode {
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: Option<String>,
    pub expires_at: DateTime<Utc>,
    pub poll: Option<PollView>,
}

/// The poll loop's state with absolute times, so the countdown runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollView {
    Waiting {
        next_at: DateTime<Utc>,
    },
    SlowingDown {
        every_secs: u64,
        next_at: DateTime<Utc>,
    },
    Retrying {
        next_at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrowserState {
    Preparing,
    Opened,
    Failed(String),
}

#[derive(Debug)]
pub struct Dashboard {
    /// Shared with the commands that act for it (a panel's fetch, a
    /// renewal): a person in 1,000 orgs has megabytes of claims, which a
    /// clone per command would copy.
    pub session: Arc<Session>,
    pub nav: usize,
    /// `/` in the navigation list.
    pub(crate) nav_filter: ListFilter,
    pub focus: Focus,
    pub active_org: Option<String>,
    pub orgs: OrgPicker,
    /// The Profile view's text, made when the session arrives.
    pub(crate) profile: ProfileText,
    /// The first row of Profile or Session on screen.
    pub profile_scroll: usize,
    pub panel_states: HashMap<String, PanelState>,
    /// Token values shown in the Session inspector (masked by default).
    pub(crate) reveal_tokens: bool,
    /// The last renewals: when, how long, and how they ended.
    pub renewals: Vec<RenewalRecord>,
    /// When the awaited renewal started, to time it.
    pub(crate) renewal_started: Option<DateTime<Utc>>,
    /// The provider's discovery summary, asked for when Session opens.
    pub(crate) discovery: Option<Discovery>,
    pub refresh: RefreshState,
    /// Renewals that failed in a row (network), for the backoff.
    pub(crate) refresh_failures: u32,
    /// The renewal whose answer is awaited (its generation): an older
    /// one's is ignored.
    pub renewal: Option<u64>,
}

/// The provider's discovery summary in the Session inspector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Discovery {
    /// Asked for; the answer has not come yet.
    Looking,
    /// Its rows: label and value.
    Found(Vec<(String, String)>),
    /// Why it could not be read.
    Failed(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Nav,
    Content,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshState {
    Idle,
    Running,
    /// The provider could not be reached; tokens kept, retry later.
    Offline {
        since: DateTime<Utc>,
        error: String,
        retry_at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Popup {
    /// `selected` indexes the whole list, whatever the filter shows.
    Menu {
        selected: usize,
        filter: ListFilter,
    },
    Accounts {
        selected: usize,
        filter: ListFilter,
    },
    Help,
    /// `:` — every action available now, fuzzy-searched.
    Palette {
        query: String,
        selected: usize,
    },
    /// `q` while a login is pending.
    ConfirmQuit,
    /// A menu item that cannot be undone, asking first.
    Confirm {
        item: MenuItem,
    },
}

/// How long information and success stay on the status line.
const INFO_SHOWN_FOR: chrono::TimeDelta = chrono::TimeDelta::seconds(5);

/// One voice on the status line: a sentence, capital first, full stop
/// last (unless it ends in one already, or in `…` or `:`).
fn sentence(text: String) -> String {
    let mut text = text.trim().to_owned();
    if let Some(first) = text.chars().next()
        && first.is_lowercase()
    {
        let upper: String = first.to_uppercase().collect();
        text.replace_range(..first.len_utf8(), &upper);
    }
    if !text.is_empty() && !text.ends_with(['.', '!', '?', '…', ':']) {
        text.push('.');
    }
    text
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toast {
    pub level: Level,
    pub text: String,
}

/// A line of the navigation list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NavItem {
    Profile,
    Organizations,
    Session,
    Panel(usize),
}

impl Model {
    pub fn new(config: &Config, now: DateTime<Utc>) -> Self {
        Self {
            providers: config
                .providers
                .iter()
                .map(|p| ProviderEntry {
                    name: p.name.clone(),
                    label: p.label.clone(),
                    issuer: crate::auth::issuer_of(&p.server_metadata_url),
                    account_url: p.account_url.as_ref().map(|u| u.to_string()),
                    flow: p.flow,
                    logout_everywhere: p
                        .logout_everywhere
                        .as_ref()
                        .is_some_and(|l| l.api_key.is_some()),
                    lookup: Lookup::NotYet,
                    resource_style: p.resource_style,
                })
                .collect(),
            panels: config.panels.clone(),
            panel_apis: config.panel_apis.clone(),
            role_order: config.role_order.clone(),
            screen: Screen::Login(LoginScreen::default()),
            popup: None,
            toast: None,
            now,
            utc: false,
            demo: false,
            quit: false,
            next_generation: 1,
            preferences: Preferences::default(),
            browser_available: true,
            accounts: Vec::new(),
            store_description: String::new(),
            keymap: Default::default(),
            mouse: true,
            clipboard: None,
            queued: Default::default(),
            help_scroll: 0,
            hyperlinks: false,
            accents: config.ui.accents.clone(),
            toast_since: now,
            terminal_size: None,
            demo_sign_in: None,
            over_ssh: false,
            return_to: None,
            step_up: None,
            refused_scopes: Vec::new(),
        }
    }

    pub(crate) fn generation(&mut self) -> u64 {
        self.next_generation += 1;
        self.next_generation
    }

    pub fn dashboard(&self) -> Option<&Dashboard> {
        match &self.screen {
            Screen::Dashboard(d) => Some(d),
            Screen::Login(_) => None,
        }
    }

    pub(crate) fn provider(&self, name: &str) -> Option<&ProviderEntry> {
        self.providers.iter().find(|p| p.name == name)
    }

    /// Whether the panel opens in the dashboard's active org, for the
    /// scopes the session was granted.
    pub fn access(&self, dash: &Dashboard, panel: &PanelSpec) -> Access {
        let org = dash.active_membership();
        let api_scopes = self.api_scopes(dash, panel);
        let scopes = api_scopes.as_ref().unwrap_or(&dash.session.tokens.scopes);
        // Roles a renewal could not confirm unlock nothing.
        if dash.session.unverified.is_some() {
            panel
                .requires
                .check_unconfirmed(org, &self.role_order, scopes)
        } else {
            panel.requires.check_session(org, &self.role_order, scopes)
        }
    }

    /// The person's other orgs where `panel` would open.
    pub(crate) fn unlocking_orgs<'a>(
        &self,
        dash: &'a Dashboard,
        panel: &PanelSpec,
    ) -> Vec<&'a OrgMembership> {
        if dash.session.unverified.is_some() {
            return Vec::new();
        }
        panel
            .requires
            .unlocking_orgs(&dash.session.user.orgs, &self.role_order)
            .into_iter()
            .filter(|o| dash.active_org.as_deref() != Some(o.org_id.as_str()))
            .collect()
    }

    /// A text field has the keyboard: letters are text, not commands.
    pub fn text_input_active(&self) -> bool {
        let pasting = matches!(
            &self.screen,
            Screen::Login(LoginScreen {
                pending: Some(PendingLogin {
                    flow: PendingFlow::Paste { .. },
                    ..
                }),
                ..
            })
        );
        matches!(self.popup, Some(Popup::Palette { .. }))
            || self.popup_filter().is_some_and(|f| f.editing)
            || pasting
            || matches!(&self.screen, Screen::Login(l) if l.filter.editing)
            || self.dashboard().is_some_and(|d| {
                d.orgs.editing
                    || d.nav_filter.editing
                    || d.panel_states.values().any(|s| s.table.editing)
            })
    }

    /// The terminal's columns and rows, for keys that scroll (a scroll
    /// stops at the end instead of storing dead presses); 80x24 until the
    /// terminal says.
    pub(crate) fn size(&self) -> (u16, u16) {
        self.terminal_size.unwrap_or((80, 24))
    }

    /// Whether the terminal should capture the mouse now.
    pub fn wants_mouse(&self) -> bool {
        self.mouse && matches!(self.screen, Screen::Dashboard(_))
    }

    /// Say something in the status line, as a sentence: an error never
    /// replaces another unacknowledged one, it queues behind it.
    pub(crate) fn say(&mut self, mut toast: Toast) {
        toast.text = sentence(toast.text);
        if toast.level == Level::Error {
            tracing::warn!("shown: {}", toast.text);
        }
        match &self.toast {
            Some(shown) if shown.level == Level::Error => self.queued.push_back(toast),
            _ => {
                self.toast = Some(toast);
                self.toast_since = self.now;
            }
        }
    }

    /// Esc on the status line: the next queued message, if any.
    pub(crate) fn acknowledge(&mut self) {
        self.toast = self.queued.pop_front();
        self.toast_since = self.now;
    }

    /// Information goes by itself after [`INFO_SHOWN_FOR`]; an error stays
    /// until Esc or until replaced.
    pub(crate) fn expire_toast(&mut self) {
        if self.toast.as_ref().is_some_and(|t| t.level == Level::Info)
            && self.now - self.toast_since >= INFO_SHOWN_FOR
        {
            self.acknowledge();
        }
    }
}

impl Dashboard {
    pub(crate) fn new(session: Arc<Session>, active_org: Option<String>) -> Self {
        let active_org = active_org
            .filter(|id| session.user.org(id).is_some())
            .or_else(|| session.user.orgs.first().map(|o| o.org_id.clone()));
        let orgs = OrgPicker::new(&session.user.orgs);
        let profile = ProfileText::of(&session);
        Self {
            session,
            nav: 0,
            nav_filter: ListFilter::default(),
            focus: Focus::Nav,
            active_org,
            orgs,
            profile,
            profile_scroll: 0,
            panel_states: HashMap::new(),
            reveal_tokens: false,
            renewals: Vec::new(),
            renewal_started: None,
            discovery: None,
            refresh: RefreshState::Idle,
            refresh_failures: 0,
            renewal: None,
        }
    }

    pub fn active_membership(&self) -> Option<&OrgMembership> {
        self.active_org
            .as_deref()
            .and_then(|id| self.session.user.org(id))
    }

    /// How many orgs match the filter (name, id or role;
    /// case-insensitive): the picker's matches, found when it changed.
    pub(crate) fn filtered_count(&self) -> usize {
        self.orgs.matches().len()
    }

    /// The `index`th org matching the filter.
    pub fn filtered_org(&self, index: usize) -> Option<&OrgMembership> {
        let org = *self.orgs.matches().get(index)?;
        self.session.user.orgs.get(org)
    }

    /// Every org matching the filter, as a new list: for tests and
    /// one-off use, not for every frame.
    pub fn filtered_orgs(&self) -> Vec<&OrgMembership> {
        (0..self.filtered_count())
            .filter_map(|i| self.filtered_org(i))
            .collect()
    }

    /// A renewed session: the picker searches its orgs, and Profile shows
    /// its claims, from now on.
    pub fn replace_session(&mut self, session: Arc<Session>) {
        self.session = session;
        self.orgs.reindex(&self.session.user.orgs);
        self.profile = ProfileText::of(&self.session);
    }
}
