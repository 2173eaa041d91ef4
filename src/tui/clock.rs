//! The one clock behind everything the TUI draws: the model's `now`, a
//! device code's expiry and the poll countdown all read it, so a test that
//! fixes it draws the same screen on every run.

use std::sync::Arc;

use chrono::{DateTime, Utc};

#[derive(Clone)]
pub(crate) struct Clock(Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>);

impl Clock {
    /// The system's clock: what `authdash` runs with.
    pub(crate) fn system() -> Self {
        Self(Arc::new(Utc::now))
    }

    /// A clock that stays at `at` (tests).
    pub(crate) fn fixed(at: DateTime<Utc>) -> Self {
        Self(Arc::new(move || at))
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        (self.0)()
    }

    /// A moment the engine computed on the system clock (a device code's
    /// expiry), moved onto this clock: the same time from now.
    pub(crate) fn rebase(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        self.now() + (at - Utc::now())
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Clock({})", self.now())
    }
}
