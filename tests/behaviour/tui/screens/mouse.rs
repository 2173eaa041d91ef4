//! Clicks pick navigation entries, rows and menu items.

use super::*;

/// A click picks a navigation entry, an organization row and a menu item;
/// the mouse is never captured on the login screen.
#[tokio::test]
async fn clicks_pick_navigation_entries_rows_and_menu_items() {
    let demo = Demo::start().await;
    let login = demo.model(fixed_now());
    assert!(
        !login.wants_mouse(),
        "capture stays off on the login screen"
    );
    let mut model = demo.dashboard("alice").await;
    assert!(model.wants_mouse());
    // Rows: header 2, the list's border 1, then Profile, Organizations…
    click(&mut model, 5, 5);
    assert_eq!(dash(&model).nav, 2, "Session");
    click(&mut model, 5, 4);
    assert_eq!(dash(&model).nav, 1, "Organizations");
    // The second organization: the second row below the list's border.
    click(&mut model, 40, 4);
    assert_eq!(dash(&model).orgs.selected, 1);
    assert_eq!(dash(&model).focus, Focus::Content);
    // The menu's last item, Quit.
    press(&mut model, KeyCode::Char('m'));
    let quit_row = render(&model)
        .lines()
        .position(|l| l.contains(" Quit "))
        .expect("the menu shows Quit") as u16;
    click(&mut model, WIDTH / 2, quit_row);
    assert!(model.quit, "Quit clicked");
    // `M` lets go of the mouse.
    let mut model = demo.dashboard("alice").await;
    press(&mut model, KeyCode::Char('M'));
    assert!(!model.wants_mouse());
    assert!(click(&mut model, 5, 5).is_empty());
    assert_eq!(dash(&model).nav, 0);
}
