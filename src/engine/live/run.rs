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

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crossbeam_channel::{Receiver, Sender, TryRecvError};

use crate::engine::clock::Clock;
use crate::engine::control::{Control, StopReason};
use crate::engine::costs;
use crate::engine::deadlock::{find_cycle, Waiting};
use crate::engine::live::futex;
use crate::engine::live::gil::{Gil, WAIT_SLICE};
use crate::engine::live::sync::{announce, LiveLock, LiveObject};
use crate::engine::live::Spawner;
use crate::engine::program::{
    render_text, ActorId, ActorRole, Cond, Introspect, Line, ObjectId, ObjectKind, OpKind, ProcessId, Program,
    ProgramError, StartMethod, TextPart, Wait, REGISTERS,
};
use crate::engine::settings::{OutputMode, PythonModel, RunSettings};
use crate::engine::trace::{
    ActorInfo, ActorRecorder, EngineKind, MarkKind, Nanos, Outcome, SpanKind, Trace, TraceBatch, WaitEdge, WaitOn,
};

/// Counters of padding (a cache line) around an actor's loop counters.
const LOOP_PAD: usize = 8;
/// Operations between two looks at the clock and the control block.
const CHECK_EVERY: u32 = 1024;
/// How often an actor hands its new trace events to the run's owner.
const BATCH_EVERY: Nanos = 25_000_000;
/// How long every thread must sit in the same untimed waits, with no cycle among them,
/// before the watchdog calls the run stuck. Long against any wake-up on a busy machine.
const STUCK_AFTER: Nanos = 1_000_000_000;

/// Why a Program cannot run live (yet).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StartError {
    Invalid(ProgramError),
    /// The live engine does not run this yet; the message names what.
    Unsupported(String),
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
            StartError::Unsupported(what) => write!(f, "the live engine cannot run this yet: {what}"),
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

/// A published wait: what is waited for, whether the waiter already held it when it began
/// to wait (a plain Lock taken twice by its owner), and whether the wait has a timeout
/// (which ends it whatever the others do, so it is never part of a deadlock).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct PublishedWait {
    on: WaitOn,
    held_before: bool,
    timed: bool,
}

const HELD_BEFORE: u64 = 1 << 40;
const TIMED: u64 = 1 << 41;

fn encode_wait(wait: PublishedWait) -> u64 {
    let held = if wait.held_before { HELD_BEFORE } else { 0 };
    let timed = if wait.timed { TIMED } else { 0 };
    held | timed
        | match wait.on {
            WaitOn::Object(o) => 1 << 32 | o.0 as u64,
            WaitOn::Actor(a) => 2 << 32 | a.0 as u64,
        }
}

fn decode_wait(word: u64) -> Option<PublishedWait> {
    let on = match (word >> 32) & 0xff {
        1 => WaitOn::Object(ObjectId(word as u16)),
        2 => WaitOn::Actor(ActorId(word as u16)),
        _ => return None,
    };
    Some(PublishedWait { on, held_before: word & HELD_BEFORE != 0, timed: word & TIMED != 0 })
}

