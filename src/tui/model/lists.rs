//! What the screen's short lists hold — the menu, the stored accounts, the
//! ways to log in, the navigation — and what each list's `/` filter leaves.

use super::*;
use crate::tui::keymap::Key;

/// The menu's items, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuItem {
    SwitchOrganization,
    SwitchAccount,
    AddAccount,
    OpenAccountPage,
    LogOut,
    LogOutInBrowser,
    LogOutEverywhere,
    Quit,
}

impl MenuItem {
    const ALL: [MenuItem; 8] = [
        MenuItem::SwitchOrganization,
        MenuItem::SwitchAccount,
        MenuItem::AddAccount,
        MenuItem::OpenAccountPage,
        MenuItem::LogOut,
        MenuItem::LogOutInBrowser,
        MenuItem::LogOutEverywhere,
        MenuItem::Quit,
    ];

    pub(crate) fn label(self) -> &'static str {
        match self {
            MenuItem::SwitchOrganization => "Switch organization",
            MenuItem::SwitchAccount => "Switch account…",
            MenuItem::AddAccount => "Add account (log in as someone else)",
            MenuItem::OpenAccountPage => "Open account page",
            MenuItem::LogOut => "Log out",
            MenuItem::LogOutInBrowser => "Log out, also in the browser",
            MenuItem::LogOutEverywhere => "Log out everywhere (every device)",
            MenuItem::Quit => "Quit",
        }
    }

    /// The letter that runs the item from the menu, shown beside it: a
    /// capital for the ways to log out (a slip of the finger does not log
    /// anyone out), none of the menu's own keys (see `Model::mnemonics`).
    fn mnemonic(self) -> char {
        match self {
            MenuItem::SwitchOrganization => 'o',
            MenuItem::SwitchAccount => 's',
            MenuItem::AddAccount => 'a',
            MenuItem::OpenAccountPage => 'p',
            MenuItem::LogOut => 'L',
            MenuItem::LogOutInBrowser => 'B',
            MenuItem::LogOutEverywhere => 'E',
            MenuItem::Quit => 'x',
        }
    }

    /// Cannot be undone from here: asks first in a popup of its own.
    pub(crate) fn asks_first(self) -> bool {
        matches!(self, MenuItem::LogOutInBrowser | MenuItem::LogOutEverywhere)
    }
}

/// The switcher's lines for the stored accounts.
pub(crate) fn account_entries(accounts: &Accounts, config: &Config) -> Vec<AccountEntry> {
    // Another config's accounts are not this one's to switch to.
    accounts
        .sessions
        .iter()
        .filter(|s| crate::session::is_bound(config, s))
        .map(|s| {
            let id = AccountId::of(s);
            AccountEntry {
                active: accounts.active.as_ref() == Some(&id),
                who: AccountEntry::who(s),
                provider_label: crate::session::provider_for(config, s)
                    .map(|p| p.label.clone())
                    .unwrap_or_else(|_| s.provider.clone()),
                id,
            }
        })
        .collect()
}

/// A stored account, as the account switcher lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountEntry {
    pub id: AccountId,
    /// Email, else name, else subject.
    pub who: String,
    pub provider_label: String,
    pub active: bool,
}

impl AccountEntry {
    fn who(session: &Session) -> String {
        session
            .user
            .email
            .clone()
            .unwrap_or_else(|| session.user.display_name().to_owned())
    }
}

impl Model {
    /// Each menu item's key: its own letter, or, where the config gave
    /// that letter to one of the menu's keys (moving, Enter, Esc, `/`,
    /// closing) or to quitting (which a popup never does: gitui's rule),
    /// the first free letter of its label; `None` when none is free.
    pub fn mnemonics(&self) -> Vec<(MenuItem, Option<Key>)> {
        use crate::tui::action::{Action, Context};
        use crate::tui::action_lines::commands_in;
        let mut taken: Vec<Key> = commands_in(Context::Menu)
            .map(|c| c.action)
            .chain([Action::Quit])
            .flat_map(|a| self.keymap.keys(a).iter().copied())
            .collect();
        self.menu_items()
            .into_iter()
            .map(|item| {
                let free = std::iter::once(item.mnemonic())
                    .chain(item.label().chars().filter(char::is_ascii_alphabetic))
                    .map(Key::Char)
                    .find(|k| !taken.contains(k));
                taken.extend(free);
                (item, free)
            })
            .collect()
    }

    /// The entry the account switcher shows for `session`.
    pub(crate) fn account_entry(&self, session: &Session) -> AccountEntry {
        AccountEntry {
            id: AccountId::of(session),
            who: AccountEntry::who(session),
            provider_label: self
                .provider(&session.provider)
                .map_or_else(|| session.provider.clone(), |p| p.label.clone()),
            active: false,
        }
    }

