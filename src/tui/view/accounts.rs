//! The stored accounts on the login screen, above the ways to log in:
//! the account whose session just ended (Enter logs in again) and every
//! other stored one (Enter switches to it, no new login).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, HighlightSpacing, List, ListItem, ListState};
use unicode_width::UnicodeWidthStr;

use super::text::truncate;
use crate::identity::visible;
use crate::tui::model::{LoginScreen, Model, Offer};
use crate::tui::theme;

/// Draw the accounts at the top of `area`; the rest of it is returned for
/// the ways to log in. Nothing is drawn (all of `area` returned) when no
/// account is stored or a login is under way.
pub(crate) fn draw_offers(
    frame: &mut Frame,
    area: Rect,
    model: &Model,
    login: &LoginScreen,
) -> Rect {
    let offers = model.login_offers(login);
    if offers.is_empty() {
        return area;
    }
    // Never more than half the screen: the ways to log in stay in view.
    let height = (offers.len() as u16 + 2).min(area.height / 2).max(3);
    let [top, rest] =
        Layout::vertical([Constraint::Length(height), Constraint::Min(1)]).areas(area);
    let focused = login.offers.selected.is_some();
    let what = |o: &Offer| match o {
        Offer::Again(_) => "log in again",
        Offer::Switch(_) => "switch to it",
    };
    // Columns: who, what Enter does, the provider (dim, dropped first).
    let room = usize::from(top.width.saturating_sub(4));
    let who_width = offers
        .iter()
        .map(|o| visible(&o.entry().who).width())
        .max()
        .unwrap_or(0)
        .min(room.saturating_sub(14));
    let items: Vec<ListItem> = offers
        .iter()
        .map(|o| {
            let who = truncate(&visible(&o.entry().who), who_width);
            let pad = who_width.saturating_sub(who.width());
            let used = who_width + 2 + what(o).width() + 2;
            let label = truncate(&o.entry().provider_label, room.saturating_sub(used));
            ListItem::new(Line::from(vec![
                Span::raw(format!("{who}{}  ", " ".repeat(pad))),
                Span::styled(what(o), theme::key()),
                Span::styled(format!("  {label}"), theme::dim()),
            ]))
        })
        .collect();
    let mut state = ListState::default().with_selected(login.offers.selected);
    frame.render_stateful_widget(
        List::new(items)
            .block(
                Block::new()
                    .borders(Borders::ALL)
                    .border_style(theme::border(focused))
                    .title(Span::styled(" Your accounts ", theme::title())),
            )
            .highlight_style(theme::selected(focused))
            .highlight_symbol("› ")
            .highlight_spacing(HighlightSpacing::Always),
        top,
        &mut state,
    );
    rest
}
