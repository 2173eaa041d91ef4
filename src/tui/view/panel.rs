//! An open panel: its state (loading, empty, error, stale), its data in
//! the panel's view, or — locked — what is missing and the way in.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::layout::content_block;
use super::text::{hanging, truncate};
use super::time::relative;
use super::{chart, table};
use crate::identity::visible;
use crate::panels::advice::{self, Ask};
use crate::panels::view::{self as shape, View};
use crate::panels::{Access, Denial, PanelSpec, SourceError, Unmet};
use crate::tui::model::{Dashboard, Model, PanelState, Unlock};
use crate::tui::theme;

pub(crate) fn draw(
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
    let (intro, state, data) = match content(model, dash, spec, inner.width) {
        Content::Lines(lines) => {
            let paragraph = Paragraph::new(lines).wrap(Wrap { trim: false });
            return super::scrolled(frame, area, paragraph, block, dash.profile_scroll);
        }
        Content::Data { intro, state, data } => (intro, state, data),
    };
    frame.render_widget(block, area);
    let [top, body] = below(inner, &intro);
    frame.render_widget(Paragraph::new(intro).wrap(Wrap { trim: false }), top);
    let result = match &spec.view {
        View::Table(view) => table::draw_panel(frame, body, view, data, Some(state), focused),
        View::Chart(view) => view
            .shape(&data.value)
            .map(|points| chart::draw(frame, body, view, &points)),
        View::Kv | View::Text => Ok(()),
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

/// What an open panel shows: lines of text (locked, loading, failed,
/// empty, labelled values, text), which scroll; or data in a table or a
/// chart under its intro lines, which move by their own keys.
enum Content<'a> {
    Lines(Vec<Line<'static>>),
    Data {
        intro: Vec<Line<'static>>,
        state: &'a PanelState,
        data: &'a crate::tui::model::PanelValue,
    },
}

fn content<'a>(model: &Model, dash: &'a Dashboard, spec: &PanelSpec, width: u16) -> Content<'a> {
    let mut lines = Vec::new();
    if let Some(d) = &spec.description {
        lines.push(Line::styled(d.clone(), theme::dim()));
    }
    let state = match model.access(dash, spec) {
        Access::Denied(denial) => {
            locked(&mut lines, model, dash, spec, &denial);
            return Content::Lines(lines);
        }
        Access::Allowed if !spec.has_source() => {
            lines.push(Line::raw(
                "This panel has no data source (source or data_url) configured.",
            ));
            return Content::Lines(lines);
        }
        Access::Allowed => dash.panel_states.get(&spec.id),
    };
    let (Some(state), Some(data)) = (state, state.and_then(|s| s.data.as_ref())) else {
        match state.and_then(|s| s.error.as_ref()) {
            Some(e) if state.is_some_and(|s| s.loading.is_none()) => {
                failed(&mut lines, model, dash, spec, &e.error);
            }
            _ => lines.push(Line::styled("Loading…", theme::warn())),
        }
        return Content::Lines(lines);
    };
    status(&mut lines, model, spec, state);
    if shape::is_empty(&data.value) {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "Nothing to show: the answer holds no data.",
            theme::dim(),
        ));
        return Content::Lines(lines);
    }
    match &spec.view {
        View::Kv => {
            lines.extend(kv(&data.value, usize::from(width)));
            Content::Lines(lines)
        }
        View::Text => {
            let text = visible(&shape::text(&data.value)).into_owned();
            lines.extend(text.lines().map(|l| Line::raw(l.to_owned())));
            Content::Lines(lines)
        }
        View::Table(_) | View::Chart(_) => Content::Data {
            intro: lines,
            state,
            data,
        },
    }
}

/// How many rows the open panel's text takes at `width` columns, when it
/// is text (a table or a chart moves by its own keys: `None`).
pub(crate) fn text_rows(
    model: &Model,
    dash: &Dashboard,
    spec: &PanelSpec,
    width: u16,
) -> Option<usize> {
    match content(model, dash, spec, width) {
        Content::Lines(lines) => Some(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .line_count(width),
        ),
        Content::Data { .. } => None,
    }
}

/// The lines above a panel's data, as many rows as they wrap to, and
/// the rest for the data.
fn below(inner: Rect, intro: &[Line<'static>]) -> [Rect; 2] {
    let rows = Paragraph::new(intro.to_vec())
        .wrap(Wrap { trim: false })
        .line_count(inner.width);
    let header = u16::try_from(rows).unwrap_or(u16::MAX);
    Layout::vertical([Constraint::Length(header), Constraint::Min(1)]).areas(inner)
}

/// Where an open panel's table is drawn when the panel fills `area`
/// (its description and status lines above it): `update` keeps the
/// cursor in sight in it and the mouse finds rows in it.
pub(crate) fn data_area(
    model: &Model,
    dash: &Dashboard,
    spec: &PanelSpec,
    area: Rect,
) -> Option<Rect> {
    let state = dash.panel_states.get(&spec.id)?;
    state.data.as_ref()?;
    let mut lines = Vec::new();
    if let Some(d) = &spec.description {
        lines.push(Line::raw(d.clone()));
    }
    status(&mut lines, model, spec, state);
    Some(below(content_block("", false).inner(area), &lines)[1])
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
            format!("Updated {age}; reloads every {}\u{a0}s.", every.as_secs()),
            theme::dim(),
        ));
    }
}

