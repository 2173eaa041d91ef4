//! The action table applied to the model: which contexts have the keys
//! now, whether each action can run (and why not), the footer's hints and
//! the palette's entries. `update` dispatches through these and `view`
//! draws them, so a hint always names a key that does what it says.

pub use super::action::Availability;
use super::action::{Action, Context};
use super::action_lines::{ActionLine, COMMANDS, When, commands_in};
use super::keymap::Key;
use super::model::{Focus, Model, NavItem, PendingFlow, Popup, Screen};

/// The contexts whose keys apply now, most specific first. A popup or a
/// text field has the keyboard alone.
pub fn contexts(model: &Model) -> Vec<Context> {
    match &model.popup {
        Some(Popup::Menu { filter, .. } | Popup::Accounts { filter, .. }) if filter.editing => {
            return vec![Context::Filter];
        }
        Some(Popup::Menu { .. }) => return vec![Context::Menu],
        Some(Popup::Accounts { .. }) => return vec![Context::Accounts],
        Some(Popup::Help) => return vec![Context::Help],
        Some(Popup::Palette { .. }) => return vec![Context::Palette],
        Some(Popup::ConfirmQuit) => return vec![Context::ConfirmQuit],
        Some(Popup::Confirm { .. }) => return vec![Context::Confirm],
        None => {}
    }
    screen_contexts(model)
}

/// The screen's contexts, under any popup (what the palette offers).
pub(crate) fn screen_contexts(model: &Model) -> Vec<Context> {
    match &model.screen {
        Screen::Login(login) if login.pending.is_some() => {
            vec![Context::LoginPending, Context::Login, Context::Global]
        }
        Screen::Login(login) if login.filter.editing => vec![Context::Filter],
        Screen::Login(_) => vec![Context::Login, Context::Global],
        Screen::Dashboard(dash)
            if dash.orgs.editing
                || dash.nav_filter.editing
                || dash.panel_states.values().any(|s| s.table.editing) =>
        {
            vec![Context::Filter]
        }
        Screen::Dashboard(dash) => {
            let on_orgs = model.nav_items().get(dash.nav) == Some(&NavItem::Organizations);
            if on_orgs && dash.focus == Focus::Content {
                vec![Context::Organizations, Context::Dashboard, Context::Global]
            } else if dash.focus == Focus::Content && table_panel(model) {
                vec![Context::Table, Context::Dashboard, Context::Global]
            } else {
                vec![Context::Dashboard, Context::Global]
            }
        }
    }
}

/// Whether the panel selected in the navigation waits for its data.
fn selected_panel_loading(model: &Model, dash: &super::model::Dashboard) -> bool {
    match model.nav_items().get(dash.nav) {
        Some(NavItem::Panel(i)) => model.panels.get(*i).is_some_and(|spec| {
            dash.panel_states
                .get(&spec.id)
                .is_some_and(|s| s.loading.is_some())
        }),
        _ => false,
    }
}

/// Whether `action` can run in `context` now: the rule its line in the
/// action table names, decided against the model.
pub fn availability(model: &Model, context: Context, action: Action) -> Availability {
    decide(model, line_when(context, action), action)
}

/// The rule of `action`'s line in `context` (a line the table lacks runs
/// whenever asked).
fn line_when(context: Context, action: Action) -> When {
    commands_in(context)
        .find(|l| l.action == action)
        .map_or(When::Always, |l| l.when)
}

