//! The simulated world: its actors and what every part of the simulator shares. How it
//! moves lives in the modules below, one responsibility each:
//!
//! - `scheduler`: turns and timers, cores and their time slices, blocking and waking;
//! - `gil`: each process's GIL;
//! - `interpreter`: one actor's next operation;
//! - `objects`: the Python objects, with the actors blocked on each;
//! - `processes`: starting and joining, and when an actor or a process ends;
//! - `outcome`: the end of a run and its Trace;
//! - `stepper`: the run between two turns, as the stepper shows and drives it;
//! - `turns`: the log of turns the explorer branches at;
//! - `batch`: loops run many iterations at once;
//! - `tasks`: asyncio's tasks on their loop's thread, by the rules of
//!   [`crate::engine::python::event_loop`].

mod batch;
mod gil;
mod interpreter;
mod objects;
mod outcome;
mod processes;
mod scheduler;
mod stepper;
mod tasks;
mod turns;

pub use stepper::{ActorView, Snapshot, TurnResult};
pub use turns::TurnRecord;

use std::collections::VecDeque;

use crate::engine::program::{ActorId, ObjectId, Program, REGISTERS};
use crate::engine::python::event_loop::EventLoop;
use crate::engine::python::list::List;
use crate::engine::python::PyError;
use crate::engine::schedule::{Pick, Schedule};
use crate::engine::sim::rng::Rng;
use crate::engine::sim::settings::{SimError, SimSettings};
use crate::engine::trace::{ActorRecorder, Nanos, Outcome, SpanKind, Trace, WaitOn};

use gil::Gil;
use objects::Object;
use turns::TurnLog;

/// What a slice of a run came to.
#[derive(Debug)]
pub enum StepResult {
    Running { steps: u64, now: Nanos },
    Finished(Box<Trace>),
}

/// Why a blocked actor is waiting, and until when at most.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Block {
    /// Waiting for its process's GIL since `since`; asks the holder to drop it at `asks`,
    /// unless a switch happened since `switches`. A waiter `signalled` by a release instead
    /// runs at `asks` and takes the GIL if it is still free then.
    Gil {
        since: Nanos,
        asks: Nanos,
        switches: u64,
        signalled: bool,
    },
    /// Paying a cost that releases the GIL (sleep, start, a write) until `until`.
    Pause {
        until: Nanos,
        kind: SpanKind,
    },
    /// In `start()` of a thread, until that thread runs; it returns `later` after its wake.
    StartOf {
        actor: ActorId,
        later: Nanos,
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
    /// An asyncio task suspended at an `await`: on a timer (`asyncio.sleep`) until `until`,
    /// or on the end of the task `on`.
    Await {
        until: Option<Nanos>,
        on: Option<ActorId>,
    },
    /// An asyncio task in its loop's ready queue: it runs when the loop gets to it.
    Ready,
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
            Block::Await { until, .. } => until,
            Block::Barrier { .. } | Block::Recv { .. } | Block::StartOf { .. } | Block::Ready => None,
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
            Block::Join { actor, .. } | Block::Await { on: Some(actor), .. } => Some(WaitOn::Actor(actor)),
            Block::Gil { .. } | Block::Pause { .. } | Block::StartOf { .. } | Block::Await { .. } | Block::Ready => {
                None
            }
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
    Raise(PyError),
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
    /// An RLock's levels, kept while a Condition wait has let go of them.
    cond_count: u32,
    /// A print's writes still to come, the next last: the Python part of a print runs
    /// under the GIL first, then each write lets go of it.
    pending_writes: Vec<String>,
    started: bool,
    /// A new process's start still to run (interpreter start-up and imports): CPU work
    /// on a core before its first line, so many starting at once contend for the cores.
    startup: Nanos,
    /// A child process's interpreter tearing down after its main thread's last line: CPU
    /// work still to run before the process exits (set once, when `torn_down` is).
    teardown: Nanos,
    torn_down: bool,
    /// The Value's lock an access holds until this actor's next step (the access's time).
    value_lock: Option<ObjectId>,
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
    /// Lists, one copy per process: `lists[process][object]` (empty for other objects).
    lists: Vec<Vec<List>>,
    objects: Vec<Object>,
    /// Block-buffered output per process (`output=pipe`), flushed at the process's exit.
    buffers: Vec<String>,
    process_started: Vec<bool>,
    /// How many threads each process has started: its first starts are slower.
    threads_started: Vec<usize>,
    /// How many child processes each process has started: its first fork is slower.
    children_started: Vec<usize>,
    /// Each process's asyncio event loop, once its first task is created.
    loops: Vec<Option<EventLoop<usize>>>,
    /// Whether `forkserver`'s server is up (the first child under it starts it).
    forkserver_running: bool,
    /// The actors that could run at the earliest time, a turn's scratch.
    candidates: Vec<usize>,
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
                pending_writes: Vec::new(),
                started: false,
                startup: 0,
                teardown: 0,
                torn_down: false,
                value_lock: None,
            })
            .collect();
        let objects = program.objects.iter().map(|o| Object::new(&o.kind)).collect();
        let initial: Vec<i64> = program
            .objects
            .iter()
            .map(|o| if let crate::engine::program::ObjectKind::Var { initial } = o.kind { initial } else { 0 })
            .collect();
        let lists: Vec<List> = program
            .objects
            .iter()
            .map(|o| match &o.kind {
                crate::engine::program::ObjectKind::List { initial } => List::new(initial.clone()),
                _ => List::default(),
            })
            .collect();
        let processes = program.processes.len();
        let pending = settings.schedule.picks().iter().copied().collect();
        let mut sim = Sim {
            rng: Rng::new(settings.seed),
            cores: vec![None; settings.cores.max(1) as usize],
            ready: VecDeque::new(),
            gils: (0..processes).map(|_| Gil::default()).collect(),
            vars: vec![initial; processes],
            lists: vec![lists; processes],
            objects,
            buffers: vec![String::new(); processes],
            process_started: vec![false; processes],
            threads_started: vec![0; processes],
            children_started: vec![0; processes],
            forkserver_running: false,
            loops: vec![None; processes],
            candidates: Vec::new(),
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

    pub fn steps(&self) -> u64 {
        self.steps
    }

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

    /// What Python code that costs `base` on the GIL build costs on the build modelled (a
    /// free-threaded build's single-thread overhead).
    fn bytecode(&self, base: Nanos) -> Nanos {
        self.settings.run.python.scaled(base)
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

    /// Raises a Python exception in actor `a`: the thread prints it and ends.
    fn raise(&mut self, a: usize, error: PyError, at: Nanos) -> Result<(), SimError> {
        self.raise_again(a, error.exception, error.message.to_string(), None, at)
    }

    /// Raises an exception the program names, first risen at `origin` if it comes again.
    fn raise_again(
        &mut self,
        a: usize,
        exception: &str,
        message: String,
        origin: Option<crate::engine::program::Line>,
        at: Nanos,
    ) -> Result<(), SimError> {
        let line = self.line(a);
        let raised_in = self.program.raised_in(ActorId(a as u16));
        self.actors[a].rec.raise_again(at, line, origin, raised_in, exception, message);
        self.exit(a, at)
    }
}
