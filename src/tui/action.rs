//! Every action a key can start, and the one table of where each applies
//! and what it is called there. Dispatch, the footer's hints, the `?`
//! help, the `:` palette and the README's keys table all read this table
//! (gitui's command list), so they cannot drift apart.
//!
//! A new action is a variant, its entry in `ACTIONS` (name, default
//! keys, palette title), its lines in `action_lines::COMMANDS` (context,
//! help text, footer hint, and the `When` rule that says when it runs) and
//! its handler in `update`.

/// What a key does. Its `name` is what `[authdash.keys]` binds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Help,
    Quit,
    Palette,
    ToggleMouse,
    Back,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    Confirm,
    /// The next and previous entry of the dashboard's list (a tab).
    NextPanel,
    PrevPanel,
    /// Go to the n-th entry of the dashboard's list (1-based).
    Jump(u8),
    Filter,
    Menu,
    OrgPicker,
    Reload,
    Copy,
    OpenBrowser,
    /// Log in by pasting back the address the browser lands on.
    Paste,
    /// A table: sort by the next column; turn the order round.
    SortNext,
    SortReverse,
    /// A locked panel: switch to the organization that opens it.
    Unlock,
    /// The Session inspector: reveal or mask the token values.
    Reveal,
    /// A table: copy the row under the cursor.
    CopyRow,
    /// A confirmation: go on (as Enter does).
    Yes,
}

impl Action {
    /// Every action, in the order of [`ACTIONS`].
    pub(crate) fn all() -> impl Iterator<Item = Action> {
        ACTIONS.iter().map(|d| d.action)
    }

    /// Its entry in [`ACTIONS`].
    pub(crate) fn def(self) -> Option<&'static ActionDef> {
        ACTIONS.iter().find(|d| d.action == self)
    }

    /// The name `[authdash.keys]` binds.
    pub(crate) fn name(self) -> &'static str {
        self.def().map_or("", |d| d.name)
    }

    pub(crate) fn from_name(name: &str) -> Option<Action> {
        ACTIONS.iter().find(|d| d.name == name).map(|d| d.action)
    }
}

/// One action: its name in `[authdash.keys]`, the keys that start it
/// unless the config says otherwise, and how the `:` palette offers it.
/// Where it applies, what it is called there and when it can run are its
/// lines in `action_lines::COMMANDS`; what it does is `update`'s handler for it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ActionDef {
    pub(crate) action: Action,
    pub(crate) name: &'static str,
    pub(crate) keys: &'static [&'static str],
    pub(crate) palette: InPalette,
}

/// How the palette offers an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InPalette {
    /// It moves around rather than does something: not a command.
    No,
    /// Under its line's label, capitalised.
    AsLabelled,
    /// Under this title.
    Titled(&'static str),
}

const fn def(
    action: Action,
    name: &'static str,
    keys: &'static [&'static str],
    palette: InPalette,
) -> ActionDef {
    ActionDef {
        action,
        name,
        keys,
        palette,
    }
}

use Action as A;
use InPalette::{AsLabelled, No, Titled};

