//! What a `futures` run is, its knobs resolved: the executor, `max_workers` (given or
//! CPython's default), the tasks' sizes and the work items they are handed out in, and the
//! time they should take.

use crate::engine::program::StartMethod;

/// `while n > 0: n -= 1` passes a second in CPython 3.11 here (35 ns each, as `gil` has it).
pub const LOOPS_PER_S: u64 = 28_571_428;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Thread,
    Process,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `for fut in as_completed(futures)`: each result as its task completes.
    AsCompleted,
    /// `executor.map(task, range(n))`: results in submission order.
    Map,
    /// Every task submitted, then `fut.result()` on each in submission order.
    Result,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Work {
    Io,
    Cpu,
}

/// What the executor runs, its knobs resolved.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Plan {
    pub kind: Kind,
    /// `max_workers`, given or CPython's default.
    pub workers: u32,
    pub tasks: u32,
    pub method: Method,
    /// Inputs per work item: 1 but for a process executor's `map`.
    pub chunksize: u32,
    pub work: Work,
    /// The size unit, in µs: task `x` takes `1 + (tasks - 1 - x) % 3` of them.
    pub size_us: u64,
    /// The task that raises, if any.
    pub fail: Option<u32>,
    pub start_method: StartMethod,
}

/// CPython 3.11's `max_workers` when none is given, on a machine with `cores` cores:
/// `min(32, os.cpu_count() + 4)` threads, `os.cpu_count()` processes.
pub fn default_workers(kind: Kind, cores: u32) -> u32 {
    match kind {
        Kind::Thread => (cores.max(1) + 4).min(32),
        Kind::Process => cores.max(1),
    }
}

impl Plan {
    /// How many size units task `x` takes.
    pub fn units(&self, x: u32) -> u64 {
        1 + u64::from((self.tasks - 1 - x) % 3)
    }

    /// Task `x`'s time, in µs.
    pub fn task_us(&self, x: u32) -> u64 {
        self.size_us * self.units(x)
    }

    /// The work items as `(first input, count)`, in the order they are submitted.
    pub fn items(&self) -> Vec<(u32, u32)> {
        let size = self.chunksize.max(1);
        (0..self.tasks).step_by(size as usize).map(|first| (first, size.min(self.tasks - first))).collect()
    }

    /// Whether a task raises.
    pub fn raises(&self) -> bool {
        self.fail.is_some_and(|f| f < self.tasks)
    }

    /// Whether the work items are chunks of more than one input.
    pub fn chunked(&self) -> bool {
        self.chunksize > 1
    }

    /// The worker threads or processes the Program has: all of `max_workers` for processes
    /// under `fork` (started at the first `submit`), else at most one per work item.
    pub fn worker_actors(&self) -> u32 {
        let items = self.items().len() as u32;
        match (self.kind, self.start_method) {
            (Kind::Process, StartMethod::Fork) => self.workers,
            _ => self.workers.min(items),
        }
    }

    /// The time the tasks take, in µs, without the executor's own costs: work items handed
    /// out in order, each to the worker free first. CPU-bound threads under the GIL run one
    /// at a time, and no more workers compute at once than there are cores.
    pub fn predicted_us(&self, gil: bool, cores: u32) -> u64 {
        let items: Vec<u64> =
            self.items().iter().map(|&(first, count)| (first..first + count).map(|x| self.task_us(x)).sum()).collect();
        let total: u64 = items.iter().sum();
        if self.work == Work::Cpu && self.kind == Kind::Thread && gil {
            return total;
        }
        let mut busy = vec![0u64; self.workers.max(1) as usize];
        for item in items {
            let free = busy.iter_mut().min().expect("at least one worker");
            *free += item;
        }
        let makespan = busy.into_iter().max().unwrap_or(0);
        match self.work {
            Work::Io => makespan,
            Work::Cpu => makespan.max(total.div_ceil(u64::from(cores.max(1)))),
        }
    }
}
