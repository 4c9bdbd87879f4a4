//! `concurrent.futures` built from the Program's own parts, as CPython 3.11 builds it, so
//! both engines run it with no executor-specific code.
//!
//! `ThreadPoolExecutor`: `submit` puts a work item on the executor's queue and starts a new
//! worker thread (`ThreadPoolExecutor-0_0`, `_1`, ...) unless an idle one is waiting (its
//! idle semaphore) or `max_workers` run already; workers take items in order and set each
//! future; shutdown puts one `None`, which each worker puts back for the next, and joins them.
//!
//! `ProcessPoolExecutor`: `submit` tells the executor's management thread (`Thread-1`) of
//! the new work item. Under `fork` the first `submit` starts every worker process, then the
//! management thread; under `spawn` and `forkserver` each `submit` starts one more process
//! unless one is idle. The management thread moves work items to the call queue (at most
//! `max_workers + 1` waiting), reads the workers' results from the result queue and sets
//! the futures; at shutdown, once no work is pending, it sends each worker a `None` and
//! joins them. `map` with a `chunksize` submits a work item per chunk of inputs. When one
//! of `map`'s results raises, its iterator cancels the futures not yet running: a thread
//! skips a cancelled work item, and the management thread drops those not yet in the call
//! queue.
//!
//! A future is a queue its setter puts the outcome on (`futures[i]`), or for `as_completed`
//! one queue every future is put on as it completes. An outcome is one number: work item
//! `w` done with result `r` is `w * OUTCOME_BASE + r`, and raised is `-1 - w`.

use super::plan::{Kind, Method, Plan, LOOPS_PER_S};
use crate::engine::program::{
    offset_jumps, ActorId, Arith, Cond, ObjectDef, ObjectId, ObjectKind, Op, OpKind, Operand, Program, Reg,
    StartMethod, Wait,
};
use crate::lessons::parts::{add_child, thread};
use crate::lessons::source::SourceLine;

/// How a work item and its result share an outcome.
pub const OUTCOME_BASE: i64 = 1 << 20;
/// What `submit` tells the management thread (its wakeup): a work item is waiting.
const SUBMITTED: i64 = -(1 << 30);
/// What the main thread tells the management thread when `map`'s results end with an
/// exception: the work items not yet in the call queue are cancelled.
const CANCELLED: i64 = -(1 << 32);
/// What `shutdown` tells the management thread, less the processes started.
const SHUTDOWN: i64 = -(1 << 40);

/// The main thread's registers the executor uses: worker threads or processes started, and
/// a scratch.
pub const MAIN_STARTED: Reg = Reg(1);
pub const MAIN_SCRATCH: Reg = Reg(2);

// A worker's registers: the work item, the argument `x`, the items left in its chunk, the
// task's return value (negative when it raised), the size class, `n`, and the outcome.
const ID: Reg = Reg(0);
pub const X: Reg = Reg(1);
const LEFT: Reg = Reg(2);
pub const RESULT: Reg = Reg(3);
const CLASS: Reg = Reg(4);
const N: Reg = Reg(5);
const OUTCOME: Reg = Reg(6);

// The management thread's registers.
const MESSAGE: Reg = Reg(0);
const BACKLOG: Reg = Reg(1);
const PENDING: Reg = Reg(2);
const SHUTTING: Reg = Reg(3);
const SCRATCH: Reg = Reg(4);
const WORK: Reg = Reg(5);
const PROCESSES: Reg = Reg(6);
const NEXT: Reg = Reg(7);

/// The lines of `def task(x):` the task's operations point at.
#[derive(Clone, Copy, Debug)]
pub struct TaskLines {
    pub def: SourceLine,
    /// `time.sleep(SIZES[x])`, or `n = int(SIZES[x] * LOOPS_PER_S)`.
    pub size: SourceLine,
    /// `while n > 0:` and `n -= 1`, for CPU-bound work.
    pub countdown: Option<(SourceLine, SourceLine)>,
    /// `if x == 3:` and `raise ValueError(...)`.
    pub fail: Option<(SourceLine, SourceLine)>,
    pub ret: SourceLine,
}

