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
                    unpicklable: None,
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
                switch_interval: None,
            },
        }
    }

    pub fn object(&mut self, name: &str, kind: ObjectKind) -> ObjectId {
        self.program.objects.push(ObjectDef { name: name.into(), kind });
        ObjectId(self.program.objects.len() as u16 - 1)
    }

    pub fn process(&mut self, name: &str, start_method: StartMethod, daemon: bool) -> ProcessId {
        self.program.processes.push(ProcessDef {
            name: name.into(),
            parent: Some(ProcessId(0)),
            start_method,
            daemon,
            unpicklable: None,
        });
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
