//! Simulated operations per second natively, on the race lesson's default program
//! (4 threads x 1 000 000 increments). Goal: at least 5 M/s natively (2 M/s in wasm,
//! printed by the browser benchmark). With the GIL on, a thread runs its loop alone and
//! the simulator batches it, so those figures are far above the goal; `gil off` steps
//! every operation of threads running side by side.

use std::time::Instant;

use interleave::engine::sim;
use interleave::lessons::build_from_pairs;
use interleave::lessons::race_counter::LESSON;

fn main() {
    println!("simulated engine, race_counter defaults (4 x 1 000 000 increments)");
    for (label, pairs) in [
        ("gil on, bare increment", vec![]),
        ("gil on, call between", vec![("between", "call")]),
        ("gil off, lock each", vec![("gil", "off"), ("lock", "each")]),
    ] {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let (_, built) = build_from_pairs(&LESSON, &pairs).unwrap();
        let (program, settings) = built.into_sim();
        let start = Instant::now();
        let trace = sim::run(program, settings).unwrap();
        let seconds = start.elapsed().as_secs_f64();
        let ops: u64 = trace.metrics.iter().map(|m| m.ops).sum();
        println!(
            "  {label:<24} {ops:>10} ops in {:>7.1} ms: {:>6.1} M ops/s (goal >= 5)",
            seconds * 1e3,
            ops as f64 / seconds / 1e6
        );
    }
}