/// A list of operations being written at `base` of an actor's list, with its jumps by
/// absolute index.
struct Code {
    base: usize,
    ops: Vec<Op>,
}

impl Code {
    fn at(base: usize) -> Code {
        Code { base, ops: Vec::new() }
    }

    fn here(&self) -> usize {
        self.base + self.ops.len()
    }

    /// Adds an operation; its absolute index.
    fn push(&mut self, op: Op) -> usize {
        self.ops.push(op);
        self.here() - 1
    }

    /// Points the jump at absolute index `at` to `to`.
    fn patch(&mut self, at: usize, to: usize) {
        match &mut self.ops[at - self.base].kind {
            OpKind::Jump { to: target } | OpKind::JumpIf { to: target, .. } => *target = to,
            other => panic!("not a jump: {other:?}"),
        }
    }

    /// `reg = from`, then `reg = reg op value`.
    fn derive(&mut self, line: SourceLine, reg: Reg, from: Reg, op: Arith, value: i64) {
        self.push(line.op(OpKind::Set { reg, value: 0 }));
        self.push(line.op(OpKind::Arith { reg, op: Arith::Add, value: Operand::Reg(from) }));
        self.push(line.op(OpKind::Arith { reg, op, value: Operand::Const(value) }));
    }

    /// Goes to one of `targets` by the value of `reg` (`0..targets.len()`): a table of
    /// branches, each filled in by `fill` (which is given the case) and then joining the rest.
    fn table(&mut self, line: SourceLine, reg: Reg, cases: usize, mut fill: impl FnMut(&mut Code, usize)) {
        let branches: Vec<usize> =
            (0..cases).map(|i| self.push(line.op(OpKind::JumpIf { cond: Cond::Eq(reg, i as i64), to: 0 }))).collect();
        let mut ends = vec![self.push(line.op(OpKind::Jump { to: 0 }))];
        for (i, branch) in branches.into_iter().enumerate() {
            let here = self.here();
            self.patch(branch, here);
            fill(self, i);
            ends.push(self.push(line.op(OpKind::Jump { to: 0 })));
        }
        let end = self.here();
        for at in ends {
            self.patch(at, end);
        }
    }
}

/// The task's operations, `task(x)` with `x` in [`X`], leaving its return value in
/// [`RESULT`] (`-1` when it raised), its jumps as from an actor's start.
pub fn task_ops(plan: &Plan, lines: &TaskLines) -> Vec<Op> {
    let mut c = Code::at(0);
    c.push(lines.def.op(OpKind::Call));
    // `SIZES[x]`: its class, `(tasks - 1 - x) % 3`.
    let size = lines.size;
    c.push(size.op(OpKind::Set { reg: CLASS, value: i64::from(plan.tasks) - 1 }));
    c.push(size.op(OpKind::Arith { reg: CLASS, op: Arith::Sub, value: Operand::Reg(X) }));
    c.push(size.op(OpKind::Arith { reg: CLASS, op: Arith::Mod, value: Operand::Const(3) }));
    c.table(size, CLASS, 3, |c, class| {
        let micros = plan.size_us * (class as u64 + 1);
        match lines.countdown {
            None => {
                c.push(size.op(OpKind::Sleep { micros }));
            }
            Some((while_line, body)) => {
                // `n = int(SIZES[x] * LOOPS_PER_S)` as Python computes it, then the countdown.
                let passes = ((micros as f64 / 1e6) * LOOPS_PER_S as f64) as u64;
                let test = OpKind::Compute { units: crate::engine::costs::WHILE_TEST_UNITS };
                c.push(size.op(OpKind::Set { reg: N, value: passes as i64 }));
                let top = c.push(while_line.op(test.clone()));
                c.push(body.op(OpKind::Add { reg: N, value: -1 }));
                c.push(while_line.op(OpKind::Loop { to: top, times: passes.max(1) }));
                c.push(while_line.op(test));
            }
        }
    });
    let mut raised = None;
    if let (Some(fail), Some((check, raise))) = (plan.fail, lines.fail) {
        let ok = c.push(check.op(OpKind::JumpIf { cond: Cond::Ne(X, i64::from(fail)), to: 0 }));
        c.push(raise.op(OpKind::Set { reg: RESULT, value: -1 }));
        raised = Some(c.push(raise.op(OpKind::Jump { to: 0 })));
        let here = c.here();
        c.patch(ok, here);
    }
    // `return x * x`
    c.push(lines.ret.op(OpKind::Set { reg: RESULT, value: 0 }));
    c.push(lines.ret.op(OpKind::Arith { reg: RESULT, op: Arith::Add, value: Operand::Reg(X) }));
    c.push(lines.ret.op(OpKind::Arith { reg: RESULT, op: Arith::Mul, value: Operand::Reg(X) }));
    if let Some(at) = raised {
        let end = c.here();
        c.patch(at, end);
    }
    c.ops
}