/// Each rule of the action table, against the model. `action` tells the
/// lines of one rule apart where they differ (Esc and ← in the content).
fn decide(model: &Model, when: When, action: Action) -> Availability {
    use Availability::*;
    let enabled_if = |ok: bool, why: &str| if ok { Enabled } else { Disabled(why.into()) };
    match when {
        When::Always => Enabled,
        When::OnDashboard => enabled_if(
            matches!(model.screen, Screen::Dashboard(_)),
            "the mouse stays free on the login screens, to select the address and the code",
        ),
        When::LoginCanGoBack => match &model.screen {
            Screen::Login(l) if l.back_to.is_some() && l.pending.is_none() => Enabled,
            // The demo user picker closes, back to the ways to log in.
            Screen::Login(l) if l.picking.is_some() && l.pending.is_none() => Enabled,
            _ => Hidden,
        },
        When::LoginChoosing | When::LoginGoing => match &model.screen {
            Screen::Login(l) if l.pending.is_some() => Hidden,
            // Picking a demo user: up, down, Enter (and Esc above).
            Screen::Login(l) if l.picking.is_some() => match action {
                Action::Up | Action::Down | Action::Confirm => Enabled,
                _ => Hidden,
            },
            // One way to log in (and no stored account): nothing to choose
            // between.
            Screen::Login(l)
                if matches!(action, Action::Up | Action::Down)
                    && model.login_rows().len() + model.login_offers(l).len() < 2 =>
            {
                Hidden
            }
            _ if action == Action::Filter && model.login_rows().len() < 2 => Hidden,
            // A stored account under the cursor: Enter uses it.
            Screen::Login(l) if action == Action::Confirm && l.offers.selected.is_some() => Enabled,
            Screen::Login(l) if matches!(action, Action::Confirm | Action::Paste) => enabled_if(
                !model.visible_logins(&l.filter).is_empty(),
                "no way to log in matches the filter",
            ),
            _ => enabled_if(!model.login_rows().is_empty(), "no provider to log in to"),
        },
        When::BrowserLoginPending => match pending_flow(model) {
            Some(PendingFlow::Browser { .. }) => Enabled,
            _ => Hidden,
        },
        When::PastedAddress => match pending_flow(model) {
            Some(PendingFlow::Paste { input, .. }) => enabled_if(
                !input.trim().is_empty(),
                "type or paste the address the browser landed on first",
            ),
            _ => Hidden,
        },
        When::AddressToCopy => match pending_flow(model) {
            Some(PendingFlow::Browser { url: Some(_), .. })
            | Some(PendingFlow::Paste { url: Some(_), .. })
            | Some(PendingFlow::Device(Some(_))) => Enabled,
            _ => Disabled("nothing to copy yet".into()),
        },
        When::AddressToOpen => match pending_flow(model) {
            Some(PendingFlow::Browser { url: Some(_), .. })
            | Some(PendingFlow::Paste { url: Some(_), .. }) => Enabled,
            Some(PendingFlow::Device(Some(_))) => enabled_if(
                model.browser_available,
                "no browser can be opened here: open the address on another device",
            ),
            _ => Disabled("the address is not ready yet".into()),
        },
        When::OrgNotActive => match model.dashboard() {
            Some(d) => {
                let selected = d.filtered_org(d.orgs.selected).map(|o| o.org_id.clone());
                match selected {
                    None => Disabled("no organization matches".into()),
                    Some(id) if d.active_org.as_deref() == Some(id.as_str()) => {
                        Disabled("already the active organization".into())
                    }
                    Some(_) => Enabled,
                }
            }
            None => Hidden,
        },
        When::OrgFilterTyped => match model.dashboard() {
            Some(d) if !d.orgs.filter.is_empty() => Enabled,
            _ => Hidden,
        },
        When::InContent => match model.dashboard() {
            Some(d) if d.focus == Focus::Content => Enabled,
            // Esc also stops waiting for the panel on screen, and in the
            // list clears what `/` typed there.
            Some(d) if action == Action::Back && selected_panel_loading(model, d) => Enabled,
            Some(d) if action == Action::Back && !d.nav_filter.text.is_empty() => Enabled,
            _ => Hidden,
        },
        When::OutsideOrganizations => match model.dashboard() {
            Some(d)
                if d.focus == Focus::Content
                    && model.nav_items().get(d.nav) == Some(&NavItem::Organizations) =>
            {
                Hidden
            }
            _ => Enabled,
        },
        // Enter opens the entry selected in the list; in the content it
        // has nothing to open.
        When::InList => match model.dashboard() {
            Some(d) if d.focus == Focus::Content => Hidden,
            _ => Enabled,
        },
        When::EntryExists => match action {
            Action::Jump(n) if usize::from(n) <= model.nav_items().len() => Enabled,
            _ => Hidden,
        },
        When::PanelData => {
            let on_panel = model
                .dashboard()
                .and_then(|d| model.nav_items().get(d.nav).copied())
                .is_some_and(|i| matches!(i, NavItem::Panel(_) | NavItem::Session));
            if on_panel && selected_panel_locked(model) {
                return Disabled("a locked panel has no data to reload".into());
            }
            enabled_if(on_panel, "only a panel's data reloads")
        }
        When::TablePanel => match table_panel(model) {
            true => Enabled,
            false => Hidden,
        },
        When::LockedPanel => match model.dashboard() {
            Some(d) => match model.nav_items().get(d.nav) {
                Some(NavItem::Panel(i)) => match model.panels.get(*i) {
                    Some(spec) => match model.unlock_plan(d, spec) {
                        None => Hidden,
                        Some(Ok(_)) => Enabled,
                        Some(Err(why)) => Disabled(why),
                    },
                    _ => Hidden,
                },
                _ => Hidden,
            },
            None => Hidden,
        },
        When::OnSession => match model.dashboard() {
            Some(d) if model.nav_items().get(d.nav) == Some(&NavItem::Session) => Enabled,
            _ => Hidden,
        },
        When::TableKeys => super::open_table::availability(model, action),
        // The help's scroll stops at its ends: the footer offers the way
        // that still moves.
        When::HelpNotAtTop if model.help_scroll == 0 => Hidden,
        When::HelpNotAtEnd
            if usize::from(model.help_scroll)
                >= crate::tui::view::help_max_scroll(model, model.size()) =>
        {
            Hidden
        }
        When::HelpNotAtTop | When::HelpNotAtEnd => Enabled,
        When::AccountMatches => match &model.popup {
            _ if model.accounts.is_empty() => Disabled("no stored account".into()),
            Some(Popup::Accounts { filter, .. }) => enabled_if(
                !model.visible_accounts(filter).is_empty(),
                "no account matches the filter",
            ),
            _ => Enabled,
        },
        When::MenuItemMatches => match &model.popup {
            Some(Popup::Menu { filter, .. }) => enabled_if(
                !model.visible_menu(filter).is_empty(),
                "no item matches the filter",
            ),
            _ => Enabled,
        },
    }
}

