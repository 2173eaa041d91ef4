//! Text from the provider (claims, org names, errors, device codes) is
//! drawn visible, never as control characters.

use super::*;

const CLEAR: &str = "\u{1b}[2J";
const SHOWN_CLEAR: &str = "\\u{1b}[2J";

/// The screen holds the escape written out, and no raw ESC or bidi override.
fn assert_drawn_visible(screen: &str, what: &str, shown: &[&str]) {
    for s in shown {
        assert!(screen.contains(s), "{what}: `{s}` not drawn:\n{screen}");
    }
    assert!(!screen.contains('\u{1b}'), "{what}: a raw ESC:\n{screen}");
    assert!(
        !screen.contains('\u{202e}'),
        "{what}: a raw bidi override:\n{screen}"
    );
}

/// A provider whose claims, org names and error texts hold terminal
/// escapes and bidi overrides: the dashboard draws them as `\u{..}`.
#[tokio::test]
async fn claims_and_org_names_with_control_characters_are_drawn_visible() {
    let demo = Demo::start().await;
    let mut model = demo.dashboard("alice").await;
    if let Screen::Dashboard(d) = &mut model.screen {
        let mut altered = (*d.session).clone();
        let s = &mut altered;
        let name = format!("Alice{CLEAR}");
        for claims in std::iter::once(&mut s.id_claims).chain(s.userinfo.as_mut()) {
            claims.insert("name".into(), serde_json::Value::String(name.clone()));
            claims.insert(
                "a\u{9b}31m".into(),
                serde_json::Value::String("evil\u{202e}gpj.exe".into()),
            );
        }
        s.user.name = Some(name);
        s.user.email = Some(format!("alice{CLEAR}@example.com"));
        for org in &mut s.user.orgs {
            org.org_name = format!("{}\u{202e}{CLEAR}", org.org_name);
        }
        s.user.subject = format!("sub{CLEAR}");
        // As a renewal brings new claims: the Profile text is made again.
        d.replace_session(altered.into());
    }
    let profile = render_sized(&model, 140, 60);
    assert_drawn_visible(
        &profile,
        "profile and header",
        &[
            &format!("Alice{SHOWN_CLEAR}"),
            &format!("alice{SHOWN_CLEAR}@example.com"),
            "evil\\u{202e}gpj.exe",
            "a\\u{9b}31m",
            &format!("name                Alice{SHOWN_CLEAR}"),
            &format!("Acme\\u{{202e}}{SHOWN_CLEAR}"),
        ],
    );
    assert!(!profile.contains('\u{9b}'), "a raw C1 CSI:\n{profile}");

    press(&mut model, KeyCode::Down);
    let orgs = render_sized(&model, 140, HEIGHT);
    assert_drawn_visible(
        &orgs,
        "organizations",
        &[&format!("Globex\\u{{202e}}{SHOWN_CLEAR}")],
    );

    press(&mut model, KeyCode::Down);
    let session = render_sized(&model, 140, HEIGHT);
    assert_drawn_visible(&session, "session", &[&format!("sub{SHOWN_CLEAR}")]);

    model.toast = Some(authdash::tui::model::Toast {
        level: Level::Error,
        text: format!("the provider said: boom{CLEAR}"),
    });
    let toast = render_sized(&model, 140, HEIGHT);
    assert_drawn_visible(&toast, "toast", &[&format!("boom{SHOWN_CLEAR}")]);
}

/// A provider's error description and device-flow fields holding escapes.
#[tokio::test]
async fn login_errors_and_device_codes_with_control_characters_are_drawn_visible() {
    let demo = Demo::start().await;
    let mut model = demo.model(fixed_now());
    model.providers[0].lookup = Lookup::Failed(format!("discovery said {CLEAR}no"));
    if let Screen::Login(login) = &mut model.screen {
        login.notice = Some(Notice {
            level: Level::Error,
            text: format!("access_denied: go away{CLEAR}"),
        });
    }
    let screen = render(&model);
    assert_drawn_visible(
        &screen,
        "login",
        &[
            &format!("discovery said {SHOWN_CLEAR}no"),
            &format!("go away{SHOWN_CLEAR}"),
        ],
    );

    let provider = demo.config.providers[0].name.clone();
    if let Screen::Login(login) = &mut model.screen {
        login.pending = Some(authdash::tui::model::PendingLogin {
            provider,
            generation: 0,
            started: fixed_now(),
            flow: PendingFlow::Device(Some(authdash::tui::model::DeviceCode {
                user_code: format!("AB{CLEAR}"),
                verification_uri: format!("https://idp.example/device\u{202e}{CLEAR}"),
                verification_uri_complete: None,
                expires_at: fixed_now() + TimeDelta::minutes(5),
                poll: None,
            })),
            add_account: false,
        });
    }
    let screen = render_sized(&model, 140, 40);
    assert_drawn_visible(
        &screen,
        "device login",
        &[
            "https://idp.example/device\\u{202e}\\u{1b}[2J",
            "A B \\ u { 1 b } [ 2 J",
        ],
    );
}
