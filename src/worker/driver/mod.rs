//! The engine worker's work without the browser: requests go in, responses come out, and
//! [`Driver::poll`] advances the job under way a slice at a time. Pure Rust over the
//! engine's pool and clock traits, so it is tested natively; the worker binary only wires
//! it to `postMessage`, timers and the wasm thread pool.

mod drawing;
mod finished;
mod step;
mod sweep;
// Native: they run on a host thread pool and clock.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

use std::sync::Arc;

use crate::compile::compile;
use crate::draw::timeline_svg::draw;
use crate::engine::clock::Clock;
use crate::engine::control::Control;
use crate::engine::explore::Explorer;
use crate::engine::live::probe::{self, ProbeRun};
use crate::engine::live::run::{self as live_run, LiveRun};
use crate::engine::live::{Spawner, POOL_THREADS};
use crate::engine::sim::{Sim, StepResult};
use crate::engine::trace::{ConsoleWrite, Outcome, Trace, TraceBatch};
use crate::i18n::{Lang, Prose};
use crate::lessons::failures;
use crate::lessons::sweep::Sweep;
use crate::lessons::{self, Lesson, Setup};
use crate::worker::protocol::{LessonProse, Request, Response, Scenario, CONSOLE_HEAD, CONSOLE_TAIL};
use finished::Finished;
use step::StepSession;

/// How often a live run is polled, in milliseconds.
const POLL_MS: i32 = 16;
/// How often progress goes to the page: each message costs the page a render, and on a
/// two-core machine the page shares a core with the pool.
const PROGRESS_EVERY_NS: u64 = 100_000_000;
/// How often a live run's new console writes go to the page, gathered into one message.
const TRACE_EVERY_NS: u64 = 100_000_000;
/// Simulated steps per piece of a slice: a few milliseconds of work.
const SIM_SLICE_STEPS: u64 = 50_000;
/// How long simulated work runs before the worker reads its messages again: long enough
/// that the timer between slices costs little, short enough that Cancel is seen at once.
const SIM_SLICE_NS: u64 = 40_000_000;
/// Heartbeats without a pool job run before the pool counts as stalled (2 s).
const STALLED_AFTER: u32 = 4;

/// When the worker should call [`Driver::poll`] again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// Nothing under way: wait for a message.
    Idle,
    /// After so many milliseconds (0: as soon as messages have been read).
    PollIn(i32),
}

/// What the worker is busy with.
enum Work {
    /// A short live run at start-up, so the browser has compiled the interpreter's hot code
    /// with its optimising compiler before the first lesson is timed; `Ready` follows it.
    WarmUp {
        live: LiveRun,
        ready: Box<Response>,
    },
    Probe {
        probe: ProbeRun,
        total: u64,
    },
    Live(LiveRun),
    Simulated(Box<Sim>),
    Explore(Box<Explorer<Prose>>),
    /// A sweep, and the language its plots are labelled in.
    Sweep(Box<(Sweep, Lang)>),
    Step(Box<StepSession>),
}

struct Active {
    run: u32,
    work: Work,
    control: Arc<Control>,
    started: u64,
    last_progress: u64,
    /// What a run is of: its findings are computed here, from the whole trace, before the
    /// page gets its (possibly cut) copy.
    setup: Option<Setup>,
    /// Console writes of a live run not yet sent, and when the last were.
    pending: Vec<ConsoleWrite>,
    last_trace: u64,
    /// Console writes of this run sent to the page so far.
    console_sent: usize,
}

/// How a slice of work ended: with an answer for the page, or with a lesson run's trace
/// (its findings are computed, and its console cut, before the page gets it).
enum Ended {
    Answer(Response),
    Lesson(Trace),
}

pub struct Driver {
    pool: Arc<dyn Spawner>,
    clock: Arc<dyn Clock>,
    pool_threads: u32,
    active: Option<Active>,
    /// The last run that finished, kept for the page's downloads.
    last_finished: Option<Finished>,
    /// The last runs' traces, to draw their timelines.
    drawable: drawing::Drawable,
    /// Set once the pool is broken (a panic, a stall) and the page told: nothing more runs.
    broken: bool,
    /// Pool jobs run as of the last heartbeat, and heartbeats since that count moved.
    pool_beats: u64,
    quiet_beats: u32,
    out: Vec<Response>,
}

impl Driver {
    /// A driver running live work on `pool` (with `pool_threads` threads; 0 for none: then
    /// only simulated work runs) and timing it with `clock`.
    pub fn new(pool: Arc<dyn Spawner>, clock: Arc<dyn Clock>, pool_threads: u32) -> Driver {
        Driver {
            pool,
            clock,
            pool_threads,
            active: None,
            last_finished: None,
            drawable: drawing::Drawable::default(),
            broken: false,
            pool_beats: 0,
            quiet_beats: 0,
            out: Vec::new(),
        }
    }

