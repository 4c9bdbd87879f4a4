//! The Program: what a lesson compiles its knobs into, and what both engines run.
//!
//! A Program is a set of actors (Python threads) grouped into processes, each running a
//! flat list of operations with the Python source line they come from, plus the shared
//! objects they use. Loops and branches are jumps, so a read-modify-write is visibly two
//! operations and a GIL check point sits exactly where CPython has one (calls and
//! backward jumps).

use std::fmt;

use serde::{Deserialize, Serialize};

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
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessDef {
    pub name: String,
    /// The process that starts it; `None` only for the main process.
    pub parent: Option<ProcessId>,
    pub start_method: StartMethod,
    /// A daemon process is terminated when its parent exits.
    pub daemon: bool,
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
                let q = if a % b != 0 && ((a < 0) != (b < 0)) { q - 1 } else { q };
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
            TextPart::Pid => line.push_str(&(1000 + process.0 as u32).to_string()),
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
pub enum OpKind {
    // --- pure Python work ---------------------------------------------------------------
    /// Bytecode that does not touch shared state, in cost-table units.
    Compute {
        units: u64,
    },
    /// A Python function call: a GIL check point under the 3.10+ model.
    Call,
    /// `r = value`
    Set {
        reg: Reg,
        value: i64,
    },
    /// `r += value`
    Add {
        reg: Reg,
        value: i64,
    },
    /// `r = r <op> value`
    Arith {
        reg: Reg,
        op: Arith,
        value: Operand,
    },
    /// Jump to `to` when `cond` holds (a backward jump is a GIL check point).
    JumpIf {
        cond: Cond,
        to: usize,
    },
    /// Unconditional jump (`continue`, loop back-edge).
    Jump {
        to: usize,
    },
    /// A counted loop's back-edge: go back to `to` until the body has run `times` times.
    /// A GIL check point, like CPython's `JUMP_BACKWARD`.
    Loop {
        to: usize,
        times: u64,
    },
    /// `r = time.monotonic()` in microseconds since the run began.
    Clock {
        reg: Reg,
    },
    /// `time.sleep(s)`; releases the GIL.
    Sleep {
        micros: Micros,
    },
    /// `print(...)`: one write of the text and its newline, or two under unbuffered output.
    Print {
        text: Vec<TextPart>,
    },
    /// Write introspection to a register.
    Introspect {
        what: Introspect,
        reg: Reg,
    },

    // --- shared memory ------------------------------------------------------------------
    /// Read a variable or `Value` into a register (a locked read for `Value`).
    Load {
        object: ObjectId,
        reg: Reg,
    },
    /// Write a register to a variable or `Value` (a locked write for `Value`).
    Store {
        object: ObjectId,
        reg: Reg,
    },

    // --- locks and friends --------------------------------------------------------------
    /// `acquire()` on a Lock, RLock, Semaphore, BoundedSemaphore or a Condition's lock.
    /// With a register, the result (1 acquired, 0 not) is written to it.
    Acquire {
        object: ObjectId,
        wait: Wait,
        result: Option<Reg>,
    },
    /// `release()`; releasing what is not held raises as Python does.
    Release {
        object: ObjectId,
    },
    /// `cond.wait(timeout)`: release the lock, wait for a notify, re-acquire.
    CondWait {
        object: ObjectId,
        wait: Wait,
    },
    /// `cond.notify(n)` or `notify_all()` (`all`).
    CondNotify {
        object: ObjectId,
        all: bool,
    },
    EventSet {
        object: ObjectId,
    },
    EventClear {
        object: ObjectId,
    },
    /// `event.wait(timeout)`; with a register, whether the flag was set.
    EventWait {
        object: ObjectId,
        wait: Wait,
        result: Option<Reg>,
    },
    /// `barrier.wait()`; with a register, the index Python returns.
    BarrierWait {
        object: ObjectId,
        result: Option<Reg>,
    },
    /// `barrier.abort()`
    BarrierAbort {
        object: ObjectId,
    },

    // --- messages -----------------------------------------------------------------------
    /// `q.put(item, block, timeout)`
    Put {
        object: ObjectId,
        value: Operand,
        wait: Wait,
    },
    /// `item = q.get(block, timeout)`
    Get {
        object: ObjectId,
        reg: Reg,
        wait: Wait,
    },
    /// `q.empty()` (0 or 1) into a register.
    QueueEmpty {
        object: ObjectId,
        reg: Reg,
    },
    /// `q.full()` (0 or 1) into a register.
    QueueFull {
        object: ObjectId,
        reg: Reg,
    },
    /// `conn.send(obj)` on end 0 or 1 of a pipe.
    Send {
        object: ObjectId,
        end: u8,
        value: Operand,
    },
    /// `obj = conn.recv()`; raises `EOFError` once the other end is closed and drained.
    Recv {
        object: ObjectId,
        end: u8,
        reg: Reg,
    },
    /// `conn.close()`
    Close {
        object: ObjectId,
        end: u8,
    },

    // --- threads and processes ----------------------------------------------------------
    /// `t.start()` for a thread, or `p.start()` for a process (naming its main actor).
    Start {
        actor: ActorId,
    },
    /// `t.join(timeout)`
    Join {
        actor: ActorId,
        wait: Wait,
    },
}

impl OpKind {
    /// The operation in Python-like notation for the stepper, e.g. `r0 = counter`. Words
    /// are code, so the same text serves every language of the page.
    pub fn describe(&self, program: &Program) -> String {
        use OpKind::*;
        let object =
            |o: ObjectId| program.objects.get(o.0 as usize).map_or_else(|| format!("#{}", o.0), |d| d.name.clone());
        let actor =
            |a: ActorId| program.actors.get(a.0 as usize).map_or_else(|| format!("#{}", a.0), |d| d.name.clone());
        let operand = |v: &Operand| match v {
            Operand::Const(c) => c.to_string(),
            Operand::Reg(r) => format!("r{}", r.0),
        };
        let wait = |w: Wait| match w {
            Wait::Forever => String::new(),
            Wait::NoWait => "blocking=False".into(),
            Wait::Timeout(us) => format!("timeout={}", us as f64 / 1e6),
        };
        let end = |e: u8| if e == 0 { "a" } else { "b" };
        match self {
            Compute { units } => format!("compute ({units} units)"),
            Call => "call a function".into(),
            Set { reg, value } => format!("r{} = {value}", reg.0),
            Add { reg, value } => format!("r{} += {value}", reg.0),
            Arith { reg, op, value } => {
                let sign = match op {
                    self::Arith::Add => "+",
                    self::Arith::Sub => "-",
                    self::Arith::Mul => "*",
                    self::Arith::FloorDiv => "//",
                    self::Arith::Mod => "%",
                };
                format!("r{0} = r{0} {sign} {1}", reg.0, operand(value))
            }
            JumpIf { .. } => "test and branch".into(),
            Jump { .. } => "jump".into(),
            Loop { times, .. } => format!("loop back ({times} times in all)"),
            Clock { reg } => format!("r{} = time.monotonic()", reg.0),
            Sleep { micros } => format!("time.sleep({})", *micros as f64 / 1e6),
            Print { .. } => "print(...)".into(),
            Introspect { reg, .. } => format!("r{} = (introspection)", reg.0),
            Load { object: o, reg } => format!("r{} = {}", reg.0, object(*o)),
            Store { object: o, reg } => format!("{} = r{}", object(*o), reg.0),
            Acquire { object: o, wait: w, .. } => format!("{}.acquire({})", object(*o), wait(*w)),
            Release { object: o } => format!("{}.release()", object(*o)),
            CondWait { object: o, wait: w } => format!("{}.wait({})", object(*o), wait(*w)),
            CondNotify { object: o, all } => {
                format!("{}.{}()", object(*o), if *all { "notify_all" } else { "notify" })
            }
            EventSet { object: o } => format!("{}.set()", object(*o)),
            EventClear { object: o } => format!("{}.clear()", object(*o)),
            EventWait { object: o, wait: w, .. } => format!("{}.wait({})", object(*o), wait(*w)),
            BarrierWait { object: o, .. } => format!("{}.wait()", object(*o)),
            BarrierAbort { object: o } => format!("{}.abort()", object(*o)),
            Put { object: o, value, .. } => format!("{}.put({})", object(*o), operand(value)),
            Get { object: o, reg, .. } => format!("r{} = {}.get()", reg.0, object(*o)),
            QueueEmpty { object: o, reg } => format!("r{} = {}.empty()", reg.0, object(*o)),
            QueueFull { object: o, reg } => format!("r{} = {}.full()", reg.0, object(*o)),
            Send { object: o, end: e, value } => format!("{}[{}].send({})", object(*o), end(*e), operand(value)),
            Recv { object: o, end: e, reg } => format!("r{} = {}[{}].recv()", reg.0, object(*o), end(*e)),
            Close { object: o, end: e } => format!("{}[{}].close()", object(*o), end(*e)),
            Start { actor: a } => format!("{}.start()", actor(*a)),
            Join { actor: a, wait: w } => format!("{}.join({})", actor(*a), wait(*w)),
        }
    }

    /// Where CPython 3.10+ may hand the GIL over: calls and backward jumps. `index` is this
    /// operation's position in its actor's list.
    pub fn is_check_point(&self, index: usize) -> bool {
        match *self {
            OpKind::Call | OpKind::Loop { .. } => true,
            OpKind::Jump { to } | OpKind::JumpIf { to, .. } => to <= index,
            _ => false,
        }
    }

    /// Operations that touch nothing another thread could see or change: the thread's own
    /// registers, compute, calls, jumps and the clock. Their cost has no timing noise, and
    /// a loop of them can run many iterations at once beside other threads.
    pub fn is_private(&self) -> bool {
        matches!(
            self,
            OpKind::Compute { .. }
                | OpKind::Call
                | OpKind::Set { .. }
                | OpKind::Add { .. }
                | OpKind::Arith { .. }
                | OpKind::JumpIf { .. }
                | OpKind::Jump { .. }
                | OpKind::Loop { .. }
                | OpKind::Clock { .. }
        )
    }

    /// Operations that release the GIL while they wait or work outside the interpreter.
    pub fn releases_gil(&self) -> bool {
        matches!(
            self,
            OpKind::Sleep { .. }
                | OpKind::Acquire { .. }
                | OpKind::CondWait { .. }
                | OpKind::EventWait { .. }
                | OpKind::BarrierWait { .. }
                | OpKind::Put { .. }
                | OpKind::Get { .. }
                | OpKind::Send { .. }
                | OpKind::Recv { .. }
                | OpKind::Join { .. }
                | OpKind::Print { .. }
        )
    }

    /// The shared object an operation touches, if any.
    pub fn object(&self) -> Option<ObjectId> {
        use OpKind::*;
        match *self {
            Load { object, .. }
            | Store { object, .. }
            | Acquire { object, .. }
            | Release { object }
            | CondWait { object, .. }
            | CondNotify { object, .. }
            | EventSet { object }
            | EventClear { object }
            | EventWait { object, .. }
            | BarrierWait { object, .. }
            | BarrierAbort { object }
            | Put { object, .. }
            | Get { object, .. }
            | QueueEmpty { object, .. }
            | QueueFull { object, .. }
            | Send { object, .. }
            | Recv { object, .. }
            | Close { object, .. } => Some(object),
            _ => None,
        }
    }

    /// The jump target, for operations that jump.
    pub fn jump_target(&self) -> Option<usize> {
        match *self {
            OpKind::Jump { to } | OpKind::JumpIf { to, .. } | OpKind::Loop { to, .. } => Some(to),
            _ => None,
        }
    }

    /// The actor an operation names, for start and join.
    pub fn target_actor(&self) -> Option<ActorId> {
        match *self {
            OpKind::Start { actor } | OpKind::Join { actor, .. } => Some(actor),
            OpKind::Introspect { what: Introspect::IsAlive(actor), .. } => Some(actor),
            _ => None,
        }
    }
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

/// A Program that cannot run: it names what is wrong and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProgramError {
    NoActors,
    MainActorNotInMainProcess,
    ActorProcessMissing { actor: String, process: u16 },
    ObjectMissing { actor: String, op: usize, object: u16 },
    WrongObjectKind { actor: String, op: usize, object: String, expected: &'static str },
    ActorMissing { actor: String, op: usize, target: u16 },
    JumpOutOfRange { actor: String, op: usize, to: usize },
    RegisterOutOfRange { actor: String, op: usize, reg: u8 },
    LineOutOfRange { actor: String, op: usize, line: Line, lines: usize },
    PipeEndOutOfRange { actor: String, op: usize, end: u8 },
    BadInnerLock { object: String },
    ZeroBarrierParties { object: String },
}

impl fmt::Display for ProgramError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ProgramError::*;
        match self {
            NoActors => write!(f, "the program has no threads"),
            MainActorNotInMainProcess => write!(f, "actor 0 must be the main thread of process 0"),
            ActorProcessMissing { actor, process } => {
                write!(f, "{actor} belongs to process {process}, which does not exist")
            }
            ObjectMissing { actor, op, object } => {
                write!(f, "{actor} op {op} uses object {object}, which does not exist")
            }
            WrongObjectKind { actor, op, object, expected } => {
                write!(f, "{actor} op {op} uses {object}, which is not a {expected}")
            }
            ActorMissing { actor, op, target } => {
                write!(f, "{actor} op {op} names actor {target}, which does not exist")
            }
            JumpOutOfRange { actor, op, to } => write!(f, "{actor} op {op} jumps to {to}, past the end"),
            RegisterOutOfRange { actor, op, reg } => write!(f, "{actor} op {op} uses register {reg} of {REGISTERS}"),
            LineOutOfRange { actor, op, line, lines } => {
                write!(f, "{actor} op {op} points at line {line}, but the source has {lines} lines")
            }
            PipeEndOutOfRange { actor, op, end } => {
                write!(f, "{actor} op {op} uses pipe end {end}; a pipe has ends 0 and 1")
            }
            BadInnerLock { object } => write!(f, "{object} must wrap a Lock or RLock"),
            ZeroBarrierParties { object } => write!(f, "{object} needs at least one party"),
        }
    }
}