/// A fetch that gave nothing: the cause as said, and what to do.
fn failed(
    lines: &mut Vec<Line<'static>>,
    model: &Model,
    dash: &Dashboard,
    spec: &PanelSpec,
    error: &SourceError,
) {
    if let SourceError::ApiRefused {
        reason,
        fix,
        step_up,
        ..
    } = error
    {
        let own_login = matches!(
            model.unlock_plan(dash, spec),
            Some(Ok(Unlock::AskAudience(_)))
        );
        api_locked(lines, model, reason, fix, *step_up, own_login);
        return;
    }
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
                .to_owned()
        }
        SourceError::Forbidden(_) => forbidden_hint(model, dash),
        SourceError::PointerMiss(_) | SourceError::BadJson(_) => {
            "The panel's config and the API disagree on the data's shape. Press r to try again."
                .to_owned()
        }
        _ => "Press r to try again.".to_owned(),
    };
    lines.push(Line::styled(hint, theme::dim()));
}

/// No token for the panel's own API: locked, why, and the way in.
fn api_locked(
    lines: &mut Vec<Line<'static>>,
    model: &Model,
    reason: &str,
    fix: &str,
    step_up: bool,
    own_login: bool,
) {
    lines.push(Line::from(vec![
        Span::styled("Locked: ", theme::error()),
        Span::raw(format!(
            "no token for this panel's API. {}.",
            upper_first(&visible(reason))
        )),
    ]));
    lines.push(Line::raw(""));
    if step_up && own_login {
        lines.push(Line::from(vec![
            Span::styled(unlock_key(model), theme::key()),
            Span::raw(
                " logs in asking for this API's audience (the same account): the token it brings \
                 is kept for this API alone. Your session is kept.",
            ),
        ]));
    } else if step_up {
        lines.push(Line::from(vec![
            Span::styled(unlock_key(model), theme::key()),
            Span::raw(" logs in again asking for it (the same account). Your session is kept."),
        ]));
    } else {
        lines.push(Line::styled(
            format!("Fix: {}. Your session is kept.", visible(fix)),
            theme::dim(),
        ));
    }
}

fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The API refuses what the config allows: whom to ask is someone above
/// the person in the active org.
fn forbidden_hint(model: &Model, dash: &Dashboard) -> String {
    let Some(org) = dash.active_membership() else {
        return "Your session may open this panel, but the API decides: ask whoever runs it. \
                Press r to try again."
            .into();
    };
    match advice::above(org, &model.role_order) {
        Ask::Someone(whom) => format!(
            "Your role here opens the panel, but the API decides: ask {} for access. Press r to \
             try again.",
            visible(&whom)
        ),
        Ask::NoOneAbove { role } => format!(
            "As {} you hold the highest role in {}, but the API refuses: its own rules decide; \
             ask whoever runs it. Press r to try again.",
            visible(&role),
            visible(&org.org_name)
        ),
    }
}

/// How many of the orgs where a locked panel opens are named.
const NAMED_ORGS: usize = 3;

