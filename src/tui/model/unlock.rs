//! `u` on a locked panel: what it does, or why it would not help. The
//! key, the footer, the help and the panel's own text all ask here, so `u`
//! is offered exactly where it opens something.

use super::*;
use crate::panels::Unmet;

/// What `u` does on a locked panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unlock {
    /// Log in again as the same account, asking the provider for these
    /// scopes too (a step-up).
    AskScopes(Vec<String>),
    /// Make this org active: the panel opens there.
    SwitchOrg { org_id: String },
    /// Log in as the same account asking for this API's audience alone
    /// (Auth0, where the login's refresh token does not reach it): its
    /// token is kept for the API; the session stays as it is.
    AskAudience(crate::config::ApiRef),
}

impl Model {
    /// What `u` does on `spec`, or why it cannot help; `None` when the
    /// panel is open.
    pub(crate) fn unlock_plan(
        &self,
        dash: &Dashboard,
        spec: &PanelSpec,
    ) -> Option<Result<Unlock, String>> {
        match self.access(dash, spec) {
            Access::Allowed => self.api_step_up(dash, spec).map(Ok),
            Access::Denied(denial) => Some(self.plan(dash, spec, &denial)),
        }
    }

    /// The scopes a panel naming its own API is gated on: those of the
    /// token held for it, or, before there is one, its own `requires`
    /// (the fetch checks them against the token it gets). `None` for a
    /// panel using the login's token.
    pub(crate) fn api_scopes(&self, dash: &Dashboard, spec: &PanelSpec) -> Option<Vec<String>> {
        let (_, api) = self.panel_apis.iter().find(|(id, _)| *id == spec.id)?;
        Some(match dash.session.apis.find(&api.resource, None) {
            Some(token) => spec
                .requires
                .scopes
                .iter()
                .filter(|s| crate::auth::has_scope(&token.scopes, s))
                .cloned()
                .collect(),
            None => spec.requires.scopes.clone(),
        })
    }

    /// `u` on a panel whose API refused a token that a new login asking
    /// for it may get.
    fn api_step_up(&self, dash: &Dashboard, spec: &PanelSpec) -> Option<Unlock> {
        let ask = match &dash.panel_states.get(&spec.id)?.error.as_ref()?.error {
            crate::panels::SourceError::ApiRefused {
                step_up: true, ask, ..
            } => ask.clone(),
            _ => return None,
        };
        let audience_style = self
            .provider(&dash.session.provider)
            .is_some_and(|p| p.resource_style == crate::config::ResourceStyle::Audience);
        let api = self.panel_apis.iter().find(|(id, _)| *id == spec.id);
        Some(match api {
            Some((_, api)) if audience_style => Unlock::AskAudience(api.clone()),
            _ => Unlock::AskScopes(ask),
        })
    }

    fn plan(
        &self,
        dash: &Dashboard,
        spec: &PanelSpec,
        denial: &crate::panels::Denial,
    ) -> Result<Unlock, String> {
        if denial.unmet.contains(&Unmet::ConfirmedRoles) {
            return Err("your roles wait for a renewal to confirm them".into());
        }
        let org = if denial.org_bound() {
            match self.unlocking_orgs(dash, spec).first() {
                Some(org) => Some(org.org_id.clone()),
                None if dash.session.user.orgs.is_empty() => {
                    return Err("you are in no organization".into());
                }
                None => return Err("none of your organizations opens this panel".into()),
            }
        } else {
            None
        };
        // Scopes first: no org gives one.
        let missing = denial.missing_scopes();
        if !missing.is_empty() {
            let refused = self.refused_scopes(&AccountId::of(&dash.session));
            let askable: Vec<String> = missing
                .iter()
                .filter(|s| !refused.contains(&s.as_str()))
                .cloned()
                .collect();
            if askable.is_empty() {
                let provider = self
                    .provider(&dash.session.provider)
                    .map_or(dash.session.provider.as_str(), |p| p.label.as_str());
                return Err(format!(
                    "the provider ({provider}) did not grant {} when asked",
                    missing.join(", ")
                ));
            }
            return Ok(Unlock::AskScopes(askable));
        }
        org.map(|org_id| Unlock::SwitchOrg { org_id })
            .ok_or_else(|| "nothing here would open it".into())
    }
}
