//! The Program: what a lesson compiles its knobs into, and what both engines run.
//!
//! A Program is a set of actors (Python threads) grouped into processes, each running a
//! flat list of operations with the Python source line they come from, plus the shared
//! objects they use. Loops and branches are jumps, so a read-modify-write is visibly two
//! operations and a GIL check point sits exactly where CPython has one (calls and
//! backward jumps).
//!
//! The operations and what the engines ask of each are in `ops`; the checks a Program
//! passes before it runs, in `validate`.

use serde::{Deserialize, Serialize};

mod ops;
mod validate;

pub use ops::OpKind;
pub use validate::ProgramError;

/// Index of a process in [`Program::processes`]. Process 0 is the main process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ProcessId(pub u16);

/// Index of an actor (a Python thread) in [`Program::actors`]. Actor 0 is the main thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ActorId(pub u16);

/// Index of a shared object in [`Program::objects`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ObjectId(pub u16);

/// One of a small file of per-actor integer registers (a Python local).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Reg(pub u8);

/// Registers each actor has.
pub const REGISTERS: usize = 8;

/// A 1-based line of the lesson's Python source.
pub type Line = u32;

/// Durations in a Program are Python's own time, in microseconds.
pub type Micros = u64;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    /// The Python source shown to the learner; every `Op::line` points into it.
    pub source: String,
    pub processes: Vec<ProcessDef>,
    pub actors: Vec<ActorDef>,
    pub objects: Vec<ObjectDef>,
    /// The GIL's switch interval the program sets (`sys.setswitchinterval`) before its
    /// threads start, in place of the run settings' one, in ns.
    pub switch_interval: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessDef {
    pub name: String,
    /// The process that starts it; `None` only for the main process.
    pub parent: Option<ProcessId>,
    pub start_method: StartMethod,
    /// A daemon process is terminated when its parent exits.
    pub daemon: bool,
    /// What of its target and arguments cannot be pickled, if anything: a start that
    /// pickles them (`spawn`, `forkserver`) raises Python's error in the parent.
    pub unpicklable: Option<Unpicklable>,
}

/// Which kind of thread raised an exception nobody caught.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RaisedIn {
    /// The main thread of the main process: the program ends with a traceback.
    MainThread,
    /// The main thread of a child process: `Process NAME:`, then the traceback.
    ChildProcess,
    /// Any other thread: `Exception in thread NAME:`, then the traceback.
    Thread,
}

/// Something a process's target or arguments hold that `pickle` refuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unpicklable {
    /// A `lambda` written inside a function (`main.<locals>.<lambda>`).
    LocalLambda,
    /// A function defined inside another (`main.<locals>.work`).
    LocalFunction,
    /// A `threading.Lock` passed as an argument.
    ThreadLock,
}

/// How a child process comes to life; it sets the start cost and what memory it begins with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StartMethod {
    /// The main process: already running.
    Main,
    /// `fork`: a copy of the parent's memory at the moment of the start.
    Fork,
    /// `spawn`: a fresh interpreter that re-imports the module (variables at their initial values).
    Spawn,
    /// `forkserver`: a server process, started once by the first child, forks each child
    /// from a clean copy of itself; a child begins as under `spawn` (the module re-imported),
    /// but later starts are cheap.
    Forkserver,
}

impl StartMethod {
    /// Whether the child re-imports the module and so begins with the module's own values
    /// (and its target and arguments must be pickled to reach it).
    pub fn starts_fresh(self) -> bool {
        matches!(self, StartMethod::Spawn | StartMethod::Forkserver)
    }

