//! The operations of a Program, and what the engines ask of each: where a GIL check point
//! is, whether it touches shared state, what it names.

use super::{ActorId, Arith, Cond, Introspect, Line, Micros, ObjectId, Operand, Program, Reg, TextPart, Wait};

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
    /// `raise exception(message)`: an exception the program raises itself (`fut.result()`
    /// re-raising a task's); `origin` is the line where it first rose, in another thread.
    Raise {
        exception: &'static str,
        message: String,
        origin: Option<Line>,
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

    /// `lst.append(value)`
    ListAppend {
        object: ObjectId,
        value: Operand,
    },
    /// `reg = lst[index]` (from the end when negative); IndexError outside.
    ListGet {
        object: ObjectId,
        index: Operand,
        reg: Reg,
    },
    /// `lst[index] = value`; IndexError outside.
    ListSet {
        object: ObjectId,
        index: Operand,
        value: Operand,
    },
    /// `reg = len(lst)`
    ListLen {
        object: ObjectId,
        reg: Reg,
    },
    /// `reg = lst.pop()`; IndexError when empty.
    ListPop {
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

    // --- asyncio ------------------------------------------------------------------------
    /// `asyncio.create_task(coro)` (or one of `gather`'s coroutines): schedules the task on
    /// the loop and returns at once; it runs once the caller awaits.
    CreateTask {
        actor: ActorId,
    },
    /// `await asyncio.sleep(s)`: the task waits and the loop runs the others; `0` only
    /// yields, behind every task ready now.
    AwaitSleep {
        micros: Micros,
    },
    /// `await task` (or `gather`'s wait for it): suspends until that task has ended.
    AwaitTask {
        actor: ActorId,
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
            Raise { exception, .. } => format!("raise {exception}"),
            Introspect { reg, .. } => format!("r{} = (introspection)", reg.0),
            Load { object: o, reg } => format!("r{} = {}", reg.0, object(*o)),
            ListAppend { object: o, value } => format!("{}.append({})", object(*o), operand(value)),
            ListGet { object: o, index, reg } => format!("r{} = {}[{}]", reg.0, object(*o), operand(index)),
            ListSet { object: o, index, value } => format!("{}[{}] = {}", object(*o), operand(index), operand(value)),
            ListLen { object: o, reg } => format!("r{} = len({})", reg.0, object(*o)),
            ListPop { object: o, reg } => format!("r{} = {}.pop()", reg.0, object(*o)),
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
            CreateTask { actor: a } => format!("asyncio.create_task({})", actor(*a)),
            AwaitSleep { micros } => format!("await asyncio.sleep({})", *micros as f64 / 1e6),
            AwaitTask { actor: a } => format!("await {}", actor(*a)),
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

    /// Operations that release the GIL while they wait or work outside the interpreter. An
    /// `await` is not one: the loop's thread keeps the GIL from task to task, and lets it
    /// go only while it waits for a timer with no task ready.
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
            | ListAppend { object, .. }
            | ListGet { object, .. }
            | ListSet { object, .. }
            | ListLen { object, .. }
            | ListPop { object, .. }
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

    /// Whether it is one of asyncio's operations, which only a loop's coroutine may run.
    pub fn is_async(&self) -> bool {
        matches!(self, OpKind::CreateTask { .. } | OpKind::AwaitSleep { .. } | OpKind::AwaitTask { .. })
    }

    /// The actor an operation names, for start and join.
    pub fn target_actor(&self) -> Option<ActorId> {
        match *self {
            OpKind::Start { actor }
            | OpKind::Join { actor, .. }
            | OpKind::CreateTask { actor }
            | OpKind::AwaitTask { actor } => Some(actor),
            OpKind::Introspect { what: Introspect::IsAlive(actor), .. } => Some(actor),
            _ => None,
        }
    }
}