impl std::error::Error for ProgramError {}

impl Program {
    pub fn actor(&self, id: ActorId) -> &ActorDef {
        &self.actors[id.0 as usize]
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

    /// Checks every index in the Program, so the engines can trust them.
    pub fn validate(&self) -> Result<(), ProgramError> {
        use ProgramError::*;
        let first = self.actors.first().ok_or(NoActors)?;
        if first.process != ProcessId(0) || first.role != ActorRole::ProcessMain {
            return Err(MainActorNotInMainProcess);
        }
        let lines = self.source.lines().count();
        for (index, object) in self.objects.iter().enumerate() {
            match object.kind {
                ObjectKind::Condition { lock } | ObjectKind::SharedValue { lock, .. } => {
                    let inner = self.objects.get(lock.0 as usize).map(|o| &o.kind);
                    if !matches!(inner, Some(ObjectKind::Lock) | Some(ObjectKind::RLock)) || lock.0 as usize == index {
                        return Err(BadInnerLock { object: object.name.clone() });
                    }
                }
                ObjectKind::Barrier { parties: 0 } => return Err(ZeroBarrierParties { object: object.name.clone() }),
                _ => {}
            }
        }
        for actor in &self.actors {
            let name = || actor.name.clone();
            if actor.process.0 as usize >= self.processes.len() {
                return Err(ActorProcessMissing { actor: name(), process: actor.process.0 });
            }
            for (op_index, op) in actor.ops.iter().enumerate() {
                if op.line == 0 || op.line as usize > lines {
                    return Err(LineOutOfRange { actor: name(), op: op_index, line: op.line, lines });
                }
                if let Some(to) = op.kind.jump_target() {
                    if to >= actor.ops.len() {
                        return Err(JumpOutOfRange { actor: name(), op: op_index, to });
                    }
                }
                if let Some(target) = op.kind.target_actor() {
                    if target.0 as usize >= self.actors.len() {
                        return Err(ActorMissing { actor: name(), op: op_index, target: target.0 });
                    }
                }
                for reg in registers_of(&op.kind) {
                    if reg.0 as usize >= REGISTERS {
                        return Err(RegisterOutOfRange { actor: name(), op: op_index, reg: reg.0 });
                    }
                }
                if let Some(object) = op.kind.object() {
                    let def = self.objects.get(object.0 as usize).ok_or(ObjectMissing {
                        actor: name(),
                        op: op_index,
                        object: object.0,
                    })?;
                    if let Some(expected) = expected_kind(&op.kind, &def.kind) {
                        return Err(WrongObjectKind {
                            actor: name(),
                            op: op_index,
                            object: def.name.clone(),
                            expected,
                        });
                    }
                    if let OpKind::Send { end, .. } | OpKind::Recv { end, .. } | OpKind::Close { end, .. } = op.kind {
                        if end > 1 {
                            return Err(PipeEndOutOfRange { actor: name(), op: op_index, end });
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// `Some(what was expected)` when an operation cannot apply to an object of this kind.
fn expected_kind(op: &OpKind, kind: &ObjectKind) -> Option<&'static str> {
    use ObjectKind as K;
    use OpKind::*;
    let fits = match op {
        Load { .. } | Store { .. } => matches!(kind, K::Var { .. } | K::SharedValue { .. }),
        Acquire { .. } | Release { .. } => {
            matches!(kind, K::Lock | K::RLock | K::Semaphore { .. } | K::Condition { .. })
        }
        CondWait { .. } | CondNotify { .. } => matches!(kind, K::Condition { .. }),
        EventSet { .. } | EventClear { .. } | EventWait { .. } => matches!(kind, K::Event),
        BarrierWait { .. } | BarrierAbort { .. } => matches!(kind, K::Barrier { .. }),
        Put { .. } | Get { .. } | QueueEmpty { .. } | QueueFull { .. } => matches!(kind, K::Queue { .. }),
        Send { .. } | Recv { .. } | Close { .. } => matches!(kind, K::Pipe { .. }),
        _ => true,
    };
    if fits {
        return None;
    }
    Some(match op {
        Load { .. } | Store { .. } => "variable or Value",
        Acquire { .. } | Release { .. } => "lock or semaphore",
        CondWait { .. } | CondNotify { .. } => "Condition",
        EventSet { .. } | EventClear { .. } | EventWait { .. } => "Event",
        BarrierWait { .. } | BarrierAbort { .. } => "Barrier",
        Put { .. } | Get { .. } | QueueEmpty { .. } | QueueFull { .. } => "Queue",
        _ => "Pipe",
    })
}

fn registers_of(op: &OpKind) -> Vec<Reg> {
    use OpKind::*;
    let operand = |o: &Operand| match o {
        Operand::Reg(r) => Some(*r),
        Operand::Const(_) => None,
    };
    let cond = |c: &Cond| match *c {
        Cond::Eq(r, _) | Cond::Ne(r, _) | Cond::Lt(r, _) => r,
    };
    match op {
        Set { reg, .. } | Add { reg, .. } | Clock { reg } | Introspect { reg, .. } => vec![*reg],
        Arith { reg, value, .. } => std::iter::once(*reg).chain(operand(value)).collect(),
        Load { reg, .. } | Store { reg, .. } | Get { reg, .. } | Recv { reg, .. } => vec![*reg],
        QueueEmpty { reg, .. } | QueueFull { reg, .. } => vec![*reg],
        JumpIf { cond: c, .. } => vec![cond(c)],
        Acquire { result, .. } | EventWait { result, .. } | BarrierWait { result, .. } => {
            result.iter().copied().collect()
        }
        Put { value, .. } | Send { value, .. } => operand(value).into_iter().collect(),
        Print { text } => text
            .iter()
            .filter_map(|p| match p {
                TextPart::Reg(r) | TextPart::Bool(r) => Some(*r),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
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
        assert_eq!(Arith::Mod.apply(-7, 2), Some(1));
        assert_eq!(Arith::Mod.apply(7, -2), Some(-1));
        assert_eq!(Arith::Mod.apply(7, 0), None);
        assert_eq!(Arith::Mul.apply(6, 7), Some(42));
    }
}
