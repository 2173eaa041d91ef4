//! Paste-back login plumbing: where pasted lines come from, what to tell
//! the person (the redirect address to copy, the `ssh -L` forward), and
//! when `flow = "auto"` turns to it.

use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;
use url::Url;

use crate::auth::AuthError;

/// How many pasted lines may wait unread.
const QUEUED_LINES: usize = 8;

/// Lines a person pastes (the CLI reads them from stdin, the TUI from its
/// login screen). Cloneable so a [`super::LoginRequest`] stays so; the
/// first login that needs it takes it.
#[derive(Clone, Default)]
pub struct PasteInput(Arc<Mutex<Option<mpsc::Receiver<String>>>>);

impl std::fmt::Debug for PasteInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasteInput")
    }
}

impl PasteInput {
    /// An input and the sender to feed it lines with.
    pub fn channel() -> (Self, mpsc::Sender<String>) {
        let (tx, rx) = mpsc::channel(QUEUED_LINES);
        (Self(Arc::new(Mutex::new(Some(rx)))), tx)
    }

    pub(crate) fn take(&self) -> Option<mpsc::Receiver<String>> {
        self.0.lock().ok().and_then(|mut rx| rx.take())
    }
}

/// Whether and how the paste-back login may run.
#[derive(Debug, Clone, Default)]
pub enum PasteMode {
    /// Never (no way to read a pasted address).
    #[default]
    Off,
    /// When `flow = "auto"` finds no browser and no usable device grant.
    Available(PasteInput),
    /// Asked for (`authdash login --paste`).
    Chosen(PasteInput),
}

impl PasteMode {
    pub(crate) fn input(&self) -> Option<&PasteInput> {
        match self {
            PasteMode::Off => None,
            PasteMode::Available(i) | PasteMode::Chosen(i) => Some(i),
        }
    }
}

/// What a person needs to finish a paste-back login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasteHelp {
    /// The address the browser will end at (without its query).
    pub(crate) redirect_uri: String,
    /// The one-line port forward that makes the callback itself work over
    /// SSH: `ssh -L PORT:HOST:PORT …`.
    pub ssh_forward: String,
    /// The port is fixed in the config (the forward serves every login),
    /// not picked for this one.
    pub(crate) fixed_port: bool,
}

impl PasteHelp {
    pub(crate) fn new(redirect_uri: &Url, fixed_port: bool) -> Self {
        let port = redirect_uri.port_or_known_default().unwrap_or(0);
        let host = match redirect_uri.host_str() {
            Some("localhost") | None => "localhost".to_owned(),
            Some(h) => h.to_owned(),
        };
        Self {
            redirect_uri: redirect_uri.to_string(),
            ssh_forward: format!("ssh -L {port}:{host}:{port} YOU@THIS-MACHINE"),
            fixed_port,
        }
    }
}

/// The device grant refused in a way only another flow fixes (RFC 6749
/// §5.2, RFC 8628 §3.2): the client may not use it, or the server does not
/// support it. Entra tenants answer so when the device code flow is
/// blocked by conditional access.
pub(crate) fn device_grant_refused(error: &AuthError) -> Option<String> {
    match error {
        AuthError::DeviceAuthorization(text)
            if matches!(
                text.error.as_str(),
                "unauthorized_client" | "unsupported_grant_type"
            ) =>
        {
            Some(format!("the provider refused the device login ({text})"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::OAuthErrorText;

    #[test]
    fn the_forward_names_the_callbacks_port_and_host() {
        let url = Url::parse("http://localhost:8501/oauth2callback").unwrap();
        let help = PasteHelp::new(&url, true);
        assert_eq!(
            help.ssh_forward,
            "ssh -L 8501:localhost:8501 YOU@THIS-MACHINE"
        );
        let url = Url::parse("http://127.0.0.1:41234/callback").unwrap();
        assert!(
            PasteHelp::new(&url, false)
                .ssh_forward
                .starts_with("ssh -L 41234:127.0.0.1:41234 ")
        );
    }

    #[test]
    fn only_a_refusal_of_the_grant_itself_turns_to_paste() {
        let refused = |e: &str| {
            device_grant_refused(&AuthError::DeviceAuthorization(OAuthErrorText {
                error: e.to_owned(),
                description: None,
            }))
        };
        assert!(refused("unauthorized_client").is_some());
        assert!(refused("unsupported_grant_type").is_some());
        assert!(refused("invalid_request").is_none());
        assert!(refused("temporarily_unavailable").is_none());
    }
}
