//! `threading.RLock`: a lock its owner may take again, released once per level.

use crate::engine::program::ActorId;
use crate::engine::python::errors::{self, PyError};
use crate::engine::python::lock::{Acquire, Release};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RLock {
    owner: Option<ActorId>,
    /// How many times the owner holds it.
    levels: u32,
}

impl RLock {
    /// An RLock `owner` holds at `levels` (at least one).
    pub(crate) fn held(owner: ActorId, levels: u32) -> RLock {
        RLock { owner: Some(owner), levels: levels.max(1) }
    }

    pub fn owner(&self) -> Option<ActorId> {
        self.owner
    }

    pub fn levels(&self) -> u32 {
        self.levels
    }

    /// How many levels `me` holds, if it is the owner.
    pub fn levels_of(&self, me: ActorId) -> Option<u32> {
        (self.owner == Some(me)).then_some(self.levels)
    }

    pub fn acquire(&mut self, me: ActorId) -> Acquire {
        match self.owner {
            None => {
                *self = RLock::held(me, 1);
                Acquire::Granted
            }
            Some(owner) if owner == me => {
                self.levels += 1;
                Acquire::Reentered
            }
            Some(_) => Acquire::Busy,
        }
    }

    /// Only the owner may release it; it is free once every level is released.
    pub fn release(&mut self, me: ActorId) -> Result<Release, PyError> {
        if self.owner != Some(me) {
            return Err(errors::RELEASE_UNACQUIRED);
        }
        self.levels -= 1;
        if self.levels > 0 {
            return Ok(Release::StillHeld);
        }
        self.owner = None;
        Ok(Release::Freed { holder: me })
    }

    /// CPython's `_acquire_restore`: a free RLock taken back at the levels a Condition's
    /// `wait` let go of. `false`: someone holds it.
    pub fn acquire_restore(&mut self, me: ActorId, levels: u32) -> bool {
        if self.owner.is_some() {
            return false;
        }
        *self = RLock::held(me, levels);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: ActorId = ActorId(1);
    const B: ActorId = ActorId(2);

    #[test]
    fn its_owner_takes_it_again_and_releases_it_once_per_level() {
        let mut lock = RLock::default();
        assert_eq!(lock.acquire(A), Acquire::Granted);
        assert_eq!(lock.acquire(A), Acquire::Reentered);
        assert_eq!(lock.acquire(B), Acquire::Busy);
        assert_eq!(lock.release(A), Ok(Release::StillHeld));
        assert_eq!(lock.acquire(B), Acquire::Busy);
        assert_eq!(lock.release(A), Ok(Release::Freed { holder: A }));
        assert_eq!(lock.acquire(B), Acquire::Granted);
    }

    #[test]
    fn only_its_owner_may_release_it() {
        let mut lock = RLock::default();
        // CPython: `threading.RLock().release()` raises RuntimeError: cannot release
        // un-acquired lock; so does a release by a thread that is not the owner.
        assert_eq!(lock.release(A), Err(errors::RELEASE_UNACQUIRED));
        lock.acquire(A);
        assert_eq!(lock.release(B), Err(errors::RELEASE_UNACQUIRED));
        assert_eq!(lock.levels_of(A), Some(1));
    }
}
