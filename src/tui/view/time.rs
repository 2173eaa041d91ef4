use chrono::{DateTime, Local, Utc};

use crate::tui::model::Model;

/// A moment as the person reads it: their local time, or UTC in tests.
pub(crate) fn clock(model: &Model, at: DateTime<Utc>) -> String {
    if model.utc {
        at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
    } else {
        at.with_timezone(&Local)
            .format("%Y-%m-%d %H:%M:%S %Z")
            .to_string()
    }
}

/// "in 9 min", "3 h ago", "just now".
pub(crate) fn relative(now: DateTime<Utc>, at: DateTime<Utc>) -> String {
    let secs = (at - now).num_seconds();
    if secs == 0 {
        return "just now".into();
    }
    let span = |s: i64| {
        let s = s.abs();
        if s < 60 {
            format!("{s} s")
        } else if s < 3600 {
            format!("{} min", s / 60)
        } else if s < 86_400 * 2 {
            format!("{} h {} min", s / 3600, (s % 3600) / 60)
        } else {
            format!("{} days", s / 86_400)
        }
    };
    if secs >= 0 {
        format!("in {}", span(secs))
    } else {
        format!("{} ago", span(secs))
    }
}
