//! CPU-bound work on the live engine's pool with 1, 2 and all cores' worth of threads, as
//! speed-ups measured side by side in one run. Goal: at least 0.9 × threads (1.8 on 2 cores).

use std::sync::Arc;

use interleave::engine::clock::HostClock;
use interleave::engine::control::Control;
use interleave::engine::live::probe::{self, ProbeRequest};
use interleave::engine::live::POOL_THREADS;

const TOTAL_UNITS: u64 = 1_000_000_000;
const ROUNDS: usize = 3;

fn main() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let pool = rayon::ThreadPoolBuilder::new().num_threads(POOL_THREADS).build().expect("pool");
    let mut plan = vec![1, 2, cores as u32];
    plan.sort_unstable();
    plan.dedup();

    println!("native pool speed-up: {TOTAL_UNITS} units split over N jobs, best of {ROUNDS} rounds, {cores} cores");
    // Rounds interleave the job counts, so drifting machine load hits all of them alike.
    let mut best = vec![u64::MAX; plan.len()];
    for _ in 0..ROUNDS {
        for (i, &jobs) in plan.iter().enumerate() {
            let report = probe::start(
                ProbeRequest::split(TOTAL_UNITS, jobs),
                &pool,
                Arc::new(HostClock),
                Arc::new(Control::new()),
            )
            .wait();
            best[i] = best[i].min(report.wall);
        }
    }
    for (i, &jobs) in plan.iter().enumerate() {
        let speedup = best[0] as f64 / best[i] as f64;
        println!(
            "  {jobs:>2} threads: {:>8.1} ms  speed-up {speedup:.2}x  (goal >= {:.2}x)",
            best[i] as f64 / 1e6,
            0.9 * jobs.min(cores as u32) as f64
        );
    }
}
