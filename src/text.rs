//! Text from a provider, made safe for a terminal.

use std::borrow::Cow;

/// `s` with every control character (C0, DEL, C1) and bidirectional
/// override made visible as `\u{…}`, so that nothing a provider sends can
/// move the cursor, clear the screen or reorder what is shown.
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(hidden) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if hidden(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn hidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::visible;

    #[test]
    fn escapes_and_overrides_become_visible() {
        assert_eq!(visible("plain Ünïcode 日本"), "plain Ünïcode 日本");
        assert_eq!(visible("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(visible("x\u{9b}y\u{7f}"), "x\\u{9b}y\\u{7f}");
        assert_eq!(visible("evil\u{202e}txt.exe"), "evil\\u{202e}txt.exe");
        assert_eq!(visible("line\nbreak"), "line\\u{a}break");
    }
}
