//! Profile: who you are, where, and as what — name, email, the active
//! organization and your role and permissions there, the session's state —
//! then every claim of the ID token and userinfo (`ProfileText`, made
//! once per session). A value too long for its column wraps under the
//! column, never back to the left edge; only the rows on screen are made
//! (a person in 1,000 orgs has some 20,000 rows of claims).

use chrono::DateTime;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::layout::content_block;
use super::text::{hanging, truncate};
use super::time::{clock, relative};
use crate::auth::SessionState;
use crate::identity::visible;
use crate::tui::model::{Dashboard, Model, ProfileClaim, RefreshState};
use crate::tui::theme;

/// The summary's label column.
const LABEL: usize = 14;

pub(crate) fn draw(frame: &mut Frame, area: Rect, model: &Model, dash: &Dashboard, focused: bool) {
    let inner = content_block("", false).inner(area);
    let (width, height) = (usize::from(inner.width), usize::from(inner.height));
    // The summary is laid out once per frame: its length and its lines.
    let summary = summary(model, dash, width);
    let summary_rows = summary.len();
    let total = summary_rows + claim_row_count(dash, width);
    let first = dash.profile_scroll.min(total.saturating_sub(height));
    let mut lines: Vec<Line> = summary.into_iter().skip(first).take(height).collect();
    let skip = first.saturating_sub(summary_rows);
    lines.extend(claim_rows(
        model,
        dash,
        width,
        skip,
        height - lines.len().min(height),
    ));
    let block = content_block("Profile", focused).title_bottom(
        Line::styled(super::scroll_position(first, height, total), theme::dim()).right_aligned(),
    );
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// Every row of the Profile at `width` columns.
pub(crate) fn rows(model: &Model, dash: &Dashboard, width: usize) -> usize {
    summary_len(model, dash, width) + claim_row_count(dash, width)
}

fn summary_len(model: &Model, dash: &Dashboard, width: usize) -> usize {
    summary(model, dash, width).len()
}

/// A label and its value, the value wrapped under itself.
fn field(label: &str, value: &str, width: usize) -> Vec<Line<'static>> {
    hanging(value, LABEL, LABEL, width)
        .into_iter()
        .enumerate()
        .map(|(i, text)| {
            let label = if i == 0 { label } else { "" };
            let pad = if i == 0 { LABEL } else { 0 };
            Line::from(vec![
                Span::styled(format!("{label:<pad$}"), theme::dim()),
                Span::raw(text),
            ])
        })
        .collect()
}

fn summary(model: &Model, dash: &Dashboard, width: usize) -> Vec<Line<'static>> {
    let user = &dash.session.user;
    let mut lines = vec![Line::styled(
        visible(user.display_name()).into_owned(),
        theme::title(),
    )];
    if let Some(email) = &user.email {
        let verified = match user.email_verified {
            Some(true) => " (verified)",
            Some(false) => " (not verified)",
            None => "",
        };
        lines.extend(field(
            "Email",
            &format!("{}{verified}", visible(email)),
            width,
        ));
    }
    let orgs = user.orgs.len();
    match dash.active_membership() {
        Some(org) => {
            let others = match orgs {
                1 => String::new(),
                2 => " · 1 more organization (o)".to_owned(),
                n => format!(" · {} more organizations (o)", super::thousands(n - 1)),
            };
            lines.extend(field(
                "Organization",
                &format!("{}{others}", visible(&org.org_name)),
                width,
            ));
            let roles = org.roles().collect::<Vec<_>>().join(", ");
            lines.extend(field("Role", &visible(&roles), width));
            let perms = if org.permissions.is_empty() {
                "none".to_owned()
            } else {
                org.permissions.join(", ")
            };
            lines.extend(field("Permissions", &visible(&perms), width));
        }
        None => lines.extend(field(
            "Organization",
            "none: you belong to no organization yet (an admin of one can invite you)",
            width,
        )),
    }
    lines.extend(field("Session", &session_state(model, dash), width));
    lines.extend(field(
        "Logged in",
        &clock(model, dash.session.logged_in_at),
        width,
    ));
    let provider = model
        .provider(&dash.session.provider)
        .map_or(dash.session.provider.as_str(), |p| p.label.as_str());
    lines.extend(field("Provider", &visible(provider), width));
    lines.push(Line::raw(""));
    // The legend wraps under itself where it does not fit beside the word.
    let legend = hanging(
        "of the verified ID token (◆) and userinfo (◇)",
        CLAIMS.len(),
        CLAIMS.len(),
        width,
    );
    for (i, text) in legend.into_iter().enumerate() {
        let head = if i == 0 {
            Span::styled(CLAIMS, theme::title())
        } else {
            Span::raw("")
        };
        lines.push(Line::from(vec![head, Span::styled(text, theme::dim())]));
    }
    lines
}

/// The claims' heading, the legend beside it.
const CLAIMS: &str = "Claims  ";

