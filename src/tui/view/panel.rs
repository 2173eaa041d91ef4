use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::dashboard::content_block;
use crate::identity::visible;
use crate::panels::{Access, PanelSpec};
use crate::tui::model::{Dashboard, Model, PanelState};
use crate::tui::theme;

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    model: &Model,
    dash: &Dashboard,
    spec: &PanelSpec,
    focused: bool,
) {
    let mut lines = Vec::new();
    if let Some(d) = &spec.description {
        lines.push(Line::styled(d.clone(), theme::dim()));
        lines.push(Line::raw(""));
    }
    match model.access(dash, spec) {
        Access::Denied(denial) => {
            lines.push(Line::styled("Locked", theme::error()));
            lines.push(Line::raw(""));
            lines.push(Line::raw(denial.explain()));
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                format!("This panel needs {}.", spec.requires.describe()),
                theme::dim(),
            ));
            let hint = if dash.session.user.orgs.is_empty() {
                "You are not a member of any organization: ask to be invited to one."
            } else {
                "Switch organization with m, or ask an admin of the organization for access."
            };
            lines.push(Line::styled(hint, theme::dim()));
        }
        Access::Allowed => match dash.panel_states.get(&spec.id) {
            _ if spec.data_url.is_none() => {
                lines.push(Line::raw(
                    "This panel has no data source (data_url) configured.",
                ));
            }
            None | Some(PanelState::Loading { .. }) => {
                lines.push(Line::styled("Loading…", theme::warn()));
            }
            Some(PanelState::Failed { error, .. }) => {
                lines.push(Line::styled(
                    format!("Could not load: {}", visible(error)),
                    theme::error(),
                ));
                lines.push(Line::styled("Press r to try again.", theme::dim()));
            }
            Some(PanelState::Loaded { data, .. }) => {
                if let Some(summary) = &data.summary {
                    lines.push(Line::raw(visible(summary).into_owned()));
                    lines.push(Line::raw(""));
                }
                let width = data
                    .items
                    .iter()
                    .map(|(l, _)| l.len())
                    .max()
                    .unwrap_or(0)
                    .min(30);
                for (label, value) in &data.items {
                    lines.push(Line::from(vec![
                        Span::styled(format!("{:<width$}  ", visible(label)), theme::key()),
                        Span::raw(visible(value).into_owned()),
                    ]));
                }
            }
        },
    }
    let title = match dash.active_membership() {
        Some(org) => format!("{} · {}", spec.title, visible(&org.org_name)),
        None => spec.title.clone(),
    };
    frame.render_widget(
        Paragraph::new(lines)
            .block(content_block(&title, focused))
            .wrap(Wrap { trim: false }),
        area,
    );
}