/// Where the executor's operations point in the lesson's Python.
#[derive(Clone, Copy, Debug)]
pub struct ExecutorLines {
    /// `with ThreadPoolExecutor(...) as executor:`: shutdown and the executor's own work.
    pub with: SourceLine,
    /// The line that submits (`executor.submit` or `executor.map`).
    pub submit: SourceLine,
    /// `def task(x):`, where a worker takes its next work item.
    pub function: SourceLine,
}

/// An executor added to a Program: its objects and actors, and the main thread's part.
pub struct Executor {
    plan: Plan,
    lines: ExecutorLines,
    /// The work queue (threads) or the call queue (processes).
    work: ObjectId,
    /// The management thread's inbox: the workers' results and the executor's wakeups.
    results: Option<ObjectId>,
    idle: ObjectId,
    /// For a thread executor's `map` that may raise: a permit once the futures not yet
    /// running are cancelled.
    cancelled: Option<ObjectId>,
    /// Where each work item's outcome is put: its own future, or all on `as_completed`'s.
    pub futures: Vec<ObjectId>,
    pub done: Option<ObjectId>,
    pub workers: Vec<ActorId>,
    manager: Option<ActorId>,
}

fn object(program: &mut Program, name: String, kind: ObjectKind) -> ObjectId {
    program.objects.push(ObjectDef { name, kind });
    ObjectId(program.objects.len() as u16 - 1)
}

impl Executor {
    /// Adds the executor for `plan` to `program`, its workers running `task` (from
    /// [`task_ops`]).
    pub fn add(program: &mut Program, plan: &Plan, task: &[Op], lines: ExecutorLines) -> Executor {
        let process = plan.kind == Kind::Process;
        let work = if process {
            object(program, "executor._call_queue".into(), ObjectKind::Queue { maxsize: plan.workers + 1 })
        } else {
            object(program, "executor._work_queue".into(), ObjectKind::Queue { maxsize: 0 })
        };
        let results =
            process.then(|| object(program, "executor._result_queue".into(), ObjectKind::Queue { maxsize: 0 }));
        let idle =
            object(program, "executor._idle_semaphore".into(), ObjectKind::Semaphore { permits: 0, bounded: false });
        let items = plan.items().len();
        let (futures, done) = if plan.method == Method::AsCompleted {
            (Vec::new(), Some(object(program, "as_completed".into(), ObjectKind::Queue { maxsize: 0 })))
        } else {
            let futures = (0..items)
                .map(|i| object(program, format!("futures[{i}]"), ObjectKind::Queue { maxsize: 0 }))
                .collect();
            (futures, None)
        };
        let cancelled = (!process && plan.method == Method::Map && plan.raises())
            .then(|| object(program, "executor.map.cancelled".into(), ObjectKind::Event));
        let mut executor = Executor {
            plan: *plan,
            lines,
            work,
            results,
            idle,
            cancelled,
            futures,
            done,
            workers: Vec::new(),
            manager: None,
        };
        let count = plan.worker_actors();
        if process {
            let ops = executor.process_worker(task);
            let prefix = plan.start_method.pool_worker_prefix();
            for k in 0..count {
                let name = format!("{prefix}Process-{}", k + 1);
                let id =
                    add_child(&mut program.processes, &mut program.actors, name, plan.start_method, false, ops.clone());
                executor.workers.push(id);
            }
            program.actors.push(thread("Thread-1".into(), executor.manager_ops()));
            executor.manager = Some(ActorId(program.actors.len() as u16 - 1));
        } else {
            let ops = executor.thread_worker(task);
            for k in 0..count {
                program.actors.push(thread(format!("ThreadPoolExecutor-0_{k}"), ops.clone()));
                executor.workers.push(ActorId(program.actors.len() as u16 - 1));
            }
        }
        executor
    }

