use std::sync::Arc;
use std::time::Duration;

use interleave::engine::clock::{Clock, HostClock};
use interleave::engine::control::{Control, StopReason};
use interleave::engine::live::probe::{self, ProbeRequest};
use interleave::engine::live::POOL_THREADS;

fn pool() -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new().num_threads(POOL_THREADS).build().unwrap()
}

#[test]
fn probe_jobs_run_on_distinct_threads_and_overlap() {
    let pool = pool();
    let report = probe::start(
        ProbeRequest { jobs: 4, units_per_job: 5_000_000 },
        &pool,
        Arc::new(HostClock),
        Arc::new(Control::new()),
    )
    .wait();
    assert_eq!(report.jobs.len(), 4);
    assert!(report.distinct_threads() >= 2, "{:?}", report.jobs);
    assert!(report.overlapped(), "{:?}", report.jobs);
    // Different seeds per job: the work really happened, job by job.
    let mut sums: Vec<u64> = report.jobs.iter().map(|j| j.checksum).collect();
    sums.dedup();
    assert_eq!(sums.len(), 4);
}

#[test]
fn a_probe_on_a_one_thread_pool_never_overlaps() {
    // The check that `overlapped` can fail: one thread cannot run two jobs at once.
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let report = probe::start(
        ProbeRequest { jobs: 3, units_per_job: 1_000_000 },
        &pool,
        Arc::new(HostClock),
        Arc::new(Control::new()),
    )
    .wait();
    assert_eq!(report.distinct_threads(), 1);
    assert!(!report.overlapped());
}

#[test]
fn cancel_stops_busy_jobs_promptly() {
    let pool = pool();
    let control = Arc::new(Control::new());
    let run =
        probe::start(ProbeRequest { jobs: 2, units_per_job: 1 << 42 }, &pool, Arc::new(HostClock), control.clone());
    std::thread::sleep(Duration::from_millis(30));
    let cancelled_at = HostClock.now();
    control.cancel();
    let report = run.wait();
    assert_eq!(report.stopped, Some(StopReason::Cancelled));
    let latest = report.jobs.iter().map(|j| j.end).max().unwrap();
    assert!(
        latest - cancelled_at < 1_000_000_000,
        "jobs kept running {} ms after cancel",
        (latest - cancelled_at) / 1_000_000
    );
}

#[test]
fn a_deadline_in_the_control_block_ends_the_run() {
    let pool = pool();
    let control = Arc::new(Control::with_deadline(HostClock.now() + 20_000_000));
    let report =
        probe::start(ProbeRequest { jobs: 2, units_per_job: 1 << 42 }, &pool, Arc::new(HostClock), control).wait();
    assert_eq!(report.stopped, Some(StopReason::DeadlineExceeded));
}

#[test]
fn progress_counts_the_work_done() {
    let pool = pool();
    let control = Arc::new(Control::new());
    probe::start(ProbeRequest { jobs: 3, units_per_job: 200_000 }, &pool, Arc::new(HostClock), control.clone()).wait();
    assert_eq!(control.progress(), 600_000);
}
