//! The simulated world: actors, cores, GILs, shared objects, and the step that moves
//! virtual time forward one operation or one timer at a time.

use std::collections::VecDeque;

mod batch;

use crate::engine::costs;
use crate::engine::deadlock::{find_cycle, Waiting};
use crate::engine::program::{
    render_text, ActorId, ActorRole, Cond, Introspect, ObjectId, ObjectKind, Op, OpKind, Operand, Program,
    ProgramError, StartMethod, TextPart, Wait, REGISTERS,
};
use crate::engine::schedule::{Pick, Schedule};
use crate::engine::settings::{OutputMode, PythonModel, RunSettings};
use crate::engine::sim::rng::Rng;
use crate::engine::trace::{ActorInfo, ActorRecorder, EngineKind, MarkKind, Nanos, Outcome, SpanKind, Trace, WaitOn};

/// How a simulated run is set up.
#[derive(Clone, Debug, PartialEq)]
pub struct SimSettings {
    pub run: RunSettings,
    /// Virtual cores of the simulated machine.
    pub cores: u32,
    pub seed: u64,
    /// A run that takes more steps than this ends with [`SimError::StepLimit`].
    pub max_steps: u64,
    /// Turns that go to a named thread instead of the one the engine would choose.
    pub schedule: Schedule,
}

impl Default for SimSettings {
    fn default() -> Self {
        SimSettings {
            run: RunSettings::default(),
            cores: 2,
            seed: 1,
            max_steps: 200_000_000,
            schedule: Schedule::default(),
        }
    }
}

/// Why a simulated run could not go on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SimError {
    Invalid(ProgramError),
    /// The run took more steps than allowed: it may never end, or be too large.
    StepLimit {
        steps: u64,
    },
    /// A schedule's pick names a thread that cannot take that turn.
    ScheduleMismatch {
        turn: u64,
        actor: u16,
        why: Misfit,
    },
}

/// What a schedule's pick for the coming turn asks for.
enum Picked {
    Actor(usize),
    /// No one runs: time passes to the next timer.
    Wait,
}

/// Why a pick does not fit the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Misfit {
    NoSuchThread {
        threads: usize,
    },
    /// The thread exists but cannot run now; says what it is doing instead.
    CannotRun {
        name: String,
        doing: String,
    },
    /// The run had ended before this turn.
    RunEnded,
    /// A wait with no timer to wait for: every thread is runnable or blocked for good.
    NothingToWaitFor,
}

impl std::fmt::Display for SimError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SimError::Invalid(e) => write!(f, "the program is not valid: {e}"),
            SimError::StepLimit { steps } => write!(
                f,
                "the simulator stopped after {steps} steps and the run had not ended: a loop that never ends \
                 does that, and so does a program too large to simulate (the live engine runs it)"
            ),
            SimError::ScheduleMismatch { turn, actor, why } => {
                write!(f, "the schedule does not fit this lesson and knobs: at turn {turn}, ")?;
                match why {
                    Misfit::NoSuchThread { threads } => {
                        write!(f, "it names thread {actor}, but the run has threads 0 to {}", threads.saturating_sub(1))
                    }
                    Misfit::CannotRun { name, doing } => write!(f, "thread {actor} ({name}) cannot run: it is {doing}"),
                    Misfit::RunEnded => write!(f, "it gives a turn to thread {actor}, but the run had already ended"),
                    Misfit::NothingToWaitFor => {
                        write!(f, "it lets time pass, but no timer is running (no one sleeps or starts)")
                    }
                }
            }
        }
    }
}

impl std::error::Error for SimError {}

/// What a slice of a run came to.
#[derive(Debug)]
pub enum StepResult {
    Running { steps: u64, now: Nanos },
    Finished(Box<Trace>),
}

/// Why a blocked actor is waiting, and until when at most.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Block {
    /// Waiting for its process's GIL; asks the holder to drop it at `asks`, unless a
    /// switch happened since `switches`.
    Gil {
        asks: Nanos,
        switches: u64,
    },
    /// Paying a cost that releases the GIL (sleep, start, a write) until `until`.
    Pause {
        until: Nanos,
        kind: SpanKind,
    },
    Acquire {
        object: ObjectId,
        until: Option<Nanos>,
    },
    CondWait {
        object: ObjectId,
        until: Option<Nanos>,
    },
    Event {
        object: ObjectId,
        until: Option<Nanos>,
    },
    Barrier {
        object: ObjectId,
    },
    Join {
        actor: ActorId,
        until: Option<Nanos>,
    },
    Put {
        object: ObjectId,
        until: Option<Nanos>,
    },
    Get {
        object: ObjectId,
        until: Option<Nanos>,
    },
    Recv {
        object: ObjectId,
        end: u8,
    },
}

impl Block {
    /// When a timer ends this wait, if one does.
    fn deadline(&self) -> Option<Nanos> {
        match *self {
            Block::Gil { asks, .. } => Some(asks),
            Block::Pause { until, .. } => Some(until),
            Block::Acquire { until, .. }
            | Block::CondWait { until, .. }
            | Block::Event { until, .. }
            | Block::Join { until, .. }
            | Block::Put { until, .. }
            | Block::Get { until, .. } => until,
            Block::Barrier { .. } | Block::Recv { .. } => None,
        }
    }

