//! A login round trip against the demo provider on loopback, from the
//! callback request arriving to the dashboard model ready, and authdash's
//! own share of it: the round trip less the time spent waiting for the
//! provider's answers (token, JWKS refetch, userinfo), which the provider's
//! HTTP client adds up (`ProviderHttp::waited`). The demo provider runs in
//! this process, so its work (signing, building claims) is in the wait.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use authdash::auth::{FlowEnvironment, FlowPreference, Os};
use authdash::config::Config;
use authdash::demo::{DemoProvider, DemoSettings};
use authdash::session::{LoginEvent, LoginRequest, SessionService, SessionSetup};
use authdash::store::{FileStore, KeySource};
use authdash::tui::model::Model;
use authdash::tui::update::enter_dashboard;
use criterion::Criterion;

use super::figures::{self, Budget, Unit};

#[allow(dead_code)]
#[path = "../../tests/support/browser.rs"]
mod browser;

/// Who logs in: a demo user, and how many orgs they are in.
const USERS: &[(&str, &str)] = &[
    ("alice", "2 orgs"),
    ("orgs10", "10 orgs"),
    ("orgs1000", "1,000 orgs"),
    // orgs10000 is left out: its userinfo answer passes the 1 MiB cap on
    // provider answers (`PROVIDER_BODY_CAP`), so its login is refused.
];

const OWN_SHARE_BUDGET: Duration = Duration::from_millis(3);
/// Every wait for the provider or the login is bounded.
const BOUND: Duration = Duration::from_secs(30);

struct Bench {
    _provider: DemoProvider,
    _home: tempfile::TempDir,
    config: Config,
    service: SessionService,
    /// The browser's client for the callback request.
    browser: reqwest::Client,
}

async fn start() -> Bench {
    let provider = DemoProvider::start(DemoSettings::default())
        .await
        .unwrap_or_else(|e| panic!("the demo provider: {e}"));
    let config = Config::parse(
        Path::new("demo.toml"),
        &authdash::demo::config_toml(provider.issuer_str()),
        &|_| None,
    )
    .unwrap_or_else(|e| panic!("the demo config: {e}"));
    let home = tempfile::tempdir().unwrap_or_else(|e| panic!("a temp dir: {e}"));
    let data_dir = home.path().join("data");
    std::fs::create_dir(&data_dir).unwrap_or_else(|e| panic!("the data dir: {e}"));
    #[cfg(unix)]
    std::fs::set_permissions(
        &data_dir,
        std::os::unix::fs::PermissionsExt::from_mode(0o700),
    )
    .unwrap_or_else(|e| panic!("the data dir made private: {e}"));
    let store = FileStore::new(&data_dir, KeySource::KeyFile(data_dir.join("key")));
    let service = SessionService::new(SessionSetup {
        config: config.clone(),
        store_path: store.path(),
        store: Arc::new(store),
        data_dir,
        // "Opening the browser" runs `true`: the bench plays the browser.
        browser_var: Some("true".into()),
        discovery_cache: None,
    });
    Bench {
        _provider: provider,
        _home: home,
        config,
        service,
        browser: browser::client(),
    }
}

/// One login as `user`: (round trip, of which waiting for the provider).
async fn login_once(bench: &Bench, user: &'static str) -> (Duration, Duration) {
    let provider = bench
        .service
        .provider("demo")
        .await
        .unwrap_or_else(|e| panic!("discovery: {e}"));
    let (url_tx, url_rx) = tokio::sync::oneshot::channel();
    let url_tx = Mutex::new(Some(url_tx));
    let events = move |event: LoginEvent| {
        if let LoginEvent::BrowserUrl { url, .. } = event
            && let Some(tx) = url_tx.lock().unwrap_or_else(|p| p.into_inner()).take()
        {
            let _ = tx.send(url);
        }
    };
    // The instant the callback request leaves the browser, and the
    // provider wait so far.
    let mark: Arc<Mutex<Option<(Instant, Duration)>>> = Arc::default();
    let person = {
        let mark = mark.clone();
        let provider = provider.clone();
        let browser = bench.browser.clone();
        tokio::spawn(async move {
            let url = url_rx.await.unwrap_or_else(|_| panic!("no login URL"));
            let callback = browser::authorize_redirect(&url, user)
                .await
                .unwrap_or_else(|e| panic!("sign-in: {e}"));
            *mark.lock().unwrap_or_else(|p| p.into_inner()) =
                Some((Instant::now(), provider.http().waited()));
            // A client made beforehand: making one (loading the OS's
            // roots) is the browser's time, not authdash's.
            let answer = browser
                .get(callback)
                .send()
                .await
                .unwrap_or_else(|e| panic!("the callback: {e}"));
            assert!(
                answer.status().is_success(),
                "the callback answered {}",
                answer.status()
            );
        })
    };
    let request = LoginRequest {
        provider: None,
        flow: Some(FlowPreference::Browser),
        environment: FlowEnvironment::from_vars(Os::current(), false, &|_| None),
        add_account: false,
        paste: Default::default(),
        scopes: Vec::new(),
    };
    // The model exists before the login ends, as in the app.
    let mut model = Model::new(&bench.config, chrono::Utc::now());
    let logged_in = tokio::time::timeout(BOUND, bench.service.login(request, &events))
        .await
        .unwrap_or_else(|_| panic!("the login did not end in {BOUND:?}"))
        .unwrap_or_else(|e| panic!("the login: {e}"));
    let _commands = enter_dashboard(&mut model, logged_in.session);
    let ended = Instant::now();
    let waited_end = provider.http().waited();
    let Some((started, waited_start)) = *mark.lock().unwrap_or_else(|p| p.into_inner()) else {
        panic!("the login ended before its callback");
    };
    person
        .await
        .unwrap_or_else(|e| panic!("the browser side: {e}"));
    if let Err(e) = logged_in.saved {
        panic!("the session was not stored: {e}");
    }
    (ended - started, waited_end.saturating_sub(waited_start))
}

pub fn round_trip(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("a runtime: {e}"));
    let bench = runtime.block_on(start());
    let mut group = c.benchmark_group("login");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    for &(user, label) in USERS {
        let own = format!("login own share ({label})");
        let total = format!("login round trip ({label}; reported)");
        group.bench_function(format!("own share/{label}"), |b| {
            b.iter_custom(|iterations| {
                runtime.block_on(async {
                    let mut sum = Duration::ZERO;
                    for _ in 0..iterations {
                        let (round_trip, waited) = login_once(&bench, user).await;
                        let mine = round_trip.saturating_sub(waited);
                        figures::record(&own, Budget::AtMost(OWN_SHARE_BUDGET), Unit::Time, mine);
                        figures::record(&total, Budget::Reported, Unit::Time, round_trip);
                        sum += mine;
                    }
                    sum
                })
            })
        });
    }
    group.finish();
}
