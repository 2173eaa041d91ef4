//! Which login flow to run: the browser, a code on another device, or just
//! the URL to copy. A pure decision over what the caller found out about
//! the machine (only `main.rs` reads the environment).

use crate::config::FlowPreference;

/// The operating system, as far as opening a browser goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Os {
    Linux,
    MacOs,
    Windows,
    /// Other Unix-likes (the BSDs...): like Linux, a browser needs a display.
    Other,
}

impl Os {
    /// The OS this binary runs on.
    pub fn current() -> Self {
        match std::env::consts::OS {
            "linux" => Os::Linux,
            "macos" => Os::MacOs,
            "windows" => Os::Windows,
            _ => Os::Other,
        }
    }
}

/// What decides whether a browser can be opened here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlowEnvironment {
    pub(crate) os: Os,
    /// `$BROWSER` is set (and not empty).
    pub(crate) has_browser_var: bool,
    /// `$DISPLAY` or `$WAYLAND_DISPLAY` is set (and not empty).
    pub(crate) has_display: bool,
    /// An SSH session: `$SSH_CONNECTION`, `$SSH_CLIENT` or `$SSH_TTY` is set.
    pub ssh_session: bool,
    /// The provider offers the device grant ([`super::Provider::supports_device_flow`]).
    pub(crate) device_supported: bool,
}

impl FlowEnvironment {
    /// Read the environment through `var` (e.g. `|n| std::env::var(n).ok()`).
    pub fn from_vars(os: Os, device_supported: bool, var: &dyn Fn(&str) -> Option<String>) -> Self {
        let set = |name: &str| var(name).is_some_and(|v| !v.is_empty());
        Self {
            os,
            has_browser_var: set("BROWSER"),
            has_display: set("DISPLAY") || set("WAYLAND_DISPLAY"),
            ssh_session: set("SSH_CONNECTION") || set("SSH_CLIENT") || set("SSH_TTY"),
            device_supported,
        }
    }

    /// A browser can probably be opened: `$BROWSER` says how anywhere; on
    /// Linux and other Unix-likes a display is needed (an SSH session with
    /// X forwarding has one); macOS and Windows open one unless the session
    /// is remote (SSH), where it would open on the far screen.
    pub fn can_open_browser(&self) -> bool {
        if self.has_browser_var {
            return true;
        }
        match self.os {
            Os::Linux | Os::Other => self.has_display,
            Os::MacOs | Os::Windows => !self.ssh_session,
        }
    }

    /// Without a browser: the device flow when the provider has it, else
    /// the URL to open elsewhere. Also the fallback when opening the
    /// browser fails.
    fn without_browser(&self) -> FlowChoice {
        if self.device_supported {
            FlowChoice::Device
        } else {
            FlowChoice::ShowUrlOnly
        }
    }
}

/// The flow to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowChoice {
    /// Open the browser on the authorization URL (and show the URL too).
    Browser,
    /// The device authorization grant: show the code and where to enter it.
    Device,
    /// No browser and no device grant: run the browser flow but only show
    /// the URL, to open on a machine that can reach this one's loopback
    /// callback (never hang silently).
    ShowUrlOnly,
}