    /// `outcome = id * OUTCOME_BASE + result`, or `-1 - id` when the result is negative.
    fn outcome(c: &mut Code, line: SourceLine, id: Reg) {
        let raised = c.push(line.op(OpKind::JumpIf { cond: Cond::Lt(RESULT, 0), to: 0 }));
        c.derive(line, OUTCOME, id, Arith::Mul, OUTCOME_BASE);
        c.push(line.op(OpKind::Arith { reg: OUTCOME, op: Arith::Add, value: Operand::Reg(RESULT) }));
        let done = c.push(line.op(OpKind::Jump { to: 0 }));
        let here = c.here();
        c.patch(raised, here);
        c.push(line.op(OpKind::Set { reg: OUTCOME, value: -1 }));
        c.push(line.op(OpKind::Arith { reg: OUTCOME, op: Arith::Sub, value: Operand::Reg(id) }));
        let here = c.here();
        c.patch(done, here);
    }

    /// `future.set_result(...)` or `set_exception(...)`: the outcome in `outcome` put on work
    /// item `id`'s future, or on `as_completed`'s queue.
    fn set_future(&self, c: &mut Code, line: SourceLine, id: Reg, outcome: Reg) {
        match self.done {
            Some(done) => {
                c.push(line.op(OpKind::Put { object: done, value: Operand::Reg(outcome), wait: Wait::Forever }));
            }
            None => {
                let futures = self.futures.clone();
                c.table(line, id, futures.len(), |c, i| {
                    c.push(line.op(OpKind::Put {
                        object: futures[i],
                        value: Operand::Reg(outcome),
                        wait: Wait::Forever,
                    }));
                });
            }
        }
    }

    /// A worker thread: take a work item, run it, set its future, mark itself idle; on the
    /// shutdown's `None`, put it back for the next worker and end.
    fn thread_worker(&self, task: &[Op]) -> Vec<Op> {
        let f = self.lines.function;
        let mut c = Code::at(0);
        let top = c.push(f.op(OpKind::Get { object: self.work, reg: X, wait: Wait::Forever }));
        let stop = c.push(f.op(OpKind::JumpIf { cond: Cond::Lt(X, 0), to: 0 }));
        // `set_running_or_notify_cancel()`: a cancelled work item does not run.
        let skip = self.cancelled.map(|cancelled| {
            let w = self.lines.with;
            // An event, set once and only looked at: every worker sees it, none takes it.
            c.push(w.op(OpKind::EventWait { object: cancelled, wait: Wait::NoWait, result: Some(ID) }));
            let run = c.push(w.op(OpKind::JumpIf { cond: Cond::Eq(ID, 0), to: 0 }));
            let skip = c.push(w.op(OpKind::Jump { to: 0 }));
            let here = c.here();
            c.patch(run, here);
            skip
        });
        let here = c.here();
        c.ops.extend(offset_jumps(task, here));
        Executor::outcome(&mut c, f, X);
        self.set_future(&mut c, f, X, OUTCOME);
        if let Some(skip) = skip {
            let here = c.here();
            c.patch(skip, here);
        }
        c.push(self.lines.with.op(OpKind::Release { object: self.idle }));
        c.push(f.op(OpKind::Jump { to: top }));
        let here = c.here();
        c.patch(stop, here);
        c.push(f.op(OpKind::Put { object: self.work, value: Operand::Const(-1), wait: Wait::Forever }));
        c.ops
    }