    /// How a `multiprocessing.Pool` names its workers under it (`SpawnPoolWorker-1`).
    pub fn pool_worker_prefix(self) -> &'static str {
        match self {
            StartMethod::Spawn => "Spawn",
            StartMethod::Forkserver => "ForkServer",
            _ => "Fork",
        }
    }

    /// The name `multiprocessing` gives it.
    pub fn name(self) -> &'static str {
        match self {
            StartMethod::Main => "main",
            StartMethod::Fork => "fork",
            StartMethod::Spawn => "spawn",
            StartMethod::Forkserver => "forkserver",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActorDef {
    /// The name Python gives it (`MainThread`, `Thread-1`, `Process-1`, ...).
    pub name: String,
    pub process: ProcessId,
    pub role: ActorRole,
    /// A daemon thread does not keep its process alive.
    pub daemon: bool,
    pub ops: Vec<Op>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActorRole {
    /// The main thread of a process: it runs when its process starts.
    ProcessMain,
    /// A thread started by an `Op::Start` from its own process.
    Thread,
    /// An asyncio task (`asyncio.create_task`, `gather`): a coroutine run by its process's
    /// event loop, on the process's main thread (which runs `asyncio.run(main())` and is
    /// the loop's main coroutine). Never a thread of its own.
    Task,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Op {
    pub kind: OpKind,
    pub line: Line,
}

/// A value written by `Print`, put on a queue or sent through a pipe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Operand {
    Const(i64),
    Reg(Reg),
}

/// The pieces of a printed line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TextPart {
    Lit(String),
    /// The value of one of the actor's registers.
    Reg(Reg),
    /// A register as Python prints a bool: `False` for 0, `True` otherwise.
    Bool(Reg),
    /// The running thread's name (`threading.current_thread().name`).
    ActorName,
    /// The running process's pid (`os.getpid()`).
    Pid,
}

/// Integer arithmetic on a register, with Python's semantics (`//` and `%` floor).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arith {
    Add,
    Sub,
    Mul,
    FloorDiv,
    Mod,
}

impl Arith {
    /// `a op b` as Python computes it; `None` for a division by zero.
    pub fn apply(self, a: i64, b: i64) -> Option<i64> {
        Some(match self {
            Arith::Add => a.wrapping_add(b),
            Arith::Sub => a.wrapping_sub(b),
            Arith::Mul => a.wrapping_mul(b),
            Arith::FloorDiv | Arith::Mod => {
                if b == 0 {
                    return None;
                }
                let q = a.wrapping_div(b);
                // (`wrapping_rem`: `i64::MIN % -1` overflows, and its remainder is 0.)
                let q = if a.wrapping_rem(b) != 0 && ((a < 0) != (b < 0)) { q - 1 } else { q };
                if self == Arith::FloorDiv {
                    q
                } else {
                    a.wrapping_sub(b.wrapping_mul(q))
                }
            }
        })
    }
}

/// A condition on a register, for branches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cond {
    Eq(Reg, i64),
    Ne(Reg, i64),
    Lt(Reg, i64),
}

impl Cond {
    /// Whether the condition holds for a register file.
    pub fn holds(self, regs: &[i64; REGISTERS]) -> bool {
        match self {
            Cond::Eq(r, v) => regs[r.0 as usize] == v,
            Cond::Ne(r, v) => regs[r.0 as usize] != v,
            Cond::Lt(r, v) => regs[r.0 as usize] < v,
        }
    }
}

impl Operand {
    pub fn value(&self, regs: &[i64; REGISTERS]) -> i64 {
        match *self {
            Operand::Const(v) => v,
            Operand::Reg(r) => regs[r.0 as usize],
        }
    }
}

/// `ops` with their jumps moved by `base`: operations written as if they began a thread's
/// list, put at `base` of another's.
pub fn offset_jumps(ops: &[Op], base: usize) -> Vec<Op> {
    ops.iter()
        .map(|o| {
            let kind = match o.kind.clone() {
                OpKind::Jump { to } => OpKind::Jump { to: to + base },
                OpKind::JumpIf { cond, to } => OpKind::JumpIf { cond, to: to + base },
                OpKind::Loop { to, times } => OpKind::Loop { to: to + base, times },
                other => other,
            };
            Op { kind, line: o.line }
        })
        .collect()
}

/// The main process's pid as the engines show it; process `p`'s is `FIRST_PID + p`.
pub const FIRST_PID: i64 = 1000;

/// The text a `Print` writes (without its newline), for a thread with these registers.
pub fn render_text(parts: &[TextPart], regs: &[i64; REGISTERS], actor_name: &str, process: ProcessId) -> String {
    let mut line = String::new();
    for part in parts {
        match part {
            TextPart::Lit(s) => line.push_str(s),
            TextPart::Reg(r) => line.push_str(&regs[r.0 as usize].to_string()),
            TextPart::Bool(r) => line.push_str(if regs[r.0 as usize] != 0 { "True" } else { "False" }),
            TextPart::ActorName => line.push_str(actor_name),
            // A pid that looks like one and is the same on every run.
            TextPart::Pid => line.push_str(&(FIRST_PID + i64::from(process.0)).to_string()),
        }
    }
    line
}

/// Whether and how long a blocking call waits (`acquire(blocking, timeout)`, `get(timeout=...)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    Forever,
    /// `blocking=False`: try once.
    NoWait,
    Timeout(Micros),
}

