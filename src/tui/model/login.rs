//! The login screen's ways beyond the configured flows — pasting the
//! address back, wherever the browser flow is offered, and the demo's
//! sign-in from the terminal — and what each is called.

use super::*;
use crate::demo::{DemoPerson, TerminalSignIn};

impl Model {
    /// The rows of provider `index` after its configured flows, which
    /// start at `first`: the sign-in from the terminal (the demo's
    /// provider only; first where no browser can be opened, since no
    /// second device reaches the demo's loopback address either), and
    /// pasting the address back.
    pub(super) fn more_login_rows(&self, rows: &mut Vec<LoginRow>, first: usize, index: usize) {
        let Some(p) = self.providers.get(index) else {
            return;
        };
        let row = |flow| LoginRow {
            provider: index,
            flow,
        };
        if self.demo_sign_in_for(index).is_some() {
            if self.browser_available {
                rows.push(row(LoginFlow::Terminal));
            } else {
                rows.insert(first, row(LoginFlow::Terminal));
            }
        }
        if p.flow != FlowPreference::Device {
            rows.push(row(LoginFlow::Paste));
        }
    }

    /// The demo's sign-in from the terminal, when provider `index` is the
    /// demo's own provider (same issuer): never a configured provider's.
    pub(crate) fn demo_sign_in_for(&self, index: usize) -> Option<&TerminalSignIn> {
        let provider = self.providers.get(index)?;
        self.demo_sign_in
            .as_ref()
            .filter(|d| d.issuer().trim_end_matches('/') == provider.issuer.trim_end_matches('/'))
    }

    /// The demo users the sign-in from the terminal offers.
    pub(crate) fn demo_people(&self) -> &[DemoPerson] {
        self.demo_sign_in
            .as_ref()
            .map(TerminalSignIn::people)
            .unwrap_or_default()
    }

    /// A way to log in, as the screen lists it under its provider.
    pub(crate) fn way_name(&self, row: LoginRow) -> &'static str {
        match row.flow {
            LoginFlow::Terminal => "From this terminal, as a demo user",
            LoginFlow::Browser => "In the browser",
            // A code for a provider on loopback is entered on this machine
            // (or through a forward): no phone reaches it.
            LoginFlow::Device
                if self
                    .providers
                    .get(row.provider)
                    .is_some_and(|p| is_loopback_url(&p.issuer)) =>
            {
                "With a code (device login)"
            }
            LoginFlow::Device => "With a code on another device",
            LoginFlow::Paste => "By pasting the address back",
        }
    }
}

/// Whether `url` names this machine's loopback (`127.0.0.1`, `[::1]`,
/// `localhost`): an address no phone and no other computer reaches.
pub(crate) fn is_loopback_url(url: &str) -> bool {
    let Ok(url) = url::Url::parse(url) else {
        return false;
    };
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_loopback_url;

    #[test]
    fn loopback_addresses() {
        for url in [
            "http://127.0.0.1:4040/device",
            "http://[::1]:9/x",
            "http://localhost/device",
            "http://127.1.2.3/",
        ] {
            assert!(is_loopback_url(url), "{url}");
        }
        for url in [
            "https://idp.example/device",
            "http://10.0.0.1/device",
            "http://localhost.example/",
            "not a url",
        ] {
            assert!(!is_loopback_url(url), "{url}");
        }
    }
}
