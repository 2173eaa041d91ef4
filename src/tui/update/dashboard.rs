//! The dashboard's keys, sent on to its lists and panels; renewals' record.

use super::lists::{nav_filter_action, org_filter_action, org_list_action, select_nav};
use super::panels::{
    cancel_panel_fetch, describe_provider, describe_provider_if_wanted, load_selected_panel,
    panel_key_of,
};
use super::unlock::panel_key;
use super::*;
use crate::tui::action::{Action, Context};
use crate::tui::keymap::Key;
use crate::tui::message::Command;

pub(super) fn dashboard_action(
    model: &mut Model,
    context: Context,
    action: Action,
) -> Vec<Command> {
    let mut commands = dashboard_action_inner(model, context, action);
    commands.extend(describe_provider_if_wanted(model));
    commands
}

fn dashboard_action_inner(model: &mut Model, context: Context, action: Action) -> Vec<Command> {
    let items = model.nav_items();
    let visible = model.visible_nav_now();
    let Screen::Dashboard(dash) = &mut model.screen else {
        return Vec::new();
    };
    let item = items.get(dash.nav).copied().unwrap_or(NavItem::Profile);
    match context {
        Context::Filter => {
            if dash.nav_filter.editing {
                return nav_filter_action(model, action);
            }
            // A table's row filter, else the organizations' filter.
            if let NavItem::Panel(_) = item
                && dash.panel_states.values().any(|s| s.table.editing)
            {
                let key = match action {
                    Action::Confirm => Key::Enter,
                    Action::Back => Key::Esc,
                    _ => return Vec::new(),
                };
                return super::table::filter_key(model, key);
            }
            return org_filter_action(model, action);
        }
        Context::Organizations => return org_list_action(model, action),
        _ => {}
    }
    // A table's keys work from the list too: they take the focus into it.
    if let NavItem::Panel(i) = item
        && matches!(
            action,
            Action::SortNext | Action::SortReverse | Action::Filter
        )
        && crate::tui::open_table::is_table(model, i)
    {
        return super::table::from_list(model, action);
    }
    // Esc while the panel on screen waits for its answer: stop waiting.
    if action == Action::Back
        && let NavItem::Panel(i) = item
        && let Some(commands) = cancel_panel_fetch(model, i)
    {
        return commands;
    }
    let Screen::Dashboard(dash) = &mut model.screen else {
        return Vec::new();
    };
    if let NavItem::Panel(i) = item
        && (dash.focus == Focus::Content || action == Action::Unlock)
        && let Some(key) = panel_key_of(action)
        && let Some(commands) = panel_key(model, i, key)
    {
        return commands;
    }
    let Screen::Dashboard(dash) = &mut model.screen else {
        return Vec::new();
    };
    if item == NavItem::Session {
        match action {
            // Reveal or mask the token values in the Session inspector.
            Action::Reveal => {
                dash.reveal_tokens = !dash.reveal_tokens;
                return Vec::new();
            }
            Action::Reload => return describe_provider(model),
            _ => {}
        }
    }
    match action {
        Action::Menu => {
            model.popup = Some(Popup::Menu {
                selected: 0,
                filter: ListFilter::default(),
            });
            return Vec::new();
        }
        // Tabs: the next entry, with the focus where it was.
        Action::NextPanel | Action::PrevPanel => {
            let by = if action == Action::NextPanel { 1 } else { -1 };
            let to = step_matching(&visible, dash.nav, by, true).unwrap_or(dash.nav);
            return select_nav(model, to);
        }
        Action::OrgPicker => {
            dash.nav = 1;
            dash.focus = Focus::Content;
            return Vec::new();
        }
        // The list in focus filters (organizations and tables took `/`
        // above); elsewhere, the navigation list.
        Action::Filter => {
            dash.focus = Focus::Nav;
            dash.nav_filter.editing = true;
            return Vec::new();
        }
        Action::Jump(n) => {
            // The numbers name the whole list's entries, filtered or not.
            dash.nav_filter = ListFilter::default();
            let to = usize::from(n).saturating_sub(1).min(items.len() - 1);
            // Another entry opens at its top, as Tab opens it.
            if to != dash.nav {
                dash.profile_scroll = 0;
            }
            dash.nav = to;
            dash.focus = Focus::Nav;
            return load_selected_panel(model, false);
        }
        Action::Reload => return load_selected_panel(model, true),
        _ => {}
    }
    match dash.focus {
        Focus::Nav => {
            let to = match action {
                Action::Up => step_matching(&visible, dash.nav, -1, false),
                Action::Down => step_matching(&visible, dash.nav, 1, false),
                Action::Home => visible.first().copied(),
                Action::End => visible.last().copied(),
                Action::Back => {
                    dash.nav_filter = ListFilter::default();
                    return Vec::new();
                }
                Action::Confirm | Action::Right => {
                    dash.focus = Focus::Content;
                    return match action {
                        Action::Confirm => load_selected_panel(model, false),
                        _ => Vec::new(),
                    };
                }
                _ => None,
            };
            match to {
                Some(to) => select_nav(model, to),
                None => Vec::new(),
            }
        }
        Focus::Content => {
            match (item, action) {
                (_, Action::Left | Action::Back) => dash.focus = Focus::Nav,
                (NavItem::Organizations, _) => return org_list_action(model, action),
                (NavItem::Profile | NavItem::Session, _) => return scroll_pane(model, action),
                // A panel of text (labelled values, text, a lock's advice)
                // scrolls as they do; a table or a chart has its own keys.
                (NavItem::Panel(_), _) if crate::tui::view::pane_rows(model).is_some() => {
                    return scroll_pane(model, action);
                }
                _ => {}
            }
            Vec::new()
        }
    }
}

/// A renewal's result for the Session inspector: when, how long (for the
/// one the dashboard started), and how it ended; the last five are kept.
pub(super) fn record_renewal(
    dash: &mut Dashboard,
    now: chrono::DateTime<chrono::Utc>,
    awaited: bool,
    result: &Result<Box<crate::auth::Session>, crate::tui::message::RefreshFailure>,
) {
    let started = if awaited {
        dash.renewal_started.take()
    } else {
        None
    };
    dash.renewals.push(RenewalRecord {
        at: now,
        took_ms: started.map(|s| (now - s).num_milliseconds()),
        result: result.as_ref().map(|_| ()).map_err(|f| f.error.clone()),
    });
    let excess = dash.renewals.len().saturating_sub(5);
    dash.renewals.drain(..excess);
}

/// Scroll Profile, Session or a panel of text: a page is the pane's
/// height, and the scroll stops where the last row reaches the bottom (no
/// dead presses to undo).
fn scroll_pane(model: &mut Model, action: Action) -> Vec<Command> {
    let (total, height) = crate::tui::view::pane_rows(model).unwrap_or((usize::MAX, 1));
    let last = total.saturating_sub(height);
    let page = height.saturating_sub(1).max(1);
    let Screen::Dashboard(dash) = &mut model.screen else {
        return Vec::new();
    };
    let at = dash.profile_scroll.min(last);
    dash.profile_scroll = match action {
        Action::Up => at.saturating_sub(1),
        Action::Down => at.saturating_add(1).min(last),
        Action::PageUp => at.saturating_sub(page),
        Action::PageDown => at.saturating_add(page).min(last),
        Action::Home => 0,
        Action::End => last,
        _ => at,
    };
    Vec::new()
}