/// Introspection the `threading` tutorial prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Introspect {
    /// `threading.active_count()`
    ActiveCount,
    /// `t.is_alive()` for an actor.
    IsAlive(ActorId),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectDef {
    /// The Python name (`counter`, `lock`, `forks[2]`), used in messages and wait-for graphs.
    pub name: String,
    pub kind: ObjectKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ObjectKind {
    /// A plain Python variable: each process has its own copy.
    Var {
        initial: i64,
    },
    /// A Python list of whole numbers: like a variable, each process has its own copy.
    List {
        initial: Vec<i64>,
    },
    /// `multiprocessing.Value`: one copy every process sees, guarded by `lock` for each
    /// single read or write (so `v.value += 1` is still two locked steps).
    SharedValue {
        initial: i64,
        lock: ObjectId,
    },
    Lock,
    RLock,
    Semaphore {
        permits: u32,
        bounded: bool,
    },
    /// A Condition over a lock (a Lock or RLock object).
    Condition {
        lock: ObjectId,
    },
    Event,
    Barrier {
        parties: u32,
    },
    /// `queue.Queue` or `multiprocessing.Queue`; `maxsize` 0 is unbounded, as in Python.
    Queue {
        maxsize: u32,
    },
    /// `multiprocessing.Pipe(duplex)`: two ends, 0 and 1. One-way pipes send 1 -> 0.
    Pipe {
        duplex: bool,
    },
}

impl ObjectKind {
    /// Objects an actor can hold and so make others wait (for the wait-for graph).
    pub fn is_lock_like(&self) -> bool {
        matches!(
            self,
            ObjectKind::Lock | ObjectKind::RLock | ObjectKind::Semaphore { .. } | ObjectKind::Condition { .. }
        )
    }

    pub fn python_type(&self) -> &'static str {
        match self {
            ObjectKind::Var { .. } => "int",
            ObjectKind::List { .. } => "list",
            ObjectKind::SharedValue { .. } => "Value",
            ObjectKind::Lock => "Lock",
            ObjectKind::RLock => "RLock",
            ObjectKind::Semaphore { bounded: false, .. } => "Semaphore",
            ObjectKind::Semaphore { bounded: true, .. } => "BoundedSemaphore",
            ObjectKind::Condition { .. } => "Condition",
            ObjectKind::Event => "Event",
            ObjectKind::Barrier { .. } => "Barrier",
            ObjectKind::Queue { .. } => "Queue",
            ObjectKind::Pipe { .. } => "Pipe",
        }
    }
}

impl Program {
    pub fn actor(&self, id: ActorId) -> &ActorDef {
        &self.actors[id.0 as usize]
    }

    /// What kind of thread `id` is, for what Python prints over an exception it raises.
    pub fn raised_in(&self, id: ActorId) -> RaisedIn {
        let def = self.actor(id);
        match (def.role, def.process.0) {
            (ActorRole::ProcessMain, 0) => RaisedIn::MainThread,
            (ActorRole::ProcessMain, _) => RaisedIn::ChildProcess,
            (ActorRole::Thread | ActorRole::Task, _) => RaisedIn::Thread,
        }
    }

    pub fn object(&self, id: ObjectId) -> &ObjectDef {
        &self.objects[id.0 as usize]
    }

    /// The main actor of each process, which starting the process runs.
    pub fn process_main(&self, process: ProcessId) -> Option<ActorId> {
        self.actors
            .iter()
            .position(|a| a.process == process && a.role == ActorRole::ProcessMain)
            .map(|i| ActorId(i as u16))
    }
}

#[cfg(test)]
mod tests {
    use super::Arith;

    #[test]
    fn floor_division_and_modulo_follow_python() {
        // Python: 7 // 2 == 3, -7 // 2 == -4, 7 // -2 == -4, -7 % 2 == 1, 7 % -2 == -1.
        assert_eq!(Arith::FloorDiv.apply(7, 2), Some(3));
        assert_eq!(Arith::FloorDiv.apply(-7, 2), Some(-4));
        assert_eq!(Arith::FloorDiv.apply(7, -2), Some(-4));
        // Past the range, wrapping as every operation does, never a panic.
        assert_eq!(Arith::Mod.apply(i64::MIN, -1), Some(0));
        assert_eq!(Arith::FloorDiv.apply(i64::MIN, -1), Some(i64::MIN));
        assert_eq!(Arith::Mod.apply(-7, 2), Some(1));
        assert_eq!(Arith::Mod.apply(7, -2), Some(-1));
        assert_eq!(Arith::Mod.apply(7, 0), None);
        assert_eq!(Arith::Mul.apply(6, 7), Some(42));
    }
}
