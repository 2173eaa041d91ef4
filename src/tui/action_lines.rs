//! The table's lines: in which context each action applies, what it is
//! called there, its footer hint and the rule that says when it runs
//! ([`super::action`] holds the actions and their contexts).

use super::action::{Action, Context};

use Action as A;
use Context as C;
use When as W;

/// One line of the table: in `context`, `action` is called `label`; the
/// footer shows it as `hint` when it has one.
#[derive(Debug, Clone, Copy)]
pub struct ActionLine {
    pub(crate) context: Context,
    pub action: Action,
    pub(crate) label: &'static str,
    pub(crate) hint: Option<&'static str>,
    /// When it can run: `commands` decides the rule against the model.
    pub(crate) when: When,
}

impl ActionLine {
    /// The line, running only when `when` holds.
    const fn when(self, when: When) -> ActionLine {
        ActionLine { when, ..self }
    }
}

/// When a line's action can run, named: each is decided against the
/// model in one place (`commands::availability`), which greys it with the
/// reason or leaves it out; a line left out says where it works instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum When {
    /// Wherever its context has the keys.
    Always,
    /// On the dashboard: the mouse stays free on the login screens.
    OnDashboard,
    /// Adding an account or picking a demo user: back to where it began.
    LoginCanGoBack,
    /// Moving among the ways to log in, or filtering them: more than one.
    LoginChoosing,
    /// Logging in the selected way (or with the stored account selected).
    LoginGoing,
    /// A browser login under way: paste back instead.
    BrowserLoginPending,
    /// A paste-back login with an address typed.
    PastedAddress,
    /// The login address or the device code, to copy.
    AddressToCopy,
    /// The login address, to open in a browser here.
    AddressToOpen,
    /// The organization selected is not the active one.
    OrgNotActive,
    /// The organizations' filter has text.
    OrgFilterTyped,
    /// The focus is in the content (Esc also stops a panel's wait and
    /// clears the list's filter).
    InContent,
    /// Anywhere but the Organizations pane itself.
    OutsideOrganizations,
    /// The focus is in the list on the left.
    InList,
    /// The list has the entry the key names.
    EntryExists,
    /// A panel (or Session) with data to load again.
    PanelData,
    /// A panel shown as a table, open to the person.
    TablePanel,
    /// A locked panel, and a way into it.
    LockedPanel,
    /// The Session panel.
    OnSession,
    /// The open table: its data, columns and rows.
    TableKeys,
    /// The help, scrolled down from its top.
    HelpNotAtTop,
    /// The help, not scrolled to its end.
    HelpNotAtEnd,
    /// An account matches the switcher's filter.
    AccountMatches,
    /// A menu item matches the menu's filter.
    MenuItemMatches,
}

impl When {
    /// Where an action left out here works, said when its key is pressed
    /// and beside it, greyed, in the help; `None` where there is nothing
    /// to say (a 7th entry that does not exist).
    pub(crate) fn elsewhere(self) -> Option<&'static str> {
        Some(match self {
            When::TablePanel => "only on a table panel",
            When::LockedPanel => "only on a locked panel",
            When::OnSession => "only on Session",
            When::InContent => "only in a panel's content",
            When::InList => "only in the list on the left",
            When::OutsideOrganizations => "only outside Organizations",
            When::LoginCanGoBack => "only while adding an account",
            When::LoginChoosing => "only with more than one way to log in",
            When::OrgFilterTyped => "only with a filter typed",
            When::BrowserLoginPending => "only during a browser login",
            When::PastedAddress => "only during a paste-back login",
            _ => return None,
        })
    }
}

const fn c(
    context: Context,
    action: Action,
    label: &'static str,
    hint: Option<&'static str>,
) -> ActionLine {
    ActionLine {
        context,
        action,
        label,
        hint,
        when: When::Always,
    }
}

