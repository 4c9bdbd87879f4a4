//! Browser test: the simulated engine gives byte for byte the trace it gives natively (the
//! golden run's hash is checked by a native test too), in a dedicated worker as in the page.
#![cfg(target_arch = "wasm32")]

use interleave::engine::sim::golden::{golden_hash, golden_run, GOLDEN_HASH};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[wasm_bindgen_test]
fn the_same_seed_gives_the_same_trace_in_the_browser_as_natively() {
    assert_eq!(golden_hash(), GOLDEN_HASH, "got {:#x}", golden_hash());
    // And the run itself is the lesson's: updates were lost, as natively.
    let trace = golden_run();
    assert!(trace.final_value(interleave::engine::program::ObjectId(0)).unwrap() < 600_000);
}
