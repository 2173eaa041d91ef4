//! An independent OpenID Provider for the interop tests: panva's
//! `oidc-provider` (OpenID Certified) on Node, configured by
//! `tests/support/node/server.mjs`, and a test browser for its pages.
//!
//! The npm package is installed once into `tests/.support/node` (ignored by
//! git) from the committed `package.json` and `package-lock.json`, under a
//! cross-process file lock: test threads and test binaries that start at
//! the same time wait for one install, and a marker file (holding a digest
//! of the two files) makes later runs skip it. When npm or node fails the
//! test panics with what they said: the suite fails, it never skips.
//!
//! Every wait is bounded and all traffic stays on 127.0.0.1.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use sha2::{Digest, Sha256};
use url::Url;

/// The committed provider setup.
const PACKAGE_JSON: &str = include_str!("node/package.json");
const PACKAGE_LOCK: &str = include_str!("node/package-lock.json");
const SERVER_SCRIPT: &str = include_str!("node/server.mjs");
/// The provider's RS256 signing key (a test key, in no other use).
const SIGNING_KEY: &str = include_str!("keys/interop.pem");

/// How long `npm ci` may take (a cold install downloads ~100 small packages).
const INSTALL_TIMEOUT: Duration = Duration::from_secs(300);
/// How long to wait for another process's install to finish.
const LOCK_TIMEOUT: Duration = Duration::from_secs(360);
/// How long node may take to print its issuer.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// Upper bound for one request of the test browser.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

/// The public native client: PKCE only, loopback redirect on any port.
pub const PUBLIC_CLIENT: &str = "authdash-native";
/// The public client registered again as `authdash-native-N`, a number
/// not handed out before in this process: a test sharing
/// [`NodeProvider::shared`] tells its own token requests from the others'
/// by it.
pub fn numbered_public_client() -> String {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    assert!(
        n <= NUMBERED_CLIENTS,
        "server.mjs registers {NUMBERED_CLIENTS} numbered clients: register more"
    );
    format!("{PUBLIC_CLIENT}-{n}")
}

/// How many `authdash-native-N` server.mjs registers.
const NUMBERED_CLIENTS: usize = 32;

/// The confidential client (client_secret_basic).
pub const CONFIDENTIAL_CLIENT: &str = "authdash-confidential";
/// Its secret; spaces and symbols test the form-encoding of Basic auth.
pub const CONFIDENTIAL_SECRET: &str = "interop-secret with spaces & symbols";

fn install_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/.support/node")
}

