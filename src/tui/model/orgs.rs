//! The organization picker's state, and its filter cache: each org's
//! lowercased text is made once per session, and the orgs matching the
//! filter are found again only when the filter changes, never while
//! drawing (a person in 10,000 orgs types without a stutter).

use crate::identity::OrgMembership;

#[derive(Debug, Default)]
pub struct OrgPicker {
    /// What is typed. Read it freely; change it only through
    /// [`OrgPicker::push`], [`OrgPicker::pop`] and [`OrgPicker::clear`],
    /// which keep the matches in step.
    pub filter: String,
    pub editing: bool,
    /// The selected line, among the matches.
    pub selected: usize,
    /// Per org (in the session's order): name, id and role lowercased,
    /// one per line (a typed filter holds no line break, so a match never
    /// spans two of them).
    haystacks: Vec<String>,
    /// The indices of the orgs matching `filter`, in order.
    matches: Vec<usize>,
}

impl OrgPicker {
    /// A picker over `orgs`, unfiltered.
    pub fn new(orgs: &[OrgMembership]) -> Self {
        let haystacks = orgs
            .iter()
            .map(|o| format!("{}\n{}\n{}", o.org_name, o.org_id, o.role).to_lowercase())
            .collect();
        Self {
            haystacks,
            matches: (0..orgs.len()).collect(),
            ..Self::default()
        }
    }

    /// The session's orgs changed (a renewal's new claims): same filter,
    /// new haystacks.
    pub fn reindex(&mut self, orgs: &[OrgMembership]) {
        let kept = Self {
            filter: std::mem::take(&mut self.filter),
            editing: self.editing,
            selected: self.selected,
            ..Self::new(orgs)
        };
        *self = kept;
        self.refilter(false);
    }

    /// The indices (into the session's orgs) of the orgs matching the
    /// filter, in order.
    pub fn matches(&self) -> &[usize] {
        &self.matches
    }

    /// A letter typed: the matches can only narrow, so only they are
    /// searched again.
    pub fn push(&mut self, c: char) {
        self.filter.push(c);
        self.refilter(true);
    }

    /// The last letter taken back.
    pub fn pop(&mut self) {
        self.filter.pop();
        self.refilter(false);
    }

    pub fn clear(&mut self) {
        self.filter.clear();
        self.refilter(false);
    }

    fn refilter(&mut self, narrowing: bool) {
        let needle = self.filter.to_lowercase();
        let haystacks = &self.haystacks;
        let hit = |i: &usize| haystacks.get(*i).is_some_and(|h| h.contains(&needle));
        if needle.is_empty() {
            self.matches.clear();
            self.matches.extend(0..haystacks.len());
        } else if narrowing {
            self.matches.retain(hit);
        } else {
            self.matches.clear();
            self.matches.extend((0..haystacks.len()).filter(hit));
        }
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
            picker.matches(),
            [0, 1, 2],
            "Acme, Globex, Initech all hold an e"
        );
        picker.push('x');
        assert_eq!(picker.matches(), [1], "only Globex holds `ex`");
        picker.pop();
        assert_eq!(picker.filter, "E");
        assert_eq!(picker.matches(), [0, 1, 2]);
        picker.clear();
        for c in "admin".chars() {
            picker.push(c);
        }
        assert_eq!(picker.matches(), [2], "a role matches too");
        picker.clear();
        picker.push('g');
        picker.push('2');
        assert_eq!(picker.matches(), [1], "and an id");
        picker.clear();
        for c in "mea1".chars() {
            picker.push(c);
        }
        assert!(picker.matches().is_empty(), "no match across two fields");
        picker.clear();
        assert_eq!(picker.matches(), [0, 1, 2]);
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
