use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::identity::visible;
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
            Span::styled(format!(" {} ", visible(&toast.text)), style),
            Span::styled(" (Esc to dismiss)", theme::dim()),
        ]);
        frame.render_widget(Paragraph::new(line), toast_area);
    }
    // The keys of this screen first, as many whole hints as fit; help and
    // quit always stay in view at the right, however narrow the terminal.
    let hint = |keys: &str, word: &str| {
        [
            Span::styled(format!(" {keys}"), theme::key()),
            Span::styled(format!(" {word} "), theme::dim()),
        ]
    };
    let general = Line::from(
        BINDINGS
            .iter()
            .filter(|b| b.context == Context::Everywhere)
            .filter_map(|b| b.footer.map(|w| hint(b.keys, w)))
            .flatten()
            .collect::<Vec<_>>(),
    );
    let room = usize::from(keys_area.width).saturating_sub(general.width());
    let mut specific = Line::default();
    let mut seen = Vec::new();
    for b in contexts(model)
        .into_iter()
        .filter(|c| *c != Context::Everywhere)
        .flat_map(|c| BINDINGS.iter().filter(move |b| b.context == c))
    {
        // A specific context's key hides the general one (Enter, Esc).
        let Some(word) = b.footer.filter(|_| !seen.contains(&b.keys)) else {
            continue;
        };
        seen.push(b.keys);
        let [keys, action] = hint(b.keys, word);
        if specific.width() + keys.width() + action.width() > room {
            break;
        }
        specific.push_span(keys);
        specific.push_span(action);
    }
    let [specific_area, general_area] = Layout::horizontal([
        Constraint::Min(0),
        Constraint::Length(general.width() as u16),
    ])
    .areas(keys_area);
    frame.render_widget(Paragraph::new(specific), specific_area);
    frame.render_widget(Paragraph::new(general), general_area);
}

/// The contexts whose keys apply now, most specific first.
fn contexts(model: &Model) -> Vec<Context> {
    let mut c = Vec::new();
    match &model.screen {
        Screen::Login(_) => c.push(Context::Login),
        Screen::Dashboard(dash) => {
            if model.nav_items().get(dash.nav) == Some(&NavItem::Organizations) {
                c.push(Context::Organizations);
            }
            c.push(Context::Dashboard);
        }
    }
    c.push(Context::Everywhere);
    c
}
