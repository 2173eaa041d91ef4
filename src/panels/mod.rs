//! Dashboard panels: what each needs (its gate) and where its data comes from.

mod data;
mod requirement;
mod spec;

pub use data::{FetchError, PanelData, fetch, parse};
pub use requirement::{Access, Denial, Requirement, Unmet};
pub use spec::{PanelSpec, TemplateError};

#[cfg(test)]
mod tests;
