//! A fixed simulated run whose encoded trace must hash to the same value on every target:
//! the native tests (`tests/engine_tests/golden.rs`) and the browser tests
//! (`tests/sim_worker.rs`) both check [`GOLDEN_HASH`], so a difference between targets
//! (floating point, iteration order, word size) cannot go unnoticed. A moved hash needs a
//! reason in its commit.

use interleave::engine::sim::{self, SimSettings};
use interleave::engine::trace::Trace;
use interleave::lessons::build_from_pairs;
use interleave::lessons::race_counter::LESSON;
use interleave::worker::protocol::Response;

/// FNV-1a of the encoded trace of [`golden_run`].
pub const GOLDEN_HASH: u64 = 0xf2d6_8a4e_f672_ef4e;

/// The race lesson, 3 threads of 200 000 increments with a call between read and write, seed
/// 2, 2 cores: long enough for the GIL to change hands mid-increment and lose updates.
pub fn golden_run() -> Trace {
    let pairs: Vec<(String, String)> =
        [("threads", "3"), ("increments", "200000"), ("between", "call"), ("seed", "2"), ("cores", "2")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
    let (_, built) = build_from_pairs(&LESSON, &pairs).expect("valid knobs");
    let settings: SimSettings = built.sim_settings();
    sim::run(built.program, settings).expect("the golden run ends")
}

/// FNV-1a, 64-bit: small, and the same everywhere.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ *b as u64).wrapping_mul(0x0100_0000_01b3))
}

pub fn golden_hash() -> u64 {
    fnv1a(&Response::RunDone { run: 0, trace: golden_run(), findings: Vec::new() }.encode())
}