/// What the marker file must hold for the install to count as done.
fn stamp() -> String {
    let mut digest = Sha256::new();
    digest.update(PACKAGE_JSON.as_bytes());
    digest.update([0]);
    digest.update(PACKAGE_LOCK.as_bytes());
    digest
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Installs oidc-provider once (per machine, per lock file version) and
/// returns the folder to run node in. Panics with npm's output on failure;
/// the other tests of this process then fail at once with the same message.
pub fn install() -> PathBuf {
    static INSTALLED: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    // Threads of this process wait here; other processes at the file lock.
    match INSTALLED.get_or_init(install_under_lock) {
        Ok(dir) => dir.clone(),
        Err(e) => panic!("{e}"),
    }
}

fn install_under_lock() -> Result<PathBuf, String> {
    let dir = install_dir();
    fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let lock_path = dir.with_file_name("node.lock");
    let lock = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| format!("cannot open {}: {e}", lock_path.display()))?;
    let deadline = Instant::now() + LOCK_TIMEOUT;
    loop {
        match lock.try_lock() {
            Ok(()) => break,
            Err(fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(fs::TryLockError::WouldBlock) => {
                return Err(format!(
                    "another process has held {} for over {} s (a hung npm install?); \
                     stop it or delete tests/.support and run the tests again",
                    lock_path.display(),
                    LOCK_TIMEOUT.as_secs()
                ));
            }
            Err(fs::TryLockError::Error(e)) => {
                return Err(format!("cannot lock {}: {e}", lock_path.display()));
            }
        }
    }
    let marker = dir.join(".installed");
    let stamp = stamp();
    let installed = fs::read_to_string(&marker).is_ok_and(|s| s.trim() == stamp)
        && dir
            .join("node_modules/oidc-provider/package.json")
            .is_file();
    if !installed {
        let _ = fs::remove_file(&marker);
        let _ = fs::remove_dir_all(dir.join("node_modules"));
        write_atomically(&dir.join("package.json"), PACKAGE_JSON)?;
        write_atomically(&dir.join("package-lock.json"), PACKAGE_LOCK)?;
        npm_ci(&dir)?;
        write_atomically(&marker, &stamp)?;
    }
    // The script is copied next to node_modules: ES modules resolve
    // packages from the importing file's folder, not from the cwd.
    let script = dir.join("server.mjs");
    if fs::read_to_string(&script).ok().as_deref() != Some(SERVER_SCRIPT) {
        write_atomically(&script, SERVER_SCRIPT)?;
    }
    drop(lock);
    Ok(dir)
}

fn write_atomically(path: &Path, text: &str) -> Result<(), String> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    fs::write(&tmp, text).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    fs::rename(&tmp, path).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// `npm ci` from the committed lock file, bounded by [`INSTALL_TIMEOUT`].
fn npm_ci(dir: &Path) -> Result<(), String> {
    let started = Instant::now();
    let log = dir.join("npm-ci.log");
    let out = File::create(&log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let err = out
        .try_clone()
        .map_err(|e| format!("log file handle: {e}"))?;
    let mut child = Command::new("npm")
        .args([
            "ci",
            "--no-audit",
            "--no-fund",
            "--prefer-offline",
            "--loglevel=error",
        ])
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| {
            format!(
                "cannot run npm ({e}): the interop tests need Node.js and npm \
                 to install the independent OpenID Provider (oidc-provider)"
            )
        })?;
    let output = || fs::read_to_string(&log).unwrap_or_default();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < INSTALL_TIMEOUT => {
                std::thread::sleep(Duration::from_millis(100));
            }
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "`npm ci` in {} took over {} s and was stopped; its output:\n{}",
                    dir.display(),
                    INSTALL_TIMEOUT.as_secs(),
                    output()
                ));
            }
            Err(e) => return Err(format!("waiting for npm: {e}")),
        }
    };
    if !status.success() {
        return Err(format!(
            "`npm ci` in {} failed ({status}), so the independent OpenID Provider \
             (oidc-provider) is not installed; its output:\n{}",
            dir.display(),
            output()
        ));
    }
    eprintln!(
        "installed oidc-provider into {} in {:.1} s",
        dir.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// A running oidc-provider. Dropping it kills the process.
pub struct NodeProvider {
    child: Child,
    /// Held open: node exits when it closes, should this process die
    /// without running `Drop`.
    _stdin: ChildStdin,
    issuer: String,
    post_logout_redirect_uri: String,
    stderr: Arc<Mutex<String>>,
}

impl Drop for NodeProvider {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("oidc-provider's stderr:\n{}", self.stderr());
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl NodeProvider {
    /// Installs (once) and starts a fresh provider on 127.0.0.1.
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    /// One provider for the whole test process, started on first use: a
    /// node start costs most of a second of CPU, and the tests that share
    /// it never meet (each logs in with a browser and a grant of its own).
    /// A test that binds the registered post-logout redirect port starts
    /// its own ([`Self::start`]); one that counts the provider's token
    /// requests uses a client of its own ([`numbered_public_client`]). It
    /// is never dropped: node exits when this process does and its stdin
    /// closes.
    pub fn shared() -> &'static NodeProvider {
        static SHARED: OnceLock<NodeProvider> = OnceLock::new();
        SHARED.get_or_init(Self::start)
    }

    /// [`Self::start`] with `env` set for the server script (as
    /// `API_TOKEN_TTL`, the lifetime of its API tokens in seconds).
    pub fn start_with(env: &[(&str, &str)]) -> Self {
        let dir = install();
        // Providers match a post-logout redirect URI exactly, port included:
        // register one on a port free now, as a person would pick one.
        let post_logout_redirect_uri =
            format!("http://127.0.0.1:{}/signed-out", free_loopback_port());
        let mut child = Command::new("node")
            .arg("server.mjs")
            .current_dir(&dir)
            .env("NODE_ENV", "test")
            .env("POST_LOGOUT_REDIRECT_URI", &post_logout_redirect_uri)
            .env("SIGNING_KEY_PEM", SIGNING_KEY)
            .env_remove("DEBUG")
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run node ({e}): the interop tests need Node.js"));
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut stderr_pipe = child.stderr.take().expect("piped stderr");
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr_pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut s = sink.lock().unwrap_or_else(|p| p.into_inner());
                s.push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let (tx, rx) = mpsc::channel();
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut stdout = BufReader::new(stdout);
            let mut line = String::new();
            let _ = stdout.read_line(&mut line);
            let _ = tx.send(line);
            // Keep draining: a closed pipe would kill node at its next write.
            let mut rest = String::new();
            while stdout.read_line(&mut rest).is_ok_and(|n| n > 0) {
                sink.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push_str(&std::mem::take(&mut rest));
            }
        });
        let mut provider = NodeProvider {
            child,
            _stdin: stdin,
            issuer: String::new(),
            post_logout_redirect_uri,
            stderr,
        };
        let line = match rx.recv_timeout(START_TIMEOUT) {
            Ok(line) => line,
            Err(_) => panic!(
                "oidc-provider did not print its issuer within {} s; it said:\n{}",
                START_TIMEOUT.as_secs(),
                provider.stderr()
            ),
        };
        let started: serde_json::Value = serde_json::from_str(&line).unwrap_or_else(|e| {
            // Give a crash a moment to reach stderr.
            std::thread::sleep(Duration::from_millis(300));
            panic!(
                "oidc-provider did not start ({e}; stdout {line:?}); it said:\n{}",
                provider.stderr()
            )
        });
        provider.issuer = started["issuer"]
            .as_str()
            .expect("the issuer in the start line")
            .to_owned();
        provider
    }

    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The post-logout redirect URI both clients registered
    /// (`http://127.0.0.1:PORT/signed-out`); [`Self::config_toml`] names it.
    pub fn post_logout_redirect_uri(&self) -> &str {
        &self.post_logout_redirect_uri
    }

    pub fn metadata_url(&self) -> String {
        format!("{}/.well-known/openid-configuration", self.issuer)
    }

    /// What the process wrote to stderr so far (warnings, server errors).
    pub fn stderr(&self) -> String {
        self.stderr
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// An authdash config for one of the registered clients: `secret` makes
    /// it confidential. Orgs are read the PropelAuth way.
    pub fn config_toml(&self, client_id: &str, secret: Option<&str>) -> String {
        let secret = secret
            .map(|s| format!("client_secret = {}\n", toml_string(s)))
            .unwrap_or_default();
        format!(
            r#"[auth]
redirect_uri = "http://127.0.0.1/callback"

[auth.interop]
client_id = "{client_id}"
{secret}server_metadata_url = "{metadata}"
post_logout_redirect_uri = "{post_logout}"
org_claims = "propelauth"
client_kwargs = {{ scope = "openid profile email offline_access", prompt = "consent" }}

[authdash]
connect_timeout_secs = 5
request_timeout_secs = 10
"#,
            metadata = self.metadata_url(),
            post_logout = self.post_logout_redirect_uri,
        )
    }
}

