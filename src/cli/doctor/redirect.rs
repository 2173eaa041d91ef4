//! The redirect URIs' form, and whether a fixed loopback port is free
//! right now (for the login's callback and the browser sign-out's return).

use std::io::ErrorKind;
use std::net::{SocketAddr, TcpListener};

use url::Url;

use super::Check;
use crate::config::{ProviderConfig, RedirectHost};

/// The redirect URI's form and, for a fixed port, whether it is free right
/// now; the same for `post_logout_redirect_uri`. Returns the URI to use in
/// the dry request.
pub(super) fn redirect_form(s: &str, p: &ProviderConfig, out: &mut Vec<Check>) -> Option<Url> {
    let url = login_redirect_form(s, p, out);
    post_logout_form(s, p, out);
    url
}

/// `post_logout_redirect_uri`: set or not, and whether its port is free
/// now. (Its form — loopback http, a fixed port — is checked when the
/// config is read.)
fn post_logout_form(s: &str, p: &ProviderConfig, out: &mut Vec<Check>) {
    let name = "post-logout redirect";
    let Some(r) = &p.post_logout_redirect else {
        out.push(Check::ok(
            s,
            name,
            "none: `authdash logout --browser` sends the browser to the provider's sign-out with \
             client_id and id_token_hint, and does not wait for it to come back (set \
             post_logout_redirect_uri, registered at the provider, to come back)",
        ));
        return;
    };
    out.push(Check::ok(
        s,
        name,
        format!(
            "{}: loopback, fixed port {}: register exactly this URI at the provider as a \
             post-logout redirect URI",
            r.to_url(r.port),
            r.port
        ),
    ));
    out.push(port_check_for(s, PortUse::SignOut, r.host, r.port));
}

fn login_redirect_form(s: &str, p: &ProviderConfig, out: &mut Vec<Check>) -> Option<Url> {
    let r = &p.redirect;
    let hosts = match r.host {
        RedirectHost::Localhost => "`localhost` (authdash listens on 127.0.0.1 and [::1])",
        RedirectHost::Ipv4Loopback => "127.0.0.1",
        RedirectHost::Ipv6Loopback => "[::1]",
    };
    if r.port == 0 {
        let shown = r.to_url(0).as_str().replacen(":0/", "/", 1);
        out.push(Check::ok(
            s,
            "redirect URI",
            format!(
                "{shown}: loopback on {hosts}, any free port (RFC 8252 §7.3); the provider must \
                 accept any port for it"
            ),
        ));
        let port = free_port(r.host)?;
        return Some(r.to_url(port));
    }
    let url = r.to_url(r.port);
    out.push(Check::ok(
        s,
        "redirect URI",
        format!(
            "{url}: loopback on {hosts}, fixed port {}: register exactly this URI at the provider",
            r.port
        ),
    ));
    out.push(port_check(s, r.host, r.port));
    Some(url)
}

/// A port free on the host's first address now, for the dry request.
fn free_port(host: RedirectHost) -> Option<u16> {
    let ip = *host.bind_addrs().first()?;
    let listener = TcpListener::bind(SocketAddr::new(ip, 0)).ok()?;
    listener.local_addr().ok().map(|a| a.port())
}

/// What a port is for.
#[derive(Clone, Copy)]
enum PortUse {
    Login,
    SignOut,
}

/// Whether authdash could listen on `port` right now.
pub(super) fn port_check(s: &str, host: RedirectHost, port: u16) -> Check {
    port_check_for(s, PortUse::Login, host, port)
}

fn port_check_for(s: &str, usage: PortUse, host: RedirectHost, port: u16) -> Check {
    let (name, action, command, key) = match usage {
        PortUse::Login => (
            "redirect port",
            "a login",
            "`authdash login`",
            "redirect URI",
        ),
        PortUse::SignOut => (
            "post-logout port",
            "a browser sign-out",
            "`authdash logout --browser`",
            "post-logout redirect URI",
        ),
    };
    let addrs = host.bind_addrs();
    for (i, ip) in addrs.iter().enumerate() {
        let addr = SocketAddr::new(*ip, port);
        match TcpListener::bind(addr) {
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::AddrInUse => {
                return Check::warn(
                    s,
                    name,
                    format!(
                        "port {port} on {ip} is in use right now by another program: {action} \
                         would fail until it is free"
                    ),
                    format!(
                        "stop the program holding port {port} (Linux: `ss -ltnp 'sport = \
                         :{port}'` names it; a Streamlit app on 8501 is a usual one) before \
                         {command}, or register another {key} with a free port"
                    ),
                );
            }
            // `localhost` without IPv6 loopback: 127.0.0.1 alone is enough.
            Err(_) if i > 0 => {}
            Err(e) => {
                return Check::fail(
                    s,
                    name,
                    format!("cannot listen on {addr}: {e}"),
                    if port < 1024 {
                        format!(
                            "ports below 1024 need privileges: register a {key} with a port above \
                             1023"
                        )
                    } else {
                        format!("choose another port for the {key} (and register it)")
                    },
                );
            }
        }
    }
    Check::ok(s, name, format!("port {port} is free right now"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::doctor::Status;

    fn provider(extra: &str) -> ProviderConfig {
        let text = format!(
            "[auth]\nclient_id = \"c\"\nserver_metadata_url = \
             \"https://op.example/.well-known/openid-configuration\"\n{extra}"
        );
        let config = crate::config::Config::parse(std::path::Path::new("t.toml"), &text, &|_| None)
            .unwrap_or_else(|e| panic!("{e}"));
        config.providers[0].clone()
    }

    #[test]
    fn the_post_logout_redirect_and_its_port_are_checked() {
        let mut out = Vec::new();
        post_logout_form("p", &provider(""), &mut out);
        assert_eq!(out.len(), 1);
        assert!(out[0].detail.starts_with("none:"), "{:?}", out[0]);

        // Its port held by another program: a browser sign-out would fail.
        let taken = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        let p = provider(&format!(
            "post_logout_redirect_uri = \"http://127.0.0.1:{port}/signed-out\"\n"
        ));
        let mut out = Vec::new();
        post_logout_form("p", &p, &mut out);
        assert_eq!(out.len(), 2, "{out:?}");
        assert!(
            out[0]
                .detail
                .contains(&format!("http://127.0.0.1:{port}/signed-out")),
            "{:?}",
            out[0]
        );
        let port_line = &out[1];
        assert_eq!(port_line.name, "post-logout port");
        assert_eq!(port_line.status, Status::Warn, "{port_line:?}");
        assert!(
            port_line
                .fix
                .as_deref()
                .is_some_and(|f| f.contains("`authdash logout --browser`")),
            "{port_line:?}"
        );
        drop(taken);
        let mut out = Vec::new();
        post_logout_form("p", &p, &mut out);
        assert_eq!(out[1].status, Status::Ok, "{:?}", out[1]);
    }
}
