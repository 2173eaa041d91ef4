//! A deliberately configurable OpenID Provider for relying-party
//! conformance tests: it serves discovery, a JWKS, an auto-approving
//! `/authorize`, `/token` and `/userinfo` on 127.0.0.1, and a [`Fault`]
//! decides what it gets wrong.
//!
//! ID tokens are built by hand (header, claims, signature) so that a fault
//! can forge any part: the algorithm, the key, the `kid`, any claim. RSA and
//! HMAC signatures come from openidconnect's provider-side signing keys.
//!
//! It also has a revocation endpoint (`/revoke`, always announced), a
//! device authorization endpoint (`/device`, announced after
//! [`BrokenProvider::enable_device_flow`]), a panel data API (`/panel`),
//! and counts every request by path ([`BrokenProvider::requests`]). Huge
//! bodies are generated while they stream, never held in memory.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use authdash::config::Config;
use axum::body::{Body, Bytes};
use axum::extract::{Form, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use futures::StreamExt as _;
use openidconnect::PrivateSigningKey;
use openidconnect::core::{CoreHmacKey, CoreJwsSigningAlgorithm, CoreRsaPrivateSigningKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use url::Url;

/// The client id the provider expects (and the config uses).
pub const CLIENT_ID: &str = "rp";
/// The subject of the one user this provider signs in.
pub const SUBJECT: &str = "user-1";
/// The client secret of [`BrokenProvider::confidential_config`].
pub const CLIENT_SECRET: &str = "rp-secret-for-the-broken-provider";
/// `Retry-After` under [`Fault::RefreshRateLimited`] and
/// [`Fault::RefreshUnavailable`].
pub const RETRY_AFTER_SECS: u64 = 7;
/// A display name full of terminal control sequences (clear the screen,
/// red, bell) under [`Fault::ControlCharacters`].
pub const HOSTILE_NAME: &str = "\u{1b}[2J\u{1b}[31mMallory\u{7}";
/// A device user code that would clear the screen.
pub const HOSTILE_USER_CODE: &str = "WDJB\u{1b}[2J-MJHT";
/// An org name that would retitle the terminal window.
pub const HOSTILE_ORG_NAME: &str = "Evil\u{1b}]0;pwned\u{7} Org\r\n";
/// Where the non-loopback endpoints of [`Fault::InsecureEndpoints`] point.
pub const EVIL_HOST: &str = "http://evil.example";
/// How much a huge body would be if read to the end: 1 GiB.
pub const HUGE_BODY_BYTES: usize = 1 << 30;
const HUGE_CHUNK: usize = 64 * 1024;
static SPACES: [u8; HUGE_CHUNK] = [b' '; HUGE_CHUNK];

const MAIN_PEM: &str = include_str!("../../assets/demo/signing-key.pem");
const ROTATED_PEM: &str = include_str!("keys/rotated.pem");
const ATTACKER_PEM: &str = include_str!("keys/attacker.pem");
/// The main key's public half, as an attacker would download it.
const MAIN_PUBLIC_PEM: &str = include_str!("keys/demo-public.pem");

/// How long the token endpoint takes under [`Fault::TokenSlow`]: well
/// within a client's timeout, and long enough to be caught in the middle.
pub const SLOW: Duration = Duration::from_secs(1);

/// How long the token endpoint sits on a request under [`Fault::TokenHang`]
/// (far beyond any client timeout the tests configure).
const HANG: Duration = Duration::from_secs(120);

/// Which answer [`Fault::HugeBody`] makes endless.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HugeAt {
    Discovery,
    Jwks,
    Token,
    Userinfo,
    Revocation,
    Device,
    Panel,
}

/// A number no provider should send, in every shape it could come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Absurd {
    Negative,
    U64Max,
    /// `1e308`: a float far beyond any integer type.
    Huge,
    /// A word where a number belongs.
    Words,
    /// A number as a string, and longer than any u64.
    LongNumericText,
    Zero,
}

impl Absurd {
    pub const ALL: [Absurd; 6] = [
        Absurd::Negative,
        Absurd::U64Max,
        Absurd::Huge,
        Absurd::Words,
        Absurd::LongNumericText,
        Absurd::Zero,
    ];

    pub fn json(self) -> Value {
        match self {
            Absurd::Negative => json!(-3600),
            Absurd::U64Max => json!(u64::MAX),
            Absurd::Huge => json!(1e308),
            Absurd::Words => json!("for ever"),
            Absurd::LongNumericText => json!("99999999999999999999999999"),
            Absurd::Zero => json!(0),
        }
    }

    /// The same as a `Cache-Control` value.
    pub fn cache_control(self) -> &'static str {
        match self {
            Absurd::Negative => "max-age=-3600",
            Absurd::U64Max => "max-age=18446744073709551615",
            Absurd::Huge => "max-age=1e308",
            Absurd::Words => "max-age=forever",
            Absurd::LongNumericText => "max-age=\"99999999999999999999999999\"",
            Absurd::Zero => "max-age=0",
        }
    }
}