/// The provider a test uses: the process's shared one when the server's
/// default settings do, else one of its own (killed when dropped).
pub enum OpHandle {
    Shared(&'static NodeProvider),
    Own(NodeProvider),
}

impl OpHandle {
    /// [`NodeProvider::shared`] without `env`, else a provider started
    /// with it.
    pub fn with(env: &[(&str, &str)]) -> Self {
        if env.is_empty() {
            OpHandle::Shared(NodeProvider::shared())
        } else {
            OpHandle::Own(NodeProvider::start_with(env))
        }
    }
}

impl std::ops::Deref for OpHandle {
    type Target = NodeProvider;

    fn deref(&self) -> &NodeProvider {
        match self {
            OpHandle::Shared(op) => op,
            OpHandle::Own(op) => op,
        }
    }
}

/// A port free on 127.0.0.1 right now.
fn free_loopback_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

// --- the test browser ---------------------------------------------------

/// One cookie as the jar keeps it.
#[derive(Debug, Clone)]
struct Cookie {
    value: String,
}

/// An HTTP client with a cookie jar (for one host) and redirects off, that
/// finds its way through oidc-provider's login, consent, device and logout
/// pages by submitting their forms. Each request is bounded.
pub struct Browser {
    client: reqwest::Client,
    /// (name, path) → cookie.
    jar: Mutex<BTreeMap<(String, String), Cookie>>,
    /// The provider's origin: redirects elsewhere end a walk.
    origin: String,
}

/// A response as the browser keeps it.
#[derive(Debug)]
pub struct Page {
    pub url: Url,
    pub status: StatusCode,
    pub location: Option<Url>,
    pub html: String,
}

/// A `<form>` on a page: its id, absolute action and inputs with values.
#[derive(Debug, Clone)]
pub struct Form {
    pub id: Option<String>,
    pub action: Url,
    pub fields: Vec<(String, String)>,
}

impl Form {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn set(&mut self, name: &str, value: &str) {
        match self.fields.iter_mut().find(|(n, _)| n == name) {
            Some(field) => field.1 = value.to_owned(),
            None => self.fields.push((name.to_owned(), value.to_owned())),
        }
    }
}

/// How many pages and redirects one walk may see before giving up.
const MAX_STEPS: usize = 16;

impl Browser {
    pub fn new(provider: &NodeProvider) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(REQUEST_TIMEOUT)
            // Plain HTTP on loopback only: the OS store's CAs are not read.
            .tls_built_in_root_certs(false)
            .build()
            .expect("the test browser's HTTP client");
        Self {
            client,
            jar: Mutex::new(BTreeMap::new()),
            origin: Url::parse(provider.issuer())
                .expect("issuer URL")
                .origin()
                .ascii_serialization(),
        }
    }

