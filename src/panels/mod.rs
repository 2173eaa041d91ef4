//! Dashboard panels: what each needs (its gate), where its data comes
//! from (an http API or a local program: fetched by the session service,
//! which holds the tokens; nothing here does I/O), and how it is drawn
//! (table, key/value, chart, text).

pub(crate) mod advice;
pub(crate) mod axis;
mod data;
mod requirement;
mod source;
/// Helpers the session service's fetching shares with the errors here.
pub(crate) mod source_text {
    pub(crate) use super::source::{json, mib, secs};
}
mod spec;
mod table;
pub mod view;

pub(crate) use data::error_text;
pub use data::{DEFAULT_PANEL_BODY_CAP, PanelData, from_value};
pub use requirement::{Access, Denial, Requirement, Unmet};
pub use source::{SourceError, select};
pub(crate) use spec::PLACEHOLDERS;
pub use spec::{CommandSource, PanelSpec, TemplateError, TemplateVars};
pub(crate) use spec::{check_host_placeholders, has_placeholder};
pub(crate) use table::{Cell, CellKind, TableData};
pub(crate) use view::View;

/// What a command source's stdout may hold unless `output_cap_kib` says
/// otherwise.
pub(crate) const DEFAULT_COMMAND_OUTPUT_CAP: usize = 1024 * 1024;
/// How long a command source may run unless `timeout_secs` says otherwise.
pub(crate) const DEFAULT_COMMAND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// The variable a command source finds the access token in by default.
pub(crate) const DEFAULT_TOKEN_ENV: &str = "AUTHDASH_ACCESS_TOKEN";

#[cfg(test)]
mod tests;
