use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState, Paragraph, Wrap};

use super::dashboard::content_block;
use crate::identity::{OrgMembership, visible};
use crate::tui::model::{Dashboard, Model};
use crate::tui::theme;

/// The filter line, the list and the selected org's details, inside the
/// panel's border.
fn areas(area: Rect) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(3),
        Constraint::Length(5),
    ])
    .areas(content_block("", false).inner(area))
}

/// Where the list's rows are when the Organizations panel fills `area`
/// (the mouse finds the row clicked with it).
pub fn list_area(area: Rect) -> Rect {
    areas(area)[1]
}

/// The first org drawn in a list of `rows` rows: the top until the
/// selection would fall below the last row, then the selection on the
/// last row (as a fresh `ListState` scrolls).
pub fn first_visible(selected: usize, rows: usize) -> usize {
    (selected + 1).saturating_sub(rows.max(1))
}

pub fn draw(frame: &mut Frame, area: Rect, _model: &Model, dash: &Dashboard, focused: bool) {
    let block = content_block("Organizations", focused);
    frame.render_widget(block, area);
    let [filter_area, list_area, detail_area] = areas(area);

    let filter_line = if dash.orgs.editing {
        Line::from(vec![
            Span::styled("Filter: ", theme::key()),
            Span::raw(visible(&dash.orgs.filter).into_owned()),
            Span::styled("▏", theme::key()),
            Span::styled("   Enter choose · Esc done", theme::dim()),
        ])
    } else if dash.orgs.filter.is_empty() {
        Line::styled(
            "/ to filter · Enter makes the selected org active",
            theme::dim(),
        )
    } else {
        Line::from(vec![
            Span::styled("Filter: ", theme::dim()),
            Span::raw(visible(&dash.orgs.filter).into_owned()),
            Span::styled("   (/ to edit, Esc to clear)", theme::dim()),
        ])
    };
    frame.render_widget(Paragraph::new(filter_line), filter_area);

    let count = dash.filtered_count();
    if dash.session.user.orgs.is_empty() {
        frame.render_widget(
            Paragraph::new("You are not a member of any organization.").style(theme::dim()),
            list_area,
        );
        return;
    }
    if count == 0 {
        frame.render_widget(
            Paragraph::new(format!(
                "No organization matches “{}”.",
                visible(&dash.orgs.filter)
            ))
            .style(theme::dim()),
            list_area,
        );
        return;
    }
    // Only the rows that fit are made: a person in 10,000 orgs costs a
    // screenful per frame, not 10,000 lines.
    let selected = dash.orgs.selected.min(count - 1);
    let rows = usize::from(list_area.height);
    let first = first_visible(selected, rows);
    let items: Vec<ListItem> = (first..count.min(first + rows))
        .filter_map(|i| dash.filtered_org(i))
        .map(|o| org_line(dash, o))
        .collect();
    let mut state = ListState::default().with_selected(Some(selected - first));
    frame.render_stateful_widget(
        List::new(items).highlight_style(theme::selected(focused)),
        list_area,
        &mut state,
    );
    if let Some(o) = dash.filtered_org(selected) {
        let perms = if o.permissions.is_empty() {
            "none".to_owned()
        } else {
            o.permissions.join(", ")
        };
        let lines = vec![
            Line::from(vec![
                Span::styled("Role: ", theme::dim()),
                Span::raw(visible(&o.roles().collect::<Vec<_>>().join(", ")).into_owned()),
                Span::styled("   id: ", theme::dim()),
                Span::raw(visible(&o.org_id).into_owned()),
            ]),
            Line::from(vec![
                Span::styled("Permissions: ", theme::dim()),
                Span::raw(visible(&perms).into_owned()),
            ]),
        ];
        frame.render_widget(
            Paragraph::new(lines).wrap(Wrap { trim: false }),
            detail_area,
        );
    }
}

