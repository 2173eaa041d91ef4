//! `?`: every key of the action table, by where it works, as wide as its
//! content allows. An action that cannot run where the person is stays in
//! the list, greyed, with the reason wrapped under it (never cut). It opens
//! at the keys of the screen under it; its scroll stops at both ends
//! (`update` asks [`max_scroll`], so a press past the end is not stored).

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::text::hanging;
use crate::tui::action::Context;
use crate::tui::commands::{help_lines, screen_contexts};
use crate::tui::model::Model;
use crate::tui::theme;

/// One line of the help, before it is fitted to a width.
struct Entry {
    /// A context's title, or a key's line.
    title: Option<&'static str>,
    keys: String,
    label: &'static str,
    why: Option<String>,
}

fn entries(model: &Model) -> Vec<Entry> {
    let mut entries = Vec::new();
    let mut last: Option<Context> = None;
    for (context, command, why) in help_lines(model) {
        if last != Some(context) {
            entries.push(Entry {
                title: Some(context.title()),
                keys: String::new(),
                label: "",
                why: None,
            });
            last = Some(context);
        }
        entries.push(Entry {
            title: None,
            keys: model.keymap.label_in(context, command.action),
            label: command.label,
            why,
        });
    }
    entries.push(Entry {
        title: Some("Anywhere"),
        keys: String::new(),
        label: "",
        why: None,
    });
    entries.push(Entry {
        title: None,
        keys: "Ctrl-C".into(),
        label: "quit (asks first while a login is pending)",
        why: None,
    });
    entries
}

/// The keys' column: the widest keys and two spaces.
fn keys_width(entries: &[Entry]) -> usize {
    entries.iter().map(|e| e.keys.width()).max().unwrap_or(0) + 4
}

/// The widest line the help would like, its reasons on one line.
fn natural_width(entries: &[Entry]) -> usize {
    let keys = keys_width(entries);
    entries
        .iter()
        .map(|e| match e.title {
            Some(title) => title.width(),
            None => keys + e.label.width() + e.why.as_ref().map_or(0, |w| w.width() + 3),
        })
        .max()
        .unwrap_or(0)
}

/// Where the help is drawn on a screen of `area`.
fn area(model: &Model, screen: Rect) -> Rect {
    let width =
        (natural_width(&entries(model)) + 2).min(usize::from(screen.width.saturating_sub(4)));
    let height = screen.height.saturating_sub(2).max(3);
    let [row] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(screen);
    let [cell] = Layout::horizontal([Constraint::Length(width as u16)])
        .flex(Flex::Center)
        .areas(row);
    cell
}

/// The help's lines at `width` columns (inside its border).
fn lines(model: &Model, width: usize) -> (Vec<Line<'static>>, Vec<Option<&'static str>>) {
    let entries = entries(model);
    let keys = keys_width(&entries);
    let mut lines = Vec::new();
    let mut titles = Vec::new();
    for entry in &entries {
        if let Some(title) = entry.title {
            lines.push(Line::styled(title, theme::title()));
            titles.push(Some(title));
            continue;
        }
        let key_text = format!("  {:<w$}", entry.keys, w = keys - 2);
        let text = match &entry.why {
            Some(why) => format!("{} — {why}", entry.label),
            None => entry.label.to_owned(),
        };
        let style = if entry.why.is_some() {
            theme::dim()
        } else {
            ratatui::style::Style::new()
        };
        let key_style = if entry.why.is_some() {
            theme::dim()
        } else {
            theme::key()
        };
        for (i, row) in hanging(&text, keys, keys, width).into_iter().enumerate() {
            let spans = if i == 0 {
                vec![
                    Span::styled(key_text.clone(), key_style),
                    Span::styled(row, style),
                ]
            } else {
                vec![Span::styled(row, style)]
            };
            lines.push(Line::from(spans));
            titles.push(None);
        }
    }
    (lines, titles)
}

/// The inner size of the help on a terminal of `size`.
fn inner(model: &Model, size: (u16, u16)) -> (usize, usize) {
    let area = area(model, Rect::new(0, 0, size.0, size.1));
    (
        usize::from(area.width.saturating_sub(2)),
        usize::from(area.height.saturating_sub(2)),
    )
}

/// The line the help opens at: the keys of the screen under it.
pub(crate) fn opening_line(model: &Model, size: (u16, u16)) -> usize {
    let (width, _) = inner(model, size);
    let (_, titles) = lines(model, width);
    let Some(context) = screen_contexts(model).first().copied() else {
        return 0;
    };
    if context == Context::Global {
        return 0;
    }
    let at = titles
        .iter()
        .position(|t| *t == Some(context.title()))
        .unwrap_or(0);
    at.min(max_scroll(model, size))
}

/// The last first line: the end of the help on the help's last row.
pub(crate) fn max_scroll(model: &Model, size: (u16, u16)) -> usize {
    let (width, height) = inner(model, size);
    lines(model, width).0.len().saturating_sub(height)
}

pub(crate) fn draw(frame: &mut Frame, model: &Model) {
    let area = area(model, frame.area());
    let (width, height) = (
        usize::from(area.width.saturating_sub(2)),
        usize::from(area.height.saturating_sub(2)),
    );
    let (lines, _) = lines(model, width);
    let total = lines.len();
    let first = usize::from(model.help_scroll).min(total.saturating_sub(height));
    let position = if total > height {
        format!(
            " {}–{} of {} ",
            first + 1,
            (first + height).min(total),
            total
        )
    } else {
        String::new()
    };
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).scroll((first as u16, 0)).block(
            Block::new()
                .borders(Borders::ALL)
                .border_style(theme::border(true))
                .title(Span::styled(" Keys (Esc closes) ", theme::title()))
                .title_bottom(Line::styled(position, theme::dim()).right_aligned()),
        ),
        area,
    );
}
