use super::*;

fn grant() -> Continuation {
    Continuation {
        user: "alice".into(),
        scope: "openid".into(),
        auth_time: Utc::now(),
        family: random_token(),
    }
}

#[test]
fn tokens_are_long_and_distinct() {
    let a = random_token();
    assert_eq!(a.len(), 43);
    assert_ne!(a, random_token());
}

#[test]
fn rotation_then_replay_revokes_family() {
    let mut store = Store::default();
    let issued = store.issue(&grant(), Duration::from_secs(60), true);
    let old = issued.refresh_token.expect("refresh token");
    let cont = store.use_refresh(&old, true).expect("first use");
    let next = store.issue(&cont, Duration::from_secs(60), true);
    assert_eq!(
        store.use_refresh(&old, true).err(),
        Some(RefreshRefusal::Reused)
    );
    let newer = next.refresh_token.expect("refresh token");
    assert_eq!(
        store.use_refresh(&newer, true).err(),
        Some(RefreshRefusal::Revoked)
    );
    assert!(store.access(&next.access_token).is_none());
}

#[test]
fn user_codes_are_unambiguous_and_normalized() {
    for _ in 0..100 {
        let code = random_user_code();
        assert_eq!(code.len(), 9);
        assert_eq!(&code[4..5], "-");
        assert!(
            code.bytes()
                .filter(|b| *b != b'-')
                .all(|b| USER_CODE_ALPHABET.contains(&b)),
            "{code}"
        );
        assert_eq!(normalize_user_code(&code).as_deref(), Some(code.as_str()));
    }
    assert_eq!(
        normalize_user_code(" bcdf ghjk").as_deref(),
        Some("BCDF-GHJK")
    );
    assert_eq!(
        normalize_user_code("bcdfghjk").as_deref(),
        Some("BCDF-GHJK")
    );
    assert_eq!(normalize_user_code("BCDF-GHJA"), None, "a vowel");
    assert_eq!(normalize_user_code("BCDF-GHJ0"), None, "a digit");
    assert_eq!(normalize_user_code("BCDF-GHJ"), None, "too short");
}

#[test]
fn device_code_lifecycle() {
    let secs = Duration::from_secs;
    let mut store = Store::default();
    let issued = store.add_device("openid".into(), secs(60), secs(0), secs(0), 1);
    assert_eq!(store.poll_device(&issued.device_code), DevicePoll::Pending);
    assert_eq!(
        store.user_code_state(&issued.user_code),
        UserCodeState::Pending
    );
    assert!(store.answer_device(&issued.user_code, Some("alice")));
    assert!(
        !store.answer_device(&issued.user_code, None),
        "answered once"
    );
    assert_eq!(
        store.user_code_state(&issued.user_code),
        UserCodeState::Unusable
    );
    match store.poll_device(&issued.device_code) {
        DevicePoll::Approved(c) => assert_eq!(c.user, "alice"),
        other => panic!("{other:?}"),
    }
    assert_eq!(store.poll_device(&issued.device_code), DevicePoll::Unknown);

    let denied = store.add_device("openid".into(), secs(60), secs(0), secs(0), 1);
    assert!(store.answer_device(&denied.user_code, None));
    assert_eq!(store.poll_device(&denied.device_code), DevicePoll::Denied);

    let expired = store.add_device("openid".into(), Duration::ZERO, secs(0), secs(0), 1);
    assert_eq!(store.poll_device(&expired.device_code), DevicePoll::Expired);
    assert_eq!(
        store.user_code_state(&expired.user_code),
        UserCodeState::Unusable
    );
}

#[test]
fn polling_too_fast_slows_the_code_down() {
    let secs = Duration::from_secs;
    let mut store = Store::default();
    let issued = store.add_device("openid".into(), secs(60), secs(1), secs(1), 1);
    assert_eq!(store.poll_device(&issued.device_code), DevicePoll::Pending);
    assert_eq!(store.poll_device(&issued.device_code), DevicePoll::SlowDown);
    assert_eq!(store.device_interval(&issued.device_code), Some(secs(6)));
    assert_eq!(store.poll_device(&issued.device_code), DevicePoll::SlowDown);
    assert_eq!(store.device_interval(&issued.device_code), Some(secs(11)));
}

/// A sped-up demo measures the gaps that many times shorter, and still
/// advertises and grows the interval in whole seconds.
#[test]
fn a_sped_up_code_measures_its_gaps_shorter() {
    let secs = Duration::from_secs;
    let mut store = Store::default();
    let issued = store.add_device("openid".into(), secs(60), secs(1), secs(1), 20);
    assert_eq!(store.poll_device(&issued.device_code), DevicePoll::Pending);
    assert_eq!(store.poll_device(&issued.device_code), DevicePoll::SlowDown);
    assert_eq!(store.device_interval(&issued.device_code), Some(secs(6)));
    // 6 s at twenty times: 0.3 s.
    std::thread::sleep(Duration::from_millis(320));
    assert_eq!(store.poll_device(&issued.device_code), DevicePoll::Pending);
    assert_eq!(store.poll_device(&issued.device_code), DevicePoll::SlowDown);
    assert_eq!(store.device_interval(&issued.device_code), Some(secs(11)));
}

#[test]
fn expired_access_token_is_pruned() {
    let mut store = Store::default();
    let issued = store.issue(&grant(), Duration::ZERO, false);
    assert!(store.access(&issued.access_token).is_none());
}
