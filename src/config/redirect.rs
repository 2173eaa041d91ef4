//! The loopback redirect URI (RFC 8252 §7.3).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

use super::error::{Checked, Problem};
use super::section::absolute_url;

/// Which loopback name the redirect URI uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum RedirectHost {
    /// `127.0.0.1`
    Ipv4Loopback,
    /// `[::1]`
    Ipv6Loopback,
    /// `localhost`
    Localhost,
}

impl RedirectHost {
    /// As written in a URL: `127.0.0.1`, `[::1]`, `localhost`.
    pub(crate) fn as_url_host(self) -> &'static str {
        match self {
            Self::Ipv4Loopback => "127.0.0.1",
            Self::Ipv6Loopback => "[::1]",
            Self::Localhost => "localhost",
        }
    }

    /// The addresses the callback server listens on: the one named, or
    /// both for `localhost`. Never `0.0.0.0`.
    pub(crate) fn bind_addrs(self) -> Vec<IpAddr> {
        let v4 = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let v6 = IpAddr::V6(Ipv6Addr::LOCALHOST);
        match self {
            Self::Ipv4Loopback => vec![v4],
            Self::Ipv6Loopback => vec![v6],
            Self::Localhost => vec![v4, v6],
        }
    }

    /// The loopback host of `url`, if it has one of the three names.
    pub(crate) fn of(url: &Url) -> Option<Self> {
        match url.host()? {
            Host::Ipv4(ip) if ip == Ipv4Addr::LOCALHOST => Some(Self::Ipv4Loopback),
            Host::Ipv6(ip) if ip == Ipv6Addr::LOCALHOST => Some(Self::Ipv6Loopback),
            Host::Domain(d) if d.eq_ignore_ascii_case("localhost") => Some(Self::Localhost),
            _ => None,
        }
    }
}

impl fmt::Display for RedirectHost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_url_host())
    }
}

/// Where the provider sends the browser back to.
///
/// A `redirect_uri` written without a port means port 0: any free port,
/// chosen when the callback server binds (RFC 8252 §7.3). An explicit
/// port (even `:80`) is kept, for providers that match the URI exactly.
/// A `redirect_uri` without a path has the path `/` (URL rules); the
/// default `/callback` applies only when no `redirect_uri` is configured.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RedirectUri {
    pub(crate) host: RedirectHost,
    /// 0 = any free port.
    pub port: u16,
    /// Starts with `/`; percent-encoded as in the URL.
    pub(crate) path: String,
}

impl Default for RedirectUri {
    fn default() -> Self {
        Self::default_loopback()
    }
}

impl RedirectUri {
    /// `http://127.0.0.1:{any free port}/callback`.
    pub(crate) fn default_loopback() -> Self {
        Self {
            host: RedirectHost::Ipv4Loopback,
            port: 0,
            path: "/callback".into(),
        }
    }

    /// The URI to send to the provider once the server listens on
    /// `actual_port` (pass `self.port` when it is fixed).
    pub fn to_url(&self, actual_port: u16) -> Url {
        let base = format!("http://{}:{actual_port}/", self.host.as_url_host());
        let Ok(mut url) = Url::parse(&base) else {
            unreachable!("a loopback host and a u16 port always form a URL")
        };
        let path = if self.path.starts_with('/') {
            self.path.clone()
        } else {
            format!("/{}", self.path)
        };
        url.set_path(&path);
        url
    }

    /// Parse and check a configured `redirect_uri`; `key` names it in errors.
    pub(crate) fn parse(key: &str, raw: &str) -> Checked<Self> {
        let example =
            "`http://127.0.0.1/callback` (any free port) or `http://localhost:8501/oauth2callback`";
        let url = absolute_url(
            key,
            raw,
            &format!("write an absolute loopback URL such as {example}"),
        )?;
        if url.scheme() != "http" {
            return Err(Problem::new(
                key,
                format!(
                    "uses `{}:`; a loopback redirect is plain `http`",
                    url.scheme()
                ),
                "use `http://`: the redirect never leaves this machine (RFC 8252 §7.3), and a local \
                 server cannot hold a certificate for it",
            ));
        }
        let Some(host) = RedirectHost::of(&url) else {
            let shown = url.host_str().unwrap_or("(none)");
            return Err(Problem::new(
                key,
                format!("host `{shown}` is not a loopback address"),
                format!(
                    "a native app receives the login on a loopback redirect (RFC 8252 §7.3): use \
                     127.0.0.1, [::1] or localhost, e.g. {example}, and register that URI with the provider"
                ),
            ));
        };
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Problem::new(
                key,
                "has a query or fragment",
                "remove the `?…` or `#…` part: the provider appends `code` and `state` as the query",
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Problem::new(
                key,
                "carries a user name or password",
                "remove the `user@` part",
            ));
        }
        // `url` forgets a port equal to the scheme's default (`:80`).
        let port = url.port().or_else(|| written_port(raw)).unwrap_or(0);
        Ok(Self {
            host,
            port,
            path: url.path().to_owned(),
        })
    }

    /// Parse and check a configured `post_logout_redirect_uri`: a loopback
    /// redirect like `redirect_uri`, but with a fixed port, since providers
    /// match it exactly (none accepts any port for it).
    pub(crate) fn parse_post_logout(key: &str, raw: &str) -> Checked<Self> {
        let uri = Self::parse(key, raw)?;
        if uri.port == 0 {
            let example = format!("http://{}:8401{}", uri.host.as_url_host(), uri.path);
            return Err(Problem::new(
                key,
                "has no port (or port 0)",
                format!(
                    "write a fixed port, e.g. `{example}`, and register exactly that URI at the \
                     provider as a post-logout redirect URI: providers match it exactly"
                ),
            ));
        }
        Ok(uri)
    }
}

