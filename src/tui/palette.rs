//! `:` — a palette of commands and places, not of key bindings (k9s's
//! command line, helix's typed commands): every panel (open it), every
//! organization (make it active), every other account (switch to it), the
//! menu's commands (add an account, the account page, the three ways to
//! log out) and the keyed actions that do something (reload, sort, help,
//! quit…). Movement keys are not commands and are not listed. What runs
//! is what the menu, the list or the key would run, confirmations
//! included.

use super::action::{Action, Context, InPalette};
use super::action_lines::COMMANDS;
use super::commands::{Availability, availability, screen_contexts};
use super::fuzzy::Query;
use super::model::{MenuItem, Model, NavItem, Screen};
use crate::session::AccountId;

/// What an entry does when chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Action(Context, Action),
    /// Open the navigation list's entry (an index into `nav_items`).
    Go(usize),
    /// Make the organization (its id) active.
    Org(String),
    Account(AccountId),
    Menu(MenuItem),
}

/// What kind of thing an entry is, said beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    Command,
    Place,
    Account,
    Organization,
}

impl Kind {
    pub(crate) fn word(self) -> &'static str {
        match self {
            Kind::Command => "command",
            Kind::Place => "panel",
            Kind::Account => "account",
            Kind::Organization => "org",
        }
    }
}

/// One line of the palette.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub target: Target,
    pub(crate) kind: Kind,
    /// What is drawn: `prefix`, the matched text, `suffix`.
    pub(crate) prefix: &'static str,
    pub(crate) text: String,
    suffix: String,
    /// The keys that do the same, if any.
    pub(crate) keys: String,
    /// Greyed, with the reason.
    pub(crate) disabled: Option<String>,
}

impl Entry {
    pub fn title(&self) -> String {
        format!("{}{}{}", self.prefix, self.text, self.suffix)
    }
}

/// A keyed action as a command's title: the table's own, or its line's
/// label capitalised; `None` for an action that moves around rather than
/// does something (not a command).
fn action_title(action: Action, label: &'static str) -> Option<String> {
    match action.def()?.palette {
        InPalette::No => None,
        InPalette::Titled(title) => Some(title.to_owned()),
        InPalette::AsLabelled => {
            let mut text = label.to_owned();
            if let Some(first) = text.get(..1) {
                text.replace_range(..1, &first.to_uppercase());
            }
            Some(text)
        }
    }
}

/// The menu's items that are commands of their own here (switching org
/// and account are places and accounts; quitting is the `q` action).
fn menu_title(item: MenuItem) -> Option<&'static str> {
    match item {
        MenuItem::AddAccount => Some("Add account (log in as someone else)"),
        MenuItem::OpenAccountPage => Some("Open the account page"),
        MenuItem::LogOut => Some("Log out"),
        MenuItem::LogOutInBrowser => Some("Log out, also in the browser"),
        MenuItem::LogOutEverywhere => Some("Log out everywhere (every device)"),
        MenuItem::SwitchAccount | MenuItem::SwitchOrganization | MenuItem::Quit => None,
    }
}

fn disabled(state: Availability) -> Option<Option<String>> {
    match state {
        Availability::Enabled => Some(None),
        Availability::Disabled(why) => Some(Some(why)),
        Availability::Hidden => None,
    }
}

