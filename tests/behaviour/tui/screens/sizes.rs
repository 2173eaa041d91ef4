//! The screens at 60x20, 80x24 and 200x60.

use super::*;

/// Every screen and popup at the smallest, the usual and a large size,
/// footer included; below the smallest, it says how big it needs to be.
#[tokio::test]
async fn snapshots_at_60x20_80x24_and_200x60() {
    let demo = Demo::start().await;
    let session = demo.sign_in("alice").await;
    for (name, dashboard, keys) in STATES {
        // On the dashboard, from Organizations: the profile's claims carry
        // random values and times that wrap differently at each width.
        let keys: Vec<KeyCode> = if *name == "organizations list" {
            vec![KeyCode::Char('2'), KeyCode::Enter]
        } else if *dashboard {
            std::iter::once(KeyCode::Char('2'))
                .chain(keys.iter().copied())
                .collect()
        } else {
            keys.to_vec()
        };
        let model = state(&demo, &session, *dashboard, &keys);
        for (w, h) in [(60, 20), (80, 24), (200, 60)] {
            let text = render_sized(&model, w, h);
            let name = format!("sized_{}_{w}x{h}", name.replace(' ', "_"));
            assert_screen_text!(name.as_str(), text);
        }
    }
    // The device screen, with a code of our own: nothing to redact but
    // the port.
    let model = device_screen(
        &demo,
        authdash::tui::model::DeviceCode {
            user_code: "WDJB-MJHT".into(),
            verification_uri: "https://idp.example/device".into(),
            verification_uri_complete: Some(
                "https://idp.example/device?user_code=WDJB-MJHT".into(),
            ),
            expires_at: fixed_now() + TimeDelta::minutes(10),
            poll: Some(authdash::tui::model::PollView::Waiting {
                next_at: fixed_now() + TimeDelta::seconds(6),
            }),
        },
    );
    for (w, h) in [(60, 20), (80, 24), (200, 60)] {
        let text = render_sized(&model, w, h);
        assert!(text.contains("WDJB-MJHT"), "{text}");
        assert!(text.contains("expires in 10 min"), "{text}");
        assert_screen_text!(format!("sized_device_{w}x{h}").as_str(), text);
    }
    // The account switcher, two accounts stored.
    let mut model = state(&demo, &session, true, &[]);
    let entry = |who: &str, subject: &str, active: bool| authdash::tui::model::AccountEntry {
        id: AccountId {
            issuer: session.issuer.clone(),
            subject: subject.into(),
            client_id: session.client_id.clone(),
        },
        who: who.into(),
        provider_label: "authdash demo provider".into(),
        active,
    };
    model.accounts = vec![
        entry("alice@example.com", &session.user.subject, true),
        entry("bob@example.com", "bob", false),
    ];
    model.popup = Some(Popup::Accounts {
        selected: 1,
        filter: Default::default(),
    });
    for (w, h) in [(60, 20), (80, 24), (200, 60)] {
        let text = render_sized(&model, w, h);
        assert!(text.contains("bob@example.com"), "{text}");
        assert_screen_text!(format!("sized_accounts_{w}x{h}").as_str(), text);
    }
    let model = state(&demo, &session, true, &[]);
    let small = render_sized(&model, 59, 19);
    assert!(small.contains("authdash needs at least 60x20"), "{small}");
    assert!(small.contains("this terminal is 59x19"), "{small}");
}