/// The flow for a preference: `browser` and `device` decide (a provider
/// without the device grant then fails with a clear error); `auto` takes
/// the browser when one can be opened, else the device flow when the
/// provider offers it, else shows the URL.
pub(crate) fn choose_flow(pref: FlowPreference, env: &FlowEnvironment) -> FlowChoice {
    match pref {
        FlowPreference::Browser => FlowChoice::Browser,
        FlowPreference::Device => FlowChoice::Device,
        FlowPreference::Auto if env.can_open_browser() => FlowChoice::Browser,
        FlowPreference::Auto => env.without_browser(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use FlowChoice::{Browser, Device, ShowUrlOnly};
    use Os::{Linux, MacOs, Other, Windows};

    const T: bool = true;
    const F: bool = false;

    /// (os, $BROWSER, display, ssh, device grant) → `auto`'s choice.
    #[rustfmt::skip]
    const AUTO: &[(Os, bool, bool, bool, bool, FlowChoice)] = &[
        // Linux: a display (local, or forwarded over SSH) opens a browser.
        (Linux,   F, T, F, T, Browser),
        (Linux,   F, T, F, F, Browser),
        (Linux,   F, T, T, T, Browser),
        (Linux,   F, T, T, F, Browser),
        // Linux, no display, no $BROWSER: a console, a container, SSH.
        (Linux,   F, F, F, T, Device),
        (Linux,   F, F, F, F, ShowUrlOnly),
        (Linux,   F, F, T, T, Device),
        (Linux,   F, F, T, F, ShowUrlOnly),
        // $BROWSER says how to open one (even a text browser over SSH).
        (Linux,   T, F, F, T, Browser),
        (Linux,   T, F, T, F, Browser),
        (Linux,   T, T, T, T, Browser),
        // Other Unix-likes follow Linux.
        (Other,   F, T, F, T, Browser),
        (Other,   F, F, F, T, Device),
        (Other,   F, F, T, F, ShowUrlOnly),
        (Other,   T, F, T, T, Browser),
        // macOS: the browser, unless in an SSH session.
        (MacOs,   F, F, F, T, Browser),
        (MacOs,   F, F, F, F, Browser),
        (MacOs,   F, F, T, T, Device),
        (MacOs,   F, F, T, F, ShowUrlOnly),
        (MacOs,   F, T, T, T, Device),
        (MacOs,   T, F, T, T, Browser),
        // Windows: the same.
        (Windows, F, F, F, T, Browser),
        (Windows, F, F, F, F, Browser),
        (Windows, F, F, T, T, Device),
        (Windows, F, F, T, F, ShowUrlOnly),
        (Windows, T, F, T, F, Browser),
    ];

    fn env(os: Os, browser: bool, display: bool, ssh: bool, device: bool) -> FlowEnvironment {
        FlowEnvironment {
            os,
            has_browser_var: browser,
            has_display: display,
            ssh_session: ssh,
            device_supported: device,
        }
    }

    #[test]
    fn auto_follows_the_table() {
        for &(os, browser, display, ssh, device, expected) in AUTO {
            let e = env(os, browser, display, ssh, device);
            assert_eq!(choose_flow(FlowPreference::Auto, &e), expected, "{e:?}");
        }
    }

    #[test]
    fn auto_is_the_default() {
        let e = env(Linux, F, F, T, T);
        assert_eq!(choose_flow(FlowPreference::default(), &e), Device);
    }

    #[test]
    fn browser_and_device_preferences_decide_whatever_the_environment() {
        for os in [Linux, MacOs, Windows, Other] {
            for bits in 0..16u8 {
                let e = env(
                    os,
                    bits & 1 != 0,
                    bits & 2 != 0,
                    bits & 4 != 0,
                    bits & 8 != 0,
                );
                assert_eq!(choose_flow(FlowPreference::Browser, &e), Browser, "{e:?}");
                assert_eq!(choose_flow(FlowPreference::Device, &e), Device, "{e:?}");
            }
        }
    }

    #[test]
    fn a_failed_browser_falls_back_to_the_device_flow_or_the_url() {
        assert_eq!(env(Linux, T, T, F, T).without_browser(), Device);
        assert_eq!(env(MacOs, F, F, F, F).without_browser(), ShowUrlOnly);
    }

    #[test]
    fn environment_from_variables() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let e = FlowEnvironment::from_vars(Linux, T, &vars(&[]));
        assert_eq!(e, env(Linux, F, F, F, T));
        let e = FlowEnvironment::from_vars(
            Linux,
            F,
            &vars(&[("WAYLAND_DISPLAY", "wayland-0"), ("SSH_TTY", "/dev/pts/1")]),
        );
        assert_eq!(e, env(Linux, F, T, T, F));
        let e = FlowEnvironment::from_vars(
            MacOs,
            T,
            &vars(&[
                ("BROWSER", "firefox"),
                ("DISPLAY", ""),
                ("SSH_CONNECTION", "1 2 3 4"),
            ]),
        );
        assert_eq!(e, env(MacOs, T, F, T, T));
    }
}
