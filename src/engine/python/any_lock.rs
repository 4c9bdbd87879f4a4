//! The Lock or RLock under a Condition or a `Value`, with what a Condition asks of it.

use crate::engine::program::ActorId;
use crate::engine::python::errors::PyError;
use crate::engine::python::lock::{Acquire, Lock, Release};
use crate::engine::python::rlock::RLock;

/// The lock under a Condition or a `Value`: either kind, with what a Condition asks of it
/// (CPython's `_is_owned`, `_release_save` and `_acquire_restore`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnyLock {
    Lock(Lock),
    RLock(RLock),
}

impl AnyLock {
    pub fn new(reentrant: bool) -> AnyLock {
        if reentrant {
            AnyLock::RLock(RLock::default())
        } else {
            AnyLock::Lock(Lock::default())
        }
    }

    pub fn holder(&self) -> Option<ActorId> {
        match self {
            AnyLock::Lock(lock) => lock.holder(),
            AnyLock::RLock(lock) => lock.owner(),
        }
    }

    pub fn acquire(&mut self, me: ActorId) -> Acquire {
        match self {
            AnyLock::Lock(lock) => lock.acquire(me),
            AnyLock::RLock(lock) => lock.acquire(me),
        }
    }

    pub fn release(&mut self, me: ActorId) -> Result<Release, PyError> {
        match self {
            AnyLock::Lock(lock) => lock.release(),
            AnyLock::RLock(lock) => lock.release(me),
        }
    }

    /// How many levels `me` holds (1 for a Lock it took), if it holds it: whether a
    /// Condition's `wait` and `notify` may go ahead. (For a plain Lock CPython only asks
    /// whether it is locked, by anyone; the engines ask who took it.)
    pub fn owned_by(&self, me: ActorId) -> Option<u32> {
        match self {
            AnyLock::Lock(lock) => (lock.holder() == Some(me)).then_some(1),
            AnyLock::RLock(lock) => lock.levels_of(me),
        }
    }

    /// A Condition's `wait` lets go of the lock completely, whatever its levels; they come
    /// back with [`AnyLock::acquire_restore`].
    pub fn release_save(&mut self) {
        *self = AnyLock::new(matches!(self, AnyLock::RLock(_)));
    }

    /// Takes a free lock back at `levels` (at least one). `false`: someone holds it.
    pub fn acquire_restore(&mut self, me: ActorId, levels: u32) -> bool {
        match self {
            AnyLock::Lock(lock) => lock.acquire(me) == Acquire::Granted,
            AnyLock::RLock(lock) => lock.acquire_restore(me, levels),
        }
    }

    /// The state in one word (holder + 1 above bit 32, levels below), for an engine that
    /// applies these rules to an atomic word with a compare-exchange.
    pub fn to_word(self) -> u64 {
        let levels = match self {
            AnyLock::Lock(lock) => lock.holder().is_some() as u32,
            AnyLock::RLock(lock) => lock.levels(),
        };
        self.holder().map_or(0, |h| (h.0 as u64 + 1) << 32 | levels as u64)
    }

    pub fn from_word(reentrant: bool, word: u64) -> AnyLock {
        let holder = (word >> 32).checked_sub(1).map(|h| ActorId(h as u16));
        match holder {
            None => AnyLock::new(reentrant),
            Some(holder) if reentrant => AnyLock::RLock(RLock::held(holder, word as u32)),
            Some(holder) => AnyLock::Lock(Lock::held_by(holder)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: ActorId = ActorId(1);
    const B: ActorId = ActorId(2);

    #[test]
    fn a_condition_lets_go_of_every_level_and_gets_them_back() {
        let mut rlock = AnyLock::new(true);
        rlock.acquire(A);
        rlock.acquire(A);
        assert_eq!(rlock.owned_by(A), Some(2));
        assert_eq!(rlock.owned_by(B), None);
        rlock.release_save();
        assert_eq!(rlock.holder(), None);
        assert!(rlock.acquire_restore(A, 2));
        assert!(!rlock.acquire_restore(B, 1));
        assert_eq!(rlock.release(A), Ok(Release::StillHeld));
        assert_eq!(rlock.release(A), Ok(Release::Freed { holder: A }));

        let mut lock = AnyLock::new(false);
        lock.acquire(A);
        assert_eq!(lock.owned_by(A), Some(1));
        lock.release_save();
        assert!(lock.acquire_restore(B, 1));
        assert_eq!(lock.holder(), Some(B));
    }

    #[test]
    fn the_state_survives_its_word() {
        let mut states = vec![AnyLock::new(false), AnyLock::new(true)];
        let mut lock = AnyLock::new(false);
        lock.acquire(ActorId(0));
        states.push(lock);
        let mut rlock = AnyLock::new(true);
        for _ in 0..3 {
            rlock.acquire(ActorId(u16::MAX - 1));
        }
        states.push(rlock);
        for state in states {
            let reentrant = matches!(state, AnyLock::RLock(_));
            assert_eq!(AnyLock::from_word(reentrant, state.to_word()), state);
        }
        assert_eq!(AnyLock::new(true).to_word(), 0);
    }
}