    /// A worker process: take a work item (a chunk of inputs), run the task on each input
    /// until one raises, send the outcome to the management thread; end on `None`.
    fn process_worker(&self, task: &[Op]) -> Vec<Op> {
        let f = self.lines.function;
        let results = self.results.expect("a process executor has a result queue");
        let size = i64::from(self.plan.chunksize.max(1));
        let mut c = Code::at(0);
        let top = c.push(f.op(OpKind::Get { object: self.work, reg: ID, wait: Wait::Forever }));
        let stop = c.push(f.op(OpKind::JumpIf { cond: Cond::Lt(ID, 0), to: 0 }));
        // The chunk: inputs from `id * chunksize`, as many as are left up to the chunksize.
        c.derive(f, X, ID, Arith::Mul, size);
        c.push(f.op(OpKind::Set { reg: LEFT, value: i64::from(self.plan.tasks) }));
        c.push(f.op(OpKind::Arith { reg: LEFT, op: Arith::Sub, value: Operand::Reg(X) }));
        let short = c.push(f.op(OpKind::JumpIf { cond: Cond::Lt(LEFT, size + 1), to: 0 }));
        c.push(f.op(OpKind::Set { reg: LEFT, value: size }));
        let item = c.here();
        c.patch(short, item);
        c.ops.extend(offset_jumps(task, item));
        let raised = c.push(f.op(OpKind::JumpIf { cond: Cond::Lt(RESULT, 0), to: 0 }));
        c.push(f.op(OpKind::Add { reg: X, value: 1 }));
        c.push(f.op(OpKind::Add { reg: LEFT, value: -1 }));
        c.push(f.op(OpKind::JumpIf { cond: Cond::Ne(LEFT, 0), to: item }));
        let send = c.push(f.op(OpKind::Jump { to: 0 }));
        let here = c.here();
        c.patch(raised, here);
        c.patch(send, here);
        Executor::outcome(&mut c, f, ID);
        c.push(f.op(OpKind::Put { object: results, value: Operand::Reg(OUTCOME), wait: Wait::Forever }));
        c.push(f.op(OpKind::Jump { to: top }));
        let here = c.here();
        c.patch(stop, here);
        c.ops
    }

