//! The live interpreter: each actor of a Program runs on a real pool thread.
//!
//! A plain variable is an atomic word read and written by separate operations, so a lost
//! update happens exactly where real threads can interleave a read-modify-write. Locks are
//! real, and every wait is a bounded futex sleep that re-checks the control block, so no
//! worker is ever stuck past a Cancel or the deadline. With `gil=on` each process has a real
//! [`Gil`] that changes hands only at check points: calls and backward jumps under the
//! 3.10+ model, between any two operations under the 3.9 model.
//!
//! A child process is a group of pool threads with its own GIL and its own copy of the
//! plain variables (copied from its parent at `start()` for `fork`, fresh for `spawn`);
//! its start-up is CPU work on its pool thread, as long as the cost table's start cost on an
//! idle core. `Value`s, queues and pipes are shared by every process, as the operating
//! system shares them.
//!
//! Here: starting a run, what its actors share, and its end. Below: `interpreter` (an
//! actor's loop, the GIL and blocking), `work` (computing, sleeping, printing), `objects`
//! (the Python objects and their calls), `processes` (start, join and exit), `tasks`
//! (asyncio's tasks, on their loop's thread), `watchdog` (deadlocks and stuck runs).

mod interpreter;
mod objects;
mod processes;
mod tasks;
mod watchdog;
mod work;

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crossbeam_channel::{Receiver, Sender, TryRecvError};

use crate::engine::clock::Clock;
use crate::engine::control::{Control, StopReason};
use crate::engine::live::futex;
use crate::engine::live::gil::Gil;
use crate::engine::live::Spawner;
use crate::engine::program::{
    ActorId, ActorRole, Line, ObjectId, ObjectKind, OpKind, Program, ProgramError, REGISTERS,
};
use crate::engine::python::list::List;
use crate::engine::settings::RunSettings;
use crate::engine::trace::{
    ActorInfo, ActorRecorder, EngineKind, MarkKind, Nanos, Outcome, SpanKind, Trace, TraceBatch, WaitEdge, WaitOn,
};

use objects::LiveObject;

/// Why a Program cannot run live (yet).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StartError {
    Invalid(ProgramError),
    /// The live engine does not run this yet: a loop with no iterations.
    EmptyLoop,
    /// More actors than pool threads: some would never start.
    TooManyActors {
        actors: usize,
        pool_threads: usize,
    },
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Invalid(e) => write!(f, "the program is not valid: {e}"),
            StartError::EmptyLoop => write!(f, "the live engine cannot run this yet: a loop with no iterations"),
            StartError::TooManyActors { actors, pool_threads } => {
                write!(f, "{actors} threads need {actors} pool threads, and the pool has {pool_threads}")
            }
        }
    }
}

impl std::error::Error for StartError {}

struct ActorSlot {
    started: AtomicBool,
    /// 1 once finished; the futex word joiners sleep on.
    done: AtomicU32,
    pool_thread: AtomicU32,
    /// What the actor is blocked on, for the watchdog: 0 nothing, else a [`WaitOn`] encoded
    /// by [`encode_wait`].
    waiting_on: AtomicU64,
    /// Set when its process ends while it still runs (a daemon thread, or a thread of a
    /// daemon child); it stops at its next look at the control block.
    killed: AtomicBool,
}

struct ProcessSlot {
    started: AtomicBool,
    /// 1 once the process has exited; the futex word its joiners sleep on.
    exited: AtomicU32,
    /// Output of `print` under `output=pipe`, written out when the process exits.
    buffer: Mutex<String>,
}

/// What every actor of a run shares.
struct Shared {
    program: Program,
    settings: RunSettings,
    control: Arc<Control>,
    clock: Arc<dyn Clock>,
    spawner: Arc<dyn Spawner + Send + Sync>,
    origin: Nanos,
    gils: Vec<Gil>,
    /// Nanoseconds one unit of [`Actor::compute`] takes on this machine, measured at start.
    unit_ns: f64,
    /// Plain variables, one copy per process: `vars[process][object]`.
    vars: Vec<Vec<AtomicI64>>,
    /// Lists, one copy per process (empty for other objects): each method one step under
    /// its lock, as a free-threaded build locks a list per call.
    lists: Vec<Vec<Mutex<List>>>,
    objects: Vec<LiveObject>,
    actors: Vec<ActorSlot>,
    processes: Vec<ProcessSlot>,
    /// Console writes made for an actor by another (a process's buffered output, written
    /// out by whichever of its threads ends it); put in the trace at the end.
    late_writes: Mutex<Vec<(ActorId, Nanos, Line, String)>>,
    /// Actors started and not yet finished; the run is over when it reaches 0.
    running: AtomicU32,
    /// Whether `forkserver`'s server is up (the first child under it starts it).
    forkserver_running: AtomicBool,
    messages: Sender<ActorMessage>,
}