/// The actions. Keys are written as `[authdash.keys]` takes them (see
/// `assets/default-keys.toml`, which a test keeps equal to this table).
pub(crate) const ACTIONS: &[ActionDef] = &[
    def(A::Help, "help", &["?"], Titled("Show every key (help)")),
    def(A::Quit, "quit", &["q"], Titled("Quit")),
    def(A::Palette, "palette", &[":"], No),
    def(
        A::ToggleMouse,
        "toggle_mouse",
        &["M"],
        Titled("Turn mouse capture on or off"),
    ),
    def(A::Back, "back", &["esc"], No),
    def(A::Up, "up", &["up", "k"], No),
    def(A::Down, "down", &["down", "j"], No),
    def(A::Left, "left", &["left", "h"], No),
    def(A::Right, "right", &["right", "l"], No),
    def(A::PageUp, "page_up", &["pgup", "ctrl-u"], No),
    def(A::PageDown, "page_down", &["pgdn", "ctrl-d"], No),
    def(A::Home, "home", &["home", "g"], No),
    def(A::End, "end", &["end", "G"], No),
    def(A::Confirm, "confirm", &["enter"], No),
    def(A::NextPanel, "next_panel", &["tab"], No),
    def(A::PrevPanel, "prev_panel", &["shift-tab"], No),
    def(A::Jump(1), "entry_1", &["1"], No),
    def(A::Jump(2), "entry_2", &["2"], No),
    def(A::Jump(3), "entry_3", &["3"], No),
    def(A::Jump(4), "entry_4", &["4"], No),
    def(A::Jump(5), "entry_5", &["5"], No),
    def(A::Jump(6), "entry_6", &["6"], No),
    def(A::Jump(7), "entry_7", &["7"], No),
    def(A::Jump(8), "entry_8", &["8"], No),
    def(A::Jump(9), "entry_9", &["9"], No),
    def(A::Filter, "filter", &["/"], No),
    def(A::Menu, "menu", &["m", "f10"], No),
    def(A::OrgPicker, "org_picker", &["o"], No),
    def(A::Reload, "reload", &["r"], Titled("Reload the panel")),
    def(
        A::Copy,
        "copy",
        &["c"],
        Titled("Copy the login address or the code"),
    ),
    def(
        A::OpenBrowser,
        "open_browser",
        &["o"],
        Titled("Open the login page in a browser here"),
    ),
    def(
        A::Paste,
        "paste",
        &["p"],
        Titled("Log in by pasting back the address the browser lands on"),
    ),
    def(
        A::SortNext,
        "sort_next",
        &["s"],
        Titled("Sort the table by the next column"),
    ),
    def(
        A::SortReverse,
        "sort_reverse",
        &["S"],
        Titled("Reverse the table's order"),
    ),
    def(
        A::Unlock,
        "unlock",
        &["u"],
        Titled("Unlock: switch to an organization that opens this panel"),
    ),
    def(
        A::Reveal,
        "reveal",
        &["v"],
        Titled("Reveal or mask the token values"),
    ),
    def(A::CopyRow, "copy_row", &["y"], AsLabelled),
    def(A::Yes, "yes", &["y"], AsLabelled),
];

/// Where keys are read. A popup or a text field has the keyboard alone
/// (only Ctrl-C reaches past it); the screens also take the global keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    Global,
    Login,
    LoginPending,
    Dashboard,
    Organizations,
    /// Typing in a list's filter: letters are text.
    Filter,
    Menu,
    Accounts,
    Help,
    Palette,
    ConfirmQuit,
    /// In a table panel: its row cursor, sort, filter and columns.
    Table,
    /// A menu item that cannot be undone asks first.
    Confirm,
}

impl Context {
    pub(crate) const ALL: [Context; 13] = [
        Context::Global,
        Context::Login,
        Context::LoginPending,
        Context::Dashboard,
        Context::Organizations,
        Context::Filter,
        Context::Menu,
        Context::Accounts,
        Context::Help,
        Context::Palette,
        Context::ConfirmQuit,
        Context::Table,
        Context::Confirm,
    ];

    pub(crate) fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere (but popups and text fields)",
            Context::Login => "Login screen",
            Context::LoginPending => "A login under way",
            Context::Dashboard => "Dashboard",
            Context::Organizations => "Organizations",
            Context::Filter => "Typing a filter",
            Context::Menu => "Menu",
            Context::Accounts => "Account switcher",
            Context::Help => "This help",
            Context::Palette => "Command palette",
            Context::ConfirmQuit => "Quit while a login is pending",
            Context::Table => "In a table",
            Context::Confirm => "Confirmation (log out everywhere, in the browser)",
        }
    }

    /// A popup or text field: the global keys do not reach past it.
    pub(crate) fn exclusive(self) -> bool {
        matches!(
            self,
            Context::Filter
                | Context::Menu
                | Context::Accounts
                | Context::Help
                | Context::Palette
                | Context::ConfirmQuit
                | Context::Confirm
        )
    }

    /// Letters typed here are text (the palette's query, a filter).
    pub(crate) fn takes_text(self) -> bool {
        matches!(self, Context::Filter | Context::Palette)
    }
}

/// Whether an action applies now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Availability {
    Enabled,
    /// Shown greyed, with the reason; its key says the reason.
    Disabled(String),
    /// Not part of this state at all (nothing to cancel, no 7th entry).
    Hidden,
}