    /// The management thread: keep the call queue filled from the submitted work items,
    /// set each future as its result comes, and once shut down with nothing pending, send
    /// each worker a `None` and join them.
    fn manager_ops(&self) -> Vec<Op> {
        let w = self.lines.with;
        let results = self.results.expect("a process executor has a result queue");
        let mut c = Code::at(0);
        // Fill the call queue while work waits and the queue has room.
        let fill = c.push(w.op(OpKind::JumpIf { cond: Cond::Eq(BACKLOG, 0), to: 0 }));
        c.push(w.op(OpKind::QueueFull { object: self.work, reg: SCRATCH }));
        let full = c.push(w.op(OpKind::JumpIf { cond: Cond::Ne(SCRATCH, 0), to: 0 }));
        c.push(w.op(OpKind::Put { object: self.work, value: Operand::Reg(NEXT), wait: Wait::Forever }));
        c.push(w.op(OpKind::Add { reg: NEXT, value: 1 }));
        c.push(w.op(OpKind::Add { reg: BACKLOG, value: -1 }));
        c.push(w.op(OpKind::Add { reg: PENDING, value: 1 }));
        c.push(w.op(OpKind::Jump { to: fill }));
        // Shut down with nothing pending: stop; else wait for a result or a wakeup.
        let wait = c.here();
        c.patch(fill, wait);
        c.patch(full, wait);
        let running = c.push(w.op(OpKind::JumpIf { cond: Cond::Eq(SHUTTING, 0), to: 0 }));
        let pending = c.push(w.op(OpKind::JumpIf { cond: Cond::Ne(PENDING, 0), to: 0 }));
        let backlog = c.push(w.op(OpKind::JumpIf { cond: Cond::Ne(BACKLOG, 0), to: 0 }));
        let stop = c.push(w.op(OpKind::Jump { to: 0 }));
        let get = c.push(w.op(OpKind::Get { object: results, reg: MESSAGE, wait: Wait::Forever }));
        for at in [running, pending, backlog] {
            c.patch(at, get);
        }
        let submitted = c.push(w.op(OpKind::JumpIf { cond: Cond::Eq(MESSAGE, SUBMITTED), to: 0 }));
        let cancelled = c.push(w.op(OpKind::JumpIf { cond: Cond::Eq(MESSAGE, CANCELLED), to: 0 }));
        let shutdown = c.push(w.op(OpKind::JumpIf { cond: Cond::Lt(MESSAGE, SHUTDOWN / 2), to: 0 }));
        // A result: its work item, then its future.
        c.push(w.op(OpKind::Add { reg: PENDING, value: -1 }));
        let raised = c.push(w.op(OpKind::JumpIf { cond: Cond::Lt(MESSAGE, 0), to: 0 }));
        c.derive(w, WORK, MESSAGE, Arith::FloorDiv, OUTCOME_BASE);
        let decoded = c.push(w.op(OpKind::Jump { to: 0 }));
        let here = c.here();
        c.patch(raised, here);
        c.push(w.op(OpKind::Set { reg: WORK, value: -1 }));
        c.push(w.op(OpKind::Arith { reg: WORK, op: Arith::Sub, value: Operand::Reg(MESSAGE) }));
        let here = c.here();
        c.patch(decoded, here);
        self.set_future(&mut c, w, WORK, MESSAGE);
        c.push(w.op(OpKind::Release { object: self.idle }));
        c.push(w.op(OpKind::Jump { to: fill }));
        let here = c.here();
        c.patch(submitted, here);
        c.push(w.op(OpKind::Add { reg: BACKLOG, value: 1 }));
        c.push(w.op(OpKind::Jump { to: fill }));
        // Cancelled: the work items not yet moved to the call queue never run.
        let here = c.here();
        c.patch(cancelled, here);
        c.push(w.op(OpKind::Set { reg: BACKLOG, value: 0 }));
        c.push(w.op(OpKind::Jump { to: fill }));
        // Shutdown: the message says how many processes were started.
        let here = c.here();
        c.patch(shutdown, here);
        c.push(w.op(OpKind::Set { reg: PROCESSES, value: SHUTDOWN }));
        c.push(w.op(OpKind::Arith { reg: PROCESSES, op: Arith::Sub, value: Operand::Reg(MESSAGE) }));
        c.push(w.op(OpKind::Set { reg: SHUTTING, value: 1 }));
        c.push(w.op(OpKind::Jump { to: fill }));
        let here = c.here();
        c.patch(stop, here);
        // `shutdown_workers()`: a `None` for each process started, then join them.
        let mut skips = Vec::new();
        for k in 0..self.workers.len() {
            skips.push(c.push(w.op(OpKind::JumpIf { cond: Cond::Lt(PROCESSES, k as i64 + 1), to: 0 })));
            c.push(w.op(OpKind::Put { object: self.work, value: Operand::Const(-1), wait: Wait::Forever }));
        }
        let joins = c.here();
        for at in skips.drain(..) {
            c.patch(at, joins);
        }
        for (k, &actor) in self.workers.iter().enumerate() {
            skips.push(c.push(w.op(OpKind::JumpIf { cond: Cond::Lt(PROCESSES, k as i64 + 1), to: 0 })));
            c.push(w.op(OpKind::Join { actor, wait: Wait::Forever }));
        }
        let end = c.here();
        for at in skips {
            c.patch(at, end);
        }
        c.ops
    }

