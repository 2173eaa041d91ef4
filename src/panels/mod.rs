//! Dashboard panels: what each needs (its gate) and where its data comes from.

mod requirement;
mod spec;

pub use requirement::{Access, Denial, Requirement, Unmet};
pub use spec::PanelSpec;

#[cfg(test)]
mod tests;
