//! The authdash config that points at a running demo provider.

const TEMPLATE: &str = include_str!("../../assets/demo/authdash.toml");
/// The demo's `command` panel: run by `sh -c` with its text as the
/// argument (it is ours, compiled in), so the demo needs no file on disk.
const MACHINE_SCRIPT: &str = include_str!("../../assets/demo/this-machine.sh");

/// The demo config text for a provider at `issuer` (no trailing slash).
/// `{org_id}` and `{panel_id}` stay for the panels to fill in.
pub fn config_toml(issuer: &str) -> String {
    TEMPLATE
        .replace("{issuer}", issuer.trim_end_matches('/'))
        // In a TOML literal string: the script holds no `'''`.
        .replace("{machine_script}", MACHINE_SCRIPT)
}
