//! Dashboard panels: what each needs (its gate) and where its data comes from.

mod data;
mod requirement;
mod spec;

pub use data::{DEFAULT_PANEL_BODY_CAP, FetchError, PanelData, fetch, fetch_capped, parse};
pub use requirement::{Access, Denial, Requirement, Unmet};
pub use spec::{PanelSpec, TemplateError};

#[cfg(test)]
mod tests;