    /// The responses for the page since the last call, in order.
    pub fn take_responses(&mut self) -> Vec<Response> {
        std::mem::take(&mut self.out)
    }

    /// The pool has started with `pool_threads` threads (0: it could not): says `ready` to
    /// the page, after warming the interpreter up if there is a pool.
    pub fn pool_started(&mut self, pool_threads: u32, ready: Response) {
        self.pool_threads = pool_threads;
        let live = (self.pool_threads > 0).then(|| self.warm_up_run()).flatten();
        match live {
            Some(live) => self.begin(0, Work::WarmUp { live, ready: Box::new(ready) }, Arc::new(Control::new()), None),
            None => self.out.push(ready),
        }
    }

    /// The warm-up: about 50 ms per worker of the gil lesson's countdown, serially and in
    /// two processes, which runs every hot path of the interpreter on several pool threads.
    fn warm_up_run(&self) -> Option<LiveRun> {
        let knobs = pairs(&[("work", "cpu"), ("mode", "processes"), ("workers", "2"), ("size", "50")]);
        let (_, built) = lessons::build_from_pairs(lessons::lesson("gil")?, &knobs).ok()?;
        live_run::start(built.program, built.settings, self.pool.clone(), self.clock.clone(), Arc::new(Control::new()))
            .ok()
    }

    /// When to poll next.
    pub fn next(&self) -> Next {
        match &self.active {
            None => Next::Idle,
            Some(active) => match &active.work {
                // Simulated work fills its slices itself: the next may start at once.
                Work::Simulated(_) | Work::Explore(_) | Work::Sweep(_) => Next::PollIn(0),
                Work::Step(session) => session.next(),
                _ => Next::PollIn(POLL_MS),
            },
        }
    }

    /// Every heartbeat: whether a pool thread panicked (`panic`), whether the pool still
    /// takes work (`pool_beats`, a count its heartbeat jobs raise), and the worker's
    /// memory. Returns whether to spawn the next heartbeat job onto the pool.
    pub fn heartbeat(&mut self, panic: Option<String>, pool_beats: u64, memory_bytes: u64) -> bool {
        if self.broken {
            return false;
        }
        if let Some(message) = panic {
            self.broken = true;
            self.out.push(Response::Panicked { message });
            return false;
        }
        if self.pool_threads > 0 {
            if pool_beats != self.pool_beats {
                self.pool_beats = pool_beats;
                self.quiet_beats = 0;
            } else {
                self.quiet_beats += 1;
            }
            if self.quiet_beats >= STALLED_AFTER {
                self.broken = true;
                self.out.push(Response::PoolStalled);
                return false;
            }
        }
        self.out.push(Response::Heartbeat { memory_bytes });
        self.pool_threads > 0
    }

    /// Why a new job cannot start now, if it cannot.
    fn refusal(&self, needs_pool: bool) -> Option<Prose> {
        if needs_pool && self.pool_threads == 0 {
            Some(no_pool())
        } else {
            self.active.as_ref().map(|a| {
                let run = a.run;
                crate::said!("run {run} is still going", "실행 {run}이(가) 아직 끝나지 않았습니다")
            })
        }
    }

    fn begin(&mut self, run: u32, work: Work, control: Arc<Control>, setup: Option<Setup>) {
        let started = self.clock.now();
        self.active = Some(Active {
            run,
            work,
            control,
            started,
            last_progress: started,
            setup,
            pending: Vec::new(),
            last_trace: started,
            console_sent: 0,
        });
    }

    fn fail(&mut self, run: u32, message: Prose) {
        self.out.push(Response::Failed { run, message });
    }