    fn wait_on(&self) -> Option<WaitOn> {
        match *self {
            Block::Acquire { object, .. }
            | Block::CondWait { object, .. }
            | Block::Event { object, .. }
            | Block::Barrier { object }
            | Block::Put { object, .. }
            | Block::Get { object, .. }
            | Block::Recv { object, .. } => Some(WaitOn::Object(object)),
            Block::Join { actor, .. } => Some(WaitOn::Actor(actor)),
            Block::Gil { .. } | Block::Pause { .. } => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    NotStarted,
    /// Wants to run at its clock: on a core, or queued for one.
    Runnable,
    Blocked(Block),
    Done,
}

/// How a blocking operation ended, delivered by whoever ended it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Wake {
    /// The operation completed; the value goes to its result register, if it has one.
    Value(i64),
    /// The operation raised.
    Raise(&'static str, String),
}

struct Actor {
    process: usize,
    daemon: bool,
    phase: Phase,
    /// When runnable: the time of its next step.
    clock: Nanos,
    pc: usize,
    regs: [i64; REGISTERS],
    loop_counts: Vec<u64>,
    core: Option<usize>,
    holds_gil: bool,
    /// The open state span (Run, WaitGil, Sleep, Wait, Starting).
    activity: Option<SpanKind>,
    rec: ActorRecorder,
    wake: Option<Wake>,
    /// A value waiting to go onto a full queue.
    pending_put: i64,
    /// An RLock's count, kept while a Condition wait has released it.
    cond_count: u32,
    /// The second write of an unbuffered print, still to come.
    pending_newline: bool,
    started: bool,
    /// A new process's start still to run (interpreter start-up and imports): CPU work
    /// on a core before its first line, so many starting at once contend for the cores.
    startup: Nanos,
    /// The Value's lock an access holds until this actor's next step (the access's time).
    value_lock: Option<ObjectId>,
}

#[derive(Default)]
struct Gil {
    holder: Option<usize>,
    last_holder: Option<usize>,
    drop_request: bool,
    switches: u64,
    handoffs: u64,
}

enum Object {
    Var,
    /// A `multiprocessing.Value` and the lock each access takes.
    Value {
        value: i64,
        lock: ObjectId,
    },
    Lock {
        owner: Option<usize>,
        count: u32,
        reentrant: bool,
        waiters: Vec<usize>,
    },
    Semaphore {
        value: u32,
        initial: u32,
        bounded: bool,
        waiters: Vec<usize>,
    },
    Condition {
        lock: ObjectId,
        waiters: VecDeque<usize>,
    },
    Event {
        set: bool,
        waiters: Vec<usize>,
    },
    Barrier {
        parties: u32,
        arrived: Vec<usize>,
        broken: bool,
    },
    Queue {
        items: VecDeque<i64>,
        maxsize: u32,
        getters: VecDeque<usize>,
        putters: VecDeque<usize>,
        sent: u32,
    },
    Pipe {
        duplex: bool,
        inbox: [VecDeque<i64>; 2],
        closed: [bool; 2],
        receivers: [VecDeque<usize>; 2],
        sent: u32,
    },
}

pub struct Sim {
    program: Program,
    settings: SimSettings,
    rng: Rng,
    actors: Vec<Actor>,
    cores: Vec<Option<(usize, Nanos)>>,
    /// Runnable actors without a core, in the order they became ready.
    ready: VecDeque<usize>,
    gils: Vec<Gil>,
    /// Plain variables, one copy per process: `vars[process][object]`.
    vars: Vec<Vec<i64>>,
    objects: Vec<Object>,
    /// Block-buffered output per process (`output=pipe`), flushed at the process's exit.
    buffers: Vec<String>,
    process_started: Vec<bool>,
    process_exited: Vec<bool>,
    now: Nanos,
    steps: u64,
    /// Turns taken: steps in which an actor ran (timers fire between turns).
    turns: u64,
    /// Picks still to come, in turn order.
    pending: VecDeque<Pick>,
    /// The picks that overruled the engine so far: the schedule that replays this run.
    applied: Vec<Pick>,
    /// Who could run at each turn from some turn on, for the explorer.
    turn_log: Option<TurnLog>,
    /// Loops run alone may be batched (not while taking single turns: the result is the
    /// same, and a turn must be one operation).
    batching: bool,
    outcome: Option<Outcome>,
}

/// One turn as the explorer sees it: who could have taken it, and who the engine chose.
/// (Turns of a loop run alone many iterations at once are not recorded: only time could
/// pass there, which the loop's last iterations, taken one by one, show as well.)
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TurnRecord {
    pub turn: u64,
    pub enabled: Vec<u16>,
    pub chosen: u16,
    /// The chosen actor's next operation touches what others can see (a shared object,
    /// a start, a join, a print): only there does running someone else first matter.
    pub visible: bool,
    /// A timer was running (someone sleeping or starting): time could have passed first.
    pub timer: bool,
}

/// The turns the explorer may branch at, from turn `from` on: only those where the chosen
/// thread touches what others can see, and only until they offer as many branches as the
/// explorer has room for, so a run of millions of turns keeps a short log.
struct TurnLog {
    from: u64,
    records: Vec<TurnRecord>,
    branches_left: u64,
    /// A turn that offered branches came after the log was full.
    truncated: bool,
}

/// Seeded jitter of up to ±12.5 % on a cost, integer-only.
fn jitter(rng: &mut Rng, cost: Nanos) -> Nanos {
    let offset = rng.below(257) as i64 - 128;
    (cost as i64 + cost as i64 * offset / 1024).max(1) as Nanos
}

impl Sim {
    pub fn new(program: Program, settings: SimSettings) -> Result<Sim, SimError> {
        program.validate().map_err(SimError::Invalid)?;
        let budget = settings.run.budget;
        let actors = program
            .actors
            .iter()
            .enumerate()
            .map(|(i, def)| Actor {
                process: def.process.0 as usize,
                daemon: def.daemon,
                phase: Phase::NotStarted,
                clock: 0,
                pc: 0,
                regs: [0; REGISTERS],
                loop_counts: vec![0; def.ops.len()],
                core: None,
                holds_gil: false,
                activity: None,
                rec: ActorRecorder::new(ActorId(i as u16), budget),
                wake: None,
                pending_put: 0,
                cond_count: 0,
                pending_newline: false,
                started: false,
                startup: 0,
                value_lock: None,
            })
            .collect();
        let objects = program
            .objects
            .iter()
            .map(|o| match o.kind {
                ObjectKind::Var { .. } => Object::Var,
                ObjectKind::SharedValue { initial, lock } => Object::Value { value: initial, lock },
                ObjectKind::Lock => Object::Lock { owner: None, count: 0, reentrant: false, waiters: Vec::new() },
                ObjectKind::RLock => Object::Lock { owner: None, count: 0, reentrant: true, waiters: Vec::new() },
                ObjectKind::Semaphore { permits, bounded } => {
                    Object::Semaphore { value: permits, initial: permits, bounded, waiters: Vec::new() }
                }
                ObjectKind::Condition { lock } => Object::Condition { lock, waiters: VecDeque::new() },
                ObjectKind::Event => Object::Event { set: false, waiters: Vec::new() },
                ObjectKind::Barrier { parties } => Object::Barrier { parties, arrived: Vec::new(), broken: false },
                ObjectKind::Queue { maxsize } => Object::Queue {
                    items: VecDeque::new(),
                    maxsize,
                    getters: VecDeque::new(),
                    putters: VecDeque::new(),
                    sent: 0,
                },
                ObjectKind::Pipe { duplex } => Object::Pipe {
                    duplex,
                    inbox: [VecDeque::new(), VecDeque::new()],
                    closed: [false; 2],
                    receivers: [VecDeque::new(), VecDeque::new()],
                    sent: 0,
                },
            })
            .collect();
        let initial: Vec<i64> = program
            .objects
            .iter()
            .map(|o| if let ObjectKind::Var { initial } = o.kind { initial } else { 0 })
            .collect();
        let processes = program.processes.len();
        let pending = settings.schedule.picks().iter().copied().collect();
        let mut sim = Sim {
            rng: Rng::new(settings.seed),
            cores: vec![None; settings.cores.max(1) as usize],
            ready: VecDeque::new(),
            gils: (0..processes).map(|_| Gil::default()).collect(),
            vars: vec![initial; processes],
            objects,
            buffers: vec![String::new(); processes],
            process_started: vec![false; processes],
            process_exited: vec![false; processes],
            actors,
            program,
            settings,
            now: 0,
            steps: 0,
            turns: 0,
            pending,
            applied: Vec::new(),
            turn_log: None,
            batching: true,
            outcome: None,
        };
        sim.process_started[0] = true;
        sim.make_runnable(0, 0);
        Ok(sim)
    }

    /// The picks that overruled the engine so far: with the seed, they replay this run.
    pub fn schedule(&self) -> Schedule {
        Schedule::from_picks(self.applied.clone())
    }

    /// Turns taken so far.
    pub fn turns(&self) -> u64 {
        self.turns
    }

    /// Records who could run at the turns from `from` on where the chosen thread is about
    /// to touch what others see, until they offer `branches` other choices in all (see
    /// [`Sim::turn_log`]).
    pub fn log_turns_from(&mut self, from: u64, branches: u64) {
        self.turn_log = Some(TurnLog { from, records: Vec::new(), branches_left: branches, truncated: false });
    }

    /// The turns recorded since [`Sim::log_turns_from`], in turn order.
    pub fn turn_log(&self) -> &[TurnRecord] {
        self.turn_log.as_ref().map_or(&[], |log| &log.records)
    }

    /// Whether the log left out turns that offered branches (it was full).
    pub fn turn_log_truncated(&self) -> bool {
        self.turn_log.as_ref().is_some_and(|log| log.truncated)
    }

    /// Whether turns are being logged, so they must be numbered as if taken one by one.
    pub(super) fn logging_turns(&self) -> bool {
        self.turn_log.as_ref().is_some_and(|log| !log.truncated)
    }

    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Picks one of several candidates with the seed.
    fn choose(&mut self, candidates: &[usize]) -> usize {
        if candidates.len() == 1 {
            return candidates[0];
        }
        candidates[self.rng.below(candidates.len() as u64) as usize]
    }

    /// Which of several actors ready at the same moment `t` goes first. A hash of the seed,
    /// the moment and who is there, not a draw from the seed's stream: a step skipped by a
    /// batch (which can only tie with private work, whose order no one sees) changes no
    /// later choice.
    fn tie_break(&self, candidates: &[usize], t: Nanos) -> usize {
        if candidates.len() == 1 {
            return candidates[0];
        }
        let mut h = self.settings.seed ^ t.rotate_left(17);
        for c in candidates {
            h = Rng::mix(h ^ *c as u64);
        }
        candidates[(h % candidates.len() as u64) as usize]
    }

    fn cost(&mut self, base: Nanos) -> Nanos {
        jitter(&mut self.rng, base)
    }

    // --- spans -------------------------------------------------------------------------

    fn set_activity(&mut self, a: usize, kind: Option<SpanKind>, at: Nanos) {
        let actor = &mut self.actors[a];
        if actor.activity == kind {
            return;
        }
        if let Some(old) = actor.activity.take() {
            actor.rec.end(old, at);
        }
        if let Some(new) = kind {
            let line = self.program.actors[a].ops.get(actor.pc).map_or(1, |op| op.line);
            actor.rec.begin(new, at, line);
            actor.activity = Some(new);
        }
    }

    fn line(&self, a: usize) -> u32 {
        let ops = &self.program.actors[a].ops;
        ops.get(self.actors[a].pc).or(ops.last()).map_or(1, |op| op.line)
    }

    // --- cores -------------------------------------------------------------------------

    /// The actor may run from `at`: on a free core, or queued for one.
    fn make_runnable(&mut self, a: usize, at: Nanos) {
        let actor = &mut self.actors[a];
        actor.phase = Phase::Runnable;
        actor.clock = at;
        if actor.core.is_some() {
            return;
        }
        match self.cores.iter().position(Option::is_none) {
            Some(core) => {
                self.cores[core] = Some((a, at + costs::OS_SLICE));
                self.actors[a].core = Some(core);
            }
            None => self.ready.push_back(a),
        }
    }

    /// The actor leaves its core at `at`; the first queued actor takes it.
    fn free_core(&mut self, a: usize, at: Nanos) {
        let Some(core) = self.actors[a].core.take() else {
            self.ready.retain(|r| *r != a);
            return;
        };
        self.cores[core] = None;
        if let Some(next) = self.ready.pop_front() {
            self.cores[core] = Some((next, at.max(self.actors[next].clock) + costs::OS_SLICE));
            let actor = &mut self.actors[next];
            actor.core = Some(core);
            actor.clock = actor.clock.max(at);
        }
    }

    // --- the GIL -----------------------------------------------------------------------

    fn take_gil(&mut self, a: usize, at: Nanos) {
        let p = self.actors[a].process;
        let gil = &mut self.gils[p];
        gil.holder = Some(a);
        gil.switches += 1;
        gil.drop_request = false;
        if gil.last_holder.is_some_and(|last| last != a) {
            gil.handoffs += 1;
        }
        gil.last_holder = Some(a);
        self.actors[a].holds_gil = true;
        let line = self.line(a);
        self.actors[a].rec.begin(SpanKind::HoldGil, at, line);
    }

    /// A wait for the GIL from `at`: the waiter asks the holder to drop it after the switch
    /// interval, give or take the timer's jitter (so where in a loop the holder is asked
    /// to stop varies from one switch to the next, as it does in CPython).
    fn gil_wait(&mut self, a: usize, at: Nanos) -> Block {
        let switches = self.gils[self.actors[a].process].switches;
        let interval = self.cost(self.settings.run.switch_interval);
        Block::Gil { asks: at + interval, switches }
    }

    /// Releases the GIL at `at` and hands it to one of its waiters, if any.
    fn release_gil(&mut self, a: usize, at: Nanos) -> Result<(), SimError> {
        if !self.actors[a].holds_gil {
            return Ok(());
        }
        self.actors[a].holds_gil = false;
        self.actors[a].rec.end(SpanKind::HoldGil, at);
        let p = self.actors[a].process;
        self.gils[p].holder = None;
        let waiters: Vec<usize> = (0..self.actors.len())
            .filter(|&w| {
                w != a
                    && self.actors[w].process == p
                    && matches!(self.actors[w].phase, Phase::Blocked(Block::Gil { .. }))
            })
            .collect();
        if waiters.is_empty() {
            return Ok(());
        }
        let next = self.choose(&waiters);
        let woke = at + self.cost(costs::WAKE);
        self.set_activity(next, None, woke);
        self.take_gil(next, woke);
        self.make_runnable(next, woke);
        Ok(())
    }

    /// Leaves the interpreter at `at` for a wait: Run ends, the GIL and the core are given up.
    fn block(&mut self, a: usize, block: Block, at: Nanos) -> Result<(), SimError> {
        self.release_gil(a, at)?;
        self.free_core(a, at);
        let kind = match block {
            Block::Gil { .. } => SpanKind::WaitGil,
            Block::Pause { kind, .. } => kind,
            other => other.wait_on().map_or(SpanKind::Sleep, SpanKind::Wait),
        };
        self.set_activity(a, Some(kind), at);
        self.actors[a].phase = Phase::Blocked(block);
        Ok(())
    }

    /// Ends a wait at `at` with `wake`, which completes the blocked operation; the actor
    /// runs again once it has a core (and the GIL).
    fn wake(&mut self, a: usize, wake: Wake, at: Nanos) {
        self.actors[a].wake = Some(wake);
        self.resume(a, at);
    }

    /// Ends a pause at `at` (its operation was already done before it paused).
    fn resume(&mut self, a: usize, at: Nanos) {
        self.set_activity(a, None, at);
        self.make_runnable(a, at);
    }

    // --- the run -----------------------------------------------------------------------

    /// Ends the run now (Cancel), with what happened so far.
    pub fn stop(&mut self, outcome: Outcome) -> Trace {
        self.finish(outcome)
    }

    /// Runs at most `max_steps` steps (operations and timers).
    pub fn run_slice(&mut self, max_steps: u64) -> Result<StepResult, SimError> {
        for _ in 0..max_steps {
            if self.outcome.is_some() {
                break;
            }
            self.step()?;
        }
        match self.outcome.take() {
            Some(outcome) => Ok(StepResult::Finished(Box::new(self.finish(outcome)))),
            None => Ok(StepResult::Running { steps: self.steps, now: self.now }),
        }
    }

    /// When the earliest actor that could take a turn would take it.
    fn next_run(&self) -> Option<Nanos> {
        self.actors.iter().filter(|a| a.phase == Phase::Runnable && a.core.is_some()).map(|a| a.clock).min()
    }

    /// Whether actor `a` could take the next turn: runnable, and on a core.
    fn enabled(&self, a: usize) -> bool {
        let actor = &self.actors[a];
        actor.phase == Phase::Runnable && actor.core.is_some()
    }

    /// The pick for the turn about to be taken, checked against the run. A pick whose
    /// actor cannot run yet waits while timers due first fire (one may wake it).
    fn pick_for_this_turn(&self, timer_first: bool, run_over: bool) -> Result<Option<Picked>, SimError> {
        let Some(&Pick { turn, actor }) = self.pending.front().filter(|p| p.turn == self.turns) else {
            return Ok(None);
        };
        let misfit = |why| Err(SimError::ScheduleMismatch { turn, actor, why });
        if actor == Pick::WAIT {
            return match (run_over, timer_first) {
                (true, _) => misfit(Misfit::RunEnded),
                (false, true) => Ok(None),
                (false, false) => Ok(Some(Picked::Wait)),
            };
        }
        let a = actor as usize;
        if a >= self.actors.len() {
            return misfit(Misfit::NoSuchThread { threads: self.actors.len() });
        }
        if run_over {
            return misfit(Misfit::RunEnded);
        }
        if !self.enabled(a) && timer_first {
            return Ok(None);
        }
        if !self.enabled(a) {
            let name = self.program.actors[a].name.clone();
            return misfit(Misfit::CannotRun { name, doing: self.state_of(a).describe(&self.program) });
        }
        Ok(Some(Picked::Actor(a)))
    }

    /// Whether the turn about to be taken is to be recorded for the explorer.
    fn logging_turn(&self) -> bool {
        self.turn_log.as_ref().is_some_and(|log| self.turns >= log.from && !log.truncated)
    }

    fn log_turn(&mut self, record: TurnRecord) {
        let Some(log) = &mut self.turn_log else { return };
        let branches = record.enabled.len().saturating_sub(1) as u64 + record.timer as u64;
        if !record.visible || branches == 0 {
            return;
        }
        if log.branches_left == 0 {
            log.truncated = true;
            return;
        }
        log.branches_left = log.branches_left.saturating_sub(branches);
        log.records.push(record);
    }

    fn step(&mut self) -> Result<(), SimError> {
        self.steps += 1;
        if self.steps > self.settings.max_steps {
            return Err(SimError::StepLimit { steps: self.settings.max_steps });
        }
        let (next_run, next_timer) = (self.next_run(), self.next_timer());
        let timer_first = next_timer.is_some_and(|(t, _)| next_run.is_none_or(|r| t < r));
        let pick = match self.pick_for_this_turn(timer_first, next_run.is_none() && next_timer.is_none())? {
            Some(Picked::Wait) => {
                // A turn in which no one runs: time passes to the next timer.
                let Some((t, a)) = next_timer else {
                    return Err(SimError::ScheduleMismatch {
                        turn: self.turns,
                        actor: Pick::WAIT,
                        why: Misfit::NothingToWaitFor,
                    });
                };
                self.pending.pop_front();
                self.applied.push(Pick { turn: self.turns, actor: Pick::WAIT });
                if self.logging_turn() {
                    let turn = self.turns;
                    self.log_turn(TurnRecord {
                        turn,
                        enabled: Vec::new(),
                        chosen: Pick::WAIT,
                        visible: false,
                        timer: true,
                    });
                }
                self.turns += 1;
                self.now = self.now.max(t);
                return self.fire_timer(a, t);
            }
            Some(Picked::Actor(a)) => Some(a),
            None => None,
        };
        // A picked actor runs at its own time, or now if that has passed; timers due
        // before then fire first, as they would have while it ran.
        let run_at = match pick {
            Some(a) => Some(self.actors[a].clock.max(self.now)),
            None => next_run,
        };
        match (run_at, next_timer) {
            (None, None) => {
                self.outcome = Some(self.stuck_or_done());
                if let Some(&Pick { turn, actor }) = self.pending.front() {
                    return Err(SimError::ScheduleMismatch { turn, actor, why: Misfit::RunEnded });
                }
                Ok(())
            }
            (run, Some((t, a))) if run.is_none_or(|r| t < r) => {
                self.now = self.now.max(t);
                self.fire_timer(a, t)
            }
            (Some(_), _) => {
                let t = next_run.expect("a picked actor is runnable");
                let candidates: Vec<usize> =
                    (0..self.actors.len()).filter(|&i| self.enabled(i) && self.actors[i].clock == t).collect();
                // Chosen even when a pick overrules it, so a pick of the engine's own choice
                // changes nothing.
                let chosen = self.tie_break(&candidates, t);
                let a = match pick {
                    Some(picked) => {
                        self.pending.pop_front();
                        if picked != chosen {
                            self.applied.push(Pick { turn: self.turns, actor: picked as u16 });
                        }
                        picked
                    }
                    None => chosen,
                };
                if self.batching && pick.is_none() && candidates.len() == 1 {
                    let at = self.actors[a].clock.max(self.now);
                    let deadline = next_timer.map(|(t, _)| t);
                    if self.run_loop_alone(a, at, deadline) || self.run_private_loop(a, at, deadline) {
                        return Ok(());
                    }
                }
                if self.logging_turn() {
                    let enabled = (0..self.actors.len()).filter(|&i| self.enabled(i)).map(|i| i as u16).collect();
                    let visible = self.program.actors[chosen].ops.get(self.actors[chosen].pc).is_some_and(|op| {
                        op.kind.object().is_some()
                            || matches!(op.kind, OpKind::Start { .. } | OpKind::Join { .. } | OpKind::Print { .. })
                    });
                    let (turn, timer) = (self.turns, next_timer.is_some());
                    self.log_turn(TurnRecord { turn, enabled, chosen: chosen as u16, visible, timer });
                }
                self.turns += 1;
                let at = self.actors[a].clock.max(self.now);
                self.actors[a].clock = at;
                self.now = at;
                self.step_actor(a, at)
            }
            (None, Some(_)) => unreachable!("covered by the timer arm"),
        }
    }

    fn fire_timer(&mut self, a: usize, at: Nanos) -> Result<(), SimError> {
        let Phase::Blocked(block) = self.actors[a].phase else { return Ok(()) };
        match block {
            Block::Gil { switches, .. } => {
                let p = self.actors[a].process;
                // A whole interval without a switch: ask the holder to drop it.
                if self.gils[p].switches == switches && self.gils[p].holder.is_some() {
                    self.gils[p].drop_request = true;
                    let line = self.line(a);
                    self.actors[a].rec.mark(MarkKind::GilDropRequest, at, line);
                }
                let wait = self.gil_wait(a, at);
                self.actors[a].phase = Phase::Blocked(wait);
            }
            Block::Pause { .. } => self.resume(a, at),
            Block::Acquire { object, .. } => {
                self.remove_waiter(object, a);
                self.wake(a, Wake::Value(0), at);
            }
            Block::CondWait { object, .. } => {
                if let Object::Condition { waiters, .. } = &mut self.objects[object.0 as usize] {
                    waiters.retain(|w| *w != a);
                }
                // Timed out: it still re-acquires the lock, then `wait` returns False.
                self.reacquire_after_wait(a, object, 0, at);
            }
            Block::Event { object, .. } => {
                self.remove_waiter(object, a);
                self.wake(a, Wake::Value(0), at);
            }
            Block::Join { .. } => self.wake(a, Wake::Value(0), at),
            Block::Put { object, .. } => {
                if let Object::Queue { putters, .. } = &mut self.objects[object.0 as usize] {
                    putters.retain(|w| *w != a);
                }
                self.wake(a, Wake::Raise("queue.Full", String::new()), at);
            }
            Block::Get { object, .. } => {
                if let Object::Queue { getters, .. } = &mut self.objects[object.0 as usize] {
                    getters.retain(|w| *w != a);
                }
                self.wake(a, Wake::Raise("_queue.Empty", String::new()), at);
            }
            Block::Barrier { .. } | Block::Recv { .. } => {}
        }
        Ok(())
    }

    fn remove_waiter(&mut self, object: ObjectId, a: usize) {
        match &mut self.objects[object.0 as usize] {
            Object::Lock { waiters, .. } | Object::Semaphore { waiters, .. } | Object::Event { waiters, .. } => {
                waiters.retain(|w| *w != a)
            }
            _ => {}
        }
    }

    /// One step of actor `a` at time `at`: the GIL if needed, then one operation.
    fn step_actor(&mut self, a: usize, at: Nanos) -> Result<(), SimError> {
        // The Value access this actor made last is over: its lock goes to a waiter, if any.
        if let Some(lock) = self.actors[a].value_lock.take() {
            if let Object::Lock { owner, count, .. } = &mut self.objects[lock.0 as usize] {
                *owner = None;
                *count = 0;
            }
            self.grant(lock, at)?;
        }
        // An OS time slice ran out and someone waits for a core: give it up.
        if let Some(core) = self.actors[a].core {
            if let Some((_, slice_end)) = self.cores[core] {
                if slice_end <= at && !self.ready.is_empty() {
                    self.set_activity(a, None, at);
                    self.free_core(a, at);
                    self.ready.push_back(a);
                    return Ok(());
                }
            }
        }
        if self.actors[a].startup > 0 {
            // In pieces no longer than an OS slice, so other ready threads get the core too.
            let piece = self.actors[a].startup.min(costs::OS_SLICE);
            self.actors[a].startup -= piece;
            self.set_activity(a, Some(SpanKind::Starting), at);
            self.actors[a].clock = at + piece;
            return Ok(());
        }
        if !self.actors[a].started {
            self.actors[a].started = true;
            let line = self.line(a);
            self.actors[a].rec.mark(MarkKind::Started, at, line);
        }
        let gil_on = self.settings.run.gil;
        if gil_on && !self.actors[a].holds_gil {
            let p = self.actors[a].process;
            if self.gils[p].holder.is_none() {
                self.take_gil(a, at);
            } else {
                let wait = self.gil_wait(a, at);
                return self.block(a, wait, at);
            }
        }
        self.set_activity(a, Some(SpanKind::Run), at);
        if self.actors[a].pending_newline {
            self.actors[a].pending_newline = false;
            return self.write(a, "\n".to_string(), costs::PRINT / 2, at);
        }
        if let Some(wake) = self.actors[a].wake.take() {
            return self.complete_blocking(a, wake, at);
        }
        let pc = self.actors[a].pc;
        let Some(op) = self.program.actors[a].ops.get(pc).cloned() else {
            return self.exit(a, at);
        };
        // A check point with a drop request: let go, and wait for the GIL like the others.
        if gil_on && self.gils[self.actors[a].process].drop_request {
            let every_op = self.settings.run.python == PythonModel::V3_9;
            if every_op || op.kind.is_check_point(pc) {
                let wait = self.gil_wait(a, at);
                return self.block(a, wait, at);
            }
        }
        self.actors[a].rec.metrics.ops += 1;
        self.execute(a, &op, at)
    }

    /// Runs a non-blocking operation, or starts a blocking one.
    fn execute(&mut self, a: usize, op: &Op, at: Nanos) -> Result<(), SimError> {
        let mut next = self.actors[a].pc + 1;
        let mut cost = costs::STEP;
        let reg = |r: crate::engine::program::Reg| r.0 as usize;
        match op.kind {
            OpKind::Compute { units } => cost = units.saturating_mul(costs::COMPUTE_UNIT),
            OpKind::Call => cost = costs::CALL,
            OpKind::Set { reg: r, value } => self.actors[a].regs[reg(r)] = value,
            OpKind::Add { reg: r, value } => {
                let v = &mut self.actors[a].regs[reg(r)];
                *v = v.wrapping_add(value);
            }
            OpKind::Arith { reg: r, op, ref value } => {
                let b = self.operand(a, value);
                let current = self.actors[a].regs[reg(r)];
                match op.apply(current, b) {
                    Some(v) => self.actors[a].regs[reg(r)] = v,
                    None => return self.raise(a, "ZeroDivisionError", "integer division or modulo by zero".into(), at),
                }
            }
            OpKind::JumpIf { cond, to } => {
                if self.cond(a, cond) {
                    next = to;
                }
            }
            OpKind::Jump { to } => next = to,
            OpKind::Loop { to, times } => {
                cost = costs::LOOP;
                let pc = self.actors[a].pc;
                let count = &mut self.actors[a].loop_counts[pc];
                *count += 1;
                if *count < times {
                    next = to;
                } else {
                    *count = 0;
                }
            }
            OpKind::Clock { reg: r } => self.actors[a].regs[reg(r)] = (at / 1000) as i64,
            OpKind::Introspect { what, reg: r } => {
                let value = self.introspect(a, what);
                self.actors[a].regs[reg(r)] = value;
            }
            OpKind::Load { object, reg: r } => {
                let value = match self.objects[object.0 as usize] {
                    Object::Value { value, lock } => {
                        if !self.take_value_lock(a, lock) {
                            return self.block(a, Block::Acquire { object: lock, until: None }, at);
                        }
                        cost += costs::VALUE_ACCESS;
                        value
                    }
                    _ => self.vars[self.actors[a].process][object.0 as usize],
                };
                self.actors[a].regs[reg(r)] = value;
            }
            OpKind::Store { object, reg: r } => {
                let value = self.actors[a].regs[reg(r)];
                let p = self.actors[a].process;
                match self.objects[object.0 as usize] {
                    Object::Value { lock, .. } => {
                        if !self.take_value_lock(a, lock) {
                            return self.block(a, Block::Acquire { object: lock, until: None }, at);
                        }
                        cost += costs::VALUE_ACCESS;
                        if let Object::Value { value: v, .. } = &mut self.objects[object.0 as usize] {
                            *v = value;
                        }
                    }
                    _ => self.vars[p][object.0 as usize] = value,
                }
            }
            OpKind::QueueEmpty { object, reg: r } | OpKind::QueueFull { object, reg: r } => {
                let value = match &self.objects[object.0 as usize] {
                    Object::Queue { items, maxsize, .. } => match op.kind {
                        OpKind::QueueEmpty { .. } => items.is_empty(),
                        _ => *maxsize > 0 && items.len() >= *maxsize as usize,
                    },
                    _ => false,
                };
                self.actors[a].regs[reg(r)] = value as i64;
            }
            // Everything else may block, raise, or wake others.
            _ => return self.execute_sync(a, op, at),
        }
        // Timing noise matters where threads touch what others see while running side by
        // side; alone, or touching only its own state, an operation costs exactly the table's
        // (which lets such loops be batched).
        let cost = if op.kind.is_private() || self.alone(a) { cost } else { self.cost(cost) };
        self.actors[a].pc = next;
        self.actors[a].clock = at + cost;
        Ok(())
    }

    fn cond(&self, a: usize, cond: Cond) -> bool {
        cond.holds(&self.actors[a].regs)
    }

    fn operand(&self, a: usize, operand: &Operand) -> i64 {
        operand.value(&self.actors[a].regs)
    }

    fn introspect(&self, a: usize, what: Introspect) -> i64 {
        let alive = |i: usize| matches!(self.actors[i].phase, Phase::Runnable | Phase::Blocked(_));
        match what {
            Introspect::ActiveCount => (0..self.actors.len())
                .filter(|&i| self.actors[i].process == self.actors[a].process && alive(i))
                .count() as i64,
            Introspect::IsAlive(actor) => alive(actor.0 as usize) as i64,
        }
    }

    /// Moves on past the current operation after `cost`.
    fn advance(&mut self, a: usize, at: Nanos, cost: Nanos) {
        let cost = self.cost(cost);
        self.actors[a].pc += 1;
        self.actors[a].clock = at + cost;
    }

    /// Raises a Python exception in actor `a`: the thread prints it and ends.
    fn raise(&mut self, a: usize, exception: &str, message: String, at: Nanos) -> Result<(), SimError> {
        let line = self.line(a);
        self.actors[a].rec.raise(at, line, exception, message);
        self.exit(a, at)
    }

    fn result_register(op: &OpKind) -> Option<crate::engine::program::Reg> {
        match *op {
            OpKind::Acquire { result, .. } | OpKind::EventWait { result, .. } | OpKind::BarrierWait { result, .. } => {
                result
            }
            OpKind::Get { reg, .. } | OpKind::Recv { reg, .. } => Some(reg),
            _ => None,
        }
    }

    /// A blocking operation ended: store its result or raise, and move on.
    fn complete_blocking(&mut self, a: usize, wake: Wake, at: Nanos) -> Result<(), SimError> {
        let op = self.program.actors[a].ops[self.actors[a].pc].kind.clone();
        // A Value access that waited for the Value's lock: it has it now; do the access.
        if let (OpKind::Load { object, .. } | OpKind::Store { object, .. }, Wake::Value(1)) = (&op, &wake) {
            if let Object::Value { lock, .. } = self.objects[object.0 as usize] {
                self.actors[a].value_lock = Some(lock);
                let op = self.program.actors[a].ops[self.actors[a].pc].clone();
                return self.execute(a, &op, at);
            }
        }
        match wake {
            Wake::Raise(exception, message) => self.raise(a, exception, message, at),
            Wake::Value(value) => {
                if let Some(r) = Self::result_register(&op) {
                    self.actors[a].regs[r.0 as usize] = value;
                }
                if let (OpKind::Acquire { object, .. } | OpKind::CondWait { object, .. }, 1) = (&op, value) {
                    let lock = self.lock_of(*object);
                    let line = self.line(a);
                    self.actors[a].rec.begin(SpanKind::Hold(lock), at, line);
                }
                self.advance(a, at, costs::STEP);
                Ok(())
            }
        }
    }

    /// Takes a Value's lock for one access, unless this actor holds it already (inside
    /// `with v.get_lock():`, or just granted it). `false`: another holds it; wait.
    fn take_value_lock(&mut self, a: usize, lock: ObjectId) -> bool {
        let Object::Lock { owner, count, waiters, .. } = &mut self.objects[lock.0 as usize] else {
            unreachable!("validated: a Value's lock is a Lock or RLock")
        };
        match *owner {
            None => {
                *owner = Some(a);
                *count = 1;
                self.actors[a].value_lock = Some(lock);
                true
            }
            Some(o) if o == a => true,
            Some(_) => {
                waiters.push(a);
                false
            }
        }
    }

    /// The lock object behind a lock-like object (a Condition's lock, or itself).
    fn lock_of(&self, object: ObjectId) -> ObjectId {
        match self.objects[object.0 as usize] {
            Object::Condition { lock, .. } => lock,
            _ => object,
        }
    }

    fn wait_until(&self, wait: Wait, at: Nanos) -> Option<Nanos> {
        match wait {
            Wait::Timeout(micros) => Some(at + micros * 1000),
            Wait::Forever | Wait::NoWait => None,
        }
    }

    fn execute_sync(&mut self, a: usize, op: &Op, at: Nanos) -> Result<(), SimError> {
        match op.kind {
            OpKind::Sleep { micros } => {
                let until = at + (micros * 1000).max(costs::SLEEP_ZERO);
                self.actors[a].pc += 1;
                self.pause(a, until, SpanKind::Sleep, at)
            }
            OpKind::Print { ref text } => {
                let line = self.format(a, text);
                match self.settings.run.output {
                    OutputMode::Pipe => {
                        let p = self.actors[a].process;
                        self.buffers[p].push_str(&line);
                        self.buffers[p].push('\n');
                        self.advance(a, at, costs::PRINT / 5);
                        Ok(())
                    }
                    OutputMode::Tty => {
                        self.actors[a].pc += 1;
                        self.write(a, line + "\n", costs::PRINT, at)
                    }
                    // `-u`: the text and the newline are two writes, and the GIL is let go
                    // around each, so another thread's output can land between them.
                    OutputMode::Unbuffered => {
                        self.actors[a].pc += 1;
                        self.actors[a].pending_newline = true;
                        self.write(a, line, costs::PRINT / 2, at)
                    }
                }
            }
            OpKind::Acquire { object, wait, .. } => self.acquire(a, object, wait, at),
            OpKind::Release { object } => self.release(a, object, at),
            OpKind::CondWait { object, wait } => self.cond_wait(a, object, wait, at),
            OpKind::CondNotify { object, all } => self.cond_notify(a, object, all, at),
            OpKind::EventSet { object } => {
                if let Object::Event { set, waiters } = &mut self.objects[object.0 as usize] {
                    *set = true;
                    let woken = std::mem::take(waiters);
                    for w in woken {
                        let t = at + self.cost(costs::WAKE);
                        self.wake(w, Wake::Value(1), t);
                    }
                }
                self.advance(a, at, costs::LOCK_OP);
                Ok(())
            }
            OpKind::EventClear { object } => {
                if let Object::Event { set, .. } = &mut self.objects[object.0 as usize] {
                    *set = false;
                }
                self.advance(a, at, costs::LOCK_OP);
                Ok(())
            }
            OpKind::EventWait { object, wait, result } => {
                let is_set = matches!(self.objects[object.0 as usize], Object::Event { set: true, .. });
                if is_set || wait == Wait::NoWait {
                    if let Some(r) = result {
                        self.actors[a].regs[r.0 as usize] = is_set as i64;
                    }
                    self.advance(a, at, costs::LOCK_OP);
                    return Ok(());
                }
                if let Object::Event { waiters, .. } = &mut self.objects[object.0 as usize] {
                    waiters.push(a);
                }
                self.block(a, Block::Event { object, until: self.wait_until(wait, at) }, at)
            }
            OpKind::BarrierWait { object, .. } => self.barrier_wait(a, object, at),
            OpKind::BarrierAbort { object } => {
                self.break_barrier(object, at);
                self.advance(a, at, costs::LOCK_OP);
                Ok(())
            }
            OpKind::Put { object, ref value, wait } => {
                let value = self.operand(a, value);
                self.put(a, object, value, wait, at)
            }
            OpKind::Get { object, wait, .. } => self.get(a, object, wait, at),
            OpKind::Send { object, end, ref value } => {
                let value = self.operand(a, value);
                self.send(a, object, end, value, at)
            }
            OpKind::Recv { object, end, .. } => self.recv(a, object, end, at),
            OpKind::Close { object, end } => self.close(a, object, end, at),
            OpKind::Start { actor } => self.start(a, actor.0 as usize, at),
            OpKind::Join { actor, wait } => self.join(a, actor.0 as usize, wait, at),
            ref other => unreachable!("{other:?} is handled in execute"),
        }
    }

    /// Pays `until - at` with the GIL released (a sleep, a write, a start).
    fn pause(&mut self, a: usize, until: Nanos, kind: SpanKind, at: Nanos) -> Result<(), SimError> {
        self.block(a, Block::Pause { until, kind }, at)
    }

    fn format(&self, a: usize, text: &[TextPart]) -> String {
        let def = &self.program.actors[a];
        render_text(text, &self.actors[a].regs, &def.name, def.process)
    }

    /// One write to the terminal, recorded now; the write system call releases the GIL.
    fn write(&mut self, a: usize, text: String, cost: Nanos, at: Nanos) -> Result<(), SimError> {
        let line = self.program.actors[a].ops.get(self.actors[a].pc.saturating_sub(1)).map_or(1, |op| op.line);
        self.actors[a].rec.print(at, line, text);
        let until = at + self.cost(cost);
        self.pause(a, until, SpanKind::Run, at)
    }

    // --- locks ---------------------------------------------------------------------------

    fn acquire(&mut self, a: usize, object: ObjectId, wait: Wait, at: Nanos) -> Result<(), SimError> {
        let lock = self.lock_of(object);
        let granted = match &mut self.objects[lock.0 as usize] {
            Object::Lock { owner, count, reentrant, .. } => match *owner {
                None => {
                    *owner = Some(a);
                    *count = 1;
                    true
                }
                Some(o) if o == a && *reentrant => {
                    *count += 1;
                    true
                }
                Some(_) => false,
            },
            Object::Semaphore { value, .. } => {
                if *value > 0 {
                    *value -= 1;
                    true
                } else {
                    false
                }
            }
            _ => unreachable!("validated: acquire on a lock-like object"),
        };
        let result = match &self.program.actors[a].ops[self.actors[a].pc].kind {
            OpKind::Acquire { result, .. } => *result,
            _ => None,
        };
        if granted || wait == Wait::NoWait {
            if let Some(r) = result {
                self.actors[a].regs[r.0 as usize] = granted as i64;
            }
            if granted {
                let line = self.line(a);
                self.actors[a].rec.begin(SpanKind::Hold(lock), at, line);
            }
            self.advance(a, at, costs::LOCK_OP);
            return Ok(());
        }
        match &mut self.objects[lock.0 as usize] {
            Object::Lock { waiters, .. } | Object::Semaphore { waiters, .. } => waiters.push(a),
            _ => {}
        }
        self.block(a, Block::Acquire { object: lock, until: self.wait_until(wait, at) }, at)
    }

    /// Gives a freed lock (or permit) to one of its waiters, chosen as the OS would: not in
    /// order of arrival.
    fn grant(&mut self, lock: ObjectId, at: Nanos) -> Result<(), SimError> {
        let waiters = match &self.objects[lock.0 as usize] {
            Object::Lock { waiters, .. } | Object::Semaphore { waiters, .. } => waiters.clone(),
            _ => return Ok(()),
        };
        if waiters.is_empty() {
            return Ok(());
        }
        let next = self.choose(&waiters);
        match &mut self.objects[lock.0 as usize] {
            Object::Lock { owner, count, waiters, .. } => {
                waiters.retain(|w| *w != next);
                *owner = Some(next);
                // A Condition waiter gets back the count it had; anyone else starts at 1.
                *count = std::mem::replace(&mut self.actors[next].cond_count, 0).max(1);
            }
            Object::Semaphore { value, waiters, .. } => {
                waiters.retain(|w| *w != next);
                *value -= 1;
            }
            _ => {}
        }
        let woke = at + self.cost(costs::WAKE);
        self.wake(next, Wake::Value(1), woke);
        Ok(())
    }

    fn release(&mut self, a: usize, object: ObjectId, at: Nanos) -> Result<(), SimError> {
        let lock = self.lock_of(object);
        // Whose hold ends: a Lock's owner (anyone may release a Lock in Python), else the releaser.
        let mut holder = a;
        let outcome: Result<bool, (&'static str, &'static str)> = match &mut self.objects[lock.0 as usize] {
            Object::Lock { owner, count, reentrant: false, .. } => match *owner {
                None => Err(("RuntimeError", "release unlocked lock")),
                Some(o) => {
                    holder = o;
                    *owner = None;
                    *count = 0;
                    Ok(true)
                }
            },
            Object::Lock { owner, count, reentrant: true, .. } => {
                if *owner != Some(a) {
                    Err(("RuntimeError", "cannot release un-acquired lock"))
                } else {
                    *count -= 1;
                    if *count == 0 {
                        *owner = None;
                    }
                    Ok(*count == 0)
                }
            }
            Object::Semaphore { value, initial, bounded, .. } => {
                if *bounded && *value >= *initial {
                    Err(("ValueError", "Semaphore released too many times"))
                } else {
                    *value += 1;
                    Ok(true)
                }
            }
            _ => unreachable!("validated: release on a lock-like object"),
        };
        match outcome {
            Err((exception, message)) => self.raise(a, exception, message.to_string(), at),
            Ok(freed) => {
                if freed {
                    self.actors[holder].rec.end(SpanKind::Hold(lock), at);
                    self.grant(lock, at)?;
                }
                self.advance(a, at, costs::LOCK_OP);
                Ok(())
            }
        }
    }

    fn owns(&self, a: usize, lock: ObjectId) -> Option<u32> {
        match self.objects[lock.0 as usize] {
            Object::Lock { owner: Some(o), count, .. } if o == a => Some(count),
            _ => None,
        }
    }

    fn cond_wait(&mut self, a: usize, object: ObjectId, wait: Wait, at: Nanos) -> Result<(), SimError> {
        let lock = self.lock_of(object);
        let Some(count) = self.owns(a, lock) else {
            return self.raise(a, "RuntimeError", "cannot wait on un-acquired lock".into(), at);
        };
        // Release the lock completely (an RLock whatever its count), remembering the count.
        if let Object::Lock { owner, count: c, .. } = &mut self.objects[lock.0 as usize] {
            *owner = None;
            *c = 0;
        }
        self.actors[a].cond_count = count;
        self.actors[a].rec.end(SpanKind::Hold(lock), at);
        self.grant(lock, at)?;
        if let Object::Condition { waiters, .. } = &mut self.objects[object.0 as usize] {
            waiters.push_back(a);
        }
        self.block(a, Block::CondWait { object, until: self.wait_until(wait, at) }, at)
    }

    /// After a notify or a timeout, a Condition waiter must get its lock back before
    /// `wait` returns (`result`: 1 notified, 0 timed out).
    fn reacquire_after_wait(&mut self, a: usize, object: ObjectId, result: i64, at: Nanos) {
        let lock = self.lock_of(object);
        let free = matches!(self.objects[lock.0 as usize], Object::Lock { owner: None, .. });
        if free {
            if let Object::Lock { owner, count, .. } = &mut self.objects[lock.0 as usize] {
                *owner = Some(a);
                *count = std::mem::replace(&mut self.actors[a].cond_count, 0).max(1);
            }
            // Completing the wait shows the hold again.
            self.wake(a, Wake::Value(result), at);
        } else {
            if let Object::Lock { waiters, .. } = &mut self.objects[lock.0 as usize] {
                waiters.push(a);
            }
            self.set_activity(a, Some(SpanKind::Wait(WaitOn::Object(lock))), at);
            self.actors[a].phase = Phase::Blocked(Block::Acquire { object: lock, until: None });
        }
    }

    fn cond_notify(&mut self, a: usize, object: ObjectId, all: bool, at: Nanos) -> Result<(), SimError> {
        let lock = self.lock_of(object);
        if self.owns(a, lock).is_none() {
            return self.raise(a, "RuntimeError", "cannot notify on un-acquired lock".into(), at);
        }
        // CPython's Condition wakes its waiters in the order they began to wait.
        let woken: Vec<usize> = match &mut self.objects[object.0 as usize] {
            Object::Condition { waiters, .. } => {
                let n = if all { waiters.len() } else { waiters.len().min(1) };
                waiters.drain(..n).collect()
            }
            _ => Vec::new(),
        };
        for w in woken {
            self.reacquire_after_wait(w, object, 1, at);
        }
        self.advance(a, at, costs::LOCK_OP);
        Ok(())
    }

    // --- barriers --------------------------------------------------------------------------

    fn barrier_wait(&mut self, a: usize, object: ObjectId, at: Nanos) -> Result<(), SimError> {
        let (broken, arrived, parties) = match &mut self.objects[object.0 as usize] {
            Object::Barrier { parties, arrived, broken } => {
                if !*broken {
                    arrived.push(a);
                }
                (*broken, arrived.len() as u32, *parties)
            }
            _ => unreachable!("validated"),
        };
        if broken {
            return self.raise(a, "threading.BrokenBarrierError", String::new(), at);
        }
        if arrived < parties {
            return self.block(a, Block::Barrier { object }, at);
        }
        // The last to arrive lets everyone through together; each gets its arrival index.
        let all = match &mut self.objects[object.0 as usize] {
            Object::Barrier { arrived, .. } => std::mem::take(arrived),
            _ => Vec::new(),
        };
        for (index, w) in all.iter().copied().enumerate() {
            if w == a {
                if let Some(r) = Self::result_register(&self.program.actors[a].ops[self.actors[a].pc].kind) {
                    self.actors[a].regs[r.0 as usize] = index as i64;
                }
            } else {
                let t = at + self.cost(costs::WAKE);
                self.wake(w, Wake::Value(index as i64), t);
            }
        }
        self.advance(a, at, costs::LOCK_OP);
        Ok(())
    }

    fn break_barrier(&mut self, object: ObjectId, at: Nanos) {
        let waiting = match &mut self.objects[object.0 as usize] {
            Object::Barrier { arrived, broken, .. } => {
                *broken = true;
                std::mem::take(arrived)
            }
            _ => Vec::new(),
        };
        for w in waiting {
            self.wake(w, Wake::Raise("threading.BrokenBarrierError", String::new()), at);
        }
    }

    // --- queues and pipes ------------------------------------------------------------------

    fn message_mark(&mut self, a: usize, kind: MarkKind, at: Nanos) {
        let line = self.line(a);
        self.actors[a].rec.mark(kind, at, line);
    }

    fn put(&mut self, a: usize, object: ObjectId, value: i64, wait: Wait, at: Nanos) -> Result<(), SimError> {
        let Object::Queue { items, maxsize, getters, sent, .. } = &mut self.objects[object.0 as usize] else {
            unreachable!("validated")
        };
        if *maxsize > 0 && items.len() >= *maxsize as usize {
            if wait == Wait::NoWait {
                return self.raise(a, "queue.Full", String::new(), at);
            }
            if let Object::Queue { putters, .. } = &mut self.objects[object.0 as usize] {
                putters.push_back(a);
            }
            self.actors[a].pending_put = value;
            return self.block(a, Block::Put { object, until: self.wait_until(wait, at) }, at);
        }
        *sent += 1;
        let seq = *sent;
        // A waiting getter takes the item at once; otherwise it waits in the queue.
        match getters.pop_front() {
            Some(g) => {
                let t = at + self.cost(costs::WAKE);
                self.wake(g, Wake::Value(value), t);
                self.message_mark(g, MarkKind::Received { object, seq }, t);
            }
            None => items.push_back(value),
        }
        self.message_mark(a, MarkKind::Sent { object, seq }, at);
        self.advance(a, at, 4 * costs::LOCK_OP);
        Ok(())
    }

    fn get(&mut self, a: usize, object: ObjectId, wait: Wait, at: Nanos) -> Result<(), SimError> {
        let Object::Queue { items, getters, putters, sent, .. } = &mut self.objects[object.0 as usize] else {
            unreachable!("validated")
        };
        let Some(value) = items.pop_front() else {
            if wait == Wait::NoWait {
                return self.raise(a, "_queue.Empty", String::new(), at);
            }
            getters.push_back(a);
            return self.block(a, Block::Get { object, until: self.wait_until(wait, at) }, at);
        };
        let seq = *sent - items.len() as u32;
        // Room now: the first blocked putter's item goes in.
        if let Some(p) = putters.pop_front() {
            items.push_back(self.actors[p].pending_put);
            *sent += 1;
            let t = at + self.cost(costs::WAKE);
            self.wake(p, Wake::Value(0), t);
        }
        if let Some(r) = Self::result_register(&self.program.actors[a].ops[self.actors[a].pc].kind) {
            self.actors[a].regs[r.0 as usize] = value;
        }
        self.message_mark(a, MarkKind::Received { object, seq }, at);
        self.advance(a, at, 4 * costs::LOCK_OP);
        Ok(())
    }

    fn send(&mut self, a: usize, object: ObjectId, end: u8, value: i64, at: Nanos) -> Result<(), SimError> {
        let Object::Pipe { duplex, inbox, closed, receivers, sent } = &mut self.objects[object.0 as usize] else {
            unreachable!("validated")
        };
        let to = 1 - end as usize;
        // A one-way pipe receives on end 0 and sends on end 1, as `Pipe(duplex=False)`.
        if !*duplex && end == 0 {
            return self.raise(a, "OSError", "connection is read-only".into(), at);
        }
        if closed[end as usize] {
            return self.raise(a, "OSError", "handle is closed".into(), at);
        }
        if closed[to] {
            return self.raise(a, "BrokenPipeError", "[Errno 32] Broken pipe".into(), at);
        }
        *sent += 1;
        let seq = *sent;
        match receivers[to].pop_front() {
            Some(r) => {
                let t = at + self.cost(costs::WAKE);
                self.wake(r, Wake::Value(value), t);
                self.message_mark(r, MarkKind::Received { object, seq }, t);
            }
            None => inbox[to].push_back(value),
        }
        self.message_mark(a, MarkKind::Sent { object, seq }, at);
        self.advance(a, at, 4 * costs::LOCK_OP);
        Ok(())
    }

    fn recv(&mut self, a: usize, object: ObjectId, end: u8, at: Nanos) -> Result<(), SimError> {
        let Object::Pipe { duplex, inbox, closed, receivers, sent } = &mut self.objects[object.0 as usize] else {
            unreachable!("validated")
        };
        if !*duplex && end == 1 {
            return self.raise(a, "OSError", "connection is write-only".into(), at);
        }
        let e = end as usize;
        if let Some(value) = inbox[e].pop_front() {
            let seq = *sent - inbox[e].len() as u32;
            if let Some(r) = Self::result_register(&self.program.actors[a].ops[self.actors[a].pc].kind) {
                self.actors[a].regs[r.0 as usize] = value;
            }
            self.message_mark(a, MarkKind::Received { object, seq }, at);
            self.advance(a, at, 4 * costs::LOCK_OP);
            return Ok(());
        }
        if closed[1 - e] {
            return self.raise(a, "EOFError", String::new(), at);
        }
        receivers[e].push_back(a);
        self.block(a, Block::Recv { object, end }, at)
    }

    fn close(&mut self, a: usize, object: ObjectId, end: u8, at: Nanos) -> Result<(), SimError> {
        let waiting: Vec<usize> = match &mut self.objects[object.0 as usize] {
            Object::Pipe { closed, receivers, .. } => {
                closed[end as usize] = true;
                receivers[1 - end as usize].drain(..).collect()
            }
            _ => Vec::new(),
        };
        // Receivers on the other end with nothing left to read get EOFError.
        for r in waiting {
            self.wake(r, Wake::Raise("EOFError", String::new()), at);
        }
        self.advance(a, at, costs::LOCK_OP);
        Ok(())
    }

    // --- threads and processes ---------------------------------------------------------

    fn start(&mut self, a: usize, target: usize, at: Nanos) -> Result<(), SimError> {
        if self.actors[target].phase != Phase::NotStarted {
            let message = match self.program.actors[target].role {
                ActorRole::Thread => "threads can only be started once",
                ActorRole::ProcessMain => "cannot start a process twice",
            };
            return self.raise(a, "RuntimeError", message.into(), at);
        }
        self.actors[a].pc += 1;
        if self.program.actors[target].role == ActorRole::Thread {
            // `start()` returns once the new thread runs.
            let ready = at + self.cost(costs::THREAD_START);
            self.actors[target].phase = Phase::Blocked(Block::Pause { until: ready, kind: SpanKind::Starting });
            self.set_activity(target, Some(SpanKind::Starting), at);
            return self.pause(a, ready, SpanKind::Starting, at);
        }
        let p = self.actors[target].process;
        let def = &self.program.processes[p];
        let parent = def.parent.map_or(0, |q| q.0 as usize);
        // fork copies the parent's memory as it is now; spawn starts afresh.
        if def.start_method == StartMethod::Fork {
            self.vars[p] = self.vars[parent].clone();
        }
        self.process_started[p] = true;
        let cost = match def.start_method {
            StartMethod::Spawn => costs::SPAWN_START,
            _ => costs::FORK_START,
        };
        // The child starts itself, on a core like any work; `start()` returns sooner.
        self.actors[target].startup = self.cost(cost);
        self.make_runnable(target, at);
        self.set_activity(target, Some(SpanKind::Starting), at);
        let returns = at + self.cost(costs::PROCESS_START_RETURN);
        self.pause(a, returns, SpanKind::Starting, at)
    }

    fn join(&mut self, a: usize, target: usize, wait: Wait, at: Nanos) -> Result<(), SimError> {
        if target == a {
            return self.raise(a, "RuntimeError", "cannot join current thread".into(), at);
        }
        if self.actors[target].phase == Phase::NotStarted {
            let (exception, message) = match self.program.actors[target].role {
                ActorRole::Thread => ("RuntimeError", "cannot join thread before it is started"),
                ActorRole::ProcessMain => ("AssertionError", "can only join a started process"),
            };
            return self.raise(a, exception, message.into(), at);
        }
        if self.joined(target) {
            self.advance(a, at, costs::STEP);
            return Ok(());
        }
        self.block(a, Block::Join { actor: ActorId(target as u16), until: self.wait_until(wait, at) }, at)
    }

    /// Whether a join on `target` is over: a thread ended, or a process exited.
    fn joined(&self, target: usize) -> bool {
        match self.program.actors[target].role {
            ActorRole::Thread => self.actors[target].phase == Phase::Done,
            ActorRole::ProcessMain => self.process_exited[self.actors[target].process],
        }
    }

    /// Actor `a` ends at `at`: everything it holds is let go, and its joiners wake.
    fn exit(&mut self, a: usize, at: Nanos) -> Result<(), SimError> {
        self.release_gil(a, at)?;
        self.free_core(a, at);
        self.set_activity(a, None, at);
        let line = self.line(a);
        let actor = &mut self.actors[a];
        actor.rec.close_all(at);
        actor.rec.mark(MarkKind::Exited, at, line);
        actor.phase = Phase::Done;
        self.wake_joiners(at);
        self.check_process_exit(self.actors[a].process, at)
    }

    fn wake_joiners(&mut self, at: Nanos) {
        for j in 0..self.actors.len() {
            if let Phase::Blocked(Block::Join { actor, .. }) = self.actors[j].phase {
                if self.joined(actor.0 as usize) {
                    self.wake(j, Wake::Value(0), at);
                }
            }
        }
    }

    /// A process exits once its main thread and its non-daemon threads are done and its
    /// non-daemon children have exited; then its daemon threads and children are ended.
    fn check_process_exit(&mut self, p: usize, at: Nanos) -> Result<(), SimError> {
        if self.process_exited[p] || !self.process_started[p] {
            return Ok(());
        }
        let alive = |s: &Sim, i: usize| matches!(s.actors[i].phase, Phase::Runnable | Phase::Blocked(_));
        let threads_left =
            (0..self.actors.len()).any(|i| self.actors[i].process == p && !self.actors[i].daemon && alive(self, i));
        let children_left = self.program.processes.iter().enumerate().any(|(c, def)| {
            def.parent.map(|q| q.0 as usize) == Some(p)
                && !def.daemon
                && self.process_started[c]
                && !self.process_exited[c]
        });
        if threads_left || children_left {
            return Ok(());
        }
        self.process_exited[p] = true;
        // Block-buffered output reaches the console when the process exits.
        if !self.buffers[p].is_empty() {
            let text = std::mem::take(&mut self.buffers[p]);
            if let Some(main) = (0..self.actors.len()).find(|&i| self.actors[i].process == p) {
                let line = self.line(main);
                self.actors[main].rec.print(at, line, text);
            }
        }
        let doomed: Vec<usize> = (0..self.actors.len())
            .filter(|&i| {
                let process = self.actors[i].process;
                let daemon_child = self.program.processes[process].parent.map(|q| q.0 as usize) == Some(p)
                    && self.program.processes[process].daemon;
                (process == p || daemon_child) && alive(self, i)
            })
            .collect();
        for d in doomed {
            self.kill(d, at);
        }
        for (c, def) in self.program.processes.iter().enumerate() {
            if def.parent.map(|q| q.0 as usize) == Some(p) && def.daemon && self.process_started[c] {
                self.process_exited[c] = true;
            }
        }
        self.wake_joiners(at);
        // A parent may have been waiting for this child to exit.
        if let Some(parent) = self.program.processes[p].parent {
            self.check_process_exit(parent.0 as usize, at)?;
        }
        Ok(())
    }

    /// Ends an actor from outside (a daemon at its owner's exit).
    fn kill(&mut self, d: usize, at: Nanos) {
        let p = self.actors[d].process;
        if self.actors[d].holds_gil {
            self.actors[d].holds_gil = false;
            self.gils[p].holder = None;
        }
        self.free_core(d, at);
        self.set_activity(d, None, at);
        let line = self.line(d);
        let actor = &mut self.actors[d];
        actor.rec.close_all(at);
        actor.rec.mark(MarkKind::Exited, at, line);
        actor.phase = Phase::Done;
        for object in &mut self.objects {
            match object {
                Object::Lock { waiters, .. } | Object::Semaphore { waiters, .. } | Object::Event { waiters, .. } => {
                    waiters.retain(|w| *w != d)
                }
                Object::Condition { waiters, .. } => waiters.retain(|w| *w != d),
                Object::Queue { getters, putters, .. } => {
                    getters.retain(|w| *w != d);
                    putters.retain(|w| *w != d);
                }
                Object::Pipe { receivers, .. } => receivers.iter_mut().for_each(|r| r.retain(|w| *w != d)),
                Object::Barrier { arrived, .. } => arrived.retain(|w| *w != d),
                Object::Var | Object::Value { .. } => {}
            }
        }
    }

    // --- the end ---------------------------------------------------------------------------

    /// Nothing can run and no timer is set: done, or stuck (with the cycle if there is one).
    fn stuck_or_done(&self) -> Outcome {
        let blocked: Vec<usize> =
            (0..self.actors.len()).filter(|&i| matches!(self.actors[i].phase, Phase::Blocked(_))).collect();
        if blocked.is_empty() {
            return Outcome::Completed;
        }
        // Who each blocked actor waits for, and who holds it.
        let waiting: Vec<Waiting> = blocked
            .iter()
            .filter_map(|&i| {
                let Phase::Blocked(block) = self.actors[i].phase else { return None };
                let holder = match block {
                    Block::Acquire { object, .. } => match self.objects[object.0 as usize] {
                        Object::Lock { owner: Some(o), .. } => Some(ActorId(o as u16)),
                        _ => None,
                    },
                    Block::Join { actor, .. } => Some(actor),
                    _ => None,
                };
                block.wait_on().map(|on| Waiting { waiter: ActorId(i as u16), on, holder })
            })
            .collect();
        if let Some(cycle) = find_cycle(&waiting) {
            return Outcome::Deadlock { cycle };
        }
        Outcome::Stuck {
            waiting: blocked
                .iter()
                .filter_map(|&i| match self.actors[i].phase {
                    Phase::Blocked(block) => block.wait_on().map(|on| (ActorId(i as u16), on)),
                    _ => None,
                })
                .collect(),
        }
    }

    fn finish(&mut self, outcome: Outcome) -> Trace {
        let end = self.now;
        for a in 0..self.actors.len() {
            self.set_activity(a, None, end);
            self.actors[a].rec.close_all(end);
        }
        let infos = self
            .program
            .actors
            .iter()
            .map(|def| ActorInfo { name: def.name.clone(), process: def.process, pool_thread: None })
            .collect();
        let budget = self.settings.run.budget;
        let recorders = self
            .actors
            .iter_mut()
            .enumerate()
            .map(|(i, a)| std::mem::replace(&mut a.rec, ActorRecorder::new(ActorId(i as u16), budget)))
            .collect();
        let mut trace = Trace::from_recorders(EngineKind::Simulated, infos, recorders, end, outcome);
        trace.finals = self.finals();
        trace.gil_handoffs = self.gils.iter().map(|g| if self.settings.run.gil { g.handoffs } else { 0 }).collect();
        trace.objects = self.program.objects.iter().map(|o| o.name.clone()).collect();
        trace
    }
}

/// What an actor is doing between two turns, as the stepper shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ActorState {
    NotStarted,
    /// Could take the next turn.
    Ready,
    /// Runnable, but every core is taken.
    WaitingForCore,
    WaitingForGil,
    Sleeping,
    /// A new process's interpreter starting up.
    Starting,
    /// Outside the interpreter for a while (a write to the console, a start).
    Busy,
    /// Blocked until another actor does something.
    Waiting(WaitOn),
    Done,
}

impl ActorState {
    /// In English, for messages (the page words it in the learner's language).
    pub fn describe(&self, program: &Program) -> String {
        match *self {
            ActorState::NotStarted => "not started yet".into(),
            ActorState::Ready => "ready".into(),
            ActorState::WaitingForCore => "waiting for a free core".into(),
            ActorState::WaitingForGil => "waiting for the GIL".into(),
            ActorState::Sleeping => "sleeping".into(),
            ActorState::Starting => "starting".into(),
            ActorState::Busy => "busy outside Python".into(),
            ActorState::Waiting(WaitOn::Object(o)) => {
                format!("waiting for {}", program.objects.get(o.0 as usize).map_or("?", |d| d.name.as_str()))
            }
            ActorState::Waiting(WaitOn::Actor(a)) => {
                format!("waiting for {} to end", program.actors.get(a.0 as usize).map_or("?", |d| d.name.as_str()))
            }
            ActorState::Done => "finished".into(),
        }
    }
}

/// One actor between two turns.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ActorView {
    pub name: String,
    pub state: ActorState,
    /// The line its next operation belongs to.
    pub line: u32,
    /// Its next operation, in Python-like notation (`r0 = counter`).
    pub next: Option<String>,
    /// Locks it holds, by name; "GIL" first when it holds its process's GIL.
    pub holds: Vec<String>,
    pub registers: [i64; REGISTERS],
}

