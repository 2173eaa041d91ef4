//! Drawing, from the model only: nothing here does I/O.

mod accounts;
mod chart;
mod confirm;
mod dashboard;
mod device;
mod footer;
mod header;
mod help;
mod inspector;
mod layout;
mod login;
mod login_parts;
mod login_text;
mod orgs;
mod panel;
mod popup;
mod profile;
mod qr;
mod session;
mod table;
#[cfg(test)]
mod tests;
mod text;
mod time;
mod waiting;

use ratatui::Frame;

use super::model::{Model, NavItem, Screen};
use layout::areas;

use crate::tui::numbers::thousands;
pub(crate) use help::{max_scroll as help_max_scroll, opening_line as help_opening_line};
pub(crate) use layout::{
    accounts_area, areas as screen_areas, menu_area, split as split_dashboard,
};
pub(crate) use orgs::{first_visible as first_visible_org, list_area as org_list_area};

/// " 12–30 of 20,012 " for a pane showing `height` of `total` rows from
/// `first`; nothing when all of it shows.
fn scroll_position(first: usize, height: usize, total: usize) -> String {
    if total <= height {
        return String::new();
    }
    format!(
        " {}–{} of {} ",
        thousands(first + 1),
        thousands((first + height).min(total)),
        thousands(total)
    )
}

/// `paragraph` in `block` over `area`, scrolled down `scroll` rows (held
/// where the last row reaches the bottom), its position in the bottom
/// border: a long pane (Session, a panel of text).
fn scrolled(
    frame: &mut Frame,
    area: ratatui::layout::Rect,
    paragraph: ratatui::widgets::Paragraph<'_>,
    block: ratatui::widgets::Block<'_>,
    scroll: usize,
) {
    let inner = block.inner(area);
    let total = paragraph.line_count(inner.width);
    let height = usize::from(inner.height);
    let first = scroll.min(total.saturating_sub(height));
    let block = block.title_bottom(
        ratatui::text::Line::styled(scroll_position(first, height, total), super::theme::dim())
            .right_aligned(),
    );
    frame.render_widget(
        paragraph
            .block(block)
            .scroll((u16::try_from(first).unwrap_or(u16::MAX), 0)),
        area,
    );
}

/// The rows of the long pane on screen (Profile, Session, a panel of text)
/// and how many show at once, on a terminal of `model.size()`: what
/// `update` needs to stop a scroll at the end.
pub(crate) fn pane_rows(model: &Model) -> Option<(usize, usize)> {
    let dash = model.dashboard()?;
    let area = ratatui::layout::Rect::new(0, 0, model.size().0, model.size().1);
    let content = layout::content_area(body_area(area));
    let inner = layout::content_block("", false).inner(content);
    let (width, height) = (usize::from(inner.width), usize::from(inner.height));
    let total = match model.nav_items().get(dash.nav)? {
        NavItem::Profile => profile::rows(model, dash, width),
        NavItem::Session => session::rows(model, dash, inner.width),
        NavItem::Panel(i) => panel::text_rows(model, dash, model.panels.get(*i)?, inner.width)?,
        _ => return None,
    };
    Some((total, height))
}

/// Between the header and the footer.
fn body_area(area: ratatui::layout::Rect) -> ratatui::layout::Rect {
    areas(area)[1]
}
pub(crate) use table::layout as table_layout;

/// The smallest terminal everything fits in.
const MIN_WIDTH: u16 = 60;
const MIN_HEIGHT: u16 = 20;

pub fn draw(frame: &mut Frame, model: &Model) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let text = format!(
            "authdash needs at least {MIN_WIDTH}x{MIN_HEIGHT}; this terminal is {}x{}. \
             Make it larger (q quits).",
            area.width, area.height
        );
        frame.render_widget(
            ratatui::widgets::Paragraph::new(text).wrap(ratatui::widgets::Wrap { trim: true }),
            area,
        );
        return;
    }
    let [header_area, body, footer_area] = areas(frame.area());
    header::draw(frame, header_area, model);
    match &model.screen {
        Screen::Login(login) => login::draw(frame, body, model, login),
        Screen::Dashboard(dash) => dashboard::draw(frame, body, model, dash),
    }
    footer::draw(frame, footer_area, model);
    popup::draw(frame, model);
}

/// Where the open panel's table is drawn on a terminal of `area` (status
/// line, header and rows), when the dashboard shows a table with data.
pub(crate) fn table_area(
    model: &Model,
    area: ratatui::layout::Rect,
) -> Option<ratatui::layout::Rect> {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return None;
    }
    let Screen::Dashboard(dash) = &model.screen else {
        return None;
    };
    let super::model::NavItem::Panel(i) = *model.nav_items().get(dash.nav)? else {
        return None;
    };
    let spec = model.panels.get(i)?;
    if !matches!(spec.view, crate::panels::View::Table(_))
        || !matches!(model.access(dash, spec), crate::panels::Access::Allowed)
    {
        return None;
    }
    let [_, body, _] = areas(area);
    let [_, content] = layout::split(body);
    panel::data_area(model, dash, spec, content)
}
