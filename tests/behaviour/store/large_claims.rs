//! A person's claims grow with their organizations: the demo's generated
//! `orgs10000` gets a 4 MB userinfo answer. The 1 MiB cap on a provider's
//! answers refuses it by default and says which setting raises it; raised
//! (as the demo's config does), the login goes through and every
//! organization arrives.

use crate::support;

use authdash::demo::{DemoProvider, DemoSettings, config_toml};
use support::browser;
use support::home::{Home, try_login_asking};

/// The demo config with its `provider_body_cap_mib` set to `mib`, or left
/// out (the default, 1 MiB) for `None`.
fn with_cap(toml: &str, mib: Option<u32>) -> String {
    let line = "provider_body_cap_mib = 8\n";
    assert!(toml.contains(line), "the demo config raises the cap");
    let set = mib.map_or(String::new(), |m| format!("provider_body_cap_mib = {m}\n"));
    toml.replacen(line, &set, 1)
}

async fn log_in_orgs10000(home: &Home, toml: &str) -> Result<usize, String> {
    let config = home.config("a.toml", toml);
    let service = home.service(&config);
    try_login_asking(&service, Vec::new(), |url| async move {
        // The provider's side completes whatever authdash makes of it.
        let _ = browser::sign_in(&url, "orgs10000").await;
    })
    .await
    .map(|session| session.user.orgs.len())
}

#[tokio::test(flavor = "multi_thread")]
async fn ten_thousand_orgs_need_the_cap_raised_and_then_all_arrive() {
    let demo = DemoProvider::start(DemoSettings::default()).await.unwrap();
    let toml = config_toml(demo.issuer_str());

    let refused = log_in_orgs10000(&Home::new(), &with_cap(&toml, None))
        .await
        .expect_err("over the default 1 MiB cap");
    assert!(refused.contains("larger than the 1 MiB cap"), "{refused}");
    assert!(refused.contains("provider_body_cap_mib"), "{refused}");

    let orgs = log_in_orgs10000(&Home::new(), &toml)
        .await
        .expect("the demo's 8 MiB holds 10,000 organizations");
    assert_eq!(orgs, 10_000);
}

/// The setting is bounded: a cap of nothing, or one that would defeat the
/// point, is said with the key and the range.
#[test]
fn the_cap_is_bounded() {
    for mib in [0, 17] {
        let text = with_cap(&config_toml("http://127.0.0.1:9"), Some(mib));
        let err = authdash::config::Config::parse(std::path::Path::new("a.toml"), &text, &|_| None)
            .expect_err("out of range")
            .to_string();
        assert!(err.contains("authdash.provider_body_cap_mib"), "{err}");
        assert!(err.contains("from 1 to 16"), "{err}");
    }
}
