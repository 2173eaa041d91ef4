//! Corporate TLS: a provider on loopback https whose certificate comes
//! from a CA generated here (as a TLS-inspecting proxy's would). Without
//! `ca_file` authdash refuses it and names `ca_file`; with it (or with
//! SSL_CERT_FILE) it logs in; `doctor` shows the chain and says what
//! fixes it.
//!
//! The https provider is the demo provider behind a small TLS front that
//! forwards each request and rewrites the demo's http origin to its own.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use authdash::demo::{DemoProvider, DemoSettings, config_toml};
use axum::extract::State;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::TcpListener;

const BOUND: Duration = Duration::from_secs(30);
const CA_NAME: &str = "Example Corp TLS Inspection CA";
const LEAF_NAME: &str = "provider.test";

struct Front {
    origin: String,
    demo_origin: String,
    client: reqwest::Client,
}

/// Forward a GET to the demo provider, its origin rewritten to ours.
async fn forward(State(front): State<Arc<Front>>, uri: Uri) -> Response {
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let Ok(answer) = front
        .client
        .get(format!("{}{path}", front.demo_origin))
        .send()
        .await
    else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let status = StatusCode::from_u16(answer.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let kind = answer
        .headers()
        .get(header::CONTENT_TYPE.as_str())
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
        .to_owned();
    let body = answer.text().await.unwrap_or_default();
    let body = body.replace(&front.demo_origin, &front.origin);
    (status, [(header::CONTENT_TYPE, kind)], body).into_response()
}

/// A CA, and a certificate for 127.0.0.1 it signed.
struct TestPki {
    ca_pem: String,
    chain: Vec<CertificateDer<'static>>,
    key: Vec<u8>,
}

fn test_pki() -> TestPki {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name.push(DnType::CommonName, CA_NAME);
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let mut leaf = CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
    leaf.distinguished_name.push(DnType::CommonName, LEAF_NAME);
    let leaf_cert = leaf.signed_by(&leaf_key, &ca_cert, &ca_key).unwrap();
    TestPki {
        ca_pem: ca_cert.pem(),
        chain: vec![leaf_cert.der().clone(), ca_cert.der().clone()],
        key: leaf_key.serialize_der(),
    }
}

/// Serve the demo over https on loopback; the origin.
async fn https_front(demo: &DemoProvider, pki: &TestPki) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!(
        "https://127.0.0.1:{}",
        listener.local_addr().unwrap().port()
    );
    let front = Arc::new(Front {
        origin: origin.clone(),
        demo_origin: demo.issuer_str().trim_end_matches('/').to_owned(),
        client: reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(BOUND)
            .build()
            .unwrap(),
    });
    let app = axum::Router::new().fallback(forward).with_state(front);
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        pki.chain.clone(),
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pki.key.clone())),
    )
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            let app = app.clone();
            tokio::spawn(async move {
                // A client that refuses our certificate ends the handshake.
                let Ok(Ok(tls)) = tokio::time::timeout(BOUND, acceptor.accept(tcp)).await else {
                    return;
                };
                let service = hyper_util::service::TowerToHyperService::new(app);
                let _ = tokio::time::timeout(
                    BOUND,
                    hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(tls), service),
                )
                .await;
            });
        }
    });
    origin
}

struct Setup {
    _demo: DemoProvider,
    home: tempfile::TempDir,
    origin: String,
    ca_path: PathBuf,
}

impl Setup {
    async fn new() -> Self {
        let demo = DemoProvider::start(DemoSettings::default()).await.unwrap();
        let pki = test_pki();
        let origin = https_front(&demo, &pki).await;
        let home = tempfile::tempdir().unwrap();
        crate::support::home::make_key_file(&home.path().join("data").join("authdash"));
        let ca_path = home.path().join("corp-ca.pem");
        std::fs::write(&ca_path, &pki.ca_pem).unwrap();
        Self {
            _demo: demo,
            home,
            origin,
            ca_path,
        }
    }

    /// A config for the https provider, with `ca_file` or not.
    fn config(&self, ca_file: Option<&Path>) -> PathBuf {
        let mut text = config_toml(&self.origin);
        if let Some(ca) = ca_file {
            text = text.replacen(
                "[auth.demo]\n",
                &format!("[auth.demo]\nca_file = \"{}\"\n", ca.display()),
                1,
            );
        }
        let path = self.home.path().join(if ca_file.is_some() {
            "with-ca.toml"
        } else {
            "without-ca.toml"
        });
        std::fs::write(&path, text).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        path
    }

