//! The page's state as a reducer: one [`State`], one [`Action`] per thing that happens, and
//! every transition in one `match`. Pure, so it is tested without a browser. What the page
//! must send to the engine worker is queued in [`State::outbox`]; the app delivers it.

use std::rc::Rc;

use crate::engine::control::StopReason;
use crate::engine::live::probe::{ProbeReport, ProbeRequest};
use crate::engine::trace::{ConsoleWrite, Trace, TraceBatch};
use crate::explore::{ExploreReport, ExploreRequest};
use crate::i18n::Lang;
use crate::knobs::KnobValues;
use crate::lessons::LessonInfo;
use crate::query::{Note, PageQuery};
use crate::worker::protocol::Request;

/// Work per probe run, in units; split over the jobs, so speed-ups compare equal work.
pub const PROBE_UNITS: u64 = 400_000_000;

#[derive(Clone, Debug, PartialEq)]
pub enum WorkerStatus {
    Starting,
    Ready {
        pool_threads: u32,
    },
    /// Up, but without a pool: the page is not cross-origin isolated.
    NoPool,
    Failed(String),
}

#[derive(Clone, Debug, PartialEq)]
pub enum ProbePhase {
    Idle,
    Running { run: u32, jobs: u32, done: u64, total: u64 },
    Cancelling { run: u32 },
    Cancelled,
    Failed(String),
}

/// A lesson run's life.
#[derive(Clone, Debug, PartialEq)]
pub enum RunPhase {
    Idle,
    Running { run: u32, done: u64, total: u64, elapsed_ns: u64 },
    Cancelling { run: u32 },
    Failed(String),
}

/// An exploration's life: runs over seeds and schedules in the engine worker.
#[derive(Clone, Debug, PartialEq)]
pub enum ExplorePhase {
    Idle,
    Running {
        run: u32,
        request: ExploreRequest,
        done: u64,
        total: u64,
    },
    Cancelling {
        run: u32,
        request: ExploreRequest,
    },
    /// Over (or cancelled, with what it had found); `cancelled` says which.
    Done {
        request: ExploreRequest,
        report: ExploreReport,
        cancelled: bool,
    },
    Failed(String),
}

/// A finished lesson run: its trace and the knobs it ran with (the findings need both).
#[derive(Clone, Debug)]
pub struct FinishedRun {
    /// The run's number, as the page asked the worker for it (each run has its own).
    pub run: u32,
    pub trace: Rc<Trace>,
    pub knobs: KnobValues,
}

impl PartialEq for FinishedRun {
    // A trace is compared by allocation: by value it would cost a walk of every span on
    // every state change.
    fn eq(&self, other: &Self) -> bool {
        self.run == other.run && Rc::ptr_eq(&self.trace, &other.trace) && self.knobs == other.knobs
    }
}

