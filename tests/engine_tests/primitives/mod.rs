//! Python's objects on both engines, one file per object. Each claim is written once and
//! runs as two tests, `<claim>::sim` and `<claim>::live`; it fails if the semantics are
//! broken. The live engine runs on real threads of a shared 2-core machine, so what a
//! claim asserts of a live run is what happened and in what order, or a bound with room
//! for a busy machine (each says why), never a tight timing; the simulator's runs are
//! exact, and some claims say more of them. Programs the browser tests run too are in
//! `programs`.
//!
//! - `lock`: `threading.Lock`, deadlocks and contention
//! - `rlock`: `threading.RLock`
//! - `semaphore`: `Semaphore` and `BoundedSemaphore`
//! - `condition`: `threading.Condition`
//! - `event`: `threading.Event`, and a run stuck waiting for one
//! - `barrier`: `threading.Barrier`
//! - `queue`: `queue.Queue` / `multiprocessing.Queue`
//! - `pipe`: `multiprocessing.Pipe`
//! - `value`: `multiprocessing.Value` and its lock
//! - `pool`: `multiprocessing.Pool`
//! - `lifecycle`: starting and joining threads and processes, and when a process ends

use interleave::engine::program::{ObjectKind, OpKind, Program};
use interleave::engine::settings::RunSettings;
use interleave::engine::sim::{self, SimSettings};
use interleave::engine::trace::Trace;

use super::build::{error_case_program, run_live};

mod barrier;
mod condition;
mod event;
mod lifecycle;
mod list;
mod lock;
mod pipe;
mod pool;
mod queue;
mod rlock;
mod semaphore;
mod value;

/// The engine a claim runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// The simulator, on `cores` virtual cores, with `seed`.
    Sim { cores: u32, seed: u64 },
    /// Real threads of a fresh pool.
    Live,
}

impl Engine {
    pub fn is_live(self) -> bool {
        self == Engine::Live
    }

    /// The simulator on other cores or with another seed; the live engine as it is.
    pub fn on(self, cores: u32, seed: u64) -> Engine {
        match self {
            Engine::Sim { .. } => Engine::Sim { cores, seed },
            Engine::Live => Engine::Live,
        }
    }

    pub fn run(self, program: Program) -> Trace {
        self.run_with(program, RunSettings::default())
    }

    pub fn run_with(self, program: Program, settings: RunSettings) -> Trace {
        match self {
            Engine::Sim { cores, seed } => {
                sim::run(program, SimSettings { run: settings, cores, seed, ..SimSettings::default() }).unwrap()
            }
            Engine::Live => run_live(program, settings),
        }
    }

    /// The one error a program of one object raises (`ops` on object 0, of `kind`), as
    /// (exception, message).
    pub fn the_error(self, kind: ObjectKind, ops: Vec<OpKind>) -> (String, String) {
        let trace = self.on(1, 1).run(error_case_program(kind, ops));
        assert_eq!(trace.errors.len(), 1, "{:?}", trace.errors);
        (trace.errors[0].exception.clone(), trace.errors[0].message.clone())
    }
}

/// A claim checked on each engine: `fn name(engine) { ... }` becomes the tests
/// `name::sim` (2 simulated cores, seed 1 unless it says otherwise) and `name::live`.
macro_rules! both_engines {
    ($($(#[doc = $doc:literal])* fn $name:ident($engine:ident) $body:block)*) => {
        $(
            $(#[doc = $doc])*
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                fn claim($engine: $crate::engine_tests::primitives::Engine) $body

                #[test]
                fn sim() {
                    claim($crate::engine_tests::primitives::Engine::Sim { cores: 2, seed: 1 })
                }

                #[test]
                fn live() {
                    claim($crate::engine_tests::primitives::Engine::Live)
                }
            }
        )*
    };
}
pub(crate) use both_engines;

/// `(exception, message)` as owned strings, for comparing with [`Engine::the_error`].
pub fn error(exception: &str, message: &str) -> (String, String) {
    (exception.to_string(), message.to_string())
}