fn org_line<'a>(dash: &Dashboard, o: &'a OrgMembership) -> ListItem<'a> {
    let active = dash.active_org.as_deref() == Some(o.org_id.as_str());
    ListItem::new(Line::from(vec![
        Span::styled(if active { "● " } else { "  " }, theme::ok()),
        Span::raw(format!("{:<20}", visible(&o.org_name))),
        Span::styled(
            visible(&o.roles().collect::<Vec<_>>().join(", ")).into_owned(),
            theme::key(),
        ),
    ]))
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::layout::Rect;

    use crate::auth::{Session, TokenSet};
    use crate::identity::{OrgMembership, User};
    use crate::tui::model::{Focus, Model, NavItem, Screen};
    use crate::tui::update::enter_dashboard;

    const ORGS: usize = 10_000;

    fn session(count: usize) -> Session {
        let orgs = (0..count)
            .map(|i| OrgMembership {
                org_id: format!("id-{i:05}"),
                org_name: format!("Org {i:05}"),
                url_safe_org_name: None,
                org_metadata: Default::default(),
                role: "Member".into(),
                additional_roles: Vec::new(),
                inherited_roles: None,
                permissions: Vec::new(),
                role_structure: Default::default(),
            })
            .collect();
        Session {
            provider: "demo".into(),
            issuer: "http://127.0.0.1:1".into(),
            client_id: "authdash-demo".into(),
            tokens: TokenSet {
                access_token: "a".to_owned().into(),
                refresh_token: None,
                id_token: "i".to_owned().into(),
                expires_at: None,
                scopes: Vec::new(),
            },
            id_claims: Default::default(),
            userinfo: None,
            user: User {
                subject: "someone".into(),
                email: None,
                email_verified: None,
                name: Some("Some One".into()),
                picture: None,
                orgs,
                claims: Default::default(),
            },
            logged_in_at: Utc::now(),
            refreshed_at: None,
            unverified: None,
        }
    }

    /// The dashboard on Organizations, the list focused, `selected` chosen.
    fn model(selected: usize) -> Model {
        let config = crate::config::Config::parse(
            std::path::Path::new("demo.toml"),
            &crate::demo::config_toml("http://127.0.0.1:1"),
            &|_| None,
        )
        .expect("the demo config parses");
        let mut model = Model::new(&config, Utc::now());
        let _ = enter_dashboard(&mut model, session(ORGS));
        let nav = model
            .nav_items()
            .iter()
            .position(|i| *i == NavItem::Organizations)
            .expect("an Organizations entry");
        let Screen::Dashboard(dash) = &mut model.screen else {
            panic!("the dashboard");
        };
        dash.nav = nav;
        dash.focus = Focus::Content;
        dash.orgs.selected = selected;
        model
    }

    fn screen(model: &Model) -> String {
        let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("a test terminal");
        terminal
            .draw(|frame| super::super::draw(frame, model))
            .expect("draw");
        terminal.backend().to_string()
    }

    #[test]
    fn the_selected_org_far_down_a_long_list_is_drawn() {
        let model = model(9_000);
        let text = screen(&model);
        assert!(
            text.contains("Org 09000"),
            "the selection is on screen:\n{text}"
        );
        assert!(text.contains("id: id-09000"), "its details too");
        assert!(!text.contains("Org 00001"), "the top has scrolled away");
        assert!(!text.contains("Org 09001"), "the selection is the last row");

        let top = screen(&self::model(3));
        assert!(top.contains("Org 00000") && top.contains("Org 00003"));

        // Past the end: the last org, as the keys would clamp it.
        let end = screen(&self::model(ORGS + 5));
        assert!(end.contains("Org 09999") && end.contains("id: id-09999"));
    }

    #[test]
    fn a_click_on_a_scrolled_list_picks_the_org_drawn_there() {
        let mut model = model(9_000);
        let text = screen(&model);
        // The row drawn with Org 08995 on it.
        let row = text
            .lines()
            .position(|l| l.contains("Org 08995"))
            .expect("Org 08995 is drawn");
        let column = text.lines().nth(row).and_then(|l| l.find("Org 08995"));
        let click = MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: u16::try_from(column.expect("its column")).expect("a column") - 1,
            row: u16::try_from(row).expect("a row"),
            modifiers: KeyModifiers::NONE,
        };
        crate::tui::mouse::handle(&mut model, Rect::new(0, 0, 200, 60), click);
        let dash = model.dashboard().expect("the dashboard");
        assert_eq!(
            dash.filtered_org(dash.orgs.selected)
                .map(|o| o.org_name.as_str()),
            Some("Org 08995")
        );
    }
}
