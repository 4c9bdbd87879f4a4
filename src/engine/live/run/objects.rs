//! The Python objects of a live run, shared by its pool threads, and their calls. Each
//! object's state and rules come from [`crate::engine::python`]. Small states (locks,
//! semaphores, events) live in one atomic word the rules are applied to with a
//! compare-exchange, so an uncontended acquire stays one atomic operation; the others sit
//! behind a host mutex held for microseconds (as CPython's own objects do internally), never
//! while waiting and never for tracing. Waiters sleep on a futex word the object bumps when
//! it changes.

use std::cell::Cell;
use std::sync::atomic::{AtomicI64, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use super::{Actor, Exit};
use crate::engine::live::futex;
use crate::engine::program::{ActorId, ObjectId, ObjectKind, Wait};
use crate::engine::python::any_lock::AnyLock;
use crate::engine::python::barrier::{Arrival, Barrier};
use crate::engine::python::condition::Condition;
use crate::engine::python::event::Event;
use crate::engine::python::lock::{Acquire, Release};
use crate::engine::python::pipe::Pipe;
use crate::engine::python::queue::Queue;
use crate::engine::python::semaphore::Semaphore;
use crate::engine::python::{errors, try_or_wait, Call, PyError};
use crate::engine::trace::{MarkKind, SpanKind, WaitOn};

/// A `Lock` or an `RLock`, its state one word ([`AnyLock::to_word`]).
pub(super) struct LiveLock {
    state: AtomicU64,
    reentrant: bool,
    changes: AtomicU32,
    /// Threads blocked in `acquire`: a release wakes them only when there are any, since a
    /// wake is a system call and an uncontended release should cost next to nothing.
    waiters: AtomicU32,
}

impl LiveLock {
    fn new(reentrant: bool) -> LiveLock {
        LiveLock {
            state: AtomicU64::new(AnyLock::new(reentrant).to_word()),
            reentrant,
            changes: AtomicU32::new(0),
            waiters: AtomicU32::new(0),
        }
    }

    /// Applies a rule of [`AnyLock`] to the word: one compare-exchange, or none when the
    /// rule changed nothing (it found the lock busy).
    fn apply<R>(&self, mut rule: impl FnMut(&mut AnyLock) -> R) -> R {
        let mut word = self.state.load(Ordering::SeqCst);
        loop {
            let mut lock = AnyLock::from_word(self.reentrant, word);
            let out = rule(&mut lock);
            let new = lock.to_word();
            if new == word {
                return out;
            }
            match self.state.compare_exchange_weak(word, new, Ordering::SeqCst, Ordering::SeqCst) {
                Ok(_) => return out,
                Err(now) => word = now,
            }
        }
    }

    pub(super) fn holder(&self) -> Option<ActorId> {
        AnyLock::from_word(self.reentrant, self.state.load(Ordering::Acquire)).holder()
    }

    /// The lock was freed: its waiters, if any, try again.
    fn wake_waiters(&self) {
        if self.waiters.load(Ordering::SeqCst) > 0 {
            announce(&self.changes);
        }
    }
}

/// A Condition waiter's word, set to 1 by the notify that picks it.
type Token = Arc<AtomicU32>;

pub(super) enum LiveObject {
    /// A variable (its value lives in the per-process store).
    Plain,
    Lock(LiveLock),
    /// `permits` gives the bounds; the value itself is the atomic word `value`.
    Semaphore {
        permits: Semaphore,
        value: AtomicU32,
        changes: AtomicU32,
    },
    /// The flag is its own futex word ([`Event::to_word`]).
    Event {
        flag: AtomicU32,
    },
    Condition {
        lock: ObjectId,
        waiters: Mutex<Condition<Token>>,
    },
    /// `generation` is bumped when the parties are let through.
    Barrier {
        state: Mutex<Barrier<()>>,
        generation: AtomicU32,
    },
    /// `multiprocessing.Value`: one word every process sees, and the lock each access takes.
    Value {
        value: AtomicI64,
        lock: ObjectId,
    },
    /// `changes` is bumped (and waiters woken) on every put and get.
    Queue {
        state: Mutex<Queue>,
        changes: AtomicU32,
    },
    /// `changes` is bumped on every send and close.
    Pipe {
        state: Mutex<Pipe>,
        changes: AtomicU32,
    },
}

impl LiveObject {
    pub(super) fn new(kind: &ObjectKind) -> LiveObject {
        match *kind {
            ObjectKind::Lock => LiveObject::Lock(LiveLock::new(false)),
            ObjectKind::RLock => LiveObject::Lock(LiveLock::new(true)),
            ObjectKind::Semaphore { permits, bounded } => {
                let permits = Semaphore::new(permits, bounded);
                LiveObject::Semaphore { value: AtomicU32::new(permits.value()), permits, changes: AtomicU32::new(0) }
            }
            ObjectKind::Event => LiveObject::Event { flag: AtomicU32::new(Event::default().to_word()) },
            ObjectKind::Condition { lock } => LiveObject::Condition { lock, waiters: Mutex::new(Condition::new(lock)) },
            ObjectKind::Barrier { parties } => {
                LiveObject::Barrier { state: Mutex::new(Barrier::new(parties)), generation: AtomicU32::new(0) }
            }
            ObjectKind::SharedValue { initial, lock } => LiveObject::Value { value: AtomicI64::new(initial), lock },
            ObjectKind::Queue { maxsize } => {
                LiveObject::Queue { state: Mutex::new(Queue::new(maxsize)), changes: AtomicU32::new(0) }
            }
            ObjectKind::Pipe { duplex } => {
                LiveObject::Pipe { state: Mutex::new(Pipe::new(duplex)), changes: AtomicU32::new(0) }
            }
            // A list's copies live beside the variables' (`Shared::lists`).
            ObjectKind::Var { .. } | ObjectKind::List { .. } => LiveObject::Plain,
        }
    }
}

/// Bumps a futex word and wakes everyone sleeping on it.
fn announce(changes: &AtomicU32) {
    changes.fetch_add(1, Ordering::Release);
    futex::wake_all(changes);
}

/// A host mutex, whoever panicked while holding it.
fn guard<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl Actor {
    /// The lock behind a lock-like object: itself, or a Condition's lock.
    pub(super) fn lock(&self, object: ObjectId) -> Option<(ObjectId, &LiveLock)> {
        let id = match &self.shared.objects[object.0 as usize] {
            LiveObject::Lock(_) => object,
            LiveObject::Condition { lock, .. } => *lock,
            _ => return None,
        };
        match &self.shared.objects[id.0 as usize] {
            LiveObject::Lock(lock) => Some((id, lock)),
            _ => None,
        }
    }

    /// A call that may block: `attempt` it; while it blocks, sleep on `word` and attempt it
    /// again after each change; once the wait's timeout has passed, attempt it a last time
    /// without blocking, as Python does.
    fn call<T: Copy>(
        &mut self,
        on: WaitOn,
        word: &AtomicU32,
        wait: Wait,
        attempt: impl Fn(Wait) -> Result<Call<T>, PyError>,
    ) -> Result<T, Exit> {
        let mut outcome = attempt(wait);
        if let Ok(Call::Blocks) = outcome {
            let done = Cell::new(None);
            let ready = || match attempt(wait) {
                Ok(Call::Blocks) => false,
                other => {
                    done.set(Some(other));
                    true
                }
            };
            outcome = match self.blocking_wait(on, word, wait, ready)? {
                true => done.get().expect("set once ready"),
                false => attempt(Wait::NoWait),
            };
        }
        match outcome {
            Ok(Call::Returns(value)) => Ok(value),
            Ok(Call::Blocks) => unreachable!("a call that may not block does not"),
            Err(error) => Err(self.raise(error)),
        }
    }

    // --- locks and semaphores --------------------------------------------------------------

    pub(super) fn acquire(&mut self, object: ObjectId, wait: Wait) -> Result<bool, Exit> {
        self.acquire_at(object, wait, None)
    }

    /// `acquire()`, or (`levels`) a Condition's waiter taking its lock back at the levels
    /// its `wait` let go of. Like CPython: try without releasing the GIL; release it only
    /// to block.
    fn acquire_at(&mut self, object: ObjectId, wait: Wait, levels: Option<u32>) -> Result<bool, Exit> {
        let shared = self.shared.clone();
        let me = self.id;
        let lock_id = self.lock(object).map(|(id, _)| id);
        let acquired = match (&shared.objects[object.0 as usize], lock_id) {
            (LiveObject::Semaphore { permits, value, changes }, _) => {
                let take = || {
                    let rule = |v| {
                        let mut semaphore = permits.with_value(v);
                        semaphore.acquire().then(|| semaphore.value())
                    };
                    value.fetch_update(Ordering::SeqCst, Ordering::SeqCst, rule).is_ok()
                };
                match try_or_wait(take(), wait) {
                    Call::Returns(got) => got,
                    Call::Blocks => self.blocking_wait(WaitOn::Object(object), changes, wait, take)?,
                }
            }
            (_, Some(lock_id)) => {
                let LiveObject::Lock(lock) = &shared.objects[lock_id.0 as usize] else { unreachable!("a lock") };
                let take = || match levels {
                    Some(levels) if lock.apply(|l| l.acquire_restore(me, levels)) => Acquire::Granted,
                    Some(_) => Acquire::Busy,
                    None => lock.apply(|l| l.acquire(me)),
                };
                let first = take();
                if first == Acquire::Reentered {
                    // An RLock taken again by its owner: one more level, no new hold.
                    return Ok(true);
                }
                match try_or_wait(first.granted(), wait) {
                    Call::Returns(got) => got,
                    Call::Blocks => {
                        // SeqCst with the release's check: either it sees this waiter and
                        // wakes it, or this waiter's next try sees the lock free.
                        lock.waiters.fetch_add(1, Ordering::SeqCst);
                        let got = self.blocking_wait(WaitOn::Object(lock_id), &lock.changes, wait, || take().granted());
                        lock.waiters.fetch_sub(1, Ordering::SeqCst);
                        got?
                    }
                }
            }
            _ => unreachable!("validated: acquire on a lock-like object"),
        };
        if acquired {
            self.rec.begin(SpanKind::Hold(lock_id.unwrap_or(object)), self.now(), self.line);
        }
        Ok(acquired)
    }

    pub(super) fn release(&mut self, object: ObjectId) -> Result<(), Exit> {
        // The hold ends when the lock is free: time it before, since the next owner may
        // run (and time its own hold) before this thread gets to look at the clock again.
        let at = self.now();
        let shared = self.shared.clone();
        if let LiveObject::Semaphore { permits, value, changes } = &shared.objects[object.0 as usize] {
            let mut refused = None;
            let rule = |v| {
                let mut semaphore = permits.with_value(v);
                match semaphore.release() {
                    Ok(()) => Some(semaphore.value()),
                    Err(error) => {
                        refused = Some(error);
                        None
                    }
                }
            };
            let _ = value.fetch_update(Ordering::SeqCst, Ordering::SeqCst, rule);
            if let Some(error) = refused {
                return Err(self.raise(error));
            }
            announce(changes);
            self.rec.end(SpanKind::Hold(object), at);
            return Ok(());
        }
        let Some((lock_id, _)) = self.lock(object) else { unreachable!("validated: release on a lock-like object") };
        let LiveObject::Lock(lock) = &shared.objects[lock_id.0 as usize] else { unreachable!("a lock") };
        let me = self.id;
        match lock.apply(|l| l.release(me)) {
            Err(error) => Err(self.raise(error)),
            Ok(Release::StillHeld) => Ok(()),
            Ok(Release::Freed { .. }) => {
                lock.wake_waiters();
                self.rec.end(SpanKind::Hold(lock_id), at);
                Ok(())
            }
        }
    }

    // --- conditions ----------------------------------------------------------------------

    pub(super) fn cond_wait(&mut self, object: ObjectId, wait: Wait) -> Result<(), Exit> {
        let shared = self.shared.clone();
        let LiveObject::Condition { lock: lock_id, waiters } = &shared.objects[object.0 as usize] else {
            unreachable!("validated")
        };
        let LiveObject::Lock(lock) = &shared.objects[lock_id.0 as usize] else { unreachable!("validated") };
        let me = self.id;
        let levels = lock.apply(|l| l.owned_by(me));
        let token = Arc::new(AtomicU32::new(0));
        if let Err(error) = guard(waiters).wait(levels.is_some(), token.clone()) {
            return Err(self.raise(error));
        }
        // Let go of the lock completely (an RLock at every level), and wait.
        let at = self.now();
        lock.apply(AnyLock::release_save);
        lock.wake_waiters();
        self.rec.end(SpanKind::Hold(*lock_id), at);
        let notified =
            self.blocking_wait(WaitOn::Object(object), &token, wait, || token.load(Ordering::Acquire) == 1)?;
        if !notified {
            guard(waiters).leave(|t| Arc::ptr_eq(t, &token));
        }
        // `wait` returns only once it has the lock back, at the levels it had.
        self.acquire_at(*lock_id, Wait::Forever, levels)?;
        Ok(())
    }

    pub(super) fn cond_notify(&mut self, object: ObjectId, all: bool) -> Result<(), Exit> {
        let shared = self.shared.clone();
        let LiveObject::Condition { lock: lock_id, waiters } = &shared.objects[object.0 as usize] else {
            unreachable!("validated")
        };
        let LiveObject::Lock(lock) = &shared.objects[lock_id.0 as usize] else { unreachable!("validated") };
        let me = self.id;
        let owned = lock.apply(|l| l.owned_by(me)).is_some();
        let woken = guard(waiters).notify(owned, all);
        match woken {
            Err(error) => Err(self.raise(error)),
            Ok(woken) => {
                for token in woken {
                    token.store(1, Ordering::Release);
                    futex::wake_all(&token);
                }
                Ok(())
            }
        }
    }

    // --- events and barriers -------------------------------------------------------------

    pub(super) fn event_wait(&mut self, object: ObjectId, wait: Wait) -> Result<bool, Exit> {
        let shared = self.shared.clone();
        let LiveObject::Event { flag } = &shared.objects[object.0 as usize] else { unreachable!("validated") };
        let event = || Event::from_word(flag.load(Ordering::Acquire));
        match event().wait(wait) {
            Call::Returns(set) => Ok(set),
            Call::Blocks => self.blocking_wait(WaitOn::Object(object), flag, wait, || event().is_set()),
        }
    }

    /// `event.set()`, or `event.clear()` (`set` false).
    pub(super) fn event_set(&self, object: ObjectId, set: bool) {
        if let LiveObject::Event { flag } = &self.shared.objects[object.0 as usize] {
            let rule = |word| {
                let mut event = Event::from_word(word);
                if set {
                    event.set()
                } else {
                    event.clear()
                }
                Some(event.to_word())
            };
            let _ = flag.fetch_update(Ordering::AcqRel, Ordering::Acquire, rule);
            futex::wake_all(flag);
        }
    }

    /// `barrier.wait()`: the index of arrival, once all parties are there.
    pub(super) fn barrier_wait(&mut self, object: ObjectId) -> Result<i64, Exit> {
        let shared = self.shared.clone();
        let LiveObject::Barrier { state, generation } = &shared.objects[object.0 as usize] else {
            unreachable!("validated")
        };
        let arrival = {
            let mut barrier = guard(state);
            let gen = generation.load(Ordering::Acquire);
            let arrival = barrier.wait(());
            if let Ok(Arrival::Releases(_)) = arrival {
                // The last to arrive lets everyone through together.
                generation.fetch_add(1, Ordering::Release);
                futex::wake_all(generation);
            }
            (arrival, gen)
        };
        let (index, gen) = match arrival {
            (Err(error), _) => return Err(self.raise(error)),
            (Ok(Arrival::Releases(all)), _) => return Ok(all.len() as i64 - 1),
            (Ok(Arrival::Waits { index }), gen) => (index, gen),
        };
        let broken = || guard(state).is_broken();
        self.blocking_wait(WaitOn::Object(object), generation, Wait::Forever, || {
            generation.load(Ordering::Acquire) != gen || broken()
        })?;
        if generation.load(Ordering::Acquire) == gen && broken() {
            return Err(self.raise(errors::BROKEN_BARRIER));
        }
        Ok(index as i64)
    }

    pub(super) fn barrier_abort(&self, object: ObjectId) {
        if let LiveObject::Barrier { state, generation } = &self.shared.objects[object.0 as usize] {
            guard(state).abort();
            // The generation stays: the waiters must see a break, not a release. A waiter
            // that misses this wake sees the break at its next look, within a wait slice.
            futex::wake_all(generation);
        }
    }

    // --- shared values -------------------------------------------------------------------

    /// `v.value` or `v.value = x` on a `multiprocessing.Value`: each under its lock, so a
    /// `+=` is a locked read and then a separately locked write.
    pub(super) fn value_access(&mut self, object: ObjectId, reg: usize, store: bool) -> Result<(), Exit> {
        let shared = self.shared.clone();
        let LiveObject::Value { value, lock } = &shared.objects[object.0 as usize] else { unreachable!("validated") };
        self.acquire(*lock, Wait::Forever)?;
        if store {
            value.store(self.regs[reg], Ordering::SeqCst);
        } else {
            self.regs[reg] = value.load(Ordering::SeqCst);
        }
        self.release(*lock)
    }

    // --- queues and pipes ------------------------------------------------------------------

    fn message_mark(&mut self, kind: MarkKind) {
        let at = self.now();
        self.rec.mark(kind, at, self.line);
    }

    /// `q.put(item, block, timeout)`
    pub(super) fn put(&mut self, object: ObjectId, item: i64, wait: Wait) -> Result<(), Exit> {
        let shared = self.shared.clone();
        let LiveObject::Queue { state, changes } = &shared.objects[object.0 as usize] else {
            unreachable!("validated")
        };
        let sent = self.call(WaitOn::Object(object), changes, wait, |wait| guard(state).put(item, wait))?;
        announce(changes);
        self.message_mark(MarkKind::Sent { object, seq: sent.seq });
        Ok(())
    }

    /// `item = q.get(block, timeout)`
    pub(super) fn get(&mut self, object: ObjectId, reg: usize, wait: Wait) -> Result<(), Exit> {
        let shared = self.shared.clone();
        let LiveObject::Queue { state, changes } = &shared.objects[object.0 as usize] else {
            unreachable!("validated")
        };
        let got = self.call(WaitOn::Object(object), changes, wait, |wait| guard(state).get(wait))?;
        // Room now, for a putter waiting on a full queue.
        announce(changes);
        self.regs[reg] = got.value;
        self.message_mark(MarkKind::Received { object, seq: got.seq });
        Ok(())
    }

    /// `q.full()` (`full`) or `q.empty()`, as 0 or 1.
    pub(super) fn queue_state(&self, object: ObjectId, full: bool) -> i64 {
        let LiveObject::Queue { state, .. } = &self.shared.objects[object.0 as usize] else {
            unreachable!("validated")
        };
        let queue = guard(state);
        (if full { queue.full() } else { queue.empty() }) as i64
    }

    /// `conn.send(obj)` on one end; it arrives at the other.
    pub(super) fn send(&mut self, object: ObjectId, end: u8, item: i64) -> Result<(), Exit> {
        let shared = self.shared.clone();
        let LiveObject::Pipe { state, changes } = &shared.objects[object.0 as usize] else { unreachable!("validated") };
        let sent = guard(state).send(self.process as u16, end, item);
        match sent {
            Ok(sent) => {
                announce(changes);
                self.message_mark(MarkKind::Sent { object, seq: sent.seq });
                Ok(())
            }
            Err(error) => Err(self.raise(error)),
        }
    }

    /// `obj = conn.recv()`
    pub(super) fn recv(&mut self, object: ObjectId, end: u8, reg: usize) -> Result<(), Exit> {
        let shared = self.shared.clone();
        let LiveObject::Pipe { state, changes } = &shared.objects[object.0 as usize] else { unreachable!("validated") };
        let process = self.process as u16;
        let got = self.call(WaitOn::Object(object), changes, Wait::Forever, |_| guard(state).recv(process, end))?;
        self.regs[reg] = got.value;
        self.message_mark(MarkKind::Received { object, seq: got.seq });
        Ok(())
    }

    pub(super) fn close(&mut self, object: ObjectId, end: u8) {
        if let LiveObject::Pipe { state, changes } = &self.shared.objects[object.0 as usize] {
            guard(state).close(self.process as u16, end);
            // Receivers on the other end with nothing left to read get EOFError.
            announce(changes);
        }
    }
}

impl super::Shared {
    /// Process `p` starts (from `parent`) or exits (`None`): its copies of each pipe's ends
    /// come or go, and receivers look again.
    pub(super) fn pipe_copies(&self, p: usize, parent: Option<usize>) {
        for object in self.objects.iter() {
            let LiveObject::Pipe { state, changes } = object else { continue };
            match parent {
                Some(parent) => guard(state).fork(parent as u16, p as u16),
                None => {
                    guard(state).exit(p as u16);
                    announce(changes);
                }
            }
        }
    }
}