    fn on_provider(&self, url: &Url) -> bool {
        url.origin().ascii_serialization() == self.origin
    }

    fn cookie_header(&self, url: &Url) -> Option<String> {
        let path = url.path();
        let jar = self.jar.lock().unwrap_or_else(|p| p.into_inner());
        let pairs: Vec<String> = jar
            .iter()
            .filter(|((_, cookie_path), _)| path_matches(cookie_path, path))
            .map(|((name, _), c)| format!("{name}={}", c.value))
            .collect();
        (!pairs.is_empty()).then(|| pairs.join("; "))
    }

    fn keep_cookies(&self, url: &Url, response: &reqwest::Response) {
        let mut jar = self.jar.lock().unwrap_or_else(|p| p.into_inner());
        for header in response.headers().get_all(SET_COOKIE) {
            let Ok(text) = header.to_str() else { continue };
            let mut parts = text.split(';').map(str::trim);
            let Some((name, value)) = parts.next().and_then(|p| p.split_once('=')) else {
                continue;
            };
            let mut path = default_path(url);
            let mut expired = value.is_empty();
            for attr in parts {
                let (key, val) = attr.split_once('=').unwrap_or((attr, ""));
                match key.to_ascii_lowercase().as_str() {
                    "path" if val.starts_with('/') => path = val.to_owned(),
                    "max-age" => expired |= val.trim().parse::<i64>().is_ok_and(|s| s <= 0),
                    "expires" => expired |= val.contains("1970"),
                    _ => {}
                }
            }
            let key = (name.to_owned(), path);
            if expired {
                jar.remove(&key);
            } else {
                jar.insert(
                    key,
                    Cookie {
                        value: value.to_owned(),
                    },
                );
            }
        }
    }

