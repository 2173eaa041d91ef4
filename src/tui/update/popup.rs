//! Keys while a popup (menu, accounts, help) has the keyboard.

use super::*;
use crate::tui::keymap::Key;
use crate::tui::message::Command;
use crate::tui::palette::Target;

pub(super) fn popup_action(model: &mut Model, action: Action) -> Vec<Command> {
    let step = |selected: usize, n: usize| match action {
        Action::Up => (selected + n - 1) % n,
        Action::Down => (selected + 1) % n,
        _ => selected,
    };
    match model.popup.clone() {
        Some(Popup::Help) => {
            let page = i64::from(model.size().1.saturating_sub(4).max(1));
            let by = match action {
                Action::Up => -1,
                Action::Down => 1,
                Action::PageUp => -page,
                Action::PageDown => page,
                Action::Home => i64::MIN / 2,
                Action::End => i64::MAX / 2,
                _ => 0,
            };
            // Stops at both ends: a press past the end is not stored.
            let last = crate::tui::view::help_max_scroll(model, model.size()) as i64;
            let to = (i64::from(model.help_scroll) + by).clamp(0, last);
            model.help_scroll = u16::try_from(to).unwrap_or(u16::MAX);
            if matches!(action, Action::Back | Action::Help) {
                model.popup = None;
            }
            Vec::new()
        }
        Some(Popup::ConfirmQuit) => {
            match action {
                Action::Confirm | Action::Quit | Action::Yes => model.quit = true,
                Action::Back => model.popup = None,
                _ => {}
            }
            Vec::new()
        }
        Some(Popup::Confirm { item }) => match action {
            Action::Confirm | Action::Yes => {
                model.popup = None;
                run_menu_item(model, item)
            }
            Action::Back => {
                model.popup = None;
                Vec::new()
            }
            _ => Vec::new(),
        },
        Some(Popup::Accounts { selected, filter }) => {
            let visible = model.visible_accounts(&filter);
            match list_popup_action(action, selected, filter, &visible) {
                ListStep::Stay(selected, filter) => {
                    model.popup = Some(Popup::Accounts { selected, filter })
                }
                ListStep::Close => model.popup = None,
                ListStep::Run(selected) => {
                    model.popup = None;
                    if let Some(entry) = model.accounts.get(selected)
                        && !entry.active
                    {
                        return vec![Command::SwitchAccount(entry.id.clone())];
                    }
                }
            }
            Vec::new()
        }
        Some(Popup::Menu { selected, filter }) => {
            let items = model.menu_items();
            let visible = model.visible_menu(&filter);
            if action == Action::Menu && !filter.editing {
                model.popup = None;
                return Vec::new();
            }
            match list_popup_action(action, selected, filter, &visible) {
                ListStep::Stay(selected, filter) => {
                    model.popup = Some(Popup::Menu { selected, filter })
                }
                ListStep::Close => model.popup = None,
                ListStep::Run(selected) => {
                    model.popup = None;
                    if let Some(item) = items.get(selected) {
                        return menu_choice(model, *item);
                    }
                }
            }
            Vec::new()
        }
        Some(Popup::Palette { query, selected }) => {
            let entries = crate::tui::palette::entries(model, &query);
            let n = entries.len().max(1);
            let page = usize::from(model.size().1.saturating_sub(10).max(1));
            let to = match action {
                Action::Back => {
                    model.popup = None;
                    return Vec::new();
                }
                Action::Confirm => {
                    model.popup = None;
                    return match entries.into_iter().nth(selected) {
                        Some(entry) if entry.disabled.is_some() => {
                            model.say(Toast {
                                level: Level::Info,
                                text: entry.disabled.unwrap_or_default(),
                            });
                            Vec::new()
                        }
                        Some(entry) => run_palette_entry(model, entry.target),
                        None => Vec::new(),
                    };
                }
                Action::Up => step(selected, n),
                Action::Down => step(selected, n),
                Action::PageUp => selected.saturating_sub(page),
                Action::PageDown => (selected + page).min(n - 1),
                Action::Home => 0,
                Action::End => n - 1,
                _ => selected,
            };
            model.popup = Some(Popup::Palette {
                query,
                selected: to,
            });
            Vec::new()
        }
        None => Vec::new(),
    }
}

/// What a key does to a short list popup (the menu, the accounts).
enum ListStep {
    Stay(usize, ListFilter),
    Close,
    /// Run the line at this index of the whole list.
    Run(usize),
}

/// A list popup's keys: `/` starts its filter, Esc ends the filter before
/// it closes the popup, the arrows step over the matching lines only.
fn list_popup_action(
    action: Action,
    selected: usize,
    mut filter: ListFilter,
    visible: &[usize],
) -> ListStep {
    match action {
        Action::Back if filter.editing => {
            filter.editing = false;
            ListStep::Stay(selected, filter)
        }
        Action::Back => ListStep::Close,
        Action::Filter => {
            filter.editing = true;
            ListStep::Stay(selected, filter)
        }
        Action::Up | Action::Down => {
            let by = if action == Action::Up { -1 } else { 1 };
            let to = step_matching(visible, selected, by, true).unwrap_or(selected);
            ListStep::Stay(to, filter)
        }
        Action::Confirm if visible.contains(&selected) => ListStep::Run(selected),
        _ => ListStep::Stay(selected, filter),
    }
}