/// Every entry for the screen under the palette, unranked.
fn all(model: &Model, query: &Query) -> Vec<Entry> {
    let mut entries = Vec::new();
    let mut seen = Vec::new();
    for context in screen_contexts(model) {
        for command in COMMANDS.iter().filter(|c| c.context == context) {
            let Some(title) = action_title(command.action, command.label) else {
                continue;
            };
            if seen.contains(&command.action) {
                continue;
            }
            let Some(disabled) = disabled(availability(model, context, command.action)) else {
                continue;
            };
            seen.push(command.action);
            entries.push(Entry {
                target: Target::Action(context, command.action),
                kind: Kind::Command,
                prefix: "",
                text: title,
                suffix: String::new(),
                keys: model.keymap.label(command.action),
                disabled,
            });
        }
    }
    let Screen::Dashboard(dash) = &model.screen else {
        return entries;
    };
    for item in model.menu_items() {
        let Some(title) = menu_title(item) else {
            continue;
        };
        let disabled = (item == MenuItem::OpenAccountPage
            && model
                .provider(&dash.session.provider)
                .is_none_or(|p| p.account_url.is_none()))
        .then(|| "no account_url for this provider".to_owned());
        entries.push(Entry {
            target: Target::Menu(item),
            kind: Kind::Command,
            prefix: "",
            text: title.to_owned(),
            suffix: String::new(),
            keys: String::new(),
            disabled,
        });
    }
    for (i, item) in model.nav_items().into_iter().enumerate() {
        let locked = match item {
            NavItem::Panel(p) => model.panels.get(p).is_some_and(|spec| {
                matches!(model.access(dash, spec), crate::panels::Access::Denied(_))
            }),
            _ => false,
        };
        entries.push(Entry {
            target: Target::Go(i),
            kind: Kind::Place,
            prefix: "Open ",
            text: crate::identity::visible(model.nav_title(item)).into_owned(),
            suffix: if locked {
                " (locked)".into()
            } else {
                String::new()
            },
            keys: if i < 9 {
                (i + 1).to_string()
            } else {
                String::new()
            },
            disabled: None,
        });
    }
    for account in model.accounts.iter().filter(|a| !a.active) {
        entries.push(Entry {
            target: Target::Account(account.id.clone()),
            kind: Kind::Account,
            prefix: "Switch to ",
            text: crate::identity::visible(&account.who).into_owned(),
            suffix: format!(" ({})", account.provider_label),
            keys: String::new(),
            disabled: None,
        });
    }
    // Organizations are matched by name before an entry is made for them:
    // a person in 10,000 orgs gets entries only for those that match.
    let active = dash.active_org.as_deref();
    let orgs = &dash.session.user.orgs;
    let matching: Box<dyn Iterator<Item = &crate::identity::OrgMembership>> = if query.is_empty() {
        Box::new(orgs.iter().take(ORGS_UNFILTERED))
    } else {
        Box::new(orgs.iter().filter(|o| query.score(&o.org_name).is_some()))
    };
    for org in matching {
        let roles = org.roles().collect::<Vec<_>>().join(", ");
        entries.push(Entry {
            target: Target::Org(org.org_id.clone()),
            kind: Kind::Organization,
            prefix: "Switch to ",
            text: crate::identity::visible(&org.org_name).into_owned(),
            suffix: format!(" ({})", crate::identity::visible(&roles)),
            keys: String::new(),
            disabled: (active == Some(org.org_id.as_str()))
                .then(|| "already the active organization".to_owned()),
        });
    }
    entries
}

/// Organizations listed before anything is typed (the rest are found by
/// typing).
const ORGS_UNFILTERED: usize = 20;

/// The entries matching `query`, best first: those that run before the
/// greyed ones, then by score; equal scores keep commands, places,
/// accounts and organizations in that order.
pub fn entries(model: &Model, query: &str) -> Vec<Entry> {
    let query = Query::new(query);
    let mut scored: Vec<(u32, Entry)> = all(model, &query)
        .into_iter()
        .filter_map(|e| query.score(&e.text).map(|s| (s, e)))
        .collect();
    scored.sort_by(|(a, x), (b, y)| {
        x.disabled
            .is_some()
            .cmp(&y.disabled.is_some())
            .then(b.cmp(a))
            .then(x.kind.cmp(&y.kind))
    });
    scored.into_iter().map(|(_, e)| e).collect()
}

/// "1 match", "1,000 matches"; before anything is typed, what is there.
pub(crate) fn count(n: usize, query: &str) -> String {
    let n_text = super::numbers::thousands(n);
    match (n, query.trim().is_empty()) {
        (1, true) => "1 command or place".to_owned(),
        (_, true) => format!("{n_text} commands and places"),
        (1, false) => "1 match".to_owned(),
        (_, false) => format!("{n_text} matches"),
    }
}