/// The panel selected in the navigation is locked for the person.
fn selected_panel_locked(model: &Model) -> bool {
    let Some(d) = model.dashboard() else {
        return false;
    };
    matches!(
        model.nav_items().get(d.nav),
        Some(NavItem::Panel(i)) if model
            .panels
            .get(*i)
            .is_some_and(|p| matches!(model.access(d, p), crate::panels::Access::Denied(_)))
    )
}

fn pending_flow(model: &Model) -> Option<&PendingFlow> {
    match &model.screen {
        Screen::Login(l) => l.pending.as_ref().map(|p| &p.flow),
        Screen::Dashboard(_) => None,
    }
}

/// The action `key` starts now: the first context that binds it to an
/// action that is part of this state.
pub fn resolve(model: &Model, contexts: &[Context], key: Key) -> Option<(Context, Action)> {
    contexts.iter().find_map(|context| {
        commands_in(*context)
            .filter(|c| model.keymap.keys(c.action).contains(&key))
            .find(|c| availability(model, *context, c.action) != Availability::Hidden)
            .map(|c| (*context, c.action))
    })
}

/// A footer hint: the key, the word, and whether it runs now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    pub key: Key,
    pub word: &'static str,
    pub action: Action,
    pub context: Context,
    pub enabled: bool,
}