/// Letters typed into the menu's or the account switcher's filter.
pub(super) fn popup_filter_text(model: &mut Model, key: Key) -> Vec<Command> {
    let (selected, filter) = match &mut model.popup {
        Some(Popup::Menu { selected, filter } | Popup::Accounts { selected, filter }) => {
            (selected, filter)
        }
        _ => return Vec::new(),
    };
    super::lists::edit_filter(&mut filter.text, key);
    let (old, filter) = (*selected, filter.clone());
    let visible = match &model.popup {
        Some(Popup::Menu { .. }) => model.visible_menu(&filter),
        _ => model.visible_accounts(&filter),
    };
    if let Some(Popup::Menu { selected, .. } | Popup::Accounts { selected, .. }) = &mut model.popup
        && !visible.contains(&old)
    {
        *selected = visible.first().copied().unwrap_or(old);
    }
    Vec::new()
}

/// Typing in the palette's query.
pub(super) fn palette_text(model: &mut Model, key: Key) -> Vec<Command> {
    if let Some(Popup::Palette { query, selected }) = &mut model.popup {
        match key {
            Key::Char(c) => query.push(c),
            Key::Backspace => {
                query.pop();
            }
            _ => {}
        }
        *selected = 0;
    }
    Vec::new()
}

/// A letter typed in the menu (not in its filter): the item it is shown
/// beside runs, as Enter on it would.
pub(super) fn menu_mnemonic(model: &mut Model, key: Key) -> Vec<Command> {
    match &model.popup {
        Some(Popup::Menu { filter, .. }) if !filter.editing => {}
        _ => return Vec::new(),
    }
    let Some(item) = model
        .mnemonics()
        .into_iter()
        .find_map(|(item, k)| (k == Some(key)).then_some(item))
    else {
        return Vec::new();
    };
    model.popup = None;
    menu_choice(model, item)
}

/// An item chosen in the menu (or anywhere else that offers its items):
/// one that cannot be undone asks first.
pub(super) fn menu_choice(model: &mut Model, item: MenuItem) -> Vec<Command> {
    if item.asks_first() {
        model.popup = Some(Popup::Confirm { item });
        return Vec::new();
    }
    run_menu_item(model, item)
}

pub(super) fn run_menu_item(model: &mut Model, item: MenuItem) -> Vec<Command> {
    let Screen::Dashboard(dash) = &mut model.screen else {
        return Vec::new();
    };
    match item {
        MenuItem::SwitchOrganization => {
            dash.nav = 1;
            dash.focus = Focus::Content;
            Vec::new()
        }
        MenuItem::OpenAccountPage => {
            let provider = dash.session.provider.clone();
            match model
                .provider(&provider)
                .and_then(|p| p.account_url.clone())
            {
                Some(url) => vec![Command::OpenUrl(url)],
                None => {
                    model.say(Toast {
                        level: Level::Error,
                        text: format!(
                            "No account page for {provider}: set account_url under [auth.{provider}] in the config."
                        ),
                    });
                    Vec::new()
                }
            }
        }
        MenuItem::SwitchAccount => {
            if model.accounts.len() < 2 {
                model.say(Toast {
                    level: Level::Info,
                    text: "Only this account is stored here: \"Add account\" logs in someone else."
                        .into(),
                });
                return Vec::new();
            }
            let selected = model.accounts.iter().position(|a| a.active).unwrap_or(0);
            model.popup = Some(Popup::Accounts {
                selected,
                filter: ListFilter::default(),
            });
            Vec::new()
        }
        MenuItem::AddAccount => super::login::log_in_again(
            model,
            true,
            Vec::new(),
            "Adding an account: the provider asks who you are. Esc goes back.".into(),
        ),
        MenuItem::LogOut | MenuItem::LogOutInBrowser | MenuItem::LogOutEverywhere => {
            let session = dash.session.clone();
            let mut commands = super::accounts::end_session(model, Ended::LoggedOut);
            commands.push(Command::Logout {
                session,
                in_browser: item == MenuItem::LogOutInBrowser,
                everywhere: item == MenuItem::LogOutEverywhere,
            });
            commands
        }
        MenuItem::Quit => {
            model.quit = true;
            Vec::new()
        }
    }
}

/// A palette entry chosen: what its key, the list or the menu does.
fn run_palette_entry(model: &mut Model, target: Target) -> Vec<Command> {
    match target {
        Target::Action(context, action) => run_action(model, context, action),
        // The menu's own path: what cannot be undone asks first.
        Target::Menu(item) => menu_choice(model, item),
        Target::Account(id) => vec![Command::SwitchAccount(id)],
        Target::Org(id) => super::lists::switch_org(model, id),
        Target::Go(nav) => {
            let mut commands = match &mut model.screen {
                Screen::Dashboard(dash) => {
                    dash.nav_filter = ListFilter::default();
                    dash.focus = Focus::Content;
                    super::lists::select_nav(model, nav)
                }
                Screen::Login(_) => Vec::new(),
            };
            commands.extend(super::panels::describe_provider_if_wanted(model));
            commands
        }
    }
}
