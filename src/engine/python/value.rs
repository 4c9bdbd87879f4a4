//! `multiprocessing.Value`: one number every process sees, and a lock (an RLock unless
//! given another) that each single read or write of `.value` takes. So `v.value += 1` is a
//! locked read and then a separately locked write; only `with v.get_lock():` around both
//! makes it one step.

use crate::engine::program::{ActorId, ObjectId};
use crate::engine::python::any_lock::AnyLock;
use crate::engine::python::lock::Acquire;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Value {
    value: i64,
    lock: ObjectId,
}

/// What a read or write of `.value` does with the Value's lock, as it is held now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// The accessor holds the RLock already (inside `with v.get_lock():`): the access is
    /// one more level of that hold.
    InHold,
    /// The lock was free: the access took it, and lets go once done.
    Took,
    /// Someone holds it (a plain Lock the accessor holds too: it waits for itself).
    Waits,
}

impl Value {
    pub fn new(initial: i64, lock: ObjectId) -> Value {
        Value { value: initial, lock }
    }

    /// The lock object each access takes (`v.get_lock()`).
    pub fn lock(&self) -> ObjectId {
        self.lock
    }

    pub fn load(&self) -> i64 {
        self.value
    }

    pub fn store(&mut self, value: i64) {
        self.value = value;
    }

    /// An access by `me` takes the Value's `lock` as `with lock:` would.
    pub fn access(lock: &mut AnyLock, me: ActorId) -> Access {
        if matches!(lock, AnyLock::RLock(_)) && lock.owned_by(me).is_some() {
            return Access::InHold;
        }
        match lock.acquire(me) {
            Acquire::Busy => Access::Waits,
            _ => Access::Took,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: ActorId = ActorId(1);
    const B: ActorId = ActorId(2);

    #[test]
    fn each_access_takes_the_lock_unless_its_holder_is_inside_get_lock() {
        let mut rlock = AnyLock::new(true);
        assert_eq!(Value::access(&mut rlock, A), Access::Took);
        assert_eq!(Value::access(&mut rlock, B), Access::Waits);
        // `with v.get_lock(): v.value += 1` (the default lock is an RLock).
        assert_eq!(Value::access(&mut rlock, A), Access::InHold);
        assert_eq!(rlock.owned_by(A), Some(1), "an access inside the hold adds no level");
    }

    #[test]
    fn a_plain_lock_its_holder_takes_again_for_an_access_waits_for_good() {
        // CPython: `v = Value('i', 0, lock=Lock())`; `with v.get_lock(): v.value += 1`
        // never returns.
        let mut lock = AnyLock::new(false);
        assert_eq!(Value::access(&mut lock, A), Access::Took);
        assert_eq!(Value::access(&mut lock, A), Access::Waits);
        let mut v = Value::new(5, ObjectId(3));
        v.store(v.load() + 1);
        assert_eq!((v.load(), v.lock()), (6, ObjectId(3)));
    }
}
