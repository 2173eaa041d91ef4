//! Fuzzy matching for every list that `/` filters and for the palette:
//! one matcher (nucleo's, as helix and television use), so that "glob"
//! finds Globex the same way in the organizations, the menu and the
//! palette. Each word typed must match, in any order; word starts and runs
//! of adjacent letters rank higher. A line may hold several fields
//! separated by [`FIELD`] (an account's email and provider): a word
//! matches within one field, never across two, so "ali" finds Alice but
//! not "bob@example.com" + "Demo provider". Table rows are the exception: their
//! cells are searched as substrings (`panels` decides that).

use std::cell::RefCell;

use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

/// Separates the fields of a line.
pub(crate) const FIELD: char = '\t';

thread_local! {
    // Some 135 KB of scratch space: made once per thread, not per key.
    static MATCHER: RefCell<Matcher> = RefCell::new(Matcher::new(Config::DEFAULT));
}

/// What the person typed, parsed once for many lines.
#[derive(Debug)]
pub(crate) struct Query {
    pattern: Pattern,
    empty: bool,
}

impl Query {
    /// Every word of `text` matched on its own; no character is special
    /// (an organization may be called `!Acme` or `^up`).
    pub(crate) fn new(text: &str) -> Self {
        Self {
            pattern: Pattern::new(
                text,
                CaseMatching::Ignore,
                Normalization::Smart,
                AtomKind::Fuzzy,
            ),
            empty: text.trim().is_empty(),
        }
    }

    /// Matches every line.
    pub(crate) fn is_empty(&self) -> bool {
        self.empty
    }

    /// How well `line` matches; `None` when it does not. Each word counts
    /// with its best field.
    pub(crate) fn score(&self, line: &str) -> Option<u32> {
        if self.empty {
            return Some(0);
        }
        let fields: Vec<(&str, Vec<char>)> = line
            .split(FIELD)
            .map(|f| (f, f.chars().collect()))
            .collect();
        MATCHER.with(|m| {
            let matcher = &mut m.borrow_mut();
            let mut total = 0;
            for atom in &self.pattern.atoms {
                total += fields
                    .iter()
                    .filter_map(|(f, chars)| atom.score(haystack(f, chars), matcher))
                    .max()? as u32;
            }
            Some(total)
        })
    }

    /// The positions (in chars) of the letters that matched in `text`
    /// (one field), in order, to mark them on screen.
    pub(crate) fn positions(&self, text: &str) -> Vec<usize> {
        if self.empty {
            return Vec::new();
        }
        let chars: Vec<char> = text.chars().collect();
        let mut indices = Vec::new();
        MATCHER.with(|m| {
            let matcher = &mut m.borrow_mut();
            for atom in &self.pattern.atoms {
                // A word that matches in another field marks nothing here.
                let mut found = Vec::new();
                if atom
                    .indices(haystack(text, &chars), matcher, &mut found)
                    .is_some()
                {
                    indices.extend(found);
                }
            }
        });
        let mut positions: Vec<usize> = indices.into_iter().map(|i| i as usize).collect();
        positions.sort_unstable();
        positions.dedup();
        positions
    }

    /// The indexes of the lines that match, in their order.
    pub(crate) fn matching<'a>(&self, lines: impl IntoIterator<Item = &'a str>) -> Vec<usize> {
        lines
            .into_iter()
            .enumerate()
            .filter(|(_, line)| self.score(line).is_some())
            .map(|(i, _)| i)
            .collect()
    }

    /// The indexes of the lines that match, best first (equal scores keep
    /// their order).
    #[cfg(test)]
    fn ranked<'a>(&self, lines: impl IntoIterator<Item = &'a str>) -> Vec<usize> {
        let mut scored: Vec<(usize, u32)> = lines
            .into_iter()
            .enumerate()
            .filter_map(|(i, line)| self.score(line).map(|s| (i, s)))
            .collect();
        scored.sort_by_key(|(_, score)| std::cmp::Reverse(*score));
        scored.into_iter().map(|(i, _)| i).collect()
    }
}

/// The line as the matcher reads it: one char per position, so that the
/// positions it reports are char positions (its own grapheme split would
/// move them on combining marks).
fn haystack<'a>(line: &'a str, chars: &'a [char]) -> Utf32Str<'a> {
    if line.is_ascii() {
        Utf32Str::Ascii(line.as_bytes())
    } else {
        Utf32Str::Unicode(chars)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_in_order_match_and_word_starts_rank_first() {
        let lines = [
            "Reload the panel",
            "Log out",
            "Globex",
            "Log out everywhere",
        ];
        let query = Query::new("log");
        assert_eq!(query.ranked(lines), [1, 3], "no `g` in Reload: no match");
        assert_eq!(Query::new("glob").matching(lines), [2]);
        assert_eq!(Query::new("GLOB").matching(lines), [2], "case ignored");
        assert_eq!(Query::new("out every").matching(lines), [3], "each word");
        assert_eq!(Query::new("every out").matching(lines), [3], "any order");
        assert_eq!(Query::new("").matching(lines), [0, 1, 2, 3]);
        assert_eq!(Query::new("zz").matching(lines), Vec::<usize>::new());
    }

    #[test]
    fn the_matched_letters_are_found_for_marking() {
        assert_eq!(Query::new("gx").positions("Globex"), [0, 5]);
        assert_eq!(Query::new("bill").positions("Billing"), [0, 1, 2, 3]);
        assert!(Query::new("zz").positions("Globex").is_empty());
        // Positions are chars, whatever their bytes.
        assert_eq!(Query::new("ex").positions("Société Ex"), [8, 9]);
    }

    #[test]
    fn a_word_matches_within_one_field() {
        let lines = [
            "alice@example.com\tDemo provider",
            "bob@example.com\tDemo provider",
        ];
        assert_eq!(Query::new("ali").matching(lines), [0]);
        assert_eq!(
            Query::new("bob demo").matching(lines),
            [1],
            "words in two fields"
        );
        assert_eq!(Query::new("demo").matching(lines), [0, 1]);
        assert_eq!(
            Query::new("mdemo").matching(lines),
            Vec::<usize>::new(),
            "not across"
        );
    }

    #[test]
    fn no_character_is_an_operator() {
        assert_eq!(Query::new("!ac").matching(["!Acme", "Bcme"]), [0]);
        assert_eq!(Query::new("^up").matching(["^up", "up"]), [0]);
    }
}