/// What the provider gets wrong. Faults on the ID token apply to every
/// token the provider mints (login and refresh) unless named otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// A well-behaved provider: the positive control.
    None,
    /// The device authorization endpoint answers `unauthorized_client`, as
    /// Entra tenants that block the device code flow do.
    DeviceGrantRefused,
    /// RS256 signed with a key nobody publishes, under the published `kid`.
    BadSignature,
    /// `alg: none` and an empty signature (the metadata even lists `none`).
    AlgNone,
    /// HS256 keyed with the provider's public key PEM (the metadata lists HS256).
    HmacWithPublicKey,
    /// `iss` is another issuer.
    WrongIssuer,
    /// `aud` names another client only.
    WrongAudience,
    /// `aud` lists this client and another, with no `azp`.
    SeveralAudiencesNoAzp,
    /// `azp` names another client.
    AzpOtherClient,
    /// `exp` five minutes ago (well beyond the leeway).
    Expired,
    /// `exp` twenty seconds ago (within the leeway: accepted).
    ExpiredWithinLeeway,
    /// `iat` an hour from now.
    IssuedInFuture,
    /// `iat` twenty seconds from now (within the leeway: accepted).
    IssuedSlightlyAhead,
    /// `nonce` is not the one the client sent.
    WrongNonce,
    /// No `nonce` in the login's ID token.
    NoNonce,
    /// Signed with a key whose `kid` the JWKS never publishes.
    UnknownKid,
    /// No `kid` in the header while the JWKS publishes two keys.
    NoKidSeveralKeys,
    /// No `kid` in the header, one key in the JWKS (accepted).
    NoKidSingleKey,
    /// No `iat` claim.
    NoIat,
    /// No `sub` claim.
    NoSub,
    /// `at_hash` of some other access token.
    WrongAtHash,
    /// Userinfo names another subject than the ID token.
    UserinfoSubject,
    /// The authorization response carries a `state` the client never sent.
    WrongState,
    /// The authorization response's `iss` (RFC 9207) is another issuer.
    ResponseIssuer,
    /// The metadata announces RFC 9207 `iss`, but the response has none.
    MissingResponseIssuer,
    /// The discovery document names another issuer than its URL implies.
    DiscoveryIssuer,
    /// The discovery document's issuer is the URL's plus a trailing slash,
    /// as Auth0's: the same issuer (OIDC Discovery §4), to be accepted.
    DiscoveryIssuerSlash,
    /// The token endpoint answers `invalid_grant`.
    TokenError,
    /// The token endpoint never answers.
    TokenHang,
    /// The token endpoint answers, correctly, after [`SLOW`].
    TokenSlow,
    /// A refresh returns an ID token about another subject.
    RefreshSubject,
    /// A refresh returns an ID token with another `auth_time`.
    RefreshAuthTime,
    /// A refresh returns an ID token with an `azp` the first one lacked.
    RefreshAzpAppears,
    /// A refresh is answered without an ID token (allowed: OIDC Core
    /// 12.2), the login is not.
    RefreshWithoutIdToken,
    /// No refresh token in any token response (a provider not asked for
    /// `offline_access`, or one that gives none to this client).
    NoRefreshToken,
    /// A refresh is answered 503 with `Retry-After` (the login is not).
    RefreshUnavailable,
    /// A refresh is answered 429 with `Retry-After` (the login is not).
    RefreshRateLimited,
    /// A refresh is refused (`invalid_request`, which keeps the session)
    /// with a description that repeats the refresh token presented.
    RefreshRefusedEchoing,
    /// The discovery document names every endpoint but `jwks_uri` (which
    /// stays on loopback, to show no request reaches it) on plain http
    /// under [`EVIL_HOST`].
    InsecureEndpoints,
    /// The device authorization answer sends the person to plain http
    /// under [`EVIL_HOST`].
    DeviceInsecureVerificationUri,
    /// One answer streams [`HUGE_BODY_BYTES`] of JSON whitespace.
    HugeBody(HugeAt),
    /// Every number the provider sends is this: `expires_in` (token and
    /// device), `interval`, and `Cache-Control: max-age` on discovery.
    AbsurdNumbers(Absurd),
    /// The ID token's `exp`, `iat` and `auth_time` are absurd numbers.
    AbsurdClaims,
    /// HS256 keyed with [`CLIENT_SECRET`] (the metadata lists HS256).
    HmacWithClientSecret,
    /// Userinfo has no `sub`, only PropelAuth's `user_id` (the right one).
    UserinfoUserIdOnly,
    /// Userinfo has no `sub`, and a `user_id` naming someone else.
    UserinfoUserIdOther,
    /// Revoking a refresh token answers 503.
    RevokeRefreshFails,
    /// Revoking a refresh token never answers (the access token is
    /// revoked as usual).
    RevokeRefreshHangs,
    /// Revoking an access token answers `unsupported_token_type`.
    RevokeAccessUnsupported,
    /// The name (ID token and userinfo) and the org names (userinfo's
    /// `org_id_to_org_info`) carry terminal control sequences.
    ControlCharacters,
    /// Userinfo answers 503 (the token endpoint is fine).
    UserinfoUnavailable,
    /// ID tokens carry no `at_hash` (optional in the code flow), and a
    /// refresh is answered with the last login's ID token again instead
    /// of a new one (against OIDC Core 12.2, which wants a new `iat`).
    RefreshEchoesLoginIdToken,
}

/// A signing key with the `kid` and JWK it is published under.
struct Key {
    kid: String,
    signing: CoreRsaPrivateSigningKey,
    jwk: Value,
}

impl Key {
    fn load(pem: &str, kid: &str) -> Key {
        let signing = CoreRsaPrivateSigningKey::from_pem(pem, None).expect("test key loads");
        let public = serde_json::to_value(signing.as_verification_key()).expect("JWK");
        let jwk = json!({
            "kty": "RSA",
            "use": "sig",
            "alg": "RS256",
            "kid": kid,
            "n": public["n"],
            "e": public["e"],
        });
        Key {
            kid: kid.to_owned(),
            signing,
            jwk,
        }
    }

    fn sign_rs256(&self, input: &str) -> Vec<u8> {
        self.signing
            .sign(
                &CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
                input.as_bytes(),
            )
            .expect("RS256 signature")
    }
}

struct Keys {
    main: Key,
    rotated: Key,
    attacker: Key,
    /// After [`BrokenProvider::rotate_keys`]: sign with and publish only
    /// the rotated key.
    rotated_in: bool,
}

/// A refresh token's subject and the time of the first authentication.
#[derive(Clone)]
struct Refresh {
    subject: String,
    auth_time: i64,
}

/// An authorization code waiting for its token request.
struct Grant {
    nonce: Option<String>,
    code_challenge: Option<String>,
    redirect_uri: String,
    /// Auth0's `audience` asked at login: the access token is that API's
    /// (as [`ApiAnswer`] says).
    audience: Option<String>,
}

