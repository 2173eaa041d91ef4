//! The status line (the last result; errors until acknowledged, queued)
//! and the key hints, both from the model: the hints come from the action
//! table through `commands::footer_hints`, so each names a key that works.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::text::truncate;
use crate::identity::visible;
use crate::tui::action::Context;
use crate::tui::commands::{Hint, footer_hints};
use crate::tui::model::{Level, Lookup, Model, RefreshState, Screen};
use crate::tui::theme;

pub(crate) fn draw(frame: &mut Frame, area: Rect, model: &Model) {
    let [toast_area, keys_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(area);
    if let Some(toast) = &model.toast {
        let style = match toast.level {
            Level::Error => theme::error(),
            Level::Info => theme::ok(),
        };
        // Information goes by itself; an error waits to be read.
        let more = match (toast.level, model.queued.len()) {
            (Level::Info, 0) => String::new(),
            (_, 0) => " (Esc to dismiss)".to_owned(),
            (_, n) => format!(" (Esc: next of {n} more)"),
        };
        let room = usize::from(toast_area.width).saturating_sub(more.chars().count() + 2);
        let line = Line::from(vec![
            Span::styled(
                format!(" {} ", truncate(&visible(&toast.text), room)),
                style,
            ),
            Span::styled(more, theme::dim()),
        ]);
        frame.render_widget(Paragraph::new(line), toast_area);
    } else if let Some(work) = busy(model) {
        // One frame a second: the tick is the only clock the view reads.
        let frame_char = SPINNER[(model.now.timestamp().rem_euclid(SPINNER.len() as i64)) as usize];
        frame.render_widget(
            Paragraph::new(Line::styled(format!(" {frame_char} {work}…"), theme::dim())),
            toast_area,
        );
    }
    // The keys of this screen first, as many whole hints as fit; help and
    // quit (the global ones) always stay in view at the right.
    let hint = |h: &Hint| {
        let (key, word) = if h.enabled {
            (theme::key(), theme::dim())
        } else {
            (theme::dim(), theme::dim())
        };
        [
            Span::styled(format!(" {}", h.key), key),
            Span::styled(format!(" {} ", h.word), word),
        ]
    };
    let hints = footer_hints(model);
    let general = Line::from(
        hints
            .iter()
            .filter(|h| h.context == Context::Global)
            .flat_map(hint)
            .collect::<Vec<_>>(),
    );
    let room = usize::from(keys_area.width).saturating_sub(general.width());
    let mut specific = Line::default();
    for h in hints.iter().filter(|h| h.context != Context::Global) {
        let [keys, action] = hint(h);
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

const SPINNER: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/// Background work under way, said in the status line with a spinner.
fn busy(model: &Model) -> Option<String> {
    match &model.screen {
        Screen::Dashboard(dash) => {
            if dash.refresh == RefreshState::Running {
                return Some("renewing the session".into());
            }
            // The panel awaited, by its title, and how to stop waiting.
            let (id, _) = dash
                .panel_states
                .iter()
                .find(|(_, s)| s.loading.is_some())?;
            let title = model
                .panels
                .iter()
                .find(|p| &p.id == id)
                .map_or("the panel", |p| p.title.as_str());
            Some(format!("loading {} (Esc stops waiting)", visible(title)))
        }
        Screen::Login(login) if login.pending.is_some() => Some("waiting for the login".into()),
        Screen::Login(_) => model
            .providers
            .iter()
            .any(|p| p.lookup == Lookup::Running)
            .then(|| "asking the providers what they offer".into()),
    }
}
