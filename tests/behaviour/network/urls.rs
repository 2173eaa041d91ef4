//! Attacks on rule 8 (https everywhere but loopback) and rule 17 (panel
//! address templating) with addresses that look like loopback and are not,
//! userinfo tricks, redirects, and org ids that try to leave their segment.

use crate::support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use authdash::auth::Session;
use authdash::config::Config;
use authdash::demo::{DEMO_CLIENT_ID, DemoProvider, DemoSettings, config_toml};
use authdash::http::{is_loopback, require_secure_from};
use authdash::panels::{PanelSpec, Requirement};
use authdash::session::{SessionService, SessionSetup};
use chrono::{TimeDelta, Utc};
use serde_json::json;
use support::broken_provider::{BrokenProvider, Fault};
use support::home::{approved_home, fetch_url, key_file_store};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use url::Url;

const BOUND: Duration = Duration::from_secs(20);
const TOKEN: &str = "the-demo-access-token";

/// Every request a loopback listener received (the head, as text), and
/// its address; it answers each with `answer`.
struct Listener {
    addr: String,
    seen: Arc<Mutex<Vec<String>>>,
}

async fn listen(answer: String) -> Listener {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let log = log.clone();
            let answer = answer.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let mut head = Vec::new();
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tokio::time::timeout(BOUND, stream.read(&mut buf)).await {
                        Ok(Ok(n)) if n > 0 => head.extend_from_slice(&buf[..n]),
                        _ => return,
                    }
                }
                log.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&head).into_owned());
                let _ = stream.write_all(answer.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    Listener { addr, seen }
}

