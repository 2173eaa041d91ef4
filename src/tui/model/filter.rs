//! `/` in a short list (the navigation, the menu, the account switcher):
//! the text typed narrows the list to the lines it fuzzily matches
//! ([`crate::tui::fuzzy`]), in their order. The
//! selection stays an index into the whole list, so what Enter runs and
//! what `1`..`9` jump to never depend on the filter; it only ever rests on
//! a line that matches.

/// A list's filter: the text, and whether it has the keyboard.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    pub text: String,
    pub(crate) editing: bool,
}

impl ListFilter {
    /// The indexes of the lines that match, in order.
    pub(crate) fn matching<'a>(&self, lines: impl IntoIterator<Item = &'a str>) -> Vec<usize> {
        self.query().matching(lines)
    }

    /// The text as a query, to match many lines or mark the letters found.
    pub(crate) fn query(&self) -> crate::tui::fuzzy::Query {
        crate::tui::fuzzy::Query::new(&self.text)
    }

    /// Shown: being typed, or narrowing the list.
    pub(crate) fn shown(&self) -> bool {
        self.editing || !self.text.is_empty()
    }
}

/// The matching line `by` steps from `selected` (wrapping when `wrap`),
/// or the first match when `selected` is not one; `None` with no match.
pub(crate) fn step(matching: &[usize], selected: usize, by: isize, wrap: bool) -> Option<usize> {
    let n = matching.len();
    if n == 0 {
        return None;
    }
    let Some(at) = matching.iter().position(|&i| i == selected) else {
        return matching.first().copied();
    };
    let to = at as isize + by;
    let to = if wrap {
        to.rem_euclid(n as isize)
    } else {
        to.clamp(0, n as isize - 1)
    };
    matching.get(to as usize).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_keeps_the_lines_it_matches_in_any_case() {
        let filter = ListFilter {
            text: "LOG".into(),
            editing: true,
        };
        let lines = [
            "Switch organization",
            "Log out",
            "Log out everywhere",
            "Quit",
        ];
        assert_eq!(filter.matching(lines), [1, 2]);
        assert_eq!(ListFilter::default().matching(lines), [0, 1, 2, 3]);
        let fuzzy = ListFilter {
            text: "swor".into(),
            editing: false,
        };
        assert_eq!(fuzzy.matching(lines), [0], "letters in order, not adjacent");
    }

    #[test]
    fn steps_stay_on_matching_lines() {
        let matching = [1, 4, 6];
        assert_eq!(step(&matching, 4, 1, false), Some(6));
        assert_eq!(step(&matching, 6, 1, false), Some(6));
        assert_eq!(step(&matching, 6, 1, true), Some(1));
        assert_eq!(step(&matching, 1, -1, true), Some(6));
        // The selection was filtered away: the first match.
        assert_eq!(step(&matching, 2, 1, false), Some(1));
        assert_eq!(step(&[], 0, 1, true), None);
    }
}
