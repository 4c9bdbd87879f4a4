//! The live interpreter: each actor of a Program runs on a real pool thread.
//!
//! A plain variable is an atomic word read and written by separate operations, so a lost
//! update happens exactly where real threads can interleave a read-modify-write. Locks are
//! real, and every wait is a bounded futex sleep that re-checks the control block, so no
//! worker is ever stuck past a Cancel or the deadline. With `gil=on` each process has a real
//! [`Gil`] that changes hands only at check points: calls and backward jumps under the
//! 3.10+ model, between any two operations under the 3.9 model.
//!
//! This first version runs threads of one process, with `Lock`; the other primitives and
//! processes are refused with a clear message until they land.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;

use crossbeam_channel::{Receiver, Sender, TryRecvError};

use crate::engine::clock::Clock;
use crate::engine::control::{Control, StopReason};
use crate::engine::costs;
use crate::engine::deadlock::{find_cycle, Waiting};
use crate::engine::live::futex;
use crate::engine::live::gil::{Gil, WAIT_SLICE};
use crate::engine::live::sync::{LiveLock, LiveObject};
use crate::engine::live::Spawner;
use crate::engine::program::{
    render_text, ActorId, Cond, Introspect, Line, ObjectId, ObjectKind, OpKind, Program, ProgramError, TextPart, Wait,
    REGISTERS,
};
use crate::engine::settings::{PythonModel, RunSettings};
use crate::engine::trace::{
    ActorInfo, ActorRecorder, EngineKind, MarkKind, Nanos, Outcome, SpanKind, Trace, TraceBatch, WaitEdge, WaitOn,
};

/// Operations between two looks at the clock and the control block.
const CHECK_EVERY: u32 = 1024;
/// How often an actor hands its new trace events to the run's owner.
const BATCH_EVERY: Nanos = 25_000_000;

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
}

/// A published wait: what is waited for, and whether the waiter already held it when it
/// began to wait (a plain Lock taken twice by its owner).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct PublishedWait {
    on: WaitOn,
    held_before: bool,
}

const HELD_BEFORE: u64 = 1 << 40;

