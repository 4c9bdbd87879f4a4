//! A compact way to write Programs in tests: every operation on line 1 of a one-line source.

use interleave::engine::program::*;

pub struct Build {
    pub program: Program,
}

impl Build {
    pub fn new() -> Build {
        Build {
            program: Program {
                source: "pass\n".into(),
                processes: vec![ProcessDef {
                    name: "MainProcess".into(),
                    parent: None,
                    start_method: StartMethod::Main,
                    daemon: false,
                }],
                // Actor 0 is the main thread; its operations come with `main` or `main_starting`.
                actors: vec![ActorDef {
                    name: "MainThread".into(),
                    process: ProcessId(0),
                    role: ActorRole::ProcessMain,
                    daemon: false,
                    ops: Vec::new(),
                }],
                objects: Vec::new(),
            },
        }
    }

    pub fn object(&mut self, name: &str, kind: ObjectKind) -> ObjectId {
        self.program.objects.push(ObjectDef { name: name.into(), kind });
        ObjectId(self.program.objects.len() as u16 - 1)
    }

    pub fn process(&mut self, name: &str, start_method: StartMethod, daemon: bool) -> ProcessId {
        self.program.processes.push(ProcessDef { name: name.into(), parent: Some(ProcessId(0)), start_method, daemon });
        ProcessId(self.program.processes.len() as u16 - 1)
    }

    pub fn actor(&mut self, name: &str, process: ProcessId, role: ActorRole, ops: Vec<OpKind>) -> ActorId {
        let ops = ops.into_iter().map(|kind| Op { kind, line: 1 }).collect();
        self.program.actors.push(ActorDef { name: name.into(), process, role, daemon: false, ops });
        ActorId(self.program.actors.len() as u16 - 1)
    }

    pub fn main(&mut self, ops: Vec<OpKind>) {
        self.program.actors[0].ops = ops.into_iter().map(|kind| Op { kind, line: 1 }).collect();
    }

    /// The main thread: starts `threads`, joins them, then runs `after`.
    pub fn main_starting(&mut self, threads: &[ActorId], after: Vec<OpKind>) {
        let mut ops: Vec<OpKind> = threads.iter().map(|&actor| OpKind::Start { actor }).collect();
        ops.extend(threads.iter().map(|&actor| OpKind::Join { actor, wait: Wait::Forever }));
        ops.extend(after);
        self.main(ops);
    }

    pub fn done(self) -> Program {
        self.program.validate().unwrap();
        self.program
    }
}

/// `for _ in range(n): <body>` as operations (the body runs n times; n >= 1).
pub fn repeat(n: u64, body: Vec<OpKind>, start: usize) -> Vec<OpKind> {
    let mut ops = body;
    ops.push(OpKind::Loop { to: start, times: n });
    ops
}

/// Philosophers who each take the left fork, pause, then take the right; ten meals each.
/// With a pause long enough for all to hold their left fork, they deadlock.
pub fn naive_philosophers(n: u16, pause_micros: u64) -> Program {
    let mut b = Build::new();
    let forks: Vec<ObjectId> = (0..n).map(|i| b.object(&format!("forks[{i}]"), ObjectKind::Lock)).collect();
    let philosophers: Vec<ActorId> = (0..n)
        .map(|i| {
            let (left, right) = (forks[i as usize], forks[((i + 1) % n) as usize]);
            let body = vec![
                OpKind::Acquire { object: left, wait: Wait::Forever, result: None },
                OpKind::Sleep { micros: pause_micros },
                OpKind::Acquire { object: right, wait: Wait::Forever, result: None },
                OpKind::Sleep { micros: 1_000 },
                OpKind::Release { object: right },
                OpKind::Release { object: left },
                OpKind::Loop { to: 0, times: 10 },
            ];
            b.actor(&format!("Philosopher-{i}"), ProcessId(0), ActorRole::Thread, body)
        })
        .collect();
    b.main_starting(&philosophers, vec![]);
    b.done()
}

/// Six threads each holding a `Semaphore(2)` (bounded) for 10 ms.
pub fn semaphore_of_two() -> Program {
    let mut b = Build::new();
    let sem = b.object("sem", ObjectKind::Semaphore { permits: 2, bounded: true });
    let workers: Vec<ActorId> = (0..6)
        .map(|t| {
            let body = vec![
                OpKind::Acquire { object: sem, wait: Wait::Forever, result: None },
                OpKind::Sleep { micros: 10_000 },
                OpKind::Release { object: sem },
            ];
            b.actor(&format!("t{t}"), ProcessId(0), ActorRole::Thread, body)
        })
        .collect();
    b.main_starting(&workers, vec![]);
    b.done()
}

/// Three threads arriving at a `Barrier(3)` after 10, 20 and 30 ms; the barrier is object 0.
pub fn barrier_of_three() -> Program {
    let mut b = Build::new();
    let barrier = b.object("barrier", ObjectKind::Barrier { parties: 3 });
    let workers: Vec<ActorId> = (0..3u64)
        .map(|t| {
            let body = vec![
                OpKind::Sleep { micros: 10_000 * (t + 1) },
                OpKind::BarrierWait { object: barrier, result: Some(Reg(0)) },
            ];
            b.actor(&format!("t{t}"), ProcessId(0), ActorRole::Thread, body)
        })
        .collect();
    b.main_starting(&workers, vec![]);
    b.done()
}

/// Lock and hold spans: the most that began while another was still going, plus one.
pub fn most_holders_at_once(holds: &[(u64, u64)]) -> usize {
    holds.iter().map(|&(start, _)| holds.iter().filter(|&&(s, e)| s <= start && start < e).count()).max().unwrap_or(0)
}

/// Programs that make a thread primitive raise, with the exception and message Python gives.
/// Each program's object 0 is the primitive.
pub fn thread_error_cases() -> Vec<(ObjectKind, Vec<OpKind>, &'static str, &'static str)> {
    vec![
        (ObjectKind::Lock, vec![OpKind::Release { object: ObjectId(0) }], "RuntimeError", "release unlocked lock"),
        (
            ObjectKind::RLock,
            vec![OpKind::Release { object: ObjectId(0) }],
            "RuntimeError",
            "cannot release un-acquired lock",
        ),
        (
            ObjectKind::Semaphore { permits: 1, bounded: true },
            vec![OpKind::Release { object: ObjectId(0) }],
            "ValueError",
            "Semaphore released too many times",
        ),
        (
            ObjectKind::Barrier { parties: 2 },
            vec![
                OpKind::BarrierAbort { object: ObjectId(0) },
                OpKind::BarrierWait { object: ObjectId(0), result: None },
            ],
            "threading.BrokenBarrierError",
            "",
        ),
    ]
}

/// The one-primitive program of an error case.
pub fn error_case_program(kind: ObjectKind, ops: Vec<OpKind>) -> Program {
    let mut b = Build::new();
    b.object("x", kind);
    b.main(ops);
    b.done()
}

/// Runs a Program on the live engine natively, on a fresh pool, to its end.
#[cfg(not(target_arch = "wasm32"))]
pub fn run_live(
    program: Program,
    settings: interleave::engine::settings::RunSettings,
) -> interleave::engine::trace::Trace {
    use std::sync::Arc;
    let pool: Arc<dyn interleave::engine::live::Spawner> =
        Arc::new(rayon::ThreadPoolBuilder::new().num_threads(interleave::engine::live::POOL_THREADS).build().unwrap());
    let clock = Arc::new(interleave::engine::clock::HostClock);
    let control = Arc::new(interleave::engine::control::Control::new());
    interleave::engine::live::run::start(program, settings, pool, clock, control).unwrap().wait()
}