/// The run between two turns: who does what, and who the engine would run next.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Snapshot {
    pub now: Nanos,
    pub turns: u64,
    pub actors: Vec<ActorView>,
    /// The actors the engine would choose among for the next turn (the earliest in time).
    pub engine_next: Vec<u16>,
    /// When the next timer ends (a sleep, a start, a timeout): a wait lets time pass to it.
    pub next_timer: Option<Nanos>,
}

/// What taking a turn came to.
#[derive(Debug)]
pub enum TurnResult {
    Turned,
    Finished(Box<Trace>),
}

impl Sim {
    fn state_of(&self, a: usize) -> ActorState {
        let actor = &self.actors[a];
        match actor.phase {
            Phase::NotStarted => ActorState::NotStarted,
            Phase::Done => ActorState::Done,
            Phase::Runnable if actor.core.is_some() => ActorState::Ready,
            Phase::Runnable => ActorState::WaitingForCore,
            Phase::Blocked(Block::Gil { .. }) => ActorState::WaitingForGil,
            Phase::Blocked(Block::Pause { kind: SpanKind::Sleep, .. }) => ActorState::Sleeping,
            Phase::Blocked(Block::Pause { kind: SpanKind::Starting, .. }) => ActorState::Starting,
            Phase::Blocked(Block::Pause { .. }) => ActorState::Busy,
            Phase::Blocked(block) => block.wait_on().map_or(ActorState::Busy, ActorState::Waiting),
        }
    }

