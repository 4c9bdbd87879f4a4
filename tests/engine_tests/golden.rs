//! The golden run hashes to the same value natively as in the browser.

#[path = "../support/golden.rs"]
mod support;

use support::{golden_hash, golden_run, GOLDEN_HASH};

#[test]
fn the_golden_run_hashes_to_the_golden_value_natively() {
    assert_eq!(golden_hash(), GOLDEN_HASH, "got {:#x}", golden_hash());
    let counter = golden_run().final_value(interleave::engine::program::ObjectId(0)).unwrap();
    assert!(counter < 600_000, "the golden run loses updates: {counter}");
}
