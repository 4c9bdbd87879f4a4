//! The engine worker's side: start the pool, say "ready", then serve requests. Live runs
//! are started without blocking (actors are spawned onto the pool) and polled on a timer;
//! simulated runs advance in slices on the same timer. Either way the message loop stays
//! live, and a Cancel is seen at once.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::engine::clock::Clock;
use crate::engine::control::Control;
use crate::engine::explore::Explorer;
use crate::engine::live::probe::{self, ProbeRun};
use crate::engine::live::run::{self as live_run, LiveRun};
use crate::engine::live::{GlobalPool, POOL_THREADS};
use crate::engine::sim::{Sim, StepResult};
use crate::engine::trace::{ConsoleWrite, Trace, TraceBatch};
use crate::knobs::KnobValues;
use crate::lessons::{self, Lesson};
use crate::worker::clock::PerformanceClock;
use crate::worker::protocol::{Request, Response, CONSOLE_HEAD, CONSOLE_TAIL, HEARTBEAT_MS};
use crate::worker::ENGINE_WORKER_NAME;

/// How often a run is polled, in milliseconds.
const POLL_MS: i32 = 16;
/// How often progress goes to the page: each message costs the page a render, and on a
/// two-core machine the page shares a core with the pool.
const PROGRESS_EVERY_NS: u64 = 100_000_000;
/// How often a live run's new trace events go to the page, gathered into one message.
const TRACE_EVERY_NS: u64 = 100_000_000;

/// The last panic message of any thread; pool threads write it, the loop reports it.
static PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Heartbeat jobs the pool has run: one is spawned every heartbeat, so a pool whose
/// threads are all stuck shows as a count that stops.
static POOL_BEATS: AtomicU64 = AtomicU64::new(0);
/// Heartbeats without a pool job run before the pool counts as stalled (2 s).
const STALLED_AFTER: u32 = 4;

/// What the worker is busy with: the probe, a lesson on the live engine, or one on the
/// simulated engine (run here, in slices between messages).
enum Work {
    /// A short live run at start-up, so the browser has compiled the interpreter's hot code
    /// with its optimising compiler before the first lesson is timed; `Ready` follows it.
    WarmUp {
        live: LiveRun,
        ready: Response,
    },
    Probe {
        probe: ProbeRun,
        total: u64,
    },
    Lesson(LiveRun),
    Simulated(Box<Sim>),
    Explore(Box<Explorer>),
}

/// Simulated steps per piece of a slice: a few milliseconds of work.
const SIM_SLICE_STEPS: u64 = 50_000;
/// How long simulated work runs before the worker reads its messages again: long enough
/// that the timer between slices costs little, short enough that Cancel is seen at once.
const SIM_SLICE_NS: u64 = 40_000_000;

