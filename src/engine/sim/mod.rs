//! The simulated engine: a deterministic interpreter of a Program in virtual time, on
//! virtual cores, modelling how CPython 3.11 (or the 3.9 model, or free-threaded Python)
//! would run it. No threads, no shared memory, integers only: the same Program, settings,
//! cores and seed give the same Trace on every target.
//!
//! How time passes:
//! - Every operation costs what the cost table says ([`crate::engine::costs`]). While
//!   other actors could run too, each cost has a seeded jitter of up to ±12.5 %, so
//!   different seeds show the different interleavings Python really produces; an actor
//!   running alone pays the exact cost, and a loop of plain work it runs alone goes many
//!   iterations at once up to the next timer (the same run as one turn at a time).
//! - The operating system's noise is drawn from the seed out of distributions measured on
//!   CPython (`scripts/noise.py`, [`crate::engine::latency`]): a timer (a sleep, a timeout)
//!   fires late, a woken thread runs a little after the release that frees it (a message
//!   between processes after its way's), and a start takes longer now and then.
//! - An actor runs only on a core; with more runnable actors than cores, one keeps its
//!   core for an OS time slice before another may take it.
//! - With `gil=on`, an actor runs Python only while holding its process's GIL. A waiter
//!   asks for it when its timed wait of the switch interval ends (as late as a timer
//!   fires, so where a holder is asked to stop varies from switch to switch); the holder
//!   lets go at its next check point (calls and backward jumps; any operation under the
//!   3.9 model) and waits, with no Python running, until the waiter has woken and taken it
//!   (forced switching: longer on several cores than on one). Blocking operations release it.
//!
//! Choices the model makes (ties in time, who gets a released GIL) are drawn from the
//! seed. Each step in which an actor runs is a turn; a [`crate::engine::schedule::Schedule`]
//! can give any turn to another actor that could run then (the stepper and the explorer
//! do), and the seed with the schedule replays a run exactly.

mod rng;
mod settings;
pub mod size;
mod state;
mod world;

pub use settings::{Misfit, SimError, SimSettings};
pub use state::ActorState;
pub use world::{ActorView, Sim, Snapshot, StepResult, TurnRecord, TurnResult};

use crate::engine::program::Program;
use crate::engine::trace::Trace;

/// Runs a Program to its end (or a deadlock, or the step limit).
pub fn run(program: Program, settings: SimSettings) -> Result<Trace, SimError> {
    let mut sim = Sim::new(program, settings)?;
    loop {
        if let StepResult::Finished(trace) = sim.run_slice(u64::MAX)? {
            return Ok(*trace);
        }
    }
}
