//! How a run is to behave, beyond the Program itself: the Python model and limits.

use crate::engine::python::build::Build;
use crate::engine::trace::{Nanos, TraceBudget};

/// How `print` reaches the console.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputMode {
    /// Line-buffered: each line is one write.
    Tty,
    /// Block-buffered per process, flushed at exit.
    Pipe,
    /// `-u`: the text and the newline are two writes.
    Unbuffered,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RunSettings {
    /// A GIL per process (`gil=on`), or free-threaded Python (`gil=off`).
    pub gil: bool,
    /// The CPython modelled: where the GIL may switch, what Python code costs.
    pub python: Build,
    /// `sys.getswitchinterval()`: how long a waiter waits before asking for the GIL.
    pub switch_interval: Nanos,
    pub output: OutputMode,
    /// Real seconds per second of the program's own time (live runs of long sleeps).
    pub time_scale: f64,
    /// A run that has not ended after this long is stopped and reported as such.
    pub deadline: Nanos,
    pub budget: TraceBudget,
    /// Test-only: the first thread started after the main one panics, to prove that a
    /// panic inside a run is reported and the engine recovers.
    pub panic_for_test: bool,
}

impl Default for RunSettings {
    fn default() -> Self {
        RunSettings {
            gil: true,
            python: Build::default(),
            switch_interval: 5_000_000,
            output: OutputMode::Tty,
            time_scale: 1.0,
            deadline: 60_000_000_000,
            budget: TraceBudget { events_per_actor: 4_000, merge_gap: 50_000 },
            panic_for_test: false,
        }
    }
}
