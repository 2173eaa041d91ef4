//! Text for the login screens, laid out before it is drawn: sentences
//! wrapped at word boundaries to a known width (so a box is sized to what
//! it holds and a sentence never ends cut off below its box), and
//! addresses kept on one line, cut in the middle with `…` where they do
//! not fit, and made OSC 8 links to the whole address.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Where an address was drawn, to make it a link once it is on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Link {
    line: usize,
    x: u16,
    width: u16,
    url: String,
}

/// Lines for one width, and the links among them.
#[derive(Debug, Default)]
pub(crate) struct Text {
    width: usize,
    lines: Vec<Line<'static>>,
    links: Vec<Link>,
    /// Lines drawn to the right of the text (a QR code), 2 columns apart.
    side: Vec<Line<'static>>,
}

impl Text {
    pub(crate) fn new(width: u16) -> Self {
        Self {
            width: usize::from(width.max(1)),
            ..Self::default()
        }
    }

    pub(crate) fn width(&self) -> usize {
        self.width
    }

    pub(crate) fn height(&self) -> u16 {
        u16::try_from(self.lines.len().max(self.side.len())).unwrap_or(u16::MAX)
    }

    /// `other`'s lines (and links) after these; its lines beside, where
    /// these have none (drawn from the top: for a first paragraph).
    fn append(&mut self, other: Text) {
        if self.side.is_empty() {
            self.side = other.side;
        }
        let at = self.lines.len();
        self.links.extend(other.links.into_iter().map(|l| Link {
            line: l.line + at,
            ..l
        }));
        self.lines.extend(other.lines);
    }

    /// Paragraphs, a blank line apart, as many as fit in `height` rows
    /// from the first (which is kept, cut, if even it does not fit): a
    /// paragraph is shown whole or not at all.
    pub(crate) fn paragraphs(width: u16, parts: Vec<Text>, height: u16) -> Text {
        let mut text = Text::new(width);
        for part in parts {
            let gap = u16::from(!text.lines.is_empty());
            if !text.lines.is_empty() && text.height() + gap + part.height() > height {
                break;
            }
            if gap > 0 {
                text.blank();
            }
            text.append(part);
        }
        text
    }

    /// Draw `lines` to the right of the text (laid out for the width that
    /// is left of them).
    pub(crate) fn beside(&mut self, lines: Vec<Line<'static>>) {
        self.side = lines;
    }

    pub(crate) fn blank(&mut self) {
        self.lines.push(Line::raw(""));
    }

    /// A line as it is (cut with `…` where it is too wide).
    pub(crate) fn line(&mut self, line: Line<'static>) {
        if line.width() <= self.width {
            self.lines.push(line);
        } else {
            let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
            let style = line.spans.first().map(|s| s.style).unwrap_or_default();
            self.lines.push(Line::styled(
                super::text::truncate(&text, self.width),
                style,
            ));
        }
    }

    /// Spans wrapped at spaces into as many lines as they need, each
    /// continued line indented by `hang` columns.
    pub(crate) fn wrap(&mut self, spans: Vec<Span<'static>>, hang: usize) {
        self.lines.extend(wrap_spans(&spans, self.width, hang));
    }

    /// One styled sentence, wrapped.
    pub(crate) fn say(&mut self, text: impl Into<String>, style: Style) {
        self.wrap(vec![Span::styled(text.into(), style)], 0);
    }

    /// Sentences of `text`, wrapped, as many from the first as fit in
    /// `rows` (at least the first): a small terminal drops the last
    /// sentences, never half of one.
    pub(crate) fn say_fitting(&mut self, text: &str, style: Style, rows: usize) {
        let sentences: Vec<&str> = text.split_inclusive(". ").collect();
        for take in (1..=sentences.len()).rev() {
            let shown = sentences[..take].concat();
            let lines = wrap_spans(
                &[Span::styled(shown.trim_end().to_owned(), style)],
                self.width,
                0,
            );
            if lines.len() <= rows || take == 1 {
                self.lines.extend(lines);
                return;
            }
        }
    }

    /// `text` wrapped into at most `rows` lines, the last ending in `…`
    /// where there was more (a cause quoted from elsewhere, which has no
    /// sentences of ours to drop).
    pub(crate) fn say_within(&mut self, text: &str, style: Style, rows: usize) {
        let mut lines = wrap_spans(&[Span::styled(text.to_owned(), style)], self.width, 0);
        if lines.len() > rows.max(1) {
            lines.truncate(rows.max(1));
            if let Some(last) = lines.last_mut() {
                let shown: String = last.spans.iter().map(|s| s.content.as_ref()).collect();
                let cut = super::text::truncate(&format!("{shown}  "), self.width);
                let cut = if cut.ends_with('…') {
                    cut
                } else {
                    format!("{}…", shown.trim_end())
                };
                *last = Line::styled(cut, style);
            }
        }
        self.lines.extend(lines);
    }