struct Shared {
    issuer: String,
    fault: Mutex<Fault>,
    keys: Mutex<Keys>,
    grants: Mutex<HashMap<String, Grant>>,
    /// Access tokens issued, each with the subject userinfo reports.
    access_tokens: Mutex<HashMap<String, String>>,
    refresh_tokens: Mutex<HashMap<String, Refresh>>,
    device_codes: Mutex<Vec<String>>,
    device_enabled: AtomicBool,
    /// Each request's path, in order.
    requests: Mutex<Vec<String>>,
    /// Each revocation: the `token_type_hint` and the status answered.
    revocations: Mutex<Vec<(String, u16)>>,
    /// Bytes of huge bodies handed to the network so far.
    huge_bytes_sent: AtomicUsize,
    jwks_hits: AtomicUsize,
    token_hits: AtomicUsize,
    userinfo_hits: AtomicUsize,
    counter: AtomicUsize,
    /// Claims added to (or replacing) every ID token minted from now on:
    /// [`BrokenProvider::set_extra_id_claims`].
    extra_id_claims: Mutex<serde_json::Map<String, Value>>,
    /// Claims added to (or replacing) every userinfo answer from now on:
    /// [`BrokenProvider::set_extra_userinfo`].
    extra_userinfo: Mutex<serde_json::Map<String, Value>>,
    /// The ID token of the last login (for [`Fault::RefreshEchoesLoginIdToken`]).
    login_id_token: Mutex<Option<String>>,
    /// Refresh tokens presented at the token endpoint so far (counting
    /// only: a spent token keeps working, as before).
    spent_refresh_tokens: Mutex<std::collections::HashSet<String>>,
    /// Refresh requests presenting a token already presented once:
    /// [`BrokenProvider::refresh_reuses`].
    refresh_reuses: AtomicUsize,
    /// When set, what userinfo answers instead of its usual answer:
    /// [`BrokenProvider::set_userinfo_answer`].
    userinfo_answer: Mutex<Option<UserinfoAnswer>>,
    /// Each token request's form, in order: [`BrokenProvider::token_forms`].
    token_forms: Mutex<Vec<HashMap<String, String>>>,
    /// Each request's path and query, in order.
    uris: Mutex<Vec<String>>,
    /// How a refresh asking for one API is answered:
    /// [`BrokenProvider::set_api_answer`].
    api_answer: Mutex<ApiAnswer>,
    /// Claims put into every API token minted from now on:
    /// [`BrokenProvider::set_extra_api_claims`].
    extra_api_claims: Mutex<serde_json::Map<String, Value>>,
}

/// The answer to a refresh that asks for one API's token (`resource`,
/// `audience`, or Entra's `scope=<resource>/.default`).
#[derive(Debug, Clone, Default)]
pub enum ApiAnswer {
    /// A JWT whose `aud` is the API asked for, with a rotated refresh token.
    #[default]
    Issue,
    /// A JWT for another audience (Auth0 answering an audience it does not
    /// know with its default one).
    WrongAudience(String),
    /// An OAuth error: `error` and `error_description`.
    Refuse(&'static str, &'static str),
    /// A token granting only this scope, whatever was asked.
    Grant(&'static str),
    /// The usual answer (a JWT for the API asked) with these fields of a
    /// JSON object put over it: a hostile `access_token`, `expires_in`,
    /// `scope`.
    Over(Value),
}

/// A canned userinfo answer: status, content type and body, where
/// `{bearer}` in the body becomes the access token the client presented.
#[derive(Debug, Clone)]
pub struct UserinfoAnswer {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Shared {
    fn fault(&self) -> Fault {
        *lock(&self.fault)
    }

