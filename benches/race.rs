//! The race lesson natively: wall time, lost updates and GIL hand-offs for each lock
//! placement and GIL setting, 4 threads x 1 000 000 increments, side by side in one run.

use std::sync::Arc;

use interleave::engine::clock::HostClock;
use interleave::engine::control::Control;
use interleave::engine::live::{run, Spawner, POOL_THREADS};
use interleave::lessons::build_from_pairs;
use interleave::lessons::race_counter::{tally, LESSON};

/// The race lesson's knobs, typed, from a knob set.
fn race_knobs(values: &interleave::knobs::KnobValues) -> interleave::lessons::race_counter::Knobs {
    <interleave::lessons::race_counter::Knobs as interleave::knobs::FromKnobs>::from_knobs(values).unwrap()
}

fn main() {
    let pool: Arc<dyn Spawner> = Arc::new(rayon::ThreadPoolBuilder::new().num_threads(POOL_THREADS).build().unwrap());
    println!("race_counter natively, 4 threads x 1 000 000 increments (live engine)");
    println!("  {:<6} {:<4} {:>10} {:>10} {:>9}", "lock", "gil", "wall ms", "lost", "hand-offs");
    for lock in ["none", "each", "loop"] {
        for gil in ["off", "on"] {
            let pairs: Vec<(String, String)> =
                [("threads", "4"), ("increments", "1000000"), ("lock", lock), ("gil", gil)]
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
            let (knobs, built) = build_from_pairs(&LESSON, &pairs).unwrap();
            let trace =
                run::start(built.program, built.settings, pool.clone(), Arc::new(HostClock), Arc::new(Control::new()))
                    .unwrap()
                    .wait();
            let t = tally(&race_knobs(&knobs), &trace);
            println!(
                "  {lock:<6} {gil:<4} {:>10.1} {:>10} {:>9}",
                trace.wall as f64 / 1e6,
                t.lost,
                trace.gil_handoffs.first().copied().unwrap_or(0)
            );
        }
    }
}