    /// `url` on one line after `indent` columns: whole where it fits, else
    /// cut in the middle with `…`; a link to the whole address either way.
    pub(crate) fn url(&mut self, indent: usize, url: &str, style: Style) {
        let room = self.width.saturating_sub(indent).max(1);
        let shown = middle_cut(url, room);
        let width = u16::try_from(shown.width()).unwrap_or(u16::MAX);
        self.links.push(Link {
            line: self.lines.len(),
            x: u16::try_from(indent).unwrap_or(0),
            width,
            url: url.to_owned(),
        });
        self.lines.push(Line::from(vec![
            Span::raw(" ".repeat(indent)),
            Span::styled(shown, style),
        ]));
    }

    /// Draw into `area` (the lines as laid out, from the top); the links
    /// that were drawn whole become OSC 8 hyperlinks with `hyperlinks`.
    pub(crate) fn draw(self, frame: &mut Frame, area: Rect, hyperlinks: bool) {
        let side_width =
            u16::try_from(self.side.iter().map(Line::width).max().unwrap_or(0)).unwrap_or(u16::MAX);
        let mut area = area;
        if side_width > 0 {
            let x = area.right().saturating_sub(side_width).max(area.x);
            let side = Rect::new(x, area.y, area.right() - x, area.height);
            frame.render_widget(Paragraph::new(self.side), side);
            area.width = area.width.saturating_sub(side_width + 2);
        }
        frame.render_widget(Paragraph::new(self.lines), area);
        if !hyperlinks {
            return;
        }
        for link in self.links {
            let Ok(line) = u16::try_from(link.line) else {
                continue;
            };
            let row = Rect::new(area.x + link.x, area.y + line, link.width, 1);
            if row.bottom() <= area.bottom() && row.right() <= area.right() {
                super::text::hyperlink(frame.buffer_mut(), row, &link.url);
            }
        }
    }
}

/// `text` in at most `width` columns: whole, or its start and its end
/// around a `…` (the start a little longer: the host and path say most).
pub(crate) fn middle_cut(text: &str, width: usize) -> String {
    let text: String = text.chars().filter(|c| !c.is_control()).collect();
    if text.width() <= width {
        return text;
    }
    if width <= 1 {
        return "…".repeat(width);
    }
    let room = width - 1;
    let tail_room = room * 2 / 5;
    let head_room = room - tail_room;
    let mut head = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > head_room {
            break;
        }
        head.push(c);
        used += w;
    }
    let mut tail = Vec::new();
    let mut used_tail = 0;
    for c in text.chars().rev() {
        let w = c.width().unwrap_or(0);
        if used_tail + w > room - used {
            break;
        }
        tail.push(c);
        used_tail += w;
    }
    let tail: String = tail.into_iter().rev().collect();
    format!("{head}…{tail}")
}

/// `text`'s end in at most `width` columns, `…` first where cut (a field
/// whose newest letters matter).
pub(crate) fn tail_cut(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    let mut tail = Vec::new();
    let mut used = 1;
    for c in text.chars().rev() {
        let w = c.width().unwrap_or(0);
        if used + w > width {
            break;
        }
        tail.push(c);
        used += w;
    }
    let tail: String = tail.into_iter().rev().collect();
    format!("…{tail}")
}