    /// When the earliest timer ends (a sleep, a start, a timeout, a GIL request), and whose
    /// (the first of them, on a tie).
    fn next_timer(&self) -> Option<(Nanos, usize)> {
        let mut next: Option<(Nanos, usize)> = None;
        for (i, actor) in self.actors.iter().enumerate() {
            if let Phase::Blocked(block) = actor.phase {
                if let Some(t) = block.deadline().filter(|t| next.is_none_or(|(best, _)| *t < best)) {
                    next = Some((t, i));
                }
            }
        }
        next
    }

    /// Fires the timers due before the next turn, so who may take it is settled.
    fn settle(&mut self) -> Result<(), SimError> {
        let turns = self.turns;
        while self.outcome.is_none() && self.turns == turns {
            let (next_run, next_timer) = (self.next_run(), self.next_timer().map(|(t, _)| t));
            let timer_first = next_timer.is_some_and(|t| next_run.is_none_or(|r| t < r));
            let ended = next_timer.is_none() && next_run.is_none();
            if !timer_first && !ended {
                return Ok(());
            }
            self.step()?;
        }
        Ok(())
    }

    /// The run between two turns (timers due first have fired).
    pub fn snapshot(&mut self) -> Result<Snapshot, SimError> {
        self.settle()?;
        Ok(self.view())
    }