/// One row of the pool check: the same work on `jobs` threads.
#[derive(Clone, Debug, PartialEq)]
pub struct ProbeRow {
    pub jobs: u32,
    pub wall_ns: u64,
    pub distinct_threads: usize,
    /// Time on one thread over time on `jobs` threads.
    pub speedup: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct State {
    pub query: PageQuery,
    pub isolated: bool,
    pub hardware_concurrency: u32,
    pub worker: WorkerStatus,
    /// Why the engine worker was last restarted, shown until the next run.
    pub restarted: Option<String>,
    pub probe: ProbePhase,
    pub rows: Vec<ProbeRow>,
    /// Job counts still to run in this check.
    pub pending_jobs: Vec<u32>,
    pub last_trace: Option<Rc<Trace>>,
    pub run: RunPhase,
    /// The knobs of the run under way, kept for its findings.
    running_knobs: Option<KnobValues>,
    /// Console writes streamed while a lesson run goes on.
    pub streamed: Vec<ConsoleWrite>,
    pub finished: Option<Rc<FinishedRun>>,
    /// The pool lesson's finished runs, for its plot of time against pool size.
    pub pool_runs: Vec<crate::ui::plot::PoolPoint>,
    /// Notes about knob values the learner typed (clamped or refused).
    pub form_notes: Vec<Note>,
    pub explore: ExplorePhase,
    /// The stepper is open: the simulated run taken one turn at a time, in the page.
    pub stepping: bool,
    next_run: u32,
    /// Requests for the engine worker, numbered; the app sends each once.
    pub outbox: Vec<(u64, Request)>,
    next_outgoing: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    SetLang(Lang),
    WorkerReady {
        isolated: bool,
        pool_threads: u32,
        hardware_concurrency: u32,
    },
    WorkerRestarted {
        reason: String,
    },
    WorkerFailed(String),
    /// Run the pool check: 1, 2 and `hardwareConcurrency` jobs, one after another.
    StartProbe,
    ProbeProgress {
        run: u32,
        done: u64,
        total: u64,
    },
    ProbeFinished {
        run: u32,
        report: ProbeReport,
    },
    RunFailed {
        run: u32,
        message: String,
    },
    Cancel,
    OpenLesson(&'static LessonInfo),
    CloseLesson,
    /// The learner changed a knob in the form.
    SetKnob {
        name: String,
        value: String,
    },
    /// Run the open lesson with the knobs in the link.
    RunLesson,
    RunProgress {
        run: u32,
        done: u64,
        total: u64,
        elapsed_ns: u64,
    },
    RunBatch {
        run: u32,
        batch: TraceBatch,
    },
    RunFinished {
        run: u32,
        trace: Trace,
    },
    /// Explore the open lesson with the link's knobs (its schedule aside).
    StartExplore(ExploreRequest),
    ExploreFinished {
        run: u32,
        report: ExploreReport,
    },
    /// Replay a found run: its seed and schedule go into the link, and the stepper opens.
    OpenFound {
        seed: u64,
        schedule: String,
    },
    OpenStepper,
    CloseStepper,
    /// The stepper's run ended: its trace is shown as a finished run.
    StepperFinished(Trace),
}

impl State {
    pub fn new(query: PageQuery, isolated: bool, hardware_concurrency: u32) -> Self {
        let mut state = State {
            query,
            isolated,
            hardware_concurrency: hardware_concurrency.max(1),
            worker: WorkerStatus::Starting,
            restarted: None,
            probe: ProbePhase::Idle,
            rows: Vec::new(),
            pending_jobs: Vec::new(),
            last_trace: None,
            run: RunPhase::Idle,
            running_knobs: None,
            streamed: Vec::new(),
            finished: None,
            pool_runs: Vec::new(),
            form_notes: Vec::new(),
            explore: ExplorePhase::Idle,
            stepping: false,
            next_run: 1,
            outbox: Vec::new(),
            next_outgoing: 1,
        };
        state.default_cores();
        state
    }

    /// A lesson's `cores` is the learner's own core count unless the link says otherwise; it
    /// is written into the link, so a shared run is the same run on any machine.
    fn default_cores(&mut self) {
        if self.query.lesson.is_some() && !self.query.is_given("cores") {
            // More cores than the knob allows is clamped; the note would only confuse.
            let _ = self.query.set("cores", &self.hardware_concurrency.to_string());
        }
    }

    pub fn lang(&self) -> Lang {
        self.query.lang()
    }

    pub fn probe_running(&self) -> bool {
        matches!(self.probe, ProbePhase::Running { .. } | ProbePhase::Cancelling { .. })
    }

    pub fn lesson_running(&self) -> bool {
        matches!(self.run, RunPhase::Running { .. } | RunPhase::Cancelling { .. })
    }

    /// Whether the open lesson can run now: the worker is up (with its pool, for live
    /// threads) and nothing else runs.
    pub fn can_run(&self) -> bool {
        let live = self.query.value("engine") == Some(&crate::knobs::KnobValue::Choice("live"));
        let worker_ok = match self.worker {
            WorkerStatus::Ready { .. } => true,
            WorkerStatus::NoPool => !live,
            _ => false,
        };
        worker_ok && !self.busy() && self.query.lesson.is_some()
    }

    pub fn exploring(&self) -> bool {
        matches!(self.explore, ExplorePhase::Running { .. } | ExplorePhase::Cancelling { .. })
    }

    /// Whether anything runs in the engine worker now (one run at a time).
    pub fn busy(&self) -> bool {
        self.probe_running() || self.lesson_running() || self.exploring()
    }

    fn current_explore_run(&self) -> Option<u32> {
        match self.explore {
            ExplorePhase::Running { run, .. } | ExplorePhase::Cancelling { run, .. } => Some(run),
            _ => None,
        }
    }

    fn current_lesson_run(&self) -> Option<u32> {
        match self.run {
            RunPhase::Running { run, .. } | RunPhase::Cancelling { run } => Some(run),
            _ => None,
        }
    }

    fn take_run_id(&mut self) -> u32 {
        let run = self.next_run;
        self.next_run += 1;
        run
    }

    /// The knob values of the link, for a run (the link's values are always valid).
    pub fn knob_values(&self) -> Option<KnobValues> {
        let lesson = self.query.lesson?;
        let mut values = KnobValues::for_lesson(lesson.knobs);
        for (name, value) in self.query.knob_values() {
            values.set(name, &value).ok()?;
        }
        Some(values)
    }

    /// The job counts of a full check: 1, 2 and the machine's cores, without repeats.
    pub fn probe_plan(&self, pool_threads: u32) -> Vec<u32> {
        let mut plan = vec![1, 2, self.hardware_concurrency];
        plan.retain(|j| *j <= pool_threads.max(1));
        plan.sort_unstable();
        plan.dedup();
        plan
    }

    fn send(&mut self, request: Request) {
        self.outbox.push((self.next_outgoing, request));
        self.next_outgoing += 1;
        // Only the newest few can still be unsent; the app sends after every render.
        let excess = self.outbox.len().saturating_sub(16);
        self.outbox.drain(..excess);
    }

    fn start_next_probe(&mut self) {
        if self.pending_jobs.is_empty() {
            self.probe = ProbePhase::Idle;
            return;
        }
        let jobs = self.pending_jobs.remove(0);
        let run = self.take_run_id();
        let request = ProbeRequest::split(PROBE_UNITS, jobs);
        self.probe = ProbePhase::Running { run, jobs, done: 0, total: request.units_per_job * jobs as u64 };
        self.send(Request::Probe { run, request });
    }

    fn current_run(&self) -> Option<u32> {
        match self.probe {
            ProbePhase::Running { run, .. } | ProbePhase::Cancelling { run } => Some(run),
            _ => None,
        }
    }

    fn clear_run(&mut self) {
        self.finished = None;
        self.streamed.clear();
        self.form_notes.clear();
        self.stepping = false;
        if !self.exploring() {
            self.explore = ExplorePhase::Idle;
        }
        if !self.lesson_running() {
            self.run = RunPhase::Idle;
        }
    }

    pub fn reduce(mut self, action: Action) -> State {
        match action {
            Action::SetLang(lang) => self.query.set_lang(lang),
            Action::WorkerReady { isolated, pool_threads, hardware_concurrency } => {
                self.isolated = isolated;
                self.hardware_concurrency = hardware_concurrency.max(1);
                self.worker =
                    if pool_threads > 0 { WorkerStatus::Ready { pool_threads } } else { WorkerStatus::NoPool };
            }
            Action::WorkerRestarted { reason } => {
                self.worker = WorkerStatus::Starting;
                self.restarted = Some(reason);
                self.pending_jobs.clear();
                if self.probe_running() {
                    self.probe = ProbePhase::Cancelled;
                }
                if self.lesson_running() {
                    self.run = RunPhase::Failed(self.restarted.clone().unwrap_or_default());
                }
                if self.exploring() {
                    self.explore = ExplorePhase::Failed(self.restarted.clone().unwrap_or_default());
                }
            }
            Action::WorkerFailed(message) => {
                self.worker = WorkerStatus::Failed(message);
                self.pending_jobs.clear();
                if self.probe_running() {
                    self.probe = ProbePhase::Idle;
                }
                if self.lesson_running() {
                    self.run = RunPhase::Idle;
                }
                if self.exploring() {
                    self.explore = ExplorePhase::Idle;
                }
            }
            Action::StartProbe => {
                let WorkerStatus::Ready { pool_threads } = self.worker else { return self };
                if self.busy() {
                    return self;
                }
                self.restarted = None;
                self.rows.clear();
                self.pending_jobs = self.probe_plan(pool_threads);
                self.start_next_probe();
            }
            Action::ProbeProgress { run, done, total } => {
                if let ProbePhase::Running { run: current, done: d, total: t, .. } = &mut self.probe {
                    if *current == run {
                        *d = done;
                        *t = total;
                    }
                }
            }
            Action::ProbeFinished { run, report } => {
                if self.current_run() != Some(run) {
                    return self;
                }
                if report.stopped == Some(StopReason::Cancelled) || matches!(self.probe, ProbePhase::Cancelling { .. })
                {
                    self.pending_jobs.clear();
                    self.probe = ProbePhase::Cancelled;
                    self.last_trace = Some(Rc::new(report.to_trace()));
                    return self;
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
                self.last_trace = Some(Rc::new(report.to_trace()));
                self.start_next_probe();
            }
            Action::RunFailed { run, message } => {
                if self.current_run() == Some(run) {
                    self.pending_jobs.clear();
                    self.probe = ProbePhase::Failed(message);
                } else if self.current_lesson_run() == Some(run) {
                    self.running_knobs = None;
                    self.run = RunPhase::Failed(message);
                } else if self.current_explore_run() == Some(run) {
                    self.explore = ExplorePhase::Failed(message);
                }
            }
            Action::Cancel => {
                if let Some(run) = self.current_run() {
                    self.pending_jobs.clear();
                    self.probe = ProbePhase::Cancelling { run };
                    self.send(Request::Cancel { run });
                } else if let Some(run) = self.current_lesson_run() {
                    self.run = RunPhase::Cancelling { run };
                    self.send(Request::Cancel { run });
                } else if let ExplorePhase::Running { run, request, .. } = self.explore {
                    self.explore = ExplorePhase::Cancelling { run, request };
                    self.send(Request::Cancel { run });
                }
            }
            Action::OpenLesson(lesson) => {
                self.query.open_lesson(lesson);
                self.default_cores();
                self.clear_run();
            }
            Action::CloseLesson => {
                self.query.close_lesson();
                self.clear_run();
            }
            Action::SetKnob { name, value } => {
                self.form_notes.retain(|n| !matches!(n, Note::Knob(e) if e.knob() == name));
                // Other knobs, another run: an exploration's findings and a schedule no
                // longer apply to it.
                if name != "schedule" && name != "lang" {
                    if matches!(self.explore, ExplorePhase::Done { .. } | ExplorePhase::Failed(_)) {
                        self.explore = ExplorePhase::Idle;
                    }
                    if self.query.value("schedule").is_some_and(|s| !s.to_string().is_empty()) {
                        let _ = self.query.set("schedule", "");
                    }
                }
                if let Err(note) = self.query.set(&name, &value) {
                    self.form_notes.push(note);
                }
            }
            Action::RunLesson => {
                if !self.can_run() {
                    return self;
                }
                let (Some(lesson), Some(knobs)) = (self.query.lesson, self.knob_values()) else { return self };
                let run = self.take_run_id();
                let pairs = knobs.pairs().into_iter().map(|(k, v)| (k.to_string(), v)).collect();
                self.send(Request::Run { run, lesson: lesson.id.to_string(), knobs: pairs });
                self.running_knobs = Some(knobs);
                self.streamed.clear();
                self.restarted = None;
                self.run = RunPhase::Running { run, done: 0, total: 0, elapsed_ns: 0 };
            }
            Action::RunProgress { run, done, total, elapsed_ns } => {
                if self.current_run() == Some(run) {
                    return self.reduce(Action::ProbeProgress { run, done, total });
                }
                if let ExplorePhase::Running { run: current, done: d, total: t, .. } = &mut self.explore {
                    if *current == run {
                        *d = done;
                        *t = total;
                    }
                }
                if let RunPhase::Running { run: current, .. } = self.run {
                    if current == run {
                        self.run = RunPhase::Running { run, done, total, elapsed_ns };
                    }
                }
            }
            Action::RunBatch { run, batch } => {
                if self.current_lesson_run() == Some(run) {
                    self.streamed.extend(batch.console);
                    self.streamed.sort_by_key(|w| (w.at, w.actor));
                }
            }
            Action::RunFinished { run, trace } => {
                if self.current_lesson_run() != Some(run) {
                    return self;
                }
                let knobs = self.running_knobs.take().or_else(|| self.knob_values());
                self.run = RunPhase::Idle;
                self.streamed.clear();
                if let Some(knobs) = knobs {
                    if self.query.lesson.is_some_and(|l| l.id == crate::lessons::pool_map::LESSON.id) {
                        if let Some(measured_ms) = crate::lessons::pool_map::measured_ms(&trace) {
                            self.pool_runs.push(crate::ui::plot::PoolPoint {
                                setup: crate::ui::plot::setup_of(&knobs),
                                pool_size: knobs.int("pool_size") as u32,
                                measured_ms,
                            });
                        }
                    }
                    self.finished = Some(Rc::new(FinishedRun { run, trace: Rc::new(trace), knobs }));
                }
            }
            Action::StartExplore(request) => {
                if !self.can_run() {
                    return self;
                }
                let (Some(lesson), Some(knobs)) = (self.query.lesson, self.knob_values()) else { return self };
                let run = self.take_run_id();
                let knobs = knobs
                    .pairs()
                    .into_iter()
                    .filter(|(k, _)| *k != "schedule")
                    .map(|(k, v)| (k.to_string(), v))
                    .collect();
                self.send(Request::Explore { run, lesson: lesson.id.to_string(), knobs, request });
                self.restarted = None;
                self.explore = ExplorePhase::Running { run, request, done: 0, total: 0 };
            }
            Action::ExploreFinished { run, report } => {
                let (request, cancelled) = match self.explore {
                    ExplorePhase::Running { run: current, request, .. } if current == run => (request, false),
                    ExplorePhase::Cancelling { run: current, request } if current == run => (request, true),
                    _ => return self,
                };
                self.explore = ExplorePhase::Done { request, report, cancelled };
            }
            Action::OpenFound { seed, schedule } => {
                if self.busy() {
                    return self;
                }
                let _ = self.query.set("seed", &seed.to_string());
                let _ = self.query.set("schedule", &schedule);
                let _ = self.query.set("engine", "sim");
                self.finished = None;
                self.stepping = true;
            }
            Action::OpenStepper => {
                if self.busy() || self.query.lesson.is_none() {
                    return self;
                }
                // The stepper runs the simulated engine, whatever the form says.
                let _ = self.query.set("engine", "sim");
                self.finished = None;
                self.stepping = true;
            }
            Action::CloseStepper => self.stepping = false,
            Action::StepperFinished(trace) => {
                let Some(knobs) = self.knob_values() else { return self };
                let run = self.take_run_id();
                self.finished = Some(Rc::new(FinishedRun { run, trace: Rc::new(trace), knobs }));
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::live::probe::JobReport;

    fn ready(hardware_concurrency: u32) -> State {
        State::new(PageQuery::default(), true, hardware_concurrency).reduce(Action::WorkerReady {
            isolated: true,
            pool_threads: 17,
            hardware_concurrency,
        })
    }

    fn report(jobs: u32, wall: u64, stopped: Option<StopReason>) -> ProbeReport {
        ProbeReport {
            request: ProbeRequest::split(PROBE_UNITS, jobs),
            jobs: (0..jobs)
                .map(|j| JobReport { job: j, pool_thread: Some(j), start: 0, end: wall, checksum: 0, stopped })
                .collect(),
            wall,
            stopped,
        }
    }

    fn running(state: &State) -> (u32, u32) {
        match state.probe {
            ProbePhase::Running { run, jobs, .. } => (run, jobs),
            ref other => panic!("not running: {other:?}"),
        }
    }

    #[test]
    fn a_pool_check_runs_one_two_then_all_cores_and_computes_speedups() {
        let mut state = ready(4).reduce(Action::StartProbe);
        for (jobs, wall) in [(1, 400), (2, 200), (4, 125)] {
            let (run, running_jobs) = running(&state);
            assert_eq!(running_jobs, jobs);
            assert!(matches!(state.outbox.last(), Some((_, Request::Probe { run: r, .. })) if *r == run));
            state = state.reduce(Action::ProbeFinished { run, report: report(jobs, wall, None) });
        }
        assert_eq!(state.probe, ProbePhase::Idle);
        let speedups: Vec<Option<f64>> = state.rows.iter().map(|r| r.speedup).collect();
        assert_eq!(speedups, vec![Some(1.0), Some(2.0), Some(3.2)]);
    }

    #[test]
    fn cancel_sends_cancel_and_stops_the_plan() {
        let state = ready(2).reduce(Action::StartProbe);
        let (run, _) = running(&state);
        let state = state.reduce(Action::Cancel);
        assert_eq!(state.outbox.last().map(|(_, r)| r), Some(&Request::Cancel { run }));
        let state = state.reduce(Action::ProbeFinished { run, report: report(1, 10, Some(StopReason::Cancelled)) });
        assert_eq!(state.probe, ProbePhase::Cancelled);
        assert!(state.pending_jobs.is_empty());
        assert!(state.rows.is_empty());
    }

    #[test]
    fn a_restart_mid_run_ends_the_run_and_says_why() {
        let state = ready(2).reduce(Action::StartProbe).reduce(Action::WorkerRestarted { reason: "panic".into() });
        assert_eq!(state.worker, WorkerStatus::Starting);
        assert_eq!(state.probe, ProbePhase::Cancelled);
        assert_eq!(state.restarted.as_deref(), Some("panic"));
        // The fresh worker's handshake makes the check available again.
        let state = state
            .reduce(Action::WorkerReady { isolated: true, pool_threads: 17, hardware_concurrency: 2 })
            .reduce(Action::StartProbe);
        assert!(state.probe_running());
    }

    #[test]
    fn reports_from_an_old_run_are_ignored() {
        let state = ready(2).reduce(Action::StartProbe);
        let (run, _) = running(&state);
        let state = state.reduce(Action::ProbeFinished { run: run + 100, report: report(1, 10, None) });
        assert_eq!(running(&state).0, run);
    }

    #[test]
    fn a_lesson_run_sends_the_link_knobs_and_keeps_them_for_the_findings() {
        let lesson = crate::lessons::find("race_counter").unwrap();
        let state = ready(2)
            .reduce(Action::OpenLesson(lesson))
            .reduce(Action::SetKnob { name: "threads".into(), value: "3".into() });
        let state = state.reduce(Action::RunLesson);
        let Some((_, Request::Run { run, lesson: id, knobs })) = state.outbox.last().cloned() else {
            panic!("no run sent")
        };
        assert_eq!(id, "race_counter");
        assert!(knobs.contains(&("threads".to_string(), "3".to_string())));
        // The learner changes a knob during the run: the findings still use the run's own.
        let state = state.reduce(Action::SetKnob { name: "threads".into(), value: "8".into() });
        let trace = Trace::from_recorders(
            crate::engine::trace::EngineKind::Live,
            vec![],
            vec![],
            0,
            crate::engine::trace::Outcome::Completed,
        );
        let state = state.reduce(Action::RunFinished { run, trace });
        assert_eq!(state.run, RunPhase::Idle);
        assert_eq!(state.finished.as_ref().unwrap().knobs.int("threads"), 3);
    }

    #[test]
    fn a_bad_knob_value_from_the_form_is_clamped_with_a_note_that_goes_once_fixed() {
        let lesson = crate::lessons::find("race_counter").unwrap();
        let state = ready(2)
            .reduce(Action::OpenLesson(lesson))
            .reduce(Action::SetKnob { name: "threads".into(), value: "99".into() });
        assert_eq!(state.query.value("threads"), Some(&crate::knobs::KnobValue::Int(16)));
        assert_eq!(state.form_notes.len(), 1);
        let state = state.reduce(Action::SetKnob { name: "threads".into(), value: "5".into() });
        assert!(state.form_notes.is_empty());
    }

    #[test]
    fn one_run_at_a_time() {
        let lesson = crate::lessons::find("race_counter").unwrap();
        let state = ready(2).reduce(Action::OpenLesson(lesson)).reduce(Action::RunLesson);
        let sent = state.outbox.len();
        let state = state.reduce(Action::RunLesson).reduce(Action::StartProbe);
        assert_eq!(state.outbox.len(), sent);
        let state = state.reduce(Action::Cancel);
        assert!(matches!(state.outbox.last(), Some((_, Request::Cancel { .. }))));
        assert!(matches!(state.run, RunPhase::Cancelling { .. }));
    }

    #[test]
    fn an_exploration_runs_in_the_worker_can_be_cancelled_and_its_find_opens_in_the_stepper() {
        let lesson = crate::lessons::find("race_counter").unwrap();
        let request = ExploreRequest { seeds: 3, picks: 2, max_runs: 100, stop_at_first_break: true };
        let state = ready(2)
            .reduce(Action::OpenLesson(lesson))
            .reduce(Action::SetKnob { name: "schedule".into(), value: "3t1".into() })
            .reduce(Action::StartExplore(request));
        let Some((_, Request::Explore { run, knobs, request: sent, .. })) = state.outbox.last().cloned() else {
            panic!("no exploration sent")
        };
        assert_eq!(sent, request);
        assert!(knobs.iter().all(|(k, _)| k != "schedule"), "explore finds schedules itself: {knobs:?}");
        assert!(state.busy());
        let sent_before = state.outbox.len();
        let state = state.reduce(Action::RunLesson);
        assert_eq!(state.outbox.len(), sent_before, "one thing at a time");
        let state = state.reduce(Action::RunProgress { run, done: 7, total: 100, elapsed_ns: 1 });
        assert!(matches!(state.explore, ExplorePhase::Running { done: 7, total: 100, .. }));
        let state = state.reduce(Action::Cancel);
        assert_eq!(state.outbox.last().map(|(_, r)| r), Some(&Request::Cancel { run }));
        let report = ExploreReport {
            figure: "lost".into(),
            runs: 9,
            histogram: vec![(0, 8), (1, 1)],
            others: Vec::new(),
            broke: 1,
            shortest: Some(crate::explore::Found {
                seed: 2,
                schedule: crate::engine::schedule::Schedule::parse("4t2").unwrap(),
                value: 1,
                turns: 30,
            }),
            complete: false,
        };
        let state = state.reduce(Action::ExploreFinished { run, report });
        assert!(matches!(state.explore, ExplorePhase::Done { cancelled: true, .. }));
        let state = state.reduce(Action::OpenFound { seed: 2, schedule: "4t2".into() });
        assert!(state.stepping);
        let link = state.query.to_query_string();
        assert!(link.contains("seed=2") && link.contains("schedule=4t2"), "{link}");
        // Another knob, another run: the schedule no longer fits and leaves the link.
        let state = state.reduce(Action::SetKnob { name: "threads".into(), value: "3".into() });
        assert!(!state.query.to_query_string().contains("schedule="));
        assert_eq!(state.explore, ExplorePhase::Idle);
    }

    #[test]
    fn a_stepped_run_that_ends_is_shown_as_a_finished_run_and_a_failed_exploration_says_why() {
        let lesson = crate::lessons::find("race_counter").unwrap();
        let state = ready(2).reduce(Action::OpenLesson(lesson)).reduce(Action::OpenStepper);
        assert!(state.stepping);
        let trace = Trace::from_recorders(
            crate::engine::trace::EngineKind::Simulated,
            vec![],
            vec![],
            0,
            crate::engine::trace::Outcome::Completed,
        );
        let state = state.reduce(Action::StepperFinished(trace));
        assert!(state.finished.is_some());
        let state = state.reduce(Action::CloseStepper);
        assert!(!state.stepping);
        let request = ExploreRequest { seeds: 1, picks: 0, max_runs: 1, stop_at_first_break: false };
        let state = state.reduce(Action::StartExplore(request));
        let Some((_, Request::Explore { run, .. })) = state.outbox.last().cloned() else { panic!() };
        let state = state.reduce(Action::RunFailed { run, message: "no".into() });
        assert_eq!(state.explore, ExplorePhase::Failed("no".into()));
    }

    #[test]
    fn without_a_pool_the_check_does_not_start() {
        let state = State::new(PageQuery::default(), false, 2)
            .reduce(Action::WorkerReady { isolated: false, pool_threads: 0, hardware_concurrency: 2 })
            .reduce(Action::StartProbe);
        assert_eq!(state.worker, WorkerStatus::NoPool);
        assert_eq!(state.probe, ProbePhase::Idle);
        assert!(state.outbox.is_empty());
    }
}
