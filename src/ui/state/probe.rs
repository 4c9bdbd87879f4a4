//! The pool check: the same CPU-bound work on 1, 2 and all cores' worth of pool threads,
//! one probe run after another, and the speed-ups.

use std::rc::Rc;

use super::{Job, ProbePhase, State, WorkerStatus};
use crate::engine::control::StopReason;
use crate::engine::live::probe::{ProbeReport, ProbeRequest};
use crate::engine::trace::Trace;
use crate::worker::protocol::Request;

/// Work per probe run, in units; split over the jobs, so speed-ups compare equal work.
pub const PROBE_UNITS: u64 = 400_000_000;

/// One row of the pool check: the same work on `jobs` threads.
#[derive(Clone, Debug, PartialEq)]
pub struct ProbeRow {
    pub jobs: u32,
    pub wall_ns: u64,
    pub distinct_threads: usize,
    /// Time on one thread over time on `jobs` threads.
    pub speedup: Option<f64>,
}

impl State {
    /// The pool check as its panel draws it.
    pub fn probe_phase(&self) -> ProbePhase {
        match self.job {
            Some(Job::Probe { run, cancelling: true, .. }) => ProbePhase::Cancelling { run },
            Some(Job::Probe { run, jobs, done, total, .. }) => ProbePhase::Running { run, jobs, done, total },
            _ => self.probe_ended.clone().unwrap_or(ProbePhase::Idle),
        }
    }

    /// The job counts of a full check: 1, 2 and the machine's cores, without repeats, and no
    /// more than the pool has threads but one (kept free for the worker's own heartbeat).
    pub fn probe_plan(&self, pool_threads: u32) -> Vec<u32> {
        let most = pool_threads.saturating_sub(1).max(1);
        // Already in order: 1, 2, then the cores (a repeat or one over the pool dropped).
        let mut plan = Vec::new();
        for jobs in [1, 2, self.hardware_concurrency.min(most)] {
            if jobs <= most && !plan.contains(&jobs) {
                plan.push(jobs);
            }
        }
        plan
    }

    pub(super) fn start_probe(&mut self) {
        let WorkerStatus::Ready { pool_threads } = self.worker else { return };
        if self.busy() {
            return;
        }
        self.close_stepper();
        self.restarted = None;
        self.rows.clear();
        self.probe_ended = None;
        self.pending_jobs = self.probe_plan(pool_threads);
        self.start_next_probe();
    }

    fn start_next_probe(&mut self) {
        if self.pending_jobs.is_empty() {
            self.job = None;
            return;
        }
        let jobs = self.pending_jobs.remove(0);
        let run = self.take_run_id();
        let request = ProbeRequest::split(PROBE_UNITS, jobs);
        self.job =
            Some(Job::Probe { run, jobs, done: 0, total: request.units_per_job * jobs as u64, cancelling: false });
        self.send(Request::Probe { run, request });
    }

    pub(super) fn probe_finished(&mut self, run: u32, report: ProbeReport, trace: Trace) {
        let Some(Job::Probe { run: current, cancelling, .. }) = self.job else { return };
        if current != run {
            return;
        }
        self.last_trace = Some((run, Rc::new(trace)));
        if report.stopped == Some(StopReason::Cancelled) || cancelling {
            self.pending_jobs.clear();
            self.job = None;
            self.probe_ended = Some(ProbePhase::Cancelled);
            return;
        }
        let baseline = match report.request.jobs {
            1 => Some(report.wall),
            _ => self.rows.iter().find(|r| r.jobs == 1).map(|r| r.wall_ns),
        };
        self.rows.push(ProbeRow {
            jobs: report.request.jobs,
            wall_ns: report.wall,
            distinct_threads: report.distinct_threads(),
            speedup: baseline.filter(|_| report.wall > 0).map(|b| b as f64 / report.wall as f64),
        });
        self.start_next_probe();
    }
}
