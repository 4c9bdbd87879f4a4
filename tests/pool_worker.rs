//! Browser test, in a dedicated worker (the engine worker's situation): build the rayon
//! pool with wasm-bindgen-rayon, run CPU-bound jobs on it, and check that two or more
//! distinct pool threads took part and overlapped in time. Fails when the page is not
//! cross-origin isolated (the pool cannot start) or when the jobs do not run in parallel.
#![cfg(target_arch = "wasm32")]

use std::sync::Arc;

use interleave::engine::clock::Clock;
use interleave::engine::control::{Control, StopReason};
use interleave::engine::live::probe::{self, ProbeReport, ProbeRequest, ProbeRun};
use interleave::engine::live::GlobalPool;
use interleave::worker::clock::PerformanceClock;
use wasm_bindgen_test::*;

mod wasm_support;

use wasm_support::{ensure_pool, sleep_ms};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

/// Polls a run without blocking the worker, as the engine worker's loop does.
async fn finish(mut run: ProbeRun) -> ProbeReport {
    loop {
        if let Some(report) = run.poll() {
            return report;
        }
        sleep_ms(5).await;
    }
}

#[wasm_bindgen_test]
async fn jobs_run_on_distinct_pool_threads_at_the_same_time() {
    ensure_pool(4).await;
    let request = ProbeRequest { jobs: 4, units_per_job: 20_000_000 };
    let run = probe::start(request, &GlobalPool, Arc::new(PerformanceClock), Arc::new(Control::new()));
    let report = finish(run).await;
    assert_eq!(report.jobs.len(), 4);
    assert!(report.jobs.iter().all(|j| j.stopped.is_none()));
    assert!(report.distinct_threads() >= 2, "threads: {:?}", report.jobs);
    assert!(report.overlapped(), "no two jobs ran at the same time: {:?}", report.jobs);
}

#[wasm_bindgen_test]
async fn cancel_reaches_busy_pool_threads_through_the_control_block() {
    ensure_pool(4).await;
    let control = Arc::new(Control::new());
    let clock = PerformanceClock;
    // Far more work than the test waits for: only the control block can end it soon.
    let request = ProbeRequest { jobs: 2, units_per_job: 1 << 40 };
    let run = probe::start(request, &GlobalPool, Arc::new(clock), control.clone());
    sleep_ms(50).await;
    let cancelled_at = clock.now();
    control.cancel();
    let report = finish(run).await;
    assert_eq!(report.stopped, Some(StopReason::Cancelled));
    let latest_end = report.jobs.iter().map(|j| j.end).max().unwrap();
    assert!(latest_end - cancelled_at < 500_000_000, "cancel took {} ms", (latest_end - cancelled_at) / 1_000_000);
}

#[wasm_bindgen_test]
fn the_shared_clock_moves_forward() {
    let clock = PerformanceClock;
    let a = clock.now();
    let b = clock.now();
    assert!(a > 1_000_000_000_000_000, "time origin is absolute (ns since the epoch), got {a}");
    assert!(b >= a);
}