struct Active {
    run: u32,
    work: Work,
    control: Arc<Control>,
    started: u64,
    last_progress: u64,
    /// The lesson a run is of, with its knobs: its findings are computed here, from the
    /// whole trace, before the page gets its (possibly cut) copy.
    lesson: Option<(&'static Lesson, KnobValues)>,
    /// Console writes of a live run not yet sent, and when the last were.
    pending: Vec<ConsoleWrite>,
    last_trace: u64,
    /// Console writes of this run sent to the page so far.
    console_sent: usize,
}

#[derive(Default)]
struct EngineWorker {
    pool_threads: u32,
    active: Option<Active>,
    /// The whole console of the last finished lesson run, for a download.
    last_console: Option<(u32, String)>,
    /// Set once the pool is broken (a panic, a stall) and the page told: nothing more runs.
    broken: bool,
    /// Pool jobs run as of the last heartbeat, and heartbeats since that count moved.
    pool_beats: u64,
    quiet_beats: u32,
}

thread_local! {
    static WORKER: RefCell<EngineWorker> = RefCell::new(EngineWorker::default());
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(response: &Response) {
    let bytes = Uint8Array::from(response.encode().as_slice());
    let transfer = Array::of1(&bytes.buffer());
    let _ = scope().post_message_with_transfer(&bytes, &transfer);
}

/// The worker's entry point (the `main` of `bin/worker.rs`).
pub fn start() {
    let Some(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>().ok() else { return };
    if scope.name() != ENGINE_WORKER_NAME {
        return;
    }
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        web_sys::console::error_1(&JsValue::from_str(&message));
        if let Ok(mut slot) = PANIC.lock() {
            slot.get_or_insert(message);
        }
    }));
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        let bytes = Uint8Array::new(&event.data()).to_vec();
        match Request::decode(&bytes) {
            Ok(request) => handle(request),
            Err(error) => post(&Response::Failed { run: 0, message: error.to_string() }),
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let heartbeat = Closure::<dyn FnMut()>::new(heartbeat);
    let _ =
        scope.set_interval_with_callback_and_timeout_and_arguments_0(heartbeat.as_ref().unchecked_ref(), HEARTBEAT_MS);
    heartbeat.forget();
    wasm_bindgen_futures::spawn_local(async move {
        let isolated = Reflect::get(&js_sys::global(), &JsValue::from_str("crossOriginIsolated"))
            .map(|v| v.is_truthy())
            .unwrap_or(false);
        let hardware_concurrency = scope.navigator().hardware_concurrency() as u32;
        let mut pool_threads = 0;
        // Without isolation the pool cannot share memory: initThreadPool would reject after
        // spawning workers, so it is not tried.
        if isolated {
            let init = wasm_bindgen_futures::JsFuture::from(wasm_bindgen_rayon::init_thread_pool(POOL_THREADS));
            match init.await {
                Ok(_) => pool_threads = rayon::current_num_threads() as u32,
                Err(error) => {
                    let message = format!("the thread pool did not start: {error:?}");
                    post(&Response::Failed { run: 0, message });
                }
            }
        }
        WORKER.with(|w| w.borrow_mut().pool_threads = pool_threads);
        let ready = Response::Ready { isolated, pool_threads, hardware_concurrency };
        match (pool_threads > 0).then(warm_up).flatten() {
            Some(live) => begin(0, Work::WarmUp { live, ready }, Arc::new(Control::new()), None),
            None => post(&ready),
        }
    });
}

/// Every [`HEARTBEAT_MS`]: says the worker is alive, reports a pool thread's panic, and
/// checks that the pool still takes work (a job spawned each time must have run).
fn heartbeat() {
    let broken = WORKER.with(|w| w.borrow().broken);
    if broken {
        return;
    }
    if let Some(message) = PANIC.lock().ok().and_then(|slot| slot.clone()) {
        WORKER.with(|w| w.borrow_mut().broken = true);
        post(&Response::Panicked { message });
        return;
    }
    let stalled = WORKER.with(|w| {
        let mut w = w.borrow_mut();
        if w.pool_threads == 0 {
            return false;
        }
        let beats = POOL_BEATS.load(Ordering::Relaxed);
        if beats != w.pool_beats {
            w.pool_beats = beats;
            w.quiet_beats = 0;
        } else {
            w.quiet_beats += 1;
        }
        w.quiet_beats >= STALLED_AFTER
    });
    if stalled {
        WORKER.with(|w| w.borrow_mut().broken = true);
        post(&Response::PoolStalled);
        return;
    }
    if WORKER.with(|w| w.borrow().pool_threads > 0) {
        rayon::spawn(|| {
            POOL_BEATS.fetch_add(1, Ordering::Relaxed);
        });
    }
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let memory_bytes = memory.buffer().unchecked_into::<js_sys::SharedArrayBuffer>().byte_length() as u64;
    post(&Response::Heartbeat { memory_bytes });
}

/// Why a new run cannot start now, if it cannot.
fn refusal(needs_pool: bool) -> Option<String> {
    WORKER.with(|w| {
        let w = w.borrow();
        if needs_pool && w.pool_threads == 0 {
            Some("live runs need the thread pool, which needs cross-origin isolation".to_string())
        } else {
            w.active.as_ref().map(|a| format!("run {} is still going", a.run))
        }
    })
}

fn begin(run: u32, work: Work, control: Arc<Control>, lesson: Option<(&'static Lesson, KnobValues)>) {
    let started = PerformanceClock.now();
    WORKER.with(|w| {
        w.borrow_mut().active = Some(Active {
            run,
            work,
            control,
            started,
            last_progress: started,
            lesson,
            pending: Vec::new(),
            last_trace: started,
            console_sent: 0,
        })
    });
    schedule_poll();
}

/// A lesson run ended: its findings from the whole trace, its whole console kept for a
/// download, and the page's copy with the console cut to its head and tail.
fn lesson_done(
    worker: &mut EngineWorker,
    run: u32,
    mut trace: Trace,
    lesson: Option<&(&'static Lesson, KnobValues)>,
) -> Response {
    let findings =
        lesson.map(|(info, knobs)| lessons::findings_in_every_language(info, knobs, &trace)).unwrap_or_default();
    worker.last_console = Some((run, trace.console_text()));
    trace.cut_console(CONSOLE_HEAD, CONSOLE_TAIL);
    Response::RunDone { run, trace, findings }
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

/// The warm-up: about 50 ms per worker of the gil lesson's countdown, serially and in two
/// processes, which runs every hot path of the interpreter on several pool threads.
fn warm_up() -> Option<LiveRun> {
    let knobs: Vec<(String, String)> = [("work", "cpu"), ("mode", "processes"), ("workers", "2"), ("size", "50")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let (_, built) = lessons::build_from_pairs(lessons::lesson("gil")?, &knobs).ok()?;
    let control = Arc::new(Control::new());
    live_run::start(built.program, built.settings, Arc::new(GlobalPool), Arc::new(PerformanceClock), control).ok()
}

/// Builds a lesson from its knobs and starts it on the engine they name; `Err` says why it
/// cannot run.
fn start_lesson(
    lesson: &str,
    knobs: &[(String, String)],
    control: Arc<Control>,
) -> Result<(Work, (&'static Lesson, KnobValues)), String> {
    let info = lessons::lesson(lesson).ok_or_else(|| format!("there is no lesson `{lesson}`"))?;
    let (values, built) = lessons::build_from_pairs(info, knobs)?;
    if !built.common.live {
        let sim = lessons::simulation(info, &values, built)?;
        return Ok((Work::Simulated(Box::new(sim)), (info, values)));
    }
    if WORKER.with(|w| w.borrow().pool_threads) == 0 {
        return Err("live runs need the thread pool, which needs cross-origin isolation".to_string());
    }
    live_run::start(built.program, built.settings, Arc::new(GlobalPool), Arc::new(PerformanceClock), control)
        .map(|live| (Work::Lesson(live), (info, values)))
        .map_err(|e| e.to_string())
}

fn handle(request: Request) {
    match request {
        Request::Probe { run, request } => {
            // One pool thread stays free for the heartbeat's job.
            if request.jobs as usize >= POOL_THREADS || request.jobs == 0 {
                let message = format!("a probe takes 1 to {} jobs, not {}", POOL_THREADS - 1, request.jobs);
                post(&Response::Failed { run, message });
                return;
            }
            if let Some(message) = refusal(true) {
                post(&Response::Failed { run, message });
                return;
            }
            let control = Arc::new(Control::new());
            let probe = probe::start(request, &GlobalPool, Arc::new(PerformanceClock), control.clone());
            let total = request.units_per_job * request.jobs as u64;
            begin(run, Work::Probe { probe, total }, control, None);
        }
        Request::Run { run, lesson, knobs } => {
            if let Some(message) = refusal(false) {
                post(&Response::Failed { run, message });
                return;
            }
            let control = Arc::new(Control::new());
            match start_lesson(&lesson, &knobs, control.clone()) {
                Ok((work, lesson)) => begin(run, work, control, Some(lesson)),
                Err(message) => post(&Response::Failed { run, message }),
            }
        }
        Request::Explore { run, lesson, knobs, request } => {
            if let Some(message) = refusal(false) {
                post(&Response::Failed { run, message });
                return;
            }
            let started = lessons::lesson(&lesson)
                .ok_or_else(|| format!("there is no lesson `{lesson}`"))
                .and_then(|info| lessons::explore::explorer(info, &knobs, request));
            match started {
                Ok(explorer) => begin(run, Work::Explore(Box::new(explorer)), Arc::new(Control::new()), None),
                Err(message) => post(&Response::Failed { run, message }),
            }
        }
        Request::Cancel { run } => WORKER.with(|w| {
            if let Some(active) = w.borrow().active.as_ref().filter(|a| a.run == run) {
                active.control.cancel();
            }
        }),
        Request::ConsoleText { run } => {
            let text =
                WORKER.with(|w| w.borrow().last_console.as_ref().filter(|(r, _)| *r == run).map(|(_, t)| t.clone()));
            post(&Response::ConsoleText { run, text });
        }
        Request::PanicForTest | Request::HangForTest | Request::StallPoolForTest if !crate::TEST_HOOKS => {
            post(&Response::Failed { run: 0, message: "test requests are for test builds only".into() })
        }
        Request::PanicForTest => rayon::spawn(|| panic!("a test asked a pool thread to panic")),
        Request::HangForTest =>
        {
            #[allow(clippy::empty_loop)]
            loop {}
        }
        Request::StallPoolForTest => {
            for _ in 0..POOL_THREADS {
                rayon::spawn(|| loop {
                    std::hint::spin_loop();
                });
            }
        }
    }
}

/// How a piece of work ended: with an answer for the page, or with a lesson run's trace
/// (its findings are computed, and its console cut, before the page gets it).
enum Ended {
    Answer(Response),
    Lesson(Trace),
}

/// Simulated work for one slice from `started`: `piece` again and again until it answers
/// (the run ended or failed) or the slice's time is up.
fn for_a_slice<T>(started: u64, mut piece: impl FnMut() -> Option<T>) -> Option<T> {
    let end = started + SIM_SLICE_NS;
    loop {
        if let Some(answer) = piece() {
            return Some(answer);
        }
        if PerformanceClock.now() >= end {
            return None;
        }
    }
}

fn schedule_poll() {
    // Simulated work fills its slices itself: the next one may start at once.
    let simulated = WORKER.with(|w| {
        w.try_borrow()
            .ok()
            .is_some_and(|w| w.active.as_ref().is_some_and(|a| matches!(a.work, Work::Simulated(_) | Work::Explore(_))))
    });
    let delay = if simulated { 0 } else { POLL_MS };
    let callback = Closure::once_into_js(poll);
    let _ = scope().set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), delay);
}

fn poll() {
    // A broken pool ends everything: the heartbeat has told the page, which restarts us.
    if PANIC.lock().ok().is_some_and(|slot| slot.is_some()) || WORKER.with(|w| w.borrow().broken) {
        return;
    }
    let finished = WORKER.with(|w| {
        let mut w = w.borrow_mut();
        let active = w.active.as_mut()?;
        let run = active.run;
        let now = PerformanceClock.now();
        let elapsed_ns = now.saturating_sub(active.started);
        let progress_due = now.saturating_sub(active.last_progress) >= PROGRESS_EVERY_NS;
        if progress_due {
            active.last_progress = now;
        }
        let done = match &mut active.work {
            Work::WarmUp { live, ready } => live.poll().finished.map(|_| Ended::Answer(ready.clone())),
            Work::Probe { probe, total } => match probe.poll() {
                Some(report) => Some(Ended::Answer(Response::ProbeDone { run, report })),
                None => {
                    if progress_due {
                        post(&Response::Progress { run, done: active.control.progress(), total: *total, elapsed_ns });
                    }
                    None
                }
            },
            Work::Simulated(sim) => {
                if active.control.stopped().is_some() {
                    Some(Ended::Lesson(sim.stop(crate::engine::trace::Outcome::Cancelled)))
                } else {
                    let mut reached = (0, 0);
                    let done = for_a_slice(now, || match sim.run_slice(SIM_SLICE_STEPS) {
                        Ok(StepResult::Finished(trace)) => Some(Ended::Lesson(*trace)),
                        Ok(StepResult::Running { steps, now: python_now }) => {
                            reached = (steps, python_now);
                            None
                        }
                        Err(error) => Some(Ended::Answer(Response::Failed { run, message: error.to_string() })),
                    });
                    if done.is_none() && progress_due {
                        // Progress in simulated time: how far the program has got.
                        let (steps, python_now) = reached;
                        post(&Response::Progress { run, done: steps, total: 0, elapsed_ns: python_now });
                    }
                    done
                }
            }
            Work::Explore(explorer) => {
                let report =
                    |explorer: &Explorer| Ended::Answer(Response::ExploreDone { run, report: explorer.report() });
                if active.control.stopped().is_some() {
                    Some(report(explorer))
                } else {
                    let done = for_a_slice(now, || match explorer.advance(SIM_SLICE_STEPS) {
                        Ok(true) => Some(report(explorer)),
                        Ok(false) => None,
                        Err(message) => Some(Ended::Answer(Response::Failed { run, message })),
                    });
                    if done.is_none() && progress_due {
                        let (done, total) = (explorer.runs(), explorer.planned_runs());
                        post(&Response::Progress { run, done, total, elapsed_ns });
                    }
                    done
                }
            }
            Work::Lesson(live) => {
                let update = live.poll();
                // Only the console streams: the page draws the timeline once the run is over.
                for batch in update.batches {
                    active.pending.extend(batch.console);
                }
                // Gathered, so the page renders a few times a second, not once per actor batch.
                if now.saturating_sub(active.last_trace) >= TRACE_EVERY_NS && !active.pending.is_empty() {
                    active.last_trace = now;
                    let (console, skipped) = console_to_send(&mut active.pending, &mut active.console_sent);
                    let batch = TraceBatch { console, ..TraceBatch::default() };
                    post(&Response::Trace { run, batch, skipped });
                }
                match update.finished {
                    Some(trace) => Some(Ended::Lesson(trace)),
                    None => {
                        if progress_due {
                            post(&Response::Progress {
                                run,
                                done: update.done_ops,
                                total: update.total_ops,
                                elapsed_ns,
                            });
                        }
                        None
                    }
                }
            }
        };
        let ended = done?;
        let active = w.active.take()?;
        Some(match ended {
            Ended::Answer(response) => response,
            Ended::Lesson(trace) => lesson_done(&mut w, run, trace, active.lesson.as_ref()),
        })
    });
    match finished {
        Some(response) => post(&response),
        None => {
            let again = WORKER.with(|w| w.borrow().active.is_some());
            if again {
                schedule_poll();
            }
        }
    }
}
