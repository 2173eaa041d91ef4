//! The authdash config that points at a running demo provider.

const TEMPLATE: &str = include_str!("../../assets/demo/authdash.toml");
/// The demo's `command` panel: run by `sh -c` with its text as the
/// argument (it is ours, compiled in), so the demo needs no file on disk.
const MACHINE_SCRIPT: &str = include_str!("../../assets/demo/this-machine.sh");

/// The demo config text for a provider at `issuer` (no trailing slash).
/// `{org_id}` and `{panel_id}` stay for the panels to fill in. Every
/// panel uses the login's token.
pub fn config_toml(issuer: &str) -> String {
    fill(TEMPLATE, issuer, "", "", "")
}

/// The config `authdash demo` runs: [`config_toml`] with Billing (and the
/// Usage and Invoices picked from its answer) and Reports calling APIs of
/// their own, each with a token the demo provider makes for it alone
/// (RFC 8707 `resource`), which the other API refuses.
pub fn config_toml_with_apis(issuer: &str) -> String {
    fill(
        TEMPLATE,
        issuer,
        "# Billing's own API: its panels get a token made for it alone (RFC 8707).\n\
         resource = \"{issuer}/api/billing\"\n",
        ", resource = \"{issuer}/api/billing\"",
        ", resource = \"{issuer}/api/reports\"",
    )
}

fn fill(template: &str, issuer: &str, billing_line: &str, billing: &str, reports: &str) -> String {
    template
        .replace("{billing_api_line}", billing_line)
        .replace("{billing_api}", billing)
        .replace("{reports_api}", reports)
        .replace("{issuer}", issuer.trim_end_matches('/'))
        // In a TOML literal string: the script holds no `'''`.
        .replace("{machine_script}", MACHINE_SCRIPT)
}