/// The port as written in `raw`'s authority, if any.
fn written_port(raw: &str) -> Option<u16> {
    let rest = raw.trim().split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let after_host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split_once(']')?.1,
        None => host_port.find(':').map_or("", |i| &host_port[i..]),
    };
    after_host.strip_prefix(':')?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_ports() {
        assert_eq!(written_port("http://localhost:80/cb"), Some(80));
        assert_eq!(written_port("http://[::1]:80/cb"), Some(80));
        assert_eq!(written_port("http://[::1]/cb"), None);
        assert_eq!(written_port("http://127.0.0.1/cb?x=1:2"), None);
        assert_eq!(written_port("http://u:p@localhost:8501"), Some(8501));
    }

    #[test]
    fn redirect_uri_table() {
        let cases: &[(&str, RedirectHost, u16, &str)] = &[
            (
                "http://localhost:8501/oauth2callback",
                RedirectHost::Localhost,
                8501,
                "/oauth2callback",
            ),
            // No port: any free port.
            ("http://[::1]/cb", RedirectHost::Ipv6Loopback, 0, "/cb"),
            (
                "http://127.0.0.1/callback",
                RedirectHost::Ipv4Loopback,
                0,
                "/callback",
            ),
            (
                "http://127.0.0.1:0/callback",
                RedirectHost::Ipv4Loopback,
                0,
                "/callback",
            ),
            // An explicit :80 is kept although URLs normally forget it.
            (
                "http://LOCALHOST:80/x/y",
                RedirectHost::Localhost,
                80,
                "/x/y",
            ),
            // No path: the URL's `/`.
            (
                "http://127.0.0.1:8080",
                RedirectHost::Ipv4Loopback,
                8080,
                "/",
            ),
        ];
        for (raw, host, port, path) in cases {
            let r = RedirectUri::parse("auth.redirect_uri", raw).unwrap();
            assert_eq!(
                r,
                RedirectUri {
                    host: *host,
                    port: *port,
                    path: (*path).into()
                },
                "{raw}"
            );
        }
    }

    #[test]
    fn a_post_logout_redirect_needs_a_fixed_loopback_port() {
        let ok = RedirectUri::parse_post_logout("k", "http://127.0.0.1:8401/signed-out").unwrap();
        assert_eq!((ok.port, ok.path.as_str()), (8401, "/signed-out"));
        let e = RedirectUri::parse_post_logout("k", "http://127.0.0.1/signed-out").unwrap_err();
        assert_eq!(e.problem, "has no port (or port 0)");
        assert!(
            e.fix.contains("`http://127.0.0.1:8401/signed-out`"),
            "{e:?}"
        );
        let e = RedirectUri::parse_post_logout("k", "https://127.0.0.1:8401/out").unwrap_err();
        assert!(e.problem.contains("plain `http`"), "{e:?}");
        let e = RedirectUri::parse_post_logout("k", "http://example.com:8401/out").unwrap_err();
        assert!(e.problem.contains("not a loopback address"), "{e:?}");
    }

    #[test]
    fn redirect_to_url() {
        let r = RedirectUri::default_loopback();
        assert_eq!(r.to_url(49152).as_str(), "http://127.0.0.1:49152/callback");
        let r = RedirectUri {
            host: RedirectHost::Ipv6Loopback,
            port: 0,
            path: "cb".into(),
        };
        assert_eq!(r.to_url(5000).as_str(), "http://[::1]:5000/cb");
        let r = RedirectUri::parse("k", "http://localhost:8501/oauth2callback").unwrap();
        assert_eq!(
            r.to_url(r.port).as_str(),
            "http://localhost:8501/oauth2callback"
        );
        assert_eq!(RedirectHost::Localhost.bind_addrs().len(), 2);
    }
}
