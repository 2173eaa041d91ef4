//! The Session inspector: the ID token and the access token (when a JWT)
//! decoded, every claim with times local and relative, the verification
//! result, live countdowns, the last renewals, the provider's discovery
//! summary. Token values are masked unless revealed with `v`; nothing
//! here is logged.

use chrono::{DateTime, TimeZone, Utc};
use ratatui::text::{Line, Span};
use secrecy::ExposeSecret;
use serde_json::Value;

use super::time::{clock, relative};
use crate::identity::visible;
use crate::session::decode_jwt;
use crate::tui::model::{Dashboard, Model};
use crate::tui::theme;

/// Claims that are times (seconds since the epoch).
const TIME_CLAIMS: [&str; 5] = ["exp", "iat", "nbf", "auth_time", "updated_at"];

pub fn lines(model: &Model, dash: &Dashboard) -> Vec<Line<'static>> {
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
    token(&mut out, model, dash, s.tokens.id_token.expose_secret());
    heading(&mut out, "Access token");
    token(&mut out, model, dash, s.access_token());

    heading(&mut out, "Last renewals");
    if dash.renewals.is_empty() {
        out.push(Line::styled("none in this run", theme::dim()));
    }
    for r in dash.renewals.iter().rev() {
        let took = if r.took_ms >= 0 {
            format!("{} ms", r.took_ms)
        } else {
            "during a panel fetch".to_owned()
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
        Some(Err(e)) if e.ends_with('…') => {
            out.push(Line::styled(format!("Discovery: {e}"), theme::warn()))
        }
        Some(Err(e)) => out.push(Line::styled(
            format!("Could not be read: {}", visible(e)),
            theme::error(),
        )),
        Some(Ok(rows)) => {
            for (label, value) in rows {
                out.push(Line::from(vec![
                    Span::styled(format!("{label:<15}"), theme::key()),
                    Span::raw(visible(value).into_owned()),
                ]));
            }
        }
    }
    out
}

fn token(out: &mut Vec<Line<'static>>, model: &Model, dash: &Dashboard, value: &str) {
    let shown = if dash.reveal_tokens {
        visible(value).into_owned()
    } else {
        format!("•••••••• ({} characters; v reveals)", value.len())
    };
    out.push(Line::from(vec![
        Span::styled(format!("{:<15}", "value"), theme::key()),
        Span::raw(shown),
    ]));
    let Some((header, claims)) = decode_jwt(value) else {
        out.push(Line::styled(
            "opaque (not a JWT): only the provider can read it",
            theme::dim(),
        ));
        return;
    };
    out.push(Line::from(vec![
        Span::styled(format!("{:<15}", "header"), theme::key()),
        Span::raw(visible(&header.to_string()).into_owned()),
    ]));
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
            out.push(Line::from(vec![
                Span::styled(format!("{:<15}", visible(&name)), theme::key()),
                Span::raw(visible(&text).into_owned()),
            ]));
        }
    }
}

/// "2025-03-14 09:26:53 (in 4 min)": the countdowns run with the clock.
fn time(model: &Model, at: DateTime<Utc>) -> String {
    format!("{} ({})", clock(model, at), relative(model.now, at))
}