/// The hints for the keys that apply now (the global ones last), each
/// with the first key bound to its action that really starts it here.
pub fn footer_hints(model: &Model) -> Vec<Hint> {
    let contexts = contexts(model);
    let mut hints: Vec<Hint> = Vec::new();
    for context in &contexts {
        for command in commands_in(*context) {
            let Some(word) = command.hint else { continue };
            let state = availability(model, *context, command.action);
            if state == Availability::Hidden {
                continue;
            }
            let key = model
                .keymap
                .keys(command.action)
                .iter()
                .copied()
                .find(|k| resolve(model, &contexts, *k) == Some((*context, command.action)));
            let Some(key) = key else { continue };
            if hints.iter().any(|h| h.key == key) {
                continue;
            }
            hints.push(Hint {
                key,
                word,
                action: command.action,
                context: *context,
                enabled: state == Availability::Enabled,
            });
        }
    }
    // The key that matters where the person is comes first: the footer
    // cuts from the right when it is narrow.
    hints.sort_by_key(|h| (h.context == Context::Global, !h.enabled, urgency(h)));
    hints
}

/// A hint's place in the footer: what acts on the thing in focus (open
/// it, unlock it, reload it) before what moves elsewhere (menu, tabs,
/// filter); greyed ones after those that run, the global keys last.
/// Equal ranks keep the table's order.
fn urgency(hint: &Hint) -> u8 {
    if hint.context != Context::Dashboard {
        return 0;
    }
    match hint.action {
        Action::Unlock | Action::Confirm => 1,
        Action::Reload | Action::Reveal | Action::SortNext | Action::SortReverse => 2,
        Action::Back => 3,
        Action::Menu | Action::OrgPicker => 4,
        Action::NextPanel | Action::Filter => 5,
        _ => 6,
    }
}

/// Every line of the table, for the help: in the contexts that apply now,
/// greyed with the reason when it cannot run.
pub fn help_lines(model: &Model) -> Vec<(Context, &'static ActionLine, Option<String>)> {
    let active = screen_contexts(model);
    COMMANDS
        .iter()
        // One line says what 1..9 do.
        .filter(|c| !matches!(c.action, Action::Jump(n) if n > 1))
        .map(|c| {
            let why = if active.contains(&c.context) {
                match availability(model, c.context, c.action) {
                    Availability::Disabled(why) => Some(why),
                    Availability::Hidden => where_it_works(c.context, c.action).map(str::to_owned),
                    Availability::Enabled => None,
                }
            } else {
                None
            };
            (c.context, c, why)
        })
        .collect()
}

/// Where an action that is not part of this place works, said when its
/// key is pressed here and beside it, greyed, in the help: its rule's.
fn where_it_works(context: Context, action: Action) -> Option<&'static str> {
    line_when(context, action).elsewhere()
}

/// A key that starts nothing here but would elsewhere: where it works, to
/// say so instead of doing nothing silently.
pub(crate) fn explain(model: &Model, contexts: &[Context], key: Key) -> Option<String> {
    // Only the keys a person presses expecting them to act on what is on
    // screen; Esc, Enter and the arrows doing nothing need no sentence.
    let said = |a: Action| {
        matches!(
            a,
            Action::SortNext | Action::SortReverse | Action::Unlock | Action::Reveal
        )
    };
    contexts.iter().find_map(|context| {
        commands_in(*context)
            .filter(|c| said(c.action) && model.keymap.keys(c.action).contains(&key))
            .find_map(|c| where_it_works(*context, c.action))
            .map(|place| {
                let what = commands_in(*context)
                    .find(|c| said(c.action) && model.keymap.keys(c.action).contains(&key))
                    .map_or("That key", |c| c.label);
                let mut text = format!("{what}: {place}.");
                if let Some(first) = text.get(..1) {
                    text.replace_range(..1, &first.to_uppercase());
                }
                text
            })
    })
}

/// The selected entry is a panel shown as a table, open to the person
/// (its keys work from the list too).
fn table_panel(model: &Model) -> bool {
    let Some(d) = model.dashboard() else {
        return false;
    };
    matches!(
        model.nav_items().get(d.nav),
        Some(NavItem::Panel(i)) if model
            .panels
            .get(*i)
            .is_some_and(|p| matches!(p.view, crate::panels::View::Table(_))
                && matches!(model.access(d, p), crate::panels::Access::Allowed))
    )
}