    fn fresh(&self, prefix: &str) -> String {
        let n = self.counter.fetch_add(1, Ordering::SeqCst);
        format!("{prefix}-{n}-{}", rand::random::<u64>())
    }
}

/// The provider, listening on 127.0.0.1 until dropped.
pub struct BrokenProvider {
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl Drop for BrokenProvider {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl BrokenProvider {
    /// Start listening on a free port of 127.0.0.1 with `fault` in force.
    pub async fn start(fault: Fault) -> BrokenProvider {
        Self::start_with(fault, &[], Router::new()).await
    }

    /// [`Self::start`], with the requests for `paths` answered by
    /// `routes` instead (a hostile token endpoint, an API beside the
    /// provider); they are counted in [`Self::requests`] all the same.
    pub async fn start_with(fault: Fault, paths: &[&str], routes: Router) -> BrokenProvider {
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .await
            .expect("bind 127.0.0.1:0");
        let port = listener.local_addr().expect("local addr").port();
        let shared = Arc::new(Shared {
            issuer: format!("http://127.0.0.1:{port}"),
            fault: Mutex::new(fault),
            keys: Mutex::new(Keys {
                main: Key::load(MAIN_PEM, "main-2024"),
                rotated: Key::load(ROTATED_PEM, "rotated-2025"),
                attacker: Key::load(ATTACKER_PEM, "attacker"),
                rotated_in: false,
            }),
            grants: Mutex::new(HashMap::new()),
            access_tokens: Mutex::new(HashMap::new()),
            refresh_tokens: Mutex::new(HashMap::new()),
            device_codes: Mutex::new(Vec::new()),
            device_enabled: AtomicBool::new(false),
            requests: Mutex::new(Vec::new()),
            revocations: Mutex::new(Vec::new()),
            huge_bytes_sent: AtomicUsize::new(0),
            jwks_hits: AtomicUsize::new(0),
            token_hits: AtomicUsize::new(0),
            userinfo_hits: AtomicUsize::new(0),
            counter: AtomicUsize::new(0),
            extra_id_claims: Mutex::new(serde_json::Map::new()),
            extra_userinfo: Mutex::new(serde_json::Map::new()),
            login_id_token: Mutex::new(None),
            spent_refresh_tokens: Mutex::new(std::collections::HashSet::new()),
            refresh_reuses: AtomicUsize::new(0),
            userinfo_answer: Mutex::new(None),
            token_forms: Mutex::new(Vec::new()),
            uris: Mutex::new(Vec::new()),
            api_answer: Mutex::new(ApiAnswer::default()),
            extra_api_claims: Mutex::new(serde_json::Map::new()),
        });
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .route("/userinfo", get(userinfo))
            .route("/revoke", post(revoke))
            .route("/device", post(device))
            .route("/panel", get(panel))
            .layer(middleware::from_fn_with_state(
                Arc::new(Overrides {
                    paths: paths.iter().map(|p| (*p).to_owned()).collect(),
                    routes,
                }),
                overridden,
            ))
            .layer(middleware::from_fn_with_state(shared.clone(), count))
            .with_state(shared.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        BrokenProvider { shared, task }
    }

    pub fn issuer(&self) -> &str {
        &self.shared.issuer
    }

    pub fn metadata_url(&self) -> String {
        format!("{}/.well-known/openid-configuration", self.shared.issuer)
    }

    /// Change the fault from now on (e.g. after a good login, for refresh).
    pub fn set_fault(&self, fault: Fault) {
        *lock(&self.shared.fault) = fault;
    }

    /// Claims (a JSON object) put into every ID token minted from now on,
    /// over the usual ones; `json!({})` puts none. Set after a login and
    /// before a refresh, they change only what the refresh says.
    pub fn set_extra_id_claims(&self, claims: Value) {
        *lock(&self.shared.extra_id_claims) = object(claims);
    }

    /// Claims (a JSON object) put into every API access token minted from
    /// now on (a refresh's or a login's for one audience), over the usual
    /// ones: an Auth0 Organizations `org_id`, say.
    pub fn set_extra_api_claims(&self, claims: Value) {
        *lock(&self.shared.extra_api_claims) = object(claims);
    }

    /// Claims (a JSON object) put into every userinfo answer from now on,
    /// over the usual ones; `json!({})` puts none.
    pub fn set_extra_userinfo(&self, claims: Value) {
        *lock(&self.shared.extra_userinfo) = object(claims);
    }

    /// Answer userinfo with `answer` from now on (`None`: as usual).
    pub fn set_userinfo_answer(&self, answer: Option<UserinfoAnswer>) {
        *lock(&self.shared.userinfo_answer) = answer;
    }

    /// How many refresh requests presented a refresh token that had been
    /// presented before (what a provider with reuse detection refuses,
    /// ending the session).
    pub fn refresh_reuses(&self) -> usize {
        self.shared.refresh_reuses.load(Ordering::SeqCst)
    }

    /// Sign with a new key and publish only that one from now on.
    pub fn rotate_keys(&self) {
        lock(&self.shared.keys).rotated_in = true;
    }

    /// How many times the JWKS was fetched.
    pub fn jwks_hits(&self) -> usize {
        self.shared.jwks_hits.load(Ordering::SeqCst)
    }

    /// How many token requests arrived.
    pub fn token_hits(&self) -> usize {
        self.shared.token_hits.load(Ordering::SeqCst)
    }

    pub fn userinfo_hits(&self) -> usize {
        self.shared.userinfo_hits.load(Ordering::SeqCst)
    }

    /// The path of every request so far, in order.
    pub fn requests(&self) -> Vec<String> {
        lock(&self.shared.requests).clone()
    }

    /// Each revocation request: its `token_type_hint` and the HTTP status
    /// it was answered with.
    pub fn revocations(&self) -> Vec<(String, u16)> {
        lock(&self.shared.revocations).clone()
    }

    /// Whether an access token still opens userinfo (revocation removes it).
    pub fn access_token_is_live(&self, token: &str) -> bool {
        lock(&self.shared.access_tokens).contains_key(token)
    }

    /// Bytes of huge bodies handed to the network: what a client that
    /// stops reading at its cap made the provider generate.
    pub fn huge_bytes_sent(&self) -> usize {
        self.shared.huge_bytes_sent.load(Ordering::SeqCst)
    }

    /// Announce the device authorization endpoint (`/device`) from now on.
    pub fn enable_device_flow(&self) {
        self.shared.device_enabled.store(true, Ordering::SeqCst);
    }

    /// The panel data API's address.
    /// Each token request's form so far.
    pub fn token_forms(&self) -> Vec<HashMap<String, String>> {
        lock(&self.shared.token_forms).clone()
    }

    /// Each request's path and query so far (the authorize request's
    /// parameters, repeated ones included).
    pub fn uris(&self) -> Vec<String> {
        lock(&self.shared.uris).clone()
    }

    pub fn set_api_answer(&self, answer: ApiAnswer) {
        *lock(&self.shared.api_answer) = answer;
    }

    pub fn panel_url(&self) -> String {
        format!("{}/panel", self.shared.issuer)
    }

    /// A config file's text naming this provider `test`: `provider_lines`
    /// after `client_id` and `server_metadata_url`, and `authdash_table`
    /// lines under `[authdash]` when not empty.
    pub fn toml_with(&self, provider_lines: &str, authdash_table: &str) -> String {
        let mut text = format!(
            "[auth.test]\nclient_id = \"{CLIENT_ID}\"\nserver_metadata_url = \"{}\"\n",
            self.metadata_url()
        );
        if !provider_lines.is_empty() {
            text.push_str(provider_lines);
            text.push('\n');
        }
        if !authdash_table.is_empty() {
            text.push_str("\n[authdash]\n");
            text.push_str(authdash_table);
            text.push('\n');
        }
        text
    }

    /// The same with nothing added.
    pub fn toml(&self) -> String {
        self.toml_with("", "")
    }

    /// [`Self::toml_with`], parsed.
    pub fn config_text(&self, provider_lines: &str, authdash_table: &str) -> Config {
        Config::parse(
            Path::new("rp-test.toml"),
            &self.toml_with(provider_lines, authdash_table),
            &|_| None,
        )
        .expect("test config parses")
    }

    /// A confidential client: [`CLIENT_SECRET`], plus `provider_lines`.
    pub fn confidential_config(&self, provider_lines: &str) -> Config {
        self.config_text(
            &format!("client_secret = \"{CLIENT_SECRET}\"\n{provider_lines}"),
            "",
        )
    }

    /// A config for this provider (`[auth.test]`), with `authdash_table`
    /// lines added under `[authdash]` when not empty.
    pub fn config_with(&self, authdash_table: &str) -> Config {
        self.config_text("", authdash_table)
    }

    pub fn config(&self) -> Config {
        self.config_with("")
    }
}

/// A discovery document of `issuer` with only what OpenID Connect
/// Discovery requires (endpoints under the issuer, RS256, `code`).
pub fn minimal_discovery(issuer: &str) -> Value {
    json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{issuer}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
    })
}

/// The fields of a JSON object given as test extras.
fn object(claims: Value) -> serde_json::Map<String, Value> {
    match claims {
        Value::Object(fields) => fields,
        other => panic!("extra claims must be a JSON object, not {other}"),
    }
}

/// Counts every request by path.
/// The paths a test answers itself, and its routes for them.
struct Overrides {
    paths: Vec<String>,
    routes: Router,
}

async fn overridden(State(o): State<Arc<Overrides>>, request: Request, next: Next) -> Response {
    if o.paths.iter().any(|p| p == request.uri().path()) {
        use tower::ServiceExt as _;
        return match o.routes.clone().oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
    }
    next.run(request).await
}

async fn count(State(s): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    lock(&s.requests).push(request.uri().path().to_owned());
    lock(&s.uris).push(request.uri().to_string());
    next.run(request).await
}

/// [`HUGE_BODY_BYTES`] of JSON whitespace, generated chunk by chunk as the
/// client reads: the provider's memory stays flat, and
/// [`BrokenProvider::huge_bytes_sent`] shows how far the client read.
fn huge_body(s: &Arc<Shared>) -> Response {
    let shared = s.clone();
    let chunks = futures::stream::iter(0..HUGE_BODY_BYTES / HUGE_CHUNK).map(move |_| {
        shared
            .huge_bytes_sent
            .fetch_add(HUGE_CHUNK, Ordering::SeqCst);
        Ok::<_, std::convert::Infallible>(Bytes::from_static(&SPACES))
    });
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        Body::from_stream(chunks),
    )
        .into_response()
}

async fn discovery(State(s): State<Arc<Shared>>) -> Response {
    let fault = s.fault();
    if fault == Fault::HugeBody(HugeAt::Discovery) {
        return huge_body(&s);
    }
    let issuer = &s.issuer;
    let mut doc = minimal_discovery(issuer);
    doc.as_object_mut()
        .expect("a JSON object")
        .extend(object(json!({
            "issuer": match fault {
                Fault::DiscoveryIssuer => format!("{issuer}/other"),
                Fault::DiscoveryIssuerSlash => format!("{issuer}/"),
                _ => issuer.clone(),
            },
            "userinfo_endpoint": format!("{issuer}/userinfo"),
            "token_endpoint_auth_methods_supported": ["none"],
            "code_challenge_methods_supported": ["S256"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "revocation_endpoint": format!("{issuer}/revoke"),
        })));
    if s.device_enabled.load(Ordering::SeqCst) {
        doc["device_authorization_endpoint"] = json!(format!("{issuer}/device"));
    }
    if fault == Fault::InsecureEndpoints {
        for (key, path) in [
            ("authorization_endpoint", "authorize"),
            ("token_endpoint", "token"),
            ("userinfo_endpoint", "userinfo"),
            ("revocation_endpoint", "revoke"),
            ("device_authorization_endpoint", "device"),
            ("end_session_endpoint", "logout"),
        ] {
            doc[key] = json!(format!("{EVIL_HOST}/{path}"));
        }
    }
    if fault == Fault::HmacWithClientSecret {
        doc["id_token_signing_alg_values_supported"] = json!(["HS256", "RS256"]);
        doc["token_endpoint_auth_methods_supported"] = json!(["client_secret_basic"]);
    }
    if matches!(fault, Fault::AlgNone | Fault::HmacWithPublicKey) {
        // A hostile provider would advertise what it forges.
        doc["id_token_signing_alg_values_supported"] = json!(["RS256", "HS256", "none"]);
    }
    if matches!(fault, Fault::ResponseIssuer | Fault::MissingResponseIssuer) {
        doc["authorization_response_iss_parameter_supported"] = json!(true);
    }
    match fault {
        Fault::AbsurdNumbers(a) => {
            ([(header::CACHE_CONTROL, a.cache_control())], Json(doc)).into_response()
        }
        _ => Json(doc).into_response(),
    }
}

async fn jwks(State(s): State<Arc<Shared>>) -> Response {
    s.jwks_hits.fetch_add(1, Ordering::SeqCst);
    if s.fault() == Fault::HugeBody(HugeAt::Jwks) {
        return huge_body(&s);
    }
    let keys = lock(&s.keys);
    let published = if keys.rotated_in {
        vec![keys.rotated.jwk.clone()]
    } else if s.fault() == Fault::NoKidSeveralKeys {
        vec![keys.main.jwk.clone(), keys.rotated.jwk.clone()]
    } else {
        vec![keys.main.jwk.clone()]
    };
    Json(json!({ "keys": published })).into_response()
}

/// Auto-approves: redirects straight back to `redirect_uri` with a code.
async fn authorize(
    State(s): State<Arc<Shared>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (Some(redirect_uri), Some(state)) = (q.get("redirect_uri"), q.get("state")) else {
        return (StatusCode::BAD_REQUEST, "redirect_uri and state required").into_response();
    };
    if q.get("client_id").map(String::as_str) != Some(CLIENT_ID)
        || q.get("response_type").map(String::as_str) != Some("code")
    {
        return (StatusCode::BAD_REQUEST, "unknown client or response_type").into_response();
    }
    let Ok(mut target) = Url::parse(redirect_uri) else {
        return (StatusCode::BAD_REQUEST, "bad redirect_uri").into_response();
    };
    let code = s.fresh("code");
    lock(&s.grants).insert(
        code.clone(),
        Grant {
            nonce: q.get("nonce").cloned(),
            code_challenge: q.get("code_challenge").cloned(),
            redirect_uri: redirect_uri.clone(),
            audience: q.get("audience").cloned(),
        },
    );
    let fault = s.fault();
    {
        let mut pairs = target.query_pairs_mut();
        pairs.append_pair("code", &code);
        if fault == Fault::WrongState {
            pairs.append_pair("state", "forged-state-from-another-login");
        } else {
            pairs.append_pair("state", state);
        }
        match fault {
            Fault::ResponseIssuer => {
                pairs.append_pair("iss", "http://127.0.0.1:9/evil");
            }
            Fault::MissingResponseIssuer => {}
            _ => {
                pairs.append_pair("iss", &s.issuer);
            }
        }
    }
    (StatusCode::FOUND, [(header::LOCATION, target.to_string())]).into_response()
}

fn oauth_error(error: &str, description: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({ "error": error, "error_description": description })),
    )
        .into_response()
}

fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The client id from the form (a public client) or from HTTP Basic
/// authentication with [`CLIENT_SECRET`] (a confidential one).
fn client_of(headers: &HeaderMap, form: &HashMap<String, String>) -> Option<String> {
    if let Some(id) = form.get("client_id") {
        return Some(id.clone());
    }
    let basic = headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(basic)
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    (secret == CLIENT_SECRET).then(|| id.to_owned())
}

/// A refresh refused for a while, with `Retry-After`, as a plain-text page
/// (what load balancers and gateways answer).
fn refresh_refused(status: StatusCode) -> Response {
    (
        status,
        [(header::RETRY_AFTER, RETRY_AFTER_SECS.to_string())],
        "try again later",
    )
        .into_response()
}

async fn token(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    s.token_hits.fetch_add(1, Ordering::SeqCst);
    lock(&s.token_forms).push(form.clone());
    let fault = s.fault();
    if fault == Fault::HugeBody(HugeAt::Token) {
        return huge_body(&s);
    }
    if fault == Fault::TokenHang {
        tokio::time::sleep(HANG).await;
    }
    if fault == Fault::TokenSlow {
        tokio::time::sleep(SLOW).await;
    }
    if fault == Fault::TokenError {
        return oauth_error(
            "invalid_grant",
            "The authorization code has expired or was already used",
        );
    }
    if client_of(&headers, &form).as_deref() != Some(CLIENT_ID) {
        return oauth_error("invalid_client", "unknown client");
    }
    let now = Utc::now().timestamp();
    let mut audience = None;
    let (subject, nonce, auth_time) = match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {
            let Some(grant) = form.get("code").and_then(|c| lock(&s.grants).remove(c)) else {
                return oauth_error("invalid_grant", "unknown or used code");
            };
            if form.get("redirect_uri") != Some(&grant.redirect_uri) {
                return oauth_error("invalid_grant", "redirect_uri differs");
            }
            let verifier = form.get("code_verifier").map(|v| s256(v));
            if grant.code_challenge.is_none() || verifier != grant.code_challenge {
                return oauth_error("invalid_grant", "PKCE verification failed");
            }
            audience = grant.audience;
            (SUBJECT.to_owned(), grant.nonce, now)
        }
        Some("refresh_token") => {
            match fault {
                Fault::RefreshUnavailable => {
                    return refresh_refused(StatusCode::SERVICE_UNAVAILABLE);
                }
                Fault::RefreshRateLimited => return refresh_refused(StatusCode::TOO_MANY_REQUESTS),
                Fault::RefreshRefusedEchoing => {
                    let presented = form.get("refresh_token").cloned().unwrap_or_default();
                    return oauth_error(
                        "invalid_request",
                        &format!("refresh_token {presented} is not valid here"),
                    );
                }
                _ => {}
            }
            if let Some(presented) = form.get("refresh_token")
                && !lock(&s.spent_refresh_tokens).insert(presented.clone())
            {
                s.refresh_reuses.fetch_add(1, Ordering::SeqCst);
            }
            let known = form
                .get("refresh_token")
                .and_then(|t| lock(&s.refresh_tokens).get(t).cloned());
            let Some(refresh) = known else {
                return oauth_error("invalid_grant", "unknown refresh token");
            };
            let subject = if fault == Fault::RefreshSubject {
                "someone-else".to_owned()
            } else {
                refresh.subject
            };
            let auth_time = if fault == Fault::RefreshAuthTime {
                refresh.auth_time - 1000
            } else {
                refresh.auth_time
            };
            // Refreshed ID tokens carry no nonce (OIDC Core §12.2, as most
            // providers do it).
            (subject, None, auth_time)
        }
        Some("urn:ietf:params:oauth:grant-type:device_code") => {
            let code = form.get("device_code").cloned().unwrap_or_default();
            let mut codes = lock(&s.device_codes);
            let Some(i) = codes.iter().position(|c| *c == code) else {
                return oauth_error("invalid_grant", "unknown device code");
            };
            // Approved at once: the person is quick.
            codes.remove(i);
            (SUBJECT.to_owned(), None, now)
        }
        _ => return oauth_error("unsupported_grant_type", "code or refresh_token"),
    };
    let access_token = s.fresh("at");
    let refresh_token = s.fresh("rt");
    lock(&s.access_tokens).insert(access_token.clone(), subject.clone());
    lock(&s.refresh_tokens).insert(
        refresh_token.clone(),
        Refresh {
            subject: subject.clone(),
            auth_time,
        },
    );
    let refreshing = form.get("grant_type").map(String::as_str) == Some("refresh_token");
    let minted = Minted {
        subject: &subject,
        nonce: nonce.as_deref(),
        access: &access_token,
        auth_time,
        refreshing,
    };
    if let Some(api) = audience {
        // A login asking for one API's audience: its access token is that
        // API's, and the ID token's at_hash is over it.
        let token = match api_jwt(&s, &subject, &api, "read", &access_token) {
            Ok(token) => token,
            Err(refused) => return *refused,
        };
        // Auth0's token for an API audience asked with `openid` is good
        // at userinfo too.
        lock(&s.access_tokens).insert(token.jwt.clone(), subject.clone());
        let minted = Minted {
            access: &token.jwt,
            ..minted
        };
        let id_token = id_token(&s, fault, &minted);
        return api_answer(token, &refresh_token, &id_token);
    }
    let mut id_token = id_token(&s, fault, &minted);
    if refreshing && let Some(api) = api_asked(&form) {
        // The scopes asked are granted (Entra's `.default` as `read`).
        let scope = form
            .get("scope")
            .filter(|s| !s.ends_with("/.default"))
            .map_or("read", String::as_str);
        let tokens = [access_token.as_str(), refresh_token.as_str(), &id_token];
        return api_token(&s, &subject, &api, scope, tokens);
    }
    if !refreshing {
        *lock(&s.login_id_token) = Some(id_token.clone());
    } else if fault == Fault::RefreshEchoesLoginIdToken
        && let Some(first) = lock(&s.login_id_token).clone()
    {
        id_token = first;
    }
    let expires_in = match fault {
        Fault::AbsurdNumbers(a) => a.json(),
        _ => json!(3600),
    };
    let mut answer = json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": expires_in,
        "refresh_token": refresh_token,
        "id_token": id_token,
        "scope": "openid profile email",
    });
    if fault == Fault::NoRefreshToken {
        answer
            .as_object_mut()
            .expect("object")
            .remove("refresh_token");
    }
    if refreshing && fault == Fault::RefreshWithoutIdToken {
        answer.as_object_mut().expect("object").remove("id_token");
    }
    Json(answer).into_response()
}

