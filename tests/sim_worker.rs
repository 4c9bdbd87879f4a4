//! Browser test: the simulated engine gives byte for byte the trace it gives natively (the
//! golden run's hash is checked by a native test too), in a dedicated worker as in the page.
#![cfg(target_arch = "wasm32")]

#[path = "support/golden.rs"]
mod golden;

use golden::{golden_hash, golden_run, GOLDEN_HASH};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[wasm_bindgen_test]
fn the_same_seed_gives_the_same_trace_in_the_browser_as_natively() {
    assert_eq!(golden_hash(), GOLDEN_HASH, "got {:#x}", golden_hash());
    // And the run itself is the lesson's: updates were lost, as natively.
    let trace = golden_run();
    assert!(trace.final_value(interleave::engine::program::ObjectId(0)).unwrap() < 600_000);
}

#[wasm_bindgen_test]
fn exploring_schedules_finds_in_the_browser_what_it_finds_natively() {
    use interleave::engine::explore::ExploreRequest;
    use interleave::lessons::explore::explore;
    // The same figures as the native test `the_exploration_is_the_same_on_every_target`.
    let pairs: Vec<(String, String)> = [("threads", "2"), ("increments", "3"), ("gil", "off")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let request = ExploreRequest { seeds: 1, picks: 2, max_runs: 20_000, stop_at_first_break: false };
    let report = explore(interleave::lessons::lesson("race_counter").unwrap(), &pairs, request).unwrap();
    assert_eq!((report.runs, report.broke, report.complete), (94, 10, true));
    assert_eq!(report.histogram, vec![(0, 84), (1, 7), (2, 3)]);
    assert_eq!(report.shortest.map(|f| f.schedule.to_string()), Some("2w.3w".to_string()));
}