/// Who holds what a published wait is for. A waiter that owns the lock it waits on is in a
/// deadlock with itself only if it owned it before it began to wait; otherwise it has just
/// won the lock and not yet taken its wait down, and nobody holds anything against it.
fn holder_of(waiter: ActorId, wait: PublishedWait, owner: Option<ActorId>) -> Option<ActorId> {
    owner.filter(|&o| o != waiter || wait.held_before)
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
    objects: Vec<LiveObject>,
    actors: Vec<ActorSlot>,
    processes: Vec<ProcessSlot>,
    /// Console writes made for an actor by another (a process's buffered output, written
    /// out by whichever of its threads ends it); put in the trace at the end.
    late_writes: Mutex<Vec<(ActorId, Nanos, Line, String)>>,
    /// Actors started and not yet finished; the run is over when it reaches 0.
    running: AtomicU32,
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
                return Err(StartError::Unsupported("a loop with no iterations".into()));
            }
        }
    }
    if program.actors.len() > pool_threads {
        return Err(StartError::TooManyActors { actors: program.actors.len(), pool_threads });
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
    let unit_ns = if starts_others { measure_unit_ns(&*clock) } else { 1.0 };
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

/// `rounds` rounds of xorshift: the unit of CPU work of the live engine.
#[inline]
fn hash_rounds(mut state: u64, rounds: u64) -> u64 {
    for _ in 0..rounds {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
    }
    std::hint::black_box(state)
}

/// How long a unit of work takes here: the fastest of three timed runs, each long enough
/// (about 2 ms) that a coarse clock (the browser's may tick in tens of microseconds) still
/// measures it well.
fn measure_unit_ns(clock: &dyn Clock) -> f64 {
    const LONG_ENOUGH: Nanos = 2_000_000;
    let mut rounds: u64 = 1 << 14;
    let mut best = f64::INFINITY;
    let mut timed = 0;
    while timed < 3 && rounds < 1 << 34 {
        let start = clock.now();
        hash_rounds(start | 1, rounds);
        let took = clock.now().saturating_sub(start);
        if took < LONG_ENOUGH {
            rounds *= 2;
            continue;
        }
        best = best.min(took as f64 / rounds as f64);
        timed += 1;
    }
    if best.is_finite() {
        best.max(0.01)
    } else {
        1.0
    }
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

    /// The watchdog: the wait-for graph as the actors publish it. A cycle seen at two looks
    /// in a row is a deadlock (a real one never moves; a snapshot torn by a wait that was
    /// just ending does not last): it is recorded, and every actor is stopped through the
    /// control block, which frees them all within one wait slice. Every thread sitting in
    /// the same untimed waits with no cycle, for [`STUCK_AFTER`], is stuck, and ends the same
    /// way.
    fn watch(&mut self) {
        if self.deadlock.is_some() || self.stuck.is_some() || self.shared.control.stopped().is_some() {
            return;
        }
        let shared = &self.shared;
        let mut alive = 0;
        let mut waiting: Vec<Waiting> = Vec::new();
        for (i, slot) in shared.actors.iter().enumerate() {
            if !slot.started.load(Ordering::Acquire) || slot.done.load(Ordering::Acquire) == 1 {
                continue;
            }
            alive += 1;
            let Some(wait) = decode_wait(slot.waiting_on.load(Ordering::Acquire)) else { continue };
            if wait.timed {
                continue;
            }
            let waiter = ActorId(i as u16);
            let holder = match wait.on {
                WaitOn::Object(o) => match &shared.objects[o.0 as usize] {
                    LiveObject::Lock(l) => {
                        let owner = l.owner.load(Ordering::Acquire).checked_sub(1).map(|h| ActorId(h as u16));
                        holder_of(waiter, wait, owner)
                    }
                    _ => None,
                },
                WaitOn::Actor(a) => (!shared.joined(a)).then_some(a),
            };
            waiting.push(Waiting { waiter, on: wait.on, holder });
        }
        let cycle = find_cycle(&waiting);
        if cycle.is_some() && cycle == self.suspect {
            self.deadlock = cycle;
            shared.control.stop(StopReason::Deadlock);
            return;
        }
        self.suspect = cycle;
        let now = shared.clock.now();
        if alive > 0 && waiting.len() == alive {
            let snapshot: Vec<(ActorId, WaitOn)> = waiting.iter().map(|w| (w.waiter, w.on)).collect();
            match &self.stall {
                Some((seen, since)) if *seen == snapshot => {
                    if now.saturating_sub(*since) >= STUCK_AFTER {
                        self.stuck = Some(snapshot);
                        shared.control.stop(StopReason::Stuck);
                    }
                }
                _ => self.stall = Some((snapshot, now)),
            }
        } else {
            self.stall = None;
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

impl Shared {
    /// Whether a join on `actor` is over: a thread ended, or a process exited.
    fn joined(&self, actor: ActorId) -> bool {
        let def = self.program.actor(actor);
        match def.role {
            ActorRole::Thread => self.actors[actor.0 as usize].done.load(Ordering::Acquire) == 1,
            ActorRole::ProcessMain => self.processes[def.process.0 as usize].exited.load(Ordering::Acquire) == 1,
        }
    }

    fn is_alive(&self, actor: usize) -> bool {
        let slot = &self.actors[actor];
        slot.started.load(Ordering::SeqCst) && slot.done.load(Ordering::SeqCst) == 0
    }

    /// A process exits once its main thread and its non-daemon threads are done and its
    /// non-daemon children have exited; then its daemon threads and daemon children are
    /// ended, its buffered output is written, and its parent may exit in turn. Called by
    /// each thread as it ends (`by`, who writes the buffer out for the main thread).
    fn check_process_exit(&self, p: usize, by: ActorId, at: Nanos) {
        let program = &self.program;
        let slot = &self.processes[p];
        if !slot.started.load(Ordering::SeqCst) || slot.exited.load(Ordering::SeqCst) == 1 {
            return;
        }
        let threads_left = program
            .actors
            .iter()
            .enumerate()
            .any(|(i, def)| def.process.0 as usize == p && !def.daemon && self.is_alive(i));
        let children_left = program.processes.iter().enumerate().any(|(c, def)| {
            def.parent.map(|q| q.0 as usize) == Some(p)
                && !def.daemon
                && self.processes[c].started.load(Ordering::SeqCst)
                && self.processes[c].exited.load(Ordering::SeqCst) == 0
        });
        // A thread of the main process (not started yet) may still be started by a running
        // one: only `started` threads count, and a start happens before its starter ends.
        if threads_left || children_left {
            return;
        }
        // Two threads ending at once may both get here: one of them does the exit.
        if slot.exited.compare_exchange(0, 2, Ordering::SeqCst, Ordering::SeqCst).is_err() {
            return;
        }
        let text = std::mem::take(&mut *slot.buffer.lock().unwrap_or_else(|e| e.into_inner()));
        if !text.is_empty() {
            let main = program.process_main(ProcessId(p as u16)).unwrap_or(by);
            let line = program.actor(main).ops.last().map_or(1, |op| op.line);
            self.late_writes.lock().unwrap_or_else(|e| e.into_inner()).push((main, at, line, text));
        }
        let daemon_children: Vec<usize> = program
            .processes
            .iter()
            .enumerate()
            .filter(|(c, def)| {
                def.parent.map(|q| q.0 as usize) == Some(p)
                    && def.daemon
                    && self.processes[*c].started.load(Ordering::SeqCst)
            })
            .map(|(c, _)| c)
            .collect();
        for (i, def) in program.actors.iter().enumerate() {
            let process = def.process.0 as usize;
            if process == p || daemon_children.contains(&process) {
                self.actors[i].killed.store(true, Ordering::SeqCst);
            }
        }
        for c in daemon_children {
            self.processes[c].exited.store(1, Ordering::SeqCst);
            futex::wake_all(&self.processes[c].exited);
        }
        slot.exited.store(1, Ordering::SeqCst);
        futex::wake_all(&slot.exited);
        if let Some(parent) = program.processes[p].parent {
            self.check_process_exit(parent.0 as usize, by, at);
        }
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

impl Actor {
    /// Nanoseconds since the run began.
    fn now(&self) -> Nanos {
        self.shared.clock.now().saturating_sub(self.shared.origin)
    }

    fn gil(&self) -> Option<&Gil> {
        self.shared.settings.gil.then(|| &self.shared.gils[self.process])
    }

    fn take_gil(&mut self) -> Result<(), StopReason> {
        let shared = self.shared.clone();
        let Some(gil) = shared.settings.gil.then(|| &shared.gils[self.process]) else { return Ok(()) };
        let asked_at = self.now();
        let report = gil.take(self.me, &*shared.clock, &shared.control)?;
        let got_at = self.now();
        if report.waited {
            self.rec.push_span(SpanKind::WaitGil, asked_at, got_at, self.line);
        }
        if report.drop_requests > 0 {
            self.rec.mark(MarkKind::GilDropRequest, got_at, self.line);
        }
        self.rec.begin(SpanKind::HoldGil, got_at, self.line);
        self.holds_gil = true;
        Ok(())
    }

    fn release_gil(&mut self, at: Nanos) {
        if self.holds_gil {
            if let Some(gil) = self.gil() {
                gil.release(self.me);
            }
            self.rec.end(SpanKind::HoldGil, at);
            self.holds_gil = false;
        }
    }

    /// Leaves the interpreter for a blocking wait: Run ends, the GIL is released.
    fn block(&mut self, kind: SpanKind) -> Nanos {
        let at = self.now();
        self.rec.end(SpanKind::Run, at);
        self.release_gil(at);
        self.rec.begin(kind, at, self.line);
        at
    }

    /// Back from a blocking wait: the wait ends, the GIL is taken again, Run resumes.
    fn unblock(&mut self, kind: SpanKind) -> Result<(), StopReason> {
        let at = self.now();
        self.rec.end(kind, at);
        self.take_gil()?;
        self.rec.begin(SpanKind::Run, self.now(), self.line);
        Ok(())
    }

    /// A check point: hand the GIL over if another thread asked for it.
    #[inline]
    fn check_point(&mut self) -> Result<(), StopReason> {
        // The common case first, with no clone of the shared state: an Arc clone is a write
        // to a cache line every thread of the run shares, and check points are hot.
        if !self.shared.settings.gil || !self.shared.gils[self.process].drop_requested() {
            return Ok(());
        }
        let shared = self.shared.clone();
        let gil = &shared.gils[self.process];
        let at = self.now();
        self.rec.end(SpanKind::Run, at);
        self.rec.end(SpanKind::HoldGil, at);
        self.holds_gil = false;
        let report = gil.yield_if_asked(self.me, &*shared.clock, &shared.control);
        let back = self.now();
        match report {
            Ok(_) => {
                self.holds_gil = true;
                self.rec.push_span(SpanKind::WaitGil, at, back, self.line);
                self.rec.begin(SpanKind::HoldGil, back, self.line);
                self.rec.begin(SpanKind::Run, back, self.line);
                Ok(())
            }
            Err(reason) => Err(reason),
        }
    }

    /// What every wait and long computation calls: `Err` once the run must end or this
    /// thread's process has ended around it.
    fn halt_check(&self, now: Nanos) -> Result<(), Exit> {
        self.shared.control.check(now + self.shared.origin)?;
        if self.shared.actors[self.id.0 as usize].killed.load(Ordering::Relaxed) {
            return Err(Exit::Killed);
        }
        Ok(())
    }

    fn raise(&mut self, exception: &str, message: String) -> Exit {
        let at = self.now();
        self.rec.raise(at, self.line, exception, message);
        Exit::Raised
    }

    fn is_value(&self, object: ObjectId) -> bool {
        matches!(self.shared.objects[object.0 as usize], LiveObject::Value { .. })
    }

    fn var(&self, object: ObjectId) -> &AtomicI64 {
        &self.shared.vars[self.process][object.0 as usize]
    }

    fn cond(&self, cond: Cond) -> bool {
        cond.holds(&self.regs)
    }

    /// Python's time for `real` nanoseconds of this run, under `time_scale`.
    fn program_micros(&self, real: Nanos) -> i64 {
        (real as f64 / self.shared.settings.time_scale / 1000.0) as i64
    }

    fn interpret(&mut self) -> Result<(), Exit> {
        let shared = self.shared.clone();
        let ops = &shared.program.actor(self.id).ops;
        let every_op_is_a_check_point = shared.settings.python == PythonModel::V3_9;
        // Written on every pass of a loop. A cache line of padding on each side: in the
        // browser one allocator hands out the actors' vectors side by side, and two threads
        // writing the same line run at a fraction of their speed.
        let mut loop_counts = vec![0u64; ops.len() + 2 * LOOP_PAD];
        let mut pc = 0usize;
        let mut since_check = 0u32;
        while pc < ops.len() {
            let op = &ops[pc];
            self.line = op.line;
            if every_op_is_a_check_point || op.kind.is_check_point(pc) {
                self.check_point()?;
            }
            since_check += 1;
            if since_check == CHECK_EVERY {
                since_check = 0;
                self.periodic(CHECK_EVERY as u64)?;
            }
            let mut next = pc + 1;
            match op.kind {
                OpKind::Compute { units } => self.compute(units)?,
                OpKind::Call => {}
                OpKind::Set { reg, value } => self.regs[reg.0 as usize] = value,
                OpKind::Add { reg, value } => {
                    let r = &mut self.regs[reg.0 as usize];
                    *r = r.wrapping_add(value);
                }
                OpKind::Arith { reg, op, ref value } => {
                    match op.apply(self.regs[reg.0 as usize], value.value(&self.regs)) {
                        Some(v) => self.regs[reg.0 as usize] = v,
                        None => {
                            return Err(self.raise("ZeroDivisionError", "integer division or modulo by zero".into()))
                        }
                    }
                }
                OpKind::JumpIf { cond, to } => {
                    if self.cond(cond) {
                        next = to;
                    }
                }
                OpKind::Jump { to } => next = to,
                OpKind::Loop { to, times } => {
                    let count = loop_counts[LOOP_PAD + pc] + 1;
                    if count < times {
                        loop_counts[LOOP_PAD + pc] = count;
                        next = to;
                    } else {
                        loop_counts[LOOP_PAD + pc] = 0;
                    }
                }
                OpKind::Clock { reg } => self.regs[reg.0 as usize] = self.program_micros(self.now()),
                OpKind::Sleep { micros } => self.sleep(micros)?,
                OpKind::Print { ref text } => self.print(text)?,
                OpKind::Introspect { what, reg } => self.regs[reg.0 as usize] = self.introspect(what),
                // Two separate atomic operations: the gap between them is where updates get lost.
                OpKind::Load { object, reg } | OpKind::Store { object, reg } if self.is_value(object) => {
                    self.value_access(object, reg.0 as usize, matches!(op.kind, OpKind::Store { .. }))?
                }
                OpKind::Load { object, reg } => self.regs[reg.0 as usize] = self.var(object).load(Ordering::Relaxed),
                OpKind::Store { object, reg } => self.var(object).store(self.regs[reg.0 as usize], Ordering::Relaxed),
                OpKind::Acquire { object, wait, result } => {
                    let acquired = self.acquire(object, wait)?;
                    if let Some(r) = result {
                        self.regs[r.0 as usize] = acquired as i64;
                    }
                }
                OpKind::Release { object } => self.release(object)?,
                OpKind::CondWait { object, wait } => self.cond_wait(object, wait)?,
                OpKind::CondNotify { object, all } => self.cond_notify(object, all)?,
                OpKind::EventSet { object } => self.event_set(object, 1),
                OpKind::EventClear { object } => self.event_set(object, 0),
                OpKind::EventWait { object, wait, result } => {
                    let set = self.event_wait(object, wait)?;
                    if let Some(r) = result {
                        self.regs[r.0 as usize] = set as i64;
                    }
                }
                OpKind::BarrierWait { object, result } => {
                    let index = self.barrier_wait(object)?;
                    if let Some(r) = result {
                        self.regs[r.0 as usize] = index;
                    }
                }
                OpKind::BarrierAbort { object } => self.barrier_abort(object),
                OpKind::Put { object, ref value, wait } => self.put(object, value.value(&self.regs), wait)?,
                OpKind::Get { object, reg, wait } => self.get(object, reg.0 as usize, wait)?,
                OpKind::QueueEmpty { object, reg } => self.regs[reg.0 as usize] = self.queue_state(object, false),
                OpKind::QueueFull { object, reg } => self.regs[reg.0 as usize] = self.queue_state(object, true),
                OpKind::Send { object, end, ref value } => self.send(object, end, value.value(&self.regs))?,
                OpKind::Recv { object, end, reg } => self.recv(object, end, reg.0 as usize)?,
                OpKind::Close { object, end } => self.close(object, end),
                OpKind::Start { actor } => self.start(actor)?,
                OpKind::Join { actor, wait } => self.join(actor, wait)?,
            }
            pc = next;
        }
        self.periodic(since_check as u64)?;
        Ok(())
    }

    /// Every so often: progress, the control block, and a trace batch for the page.
    fn periodic(&mut self, ops: u64) -> Result<(), Exit> {
        self.shared.control.add_progress(ops);
        let now = self.now();
        self.halt_check(now)?;
        if now.saturating_sub(self.last_batch) >= BATCH_EVERY {
            self.last_batch = now;
            let batch = self.rec.take_batch();
            if !batch.is_empty() {
                let _ = self.shared.messages.send(ActorMessage::Batch(batch));
            }
        }
        Ok(())
    }

    /// Pure-Python work: `units` rounds of integer hashing ([`hash_rounds`]), cancellable.
    /// Long work looks at the control block between slices; short work leaves that to the
    /// interpreter's periodic check (reading the clock would cost more than the work).
    fn compute(&mut self, units: u64) -> Result<(), Exit> {
        let mut state = self.me as u64 | 1;
        let mut left = units;
        loop {
            let slice = left.min(1 << 14);
            state = hash_rounds(state, slice);
            left -= slice;
            if left == 0 {
                return Ok(());
            }
            self.halt_check(self.now())?;
        }
    }

    /// `time.sleep`: releases the GIL, and comes back only after a waiting thread has had
    /// it, so even `sleep(0)` hands the GIL over, as it does in CPython.
    fn sleep(&mut self, micros: u64) -> Result<(), Exit> {
        // Even sleep(0) takes CPython real time (see the cost table).
        self.pause(micros.max(costs::SLEEP_ZERO / 1000) * 1000, SpanKind::Sleep)
    }

    /// Waits out `nanos` of the program's time (scaled by `time_scale`) with the GIL
    /// released: a sleep, or a `start()` keeping its caller. Comes back only after a
    /// waiting thread has had the GIL, so even `sleep(0)` hands it over, as in CPython.
    fn pause(&mut self, nanos: Nanos, kind: SpanKind) -> Result<(), Exit> {
        let real = (nanos as f64 * self.shared.settings.time_scale) as Nanos;
        let switches = self.gil().map(Gil::switches);
        let start = self.block(kind);
        self.wait_until(start + real)?;
        if let (Some(gil), Some(switches)) = (self.gil(), switches) {
            gil.await_other_taker(switches, &*self.shared.clock, &self.shared.control)?;
        }
        self.unblock(kind)?;
        Ok(())
    }

    /// A process's start-up as work: as much computing as takes `nanos` (scaled) on an idle
    /// core, so processes starting together contend for the cores as they do in CPython.
    fn start_up(&mut self, nanos: Nanos) -> Result<(), Exit> {
        let real = nanos as f64 * self.shared.settings.time_scale;
        self.compute((real / self.shared.unit_ns).round() as u64)
    }

    /// Waits, doing nothing, until `at` (run time), or until the run or the thread must end.
    fn wait_until(&self, at: Nanos) -> Result<(), Exit> {
        let word = AtomicU32::new(0);
        loop {
            let now = self.now();
            self.halt_check(now)?;
            let left = at.saturating_sub(now);
            if left == 0 {
                return Ok(());
            }
            futex::wait(&word, 0, left.min(WAIT_SLICE));
        }
    }

    /// `print`: one write of the line (a terminal), two writes (`-u`: the text, then the
    /// newline), or into the process's buffer (a pipe), written out when the process exits.
    fn print(&mut self, text: &[TextPart]) -> Result<(), Exit> {
        let actor = self.shared.program.actor(self.id);
        let line = render_text(text, &self.regs, &actor.name, actor.process);
        match self.shared.settings.output {
            OutputMode::Tty => self.write(line + "\n"),
            OutputMode::Unbuffered => {
                self.write(line)?;
                self.write("\n".into())
            }
            OutputMode::Pipe => {
                let mut buffer = self.shared.processes[self.process].buffer.lock().unwrap_or_else(|e| e.into_inner());
                buffer.push_str(&line);
                buffer.push('\n');
                Ok(())
            }
        }
    }

    /// One write to the console. The write system call releases the GIL, so a thread
    /// waiting for it may take it here, as in CPython.
    fn write(&mut self, text: String) -> Result<(), Exit> {
        let at = self.now();
        self.rec.print(at, self.line, text);
        if self.holds_gil && self.gil().is_some_and(Gil::has_waiters) {
            self.release_gil(at);
            self.take_gil()?;
        }
        Ok(())
    }

    fn introspect(&self, what: Introspect) -> i64 {
        let alive = |slot: &ActorSlot| slot.started.load(Ordering::Acquire) && slot.done.load(Ordering::Acquire) == 0;
        match what {
            Introspect::ActiveCount => self
                .shared
                .actors
                .iter()
                .zip(&self.shared.program.actors)
                .filter(|(slot, def)| def.process.0 as usize == self.process && alive(slot))
                .count() as i64,
            Introspect::IsAlive(actor) => alive(&self.shared.actors[actor.0 as usize]) as i64,
        }
    }

    /// Waits on `word` until `ready()` or the wait's own timeout. `Ok(false)` on timeout.
    fn wait_on(&self, word: &AtomicU32, wait: Wait, ready: impl Fn() -> bool) -> Result<bool, Exit> {
        let start = self.now();
        let limit = match wait {
            Wait::Forever => Nanos::MAX,
            Wait::NoWait => 0,
            Wait::Timeout(micros) => (micros as f64 * 1000.0 * self.shared.settings.time_scale) as Nanos,
        };
        loop {
            let seen = word.load(Ordering::Acquire);
            if ready() {
                return Ok(true);
            }
            let now = self.now();
            self.halt_check(now)?;
            let waited = now.saturating_sub(start);
            if waited >= limit {
                return Ok(false);
            }
            futex::wait(word, seen, (limit - waited).min(WAIT_SLICE));
        }
    }

    /// Tells the watchdog what this actor waits for (or that it waits no more).
    fn publish_wait(&self, on: Option<WaitOn>, wait: Wait) {
        let held_before = match on {
            Some(WaitOn::Object(object)) => {
                self.lock(object).is_some_and(|(_, lock)| lock.owner.load(Ordering::Acquire) == self.me + 1)
            }
            _ => false,
        };
        let timed = wait != Wait::Forever;
        let word = on.map_or(0, |on| encode_wait(PublishedWait { on, held_before, timed }));
        self.shared.actors[self.id.0 as usize].waiting_on.store(word, Ordering::Release);
    }

    /// The lock behind a lock-like object: itself, or a Condition's lock.
    fn lock(&self, object: ObjectId) -> Option<(ObjectId, &LiveLock)> {
        match &self.shared.objects[object.0 as usize] {
            LiveObject::Lock(lock) => Some((object, lock)),
            LiveObject::Condition { lock, .. } => match &self.shared.objects[lock.0 as usize] {
                LiveObject::Lock(inner) => Some((*lock, inner)),
                _ => None,
            },
            _ => None,
        }
    }

    /// Blocks on `word` until `ready()`, telling the watchdog what it waits for.
    fn blocking_wait(
        &mut self,
        on: WaitOn,
        word: &AtomicU32,
        wait: Wait,
        ready: impl Fn() -> bool,
    ) -> Result<bool, Exit> {
        let kind = SpanKind::Wait(on);
        self.block(kind);
        self.publish_wait(Some(on), wait);
        let got = self.wait_on(word, wait, ready);
        self.publish_wait(None, wait);
        let got = got?;
        self.unblock(kind)?;
        Ok(got)
    }

    fn acquire(&mut self, object: ObjectId, wait: Wait) -> Result<bool, Exit> {
        let shared = self.shared.clone();
        let me = self.me + 1;
        // Like CPython: try without releasing the GIL; release it only to block.
        let acquired = match (&shared.objects[object.0 as usize], self.lock(object).map(|(id, _)| id)) {
            (LiveObject::Semaphore { value, changes, .. }, _) => {
                let try_take = || value.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |v| v.checked_sub(1)).is_ok();
                if try_take() {
                    true
                } else if wait == Wait::NoWait {
                    false
                } else {
                    self.blocking_wait(WaitOn::Object(object), changes, wait, try_take)?
                }
            }
            (_, Some(lock_id)) => {
                let LiveObject::Lock(lock) = &shared.objects[lock_id.0 as usize] else { unreachable!("a lock") };
                if lock.reentrant && lock.owner.load(Ordering::Acquire) == me {
                    // An RLock taken again by its owner: one more level, no new hold.
                    lock.count.fetch_add(1, Ordering::Relaxed);
                    return Ok(true);
                }
                let try_lock = || lock.owner.compare_exchange(0, me, Ordering::SeqCst, Ordering::Relaxed).is_ok();
                let got = if try_lock() {
                    true
                } else if wait == Wait::NoWait {
                    false
                } else {
                    // SeqCst with the release's check: either it sees this waiter and wakes
                    // it, or this waiter's next try sees the lock free.
                    lock.waiters.fetch_add(1, Ordering::SeqCst);
                    let got = self.blocking_wait(WaitOn::Object(lock_id), &lock.changes, wait, try_lock);
                    lock.waiters.fetch_sub(1, Ordering::SeqCst);
                    got?
                };
                if got {
                    lock.count.store(1, Ordering::Relaxed);
                }
                got
            }
            _ => unreachable!("validated: acquire on a lock-like object"),
        };
        if acquired {
            let hold = self.lock(object).map_or(object, |(id, _)| id);
            self.rec.begin(SpanKind::Hold(hold), self.now(), self.line);
        }
        Ok(acquired)
    }

    fn release(&mut self, object: ObjectId) -> Result<(), Exit> {
        // The hold ends when the lock is free: time it before, since the next owner may
        // run (and time its own hold) before this thread gets to look at the clock again.
        let at = self.now();
        let shared = self.shared.clone();
        if let LiveObject::Semaphore { value, initial, bounded, changes } = &shared.objects[object.0 as usize] {
            let released = value
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |v| (!*bounded || v < *initial).then_some(v + 1));
            if released.is_err() {
                return Err(self.raise("ValueError", "Semaphore released too many times".into()));
            }
            changes.fetch_add(1, Ordering::Release);
            futex::wake_all(changes);
            self.rec.end(SpanKind::Hold(object), at);
            return Ok(());
        }
        let Some((lock_id, lock)) = self.lock(object) else { unreachable!("validated: release on a lock-like object") };
        let me = self.me + 1;
        if lock.reentrant {
            if lock.owner.load(Ordering::Acquire) != me {
                return Err(self.raise("RuntimeError", "cannot release un-acquired lock".into()));
            }
            if lock.count.fetch_sub(1, Ordering::Relaxed) > 1 {
                return Ok(());
            }
            lock.free();
        } else {
            // Anyone may release a Lock in Python; releasing a free one raises.
            if lock.owner.load(Ordering::SeqCst) == 0 {
                return Err(self.raise("RuntimeError", "release unlocked lock".into()));
            }
            lock.free();
        }
        self.rec.end(SpanKind::Hold(lock_id), at);
        Ok(())
    }

    /// Whether this actor holds the lock behind `object`, and how many times.
    fn owned_count(&self, object: ObjectId) -> Option<u32> {
        let (_, lock) = self.lock(object)?;
        (lock.owner.load(Ordering::Acquire) == self.me + 1).then(|| lock.count.load(Ordering::Relaxed))
    }

    fn cond_wait(&mut self, object: ObjectId, wait: Wait) -> Result<(), Exit> {
        let shared = self.shared.clone();
        let LiveObject::Condition { waiters, .. } = &shared.objects[object.0 as usize] else {
            unreachable!("validated")
        };
        let Some(count) = self.owned_count(object) else {
            return Err(self.raise("RuntimeError", "cannot wait on un-acquired lock".into()));
        };
        let Some((lock_id, lock)) = self.lock(object) else { unreachable!("a Condition has a lock") };
        let token = Arc::new(AtomicU32::new(0));
        waiters.lock().unwrap_or_else(|e| e.into_inner()).push_back(token.clone());
        // Let go of the lock completely (an RLock whatever its count), and wait.
        let at = self.now();
        lock.free();
        self.rec.end(SpanKind::Hold(lock_id), at);
        let notified =
            self.blocking_wait(WaitOn::Object(object), &token, wait, || token.load(Ordering::Acquire) == 1)?;
        if !notified {
            waiters.lock().unwrap_or_else(|e| e.into_inner()).retain(|t| !Arc::ptr_eq(t, &token));
        }
        // `wait` returns only once it has the lock back, at the count it had.
        self.acquire(lock_id, Wait::Forever)?;
        if let Some((_, lock)) = self.lock(object) {
            lock.count.store(count, Ordering::Relaxed);
        }
        Ok(())
    }

    fn cond_notify(&mut self, object: ObjectId, all: bool) -> Result<(), Exit> {
        let shared = self.shared.clone();
        let LiveObject::Condition { waiters, .. } = &shared.objects[object.0 as usize] else {
            unreachable!("validated")
        };
        if self.owned_count(object).is_none() {
            return Err(self.raise("RuntimeError", "cannot notify on un-acquired lock".into()));
        }
        // CPython wakes its waiters in the order they began to wait.
        let woken: Vec<Arc<AtomicU32>> = {
            let mut list = waiters.lock().unwrap_or_else(|e| e.into_inner());
            let n = if all { list.len() } else { list.len().min(1) };
            list.drain(..n).collect()
        };
        for token in woken {
            token.store(1, Ordering::Release);
            futex::wake_all(&token);
        }
        Ok(())
    }

    fn event_wait(&mut self, object: ObjectId, wait: Wait) -> Result<bool, Exit> {
        let shared = self.shared.clone();
        let LiveObject::Event { set } = &shared.objects[object.0 as usize] else { unreachable!("validated") };
        if set.load(Ordering::Acquire) == 1 || wait == Wait::NoWait {
            return Ok(set.load(Ordering::Acquire) == 1);
        }
        self.blocking_wait(WaitOn::Object(object), set, wait, || set.load(Ordering::Acquire) == 1)
    }

    fn event_set(&self, object: ObjectId, value: u32) {
        if let LiveObject::Event { set } = &self.shared.objects[object.0 as usize] {
            set.store(value, Ordering::Release);
            futex::wake_all(set);
        }
    }

    /// `barrier.wait()`: the index of arrival, once all parties are there.
    fn barrier_wait(&mut self, object: ObjectId) -> Result<i64, Exit> {
        let shared = self.shared.clone();
        let LiveObject::Barrier { parties, state, generation } = &shared.objects[object.0 as usize] else {
            unreachable!("validated")
        };
        let (index, gen) = {
            let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
            if s.broken {
                drop(s);
                return Err(self.raise("threading.BrokenBarrierError", String::new()));
            }
            let index = s.arrived;
            s.arrived += 1;
            let gen = generation.load(Ordering::Acquire);
            if s.arrived == *parties {
                // The last to arrive lets everyone through together.
                s.arrived = 0;
                generation.fetch_add(1, Ordering::Release);
                futex::wake_all(generation);
                return Ok(index as i64);
            }
            (index, gen)
        };
        let broken = || state.lock().map(|s| s.broken).unwrap_or(true);
        self.blocking_wait(WaitOn::Object(object), generation, Wait::Forever, || {
            generation.load(Ordering::Acquire) != gen || broken()
        })?;
        if generation.load(Ordering::Acquire) == gen && broken() {
            return Err(self.raise("threading.BrokenBarrierError", String::new()));
        }
        Ok(index as i64)
    }

    fn barrier_abort(&self, object: ObjectId) {
        if let LiveObject::Barrier { state, generation, .. } = &self.shared.objects[object.0 as usize] {
            state.lock().unwrap_or_else(|e| e.into_inner()).broken = true;
            // The generation stays: the waiters must see a break, not a release. A waiter
            // that misses this wake sees the break at its next look, within a wait slice.
            futex::wake_all(generation);
        }
    }

    fn join(&mut self, actor: ActorId, wait: Wait) -> Result<(), Exit> {
        let shared = self.shared.clone();
        let slot = &shared.actors[actor.0 as usize];
        let role = shared.program.actor(actor).role;
        if actor == self.id {
            return Err(self.raise("RuntimeError", "cannot join current thread".into()));
        }
        if !slot.started.load(Ordering::Acquire) {
            return Err(match role {
                ActorRole::Thread => self.raise("RuntimeError", "cannot join thread before it is started".into()),
                ActorRole::ProcessMain => self.raise("AssertionError", "can only join a started process".into()),
            });
        }
        if shared.joined(actor) {
            return Ok(());
        }
        let word = match role {
            ActorRole::Thread => &slot.done,
            ActorRole::ProcessMain => &shared.processes[shared.program.actor(actor).process.0 as usize].exited,
        };
        let kind = SpanKind::Wait(WaitOn::Actor(actor));
        self.block(kind);
        self.publish_wait(Some(WaitOn::Actor(actor)), wait);
        let joined = self.wait_on(word, wait, || shared.joined(actor));
        self.publish_wait(None, wait);
        joined?;
        self.unblock(kind)?;
        Ok(())
    }

    /// `t.start()` or `p.start()`. A process begins with a copy of its parent's variables
    /// (`fork`) or their initial values (`spawn`), and its start costs what the cost table
    /// says, waited out by the starter with the GIL released.
    fn start(&mut self, target: ActorId) -> Result<(), Exit> {
        let shared = self.shared.clone();
        let def = shared.program.actor(target);
        if shared.actors[target.0 as usize].started.load(Ordering::Acquire) {
            let message = match def.role {
                ActorRole::Thread => "threads can only be started once",
                ActorRole::ProcessMain => "cannot start a process twice",
            };
            return Err(self.raise("RuntimeError", message.into()));
        }
        if def.role == ActorRole::Thread {
            // As in CPython, `start()` returns once the new thread is running.
            let since = self.now();
            spawn_actor(&shared, target, Some(Starting { since, work: costs::THREAD_START }));
            return self.pause(costs::THREAD_START, SpanKind::Starting);
        }
        let p = def.process.0 as usize;
        let process = &shared.program.processes[p];
        if process.start_method == StartMethod::Fork {
            let parent = process.parent.map_or(0, |q| q.0 as usize);
            for (to, from) in shared.vars[p].iter().zip(&shared.vars[parent]) {
                to.store(from.load(Ordering::SeqCst), Ordering::SeqCst);
            }
        }
        let cost = match process.start_method {
            StartMethod::Spawn => costs::SPAWN_START,
            _ => costs::FORK_START,
        };
        let since = self.now();
        shared.processes[p].started.store(true, Ordering::SeqCst);
        // The child starts by itself; `start()` returns before it runs.
        spawn_actor(&shared, target, Some(Starting { since, work: cost }));
        self.pause(costs::PROCESS_START_RETURN, SpanKind::Starting)
    }

    /// `v.value` or `v.value = x` on a `multiprocessing.Value`: each under its lock, so a
    /// `+=` is a locked read and then a separately locked write.
    fn value_access(&mut self, object: ObjectId, reg: usize, store: bool) -> Result<(), Exit> {
        let shared = self.shared.clone();
        let LiveObject::Value { value, lock } = &shared.objects[object.0 as usize] else { unreachable!("validated") };
        self.acquire(*lock, Wait::Forever)?;
        if store {
            value.store(self.regs[reg], Ordering::SeqCst);
        } else {
            self.regs[reg] = value.load(Ordering::SeqCst);
        }
        self.release(*lock)
    }

    fn message_mark(&mut self, kind: MarkKind) {
        let at = self.now();
        self.rec.mark(kind, at, self.line);
    }

    /// `q.put(item, block, timeout)`: waits while a bounded queue is full.
    fn put(&mut self, object: ObjectId, item: i64, wait: Wait) -> Result<(), Exit> {
        let shared = self.shared.clone();
        let LiveObject::Queue { maxsize, state, changes } = &shared.objects[object.0 as usize] else {
            unreachable!("validated")
        };
        let try_put = || {
            let mut q = state.lock().unwrap_or_else(|e| e.into_inner());
            if *maxsize > 0 && q.items.len() >= *maxsize as usize {
                return None;
            }
            q.sent += 1;
            let seq = q.sent;
            q.items.push_back((seq, item));
            Some(seq)
        };
        let mut put = try_put();
        if put.is_none() && wait != Wait::NoWait {
            let slot = std::cell::Cell::new(None);
            self.blocking_wait(WaitOn::Object(object), changes, wait, || {
                slot.set(try_put());
                slot.get().is_some()
            })?;
            put = slot.get();
        }
        let Some(seq) = put else { return Err(self.raise("queue.Full", String::new())) };
        announce(changes);
        self.message_mark(MarkKind::Sent { object, seq });
        Ok(())
    }

    /// `item = q.get(block, timeout)`: waits while the queue is empty.
    fn get(&mut self, object: ObjectId, reg: usize, wait: Wait) -> Result<(), Exit> {
        let shared = self.shared.clone();
        let LiveObject::Queue { state, changes, .. } = &shared.objects[object.0 as usize] else {
            unreachable!("validated")
        };
        let try_get = || state.lock().unwrap_or_else(|e| e.into_inner()).items.pop_front();
        let mut got = try_get();
        if got.is_none() && wait != Wait::NoWait {
            let slot = std::cell::Cell::new(None);
            self.blocking_wait(WaitOn::Object(object), changes, wait, || {
                slot.set(try_get());
                slot.get().is_some()
            })?;
            got = slot.get();
        }
        let Some((seq, item)) = got else { return Err(self.raise("_queue.Empty", String::new())) };
        // Room now, for a putter waiting on a full queue.
        announce(changes);
        self.regs[reg] = item;
        self.message_mark(MarkKind::Received { object, seq });
        Ok(())
    }

    fn queue_state(&self, object: ObjectId, full: bool) -> i64 {
        let LiveObject::Queue { maxsize, state, .. } = &self.shared.objects[object.0 as usize] else {
            unreachable!("validated")
        };
        let len = state.lock().unwrap_or_else(|e| e.into_inner()).items.len();
        if full {
            (*maxsize > 0 && len >= *maxsize as usize) as i64
        } else {
            (len == 0) as i64
        }
    }

    /// `conn.send(obj)` on one end; it arrives at the other.
    fn send(&mut self, object: ObjectId, end: u8, item: i64) -> Result<(), Exit> {
        let shared = self.shared.clone();
        let LiveObject::Pipe { duplex, state, changes } = &shared.objects[object.0 as usize] else {
            unreachable!("validated")
        };
        // A one-way pipe receives on end 0 and sends on end 1, as `Pipe(duplex=False)`.
        if !*duplex && end == 0 {
            return Err(self.raise("OSError", "connection is read-only".into()));
        }
        let (e, to) = (end as usize, 1 - end as usize);
        let sent = {
            let mut pipe = state.lock().unwrap_or_else(|e| e.into_inner());
            if pipe.closed[e] {
                Err(("OSError", "handle is closed"))
            } else if pipe.closed[to] {
                Err(("BrokenPipeError", "[Errno 32] Broken pipe"))
            } else {
                pipe.sent += 1;
                let seq = pipe.sent;
                pipe.inbox[to].push_back((seq, item));
                Ok(seq)
            }
        };
        match sent {
            Ok(seq) => {
                announce(changes);
                self.message_mark(MarkKind::Sent { object, seq });
                Ok(())
            }
            Err((exception, message)) => Err(self.raise(exception, message.into())),
        }
    }

    /// `obj = conn.recv()`: waits for a message; `EOFError` once the other end is closed
    /// and nothing is left to read.
    fn recv(&mut self, object: ObjectId, end: u8, reg: usize) -> Result<(), Exit> {
        let shared = self.shared.clone();
        let LiveObject::Pipe { duplex, state, changes } = &shared.objects[object.0 as usize] else {
            unreachable!("validated")
        };
        if !*duplex && end == 1 {
            return Err(self.raise("OSError", "connection is write-only".into()));
        }
        let e = end as usize;
        // `Some(Some(message))`, `Some(None)` at end of file, `None` when it must wait.
        let try_recv = || {
            let mut pipe = state.lock().unwrap_or_else(|e| e.into_inner());
            match pipe.inbox[e].pop_front() {
                Some(message) => Some(Some(message)),
                None if pipe.closed[1 - e] => Some(None),
                None => None,
            }
        };
        let mut got = try_recv();
        if got.is_none() {
            let slot = std::cell::Cell::new(None);
            self.blocking_wait(WaitOn::Object(object), changes, Wait::Forever, || {
                slot.set(try_recv());
                slot.get().is_some()
            })?;
            got = slot.get();
        }
        match got.flatten() {
            Some((seq, item)) => {
                self.regs[reg] = item;
                self.message_mark(MarkKind::Received { object, seq });
                Ok(())
            }
            None => Err(self.raise("EOFError", String::new())),
        }
    }

    fn close(&mut self, object: ObjectId, end: u8) {
        if let LiveObject::Pipe { state, changes, .. } = &self.shared.objects[object.0 as usize] {
            state.lock().unwrap_or_else(|e| e.into_inner()).closed[end as usize] = true;
            // Receivers on the other end with nothing left to read get EOFError.
            announce(changes);
        }
    }
}

#[cfg(test)]
mod watchdog_tests {
    use super::*;

    #[test]
    fn a_waiter_that_has_just_won_its_lock_is_not_deadlocked_with_itself() {
        let me = ActorId(3);
        let fresh = PublishedWait { on: WaitOn::Object(ObjectId(1)), held_before: false, timed: false };
        assert_eq!(holder_of(me, fresh, Some(me)), None);
        assert_eq!(holder_of(me, fresh, Some(ActorId(4))), Some(ActorId(4)));
        // A plain Lock taken again by its owner: it waits for itself, for good.
        let again = PublishedWait { held_before: true, ..fresh };
        assert_eq!(holder_of(me, again, Some(me)), Some(me));
    }

    #[test]
    fn published_waits_round_trip_through_their_word() {
        for on in [WaitOn::Object(ObjectId(65535)), WaitOn::Actor(ActorId(7))] {
            for (held_before, timed) in [(false, false), (true, false), (false, true), (true, true)] {
                let wait = PublishedWait { on, held_before, timed };
                assert_eq!(decode_wait(encode_wait(wait)), Some(wait));
            }
        }
        assert_eq!(decode_wait(0), None);
    }
}
