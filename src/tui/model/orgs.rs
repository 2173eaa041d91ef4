//! The organization picker's state, and its filter cache: each org's
//! text is made once per session, and the orgs matching the filter are
//! found again only when the filter changes, never while drawing (a person
//! in 10,000 orgs types without a stutter). The filter is fuzzy over the
//! name and the role, best match first; an id matches as typed (ids are
//! pasted, not spelt).

use crate::identity::{OrgMembership, visible};

/// A person with many roles in one org gets them cut, not the names.
const MAX_ROLE_WIDTH: usize = 24;

#[derive(Debug, Default)]
pub struct OrgPicker {
    /// What is typed. Read it freely; change it only through
    /// [`OrgPicker::push`], [`OrgPicker::pop`] and [`OrgPicker::clear`],
    /// which keep the matches in step.
    pub filter: String,
    pub editing: bool,
    /// The selected line, among the matches.
    pub selected: usize,
    /// Per org (in the session's order): its name and roles, as matched.
    haystacks: Vec<String>,
    /// Per org: its id, lowercased.
    ids: Vec<String>,
    /// The widest roles text, for the list's role column.
    role_width: usize,
    /// The widest name, for the list's name column.
    name_width: usize,
    /// The indices of the orgs matching `filter`, best first.
    matches: Vec<usize>,
}

impl OrgPicker {
    /// A picker over `orgs`, unfiltered.
    pub(crate) fn new(orgs: &[OrgMembership]) -> Self {
        let haystacks = orgs
            .iter()
            .map(|o| {
                let roles = o.roles().collect::<Vec<_>>().join(" ");
                format!("{}{}{roles}", o.org_name, crate::tui::fuzzy::FIELD)
            })
            .collect();
        let role_width = orgs
            .iter()
            .map(|o| {
                let roles = o.roles().collect::<Vec<_>>().join(", ");
                unicode_width::UnicodeWidthStr::width(visible(&roles).as_ref())
            })
            .max()
            .unwrap_or(0)
            .min(MAX_ROLE_WIDTH);
        let name_width = orgs
            .iter()
            .map(|o| unicode_width::UnicodeWidthStr::width(visible(&o.org_name).as_ref()))
            .max()
            .unwrap_or(0);
        Self {
            haystacks,
            role_width,
            name_width,
            ids: orgs.iter().map(|o| o.org_id.to_lowercase()).collect(),
            matches: (0..orgs.len()).collect(),
            ..Self::default()
        }
    }

    /// The session's orgs changed (a renewal's new claims): same filter,
    /// new haystacks.
    pub(crate) fn reindex(&mut self, orgs: &[OrgMembership]) {
        let kept = Self {
            filter: std::mem::take(&mut self.filter),
            editing: self.editing,
            selected: self.selected,
            ..Self::new(orgs)
        };
        *self = kept;
        self.refilter(false);
    }

    /// How wide the list's role column is: the widest roles, at most
    /// [`MAX_ROLE_WIDTH`].
    pub(crate) fn role_width(&self) -> usize {
        self.role_width
    }

    /// The widest organization name (the list's name column, where it
    /// fits).
    pub(crate) fn name_width(&self) -> usize {
        self.name_width
    }

    /// The indices (into the session's orgs) of the orgs matching the
    /// filter, best first (in the session's order without a filter).
    pub(crate) fn matches(&self) -> &[usize] {
        &self.matches
    }

    /// A letter typed: the matches can only narrow, so only they are
    /// searched again.
    pub(crate) fn push(&mut self, c: char) {
        self.filter.push(c);
        self.refilter(true);
    }

    /// The last letter taken back.
    pub(crate) fn pop(&mut self) {
        self.filter.pop();
        self.refilter(false);
    }

    pub(crate) fn clear(&mut self) {
        self.filter.clear();
        self.refilter(false);
    }

    fn refilter(&mut self, narrowing: bool) {
        if self.filter.trim().is_empty() {
            self.matches.clear();
            self.matches.extend(0..self.haystacks.len());
            return;
        }
        let query = crate::tui::fuzzy::Query::new(&self.filter);
        let id = self.filter.trim().to_lowercase();
        let (haystacks, ids) = (&self.haystacks, &self.ids);
        // An id typed whole ranks above any fuzzy match of a name.
        let score = |i: usize| {
            if ids.get(i).is_some_and(|o| o.contains(&id)) {
                return Some(u32::MAX);
            }
            haystacks.get(i).and_then(|h| query.score(h))
        };
        // A letter more can only narrow the matches: only they are searched.
        let candidates: Vec<usize> = if narrowing {
            std::mem::take(&mut self.matches)
        } else {
            (0..haystacks.len()).collect()
        };
        let mut scored: Vec<(usize, u32)> = candidates
            .into_iter()
            .filter_map(|i| score(i).map(|s| (i, s)))
            .collect();
        scored.sort_by_key(|(i, s)| (std::cmp::Reverse(*s), *i));
        self.matches = scored.into_iter().map(|(i, _)| i).collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(id: &str, name: &str, role: &str) -> OrgMembership {
        OrgMembership {
            org_id: id.into(),
            org_name: name.into(),
            url_safe_org_name: None,
            org_metadata: Default::default(),
            role: role.into(),
            additional_roles: Vec::new(),
            inherited_roles: None,
            permissions: Vec::new(),
            role_structure: Default::default(),
        }
    }

    fn orgs() -> Vec<OrgMembership> {
        vec![
            org("a1", "Acme", "Owner"),
            org("g2", "Globex", "Member"),
            org("i3", "Initech", "Admin"),
        ]
    }

    #[test]
    fn the_matches_follow_the_filter_text() {
        let mut picker = OrgPicker::new(&orgs());
        assert_eq!(picker.matches(), [0, 1, 2]);
        picker.push('E');
        assert_eq!(
            picker.matches().len(),
            3,
            "Acme, Globex, Initech all hold an e"
        );
        picker.push('x');
        assert_eq!(picker.matches(), [1], "only Globex holds e then x");
        picker.pop();
        assert_eq!(picker.filter, "E");
        assert_eq!(picker.matches().len(), 3);
        picker.clear();
        for c in "admin".chars() {
            picker.push(c);
        }
        assert_eq!(picker.matches(), [2], "a role matches too");
        picker.clear();
        for c in "glx".chars() {
            picker.push(c);
        }
        assert_eq!(picker.matches(), [1], "fuzzy: letters in order");
        picker.clear();
        picker.push('g');
        picker.push('2');
        assert_eq!(picker.matches(), [1], "and an id, as typed");
        picker.clear();
        for c in "zzz".chars() {
            picker.push(c);
        }
        assert!(picker.matches().is_empty());
        picker.clear();
        assert_eq!(picker.matches(), [0, 1, 2]);
    }

    #[test]
    fn the_best_match_comes_first() {
        let mut picker = OrgPicker::new(&[
            org("1", "Cabin Inc", "Member"),
            org("2", "Initech", "Member"),
        ]);
        for c in "ini".chars() {
            picker.push(c);
        }
        assert_eq!(
            picker.matches(),
            [1, 0],
            "a word start beats scattered letters"
        );
    }

    #[test]
    fn new_orgs_are_searched_with_the_same_filter() {
        let mut picker = OrgPicker::new(&orgs());
        picker.push('a');
        picker.push('c');
        assert_eq!(picker.matches(), [0]);
        let mut renewed = orgs();
        renewed.push(org("z9", "Acorn", "Member"));
        picker.reindex(&renewed);
        assert_eq!(picker.filter, "ac");
        assert_eq!(picker.matches(), [0, 3]);
    }
}
