//! The shared objects of a live run: locks, semaphores, events, conditions, barriers,
//! shared values, queues and pipes, as atomics and futex words that real threads use
//! directly. Conditions, barriers, queues and pipes keep their short lists behind a mutex
//! held for microseconds (as CPython's own objects do internally); it is never taken while
//! waiting, and never for tracing.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicI64, AtomicU32, Ordering};
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

/// The items of a queue, each with its number in the order it was put.
pub(crate) struct QueueState {
    pub items: VecDeque<(u32, i64)>,
    pub sent: u32,
}

/// The two ends of a pipe: what waits to be received at each, and which are closed.
pub(crate) struct PipeState {
    pub inbox: [VecDeque<(u32, i64)>; 2],
    pub closed: [bool; 2],
    pub sent: u32,
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
    /// `multiprocessing.Value`: one word every process sees, and the lock each access takes.
    Value {
        value: AtomicI64,
        lock: ObjectId,
    },
    /// `changes` is bumped (and waiters woken) on every put and get.
    Queue {
        maxsize: u32,
        state: Mutex<QueueState>,
        changes: AtomicU32,
    },
    /// `changes` is bumped on every send and close.
    Pipe {
        duplex: bool,
        state: Mutex<PipeState>,
        changes: AtomicU32,
    },
}

/// Bumps a futex word and wakes everyone sleeping on it.
pub(crate) fn announce(changes: &AtomicU32) {
    changes.fetch_add(1, Ordering::Release);
    futex::wake_all(changes);
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
            ObjectKind::SharedValue { initial, lock } => LiveObject::Value { value: AtomicI64::new(initial), lock },
            ObjectKind::Queue { maxsize } => LiveObject::Queue {
                maxsize,
                state: Mutex::new(QueueState { items: VecDeque::new(), sent: 0 }),
                changes: AtomicU32::new(0),
            },
            ObjectKind::Pipe { duplex } => LiveObject::Pipe {
                duplex,
                state: Mutex::new(PipeState {
                    inbox: [VecDeque::new(), VecDeque::new()],
                    closed: [false, false],
                    sent: 0,
                }),
                changes: AtomicU32::new(0),
            },
            ObjectKind::Var { .. } => LiveObject::Plain,
        }
    }
}
