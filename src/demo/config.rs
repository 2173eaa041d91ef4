//! The authdash config that points at a running demo provider.

const TEMPLATE: &str = include_str!("../../assets/demo/authdash.toml");

/// The demo config text for a provider at `issuer` (no trailing slash).
/// `{org_id}` and `{panel_id}` stay for the panels to fill in.
pub fn config_toml(issuer: &str) -> String {
    TEMPLATE.replace("{issuer}", issuer.trim_end_matches('/'))
}
