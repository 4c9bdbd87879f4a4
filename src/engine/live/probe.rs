//! The pool probe: CPU-bound jobs spread over the pool, each recording which pool thread ran
//! it and when. It proves the threads are real and parallel (two or more distinct threads,
//! overlapping spans), and it is what the speed-up benchmark measures.

use std::sync::Arc;

use crossbeam_channel::Receiver;
use serde::{Deserialize, Serialize};

use crate::engine::clock::Clock;
use crate::engine::control::{Control, StopReason};
use crate::engine::live::Spawner;
use crate::engine::program::{ActorId, ProcessId};
use crate::engine::trace::{ActorInfo, ActorRecorder, EngineKind, Nanos, Outcome, SpanKind, Trace, TraceBudget};

/// Probe jobs are cut into slices of this many units between control checks.
const CHECK_EVERY: u64 = 1 << 16;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeRequest {
    /// How many jobs run at once (one per pool thread when the pool has room).
    pub jobs: u32,
    /// Work of each job, in iterations of a small integer hash.
    pub units_per_job: u64,
}

impl ProbeRequest {
    /// The same total work split over `jobs` jobs: the strong-scaling measurement.
    pub fn split(total_units: u64, jobs: u32) -> Self {
        let jobs = jobs.max(1);
        ProbeRequest { jobs, units_per_job: total_units / jobs as u64 }
    }
}

/// One finished job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobReport {
    pub job: u32,
    pub pool_thread: Option<u32>,
    pub start: Nanos,
    pub end: Nanos,
    /// The hash the job computed; it keeps the optimiser from deleting the work.
    pub checksum: u64,
    pub stopped: Option<StopReason>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeReport {
    pub request: ProbeRequest,
    pub jobs: Vec<JobReport>,
    /// From the start of the probe to the end of its last job.
    pub wall: Nanos,
    pub stopped: Option<StopReason>,
}

impl ProbeReport {
    /// Distinct pool threads that took part.
    pub fn distinct_threads(&self) -> usize {
        crate::engine::trace::distinct(self.jobs.iter().filter_map(|j| j.pool_thread))
    }

    /// Whether two jobs on different threads were running at the same moment.
    pub fn overlapped(&self) -> bool {
        self.jobs.iter().enumerate().any(|(i, a)| {
            self.jobs[i + 1..].iter().any(|b| a.pool_thread != b.pool_thread && a.start < b.end && b.start < a.end)
        })
    }

    /// The probe as a trace: one actor per job, one run span each, times from the probe start.
    pub fn to_trace(&self) -> Trace {
        let origin = self.jobs.iter().map(|j| j.start).min().unwrap_or(0);
        let mut actors = Vec::new();
        let mut recorders = Vec::new();
        for job in &self.jobs {
            actors.push(ActorInfo {
                name: format!("job-{}", job.job),
                process: ProcessId(0),
                pool_thread: job.pool_thread,
            });
            let mut recorder = ActorRecorder::new(ActorId(job.job as u16), TraceBudget::default());
            recorder.push_span(SpanKind::Run, job.start - origin, job.end - origin, 1);
            recorders.push(recorder);
        }
        let outcome = match self.stopped {
            None => Outcome::Completed,
            Some(StopReason::Cancelled) => Outcome::Cancelled,
            Some(StopReason::DeadlineExceeded) => Outcome::DeadlineExceeded,
            // The probe has no waits, so the watchdog never stops it.
            Some(StopReason::Deadlock) | Some(StopReason::Stuck) => Outcome::Cancelled,
        };
        Trace::from_recorders(EngineKind::Live, actors, recorders, self.wall, outcome)
    }
}

/// A probe under way. Poll it with [`ProbeRun::poll`]; it never blocks.
pub struct ProbeRun {
    request: ProbeRequest,
    started: Nanos,
    clock: Arc<dyn Clock>,
    results: Receiver<JobReport>,
    done: Vec<JobReport>,
}

/// Spawns the probe's jobs and returns at once.
pub fn start(request: ProbeRequest, spawner: &dyn Spawner, clock: Arc<dyn Clock>, control: Arc<Control>) -> ProbeRun {
    let (sender, results) = crossbeam_channel::unbounded();
    let started = clock.now();
    for job in 0..request.jobs {
        let sender = sender.clone();
        let clock = clock.clone();
        let control = control.clone();
        spawner.spawn(Box::new(move || {
            let report = run_job(job, request.units_per_job, &*clock, &control);
            let _ = sender.send(report);
        }));
    }
    ProbeRun { request, started, clock, results, done: Vec::new() }
}

impl ProbeRun {
    /// Jobs finished so far, of [`ProbeRequest::jobs`].
    pub fn finished(&self) -> usize {
        self.done.len()
    }

    /// Collects what has finished; `Some` once every job has.
    pub fn poll(&mut self) -> Option<ProbeReport> {
        while let Ok(report) = self.results.try_recv() {
            self.done.push(report);
        }
        (self.done.len() == self.request.jobs as usize).then(|| self.report())
    }

    /// Waits for every job (native callers only: the browser's loop must never block).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn wait(mut self) -> ProbeReport {
        while self.done.len() < self.request.jobs as usize {
            match self.results.recv() {
                Ok(report) => self.done.push(report),
                Err(_) => break,
            }
        }
        self.report()
    }

    fn report(&mut self) -> ProbeReport {
        let mut jobs = std::mem::take(&mut self.done);
        jobs.sort_by_key(|j| j.job);
        let end = jobs.iter().map(|j| j.end).max().unwrap_or_else(|| self.clock.now());
        let stopped = jobs.iter().find_map(|j| j.stopped);
        ProbeReport { request: self.request, jobs, wall: end.saturating_sub(self.started), stopped }
    }
}

fn run_job(job: u32, units: u64, clock: &dyn Clock, control: &Control) -> JobReport {
    let start = clock.now();
    let mut state = 0x9E37_79B9_7F4A_7C15u64 ^ job as u64;
    let mut left = units;
    let mut stopped = None;
    while left > 0 {
        if let Err(reason) = control.check(clock.now()) {
            stopped = Some(reason);
            break;
        }
        let slice = left.min(CHECK_EVERY);
        state = spin(state, slice);
        left -= slice;
        control.add_progress(slice);
    }
    JobReport {
        job,
        pool_thread: rayon::current_thread_index().map(|i| i as u32),
        start,
        end: clock.now(),
        checksum: state,
        stopped,
    }
}

/// CPU-bound work with no memory traffic: an xorshift chain the optimiser cannot skip.
fn spin(mut state: u64, iterations: u64) -> u64 {
    for _ in 0..iterations {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state = std::hint::black_box(state);
    }
    state
}