fn encode_wait(wait: PublishedWait) -> u64 {
    let held = if wait.held_before { HELD_BEFORE } else { 0 };
    held | match wait.on {
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
    Some(PublishedWait { on, held_before: word & HELD_BEFORE != 0 })
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
    /// Plain variables, one copy per process: `vars[process][object]`.
    vars: Vec<Vec<AtomicI64>>,
    objects: Vec<LiveObject>,
    actors: Vec<ActorSlot>,
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
}

/// Checks that the live engine can run a Program, before anything starts.
pub fn check(program: &Program, pool_threads: usize) -> Result<(), StartError> {
    program.validate().map_err(StartError::Invalid)?;
    if program.processes.len() > 1 {
        return Err(StartError::Unsupported("child processes".into()));
    }
    for object in &program.objects {
        match object.kind {
            ObjectKind::Var { .. }
            | ObjectKind::Lock
            | ObjectKind::RLock
            | ObjectKind::Semaphore { .. }
            | ObjectKind::Condition { .. }
            | ObjectKind::Event
            | ObjectKind::Barrier { .. } => {}
            ref other => return Err(StartError::Unsupported(format!("`{}` ({})", object.name, other.python_type()))),
        }
    }
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
    let origin = clock.now();
    control.set_deadline(origin.saturating_add(settings.deadline));
    let processes = program.processes.len();
    let shared = Arc::new(Shared {
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
            })
            .collect(),
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
    spawn_actor(&shared, ActorId(0));
    Ok(LiveRun { shared, inbox, recorders, total_ops, suspect: None, deadlock: None })
}

fn spawn_actor(shared: &Arc<Shared>, actor: ActorId) {
    shared.actors[actor.0 as usize].started.store(true, Ordering::Release);
    shared.running.fetch_add(1, Ordering::AcqRel);
    let shared = shared.clone();
    shared.clone().spawner.spawn(Box::new(move || run_actor(shared, actor)));
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
    /// control block, which frees them all within one wait slice.
    fn watch(&mut self) {
        if self.deadlock.is_some() || self.shared.control.stopped().is_some() {
            return;
        }
        let shared = &self.shared;
        let waiting: Vec<Waiting> = shared
            .actors
            .iter()
            .enumerate()
            .filter(|(_, slot)| slot.done.load(Ordering::Acquire) == 0)
            .filter_map(|(i, slot)| {
                let wait = decode_wait(slot.waiting_on.load(Ordering::Acquire))?;
                let waiter = ActorId(i as u16);
                let holder = match wait.on {
                    WaitOn::Object(o) => match &shared.objects[o.0 as usize] {
                        LiveObject::Lock(l) => {
                            let owner = l.owner.load(Ordering::Acquire).checked_sub(1).map(|h| ActorId(h as u16));
                            holder_of(waiter, wait, owner)
                        }
                        _ => None,
                    },
                    WaitOn::Actor(a) => (shared.actors[a.0 as usize].done.load(Ordering::Acquire) == 0).then_some(a),
                };
                Some(Waiting { waiter, on: wait.on, holder })
            })
            .collect();
        let cycle = find_cycle(&waiting);
        if cycle.is_some() && cycle == self.suspect {
            self.deadlock = cycle;
            shared.control.stop(StopReason::Deadlock);
        } else {
            self.suspect = cycle;
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
        let recorders = self
            .recorders
            .iter_mut()
            .enumerate()
            .map(|(i, r)| r.take().unwrap_or_else(|| ActorRecorder::new(ActorId(i as u16), shared.settings.budget)))
            .collect();
        let outcome = match (shared.control.stopped(), self.deadlock.take()) {
            (Some(StopReason::Deadlock), Some(cycle)) => Outcome::Deadlock { cycle },
            (None, _) => Outcome::Completed,
            (Some(StopReason::Cancelled), _) => Outcome::Cancelled,
            (Some(_), _) => Outcome::DeadlineExceeded,
        };
        let mut trace = Trace::from_recorders(EngineKind::Live, actors, recorders, wall, outcome);
        trace.finals = shared
            .program
            .objects
            .iter()
            .enumerate()
            .filter(|(_, o)| matches!(o.kind, ObjectKind::Var { .. }))
            .map(|(i, _)| (ObjectId(i as u16), shared.vars[0][i].load(Ordering::SeqCst)))
            .collect();
        trace.gil_handoffs = shared.gils.iter().map(|g| if shared.settings.gil { g.handoffs() } else { 0 }).collect();
        trace
    }
}

/// How an actor's run ended early.
enum Exit {
    /// The control block said stop (the reason is there for the owner to read).
    Stopped,
    /// A Python exception ended the thread (already recorded).
    Raised,
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

fn run_actor(shared: Arc<Shared>, id: ActorId) {
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
    let started = actor.now();
    actor.last_batch = started;
    actor.rec.mark(MarkKind::Started, started, actor.line);
    let result = actor.take_gil().map_err(Exit::from).and_then(|()| {
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
    slot.done.store(1, Ordering::Release);
    futex::wake_all(&slot.done);
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
        let shared = self.shared.clone();
        let Some(gil) = shared.settings.gil.then(|| &shared.gils[self.process]) else { return Ok(()) };
        if !gil.drop_requested() {
            return Ok(());
        }
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

    fn raise(&mut self, exception: &str, message: String) -> Exit {
        let at = self.now();
        self.rec.raise(at, self.line, exception, message);
        Exit::Raised
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
        let mut loop_counts = vec![0u64; ops.len()];
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
                    let count = loop_counts[pc] + 1;
                    if count < times {
                        loop_counts[pc] = count;
                        next = to;
                    } else {
                        loop_counts[pc] = 0;
                    }
                }
                OpKind::Clock { reg } => self.regs[reg.0 as usize] = self.program_micros(self.now()),
                OpKind::Sleep { micros } => self.sleep(micros)?,
                OpKind::Print { ref text } => self.print(text),
                OpKind::Introspect { what, reg } => self.regs[reg.0 as usize] = self.introspect(what),
                // Two separate atomic operations: the gap between them is where updates get lost.
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
                OpKind::Start { actor } => {
                    if shared.actors[actor.0 as usize].started.load(Ordering::Acquire) {
                        return Err(self.raise("RuntimeError", "threads can only be started once".into()));
                    }
                    spawn_actor(&shared, actor);
                }
                OpKind::Join { actor, wait } => self.join(actor, wait)?,
                ref other => {
                    // `check` refuses Programs with these; reaching one is a bug worth saying.
                    return Err(self.raise("NotImplementedError", format!("{other:?} in the live engine")));
                }
            }
            pc = next;
        }
        self.periodic(since_check as u64)?;
        Ok(())
    }

    /// Every so often: progress, the control block, and a trace batch for the page.
    fn periodic(&mut self, ops: u64) -> Result<(), StopReason> {
        self.shared.control.add_progress(ops);
        let now = self.now();
        self.shared.control.check(now + self.shared.origin)?;
        if now.saturating_sub(self.last_batch) >= BATCH_EVERY {
            self.last_batch = now;
            let batch = self.rec.take_batch();
            if !batch.is_empty() {
                let _ = self.shared.messages.send(ActorMessage::Batch(batch));
            }
        }
        Ok(())
    }

    /// Pure-Python work: `units` rounds of integer hashing, cancellable.
    fn compute(&mut self, units: u64) -> Result<(), StopReason> {
        let mut state = self.me as u64 | 1;
        let mut left = units;
        while left > 0 {
            let slice = left.min(1 << 14);
            for _ in 0..slice {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
            }
            std::hint::black_box(state);
            left -= slice;
            self.shared.control.check(self.shared.clock.now())?;
        }
        Ok(())
    }

    /// `time.sleep`: releases the GIL, and comes back only after a waiting thread has had
    /// it, so even `sleep(0)` hands the GIL over, as it does in CPython.
    fn sleep(&mut self, micros: u64) -> Result<(), StopReason> {
        // Even sleep(0) takes CPython real time (see the cost table).
        let micros = micros.max(costs::SLEEP_ZERO / 1000);
        let real = (micros as f64 * 1000.0 * self.shared.settings.time_scale) as Nanos;
        let switches = self.gil().map(Gil::switches);
        let start = self.block(SpanKind::Sleep);
        let word = AtomicU32::new(0);
        loop {
            let now = self.now();
            self.shared.control.check(now + self.shared.origin)?;
            let left = (start + real).saturating_sub(now);
            if left == 0 {
                break;
            }
            futex::wait(&word, 0, left.min(WAIT_SLICE));
        }
        if let (Some(gil), Some(switches)) = (self.gil(), switches) {
            gil.await_other_taker(switches, &*self.shared.clock, &self.shared.control)?;
        }
        self.unblock(SpanKind::Sleep)
    }

    fn print(&mut self, text: &[TextPart]) {
        let actor = self.shared.program.actor(self.id);
        let mut line = render_text(text, &self.regs, &actor.name, actor.process);
        line.push('\n');
        let at = self.now();
        self.rec.print(at, self.line, line);
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
    fn wait_on(&self, word: &AtomicU32, wait: Wait, ready: impl Fn() -> bool) -> Result<bool, StopReason> {
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
            self.shared.control.check(now + self.shared.origin)?;
            let waited = now.saturating_sub(start);
            if waited >= limit {
                return Ok(false);
            }
            futex::wait(word, seen, (limit - waited).min(WAIT_SLICE));
        }
    }

    /// Tells the watchdog what this actor waits for (or that it waits no more).
    fn publish_wait(&self, on: Option<WaitOn>) {
        let held_before = match on {
            Some(WaitOn::Object(object)) => {
                self.lock(object).is_some_and(|(_, lock)| lock.owner.load(Ordering::Acquire) == self.me + 1)
            }
            _ => false,
        };
        let word = on.map_or(0, |on| encode_wait(PublishedWait { on, held_before }));
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
    ) -> Result<bool, StopReason> {
        let kind = SpanKind::Wait(on);
        self.block(kind);
        self.publish_wait(Some(on));
        let got = self.wait_on(word, wait, ready);
        self.publish_wait(None);
        let got = got?;
        self.unblock(kind)?;
        Ok(got)
    }

    fn acquire(&mut self, object: ObjectId, wait: Wait) -> Result<bool, StopReason> {
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

    fn event_wait(&mut self, object: ObjectId, wait: Wait) -> Result<bool, StopReason> {
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
            generation.fetch_add(1, Ordering::Release);
            futex::wake_all(generation);
        }
    }

    fn join(&mut self, actor: ActorId, wait: Wait) -> Result<(), Exit> {
        let shared = self.shared.clone();
        let slot = &shared.actors[actor.0 as usize];
        if actor == self.id {
            return Err(self.raise("RuntimeError", "cannot join current thread".into()));
        }
        if !slot.started.load(Ordering::Acquire) {
            return Err(self.raise("RuntimeError", "cannot join thread before it is started".into()));
        }
        if slot.done.load(Ordering::Acquire) == 1 {
            return Ok(());
        }
        let kind = SpanKind::Wait(WaitOn::Actor(actor));
        self.block(kind);
        self.publish_wait(Some(WaitOn::Actor(actor)));
        let joined = self.wait_on(&slot.done, wait, || slot.done.load(Ordering::Acquire) == 1);
        self.publish_wait(None);
        joined?;
        self.unblock(kind)?;
        Ok(())
    }
}

#[cfg(test)]
mod watchdog_tests {
    use super::*;

    #[test]
    fn a_waiter_that_has_just_won_its_lock_is_not_deadlocked_with_itself() {
        let me = ActorId(3);
        let fresh = PublishedWait { on: WaitOn::Object(ObjectId(1)), held_before: false };
        assert_eq!(holder_of(me, fresh, Some(me)), None);
        assert_eq!(holder_of(me, fresh, Some(ActorId(4))), Some(ActorId(4)));
        // A plain Lock taken again by its owner: it waits for itself, for good.
        let again = PublishedWait { held_before: true, ..fresh };
        assert_eq!(holder_of(me, again, Some(me)), Some(me));
    }

    #[test]
    fn published_waits_round_trip_through_their_word() {
        for on in [WaitOn::Object(ObjectId(65535)), WaitOn::Actor(ActorId(7))] {
            for held_before in [false, true] {
                let wait = PublishedWait { on, held_before };
                assert_eq!(decode_wait(encode_wait(wait)), Some(wait));
            }
        }
        assert_eq!(decode_wait(0), None);
    }
}