    fn command(&self, config: &Path, args: &[&str]) -> Command {
        let h = self.home.path();
        let mut cmd = crate::support::binary::command(h);
        cmd.args(["--config", config.to_str().unwrap()])
            .args(args)
            // An empty certificate folder: the machine's own CAs play no part.
            .env("SSL_CERT_DIR", h.join("no-certs"))
            .stdin(Stdio::piped());
        cmd
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn wait_bounded(mut child: Child) -> Output {
    let deadline = Instant::now() + BOUND;
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("authdash did not finish in {BOUND:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Start `login --paste` and read stderr until the login URL shows (the
/// provider was discovered and its keys fetched over https), then stop it;
/// or return what it said when it ended first.
fn login_reaches_the_url(mut child: Child, origin: &str) -> Result<(), String> {
    use std::io::BufRead;
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + BOUND;
    let mut said = Vec::new();
    loop {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(line) if line.trim().starts_with(&format!("{origin}/")) => {
                let _ = child.kill();
                let _ = child.wait();
                return Ok(());
            }
            Ok(line) => said.push(line),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(said.join("\n"));
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_ca_is_refused_naming_ca_file_and_accepted_with_it() {
    let s = Setup::new().await;
    let without = s.config(None);
    let out = tokio::task::spawn_blocking({
        let cmd = s.command(&without, &["login", "--paste"]).spawn().unwrap();
        move || wait_bounded(cmd)
    })
    .await
    .unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("certificate"), "{err}");
    assert!(
        err.contains("ca_file"),
        "names the setting that fixes it: {err}"
    );

    let with = s.config(Some(&s.ca_path));
    let child = s.command(&with, &["login", "--paste"]).spawn().unwrap();
    let origin = s.origin.clone();
    tokio::task::spawn_blocking(move || login_reaches_the_url(child, &origin))
        .await
        .unwrap()
        .unwrap_or_else(|said| panic!("with ca_file the login did not start: {said}"));

    // SSL_CERT_FILE does the same for every provider. The login above
    // cached the provider's discovery: without the cache gone this run
    // would make no request over TLS at all.
    std::fs::remove_dir_all(s.home.path().join("cache")).expect("the discovery cache");
    // An OS store may hold a certificate rustls cannot read (old stores
    // do): it is left out, the rest still trusted.
    let bundle = s.home.path().join("os-store.pem");
    let unreadable = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    let ca = std::fs::read_to_string(&s.ca_path).unwrap();
    std::fs::write(&bundle, format!("{unreadable}{ca}")).unwrap();
    let mut cmd = s.command(&without, &["login", "--paste"]);
    cmd.env("SSL_CERT_FILE", &bundle);
    let child = cmd.spawn().unwrap();
    let origin = s.origin.clone();
    tokio::task::spawn_blocking(move || login_reaches_the_url(child, &origin))
        .await
        .unwrap()
        .unwrap_or_else(|said| panic!("with SSL_CERT_FILE the login did not start: {said}"));
}

fn doctor(s: &Setup, config: &Path) -> Vec<serde_json::Value> {
    let out = wait_bounded(s.command(config, &["doctor", "--json"]).spawn().unwrap());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", text(&out.stdout)));
    report["checks"].as_array().unwrap().clone()
}

fn named<'a>(checks: &'a [serde_json::Value], name: &str) -> &'a serde_json::Value {
    checks
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no `{name}` check: {checks:#?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_describes_the_chain_and_says_which_setting_fixes_it() {
    let s = Setup::new().await;
    let without = s.config(None);
    // The https front runs on the other worker meanwhile.
    let checks = tokio::task::block_in_place(|| doctor(&s, &without));
    let chain = named(&checks, "tls chain");
    let detail = chain["detail"].as_str().unwrap();
    assert!(
        detail.contains(&format!("subject CN={LEAF_NAME}")),
        "{detail}"
    );
    assert!(detail.contains(&format!("issuer CN={CA_NAME}")), "{detail}");
    assert!(detail.contains("expires"), "{detail}");
    let trust = named(&checks, "tls trust");
    assert_eq!(trust["status"], "fail", "{trust}");
    let said = trust.to_string();
    assert!(said.contains("private CA"), "{said}");
    assert!(said.contains("ca_file"), "{said}");

    let with = s.config(Some(&s.ca_path));
    let checks = tokio::task::block_in_place(|| doctor(&s, &with));
    let trust = named(&checks, "tls trust");
    assert_eq!(trust["status"], "ok", "{trust}");
    assert!(
        trust["detail"].as_str().unwrap().contains("ca_file"),
        "{trust}"
    );
    assert_eq!(named(&checks, "discovery")["status"], "ok");
}

/// An OS store holding certificates of which rustls can use none (as
/// reqwest, authdash then trusts no CA at all): the login stops before any
/// request, without a panic, and says which store it read and what to set.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_with_no_usable_certificate_says_which_store_and_what_to_set() {
    let s = Setup::new().await;
    let without = s.config(None);
    let bundle = s.home.path().join("unusable-store.pem");
    let unreadable = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    let unreadable_too = unreadable.replace("AAAA", "AAAB");
    std::fs::write(&bundle, format!("{unreadable}{unreadable_too}")).unwrap();
    let mut cmd = s.command(&without, &["login", "--paste"]);
    cmd.env("SSL_CERT_FILE", &bundle);
    let out = tokio::task::spawn_blocking(move || wait_bounded(cmd.spawn().unwrap()))
        .await
        .unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.contains(&format!("SSL_CERT_FILE={}", bundle.display())),
        "names the store it read: {err}"
    );
    assert!(
        err.contains("rustls can use none of the certificates in it (2 read"),
        "{err}"
    );
    assert!(
        err.contains("set SSL_CERT_FILE to a PEM bundle of CA certificates"),
        "says what to set: {err}"
    );
}
