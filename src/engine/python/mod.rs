//! What Python defines; both engines call it; nothing here knows about time, threads of the
//! host, or scheduling.
//!
//! One file per Python object, each with its small state and its rules as plain methods
//! that say what happens: the call returns (with what), the caller must wait, or it raises
//! a [`PyError`] whose name and message are CPython's, stated once in [`errors`]. Who is
//! woken, and when, is the engine's business: the simulator chooses with its seed, the live
//! engine lets the operating system choose. Where Python itself fixes an order (a
//! Condition's waiters, a Barrier's arrivals) the object keeps its waiters, as the engine's
//! own token type `W`.
//!
//! Adding a primitive:
//! 1. The Program: its [`ObjectKind`](crate::engine::program::ObjectKind) (`program.rs`) and
//!    its [`OpKind`](crate::engine::program::OpKind)s (`program/ops.rs`: how each reads as
//!    Python, the object it names, whether it releases the GIL), and which object kind each
//!    op accepts (`program/validate.rs`).
//! 2. `python/<object>.rs`: its state and rules, with unit tests of what CPython does, and
//!    any new exception in [`errors`] (the only place a name or message is written).
//! 3. One place in each engine, its object store: `sim/world/objects.rs` (its state beside
//!    the actors blocked on it) and `live/run/objects.rs` (its state behind an atomic word
//!    or a host mutex, and the futex word its waiters sleep on); each engine's interpreter
//!    then sends each new op there in one line (`sim/world/interpreter.rs`,
//!    `live/run/interpreter.rs`).
//! 4. `tests/engine_tests/primitives/<object>.rs`: what it does, on both engines.

pub mod any_lock;
pub mod barrier;
pub mod build;
pub mod condition;
pub mod errors;
pub mod event;
pub mod event_loop;
pub mod lifecycle;
pub mod list;
pub mod lock;
pub mod pickling;
pub mod pipe;
pub mod pool;
pub mod queue;
pub mod rlock;
pub mod semaphore;
pub mod value;

pub use errors::PyError;

use crate::engine::program::Wait;

/// What a call that may block does now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call<T> {
    /// It returns at once, with this.
    Returns(T),
    /// It waits until another thread changes the object (or its timeout passes).
    Blocks,
}

/// An `acquire(blocking, timeout)`-style call that could or could not go ahead now:
/// `blocking=False` returns False instead of waiting.
pub fn try_or_wait(granted: bool, wait: Wait) -> Call<bool> {
    match (granted, wait) {
        (true, _) => Call::Returns(true),
        (false, Wait::NoWait) => Call::Returns(false),
        (false, _) => Call::Blocks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_that_cannot_go_ahead_waits_unless_told_not_to_block() {
        assert_eq!(try_or_wait(true, Wait::NoWait), Call::Returns(true));
        assert_eq!(try_or_wait(false, Wait::NoWait), Call::Returns(false));
        assert_eq!(try_or_wait(false, Wait::Forever), Call::Blocks);
        assert_eq!(try_or_wait(false, Wait::Timeout(10)), Call::Blocks);
    }
}