/// The API a refresh asks a token for, in any of the three styles.
fn api_asked(form: &HashMap<String, String>) -> Option<String> {
    form.get("resource")
        .or(form.get("audience"))
        .cloned()
        .or_else(|| {
            // Entra's `<resource>/.default` or `<resource>/<scope>`.
            form.get("scope")?
                .split(' ')
                .filter(|s| s.contains("://"))
                .find_map(|s| s.rsplit_once('/'))
                .map(|(api, _)| api.to_owned())
        })
}

/// One API's token as [`ApiAnswer`] says: an unsigned JWT (the client
/// reads its `aud`; the APIs of these tests do not verify it).
/// An ID token comes along (as a provider may send one with any refresh):
/// the client must not take its claims for the session's.
fn api_token(s: &Shared, subject: &str, api: &str, scope: &str, tokens: [&str; 3]) -> Response {
    let [access, refresh, id_token] = tokens;
    match api_jwt(s, subject, api, scope, access) {
        Ok(jwt) => api_answer(jwt, refresh, id_token),
        Err(refused) => *refused,
    }
}

/// One API's access token as [`ApiAnswer`] says, the scope granted, and
/// the fields to put over the answer; or the refusal to answer with.
struct ApiJwt {
    jwt: String,
    scope: String,
    over: serde_json::Map<String, Value>,
}

