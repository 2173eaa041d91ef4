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
                Ok(Unlock::AskAudience(api)) => ask_for_audience(model, api),
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

/// A login for one API's token (Auth0, where the login's refresh token
/// does not reach that API): as the same account, asking for the API's
/// audience and scopes. Its token is kept for that API alone; the
/// session stays as it is. Esc goes back to the dashboard as it was.
pub(super) fn ask_for_audience(model: &mut Model, api: crate::config::ApiRef) -> Vec<Command> {
    let Some(dash) = model.dashboard() else {
        return Vec::new();
    };
    let session = Box::new((*dash.session).clone());
    let provider = &dash.session.provider;
    let label = model
        .provider(provider)
        .map_or_else(|| provider.clone(), |p| p.label.clone());
    let notice = format!(
        "Logging in to {label} for {} alone: the same account; its token is kept for that API \
         and your session stays as it is. Esc goes back.",
        crate::identity::visible(&api.resource)
    );
    model.step_up = None;
    super::login::log_in_again(model, false, Vec::new(), notice)
        .into_iter()
        .map(|command| match command {
            Command::StartLogin {
                provider,
                generation,
                flow,
                ..
            } => Command::StartApiLogin {
                provider,
                generation,
                flow,
                api: api.clone(),
                session: session.clone(),
            },
            other => other,
        })
        .collect()
}