    /// The run as it is now, timers or not (after its end: where everyone stopped).
    pub fn view(&self) -> Snapshot {
        let earliest = (0..self.actors.len()).filter(|&a| self.enabled(a)).map(|a| self.actors[a].clock).min();
        let engine_next = (0..self.actors.len())
            .filter(|&a| self.enabled(a) && Some(self.actors[a].clock) == earliest)
            .map(|a| a as u16)
            .collect();
        let actors = (0..self.actors.len())
            .map(|a| {
                let actor = &self.actors[a];
                let ops = &self.program.actors[a].ops;
                let mut holds: Vec<String> = Vec::new();
                if actor.holds_gil {
                    holds.push("GIL".into());
                }
                for (i, object) in self.objects.iter().enumerate() {
                    if let Object::Lock { owner: Some(owner), .. } = object {
                        if *owner == a && actor.value_lock != Some(ObjectId(i as u16)) {
                            holds.push(self.program.objects[i].name.clone());
                        }
                    }
                }
                ActorView {
                    name: self.program.actors[a].name.clone(),
                    state: self.state_of(a),
                    line: self.line(a),
                    next: (actor.phase != Phase::Done)
                        .then(|| ops.get(actor.pc))
                        .flatten()
                        .map(|op| op.kind.describe(&self.program)),
                    holds,
                    registers: actor.regs,
                }
            })
            .collect();
        Snapshot {
            now: self.now,
            turns: self.turns,
            actors,
            engine_next,
            next_timer: self.next_timer().map(|(t, _)| t),
        }
    }