enum ActorMessage {
    Batch(TraceBatch),
    Done { actor: ActorId, recorder: ActorRecorder },
}

/// What a poll of a live run brings.
#[derive(Debug, Default)]
pub struct LiveUpdate {
    pub batches: Vec<TraceBatch>,
    /// Operations done, of about `total_ops`.
    pub done_ops: u64,
    pub total_ops: u64,
    pub finished: Option<Trace>,
}

/// A live run under way. Poll it; it never blocks.
pub struct LiveRun {
    shared: Arc<Shared>,
    inbox: Receiver<ActorMessage>,
    recorders: Vec<Option<ActorRecorder>>,
    total_ops: u64,
    /// The cycle the watchdog saw at its last look, if any.
    suspect: Option<Vec<WaitEdge>>,
    /// The deadlock the watchdog confirmed.
    deadlock: Option<Vec<WaitEdge>>,
    /// Waits with no cycle, and since when every thread has been in exactly these.
    stall: Option<(Vec<(ActorId, WaitOn)>, Nanos)>,
    stuck: Option<Vec<(ActorId, WaitOn)>>,
}

/// Checks that the live engine can run a Program, before anything starts.
pub fn check(program: &Program, pool_threads: usize) -> Result<(), StartError> {
    program.validate().map_err(StartError::Invalid)?;
    for actor in &program.actors {
        for op in &actor.ops {
            if let OpKind::Loop { times: 0, .. } = op.kind {
                return Err(StartError::EmptyLoop);
            }
        }
    }
    // A task runs on its loop's thread, and needs none of its own.
    let threads = program.actors.iter().filter(|a| a.role != ActorRole::Task).count();
    if threads > pool_threads {
        return Err(StartError::TooManyActors { actors: threads, pool_threads });
    }
    Ok(())
}

/// About how many operations a Program runs: each op counted once per pass of its loops.
pub fn estimate_ops(program: &Program) -> u64 {
    program
        .actors
        .iter()
        .map(|actor| {
            let mut times = vec![1u64; actor.ops.len()];
            for (i, op) in actor.ops.iter().enumerate() {
                if let OpKind::Loop { to, times: n } = op.kind {
                    for t in &mut times[to..=i] {
                        *t = t.saturating_mul(n);
                    }
                }
            }
            times.iter().fold(0u64, |a, t| a.saturating_add(*t))
        })
        .fold(0u64, |a, t| a.saturating_add(t))
}

/// Starts the main thread of a Program on the pool and returns at once.
pub fn start(
    program: Program,
    settings: RunSettings,
    spawner: Arc<dyn Spawner + Send + Sync>,
    clock: Arc<dyn Clock>,
    control: Arc<Control>,
) -> Result<LiveRun, StartError> {
    check(&program, spawner.threads())?;
    let (messages, inbox) = crossbeam_channel::unbounded();
    let starts_others = program.actors.iter().any(|a| a.ops.iter().any(|op| matches!(op.kind, OpKind::Start { .. })));
    // Measured before the run's clock starts, so it is not part of the run's time.
    let unit_ns = if starts_others { work::measure_unit_ns(&*clock) } else { 1.0 };
    let origin = clock.now();
    control.set_deadline(origin.saturating_add(settings.deadline));
    let processes = program.processes.len();
    let shared = Arc::new(Shared {
        unit_ns,
        gils: (0..processes).map(|_| Gil::new(settings.switch_interval)).collect(),
        vars: (0..processes)
            .map(|_| {
                program
                    .objects
                    .iter()
                    .map(|o| AtomicI64::new(if let ObjectKind::Var { initial } = o.kind { initial } else { 0 }))
                    .collect()
            })
            .collect(),
        lists: (0..processes)
            .map(|_| {
                program
                    .objects
                    .iter()
                    .map(|o| {
                        Mutex::new(match &o.kind {
                            ObjectKind::List { initial } => List::new(initial.clone()),
                            _ => List::default(),
                        })
                    })
                    .collect()
            })
            .collect(),
        objects: program.objects.iter().map(|o| LiveObject::new(&o.kind)).collect(),
        actors: program
            .actors
            .iter()
            .map(|_| ActorSlot {
                started: AtomicBool::new(false),
                done: AtomicU32::new(0),
                pool_thread: AtomicU32::new(u32::MAX),
                waiting_on: AtomicU64::new(0),
                killed: AtomicBool::new(false),
            })
            .collect(),
        processes: (0..processes)
            .map(|p| ProcessSlot {
                started: AtomicBool::new(p == 0),
                exited: AtomicU32::new(0),
                buffer: Mutex::new(String::new()),
            })
            .collect(),
        late_writes: Mutex::new(Vec::new()),
        running: AtomicU32::new(0),
        forkserver_running: AtomicBool::new(false),
        program,
        settings,
        control,
        clock,
        spawner,
        origin,
        messages,
    });
    let total_ops = estimate_ops(&shared.program);
    let recorders = shared.program.actors.iter().map(|_| None).collect();
    spawn_actor(&shared, ActorId(0), None);
    Ok(LiveRun { shared, inbox, recorders, total_ops, suspect: None, deadlock: None, stall: None, stuck: None })
}

