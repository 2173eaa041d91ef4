//! The process bench's verdicts: a figure is judged against the baseline
//! committed beside it, not against a budget the machine's noise crosses.

#[path = "../../../benches/baseline.rs"]
#[allow(dead_code)]
mod baseline;

use baseline::{ALL, Baseline};

#[test]
fn every_judged_figure_has_a_committed_baseline() {
    let text = std::fs::read_to_string(baseline::PROCESS_FILE)
        .expect("benches/process/baseline.toml is committed");
    let b = Baseline::parse(&text).expect("it parses");
    for key in ALL {
        let value = b
            .get(key)
            .unwrap_or_else(|| panic!("{key} has no baseline"));
        assert!(value > 0.0, "{key} = {value}");
    }
}

/// Its keys are the figures' names, written quoted: they read back.
#[test]
fn the_engine_bench_has_a_committed_baseline() {
    let text = std::fs::read_to_string(baseline::ENGINE_FILE)
        .expect("benches/engine/baseline.toml is committed");
    let b = Baseline::parse(&text).expect("it parses");
    let frame = b
        .get("render: dashboard frame 200x60, 10000 orgs")
        .expect("the 200x60 frame has a baseline");
    assert!(frame > 0.0);
}

#[test]
fn twenty_percent_over_the_baseline_passes_and_more_is_a_regression() {
    let b = Baseline::parse("[figures]\nwarm_start_ms = 2.5\n").expect("parses");
    let base = b.get("warm_start_ms").expect("there");
    assert_eq!(b.verdict(2.0, base), "PASS");
    assert_eq!(b.verdict(3.0, base), "PASS");
    assert_eq!(b.verdict(3.1, base), "MISS: +24 % over its baseline");
    assert!(Baseline::parse("[figures]\nx = \"fast\"\n").is_err());
    assert!(Baseline::parse("x = 1\n").is_err());
}
