//! Text from a provider made safe to print: a claim, an org name or an
//! error description holding ESC could clear the screen, retitle the
//! window or fake a prompt, and a bidi override could make a name read
//! backwards. Such characters are shown as `\u{..}` instead.

use std::borrow::Cow;
use std::fmt::Write as _;

/// `text` with every control character (C0 — tab and newline included —,
/// DEL, C1) and every bidi embedding/override/isolate (U+202A–U+202E,
/// U+2066–U+2069) written as `\u{hex}`; borrowed when there is none.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            // Writing to a String cannot fail.
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// What a JSON value is ("a string", "an array", …), without a word of
/// it: for messages about a provider's or an API's answer, which may hold
/// a token.
pub(crate) fn json_type(value: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::visible;
    use std::borrow::Cow;

    #[test]
    fn an_escape_sequence_that_would_clear_the_screen_is_shown_not_run() {
        assert_eq!(visible("Ann\u{1b}[2J"), "Ann\\u{1b}[2J");
    }

    #[test]
    fn every_c0_del_and_c1_character_is_escaped() {
        for code in (0u32..0x20).chain(0x7f..0xa0) {
            let c = char::from_u32(code).unwrap_or_default();
            let shown = visible(&c.to_string()).into_owned();
            assert_eq!(shown, format!("\\u{{{code:x}}}"), "U+{code:04X}");
        }
    }

    #[test]
    fn newline_and_tab_cannot_break_a_line_in_a_table() {
        assert_eq!(visible("a\nb\tc\r"), "a\\u{a}b\\u{9}c\\u{d}");
    }

    #[test]
    fn bidi_overrides_and_isolates_cannot_reorder_a_name() {
        assert_eq!(visible("admin\u{202e}txt.exe"), "admin\\u{202e}txt.exe");
        for code in (0x202a..=0x202e).chain(0x2066..=0x2069) {
            let c = char::from_u32(code).unwrap_or_default();
            assert_eq!(visible(&c.to_string()), format!("\\u{{{code:x}}}"));
        }
    }

    #[test]
    fn an_eight_bit_csi_is_escaped() {
        // U+009B is CSI on terminals that honour C1 controls.
        assert_eq!(visible("x\u{9b}31m"), "x\\u{9b}31m");
    }

    #[test]
    fn ordinary_text_is_borrowed_unchanged() {
        let text = "Zoë Ünal <zoe@example.com> 組織 🙂 a\\u{1b}";
        assert!(matches!(visible(text), Cow::Borrowed(t) if t == text));
    }
}