    /// The main thread's `submit` of every work item, at `base` of its list: the work
    /// handed over, then a worker started if none is idle and fewer than `max_workers` run.
    pub fn submit_ops(&self, base: usize) -> Vec<Op> {
        let s = self.lines.submit;
        let mut c = Code::at(base);
        let process = self.plan.kind == Kind::Process;
        let fork = self.plan.start_method == StartMethod::Fork;
        let count = self.workers.len();
        for (w, &(first, _)) in self.plan.items().iter().enumerate() {
            if process {
                // `_work_ids.put(...)` and the management thread's wakeup.
                c.push(s.op(OpKind::Put {
                    object: self.results.expect("a result queue"),
                    value: Operand::Const(SUBMITTED),
                    wait: Wait::Forever,
                }));
            } else {
                c.push(s.op(OpKind::Put {
                    object: self.work,
                    value: Operand::Const(i64::from(first)),
                    wait: Wait::Forever,
                }));
            }
            if !process || !fork {
                // `_adjust_thread_count()` / `_adjust_process_count()`.
                c.push(s.op(OpKind::Acquire { object: self.idle, wait: Wait::NoWait, result: Some(MAIN_SCRATCH) }));
                let idle = c.push(s.op(OpKind::JumpIf { cond: Cond::Ne(MAIN_SCRATCH, 0), to: 0 }));
                let workers = self.workers.clone();
                c.table(s, MAIN_STARTED, count.min(w + 1), |c, k| {
                    c.push(s.op(OpKind::Start { actor: workers[k] }));
                    c.push(s.op(OpKind::Add { reg: MAIN_STARTED, value: 1 }));
                });
                let here = c.here();
                c.patch(idle, here);
            }
            if process && w == 0 {
                if fork {
                    for &actor in &self.workers {
                        c.push(s.op(OpKind::Start { actor }));
                    }
                    c.push(s.op(OpKind::Set { reg: MAIN_STARTED, value: count as i64 }));
                }
                c.push(s.op(OpKind::Start { actor: self.manager.expect("a management thread") }));
            }
        }
        c.ops
    }

    /// What `map`'s result iterator does when a result raises: it cancels every future not
    /// yet running (those running go on).
    pub fn cancel_ops(&self) -> Vec<Op> {
        let s = self.lines.submit;
        match (self.cancelled, self.results) {
            (Some(cancelled), _) => vec![s.op(OpKind::EventSet { object: cancelled })],
            (None, Some(results)) if self.plan.method == Method::Map => {
                vec![s.op(OpKind::Put { object: results, value: Operand::Const(CANCELLED), wait: Wait::Forever })]
            }
            _ => Vec::new(),
        }
    }

    /// `executor.shutdown(wait=True)`, as leaving the `with` block calls it, at `base` of
    /// the main thread's list.
    pub fn shutdown_ops(&self, base: usize) -> Vec<Op> {
        let w = self.lines.with;
        let mut c = Code::at(base);
        match (self.manager, self.results) {
            (Some(manager), Some(results)) => {
                c.push(w.op(OpKind::Set { reg: MAIN_SCRATCH, value: SHUTDOWN }));
                c.push(w.op(OpKind::Arith { reg: MAIN_SCRATCH, op: Arith::Sub, value: Operand::Reg(MAIN_STARTED) }));
                c.push(w.op(OpKind::Put { object: results, value: Operand::Reg(MAIN_SCRATCH), wait: Wait::Forever }));
                c.push(w.op(OpKind::Join { actor: manager, wait: Wait::Forever }));
            }
            _ => {
                c.push(w.op(OpKind::Put { object: self.work, value: Operand::Const(-1), wait: Wait::Forever }));
                let mut skips = Vec::new();
                for (k, &actor) in self.workers.iter().enumerate() {
                    skips.push(c.push(w.op(OpKind::JumpIf { cond: Cond::Lt(MAIN_STARTED, k as i64 + 1), to: 0 })));
                    c.push(w.op(OpKind::Join { actor, wait: Wait::Forever }));
                }
                let end = c.here();
                for at in skips {
                    c.patch(at, end);
                }
            }
        }
        c.ops
    }
}