    /// One request from the page. Test-only requests are the worker binary's to answer.
    pub fn handle(&mut self, request: Request) {
        match request {
            Request::Probe { run, request } => {
                // One pool thread stays free for the heartbeat's job.
                if request.jobs as usize >= POOL_THREADS || request.jobs == 0 {
                    let (most, jobs) = (POOL_THREADS - 1, request.jobs);
                    let message = crate::said!(
                        "a probe takes 1 to {most} jobs, not {jobs}",
                        "풀 확인은 작업을 1개부터 {most}개까지 받습니다({jobs}개는 안 됩니다)"
                    );
                    return self.fail(run, message);
                }
                if let Some(message) = self.refusal(true) {
                    return self.fail(run, message);
                }
                let control = Arc::new(Control::new());
                let probe = probe::start(request, self.pool.as_ref(), self.clock.clone(), control.clone());
                let total = request.units_per_job * request.jobs as u64;
                self.begin(run, Work::Probe { probe, total }, control, None);
            }
            Request::Run { run, scenario } => {
                if let Some(message) = self.refusal(false) {
                    return self.fail(run, message);
                }
                let control = Arc::new(Control::new());
                match setup(&scenario).and_then(|setup| self.start_run(setup, control.clone())) {
                    Ok((work, setup)) => self.begin(run, work, control, Some(setup)),
                    Err(message) => self.fail(run, message),
                }
            }
            Request::Explore { run, scenario, request, expect } => {
                if let Some(message) = self.refusal(false) {
                    return self.fail(run, message);
                }
                let started = setup(&scenario)
                    .and_then(|setup| match expect {
                        Some(expect) => setup.expecting(expect),
                        None => Ok(setup),
                    })
                    .and_then(|setup| lessons::explore::explorer(setup, request));
                match started {
                    Ok(explorer) => self.begin(run, Work::Explore(Box::new(explorer)), Arc::new(Control::new()), None),
                    Err(message) => self.fail(run, message),
                }
            }
            Request::Sweep { run, scenario, request, lang } => {
                if let Some(message) = self.refusal(false) {
                    return self.fail(run, message);
                }
                let lesson = match find(&scenario.lesson) {
                    Ok(lesson) => lesson,
                    Err(message) => return self.fail(run, message),
                };
                match Sweep::new(lesson, &scenario.knobs, scenario.code.as_deref(), &request) {
                    Ok(sweep) => self.begin(run, Work::Sweep(Box::new((sweep, lang))), Arc::new(Control::new()), None),
                    Err(message) => self.fail(run, message),
                }
            }
            Request::Step { run, scenario } => {
                if let Some(message) = self.refusal(false) {
                    return self.fail(run, message);
                }
                match setup(&scenario).and_then(StepSession::open) {
                    Ok(session) => {
                        self.out.push(session.stepped(run));
                        self.begin(run, Work::Step(Box::new(session)), Arc::new(Control::new()), None);
                    }
                    Err(message) => self.fail(run, message),
                }
            }
            Request::StepMove { run, step } => {
                let now = self.clock.now();
                if let Some(Active { work: Work::Step(session), .. }) = self.active.as_mut().filter(|a| a.run == run) {
                    session.make(step, now);
                    self.step_answers(run);
                }
            }
            Request::Cancel { run } => {
                let Some(active) = self.active.as_ref().filter(|a| a.run == run) else { return };
                // A stepper holds no threads: closing it is immediate.
                if matches!(active.work, Work::Step(_)) {
                    self.active = None;
                } else {
                    active.control.cancel();
                }
            }
            Request::DrawTimeline { run, version, frame } => {
                let markup = match self.active.as_ref() {
                    Some(Active { run: stepping, work: Work::Step(session), .. }) if *stepping == run => {
                        Some(draw(&session.trace_now(), &frame))
                    }
                    _ => self.drawable.draw(run, &frame),
                };
                self.out.push(Response::Timeline { run, version, frame, markup });
            }
            Request::Export { run, file } => {
                let text = self.last_finished.as_ref().filter(|f| f.run == run).map(|f| f.export(file));
                self.out.push(Response::Export { run, file, text });
            }
            Request::Source { lesson, knobs } => {
                let found = find(&lesson);
                let text = found.clone().and_then(|info| Setup::new(info, &knobs, None)).and_then(|s| s.source());
                let words = found.map_or_else(|_| LessonProse::default(), LessonProse::of);
                self.out.push(Response::Source { lesson, knobs, text, words });
            }
            Request::Check { id, code } => {
                let start = self.clock.now();
                let result = compile(&code).map(|program| lessons::shared_variables(&program));
                let took_ns = self.clock.now().saturating_sub(start);
                self.out.push(Response::Checked { id, result, took_ns });
            }
            Request::PanicForTest | Request::HangForTest | Request::StallPoolForTest => self.fail(
                0,
                crate::said!("test requests are for test builds only", "테스트 요청은 테스트 빌드에서만 받습니다"),
            ),
        }
    }

    /// Starts a run on the engine its knobs name; `Err` says why it cannot run.
    fn start_run(&self, setup: Setup, control: Arc<Control>) -> Result<(Work, Setup), Prose> {
        let built = setup.build()?;
        if !built.common.live {
            let sim = setup.simulation_of(built)?;
            return Ok((Work::Simulated(Box::new(sim)), setup));
        }
        if self.pool_threads == 0 {
            return Err(no_pool());
        }
        live_run::start(built.program, built.settings, self.pool.clone(), self.clock.clone(), control)
            .map(|live| (Work::Live(live), setup))
            .map_err(|e| failures::start_error(&e))
    }

