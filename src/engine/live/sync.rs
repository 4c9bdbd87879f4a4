//! The shared objects of a live run: locks, semaphores, events, conditions and barriers,
//! as atomics and futex words that real threads use directly. Conditions and barriers keep
//! their short waiter lists behind a mutex held for microseconds (as CPython's own objects
//! do internally); it is never taken while waiting, and never for tracing.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use crate::engine::live::futex;
use crate::engine::program::{ObjectId, ObjectKind};

/// A `Lock` or an `RLock`.
pub(crate) struct LiveLock {
    /// 0 when free, else the owner's actor index + 1.
    pub owner: AtomicU32,
    /// How many times the owner holds an RLock (only the owner touches it).
    pub count: AtomicU32,
    pub reentrant: bool,
    pub changes: AtomicU32,
    /// Threads blocked in `acquire`: a release wakes them only when there are any, since a
    /// wake is a system call and an uncontended release should cost next to nothing.
    pub waiters: AtomicU32,
}

impl LiveLock {
    fn new(reentrant: bool) -> LiveLock {
        LiveLock {
            owner: AtomicU32::new(0),
            count: AtomicU32::new(0),
            reentrant,
            changes: AtomicU32::new(0),
            waiters: AtomicU32::new(0),
        }
    }

    /// Frees the lock and wakes its waiters, if any.
    pub fn free(&self) {
        self.owner.store(0, Ordering::SeqCst);
        if self.waiters.load(Ordering::SeqCst) > 0 {
            self.changes.fetch_add(1, Ordering::Release);
            futex::wake_all(&self.changes);
        }
    }
}

pub(crate) struct BarrierState {
    pub arrived: u32,
    pub broken: bool,
}

pub(crate) enum LiveObject {
    /// A variable (its value lives in the per-process store).
    Plain,
    Lock(LiveLock),
    Semaphore {
        value: AtomicU32,
        initial: u32,
        bounded: bool,
        changes: AtomicU32,
    },
    /// The flag is its own futex word: 0 clear, 1 set.
    Event {
        set: AtomicU32,
    },
    /// Waiters in the order they began to wait, each with the word its notify sets.
    Condition {
        lock: ObjectId,
        waiters: Mutex<VecDeque<Arc<AtomicU32>>>,
    },
    Barrier {
        parties: u32,
        state: Mutex<BarrierState>,
        generation: AtomicU32,
    },
}

impl LiveObject {
    pub fn new(kind: &ObjectKind) -> LiveObject {
        match *kind {
            ObjectKind::Lock => LiveObject::Lock(LiveLock::new(false)),
            ObjectKind::RLock => LiveObject::Lock(LiveLock::new(true)),
            ObjectKind::Semaphore { permits, bounded } => LiveObject::Semaphore {
                value: AtomicU32::new(permits),
                initial: permits,
                bounded,
                changes: AtomicU32::new(0),
            },
            ObjectKind::Event => LiveObject::Event { set: AtomicU32::new(0) },
            ObjectKind::Condition { lock } => LiveObject::Condition { lock, waiters: Mutex::new(VecDeque::new()) },
            ObjectKind::Barrier { parties } => LiveObject::Barrier {
                parties,
                state: Mutex::new(BarrierState { arrived: 0, broken: false }),
                generation: AtomicU32::new(0),
            },
            _ => LiveObject::Plain,
        }
    }
}