/// A process's start: when `start()` was called (run time), and how long its start-up
/// work takes on an idle core (the cost table's start cost).
#[derive(Clone, Copy)]
struct Starting {
    since: Nanos,
    work: Nanos,
}

/// Puts an actor on a pool thread; a process's main actor comes with its [`Starting`].
fn spawn_actor(shared: &Arc<Shared>, actor: ActorId, starting: Option<Starting>) {
    shared.actors[actor.0 as usize].started.store(true, Ordering::SeqCst);
    shared.running.fetch_add(1, Ordering::AcqRel);
    let shared = shared.clone();
    shared.clone().spawner.spawn(Box::new(move || run_actor(shared, actor, starting)));
}

impl LiveRun {
    pub fn control(&self) -> &Arc<Control> {
        &self.shared.control
    }

    pub fn poll(&mut self) -> LiveUpdate {
        let mut update = LiveUpdate { total_ops: self.total_ops, ..LiveUpdate::default() };
        loop {
            match self.inbox.try_recv() {
                Ok(ActorMessage::Batch(batch)) => update.batches.push(batch),
                Ok(ActorMessage::Done { actor, recorder }) => self.recorders[actor.0 as usize] = Some(recorder),
                Err(TryRecvError::Empty) | Err(TryRecvError::Disconnected) => break,
            }
        }
        update.done_ops = self.shared.control.progress().min(self.total_ops);
        self.watch();
        if self.shared.running.load(Ordering::Acquire) == 0 && self.all_reported() {
            update.finished = Some(self.finish());
        }
        update
    }

    /// Waits for the run to end (native callers only: the browser's loop must never block).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn wait(mut self) -> Trace {
        loop {
            if let Some(trace) = self.poll().finished {
                return trace;
            }
            match self.inbox.recv_timeout(std::time::Duration::from_millis(5)) {
                Ok(ActorMessage::Batch(_)) => {}
                Ok(ActorMessage::Done { actor, recorder }) => self.recorders[actor.0 as usize] = Some(recorder),
                Err(_) => {}
            }
        }
    }

    fn all_reported(&self) -> bool {
        self.shared
            .actors
            .iter()
            .zip(&self.recorders)
            .all(|(slot, recorder)| !slot.started.load(Ordering::Acquire) || recorder.is_some())
    }

    fn finish(&mut self) -> Trace {
        let shared = &self.shared;
        let wall = self
            .recorders
            .iter()
            .flatten()
            .flat_map(|r| r.spans.iter().map(|s| s.end).chain(r.marks.iter().map(|m| m.at)))
            .max()
            .unwrap_or(0);
        let actors = shared
            .program
            .actors
            .iter()
            .zip(&shared.actors)
            .map(|(def, slot)| ActorInfo {
                name: def.name.clone(),
                process: def.process,
                pool_thread: Some(slot.pool_thread.load(Ordering::Relaxed)).filter(|t| *t != u32::MAX),
            })
            .collect();
        let mut recorders: Vec<ActorRecorder> = self
            .recorders
            .iter_mut()
            .enumerate()
            .map(|(i, r)| r.take().unwrap_or_else(|| ActorRecorder::new(ActorId(i as u16), shared.settings.budget)))
            .collect();
        let late = std::mem::take(&mut *shared.late_writes.lock().unwrap_or_else(|e| e.into_inner()));
        for (actor, at, line, text) in late {
            recorders[actor.0 as usize].print(at, line, text);
        }
        let outcome = match (shared.control.stopped(), self.deadlock.take(), self.stuck.take()) {
            (Some(StopReason::Deadlock), Some(cycle), _) => Outcome::Deadlock { cycle },
            (Some(StopReason::Stuck), _, Some(waiting)) => Outcome::Stuck { waiting },
            (None, _, _) => Outcome::Completed,
            (Some(StopReason::Cancelled), _, _) => Outcome::Cancelled,
            (Some(_), _, _) => Outcome::DeadlineExceeded,
        };
        let mut trace = Trace::from_recorders(EngineKind::Live, actors, recorders, wall, outcome);
        trace.finals = shared
            .objects
            .iter()
            .enumerate()
            .filter_map(|(i, object)| match (object, &shared.program.objects[i].kind) {
                (_, ObjectKind::Var { .. }) => Some((ObjectId(i as u16), shared.vars[0][i].load(Ordering::SeqCst))),
                (LiveObject::Value { value, .. }, _) => Some((ObjectId(i as u16), value.load(Ordering::SeqCst))),
                _ => None,
            })
            .collect();
        trace.gil_handoffs = shared.gils.iter().map(|g| if shared.settings.gil { g.handoffs() } else { 0 }).collect();
        trace.objects = shared.program.objects.iter().map(|o| o.name.clone()).collect();
        trace
    }
}