    async fn send(&self, url: &Url, request: reqwest::RequestBuilder) -> Page {
        assert!(
            self.on_provider(url),
            "the test browser only talks to the provider, not {url}"
        );
        let request = match self.cookie_header(url) {
            Some(cookies) => request.header(COOKIE, cookies),
            None => request,
        };
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("request to {url} failed: {e:?}"));
        self.keep_cookies(url, &response);
        Page::read(url, response).await
    }

    pub async fn get(&self, url: &Url) -> Page {
        self.send(url, self.client.get(url.clone())).await
    }

    pub async fn post(&self, form: &Form) -> Page {
        self.send(
            &form.action,
            self.client.post(form.action.clone()).form(&form.fields),
        )
        .await
    }

    /// Follows the provider's pages from `start`, signing in as `account`
    /// and consenting, until it redirects away from the provider; returns
    /// that redirect (the app's callback) without following it.
    pub async fn authorize(&self, start: &str, account: &str) -> Url {
        let start = Url::parse(start).expect("authorize URL");
        match self.walk(start, account, None).await {
            Walk::LeftProvider(url) => url,
            Walk::Done(page) => panic!(
                "the provider stopped at a page instead of redirecting to the app ({}):\n{}",
                page.status, page.html
            ),
        }
    }

    /// Opens the device verification URI, enters `user_code` (when given;
    /// else keeps the prefilled one), confirms, signs in as `account` and
    /// consents; returns the provider's last page (its success page).
    pub async fn approve_device(
        &self,
        verification_uri: &str,
        user_code: Option<&str>,
        account: &str,
    ) -> Page {
        let start = Url::parse(verification_uri).expect("verification URI");
        match self.walk(start, account, user_code).await {
            Walk::Done(page) => page,
            Walk::LeftProvider(url) => {
                panic!("the device flow redirected away from the provider, to {url}")
            }
        }
    }

    /// Opens the end-session URL and confirms the logout; returns where the
    /// provider sends the browser afterwards, or its last page.
    pub async fn end_session(&self, url: &Url) -> Result<Url, Page> {
        match self.walk(url.clone(), "", None).await {
            Walk::LeftProvider(url) => Ok(url),
            Walk::Done(page) => Err(page),
        }
    }

    /// Opens an address of the app on loopback, as the system browser does
    /// when authdash opens one: follows its redirect to the provider, walks
    /// the provider's pages (confirming a logout), and follows a redirect
    /// back to loopback once. Returns the last page.
    pub async fn open_app_address(&self, url: &Url) -> Page {
        let first = loopback_get(url).await;
        let Some(next) = first
            .location
            .clone()
            .filter(|_| first.status.is_redirection())
        else {
            return first;
        };
        assert!(
            self.on_provider(&next),
            "the app's address sent the browser to {next}, not to the provider"
        );
        match self.walk(next, "", None).await {
            Walk::LeftProvider(back) => loopback_get(&back).await,
            Walk::Done(page) => page,
        }
    }

    /// The page walk: follow redirects on the provider, submit the forms it
    /// shows (login, consent, device code, device confirm, logout).
    async fn walk(&self, start: Url, account: &str, user_code: Option<&str>) -> Walk {
        let mut page = self.get(&start).await;
        for _ in 0..MAX_STEPS {
            if page.status.is_redirection() {
                let next = page
                    .location
                    .clone()
                    .unwrap_or_else(|| panic!("{} without Location at {}", page.status, page.url));
                if !self.on_provider(&next) {
                    return Walk::LeftProvider(next);
                }
                page = self.get(&next).await;
                continue;
            }
            let Some(mut form) = forms(&page.url, &page.html).into_iter().next() else {
                return Walk::Done(page);
            };
            match (form.id.as_deref(), form.get("prompt")) {
                (_, Some("login")) => {
                    form.set("login", account);
                    form.set("password", "any password (devInteractions)");
                }
                (_, Some("consent")) => {}
                (Some("op.deviceInputForm"), _) => {
                    if let Some(code) = user_code {
                        form.set("user_code", code);
                    }
                }
                (Some("op.deviceConfirmForm"), _) => {}
                (Some("op.logoutForm"), _) => form.set("logout", "yes"),
                // oidc-provider's auto-submitting form_post pages.
                _ if page.html.contains("document.forms[0].submit()") => {}
                _ => return Walk::Done(page),
            }
            page = self.post(&form).await;
        }
        panic!(
            "no end after {MAX_STEPS} pages and redirects; the last ({}, {}):\n{}",
            page.url, page.status, page.html
        )
    }
}

