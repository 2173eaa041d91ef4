//! Text that must fit: cut with an ellipsis by display width, so CJK,
//! emoji and combining characters keep columns aligned.

use std::num::NonZeroU16;

use ratatui::buffer::{Buffer, CellDiffOption};
use ratatui::layout::Rect;
use unicode_width::UnicodeWidthStr;

/// Make the cells of `row` (one line, already drawn) an OSC 8 hyperlink to
/// `url`: the opening sequence rides in the first cell, the closing one in
/// the last, each forced to one column so the layout does not move. The
/// text stays as drawn, selectable as plain text.
pub fn hyperlink(buf: &mut Buffer, row: Rect, url: &str) {
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

/// `text` in at most `width` columns, ending in `…` when cut.
pub fn truncate(text: &str, width: usize) -> String {
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

#[cfg(test)]
mod tests {
    use super::truncate;
    use unicode_width::UnicodeWidthStr;

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