/// How an actor's run ended early.
enum Exit {
    /// The control block said stop (the reason is there for the owner to read).
    Stopped,
    /// A Python exception ended the thread (already recorded).
    Raised,
    /// Its process ended around it (a daemon).
    Killed,
}

impl From<StopReason> for Exit {
    fn from(_: StopReason) -> Exit {
        Exit::Stopped
    }
}

struct Actor {
    shared: Arc<Shared>,
    id: ActorId,
    me: u32,
    process: usize,
    rec: ActorRecorder,
    regs: [i64; REGISTERS],
    holds_gil: bool,
    line: Line,
    last_batch: Nanos,
    /// The asyncio loop this thread runs, once it has created a task.
    event_loop: Option<Box<tasks::LiveLoop>>,
}

fn run_actor(shared: Arc<Shared>, id: ActorId, starting: Option<Starting>) {
    let slot = &shared.actors[id.0 as usize];
    slot.pool_thread.store(rayon::current_thread_index().map_or(u32::MAX, |t| t as u32), Ordering::Relaxed);
    let process = shared.program.actor(id).process.0 as usize;
    let mut actor = Actor {
        rec: ActorRecorder::new(id, shared.settings.budget),
        shared: shared.clone(),
        id,
        me: id.0 as u32,
        process,
        regs: [0; REGISTERS],
        holds_gil: false,
        line: shared.program.actor(id).ops.first().map_or(1, |op| op.line),
        last_batch: 0,
        event_loop: None,
    };
    // A new process runs once it has done its start-up work (the page sees it as Starting).
    let ready = match starting {
        Some(Starting { since, work }) => {
            let waited = actor.start_up(work);
            actor.rec.push_span(SpanKind::Starting, since, actor.now(), actor.line);
            waited
        }
        None => Ok(()),
    };
    let started = actor.now();
    actor.last_batch = started;
    actor.rec.mark(MarkKind::Started, started, actor.line);
    if shared.settings.panic_for_test && id.0 == 1 {
        panic!("a test asked {} to panic", shared.program.actor(id).name);
    }
    let result = ready.and_then(|()| actor.take_gil().map_err(Exit::from)).and_then(|()| {
        actor.rec.begin(SpanKind::Run, actor.now(), actor.line);
        actor.interpret()
    });
    let end = actor.now();
    // A stop needs no further action here: every other actor sees it in the control block.
    let _ = result;
    actor.end_loop(end);
    actor.rec.close_all(end);
    actor.release_gil(end);
    actor.rec.mark(MarkKind::Exited, end, actor.line);
    // Locks this thread still holds stay held, as in Python; waiters leave on the deadline.
    let Actor { rec, .. } = actor;
    let _ = shared.messages.send(ActorMessage::Done { actor: id, recorder: rec });
    slot.done.store(1, Ordering::SeqCst);
    futex::wake_all(&slot.done);
    shared.check_process_exit(process, id, end);
    shared.running.fetch_sub(1, Ordering::AcqRel);
}