fn ok_json() -> String {
    let body = r#"{"summary":"ok","items":[]}"#;
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// A fresh session at the demo provider, without a login: a fetch renews
/// nothing, so the token goes wherever the fetch goes.
fn demo_session(issuer: &str) -> Session {
    serde_json::from_value(json!({
        "provider": "demo",
        "issuer": issuer,
        "client_id": DEMO_CLIENT_ID,
        "tokens": {
            "access_token": TOKEN,
            "refresh_token": null,
            "id_token": "x.y.z",
            "expires_at": (Utc::now() + TimeDelta::hours(1)).to_rfc3339(),
            "scopes": ["openid"],
        },
        "id_claims": {"sub": "u1", "iss": issuer, "aud": DEMO_CLIENT_ID},
        "userinfo": null,
        "user": {"subject": "u1", "email": null, "email_verified": null, "name": "Ann",
                 "picture": null, "orgs": [], "claims": {}},
        "logged_in_at": Utc::now().to_rfc3339(),
        "refreshed_at": null,
    }))
    .expect("a session")
}

fn service(config: Config, dir: &tempfile::TempDir) -> SessionService {
    let store = key_file_store(&dir.path().join("data"));
    SessionService::new(SessionSetup {
        config,
        store_path: store.path(),
        store: Arc::new(store),
        data_dir: dir.path().join("data"),
        browser_var: None,
        discovery_cache: None,
    })
}

async fn demo_service() -> (
    DemoProvider,
    Arc<SessionService>,
    Session,
    tempfile::TempDir,
) {
    let demo = DemoProvider::start(DemoSettings::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = Config::parse(
        std::path::Path::new("demo.toml"),
        &config_toml(demo.issuer_str()),
        &|_| None,
    )
    .expect("demo config");
    let session = demo_session(demo.issuer_str());
    let service = Arc::new(service(config, &dir));
    (demo, service, session, dir)
}

/// Hosts that name loopback in their text but resolve elsewhere (or are
/// not what the check thinks) never count as loopback: a plain-http
/// endpoint there is refused, whoever names it.
#[test]
fn attack_loopback_look_alikes_are_not_loopback() {
    let not_loopback = [
        "http://localhost.evil.example/token",
        "http://127.0.0.1.nip.io/token",
        "http://localhost./token",
        "http://foo.localhost/token",
        "http://127.0.0.1@evil.example/token",
        "http://localhost@evil.example:80/token",
        "http://[::ffff:127.0.0.1]/token",
        "http://[::ffff:7f00:1]/token",
        "http://0.0.0.0/token",
        "http://[::]/token",
        "http://evil.example#@127.0.0.1/token",
        "http://evil.example\\@127.0.0.1/token",
    ];
    for text in not_loopback {
        let url = Url::parse(text).expect(text);
        assert!(!is_loopback(&url), "{text} taken for loopback ({url})");
        assert!(
            require_secure_from(true, "token_endpoint", &url).is_err(),
            "{text} accepted over plain http"
        );
    }
    // Spellings the URL parser turns into 127.0.0.1 are loopback indeed.
    for text in [
        "http://0x7f000001/t",
        "http://127.1/t",
        "http://2130706433/t",
    ] {
        let url = Url::parse(text).expect(text);
        assert_eq!(url.host_str(), Some("127.0.0.1"), "{text}");
        assert!(is_loopback(&url), "{text}");
    }
}

/// A panel whose data_url is plain http to a non-loopback host (or one
/// that only looks like loopback) gets nothing: refused before any
/// request, the token never leaves.
#[tokio::test(flavor = "multi_thread")]
async fn attack_panel_data_url_on_plain_http_to_look_alike_hosts() {
    let (_demo, service, session, _dir) = demo_service().await;
    for url in [
        "http://evil.example/panel",
        "http://localhost.evil.example/panel",
        "http://127.0.0.1.nip.io/panel",
        "http://127.0.0.1@evil.example/panel",
        "http://[::ffff:127.0.0.1]:9/panel",
        "ftp://127.0.0.1/panel",
        "file:///etc/passwd",
    ] {
        let fetched = tokio::time::timeout(BOUND, fetch_url(&service, &session, url))
            .await
            .expect("refused at once");
        let error = fetched.data.expect_err(url);
        assert!(
            error.contains("https") || error.contains("not a URL"),
            "{url}: {error}"
        );
        assert!(fetched.renewed.is_none());
    }
}

/// A panel API that redirects: the token is not carried to the
/// redirect's target.
#[tokio::test(flavor = "multi_thread")]
async fn attack_panel_api_redirects_the_token_elsewhere() {
    let (_demo, service, session, _dir) = demo_service().await;
    let target = listen(ok_json()).await;
    let redirect = listen(format!(
        "HTTP/1.1 302 Found\r\nlocation: http://{}/stolen\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
        target.addr
    ))
    .await;
    let fetched = tokio::time::timeout(
        BOUND,
        fetch_url(
            &service,
            &session,
            &format!("http://{}/panel", redirect.addr),
        ),
    )
    .await
    .expect("in time");
    assert!(fetched.data.is_err(), "a redirect is not data");
    assert_eq!(redirect.seen.lock().unwrap().len(), 1);
    assert!(
        target.seen.lock().unwrap().is_empty(),
        "the redirect was followed with the token"
    );
}

/// Org ids from the provider that try to leave their path segment (or
/// the host) stay one segment, or are refused.
#[test]
fn attack_org_ids_that_try_to_leave_their_segment() {
    let spec = |url: &str| PanelSpec {
        id: "billing".into(),
        title: "Billing".into(),
        description: None,
        requires: Requirement::default(),
        data_url: Some(url.into()),
        command: None,
        select: None,
        view: Default::default(),
        refresh: None,
    };
    let template = spec("https://api.example/orgs/{org_id}/panels/{panel_id}");
    let hostile = [
        "../admin",
        "%2e%2e",
        ".%2e",
        "%2E.",
        "a/../../b",
        "x?admin=1",
        "x#frag",
        "@evil.example",
        "\u{ff0e}\u{ff0e}",
        "..\\admin",
        "\\..",
        "{panel_id}",
        "a\u{0}b",
        " ..",
        "..\t",
    ];
    for org in hostile {
        let Ok(Some(out)) = template.data_url_for(org) else {
            continue; // refused: fine
        };
        let url = Url::parse(&out).unwrap_or_else(|e| panic!("{org:?} -> {out}: {e}"));
        assert_eq!(url.host_str(), Some("api.example"), "{org:?} -> {out}");
        let segments: Vec<&str> = url.path_segments().unwrap().collect();
        assert_eq!(segments.len(), 4, "{org:?} -> {out}");
        assert_eq!(segments[0], "orgs", "{org:?} -> {out}");
        assert_eq!(segments[2], "panels", "{org:?} -> {out}");
        assert_eq!(segments[3], "billing", "{org:?} -> {out}");
        assert!(url.query().is_none() && url.fragment().is_none(), "{out}");
    }
    for org in [".", ".."] {
        assert!(template.data_url_for(org).is_err(), "{org}");
    }
    // In the host: an org id cannot pick another host.
    let in_host = spec("https://{org_id}.tenants.example/data");
    for org in [
        "evil.example/",
        "evil.example#",
        "evil.example?",
        "evil.example@x",
        "evil.example:1",
    ] {
        if let Ok(Some(out)) = in_host.data_url_for(org)
            && let Ok(url) = Url::parse(&out)
        {
            assert!(
                url.host_str()
                    .is_some_and(|h| h.ends_with(".tenants.example")),
                "{org:?} -> {out} -> {:?}",
                url.host_str()
            );
        }
    }
}

/// A provider on the internet (https) whose discovery document is cached,
/// so no request leaves this machine for it: its session's access token
/// and a panel on plain http at a loopback port. Any local process, of
/// any user, can listen on that port when the real API is not running:
/// the remote provider's token must not go there in the clear (the rule
/// the provider's own endpoints follow: `require_secure_from`).
#[tokio::test(flavor = "multi_thread")]
async fn attack_remote_providers_token_sent_to_a_plain_http_loopback_port() {
    use sha2::{Digest as _, Sha256};
    let dir = tempfile::tempdir().unwrap();
    let issuer = "https://id.example";
    let metadata_url = format!("{issuer}/.well-known/openid-configuration");
    let cache = dir.path().join("cache");
    std::fs::create_dir_all(&cache).unwrap();
    let name: String = Sha256::digest(metadata_url.as_bytes())[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let doc = support::broken_provider::minimal_discovery(issuer);
    let entry = json!({
        "version": 1,
        "metadata_url": metadata_url,
        "expires_at": Utc::now().timestamp() + 3600,
        "metadata": doc,
        "jwks": {"keys": []},
    });
    std::fs::write(
        cache.join(format!("discovery-{name}.json")),
        entry.to_string(),
    )
    .unwrap();
    let config = Config::parse(
        std::path::Path::new("remote.toml"),
        &format!("[auth.remote]\nclient_id = \"rp\"\nserver_metadata_url = \"{metadata_url}\"\n"),
        &|_| None,
    )
    .expect("config");
    let store = key_file_store(&dir.path().join("data"));
    let service = Arc::new(SessionService::new(SessionSetup {
        config,
        store_path: store.path(),
        store: Arc::new(store),
        data_dir: dir.path().join("data"),
        browser_var: None,
        discovery_cache: Some(authdash::auth::DiscoveryCache::new(&cache)),
    }));
    let mut session = demo_session(issuer);
    session.provider = "remote".into();
    session.client_id = "rp".into();
    let squatter = listen(ok_json()).await;
    let fetched = tokio::time::timeout(
        BOUND,
        fetch_url(
            &service,
            &session,
            &format!("http://{}/panel", squatter.addr),
        ),
    )
    .await
    .expect("in time");
    let seen = squatter.seen.lock().unwrap().clone();
    let error = fetched.data.as_ref().expect_err("refused");
    assert!(error.contains("https"), "{error}");
    assert!(
        !seen.iter().any(|r| r.contains(TOKEN)),
        "the remote provider's access token went in the clear to a local port: {:?} {seen:?}",
        fetched.data
    );
}

/// A second reader's attack (issue 17): a placeholder that ends the host
/// rather than starting it. `https://api.example{org_id}/…` reads as
/// api.example's; an org id `.evil.example` (dots are unreserved, so they
/// pass the one-segment encoding) made it `api.example.evil.example`, a
/// host the summary never showed, and the token went there. Such a
/// template is refused when the config is read (and, for a panel built
/// another way, before any request); one in front of the host the config
/// writes (`{org_name}.tenants.example`) stays.
#[test]
fn attack_a_placeholder_at_the_end_of_the_host_cannot_pick_the_host() {
    let config = |url: &str| {
        Config::parse(
            std::path::Path::new("/etc/authdash/a.toml"),
            &format!(
                "[auth]\nclient_id = \"c\"\n\
                 server_metadata_url = \"https://id.example/.well-known/openid-configuration\"\n\
                 [[authdash.panels]]\nid = \"p\"\ntitle = \"P\"\ndata_url = \"{url}\"\n"
            ),
            &|_| None,
        )
    };
    let vars = |org_id: &'static str| authdash::panels::TemplateVars {
        org_id,
        org_name: org_id,
        user_id: "u",
    };
    for template in [
        "https://api.example{org_id}/x",
        "https://api.example.com{org_name}/x",
        "https://{org_id}/x",
        "https://{org_id}.com/x",
        "https:api.example{org_id}/x",
        "https://a{org_id}.b{user_id}/x",
    ] {
        let error = config(template).expect_err(template).to_string();
        assert!(error.contains("in its host"), "{template}: {error}");
        let panel = PanelSpec {
            id: "p".into(),
            title: "P".into(),
            description: None,
            requires: Requirement::default(),
            data_url: Some(template.into()),
            command: None,
            select: None,
            view: Default::default(),
            refresh: None,
        };
        match panel.url_for(vars(".evil.example")) {
            Err(authdash::panels::TemplateError::InHost { .. }) => {}
            other => panic!("{template}: {other:?}"),
        }
    }
    for template in [
        "https://{org_name}.tenants.example/x",
        "https://api-{org_id}.tenants.example/x",
        "https://{org_id}@api.example/x",
        "https://api.example/{org_id}.{org_name}",
    ] {
        let panel = config(template).expect(template).panels.remove(0);
        let out = panel
            .url_for(vars(".evil.example"))
            .expect(template)
            .expect("an address");
        let host = Url::parse(&out).expect(&out).host_str().unwrap().to_owned();
        assert!(
            host.ends_with(".tenants.example") || host == "api.example",
            "{template} -> {out}"
        );
    }
}

/// A panel's data goes with the access token only over https, or to this
/// machine: a plain-http address elsewhere is refused before any request.
#[tokio::test]
async fn a_token_never_goes_to_a_plain_http_panel_elsewhere() {
    let op = BrokenProvider::start(Fault::None).await;
    let (_home, _, service, session) = approved_home(&op.toml()).await;
    let before = op.requests();
    let fetched = fetch_url(&service, &session, "http://panels.example.com/acme").await;
    let error = fetched.data.expect_err("refused");
    assert!(error.contains("https"), "{error}");
    assert_eq!(op.requests(), before, "not even a renewal was tried");
}