/// The table. Order within a context is the footer's order.
pub(crate) const COMMANDS: &[ActionLine] = &[
    c(C::Global, A::Help, "help: every key", Some("help")),
    c(C::Global, A::Quit, "quit", Some("quit")),
    c(
        C::Global,
        A::Palette,
        "palette: commands and places (panels, organizations, accounts, log out)",
        None,
    ),
    c(
        C::Global,
        A::ToggleMouse,
        "mouse capture on/off (off: select text with the mouse)",
        None,
    )
    .when(W::OnDashboard),
    c(C::Login, A::Up, "previous way to log in", None).when(W::LoginChoosing),
    c(C::Login, A::Down, "next way to log in", Some("choose")).when(W::LoginChoosing),
    c(
        C::Login,
        A::Confirm,
        "log in the way the selected line says",
        Some("log in"),
    )
    .when(W::LoginGoing),
    c(
        C::Login,
        A::Paste,
        "log in by pasting back the address the browser lands on",
        None,
    )
    .when(W::LoginGoing),
    c(C::Login, A::Filter, "filter the providers", None).when(W::LoginChoosing),
    c(
        C::Login,
        A::Back,
        "back to the dashboard (adding an account)",
        Some("back"),
    )
    .when(W::LoginCanGoBack),
    c(
        C::LoginPending,
        A::Back,
        "cancel the login under way",
        Some("cancel"),
    ),
    c(
        C::LoginPending,
        A::Copy,
        "copy the login address or the device code (OSC 52)",
        Some("copy"),
    )
    .when(W::AddressToCopy),
    c(
        C::LoginPending,
        A::OpenBrowser,
        "open the login page in a browser here",
        Some("open"),
    )
    .when(W::AddressToOpen),
    c(
        C::LoginPending,
        A::Paste,
        "paste back the address the browser lands on instead",
        Some("paste"),
    )
    .when(W::BrowserLoginPending),
    c(
        C::LoginPending,
        A::Confirm,
        "finish the login with the address pasted back",
        Some("finish"),
    )
    .when(W::PastedAddress),
    c(
        C::Organizations,
        A::Confirm,
        "make the organization active",
        Some("make active"),
    )
    .when(W::OrgNotActive),
    c(
        C::Organizations,
        A::Filter,
        "filter organizations",
        Some("filter"),
    ),
    c(
        C::Organizations,
        A::Back,
        "clear the filter, then back to the list",
        None,
    )
    .when(W::OrgFilterTyped),
    c(
        C::Table,
        A::SortNext,
        "sort by the next column (after the last: as it came)",
        Some("sort"),
    )
    .when(W::TableKeys),
    c(
        C::Table,
        A::SortReverse,
        "turn the order round",
        Some("reverse"),
    )
    .when(W::TableKeys),
    c(
        C::Table,
        A::Filter,
        "filter the rows: those with the text in a cell",
        Some("filter"),
    )
    .when(W::TableKeys),
    c(
        C::Table,
        A::Right,
        "scroll the columns right (a table wider than its pane)",
        Some("columns"),
    )
    .when(W::TableKeys),
    c(
        C::Table,
        A::Left,
        "scroll the columns left (then Esc goes back to the list)",
        None,
    )
    .when(W::TableKeys),
    c(
        C::Table,
        A::CopyRow,
        "copy the row under the cursor, tab-separated (OSC 52)",
        Some("copy row"),
    )
    .when(W::TableKeys),
    c(
        C::Table,
        A::Back,
        "clear the filter, then back to the list",
        Some("back"),
    )
    .when(W::TableKeys),
    c(C::Table, A::Up, "row cursor up", None).when(W::TableKeys),
    c(C::Table, A::Down, "row cursor down", None).when(W::TableKeys),
    c(C::Table, A::PageUp, "a page of rows up", None).when(W::TableKeys),
    c(C::Table, A::PageDown, "a page of rows down", None).when(W::TableKeys),
    c(C::Table, A::Home, "first row", None).when(W::TableKeys),
    c(C::Table, A::End, "last row", None).when(W::TableKeys),
    c(
        C::Dashboard,
        A::Menu,
        "menu: switch org, account, log out",
        Some("menu"),
    ),
    c(
        C::Dashboard,
        A::OrgPicker,
        "organizations: choose the active one",
        Some("orgs"),
    )
    .when(W::OutsideOrganizations),
    c(C::Dashboard, A::Up, "move up", None),
    c(C::Dashboard, A::Down, "move down", None),
    c(C::Dashboard, A::Left, "back to the list", None).when(W::InContent),
    c(C::Dashboard, A::Right, "into the content", None),
    c(C::Dashboard, A::PageUp, "scroll a page up", None),
    c(C::Dashboard, A::PageDown, "scroll a page down", None),
    c(C::Dashboard, A::Home, "first entry", None),
    c(C::Dashboard, A::End, "last entry", None),
    c(
        C::Dashboard,
        A::NextPanel,
        "next entry of the list (the focus stays)",
        Some("next"),
    ),
    c(
        C::Dashboard,
        A::PrevPanel,
        "previous entry of the list (the focus stays)",
        None,
    ),
    c(
        C::Dashboard,
        A::Jump(1),
        "go to entry 1 of the list (2..9 likewise)",
        None,
    )
    .when(W::EntryExists),
    c(C::Dashboard, A::Jump(2), "go to entry 2 of the list", None).when(W::EntryExists),
    c(C::Dashboard, A::Jump(3), "go to entry 3 of the list", None).when(W::EntryExists),
    c(C::Dashboard, A::Jump(4), "go to entry 4 of the list", None).when(W::EntryExists),
    c(C::Dashboard, A::Jump(5), "go to entry 5 of the list", None).when(W::EntryExists),
    c(C::Dashboard, A::Jump(6), "go to entry 6 of the list", None).when(W::EntryExists),
    c(C::Dashboard, A::Jump(7), "go to entry 7 of the list", None).when(W::EntryExists),
    c(C::Dashboard, A::Jump(8), "go to entry 8 of the list", None).when(W::EntryExists),
    c(C::Dashboard, A::Jump(9), "go to entry 9 of the list", None).when(W::EntryExists),
    c(C::Dashboard, A::Confirm, "open", Some("open")).when(W::InList),
    c(
        C::Dashboard,
        A::Filter,
        "filter the list in focus (navigation, organizations, table rows)",
        Some("filter"),
    ),
    c(
        C::Dashboard,
        A::Reload,
        "reload the panel (on Session: look the provider up again)",
        Some("reload"),
    )
    .when(W::PanelData),
    c(
        C::Dashboard,
        A::SortNext,
        "sort a table by the next column",
        None,
    )
    .when(W::TablePanel),
    c(
        C::Dashboard,
        A::SortReverse,
        "turn a table's order round",
        None,
    )
    .when(W::TablePanel),
    c(
        C::Dashboard,
        A::Unlock,
        "a locked panel: switch to your org that opens it, or log in asking for its scope",
        Some("unlock"),
    )
    .when(W::LockedPanel),
    c(
        C::Dashboard,
        A::Reveal,
        "reveal or mask the token values (Session)",
        Some("reveal"),
    )
    .when(W::OnSession),
    c(
        C::Dashboard,
        A::Back,
        "back to the list; stop a panel's wait; clear a filter",
        Some("back"),
    )
    .when(W::InContent),
    c(C::Filter, A::Back, "stop filtering", Some("done")),
    c(
        C::Filter,
        A::Confirm,
        "choose the selected line (an organization: make it active)",
        Some("choose"),
    ),
    c(C::Filter, A::Up, "move up", None),
    c(C::Filter, A::Down, "move down", None),
    c(C::Menu, A::Up, "move up", None),
    c(C::Menu, A::Down, "move down", None),
    c(C::Menu, A::Confirm, "run the item", Some("run")).when(W::MenuItemMatches),
    c(C::Menu, A::Filter, "filter the menu", Some("filter")),
    c(C::Menu, A::Back, "close the menu", Some("close")),
    c(C::Menu, A::Menu, "close the menu", None),
    c(C::Accounts, A::Up, "move up", None),
    c(C::Accounts, A::Down, "move down", None),
    c(
        C::Accounts,
        A::Confirm,
        "switch to the account",
        Some("switch"),
    )
    .when(W::AccountMatches),
    c(
        C::Accounts,
        A::Filter,
        "filter the accounts",
        Some("filter"),
    ),
    c(C::Accounts, A::Back, "close", Some("close")),
    c(C::Help, A::Back, "close the help", Some("close")),
    c(C::Help, A::Help, "close the help", None),
    c(C::Help, A::Up, "scroll up", Some("scroll")).when(W::HelpNotAtTop),
    c(C::Help, A::Down, "scroll down", Some("scroll")).when(W::HelpNotAtEnd),
    c(C::Help, A::PageUp, "scroll a page up", None),
    c(C::Help, A::PageDown, "scroll a page down", None),
    c(C::Help, A::Home, "to the top", None),
    c(C::Help, A::End, "to the end", None),
    c(C::Palette, A::Up, "move up", None),
    c(C::Palette, A::Down, "move down", None),
    c(C::Palette, A::PageUp, "a page up", None),
    c(C::Palette, A::PageDown, "a page down", None),
    c(C::Palette, A::Confirm, "run the action", Some("run")),
    c(C::Palette, A::Back, "close", Some("close")),
    c(
        C::ConfirmQuit,
        A::Confirm,
        "quit, cancelling the login",
        Some("quit"),
    ),
    c(C::ConfirmQuit, A::Quit, "quit, cancelling the login", None),
    c(C::ConfirmQuit, A::Yes, "quit, cancelling the login", None),
    c(C::ConfirmQuit, A::Back, "stay", Some("stay")),
    c(C::Confirm, A::Confirm, "go on", Some("go on")),
    c(C::Confirm, A::Yes, "go on", None),
    c(C::Confirm, A::Back, "stay: nothing is done", Some("stay")),
];

/// The table's lines for one context, in order.
pub(crate) fn commands_in(context: Context) -> impl Iterator<Item = &'static ActionLine> {
    COMMANDS.iter().filter(move |c| c.context == context)
}
