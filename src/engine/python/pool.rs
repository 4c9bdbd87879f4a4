//! `multiprocessing.Pool`, built from the Program's own parts, as CPython builds it: worker
//! processes that take chunks of tasks from a task queue and put results on a result queue,
//! and (for `apply_async`) a result-handler thread in the parent that runs the callbacks.
//! Both engines run it with no pool-specific code.
//!
//! A chunk travels as one number, `start * CHUNK_BASE + count`; a worker runs the task on
//! items `start..start + count`, one after another, and then reports the chunk done.

use crate::engine::program::{
    offset_jumps, ActorDef, ActorId, ActorRole, Arith, Cond, Line, ObjectDef, ObjectId, ObjectKind, Op, OpKind,
    Operand, ProcessDef, ProcessId, Program, Reg, StartMethod, Wait,
};

/// How a chunk's start and count share one number.
pub const CHUNK_BASE: i64 = 1 << 20;
/// The register holding the task's argument (the item) while the task runs.
pub const ITEM: Reg = Reg(2);
/// The register the task leaves its return value in (the item itself unless set).
pub const RESULT: Reg = Reg(3);
/// Registers a task may use freely.
pub const TASK_REGS: [Reg; 4] = [Reg(4), Reg(5), Reg(6), Reg(7)];

const DESCRIPTOR: Reg = Reg(0);
const LEFT: Reg = Reg(1);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PoolMethod {
    /// `pool.map(f, items)`: chunks, all results before it returns.
    Map,
    /// `pool.imap_unordered(f, items)`: results as they come (chunksize 1 by default).
    ImapUnordered,
    /// `pool.apply_async(f, (item,), callback=...)` per item: the callback runs in the
    /// parent's result-handler thread.
    ApplyAsync,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolPlan {
    pub processes: u16,
    pub tasks: u32,
    /// `None`: CPython's default for the method.
    pub chunksize: Option<u32>,
    pub method: PoolMethod,
    pub start_method: StartMethod,
}

/// `Pool.map`'s default chunksize: `ceil(len / (4 * processes))` (CPython's `_map_async`).
pub fn default_map_chunksize(tasks: u32, processes: u16) -> u32 {
    let per = 4 * processes.max(1) as u32;
    tasks.div_ceil(per)
}

impl PoolPlan {
    pub fn chunksize(&self) -> u32 {
        match (self.chunksize, self.method) {
            (Some(size), _) => size.max(1),
            (None, PoolMethod::Map) => default_map_chunksize(self.tasks, self.processes).max(1),
            (None, _) => 1,
        }
    }

    /// The chunks, as `(start, count)`, in the order they are handed out.
    pub fn chunks(&self) -> Vec<(u32, u32)> {
        let size = self.chunksize();
        (0..self.tasks).step_by(size as usize).map(|start| (start, size.min(self.tasks - start))).collect()
    }
}

/// Where the pool's operations point in the lesson's Python.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolLines {
    /// `with Pool(3) as pool:`
    pub pool: Line,
    /// `pool.map(f, range(10))` (or the `apply_async` loop)
    pub call: Line,
    /// `def f(x):`, where a worker picks up its next task
    pub function: Line,
}

/// What a lesson splices into its main thread, in this order: `start`, `submit`, then for
/// each of `results` a `Get` (with its own handling of the value after it, if any), then
/// `shutdown`.
#[derive(Clone, Debug, PartialEq)]
pub struct PoolParts {
    pub task_queue: ObjectId,
    pub result_queue: ObjectId,
    pub workers: Vec<ActorId>,
    pub handler: Option<ActorId>,
    pub start: Vec<Op>,
    pub submit: Vec<Op>,
    /// `Get`s of the results the main thread waits for (none for `apply_async`, whose
    /// results go to the handler).
    pub results: Vec<Op>,
    pub shutdown: Vec<Op>,
}

fn op(kind: OpKind, line: Line) -> Op {
    Op { kind, line }
}

