//! `threading.Lock`, and what an `acquire` or a `release` of any lock did.

use crate::engine::program::ActorId;
use crate::engine::python::errors::{self, PyError};

/// `threading.Lock`: locked or not. Python does not care who holds it (any thread may
/// release it); the holder is kept for the engines' timelines and wait-for graphs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Lock {
    holder: Option<ActorId>,
}

/// What an `acquire` that found the lock as it is does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Acquire {
    /// The caller holds it now.
    Granted,
    /// An RLock's owner took it once more: one more level, the same hold.
    Reentered,
    /// Someone holds it (a plain Lock's own holder too: it waits for itself for good).
    Busy,
}

impl Acquire {
    pub fn granted(self) -> bool {
        self != Acquire::Busy
    }
}

/// What a `release` did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Release {
    /// The lock is free; `holder`'s hold has ended (a Lock may be released by anyone).
    Freed { holder: ActorId },
    /// An RLock still held at a lower level.
    StillHeld,
}

impl Lock {
    /// A Lock `holder` took.
    pub(crate) fn held_by(holder: ActorId) -> Lock {
        Lock { holder: Some(holder) }
    }

    pub fn holder(&self) -> Option<ActorId> {
        self.holder
    }

    pub fn acquire(&mut self, me: ActorId) -> Acquire {
        match self.holder {
            None => {
                self.holder = Some(me);
                Acquire::Granted
            }
            Some(_) => Acquire::Busy,
        }
    }

    pub fn release(&mut self) -> Result<Release, PyError> {
        match self.holder.take() {
            None => Err(errors::RELEASE_UNLOCKED),
            Some(holder) => Ok(Release::Freed { holder }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: ActorId = ActorId(1);
    const B: ActorId = ActorId(2);

    #[test]
    fn a_lock_goes_to_one_thread_and_even_its_holder_waits_for_it() {
        let mut lock = Lock::default();
        assert_eq!(lock.acquire(A), Acquire::Granted);
        assert_eq!(lock.acquire(B), Acquire::Busy);
        // CPython: `l.acquire(); l.acquire()` never returns.
        assert_eq!(lock.acquire(A), Acquire::Busy);
        assert_eq!(lock.holder(), Some(A));
    }

    #[test]
    fn any_thread_may_release_a_lock_and_releasing_a_free_one_raises() {
        let mut lock = Lock::default();
        // CPython: `threading.Lock().release()` raises RuntimeError: release unlocked lock.
        assert_eq!(lock.release(), Err(errors::RELEASE_UNLOCKED));
        lock.acquire(A);
        // CPython lets another thread release it; the hold that ends is A's.
        assert_eq!(lock.release(), Ok(Release::Freed { holder: A }));
        assert_eq!(lock.holder(), None);
    }
}