fn api_jwt(
    s: &Shared,
    subject: &str,
    api: &str,
    scope: &str,
    access: &str,
) -> Result<ApiJwt, Box<Response>> {
    let mut scope = scope;
    let mut over = serde_json::Map::new();
    let audience = match lock(&s.api_answer).clone() {
        ApiAnswer::Issue => api.to_owned(),
        ApiAnswer::Over(fields) => {
            over = object(fields);
            api.to_owned()
        }
        ApiAnswer::Grant(only) => {
            scope = only;
            api.to_owned()
        }
        ApiAnswer::WrongAudience(other) => other,
        ApiAnswer::Refuse(error, description) => {
            return Err(Box::new(oauth_error(error, description)));
        }
    };
    let part = |v: Value| URL_SAFE_NO_PAD.encode(v.to_string());
    let now = Utc::now().timestamp();
    let mut claims = json!({
        "iss": s.issuer, "sub": subject, "aud": audience, "jti": access,
        "iat": now, "exp": now + 3600, "scope": scope,
    });
    for (name, value) in lock(&s.extra_api_claims).iter() {
        claims[name.as_str()] = value.clone();
    }
    let jwt = format!(
        "{}.{}.{}",
        part(json!({"alg": "RS256", "typ": "at+jwt"})),
        part(claims),
        URL_SAFE_NO_PAD.encode(b"not verified by the client")
    );
    Ok(ApiJwt {
        jwt,
        scope: scope.to_owned(),
        over,
    })
}

