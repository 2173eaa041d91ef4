//! The report as text (one line per check, its fix beneath) or JSON.

use std::io::Write;

use serde_json::json;

use super::{Report, Status};

pub(super) fn text(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let width = report
        .checks
        .iter()
        .map(|c| c.name.len())
        .max()
        .unwrap_or(0);
    let mut section: Option<&str> = None;
    for check in &report.checks {
        if section != Some(check.section.as_str()) {
            if section.is_some() {
                writeln!(out)?;
            }
            writeln!(out, "{}", check.section)?;
            section = Some(&check.section);
        }
        writeln!(
            out,
            "  {:<4}  {:<width$}  {}",
            check.status.as_str(),
            check.name,
            shown(&check.detail)
        )?;
        if let Some(fix) = check.fix.as_deref().filter(|_| check.status != Status::Ok) {
            writeln!(out, "  {:<4}  {:<width$}  fix: {}", "", "", shown(fix))?;
        }
    }
    writeln!(
        out,
        "\n{} ok, {} warn, {} fail",
        report.count(Status::Ok),
        report.count(Status::Warn),
        report.count(Status::Fail)
    )
}

/// A check's text may quote the provider (error descriptions, issuers):
/// its control characters are made visible, line by line.
fn shown(text: &str) -> String {
    text.split('\n')
        .map(|line| crate::identity::visible(line).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

pub(super) fn json(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let value = json!({
        "ok": report.count(Status::Fail) == 0,
        "counts": {
            "ok": report.count(Status::Ok),
            "warn": report.count(Status::Warn),
            "fail": report.count(Status::Fail),
        },
        "checks": report.checks,
    });
    writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(&value).unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    use super::shown;

    #[test]
    fn a_providers_escape_sequences_are_shown_not_obeyed() {
        assert_eq!(
            shown("answered HTTP 400: \u{1b}[2Jgone\nsecond line"),
            "answered HTTP 400: \\u{1b}[2Jgone\nsecond line"
        );
    }
}
