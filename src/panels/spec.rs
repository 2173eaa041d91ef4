use super::Requirement;

/// A panel declared in the config (`[[authdash.panels]]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanelSpec {
    /// Stable id, unique among panels (`billing`).
    pub id: String,
    /// What the navigation list shows (`Billing`).
    pub title: String,
    pub description: Option<String>,
    pub requires: Requirement,
    /// Where the panel's JSON comes from, fetched with the access token;
    /// `{org_id}` and `{panel_id}` are replaced. No data URL: the panel
    /// shows its description only.
    pub data_url: Option<String>,
}

impl PanelSpec {
    pub fn data_url_for(&self, org_id: &str) -> Option<String> {
        self.data_url.as_ref().map(|t| {
            t.replace("{org_id}", &urlencode(org_id))
                .replace("{panel_id}", &urlencode(&self.id))
        })
    }
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