/// Adds a pool to `program`: its queues, worker processes (children of process 0) and, for
/// `apply_async`, the result handler running `callback` with the result in register 0.
pub fn add_pool(program: &mut Program, plan: &PoolPlan, task: &[Op], callback: &[Op], lines: PoolLines) -> PoolParts {
    let mut object = |name: &str, kind| {
        program.objects.push(ObjectDef { name: name.into(), kind });
        ObjectId(program.objects.len() as u16 - 1)
    };
    let task_queue = object("pool._taskqueue", ObjectKind::Queue { maxsize: 0 });
    let result_queue = object("pool._outqueue", ObjectKind::Queue { maxsize: 0 });

    // A worker: take a chunk, run the task on each of its items, report, until the sentinel.
    let f = lines.function;
    let mut worker = vec![
        op(OpKind::Get { object: task_queue, reg: DESCRIPTOR, wait: Wait::Forever }, f),
        // Jump target filled in below, once the end is known.
        op(OpKind::JumpIf { cond: Cond::Lt(DESCRIPTOR, 0), to: 0 }, f),
        op(OpKind::Set { reg: ITEM, value: 0 }, f),
        op(OpKind::Arith { reg: ITEM, op: Arith::Add, value: Operand::Reg(DESCRIPTOR) }, f),
        op(OpKind::Arith { reg: ITEM, op: Arith::FloorDiv, value: Operand::Const(CHUNK_BASE) }, f),
        op(OpKind::Set { reg: LEFT, value: 0 }, f),
        op(OpKind::Arith { reg: LEFT, op: Arith::Add, value: Operand::Reg(DESCRIPTOR) }, f),
        op(OpKind::Arith { reg: LEFT, op: Arith::Mod, value: Operand::Const(CHUNK_BASE) }, f),
    ];
    let item_start = worker.len();
    worker.push(op(OpKind::Set { reg: RESULT, value: 0 }, f));
    worker.push(op(OpKind::Arith { reg: RESULT, op: Arith::Add, value: Operand::Reg(ITEM) }, f));
    let base = worker.len();
    worker.extend(offset_jumps(task, base));
    let result = if plan.method == PoolMethod::Map { Operand::Reg(DESCRIPTOR) } else { Operand::Reg(RESULT) };
    worker.extend([
        op(OpKind::Add { reg: ITEM, value: 1 }, f),
        op(OpKind::Add { reg: LEFT, value: -1 }, f),
        op(OpKind::JumpIf { cond: Cond::Ne(LEFT, 0), to: item_start }, f),
        op(OpKind::Put { object: result_queue, value: result, wait: Wait::Forever }, f),
        op(OpKind::Jump { to: 0 }, f),
    ]);
    // The sentinel leads to a last step (the worker function's return), then the end.
    let end = worker.len();
    worker.push(op(OpKind::Call, f));
    worker[1].kind = OpKind::JumpIf { cond: Cond::Lt(DESCRIPTOR, 0), to: end };

    let mut workers = Vec::new();
    for i in 0..plan.processes {
        program.processes.push(ProcessDef {
            name: format!("{}PoolWorker-{}", plan.start_method.pool_worker_prefix(), i + 1),
            parent: Some(ProcessId(0)),
            start_method: plan.start_method,
            daemon: true,
            unpicklable: None,
        });
        let process = ProcessId(program.processes.len() as u16 - 1);
        program.actors.push(ActorDef {
            name: format!("{}PoolWorker-{}", plan.start_method.pool_worker_prefix(), i + 1),
            process,
            role: ActorRole::ProcessMain,
            daemon: false,
            ops: worker.clone(),
        });
        workers.push(ActorId(program.actors.len() as u16 - 1));
    }

    let chunks = plan.chunks();
    let handler = (plan.method == PoolMethod::ApplyAsync).then(|| {
        // The result handler: one result per task, each through the callback.
        let mut ops = vec![op(OpKind::Get { object: result_queue, reg: Reg(0), wait: Wait::Forever }, lines.call)];
        ops.extend(offset_jumps(callback, 1));
        ops.push(op(OpKind::Loop { to: 0, times: chunks.len().max(1) as u64 }, lines.call));
        program.actors.push(ActorDef {
            name: "Thread-3 (_handle_results)".into(),
            process: ProcessId(0),
            role: ActorRole::Thread,
            daemon: true,
            ops,
        });
        ActorId(program.actors.len() as u16 - 1)
    });

    let mut start: Vec<Op> = workers.iter().map(|&actor| op(OpKind::Start { actor }, lines.pool)).collect();
    if let Some(handler) = handler {
        start.push(op(OpKind::Start { actor: handler }, lines.pool));
    }
    let submit = chunks
        .iter()
        .map(|&(first, count)| {
            let descriptor = first as i64 * CHUNK_BASE + count as i64;
            op(OpKind::Put { object: task_queue, value: Operand::Const(descriptor), wait: Wait::Forever }, lines.call)
        })
        .collect();
    let results = match plan.method {
        PoolMethod::ApplyAsync => Vec::new(),
        _ => chunks
            .iter()
            .map(|_| op(OpKind::Get { object: result_queue, reg: Reg(0), wait: Wait::Forever }, lines.call))
            .collect(),
    };
    let mut shutdown: Vec<Op> = workers
        .iter()
        .map(|_| op(OpKind::Put { object: task_queue, value: Operand::Const(-1), wait: Wait::Forever }, lines.pool))
        .collect();
    shutdown.extend(workers.iter().map(|&actor| op(OpKind::Join { actor, wait: Wait::Forever }, lines.pool)));
    // `pool.join()` also joins the result handler: every callback has run when it returns.
    if let Some(actor) = handler {
        shutdown.push(op(OpKind::Join { actor, wait: Wait::Forever }, lines.pool));
    }
    PoolParts { task_queue, result_queue, workers, handler, start, submit, results, shutdown }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_chunksize_is_cpythons() {
        // CPython: chunksize, extra = divmod(len, 4 * processes); chunksize += bool(extra).
        assert_eq!(default_map_chunksize(10, 3), 1);
        assert_eq!(default_map_chunksize(100, 4), 7);
        assert_eq!(default_map_chunksize(96, 4), 6);
        assert_eq!(default_map_chunksize(0, 4), 0);
    }

    #[test]
    fn chunks_cover_every_task_once_in_order() {
        let plan = PoolPlan {
            processes: 3,
            tasks: 10,
            chunksize: Some(4),
            method: PoolMethod::Map,
            start_method: StartMethod::Fork,
        };
        assert_eq!(plan.chunks(), vec![(0, 4), (4, 4), (8, 2)]);
        let plan = PoolPlan { chunksize: None, method: PoolMethod::ImapUnordered, ..plan };
        assert_eq!(plan.chunks().len(), 10);
    }
}
