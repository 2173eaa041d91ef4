//! An open panel: its state (loading, empty, error, stale), its data in
//! the panel's view, or — locked — what is missing and the way in.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::dashboard::content_block;
use super::time::relative;
use super::{chart, table};
use crate::identity::visible;
use crate::panels::view::{self as shape, View};
use crate::panels::{Access, Denial, PanelSpec, SourceError};
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
    let title = match dash.active_membership() {
        Some(org) => format!("{} · {}", spec.title, visible(&org.org_name)),
        None => spec.title.clone(),
    };
    let block = content_block(&title, focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut lines = Vec::new();
    if let Some(d) = &spec.description {
        lines.push(Line::styled(d.clone(), theme::dim()));
    }
    let state = match model.access(dash, spec) {
        Access::Denied(denial) => {
            locked(&mut lines, model, dash, spec, &denial);
            return text(frame, inner, lines);
        }
        Access::Allowed if !spec.has_source() => {
            lines.push(Line::raw(
                "This panel has no data source (source or data_url) configured.",
            ));
            return text(frame, inner, lines);
        }
        Access::Allowed => dash.panel_states.get(&spec.id),
    };
    let Some(data) = state.and_then(|s| s.data.as_ref()) else {
        match state.and_then(|s| s.error.as_ref()) {
            Some(e) if state.is_some_and(|s| s.loading.is_none()) => {
                failed(&mut lines, &e.error);
            }
            _ => lines.push(Line::styled("Loading…", theme::warn())),
        }
        return text(frame, inner, lines);
    };
    if let Some(s) = state {
        status(&mut lines, model, spec, s);
    }
    if shape::is_empty(&data.value) {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "Nothing to show: the answer holds no data.",
            theme::dim(),
        ));
        return text(frame, inner, lines);
    }
    let [top, body] = below(inner, lines.len());
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), top);
    let result = match &spec.view {
        View::Kv => {
            kv(frame, body, &data.value);
            Ok(())
        }
        View::Text => {
            frame.render_widget(
                Paragraph::new(visible(&shape::text(&data.value)).into_owned())
                    .wrap(Wrap { trim: false }),
                body,
            );
            Ok(())
        }
        View::Table(view) => table::draw_panel(frame, body, view, data, state, focused),
        View::Chart(view) => view
            .shape(&data.value)
            .map(|points| chart::draw(frame, body, view, &points)),
    };
    if let Err(e) = result {
        frame.render_widget(
            Paragraph::new(vec![
                Line::styled(
                    format!("The data does not fit this view: {e}"),
                    theme::error(),
                ),
                Line::styled(
                    "Check the panel's `select` pointer and `view` in the config.",
                    theme::dim(),
                ),
            ])
            .wrap(Wrap { trim: false }),
            body,
        );
    }
}

/// The lines above a panel's data, and the rest for the data.
fn below(inner: Rect, intro: usize) -> [Rect; 2] {
    let header = u16::try_from(intro).unwrap_or(u16::MAX);
    Layout::vertical([Constraint::Length(header), Constraint::Min(1)]).areas(inner)
}

/// Where an open panel's table is drawn when the panel fills `area`
/// (its description and status lines above it): `update` keeps the
/// cursor in sight in it and the mouse finds rows in it.
pub fn data_area(model: &Model, dash: &Dashboard, spec: &PanelSpec, area: Rect) -> Option<Rect> {
    let state = dash.panel_states.get(&spec.id)?;
    state.data.as_ref()?;
    let mut lines = Vec::new();
    if let Some(d) = &spec.description {
        lines.push(Line::raw(d.clone()));
    }
    status(&mut lines, model, spec, state);
    Some(below(content_block("", false).inner(area), lines.len())[1])
}

