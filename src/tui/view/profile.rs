use chrono::DateTime;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use serde_json::Value;

use super::dashboard::content_block;
use super::time::clock;
use crate::identity::visible;
use crate::tui::model::{Dashboard, Model};
use crate::tui::theme;

/// Claims that are times, shown as dates (Streamlit shows them raw).
const TIME_CLAIMS: [&str; 5] = ["iat", "exp", "auth_time", "nbf", "updated_at"];

pub fn draw(frame: &mut Frame, area: Rect, model: &Model, dash: &Dashboard, focused: bool) {
    let session = &dash.session;
    let merged = session.merged_claims();
    let width = merged.keys().map(|k| k.len()).max().unwrap_or(0).min(28);
    let mut lines = vec![
        Line::from(vec![
            Span::styled(
                "Claims of the verified ID token and userinfo ",
                theme::dim(),
            ),
            Span::styled("(◆ ID token, ◇ userinfo)", theme::dim()),
        ]),
        Line::raw(""),
    ];
    for (name, value) in &merged {
        let in_id = session.id_claims.contains_key(name);
        let in_info = session
            .userinfo
            .as_ref()
            .is_some_and(|u| u.contains_key(name));
        let source = match (in_id, in_info) {
            (true, true) => "◆◇",
            (true, false) => "◆ ",
            _ => " ◇",
        };
        let mut rendered = render_value(model, name, value).into_iter();
        let first = rendered.next().unwrap_or_default();
        lines.push(Line::from(vec![
            Span::styled(format!("{source} "), theme::dim()),
            Span::styled(format!("{:<width$}  ", visible(name)), theme::key()),
            Span::raw(visible(&first).into_owned()),
        ]));
        let indent = " ".repeat(width + 5);
        lines.extend(rendered.map(|l| Line::raw(format!("{indent}{}", visible(&l)))));
    }
    let paragraph = Paragraph::new(lines)
        .block(content_block("Profile", focused))
        .wrap(Wrap { trim: false })
        .scroll((dash.profile_scroll, 0));
    frame.render_widget(paragraph, area);
}

/// One line for scalars; nested objects as indented JSON, one line each.
fn render_value(model: &Model, name: &str, value: &Value) -> Vec<String> {
    if TIME_CLAIMS.contains(&name)
        && let Some(at) = value.as_i64().and_then(|s| DateTime::from_timestamp(s, 0))
    {
        return vec![format!("{} ({})", clock(model, at), value)];
    }
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Object(_) | Value::Array(_) if value.to_string().len() > 60 => {
            serde_json::to_string_pretty(value)
                .unwrap_or_default()
                .lines()
                .map(str::to_owned)
                .collect()
        }
        other => vec![other.to_string()],
    }
}