/// Greedy word wrap of styled spans; a word wider than a line is cut
/// across lines by columns.
fn wrap_spans(spans: &[Span<'static>], width: usize, hang: usize) -> Vec<Line<'static>> {
    let width = width.max(1);
    let hang = if hang >= width { 0 } else { hang };
    // Words with the spaces before them, each keeping its span's style.
    let mut words: Vec<(String, String, Style)> = Vec::new();
    for span in spans {
        let mut space = String::new();
        let mut word = String::new();
        for c in span.content.chars() {
            if c == ' ' {
                if !word.is_empty() {
                    words.push((
                        std::mem::take(&mut space),
                        std::mem::take(&mut word),
                        span.style,
                    ));
                }
                space.push(' ');
            } else {
                word.push(c);
            }
        }
        if !word.is_empty() || !space.is_empty() {
            words.push((space, word, span.style));
        }
    }
    let mut lines = Vec::new();
    let mut line: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    // Whether the line holds a word yet (a hang or leading spaces do not
    // count: a line is never broken before its first word).
    let mut started = false;
    let new_line = |lines: &mut Vec<Line<'static>>, line: &mut Vec<Span<'static>>| {
        lines.push(Line::from(std::mem::take(line)));
        line.push(Span::raw(" ".repeat(hang)));
        hang
    };
    for (space, word, style) in words {
        if started && used + space.width() + word.width() > width {
            // The space at the break is dropped.
            used = new_line(&mut lines, &mut line);
            started = false;
        } else if !space.is_empty() {
            used += space.width();
            line.push(Span::styled(space, style));
        }
        // A word longer than a whole line: cut by columns.
        let mut rest = word.as_str();
        while used + rest.width() > width {
            let mut cut = String::new();
            let mut w = 0;
            for c in rest.chars() {
                let cw = c.width().unwrap_or(0);
                if used + w + cw > width {
                    break;
                }
                cut.push(c);
                w += cw;
            }
            if cut.is_empty() && !started {
                // Not even one character fits after the hang: drop it.
                rest = "";
                break;
            }
            rest = &rest[cut.len()..];
            if !cut.is_empty() {
                line.push(Span::styled(cut, style));
            }
            used = new_line(&mut lines, &mut line);
            started = false;
        }
        if !rest.is_empty() {
            line.push(Span::styled(rest.to_owned(), style));
            used += rest.width();
            started = true;
        }
    }
    let hung = line.len() == 1 && hang > 0 && !started;
    if !hung || lines.is_empty() {
        lines.push(Line::from(line));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn wraps_at_spaces_and_ends_every_sentence() {
        let lines = wrap_spans(
            &[Span::raw(
                "If nothing appeared, open this address yourself:",
            )],
            20,
            0,
        );
        assert_eq!(
            plain(&lines),
            ["If nothing appeared,", "open this address", "yourself:"]
        );
    }

    #[test]
    fn keeps_styles_and_hangs_continued_lines() {
        let bold = Style::new().bold();
        let lines = wrap_spans(
            &[
                Span::raw("1. Open "),
                Span::styled("this address now", bold),
            ],
            12,
            3,
        );
        assert_eq!(plain(&lines), ["1. Open this", "   address", "   now"]);
        assert_eq!(lines[1].spans.last().map(|s| s.style), Some(bold));
    }

    #[test]
    fn drops_whole_sentences_that_do_not_fit() {
        let mut text = Text::new(20);
        text.say_fitting(
            "Pick a user next. Then it signs in. No browser.",
            Style::new(),
            2,
        );
        assert_eq!(
            plain(&text.lines),
            ["Pick a user next.", "Then it signs in."]
        );
        let mut text = Text::new(20);
        text.say_fitting("Pick a user next. Then it signs in.", Style::new(), 9);
        assert_eq!(
            plain(&text.lines),
            ["Pick a user next.", "Then it signs in."]
        );
    }

    #[test]
    fn a_cause_too_long_ends_in_an_ellipsis() {
        let mut text = Text::new(12);
        text.say_within("cannot reach sso.invalid: dns error", Style::new(), 2);
        assert_eq!(plain(&text.lines), ["cannot reach", "sso.invalid…"]);
        let mut text = Text::new(12);
        text.say_within("dns error", Style::new(), 2);
        assert_eq!(plain(&text.lines), ["dns error"]);
    }

    #[test]
    fn cuts_a_word_wider_than_the_line() {
        let lines = wrap_spans(&[Span::raw("go abcdefghij")], 4, 0);
        assert_eq!(plain(&lines), ["go", "abcd", "efgh", "ij"]);
        for line in &lines {
            assert!(line.width() <= 4, "{line:?}");
        }
    }

    #[test]
    fn cuts_addresses_in_the_middle_by_columns() {
        let url = "http://127.0.0.1:4040/authorize?state=abc&nonce=xyz";
        assert_eq!(middle_cut(url, 80), url);
        let cut = middle_cut(url, 20);
        assert_eq!(cut.width(), 20, "{cut}");
        // Three fifths for the start, the rest for the end.
        assert_eq!(cut, "http://127.0…nce=xyz");
        assert!(cut.contains('…'));
        assert_eq!(middle_cut("a\u{1b}[2Jb", 10), "a[2Jb");
        assert_eq!(tail_cut("http://x/callback?code=1", 10), "…ck?code=1");
        assert_eq!(tail_cut("short", 10), "short");
    }
}