/// The session's state in a sentence: how long, and what happens then.
fn session_state(model: &Model, dash: &Dashboard) -> String {
    let s = &dash.session;
    let now = model.now;
    if s.state(now) == SessionState::Unverified {
        return "renewed, but its roles are not confirmed yet: org panels stay locked until \
                they are"
            .into();
    }
    if let RefreshState::Offline { retry_at, .. } = &dash.refresh {
        return format!(
            "offline: the provider cannot be reached; trying again {}",
            relative(now, *retry_at)
        );
    }
    match s.tokens.expires_at {
        Some(at) if s.can_refresh() => format!("renews {} by itself", relative(now, at)),
        Some(at) if at > now => format!(
            "ends {} (no refresh token: log in again then)",
            relative(now, at)
        ),
        Some(_) => "expired".to_owned(),
        None => "active".to_owned(),
    }
}

/// The claims' column of names and where values start.
fn value_column(dash: &Dashboard) -> usize {
    3 + dash.profile.name_width + 2
}

/// One claim's first value line: a time as a date.
fn first_text(model: &Model, claim: &ProfileClaim) -> String {
    match claim.time.and_then(|s| DateTime::from_timestamp(s, 0)) {
        Some(at) => format!("{} ({})", clock(model, at), relative(model.now, at)),
        None => claim.lines().next().unwrap_or_default().to_owned(),
    }
}

/// Rows a line of `text` takes when each row holds `room` columns
/// (values are cut by character: claims are ids, URLs and JSON).
fn rows_of(text: &str, room: usize) -> usize {
    text.width().div_ceil(room.max(1)).max(1)
}

fn claim_row_count(dash: &Dashboard, width: usize) -> usize {
    let room = width.saturating_sub(value_column(dash)).max(1);
    dash.profile
        .claims
        .iter()
        .map(|c| claim_rows_at(c, room))
        .sum()
}

/// The rows `claim` takes at `room` columns: a date one (cut where it does
/// not fit), any other value the rows its lines wrap to.
fn claim_rows_at(claim: &ProfileClaim, room: usize) -> usize {
    if claim.time.is_some() {
        return 1;
    }
    claim
        .widths
        .iter()
        .map(|w| w.div_ceil(room).max(1))
        .sum::<usize>()
        .max(1)
}

/// The claims' rows from `skip` on, at most `take` of them.
fn claim_rows(
    model: &Model,
    dash: &Dashboard,
    width: usize,
    mut skip: usize,
    take: usize,
) -> Vec<Line<'static>> {
    let column = value_column(dash);
    let room = width.saturating_sub(column).max(1);
    let indent = " ".repeat(column);
    let name_width = dash.profile.name_width;
    let mut out = Vec::new();
    for claim in &dash.profile.claims {
        if out.len() >= take {
            break;
        }
        if claim.time.is_none() {
            // Skipped whole without making its text: a claim scrolled
            // past may be thousands of lines.
            let rows = claim_rows_at(claim, room);
            if skip >= rows {
                skip -= rows;
                continue;
            }
        }
        let mut first = first_text(model, claim);
        if claim.time.is_some() {
            if rows_of(&first, room) > 1 {
                // A date keeps one row: without its "(in 9 min)" where that
                // does not fit, cut with … where the date itself does not.
                first = claim
                    .time
                    .and_then(|s| DateTime::from_timestamp(s, 0))
                    .map(|at| truncate(&clock(model, at), room))
                    .unwrap_or_default();
            }
            if skip >= 1 {
                skip -= 1;
                continue;
            }
        }
        let rest = claim.lines().skip(1).filter(|_| claim.time.is_none());
        let texts = std::iter::once(first.as_str()).chain(rest);
        let mut row = 0;
        for text in texts {
            if out.len() >= take {
                break;
            }
            let rows = rows_of(text, room);
            if row + rows <= skip {
                row += rows;
                continue;
            }
            for piece in cut(text, room) {
                if row >= skip && out.len() < take {
                    let head = if row == 0 {
                        vec![
                            Span::styled(format!("{} ", claim.source), theme::dim()),
                            Span::styled(
                                format!("{:<name_width$}  ", truncate(&claim.name, name_width)),
                                theme::key(),
                            ),
                        ]
                    } else {
                        vec![Span::raw(indent.clone())]
                    };
                    let mut spans = head;
                    spans.push(Span::raw(piece));
                    out.push(Line::from(spans));
                }
                row += 1;
            }
        }
        skip = 0;
    }
    out
}

/// `text` cut into pieces of at most `room` columns.
fn cut(text: &str, room: usize) -> Vec<String> {
    let mut pieces = vec![String::new()];
    let mut used = 0;
    for ch in text.chars() {
        let w = ch.width().unwrap_or(0);
        if used + w > room && used > 0 {
            pieces.push(String::new());
            used = 0;
        }
        if let Some(last) = pieces.last_mut() {
            last.push(ch);
        }
        used += w;
    }
    pieces
}