fn api_answer(token: ApiJwt, refresh: &str, id_token: &str) -> Response {
    let mut answer = json!({
        "access_token": token.jwt,
        "token_type": "Bearer",
        "expires_in": 3600,
        "refresh_token": refresh,
        "id_token": id_token,
        "scope": token.scope,
    });
    if let Some(fields) = answer.as_object_mut() {
        fields.extend(token.over);
    }
    Json(answer).into_response()
}

/// RFC 7009: forgets the token (a refresh or an access token), unless a
/// fault refuses.
async fn revoke(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let fault = s.fault();
    let hint = form.get("token_type_hint").cloned().unwrap_or_default();
    let answer = if fault == Fault::HugeBody(HugeAt::Revocation) {
        huge_body(&s)
    } else if client_of(&headers, &form).as_deref() != Some(CLIENT_ID) {
        oauth_error("invalid_client", "unknown client")
    } else if fault == Fault::RevokeRefreshFails && hint == "refresh_token" {
        (StatusCode::SERVICE_UNAVAILABLE, "revocation is down").into_response()
    } else if fault == Fault::RevokeRefreshHangs && hint == "refresh_token" {
        tokio::time::sleep(HANG).await;
        StatusCode::OK.into_response()
    } else if fault == Fault::RevokeAccessUnsupported && hint == "access_token" {
        oauth_error(
            "unsupported_token_type",
            "access tokens are short-lived here",
        )
    } else {
        if let Some(token) = form.get("token") {
            lock(&s.access_tokens).remove(token);
            lock(&s.refresh_tokens).remove(token);
        }
        StatusCode::OK.into_response()
    };
    lock(&s.revocations).push((hint, answer.status().as_u16()));
    answer
}

/// RFC 8628 device authorization; the token endpoint approves the code on
/// its first poll.
async fn device(
    State(s): State<Arc<Shared>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let fault = s.fault();
    if fault == Fault::HugeBody(HugeAt::Device) {
        return huge_body(&s);
    }
    if client_of(&headers, &form).as_deref() != Some(CLIENT_ID) {
        return oauth_error("invalid_client", "unknown client");
    }
    if fault == Fault::DeviceGrantRefused {
        return oauth_error(
            "unauthorized_client",
            "the client is not allowed to use the device code flow",
        );
    }
    let code = s.fresh("dc");
    lock(&s.device_codes).push(code.clone());
    let verification = if fault == Fault::DeviceInsecureVerificationUri {
        format!("{EVIL_HOST}/device")
    } else {
        format!("{}/device/verify", s.issuer)
    };
    let (expires_in, interval) = match fault {
        Fault::AbsurdNumbers(a) => (a.json(), a.json()),
        _ => (json!(600), json!(5)),
    };
    let user_code = if fault == Fault::ControlCharacters {
        HOSTILE_USER_CODE
    } else {
        "WDJB-MJHT"
    };
    Json(json!({
        "device_code": code,
        "user_code": user_code,
        "verification_uri": verification,
        "verification_uri_complete": format!("{verification}?user_code=WDJB-MJHT"),
        "expires_in": expires_in,
        "interval": interval,
    }))
    .into_response()
}

/// A panel data API: a small shaped answer, or a huge one.
async fn panel(State(s): State<Arc<Shared>>) -> Response {
    if s.fault() == Fault::HugeBody(HugeAt::Panel) {
        return huge_body(&s);
    }
    Json(json!({ "summary": "all good", "items": [{ "label": "users", "value": 1 }] }))
        .into_response()
}

/// `at_hash` for RS256/HS256: the left half of SHA-256, base64url.
fn at_hash(access_token: &str) -> String {
    let digest = Sha256::digest(access_token.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..16])
}

fn b64_json(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).expect("JSON"))
}

/// How an ID token gets its signature.
enum Signer<'a> {
    Rsa(&'a Key),
    /// `alg: none`: no signature at all.
    Unsigned,
    /// HS256 keyed with the main key's public PEM.
    HmacWithPublicKey,
    /// HS256 keyed with [`CLIENT_SECRET`].
    HmacWithClientSecret,
}

/// What an ID token is minted for.
struct Minted<'a> {
    subject: &'a str,
    nonce: Option<&'a str>,
    access: &'a str,
    auth_time: i64,
    refreshing: bool,
}

/// The display name the provider reports, hostile under
/// [`Fault::ControlCharacters`].
fn name(fault: Fault) -> &'static str {
    if fault == Fault::ControlCharacters {
        HOSTILE_NAME
    } else {
        "Test User"
    }
}