    /// Takes one turn: by `actor` if given (a pick, which replaces any picks still to come
    /// from a replayed schedule when it differs from them), else as the engine or the
    /// replayed schedule decides.
    pub fn take_turn(&mut self, actor: Option<u16>) -> Result<TurnResult, SimError> {
        if let Some(actor) = actor {
            let scheduled = self.pending.front().filter(|p| p.turn == self.turns).map(|p| p.actor);
            if scheduled != Some(actor) {
                self.pending.clear();
                self.pending.push_back(Pick { turn: self.turns, actor });
            }
        }
        let turns = self.turns;
        self.batching = false;
        let mut taken = Ok(());
        while taken.is_ok() && self.outcome.is_none() && self.turns == turns {
            taken = self.step();
        }
        // A turn may end the run: let what follows it (timers, the end) settle.
        let settled = taken.and_then(|_| self.settle());
        self.batching = true;
        settled?;
        match self.outcome.take() {
            Some(outcome) => Ok(TurnResult::Finished(Box::new(self.finish(outcome)))),
            None => Ok(TurnResult::Turned),
        }
    }

    /// The trace so far, with open spans closed at the current time; the run goes on.
    pub fn trace_so_far(&self) -> Trace {
        let end = self.now;
        let infos = self
            .program
            .actors
            .iter()
            .map(|def| ActorInfo { name: def.name.clone(), process: def.process, pool_thread: None })
            .collect();
        let recorders = self
            .actors
            .iter()
            .map(|a| {
                let mut rec = a.rec.clone();
                rec.close_all(end);
                rec
            })
            .collect();
        let mut trace = Trace::from_recorders(EngineKind::Simulated, infos, recorders, end, Outcome::Completed);
        trace.finals = self.finals();
        trace.objects = self.program.objects.iter().map(|o| o.name.clone()).collect();
        trace
    }

    fn finals(&self) -> Vec<(ObjectId, i64)> {
        self.program
            .objects
            .iter()
            .enumerate()
            .filter_map(|(i, o)| match (&o.kind, &self.objects[i]) {
                (ObjectKind::Var { .. }, _) => Some((ObjectId(i as u16), self.vars[0][i])),
                (_, Object::Value { value, .. }) => Some((ObjectId(i as u16), *value)),
                _ => None,
            })
            .collect()
    }
}
