//! Text that must fit: cut with an ellipsis by display width, so CJK,
//! emoji and combining characters keep columns aligned.

use std::num::NonZeroU16;

use ratatui::buffer::{Buffer, CellDiffOption};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use crate::tui::theme;

/// Make the cells of `row` (one line, already drawn) an OSC 8 hyperlink to
/// `url`: the opening sequence rides in the first cell, the closing one in
/// the last, each forced to one column so the layout does not move. The
/// text stays as drawn, selectable as plain text.
pub(crate) fn hyperlink(buf: &mut Buffer, row: Rect, url: &str) {
    let url: String = url.chars().filter(|c| !c.is_control()).collect();
    let Some(last) = row.width.checked_sub(1) else {
        return;
    };
    let one = CellDiffOption::ForcedWidth(NonZeroU16::MIN);
    let (first, end) = ((row.x, row.y), (row.x + last, row.y));
    if let Some(cell) = buf.cell_mut(first) {
        let symbol = format!("\x1b]8;;{url}\x1b\\{}", cell.symbol());
        cell.set_symbol(&symbol).set_diff_option(one);
    }
    if let Some(cell) = buf.cell_mut(end) {
        let symbol = format!("{}\x1b]8;;\x1b\\", cell.symbol());
        cell.set_symbol(&symbol).set_diff_option(one);
    }
}

/// `text` as spans in `style`, the chars at `positions` (sorted, as
/// [`crate::tui::fuzzy::Query::positions`] gives them) marked as matched.
pub(crate) fn marked(text: &str, positions: &[usize], style: Style) -> Vec<Span<'static>> {
    if positions.is_empty() {
        return vec![Span::styled(text.to_owned(), style)];
    }
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut run = String::new();
    let mut run_marked = false;
    let mut next = positions.iter().peekable();
    for (i, ch) in text.chars().enumerate() {
        let hit = next.peek() == Some(&&i);
        if hit {
            next.next();
        }
        if hit != run_marked && !run.is_empty() {
            let s = if run_marked {
                style.patch(theme::matched())
            } else {
                style
            };
            spans.push(Span::styled(std::mem::take(&mut run), s));
        }
        run_marked = hit;
        run.push(ch);
    }
    if !run.is_empty() {
        let s = if run_marked {
            style.patch(theme::matched())
        } else {
            style
        };
        spans.push(Span::styled(run, s));
    }
    spans
}

/// `text` word-wrapped to `width` columns, every line after the first
/// indented by `indent` columns, so a wrapped value stays under its column.
/// A word longer than its line (a path, an address) is broken after one
/// of its separators when that fills at least half the line and costs the
/// word no extra line (so `…/demo/` + `sessions.json`, not `…/sessions.jso`
/// + `n`), else where the line ends ([`break_point`]).
pub(crate) fn hanging(text: &str, first: usize, indent: usize, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut room = width.saturating_sub(first).max(1);
    // The room of every line after the first.
    let fresh = width.saturating_sub(indent).max(1);
    let mut used = 0;
    let mut push = |line: &mut String, used: &mut usize, room: &mut usize| {
        lines.push(std::mem::take(line));
        *used = 0;
        *room = fresh;
    };
    for word in text.split(' ') {
        let w = word.width();
        if used > 0 && used + 1 + w > room {
            push(&mut line, &mut used, &mut room);
        }
        if used > 0 {
            line.push(' ');
            used += 1;
        }
        let mut rest = word;
        while rest.width() > room.saturating_sub(used) {
            let at = break_point(rest, room.saturating_sub(used), fresh, used == 0);
            let (head, tail) = rest.split_at(at);
            line.push_str(head);
            used += head.width();
            rest = tail;
            if rest.is_empty() {
                break;
            }
            push(&mut line, &mut used, &mut room);
        }
        line.push_str(rest);
        used += rest.width();
    }
    lines.push(line);
    let pad = " ".repeat(indent);
    lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| if i == 0 { l } else { format!("{pad}{l}") })
        .collect()
}

/// Where to break `word`, too long for the `room` columns left on its
/// line, the lines after it having `fresh` columns: after its last
/// separator that fits (a path's or an address's `/`, `?`, `&` first; then
/// `-`, `_`, `.`, `,`, `@`), when that fills at least half the room and
/// the word takes no more lines for it; else after as many characters as
/// fit (at least one on an empty line, so the wrap always moves on). A
/// byte index.
fn break_point(word: &str, room: usize, fresh: usize, empty_line: bool) -> usize {
    const STRONG: &[char] = &['/', '\\', '?', '&', '#', '='];
    const WEAK: &[char] = &['-', '_', '.', ',', '@', ':'];
    let total = word.width();
    let lines_after = |used: usize| (total - used).div_ceil(fresh.max(1));
    let mut used = 0;
    let mut fits = (0, 0);
    let (mut strong, mut weak) = (None, None);
    for (i, ch) in word.char_indices() {
        let w = unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0);
        if used + w > room {
            break;
        }
        used += w;
        fits = (i + ch.len_utf8(), used);
        if fits.0 < word.len() && 2 * used >= room {
            if STRONG.contains(&ch) {
                strong = Some(fits);
            } else if WEAK.contains(&ch) {
                weak = Some(fits);
            }
        }
    }
    match strong.or(weak) {
        Some((at, used)) if lines_after(used) <= lines_after(fits.1) => at,
        _ if fits.0 > 0 || !empty_line => fits.0,
        _ => word.chars().next().map_or(word.len(), char::len_utf8),
    }
}

