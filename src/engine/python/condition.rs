//! `threading.Condition`: waiters in a line over a lock. `wait` lets go of the lock and
//! joins the line; `notify(n)` sends the first `n` back to take the lock again, in the
//! order they began to wait (CPython keeps them in a deque).
//!
//! Only the lock's holder may wait or notify. For a plain Lock CPython asks only whether
//! the lock is held by anyone; the engines ask whether the caller took it (see
//! [`AnyLock::owned_by`](crate::engine::python::any_lock::AnyLock::owned_by)).

use std::collections::VecDeque;

use crate::engine::program::ObjectId;
use crate::engine::python::errors::{self, PyError};

/// A Condition over the lock object `lock`, with its waiters as the engine's tokens `W`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition<W> {
    lock: ObjectId,
    waiters: VecDeque<W>,
}

impl<W> Condition<W> {
    pub fn new(lock: ObjectId) -> Condition<W> {
        Condition { lock, waiters: VecDeque::new() }
    }

    /// The Lock or RLock it wraps.
    pub fn lock(&self) -> ObjectId {
        self.lock
    }

    /// `wait()` by a thread that holds the lock (`owns_lock`): it joins the end of the line.
    /// The caller then lets go of the lock at every level and blocks; a notify or its
    /// timeout ends the wait, and `wait` returns once it has the lock back.
    pub fn wait(&mut self, owns_lock: bool, waiter: W) -> Result<(), PyError> {
        if !owns_lock {
            return Err(errors::WAIT_UNACQUIRED);
        }
        self.waiters.push_back(waiter);
        Ok(())
    }

    /// `notify()` (one) or `notify_all()`: the waiters to send back to the lock, first come
    /// first.
    pub fn notify(&mut self, owns_lock: bool, all: bool) -> Result<Vec<W>, PyError> {
        if !owns_lock {
            return Err(errors::NOTIFY_UNACQUIRED);
        }
        let n = if all { self.waiters.len() } else { self.waiters.len().min(1) };
        Ok(self.waiters.drain(..n).collect())
    }

    /// A waiter that leaves the line without a notify (its timeout passed, or it ended).
    pub fn leave(&mut self, is_waiter: impl Fn(&W) -> bool) {
        self.waiters.retain(|w| !is_waiter(w));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notify_wakes_waiters_in_the_order_they_began_to_wait() {
        let mut cond: Condition<char> = Condition::new(ObjectId(0));
        for w in ['a', 'b', 'c', 'd'] {
            cond.wait(true, w).unwrap();
        }
        assert_eq!(cond.notify(true, false), Ok(vec!['a']));
        cond.leave(|w| *w == 'c');
        assert_eq!(cond.notify(true, true), Ok(vec!['b', 'd']));
        assert_eq!(cond.notify(true, false), Ok(vec![]), "a notify with nobody waiting is fine");
    }

    #[test]
    fn waiting_or_notifying_without_the_lock_raises() {
        // CPython: `threading.Condition().wait()` and `.notify()` raise RuntimeError.
        let mut cond: Condition<u8> = Condition::new(ObjectId(0));
        assert_eq!(cond.wait(false, 1), Err(errors::WAIT_UNACQUIRED));
        assert_eq!(cond.notify(false, true), Err(errors::NOTIFY_UNACQUIRED));
        assert_eq!(cond.notify(true, true), Ok(vec![]), "the refused waiter never joined the line");
    }
}