/// Mints the ID token, with the fault in force.
fn id_token(s: &Shared, fault: Fault, minted: &Minted<'_>) -> String {
    let Minted {
        subject,
        nonce,
        access,
        auth_time,
        refreshing,
    } = *minted;
    let now = Utc::now().timestamp();
    let mut claims = json!({
        "iss": s.issuer,
        "sub": subject,
        "aud": CLIENT_ID,
        "exp": now + 600,
        "iat": now,
        "auth_time": auth_time,
        "at_hash": at_hash(access),
        "email": "one@example.test",
        "email_verified": true,
        "name": name(fault),
    });
    if let Some(n) = nonce {
        claims["nonce"] = json!(n);
    }
    match fault {
        Fault::WrongIssuer => claims["iss"] = json!("http://127.0.0.1:9/another-issuer"),
        Fault::WrongAudience => claims["aud"] = json!("another-client"),
        Fault::SeveralAudiencesNoAzp => claims["aud"] = json!([CLIENT_ID, "another-client"]),
        Fault::AzpOtherClient => claims["azp"] = json!("another-client"),
        Fault::Expired => claims["exp"] = json!(now - 300),
        Fault::ExpiredWithinLeeway => claims["exp"] = json!(now - 20),
        Fault::IssuedInFuture => {
            claims["iat"] = json!(now + 3600);
            claims["exp"] = json!(now + 7200);
        }
        Fault::IssuedSlightlyAhead => claims["iat"] = json!(now + 20),
        Fault::WrongNonce if nonce.is_some() => claims["nonce"] = json!("not-the-nonce-you-sent"),
        Fault::NoNonce => {
            claims.as_object_mut().expect("object").remove("nonce");
        }
        Fault::NoIat => {
            claims.as_object_mut().expect("object").remove("iat");
        }
        Fault::NoSub => {
            claims.as_object_mut().expect("object").remove("sub");
        }
        Fault::WrongAtHash => claims["at_hash"] = json!(at_hash("some-other-access-token")),
        Fault::AbsurdClaims => {
            claims["exp"] = json!(1e308);
            claims["iat"] = json!(-1e308);
            claims["auth_time"] = json!(u64::MAX);
        }
        Fault::RefreshAzpAppears if refreshing => claims["azp"] = json!(CLIENT_ID),
        Fault::RefreshEchoesLoginIdToken => {
            claims.as_object_mut().expect("object").remove("at_hash");
        }
        _ => {}
    }
    for (name, value) in lock(&s.extra_id_claims).iter() {
        claims[name.as_str()] = value.clone();
    }

    let keys = lock(&s.keys);
    let active = if keys.rotated_in {
        &keys.rotated
    } else {
        &keys.main
    };
    let rs256 = |kid: Option<&str>| {
        let mut header = json!({ "alg": "RS256", "typ": "JWT" });
        if let Some(kid) = kid {
            header["kid"] = json!(kid);
        }
        header
    };
    let (header, signer) = match fault {
        Fault::BadSignature => (rs256(Some(&active.kid)), Signer::Rsa(&keys.attacker)),
        Fault::UnknownKid => (rs256(Some(&keys.attacker.kid)), Signer::Rsa(&keys.attacker)),
        Fault::NoKidSeveralKeys | Fault::NoKidSingleKey => (rs256(None), Signer::Rsa(active)),
        Fault::AlgNone => (json!({ "alg": "none", "typ": "JWT" }), Signer::Unsigned),
        Fault::HmacWithPublicKey => (
            json!({ "alg": "HS256", "typ": "JWT", "kid": active.kid }),
            Signer::HmacWithPublicKey,
        ),
        Fault::HmacWithClientSecret => (
            json!({ "alg": "HS256", "typ": "JWT" }),
            Signer::HmacWithClientSecret,
        ),
        _ => (rs256(Some(&active.kid)), Signer::Rsa(active)),
    };
    let input = format!("{}.{}", b64_json(&header), b64_json(&claims));
    let signature = match signer {
        Signer::Rsa(key) => key.sign_rs256(&input),
        Signer::Unsigned => Vec::new(),
        Signer::HmacWithPublicKey => CoreHmacKey::new(MAIN_PUBLIC_PEM.as_bytes())
            .sign(&CoreJwsSigningAlgorithm::HmacSha256, input.as_bytes())
            .expect("HS256 signature"),
        Signer::HmacWithClientSecret => CoreHmacKey::new(CLIENT_SECRET.as_bytes())
            .sign(&CoreJwsSigningAlgorithm::HmacSha256, input.as_bytes())
            .expect("HS256 signature"),
    };
    let signature = URL_SAFE_NO_PAD.encode(signature);
    format!("{input}.{signature}")
}

async fn userinfo(State(s): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    s.userinfo_hits.fetch_add(1, Ordering::SeqCst);
    let fault = s.fault();
    if fault == Fault::HugeBody(HugeAt::Userinfo) {
        return huge_body(&s);
    }
    if fault == Fault::UserinfoUnavailable {
        return (StatusCode::SERVICE_UNAVAILABLE, "userinfo is down").into_response();
    }
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    if let Some(answer) = lock(&s.userinfo_answer).clone() {
        let body = answer
            .body
            .replace("{bearer}", token.as_deref().unwrap_or_default());
        return (
            StatusCode::from_u16(answer.status).expect("a status"),
            [(header::CONTENT_TYPE, answer.content_type)],
            body,
        )
            .into_response();
    }
    let Some(subject) = token.and_then(|t| lock(&s.access_tokens).get(&t).cloned()) else {
        return (StatusCode::UNAUTHORIZED, "invalid_token").into_response();
    };
    let subject = if fault == Fault::UserinfoSubject {
        "impostor-42".to_owned()
    } else {
        subject
    };
    let mut info = json!({
        "sub": subject,
        "email": "one@example.test",
        "email_verified": true,
        "name": name(fault),
    });
    match fault {
        Fault::UserinfoUserIdOnly | Fault::UserinfoUserIdOther => {
            let fields = info.as_object_mut().expect("object");
            fields.remove("sub");
            let user_id = if fault == Fault::UserinfoUserIdOnly {
                subject
            } else {
                "someone-else".to_owned()
            };
            fields.insert("user_id".into(), json!(user_id));
        }
        Fault::ControlCharacters => {
            info["org_id_to_org_info"] = json!({
                "org-1": {
                    "org_id": "org-1",
                    "org_name": HOSTILE_ORG_NAME,
                    "user_role": "Admin\u{1b}[8m",
                },
            });
        }
        _ => {}
    }
    for (name, value) in lock(&s.extra_userinfo).iter() {
        info[name.as_str()] = value.clone();
    }
    Json(info).into_response()
}
