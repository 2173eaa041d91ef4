//! The neutral HTTP module's rules.

use url::Url;

use super::*;

#[test]
fn plain_http_only_from_and_to_this_machine() {
    let url = |s: &str| Url::parse(s).unwrap();
    let cases = [
        (false, "https://id.example/token", true),
        (true, "https://id.example/token", true),
        (true, "http://127.0.0.1:8080/token", true),
        (true, "http://[::1]:8080/token", true),
        (true, "http://localhost/token", true),
        // A loopback provider cannot send us to plain http elsewhere…
        (true, "http://evil.example/token", false),
        // …nor a remote one to plain http on this machine, where any
        // local process could be listening.
        (false, "http://127.0.0.1:8080/token", false),
        (false, "http://id.example/token", false),
        (true, "ftp://127.0.0.1/token", false),
    ];
    for (provider_loopback, u, ok) in cases {
        let got = require_secure_from(provider_loopback, "token_endpoint", &url(u));
        assert_eq!(got.is_ok(), ok, "{provider_loopback} {u}: {got:?}");
        if let Err(e) = got {
            let text = e.to_string();
            assert!(
                text.contains("token_endpoint") && text.contains(u),
                "{text}"
            );
        }
    }
}

#[tokio::test]
async fn an_unreachable_server_is_said_in_one_short_line() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = closed.local_addr().expect("its address").port();
    drop(closed);
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("a client");
    let error = client
        .get(format!("http://127.0.0.1:{port}/token?code=SECRET"))
        .send()
        .await
        .expect_err("nothing listens there");
    let text = describe(error);
    assert_eq!(
        text,
        format!("cannot reach 127.0.0.1:{port}: connection refused")
    );
    assert!(!text.contains("SECRET"));
}

#[test]
fn caps_are_said_in_human_units() {
    assert_eq!(cap_text(PROVIDER_BODY_CAP), "1 MiB");
    assert_eq!(cap_text(4 * 1024 * 1024), "4 MiB");
    assert_eq!(cap_text(512 * 1024), "512 KiB");
    assert_eq!(cap_text(1000), "1000 bytes");
    let e = BodyError::TooLarge { cap: 2 << 20 };
    assert_eq!(
        e.to_string(),
        "the answer is larger than the 2 MiB cap; authdash stopped reading it"
    );
}
