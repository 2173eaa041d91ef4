//! The Session inspector: the ID token and the access token (when a JWT)
//! decoded, every claim with times local and relative, the verification
//! result, live countdowns, the last renewals, the provider's discovery
//! summary. Token values are masked unless revealed with `v`; nothing
//! here is logged.

use chrono::{DateTime, TimeZone, Utc};
use ratatui::text::{Line, Span};
use secrecy::ExposeSecret;
use serde_json::Value;
use unicode_width::UnicodeWidthStr;

use super::text::field;
use super::time::{clock, relative};
use crate::identity::visible;
use crate::session::decode_jwt;
use crate::tui::model::{Dashboard, Discovery, Model};
use crate::tui::theme;

/// Claims that are times (seconds since the epoch).
const TIME_CLAIMS: [&str; 5] = ["exp", "iat", "nbf", "auth_time", "updated_at"];

/// The widest a claim's name column grows (names past it are cut with …).
const MOST_LABEL: usize = 24;

pub(crate) fn lines(model: &Model, dash: &Dashboard, width: usize) -> Vec<Line<'static>> {
    let s = &dash.session;
    let mut out = Vec::new();
    let heading = |out: &mut Vec<Line<'static>>, text: &str| {
        out.push(Line::raw(""));
        out.push(Line::styled(text.to_owned(), theme::title()));
    };

    heading(&mut out, "Verification");
    out.push(Line::raw(match &s.unverified {
        None => "ID token verified: signature (JWKS), algorithm, iss, aud, azp, exp, iat, \
                 nonce, at_hash; renewals keep iss, sub, aud"
            .to_owned(),
        Some(why) => format!(
            "The last renewal could not be verified ({}); the claims shown are the last verified ones",
            visible(why)
        ),
    }));

    heading(&mut out, "ID token");
    token(
        &mut out,
        model,
        dash,
        s.tokens.id_token.expose_secret(),
        width,
    );
    heading(&mut out, "Access token");
    token(&mut out, model, dash, s.access_token(), width);

    if !s.apis.tokens.is_empty() || !model.panel_apis.is_empty() {
        heading(&mut out, "API tokens");
        api_tokens(&mut out, model, dash, width);
    }

    heading(&mut out, "Last renewals");
    if dash.renewals.is_empty() {
        out.push(Line::styled("none in this run", theme::dim()));
    }
    for r in dash.renewals.iter().rev() {
        let took = match r.took_ms {
            Some(ms) => format!("{ms} ms"),
            None => "during a panel fetch".to_owned(),
        };
        let (result, style) = match &r.result {
            Ok(()) => ("renewed".to_owned(), theme::ok()),
            Err(e) => (format!("failed: {}", visible(e)), theme::error()),
        };
        out.push(Line::from(vec![
            Span::raw(format!(
                "{} ({}) · {took} · ",
                clock(model, r.at),
                relative(model.now, r.at)
            )),
            Span::styled(result, style),
        ]));
    }

    heading(&mut out, "Provider (discovery)");
    match &dash.discovery {
        None => out.push(Line::styled(
            "Tab or Enter here looks up the provider's discovery document",
            theme::dim(),
        )),
        Some(Discovery::Looking) => {
            out.push(Line::styled("Discovery: looking it up…", theme::warn()))
        }
        Some(Discovery::Failed(e)) => out.push(Line::styled(
            format!("Could not be read: {}", visible(e)),
            theme::error(),
        )),
        Some(Discovery::Found(rows)) => {
            let column = column_for(rows.iter().map(|(label, _)| label.as_str()));
            for (label, value) in rows {
                out.extend(field(label, &visible(value), column, width, theme::key()));
            }
        }
    }
    out
}

/// The names' column: the longest name (at most [`MOST_LABEL`]) and two
/// spaces, never narrower than the session's own labels.
fn column_for<'a>(names: impl Iterator<Item = &'a str>) -> usize {
    names
        .map(UnicodeWidthStr::width)
        .max()
        .unwrap_or(0)
        .clamp(14, MOST_LABEL)
        + 2
}

fn token(out: &mut Vec<Line<'static>>, model: &Model, dash: &Dashboard, value: &str, width: usize) {
    let shown = if dash.reveal_tokens {
        visible(value).into_owned()
    } else {
        format!("•••••••• ({} characters; v reveals)", value.len())
    };
    let decoded = decode_jwt(value);
    let column = match &decoded {
        Some((_, Value::Object(map))) => column_for(map.keys().map(String::as_str)),
        _ => column_for(std::iter::empty()),
    };
    out.extend(field("value", &shown, column, width, theme::key()));
    let Some((header, claims)) = decoded else {
        out.push(Line::styled(
            "opaque (not a JWT): only the provider can read it",
            theme::dim(),
        ));
        return;
    };
    out.extend(field(
        "header",
        &visible(&header.to_string()),
        column,
        width,
        theme::key(),
    ));
    if let Value::Object(map) = claims {
        for (name, v) in map {
            let text = match (TIME_CLAIMS.contains(&name.as_str()), v.as_i64()) {
                (true, Some(secs)) => match Utc.timestamp_opt(secs, 0).single() {
                    Some(at) => time(model, at),
                    None => v.to_string(),
                },
                _ => match &v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                },
            };
            out.extend(field(
                &visible(&name),
                &visible(&text),
                column,
                width,
                theme::key(),
            ));
        }
    }
}

/// Each API's own token: its audience, scopes, expiry, renewals, and its
/// value masked as the others are.
fn api_tokens(out: &mut Vec<Line<'static>>, model: &Model, dash: &Dashboard, width: usize) {
    let tokens = &dash.session.apis.tokens;
    if tokens.is_empty() {
        out.push(Line::styled(
            "none yet: a panel naming an API gets a token for it when it opens",
            theme::dim(),
        ));
        return;
    }
    let column = column_for(std::iter::empty());
    for (i, t) in tokens.iter().enumerate() {
        if i > 0 {
            out.push(Line::raw(""));
        }
        let value = if dash.reveal_tokens {
            visible(t.secret()).into_owned()
        } else {
            format!("•••••••• ({} characters; v reveals)", t.secret().len())
        };
        let audience = if t.audience.is_empty() {
            "— (opaque: only the API reads it)".to_owned()
        } else {
            t.audience.join(", ")
        };
        let expires = t
            .expires_at
            .map_or_else(|| "— (not said)".to_owned(), |at| time(model, at));
        let renewals = match t.renewals {
            0 => format!("none (obtained {})", time(model, t.obtained_at)),
            n => format!("{n} (last {})", time(model, t.obtained_at)),
        };
        let org = t.org.as_ref().map(|o| ("organization", o.clone()));
        let rows = [
            Some(("api", t.resource.clone())),
            org,
            Some(("audience", audience)),
            Some(("scopes", t.scopes.join(" "))),
            Some(("expires", expires)),
            Some(("renewals", renewals)),
            Some(("value", value)),
        ];
        for (label, text) in rows.into_iter().flatten() {
            out.extend(field(label, &visible(&text), column, width, theme::key()));
        }
    }
}

/// "2025-03-14 09:26:53 (in 4 min)": the countdowns run with the clock.
fn time(model: &Model, at: DateTime<Utc>) -> String {
    format!("{} ({})", clock(model, at), relative(model.now, at))
}
