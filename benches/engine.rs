//! In-process benchmarks (criterion) of the paths a person waits on inside
//! authdash: drawing the dashboard, filtering the organizations, verifying
//! an ID token, and authdash's own share of a login round trip. The
//! whole-process figures (startup, `status`, memory, binary size) are the
//! `process` bench's.
//!
//! `cargo bench --bench engine` runs them all; a name after `--` picks
//! some (`cargo bench --bench engine -- render`). After criterion's own
//! report, one table gives each figure (the median) beside its budget and
//! its committed baseline (`engine/baseline.toml`), the verdict against the
//! baseline: more than 20 % over it is a regression.

#[path = "baseline.rs"]
#[allow(dead_code)]
mod baseline;
#[path = "engine/figures.rs"]
mod figures;
#[path = "engine/login.rs"]
mod login;
#[path = "engine/orgs.rs"]
mod orgs;
#[path = "engine/tui.rs"]
mod tui;
#[path = "engine/verify.rs"]
mod verify;

use criterion::Criterion;

fn main() {
    let mut c = Criterion::default().configure_from_args();
    tui::render(&mut c);
    tui::filter(&mut c);
    tui::profile(&mut c);
    verify::verification(&mut c);
    login::round_trip(&mut c);
    c.final_summary();
    figures::print_table();
}
