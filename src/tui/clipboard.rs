//! Copy to the person's own clipboard through the terminal (OSC 52): it
//! reaches the local machine over SSH, and through tmux (which passes it
//! on with `set-clipboard on`). Links are OSC 8 hyperlinks.

use base64::Engine as _;

/// The OSC 52 sequence that puts `text` on the clipboard. Control
/// characters but the tab (a copied table row's separator) are dropped
/// first: a provider's code never carries an escape to the terminal.
pub fn osc52(text: &str) -> String {
    let clean: String = text
        .chars()
        .filter(|c| !c.is_control() || *c == '\t')
        .collect();
    let encoded = base64::engine::general_purpose::STANDARD.encode(clean);
    format!("\x1b]52;c;{encoded}\x07")
}

#[cfg(test)]
mod tests {
    use super::osc52;

    #[test]
    fn osc52_carries_the_text_base64_and_no_control_characters() {
        assert_eq!(osc52("WDJB-MJHT"), "\x1b]52;c;V0RKQi1NSkhU\x07");
        assert_eq!(osc52("A\x1b]0;x\x07B"), osc52("A]0;xB"));
        // A table row keeps its tabs.
        assert_eq!(osc52("a\tb"), "\x1b]52;c;YQli\x07");
    }
}