/// `text` in at most `width` columns, ending in `…` when cut.
pub(crate) fn truncate(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for ch in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        out.push(ch);
        used += w;
    }
    out.push('…');
    out
}

/// A label in `style` and its value, the value wrapped under itself from
/// `column` (a label too long for its column is cut with …).
pub(super) fn field(
    name: &str,
    value: &str,
    column: usize,
    width: usize,
    style: Style,
) -> Vec<Line<'static>> {
    let label = truncate(name, column.saturating_sub(2));
    hanging(value, column, column, width)
        .into_iter()
        .enumerate()
        .map(|(i, text)| {
            let head = if i == 0 {
                Span::styled(format!("{label:<column$}"), style)
            } else {
                Span::raw("")
            };
            Line::from(vec![head, Span::raw(text)])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{hanging, marked, truncate};
    use ratatui::style::Style;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn wrapped_lines_hang_under_their_column() {
        let lines = hanging(
            "can_view_billing, can_manage_billing, can_view_admin",
            13,
            13,
            60,
        );
        assert_eq!(
            lines,
            [
                "can_view_billing, can_manage_billing,",
                "             can_view_admin",
            ]
        );
        // A word longer than the room is broken, never lost.
        let lines = hanging("abcdefghij", 0, 2, 6);
        assert_eq!(lines, ["abcdef", "  ghij"]);
        assert_eq!(hanging("", 4, 4, 10), [""]);
    }

    #[test]
    fn a_path_longer_than_the_line_breaks_after_a_separator() {
        let lines = hanging(
            "/tmp/h/d/authdash/demo/sessions.json, encrypted with key file",
            10,
            10,
            42,
        );
        assert_eq!(
            lines,
            [
                "/tmp/h/d/authdash/demo/",
                "          sessions.json, encrypted with",
                "          key file",
            ]
        );
        // A separator too near the start would leave the line nearly
        // empty: the break falls where the line ends.
        assert_eq!(hanging("/abcdefghijkl", 0, 0, 8), ["/abcdefg", "hijkl"]);
        // A break that would cost the word a line falls where the line
        // ends: a UUID in two lines, not three.
        assert_eq!(
            hanging("0b6e2a1c-3f4d-4e5a-9b8c-7d6e5f4a3b21", 0, 0, 18),
            ["0b6e2a1c-3f4d-4e5a", "-9b8c-7d6e5f4a3b21"]
        );
        assert_eq!(
            hanging("0b6e2a1c-3f4d-4e5a-9b8c-7d6e5f4a3b21", 0, 0, 24),
            ["0b6e2a1c-3f4d-4e5a-9b8c-", "7d6e5f4a3b21"]
        );
        // A wide character that cannot fit an empty line still goes on it.
        assert_eq!(hanging("株株", 0, 0, 1), ["株", "株"]);
        // Nothing is lost or repeated, whatever the width.
        let text = "https://idp.example.com/realms/acme/protocol/openid-connect/auth?x=1&y=2 end";
        for width in 1..40 {
            let joined: String = hanging(text, 0, 0, width)
                .iter()
                .map(|l| l.replace(' ', ""))
                .collect();
            assert_eq!(joined, text.replace(' ', ""), "width {width}");
            for line in hanging(text, 0, 0, width) {
                assert!(line.width() <= width.max(2), "{line:?} at {width}");
            }
        }
    }

    #[test]
    fn matched_letters_are_their_own_spans() {
        let spans = marked("Globex", &[0, 5], Style::new());
        let texts: Vec<&str> = spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(texts, ["G", "lobe", "x"]);
        assert_eq!(spans[0].style, crate::tui::theme::matched());
        assert_eq!(spans[1].style, Style::new());
        assert_eq!(marked("Acme", &[], Style::new()).len(), 1);
    }

    #[test]
    fn cuts_by_columns_with_an_ellipsis() {
        assert_eq!(truncate("alice@example.com", 8), "alice@e…");
        assert_eq!(truncate("short", 8), "short");
        // Two columns per CJK character: never past the width.
        let cut = truncate("株式会社グローバル", 7);
        assert!(cut.width() <= 7, "{cut}");
        assert!(cut.ends_with('…'));
        // A combining accent takes no column.
        assert_eq!(truncate("e\u{301}cole", 10), "e\u{301}cole");
    }
}