    /// The menu's items for the dashboard's account: "Log out everywhere"
    /// only where the provider is set up for it.
    pub fn menu_items(&self) -> Vec<MenuItem> {
        let everywhere = self
            .dashboard()
            .and_then(|d| self.provider(&d.session.provider))
            .is_some_and(|p| p.logout_everywhere);
        MenuItem::ALL
            .into_iter()
            .filter(|i| *i != MenuItem::LogOutEverywhere || everywhere)
            .collect()
    }

    /// The login screen's lines: for each provider the flows its config
    /// allows and its provider offers, the likelier one first (the device
    /// flow first where no browser can be opened).
    pub fn login_rows(&self) -> Vec<LoginRow> {
        let mut rows = Vec::new();
        for (i, p) in self.providers.iter().enumerate() {
            let first = rows.len();
            let device = matches!(p.lookup, Lookup::Found { device: true });
            let row = |flow| LoginRow { provider: i, flow };
            match p.flow {
                FlowPreference::Browser => rows.push(row(LoginFlow::Browser)),
                FlowPreference::Device => rows.push(row(LoginFlow::Device)),
                FlowPreference::Auto if !device => rows.push(row(LoginFlow::Browser)),
                FlowPreference::Auto if self.browser_available => {
                    rows.extend([row(LoginFlow::Browser), row(LoginFlow::Device)])
                }
                FlowPreference::Auto => {
                    rows.extend([row(LoginFlow::Device), row(LoginFlow::Browser)])
                }
            }
            self.more_login_rows(&mut rows, first, i);
        }
        rows
    }

    /// A login line's text, as the screen shows it and `/` matches it.
    fn login_line(&self, row: LoginRow) -> String {
        let how = self.way_name(row);
        match self.providers.get(row.provider) {
            Some(p) => format!("{} — {how}", p.label),
            None => String::new(),
        }
    }

    /// The login lines the filter leaves, as indexes into `login_rows`.
    pub(crate) fn visible_logins(&self, filter: &ListFilter) -> Vec<usize> {
        let lines: Vec<String> = self
            .login_rows()
            .into_iter()
            .map(|row| {
                let issuer = self
                    .providers
                    .get(row.provider)
                    .map_or("", |p| p.issuer.as_str());
                format!("{}\t{issuer}", self.login_line(row))
            })
            .collect();
        filter.matching(lines.iter().map(String::as_str))
    }

    pub fn nav_items(&self) -> Vec<NavItem> {
        [NavItem::Profile, NavItem::Organizations, NavItem::Session]
            .into_iter()
            .chain((0..self.panels.len()).map(NavItem::Panel))
            .collect()
    }

    /// The switcher's list after a login or a switch: `session`'s account
    /// active, added if new. The store is not read again for it (a person
    /// in 1,000 orgs has megabytes there, every account's claims).
    pub fn note_active_account(&mut self, session: &Session) {
        let id = AccountId::of(session);
        let entry = AccountEntry {
            who: AccountEntry::who(session),
            provider_label: self
                .provider(&session.provider)
                .map_or_else(|| session.provider.clone(), |p| p.label.clone()),
            active: true,
            id: id.clone(),
        };
        for other in &mut self.accounts {
            other.active = false;
        }
        match self.accounts.iter_mut().find(|a| a.id == id) {
            Some(known) => *known = entry,
            None => self.accounts.push(entry),
        }
    }

    /// The open popup's list filter (the menu's, the account switcher's).
    pub(crate) fn popup_filter(&self) -> Option<&ListFilter> {
        match &self.popup {
            Some(Popup::Menu { filter, .. } | Popup::Accounts { filter, .. }) => Some(filter),
            _ => None,
        }
    }

    /// A navigation entry's name, as the list shows it and `/` matches it.
    pub fn nav_title(&self, item: NavItem) -> &str {
        match item {
            NavItem::Profile => "Profile",
            NavItem::Organizations => "Organizations",
            NavItem::Session => "Session",
            NavItem::Panel(i) => self.panels.get(i).map_or("", |p| p.title.as_str()),
        }
    }

    /// The navigation entries the dashboard's filter leaves, as indexes
    /// into `nav_items`.
    pub fn visible_nav(&self, dash: &Dashboard) -> Vec<usize> {
        let items = self.nav_items();
        dash.nav_filter
            .matching(items.iter().map(|i| self.nav_title(*i)))
    }

    /// `visible_nav` of the dashboard on screen (none on the login screen).
    pub fn visible_nav_now(&self) -> Vec<usize> {
        self.dashboard()
            .map(|d| self.visible_nav(d))
            .unwrap_or_default()
    }

    /// The menu's lines the filter leaves, as indexes into `menu_items`.
    pub(crate) fn visible_menu(&self, filter: &ListFilter) -> Vec<usize> {
        filter.matching(self.menu_items().iter().map(|i| i.label()))
    }

    /// The account switcher's lines the filter leaves (who, or provider).
    pub(crate) fn visible_accounts(&self, filter: &ListFilter) -> Vec<usize> {
        let lines: Vec<String> = self
            .accounts
            .iter()
            .map(|a| format!("{}\t{}", a.who, a.provider_label))
            .collect();
        filter.matching(lines.iter().map(String::as_str))
    }
}
