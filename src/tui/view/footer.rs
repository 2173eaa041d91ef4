use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::keymap::{BINDINGS, Context};
use crate::tui::model::{Level, Model, NavItem, Screen};
use crate::tui::theme;

pub fn draw(frame: &mut Frame, area: Rect, model: &Model) {
    let [toast_area, keys_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(area);
    if let Some(toast) = &model.toast {
        let style = match toast.level {
            Level::Error => theme::error(),
            Level::Info => theme::ok(),
        };
        let line = Line::from(vec![
            Span::styled(format!(" {} ", toast.text), style),
            Span::styled(" (Esc to dismiss)", theme::dim()),
        ]);
        frame.render_widget(Paragraph::new(line), toast_area);
    }
    let contexts = contexts(model);
    let mut spans = Vec::new();
    let mut seen = Vec::new();
    for b in contexts
        .iter()
        .flat_map(|c| BINDINGS.iter().filter(move |b| b.context == *c))
    {
        // A specific context's key hides the general one (Enter, Esc).
        let Some(word) = b.footer.filter(|_| !seen.contains(&b.keys)) else {
            continue;
        };
        seen.push(b.keys);
        spans.push(Span::styled(format!(" {}", b.keys), theme::key()));
        spans.push(Span::styled(format!(" {word} "), theme::dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), keys_area);
}

/// The contexts whose keys apply now: help and quit first, so a narrow
/// terminal still shows them.
fn contexts(model: &Model) -> Vec<Context> {
    let mut c = vec![Context::Everywhere];
    match &model.screen {
        Screen::Login(_) => c.push(Context::Login),
        Screen::Dashboard(dash) => {
            if model.nav_items().get(dash.nav) == Some(&NavItem::Organizations) {
                c.push(Context::Organizations);
            }
            c.push(Context::Dashboard);
        }
    }
    c
}