/// A locked panel: what is missing where and what the person has there,
/// said once; then the way in `u` takes (another of their orgs, a login
/// asking for a scope), or, where `u` would not help, whom to ask.
fn locked(
    lines: &mut Vec<Line<'static>>,
    model: &Model,
    dash: &Dashboard,
    spec: &PanelSpec,
    denial: &Denial,
) {
    let no_org = denial.unmet.contains(&Unmet::NoOrg);
    let needs = match spec.requires.describe_org() {
        Some(org_needs) if no_org => {
            let mut needs = format!("Needs {org_needs} in an organization");
            let scopes = denial.missing_scopes();
            if !scopes.is_empty() {
                needs.push_str(&format!(", and the scope {}", scopes.join(", ")));
            }
            needs + "."
        }
        _ => denial.explain(),
    };
    // "Locked: needs …": the requirement said once, on the first line.
    let mut chars = needs.chars();
    let needs: String = chars
        .next()
        .map(|c| c.to_lowercase().chain(chars).collect())
        .unwrap_or_default();
    lines.push(Line::from(vec![
        Span::styled("Locked: ", theme::error()),
        Span::raw(visible(&needs).into_owned()),
    ]));
    lines.push(Line::raw(""));
    let key = || Span::styled(unlock_key(model), theme::key());
    let provider = model
        .provider(&dash.session.provider)
        .map_or(dash.session.provider.as_str(), |p| p.label.as_str())
        .to_owned();
    match model.unlock_plan(dash, spec) {
        Some(Ok(Unlock::SwitchOrg { .. })) => {
            let unlocking = model.unlocking_orgs(dash, spec);
            let Some(first) = unlocking.first() else {
                return;
            };
            // A few names, then how many more: a person in 10,000 orgs
            // gets a sentence, not a screenful built on every frame.
            let mut names = unlocking
                .iter()
                .take(NAMED_ORGS)
                .map(|o| format!("{} ({})", visible(&o.org_name), visible(&o.role)))
                .collect::<Vec<_>>()
                .join(", ");
            if let Some(more) = unlocking.len().checked_sub(NAMED_ORGS).filter(|n| *n > 0) {
                names.push_str(&format!(" and {more} more"));
            }
            lines.push(Line::raw(format!("It opens for you in {names}.")));
            lines.push(Line::from(vec![
                key(),
                Span::raw(format!(
                    " switches to {} and opens it here.",
                    visible(&first.org_name)
                )),
            ]));
        }
        Some(Ok(Unlock::AskScopes(scopes))) => {
            lines.push(Line::from(vec![
                key(),
                Span::raw(format!(
                    " logs in again asking {provider} for {} (the same account). The client must \
                     be allowed it at the provider; or add it to the provider's \
                     `client_kwargs.scope`.",
                    scopes.join(" ")
                )),
            ]));
        }
        Some(Err(_) | Ok(Unlock::AskAudience(_))) | None => {
            way_without_unlock(lines, model, dash, denial, &provider)
        }
    }
}

/// Where `u` would not help: a scope the provider would not grant, and
/// whom to ask for what the org does not give.
fn way_without_unlock(
    lines: &mut Vec<Line<'static>>,
    model: &Model,
    dash: &Dashboard,
    denial: &Denial,
    provider: &str,
) {
    if denial.unmet.contains(&Unmet::ConfirmedRoles) {
        return;
    }
    let refused = model.refused_scopes(&crate::session::AccountId::of(&dash.session));
    let refused: Vec<String> = denial
        .missing_scopes()
        .into_iter()
        .filter(|s| refused.contains(&s.as_str()))
        .collect();
    if !refused.is_empty() {
        lines.push(Line::raw(format!(
            "{provider} did not grant {} when a login asked for it: the client must be allowed \
             it there first.",
            refused.join(" ")
        )));
    }
    if !denial.org_bound() {
        return;
    }
    let text = match dash.active_membership() {
        Some(org) => match advice::whom_to_ask(denial, org, &model.role_order) {
            Ask::Someone(whom) => {
                format!("None of your organizations opens it: ask {whom} for access.")
            }
            Ask::NoOneAbove { role } => format!(
                "None of your organizations opens it, and no role in {} is above {role}: ask \
                 whoever sets the roles' permissions at {provider}.",
                org.org_name
            ),
        },
        None if dash.session.user.orgs.is_empty() => format!(
            "You are not a member of any organization: {} could invite you.",
            advice::who_invites(&model.role_order)
        ),
        None => "No organization is active and none of yours opens it.".to_owned(),
    };
    lines.push(Line::raw(visible(&text).into_owned()));
}

/// The key `u` is bound to (the config may rebind it).
fn unlock_key(model: &Model) -> String {
    model
        .keymap
        .keys(crate::tui::action::Action::Unlock)
        .first()
        .map(ToString::to_string)
        .unwrap_or_default()
}

/// Labelled values: the `{title, summary, items}` answer, or any JSON.
fn kv(value: &serde_json::Value, width: usize) -> Vec<Line<'static>> {
    let data = shape::kv(value);
    let mut lines = Vec::new();
    if let Some(summary) = &data.summary {
        lines.push(Line::raw(visible(summary).into_owned()));
        lines.push(Line::raw(""));
    }
    let label_width = data
        .items
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0)
        .min(30);
    // A value wraps under its column; a missing one reads as a dash.
    let column = label_width + 2;
    for (label, value) in &data.items {
        let value = visible(value);
        let (text, style) = if value.trim().is_empty() {
            ("—".to_owned(), theme::dim())
        } else {
            (value.into_owned(), Style::new())
        };
        for (i, row) in hanging(&text, column, column, width)
            .into_iter()
            .enumerate()
        {
            let head = if i == 0 {
                Span::styled(
                    format!("{:<label_width$}  ", truncate(&visible(label), label_width)),
                    theme::key(),
                )
            } else {
                Span::raw("")
            };
            lines.push(Line::from(vec![head, Span::styled(row, style)]));
        }
    }
    lines
}