    /// The stepper's answer to a move, and its whole run kept for the downloads once it has
    /// ended.
    fn step_answers(&mut self, run: u32) {
        let Some(Active { work: Work::Step(session), .. }) = self.active.as_mut() else { return };
        if let Some((setup, trace)) = session.take_ended() {
            let findings = setup.findings(&trace, Lang::En);
            let mut shown = trace.clone();
            shown.cut_console(CONSOLE_HEAD, CONSOLE_TAIL);
            self.drawable.keep(run, shown);
            self.last_finished = Some(Finished::of(run, setup, trace, findings));
        }
        self.out.push(session.stepped(run));
    }

    /// Advances the job under way by a slice; its messages are in [`Driver::take_responses`].
    pub fn poll(&mut self) -> Next {
        if self.broken {
            return Next::Idle;
        }
        let now = self.clock.now();
        let Some(active) = self.active.as_mut() else { return Next::Idle };
        let run = active.run;
        let elapsed_ns = now.saturating_sub(active.started);
        let progress_due = now.saturating_sub(active.last_progress) >= PROGRESS_EVERY_NS;
        if progress_due {
            active.last_progress = now;
        }
        let clock = self.clock.clone();
        let out = &mut self.out;
        let ended = match &mut active.work {
            Work::WarmUp { live, ready } => live.poll().finished.map(|_| Ended::Answer((**ready).clone())),
            Work::Probe { probe, total } => match probe.poll() {
                Some(report) => {
                    Some(Ended::Answer(Response::ProbeDone { run, trace: Box::new(report.to_trace()), report }))
                }
                None => {
                    if progress_due {
                        out.push(Response::Progress {
                            run,
                            done: active.control.progress(),
                            total: *total,
                            elapsed_ns,
                        });
                    }
                    None
                }
            },
            Work::Simulated(sim) => {
                if active.control.stopped().is_some() {
                    Some(Ended::Lesson(sim.stop(Outcome::Cancelled)))
                } else {
                    let mut reached = (0, 0);
                    let done = for_a_slice(clock.as_ref(), now, || match sim.run_slice(SIM_SLICE_STEPS) {
                        Ok(StepResult::Finished(trace)) => Some(Ended::Lesson(*trace)),
                        Ok(StepResult::Running { steps, now: python_now }) => {
                            reached = (steps, python_now);
                            None
                        }
                        Err(error) => {
                            Some(Ended::Answer(Response::Failed { run, message: failures::sim_error(&error) }))
                        }
                    });
                    if done.is_none() && progress_due {
                        // Progress in simulated time: how far the program has got.
                        let (steps, python_now) = reached;
                        out.push(Response::Progress { run, done: steps, total: 0, elapsed_ns: python_now });
                    }
                    done
                }
            }
            Work::Sweep(sweeping) => {
                let (sweep, lang) = (&mut sweeping.0, sweeping.1);
                let done = |sweep: &Sweep| {
                    Ended::Answer(Response::SweepDone { run, result: Box::new(sweep::result(&sweep.table(), lang)) })
                };
                if active.control.stopped().is_some() {
                    Some(done(sweep))
                } else {
                    let ended = for_a_slice(clock.as_ref(), now, || match sweep.advance(SIM_SLICE_STEPS) {
                        Ok(true) => Some(done(sweep)),
                        Ok(false) => None,
                        Err(message) => Some(Ended::Answer(Response::Failed { run, message })),
                    });
                    if ended.is_none() && progress_due {
                        let (done, total) = (sweep.runs(), sweep.planned());
                        out.push(Response::Progress { run, done, total, elapsed_ns });
                    }
                    ended
                }
            }
            Work::Explore(explorer) => {
                let report = |explorer: &Explorer<Prose>| {
                    Ended::Answer(Response::ExploreDone { run, report: explorer.report() })
                };
                if active.control.stopped().is_some() {
                    Some(report(explorer))
                } else {
                    let done = for_a_slice(clock.as_ref(), now, || match explorer.advance(SIM_SLICE_STEPS) {
                        Ok(true) => Some(report(explorer)),
                        Ok(false) => None,
                        Err(message) => Some(Ended::Answer(Response::Failed { run, message })),
                    });
                    if done.is_none() && progress_due {
                        let (done, total) = (explorer.runs(), explorer.planned_runs());
                        out.push(Response::Progress { run, done, total, elapsed_ns });
                    }
                    done
                }
            }
            Work::Live(live) => {
                let update = live.poll();
                // Only the console streams: the page draws the timeline once the run is over.
                for batch in update.batches {
                    active.pending.extend(batch.console);
                }
                // Gathered, so the page renders a few times a second, not once per batch.
                if now.saturating_sub(active.last_trace) >= TRACE_EVERY_NS && !active.pending.is_empty() {
                    active.last_trace = now;
                    let (console, skipped) = console_to_send(&mut active.pending, &mut active.console_sent);
                    let batch = TraceBatch { console, ..TraceBatch::default() };
                    out.push(Response::Trace { run, batch, skipped });
                }
                match update.finished {
                    Some(trace) => Some(Ended::Lesson(trace)),
                    None => {
                        if progress_due {
                            let (done, total) = (update.done_ops, update.total_ops);
                            out.push(Response::Progress { run, done, total, elapsed_ns });
                        }
                        None
                    }
                }
            }
            Work::Step(session) => {
                if session.advance(clock.as_ref(), now, SIM_SLICE_NS, SIM_SLICE_STEPS) {
                    self.step_answers(run);
                }
                return self.next();
            }
        };
        if let Some(ended) = ended {
            let active = self.active.take().expect("the job under way");
            let response = match ended {
                Ended::Answer(response) => {
                    // A pool check's timeline is drawn on request too.
                    if let Response::ProbeDone { run, trace, .. } = &response {
                        self.drawable.keep(*run, (**trace).clone());
                    }
                    response
                }
                Ended::Lesson(trace) => self.lesson_done(run, trace, active.setup.as_ref()),
            };
            self.out.push(response);
        }
        self.next()
    }

