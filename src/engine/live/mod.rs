//! The live engine: work on real threads of a pool, timed on the one shared clock.
//!
//! Everything here is started without blocking the caller (actors are spawned, never run
//! inside `join`/`scope`/`par_iter`), because in the browser the caller is the engine
//! worker's message loop and it must stay live during a run. How a job reaches a pool
//! thread is the caller's [`Spawner`]: rayon's global pool in the browser (built by
//! wasm-bindgen-rayon), any rayon pool natively.

pub mod futex;
pub mod gil;
pub mod probe;
pub mod run;

/// Puts a job on a pool thread and returns at once.
pub trait Spawner: Send + Sync {
    fn spawn(&self, job: Box<dyn FnOnce() + Send + 'static>);
    /// Threads of the pool, as far as the spawner knows.
    fn threads(&self) -> usize;
}

impl Spawner for rayon::ThreadPool {
    fn spawn(&self, job: Box<dyn FnOnce() + Send + 'static>) {
        rayon::ThreadPool::spawn(self, job)
    }

    fn threads(&self) -> usize {
        self.current_num_threads()
    }
}

/// rayon's global pool (the one wasm-bindgen-rayon builds in the engine worker).
#[derive(Clone, Copy, Debug, Default)]
pub struct GlobalPool;

impl Spawner for GlobalPool {
    fn spawn(&self, job: Box<dyn FnOnce() + Send + 'static>) {
        rayon::spawn(job)
    }

    fn threads(&self) -> usize {
        rayon::current_num_threads()
    }
}

/// The most actors a live run has: 16 threads and the main thread.
pub const LIVE_ACTORS_MAX: usize = 17;
/// The pool the live engine needs: every actor of the largest run on its own thread, plus
/// one spare, so an actor never waits for a pool thread to come free.
pub const POOL_THREADS: usize = LIVE_ACTORS_MAX + 1;