enum Walk {
    /// A redirect to somewhere other than the provider (not followed).
    LeftProvider(Url),
    /// A page with nothing to submit.
    Done(Page),
}

/// RFC 6265 §5.1.4.
fn path_matches(cookie_path: &str, request_path: &str) -> bool {
    request_path == cookie_path
        || (request_path.starts_with(cookie_path)
            && (cookie_path.ends_with('/')
                || request_path.as_bytes().get(cookie_path.len()) == Some(&b'/')))
}

/// RFC 6265 §5.1.4's default-path.
fn default_path(url: &Url) -> String {
    let path = url.path();
    match path.rfind('/') {
        Some(0) | None => "/".to_owned(),
        Some(i) => path[..i].to_owned(),
    }
}

/// The forms of a page, in order, with their `<input>`s (not their
/// buttons, which oidc-provider's pages often put outside the form).
pub fn forms(page_url: &Url, html: &str) -> Vec<Form> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<form") {
        let body = &rest[start..];
        let end = body.find("</form>").unwrap_or(body.len());
        let form_html = &body[..end];
        let tag = &form_html[..form_html.find('>').unwrap_or(form_html.len())];
        let action = attribute(tag, "action").unwrap_or_default();
        let action = page_url
            .join(&action)
            .unwrap_or_else(|e| panic!("bad form action {action:?}: {e}"));
        let mut fields = Vec::new();
        let mut inputs = form_html;
        while let Some(at) = inputs.find("<input") {
            let input = &inputs[at..];
            let input_tag = &input[..input.find('>').unwrap_or(input.len())];
            if let Some(name) = attribute(input_tag, "name") {
                fields.push((name, attribute(input_tag, "value").unwrap_or_default()));
            }
            inputs = &input[6..];
        }
        found.push(Form {
            id: attribute(tag, "id"),
            action,
            fields,
        });
        rest = &body[end..];
    }
    found
}

/// The value of `name="..."` (or `'...'`) in one tag.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let mut from = 0;
    while let Some(at) = tag[from..].find(name) {
        let at = from + at;
        from = at + name.len();
        let before_ok = tag[..at]
            .chars()
            .next_back()
            .is_some_and(char::is_whitespace);
        let rest = tag[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let rest = rest[1..].trim_start();
        let quote = rest.chars().next()?;
        if quote != '"' && quote != '\'' {
            let end = rest
                .find(|c: char| c.is_whitespace() || c == '/')
                .unwrap_or(rest.len());
            return Some(unescape(&rest[..end]));
        }
        let value = &rest[1..];
        let end = value.find(quote)?;
        return Some(unescape(&value[..end]));
    }
    None
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// GET on an app address on loopback (no cookies, redirects not followed).
async fn loopback_get(url: &Url) -> Page {
    assert!(
        matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]")),
        "an app address must be on loopback: {url}"
    );
    Page::read(url, deliver(url).await).await
}

impl Page {
    /// The answer to a request for `url`: its status, where it redirects
    /// to (absolute) and its text.
    async fn read(url: &Url, response: reqwest::Response) -> Page {
        let status = response.status();
        let location = response
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(|l| {
                url.join(l)
                    .unwrap_or_else(|e| panic!("bad Location {l:?}: {e}"))
            });
        let html = response.text().await.unwrap_or_default();
        Page {
            url: url.clone(),
            status,
            location,
            html,
        }
    }
}

/// Delivers a redirect to the app's loopback callback (GET, no cookies).
pub async fn deliver(callback: &Url) -> reqwest::Response {
    assert!(
        matches!(callback.host_str(), Some("127.0.0.1")),
        "the callback must be on loopback: {callback}"
    );
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(REQUEST_TIMEOUT)
        // Plain HTTP on loopback only: the OS store's CAs are not read.
        .tls_built_in_root_certs(false)
        .build()
        .expect("client")
        .get(callback.clone())
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {callback}: {e}"))
}
