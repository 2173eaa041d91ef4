//! Drawing, from the model only: nothing here does I/O.

mod accounts;
mod chart;
mod confirm;
mod dashboard;
mod device;
mod footer;
mod header;
mod inspector;
mod login;
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

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};

use super::model::{Model, Screen};

pub use orgs::{first_visible as first_visible_org, list_area as org_list_area};

/// The smallest terminal everything fits in.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 20;

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
    let [header_area, body, footer_area] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(3),
        Constraint::Length(2),
    ])
    .areas(frame.area());
    header::draw(frame, header_area, model);
    match &model.screen {
        Screen::Login(login) => login::draw(frame, body, model, login),
        Screen::Dashboard(dash) => dashboard::draw(frame, body, model, dash),
    }
    footer::draw(frame, footer_area, model);
    popup::draw(frame, model);
}