fn text(frame: &mut Frame, area: Rect, lines: Vec<Line<'static>>) {
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

/// The line above the data: reloading, stale with its age, or when it
/// was fetched when the panel refreshes by itself.
fn status(lines: &mut Vec<Line<'static>>, model: &Model, spec: &PanelSpec, s: &PanelState) {
    let Some(data) = &s.data else {
        return;
    };
    let age = relative(model.now, data.at);
    if let Some(e) = &s.error {
        lines.push(Line::styled(
            format!(
                "Stale: data from {age}; the last reload failed: {}",
                visible(&e.error.to_string())
            ),
            theme::warn(),
        ));
        lines.push(Line::styled("Press r to try again.", theme::dim()));
    } else if s.loading.is_some() {
        lines.push(Line::styled(
            format!("Reloading… (showing data from {age})"),
            theme::warn(),
        ));
    } else if let Some(every) = spec.refresh {
        lines.push(Line::styled(
            format!("Updated {age}; every {} s, r reloads", every.as_secs()),
            theme::dim(),
        ));
    }
}

/// A fetch that gave nothing: the cause as said, and what to do.
fn failed(lines: &mut Vec<Line<'static>>, error: &SourceError) {
    let headline = match error {
        SourceError::Forbidden(_) => "The API says you may not see this.",
        SourceError::Unauthorized => "The API refused your session.",
        _ => "Could not load this panel.",
    };
    lines.push(Line::styled(headline, theme::error()));
    lines.push(Line::raw(visible(&error.to_string()).into_owned()));
    let hint = match error {
        SourceError::Unauthorized => {
            "The session was renewed once and refused again: log in again (m), or check the \
             API's expected audience."
        }
        SourceError::Forbidden(_) => {
            "Your role here allows the panel, but the API decides: ask an admin of the \
             organization. Press r to try again."
        }
        SourceError::PointerMiss(_) | SourceError::BadJson(_) => {
            "The panel's config and the API disagree on the data's shape. Press r to try again."
        }
        _ => "Press r to try again.",
    };
    lines.push(Line::styled(hint, theme::dim()));
}

/// How many of the orgs where a locked panel opens are named.
const NAMED_ORGS: usize = 3;

/// A locked panel: what is missing where, what the person has there, and
/// the way in — another of their orgs (with its key), a new login for a
/// scope, or whom to ask.
fn locked(
    lines: &mut Vec<Line<'static>>,
    model: &Model,
    dash: &Dashboard,
    spec: &PanelSpec,
    denial: &Denial,
) {
    lines.push(Line::styled("Locked", theme::error()));
    lines.push(Line::raw(visible(&denial.explain()).into_owned()));
    lines.push(Line::styled(
        format!("This panel needs {}.", spec.requires.describe()),
        theme::dim(),
    ));
    lines.push(Line::raw(""));
    let scopes = denial.missing_scopes();
    if !scopes.is_empty() {
        lines.push(Line::raw(format!(
            "This session was not granted {}: press {} to log in again asking for it (the same \
             account; the client must be allowed it at the provider), or add it to the \
             provider's `client_kwargs.scope`.",
            scopes.join(" "),
            model
                .keymap
                .keys(crate::tui::action::Action::Unlock)
                .first()
                .map(ToString::to_string)
                .unwrap_or_default()
        )));
    }
    if !denial.org_bound() {
        return;
    }
    let unlocking = model.unlocking_orgs(dash, spec);
    if let Some(first) = unlocking.first() {
        // A few names, then how many more: a person in 10,000 orgs gets a
        // sentence, not a screenful built on every frame.
        let mut names = unlocking
            .iter()
            .take(NAMED_ORGS)
            .map(|o| format!("{} ({})", visible(&o.org_name), o.role))
            .collect::<Vec<_>>()
            .join(", ");
        if let Some(more) = unlocking.len().checked_sub(NAMED_ORGS).filter(|n| *n > 0) {
            names.push_str(&format!(" and {more} more"));
        }
        lines.push(Line::raw(format!("It opens for you in {names}.")));
        lines.push(Line::from(vec![
            Span::styled("u", theme::key()),
            Span::raw(format!(
                " switches to {} and opens it here.",
                visible(&first.org_name)
            )),
        ]));
    } else if let Some(org) = dash.active_membership() {
        lines.push(Line::raw(format!(
            "None of your organizations opens it: ask {} for access.",
            whom_to_ask(&org.org_metadata, &org.org_name)
        )));
    } else if dash.session.user.orgs.is_empty() {
        lines.push(Line::raw(
            "You are not a member of any organization: ask to be invited to one.",
        ));
    }
}

/// The org's owners where its claims name them (`owners` or
/// `owner_email` in the org's metadata), else "an admin of <org>".
fn whom_to_ask(
    metadata: &std::collections::BTreeMap<String, serde_json::Value>,
    org_name: &str,
) -> String {
    let named = ["owners", "owner_emails", "owner_email", "admins"]
        .iter()
        .find_map(|k| metadata.get(*k))
        .map(|v| match v {
            serde_json::Value::Array(a) => a
                .iter()
                .filter_map(|x| x.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            other => crate::panels::view::text(other),
        })
        .filter(|s| !s.is_empty());
    match named {
        Some(who) => format!("{} (owners of {})", visible(&who), visible(org_name)),
        None => format!("an admin of {}", visible(org_name)),
    }
}

/// Labelled values: the `{title, summary, items}` answer, or any JSON.
fn kv(frame: &mut Frame, area: Rect, value: &serde_json::Value) {
    let data = shape::kv(value);
    let mut lines = Vec::new();
    if let Some(summary) = &data.summary {
        lines.push(Line::raw(visible(summary).into_owned()));
        lines.push(Line::raw(""));
    }
    let width = data
        .items
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0)
        .min(30);
    for (label, value) in &data.items {
        lines.push(Line::from(vec![
            Span::styled(format!("{:<width$}  ", visible(label)), theme::key()),
            Span::raw(visible(value).into_owned()),
        ]));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}
