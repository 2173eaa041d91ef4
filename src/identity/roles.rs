use serde::{Deserialize, Serialize};

/// The order of an organization's roles, highest first
/// (default Owner > Admin > Member).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RoleOrder(Vec<String>);

impl Default for RoleOrder {
    fn default() -> Self {
        Self(vec!["Owner".into(), "Admin".into(), "Member".into()])
    }
}

impl RoleOrder {
    /// Highest first. Callers validate (non-empty, no duplicates) before
    /// relying on the order; see `config`.
    pub(crate) fn new(highest_first: Vec<String>) -> Self {
        Self(highest_first)
    }

    pub(crate) fn roles(&self) -> &[String] {
        &self.0
    }

    /// Rank of a role: 0 is the highest. Unknown roles have no rank.
    pub(crate) fn rank(&self, role: &str) -> Option<usize> {
        self.0.iter().position(|r| r == role)
    }

    pub(crate) fn contains(&self, role: &str) -> bool {
        self.rank(role).is_some()
    }

    /// `held` is at least `wanted`: equal, or higher in the order.
    /// An unknown role satisfies only itself.
    pub(crate) fn is_at_least(&self, held: &str, wanted: &str) -> bool {
        if held == wanted {
            return true;
        }
        match (self.rank(held), self.rank(wanted)) {
            (Some(h), Some(w)) => h <= w,
            _ => false,
        }
    }
}
