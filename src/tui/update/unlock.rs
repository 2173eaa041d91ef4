//! The way into a locked panel: switch to an organization that opens it,
//! or log in again asking the provider for the scopes it needs.

use super::lists::switch_org;
use super::*;
use crate::tui::keymap::Key;
use crate::tui::message::Command;

/// Keys for an open panel: on a locked panel, the way in (a table's keys
/// are its own context's). `None`: not a panel key.
pub(super) fn panel_key(model: &mut Model, index: usize, key: Key) -> Option<Vec<Command>> {
    let spec = model.panels.get(index)?.clone();
    let dash = model.dashboard()?;
    if let Some(plan) = model.unlock_plan(dash, &spec) {
        if key == Key::Char('u') {
            return Some(match plan {
                Ok(Unlock::AskScopes(scopes)) => ask_for_scopes(model, scopes),
                Ok(Unlock::SwitchOrg { org_id }) => switch_org(model, org_id),
                Err(_) => Vec::new(),
            });
        }
        return None;
    }
    None
}

/// Incremental consent: log in again, as the same person, asking the
/// provider for `scopes` too. Esc goes back to the dashboard as it was.
pub(super) fn ask_for_scopes(model: &mut Model, scopes: Vec<String>) -> Vec<Command> {
    let Some(dash) = model.dashboard() else {
        return Vec::new();
    };
    let provider = &dash.session.provider;
    let label = model
        .provider(provider)
        .map_or_else(|| provider.clone(), |p| p.label.clone());
    let asked = if scopes.is_empty() {
        "this panel's API".to_owned()
    } else {
        scopes.join(", ")
    };
    let notice = format!(
        "Logging in again to ask {label} for {asked}: the same account, with more access. Esc goes back."
    );
    model.step_up = Some(StepUp {
        account: AccountId::of(&dash.session),
        scopes: scopes.clone(),
    });
    super::login::log_in_again(model, false, scopes, notice)
}
