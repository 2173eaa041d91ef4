use super::*;
use crate::cli::doctor::Status;
use serde_json::json;

#[test]
fn skew_thresholds() {
    let rtt = Duration::from_millis(20);
    assert_eq!(judge_skew("p", 0, rtt).status, Status::Ok);
    assert_eq!(judge_skew("p", -30, rtt).status, Status::Ok);
    assert_eq!(judge_skew("p", 90, rtt).status, Status::Warn);
    let fail = judge_skew("p", -600, rtt);
    assert_eq!(fail.status, Status::Fail);
    assert!(fail.detail.contains("behind"), "{}", fail.detail);
    assert!(fail.fix.unwrap().contains("timedatectl"));
}

#[test]
fn keys_against_algorithms() {
    let url = Url::parse("https://op.example/jwks").unwrap();
    let rsa = json!({"kty": "RSA", "kid": "a", "use": "sig", "n": "x", "e": "AQAB"});
    let enc = json!({"kty": "RSA", "kid": "b", "use": "enc", "n": "x", "e": "AQAB"});
    let ec = json!({"kty": "EC", "crv": "P-256", "kid": "c", "x": "x", "y": "y"});
    let algs = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let check = |keys: Vec<Value>, a: &[&str], secret| {
        judge_keys("p", "keys", &url, &keys, &algs(a), secret).status
    };
    assert_eq!(check(vec![rsa.clone()], &["RS256"], false), Status::Ok);
    assert_eq!(check(vec![], &["RS256"], false), Status::Fail);
    assert_eq!(check(vec![enc.clone()], &["RS256"], false), Status::Fail);
    assert_eq!(check(vec![rsa.clone()], &["ES256"], false), Status::Fail);
    assert_eq!(check(vec![ec, enc], &["ES256"], false), Status::Ok);
    assert_eq!(check(vec![rsa.clone()], &["HS256"], true), Status::Ok);
    assert_eq!(check(vec![rsa], &["HS256"], false), Status::Fail);
}