    /// A lesson run ended: its findings from the whole trace, the whole run kept for the
    /// downloads (its console, its trace), and the page's copy with the console cut to its
    /// head and tail.
    fn lesson_done(&mut self, run: u32, mut trace: Trace, setup: Option<&Setup>) -> Response {
        let findings = setup.map(|setup| setup.findings_in_every_language(&trace)).unwrap_or_default();
        self.last_finished = setup.map(|setup| {
            let english = findings.get(Lang::En.index()).cloned().unwrap_or_default();
            Finished::of(run, setup, trace.clone(), english)
        });
        trace.cut_console(CONSOLE_HEAD, CONSOLE_TAIL);
        self.drawable.keep(run, trace.clone());
        Response::RunDone { run, trace, findings }
    }
}

/// What a job is of, checked: the lesson, its knobs, and the learner's text compiled.
fn setup(scenario: &Scenario) -> Result<Setup, Prose> {
    Setup::new(find(&scenario.lesson)?, &scenario.knobs, scenario.code.as_deref())
}

fn find(lesson: &str) -> Result<&'static Lesson, Prose> {
    lessons::lesson(lesson).ok_or_else(|| {
        let lesson = crate::knobs::echo(lesson);
        crate::said!("there is no lesson `{lesson}`", "`{lesson}` 레슨은 없습니다")
    })
}

/// Why a live run cannot start in a worker without its thread pool.
fn no_pool() -> Prose {
    crate::said!(
        "live runs need the thread pool, which needs cross-origin isolation",
        "라이브 실행에는 스레드 풀이 필요하고, 스레드 풀은 페이지가 교차 출처 격리되어 있어야 쓸 수 있습니다"
    )
}

fn pairs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// Simulated work for one slice from `started`: `piece` again and again until it answers
/// (the run ended or failed) or the slice's time is up.
fn for_a_slice<T>(clock: &dyn Clock, started: u64, mut piece: impl FnMut() -> Option<T>) -> Option<T> {
    let end = started + SIM_SLICE_NS;
    loop {
        if let Some(answer) = piece() {
            return Some(answer);
        }
        if clock.now() >= end {
            return None;
        }
    }
}

/// The console writes of a live run to send now, and how many were held back: the first
/// [`CONSOLE_HEAD`] of the run, then the newest [`CONSOLE_TAIL`] of each batch.
fn console_to_send(pending: &mut Vec<ConsoleWrite>, sent: &mut usize) -> (Vec<ConsoleWrite>, u64) {
    let mut writes = std::mem::take(pending);
    writes.sort_by_key(|w| (w.at, w.actor));
    let head = CONSOLE_HEAD.saturating_sub(*sent).min(writes.len());
    let rest = writes.len() - head;
    let skipped = rest.saturating_sub(CONSOLE_TAIL);
    writes.drain(head..head + skipped);
    *sent += writes.len();
    (writes, skipped as u64)
}
