//! The Python objects of a simulated run: each one's state and rules from
//! [`crate::engine::python`], beside the actors blocked on it in the order the simulator
//! serves them. A freed lock or permit goes to a waiter drawn with the seed (the operating
//! system picks one, not the first to come); queues and pipes hand an item straight to
//! the first waiting receiver.

use std::collections::VecDeque;

use super::{Block, Phase, Sim, Wake};
use crate::engine::costs;
use crate::engine::program::{ActorId, ObjectId, ObjectKind, Wait};
use crate::engine::python::any_lock::AnyLock;
use crate::engine::python::barrier::{Arrival, Barrier};
use crate::engine::python::condition::Condition;
use crate::engine::python::event::Event;
use crate::engine::python::lock::Release;
use crate::engine::python::pipe::Pipe;
use crate::engine::python::queue::Queue;
use crate::engine::python::semaphore::Semaphore;
use crate::engine::python::value::{Access, Value};
use crate::engine::python::{errors, try_or_wait, Call};
use crate::engine::sim::settings::SimError;
use crate::engine::trace::{MarkKind, Nanos, SpanKind, WaitOn};

pub(super) enum Object {
    /// A plain variable: its value lives in each process's copy of the variables.
    Var,
    Value(Value),
    Lock {
        lock: AnyLock,
        waiters: Vec<usize>,
    },
    Semaphore {
        semaphore: Semaphore,
        waiters: Vec<usize>,
    },
    Condition(Condition<usize>),
    Event {
        event: Event,
        waiters: Vec<usize>,
    },
    Barrier(Barrier<usize>),
    Queue {
        queue: Queue,
        getters: VecDeque<usize>,
        /// Each with its item waiting in [`super::Actor::pending_put`].
        putters: VecDeque<usize>,
    },
    Pipe {
        pipe: Pipe,
        /// Receivers waiting at each end.
        receivers: [VecDeque<usize>; 2],
    },
}

impl Object {
    pub(super) fn new(kind: &ObjectKind) -> Object {
        match *kind {
            // A list's copies live beside the variables' (`Sim::lists`).
            ObjectKind::Var { .. } | ObjectKind::List { .. } => Object::Var,
            ObjectKind::SharedValue { initial, lock } => Object::Value(Value::new(initial, lock)),
            ObjectKind::Lock => Object::Lock { lock: AnyLock::new(false), waiters: Vec::new() },
            ObjectKind::RLock => Object::Lock { lock: AnyLock::new(true), waiters: Vec::new() },
            ObjectKind::Semaphore { permits, bounded } => {
                Object::Semaphore { semaphore: Semaphore::new(permits, bounded), waiters: Vec::new() }
            }
            ObjectKind::Condition { lock } => Object::Condition(Condition::new(lock)),
            ObjectKind::Event => Object::Event { event: Event::default(), waiters: Vec::new() },
            ObjectKind::Barrier { parties } => Object::Barrier(Barrier::new(parties)),
            ObjectKind::Queue { maxsize } => {
                Object::Queue { queue: Queue::new(maxsize), getters: VecDeque::new(), putters: VecDeque::new() }
            }
            ObjectKind::Pipe { duplex } => {
                Object::Pipe { pipe: Pipe::new(duplex), receivers: [VecDeque::new(), VecDeque::new()] }
            }
        }
    }

    /// Who holds it, for the wait-for graph: a lock's holder (permits have none).
    pub(super) fn holder(&self) -> Option<ActorId> {
        match self {
            Object::Lock { lock, .. } => lock.holder(),
            _ => None,
        }
    }

    /// An actor that ended while blocked here waits no more.
    pub(super) fn forget(&mut self, a: usize) {
        match self {
            Object::Lock { waiters, .. } | Object::Semaphore { waiters, .. } | Object::Event { waiters, .. } => {
                waiters.retain(|w| *w != a)
            }
            Object::Condition(cond) => cond.leave(|w| *w == a),
            Object::Queue { getters, putters, .. } => {
                getters.retain(|w| *w != a);
                putters.retain(|w| *w != a);
            }
            Object::Pipe { receivers, .. } => receivers.iter_mut().for_each(|r| r.retain(|w| *w != a)),
            Object::Barrier(barrier) => barrier.leave(|w| *w == a),
            Object::Var | Object::Value(_) => {}
        }
    }
}

fn me(a: usize) -> ActorId {
    ActorId(a as u16)
}

impl Sim {
    /// A blocked operation's timeout passed at `at`.
    pub(super) fn time_out(&mut self, a: usize, block: Block, at: Nanos) {
        match block {
            Block::Acquire { object, .. } | Block::Event { object, .. } => {
                self.objects[object.0 as usize].forget(a);
                // `acquire` and `wait` return False.
                self.wake(a, Wake::Value(0), at);
            }
            Block::CondWait { object, .. } => {
                self.objects[object.0 as usize].forget(a);
                // It still takes the lock back; then `wait` returns False.
                self.reacquire_after_wait(a, object, 0, at);
            }
            Block::Put { object, .. } => {
                self.objects[object.0 as usize].forget(a);
                self.wake(a, Wake::Raise(Queue::PUT_TIMED_OUT), at);
            }
            Block::Get { object, .. } => {
                self.objects[object.0 as usize].forget(a);
                self.wake(a, Wake::Raise(Queue::GET_TIMED_OUT), at);
            }
            _ => {}
        }
    }

    fn result_to(&mut self, a: usize, value: i64) {
        if let Some(r) = Self::result_register(&self.program.actors[a].ops[self.actors[a].pc].kind) {
            self.actors[a].regs[r.0 as usize] = value;
        }
    }

    // --- locks and semaphores --------------------------------------------------------------

    /// The lock object behind a lock-like object (a Condition's lock, or itself).
    pub(super) fn lock_of(&self, object: ObjectId) -> ObjectId {
        match &self.objects[object.0 as usize] {
            Object::Condition(cond) => cond.lock(),
            _ => object,
        }
    }

    /// How many levels actor `a` holds the lock `lock` at, if it holds it.
    fn owns(&self, a: usize, lock: ObjectId) -> Option<u32> {
        match &self.objects[lock.0 as usize] {
            Object::Lock { lock, .. } => lock.owned_by(me(a)),
            _ => None,
        }
    }

    pub(super) fn acquire(&mut self, a: usize, object: ObjectId, wait: Wait, at: Nanos) -> Result<(), SimError> {
        let lock = self.lock_of(object);
        let granted = match &mut self.objects[lock.0 as usize] {
            Object::Lock { lock, .. } => lock.acquire(me(a)).granted(),
            Object::Semaphore { semaphore, .. } => semaphore.acquire(),
            _ => unreachable!("validated: acquire on a lock-like object"),
        };
        if let Call::Returns(got) = try_or_wait(granted, wait) {
            self.result_to(a, got as i64);
            if got {
                let line = self.line(a);
                self.actors[a].rec.begin(SpanKind::Hold(lock), at, line);
            }
            self.advance(a, at, costs::LOCK_OP);
            return Ok(());
        }
        match &mut self.objects[lock.0 as usize] {
            Object::Lock { waiters, .. } | Object::Semaphore { waiters, .. } => waiters.push(a),
            _ => {}
        }
        let until = self.wait_until(wait, at);
        self.block(a, Block::Acquire { object: lock, until }, at)
    }

    /// Gives a freed lock (or permit) to one of its waiters, chosen as the OS would: not in
    /// order of arrival.
    pub(super) fn grant(&mut self, lock: ObjectId, at: Nanos) -> Result<(), SimError> {
        let waiters = match &self.objects[lock.0 as usize] {
            Object::Lock { waiters, .. } | Object::Semaphore { waiters, .. } => waiters.clone(),
            _ => return Ok(()),
        };
        if waiters.is_empty() {
            return Ok(());
        }
        let next = self.choose(&waiters);
        let granted = match &mut self.objects[lock.0 as usize] {
            Object::Lock { lock, waiters } => {
                waiters.retain(|w| *w != next);
                // A Condition waiter gets back the levels it had; anyone else starts at 1.
                let levels = std::mem::replace(&mut self.actors[next].cond_count, 0).max(1);
                lock.acquire_restore(me(next), levels)
            }
            Object::Semaphore { semaphore, waiters } => {
                waiters.retain(|w| *w != next);
                semaphore.acquire()
            }
            _ => false,
        };
        debug_assert!(granted, "a lock or permit is granted only once free");
        let woke = at + self.draw(&costs::THREAD_WAKE);
        self.wake(next, Wake::Value(1), woke);
        Ok(())
    }

    pub(super) fn release(&mut self, a: usize, object: ObjectId, at: Nanos) -> Result<(), SimError> {
        let lock = self.lock_of(object);
        // Whose hold ends: a Lock's holder (anyone may release a Lock), else the releaser.
        let released = match &mut self.objects[lock.0 as usize] {
            Object::Lock { lock, .. } => lock.release(me(a)).map(|release| match release {
                Release::Freed { holder } => Some(holder.0 as usize),
                Release::StillHeld => None,
            }),
            Object::Semaphore { semaphore, .. } => semaphore.release().map(|()| Some(a)),
            _ => unreachable!("validated: release on a lock-like object"),
        };
        match released {
            Err(error) => self.raise(a, error, at),
            Ok(freed) => {
                if let Some(holder) = freed {
                    self.actors[holder].rec.end(SpanKind::Hold(lock), at);
                    self.grant(lock, at)?;
                }
                self.advance(a, at, costs::LOCK_OP);
                Ok(())
            }
        }
    }

    // --- conditions ----------------------------------------------------------------------

    pub(super) fn cond_wait(&mut self, a: usize, object: ObjectId, wait: Wait, at: Nanos) -> Result<(), SimError> {
        let lock = self.lock_of(object);
        let owned = self.owns(a, lock);
        let Object::Condition(cond) = &mut self.objects[object.0 as usize] else { unreachable!("validated") };
        if let Err(error) = cond.wait(owned.is_some(), a) {
            return self.raise(a, error, at);
        }
        // Let go of the lock completely (an RLock at every level), remembering the levels.
        if let Object::Lock { lock, .. } = &mut self.objects[lock.0 as usize] {
            lock.release_save();
        }
        self.actors[a].cond_count = owned.unwrap_or(1);
        self.actors[a].rec.end(SpanKind::Hold(lock), at);
        self.grant(lock, at)?;
        let until = self.wait_until(wait, at);
        self.block(a, Block::CondWait { object, until }, at)
    }

    /// After a notify or a timeout, a Condition waiter must get its lock back before
    /// `wait` returns (`result`: 1 notified, 0 timed out).
    fn reacquire_after_wait(&mut self, a: usize, object: ObjectId, result: i64, at: Nanos) {
        let lock = self.lock_of(object);
        let levels = self.actors[a].cond_count.max(1);
        let Object::Lock { lock: inner, waiters } = &mut self.objects[lock.0 as usize] else {
            unreachable!("validated: a Condition wraps a lock")
        };
        if inner.acquire_restore(me(a), levels) {
            self.actors[a].cond_count = 0;
            // Completing the wait shows the hold again.
            self.wake(a, Wake::Value(result), at);
        } else {
            waiters.push(a);
            self.set_activity(a, Some(SpanKind::Wait(WaitOn::Object(lock))), at);
            self.actors[a].phase = Phase::Blocked(Block::Acquire { object: lock, until: None });
        }
    }

    pub(super) fn cond_notify(&mut self, a: usize, object: ObjectId, all: bool, at: Nanos) -> Result<(), SimError> {
        let owned = self.owns(a, self.lock_of(object)).is_some();
        let Object::Condition(cond) = &mut self.objects[object.0 as usize] else { unreachable!("validated") };
        match cond.notify(owned, all) {
            Err(error) => self.raise(a, error, at),
            Ok(woken) => {
                for w in woken {
                    self.reacquire_after_wait(w, object, 1, at);
                }
                self.advance(a, at, costs::LOCK_OP);
                Ok(())
            }
        }
    }

    // --- events --------------------------------------------------------------------------

    /// `set()` (`true`) or `clear()`.
    pub(super) fn event_set(&mut self, a: usize, object: ObjectId, set: bool, at: Nanos) -> Result<(), SimError> {
        if let Object::Event { event, waiters } = &mut self.objects[object.0 as usize] {
            if !set {
                event.clear();
            } else {
                event.set();
                // Every waiter's `wait` returns True.
                for w in std::mem::take(waiters) {
                    let t = at + self.draw(&costs::THREAD_WAKE);
                    self.wake(w, Wake::Value(1), t);
                }
            }
        }
        self.advance(a, at, costs::LOCK_OP);
        Ok(())
    }

    pub(super) fn event_wait(&mut self, a: usize, object: ObjectId, wait: Wait, at: Nanos) -> Result<(), SimError> {
        let Object::Event { event, waiters } = &mut self.objects[object.0 as usize] else { unreachable!("validated") };
        match event.wait(wait) {
            Call::Returns(set) => {
                self.result_to(a, set as i64);
                self.advance(a, at, costs::LOCK_OP);
                Ok(())
            }
            Call::Blocks => {
                waiters.push(a);
                let until = self.wait_until(wait, at);
                self.block(a, Block::Event { object, until }, at)
            }
        }
    }

    // --- barriers ------------------------------------------------------------------------

    pub(super) fn barrier_wait(&mut self, a: usize, object: ObjectId, at: Nanos) -> Result<(), SimError> {
        let Object::Barrier(barrier) = &mut self.objects[object.0 as usize] else { unreachable!("validated") };
        match barrier.wait(a) {
            Err(error) => self.raise(a, error, at),
            Ok(Arrival::Waits { .. }) => self.block(a, Block::Barrier { object }, at),
            // The last to arrive lets everyone through together; each gets its arrival index.
            Ok(Arrival::Releases(all)) => {
                for (index, w) in all.into_iter().enumerate() {
                    if w == a {
                        self.result_to(a, index as i64);
                    } else {
                        let t = at + self.draw(&costs::THREAD_WAKE);
                        self.wake(w, Wake::Value(index as i64), t);
                    }
                }
                self.advance(a, at, costs::LOCK_OP);
                Ok(())
            }
        }
    }

    pub(super) fn barrier_abort(&mut self, a: usize, object: ObjectId, at: Nanos) -> Result<(), SimError> {
        if let Object::Barrier(barrier) = &mut self.objects[object.0 as usize] {
            for w in barrier.abort() {
                self.wake(w, Wake::Raise(errors::BROKEN_BARRIER), at);
            }
        }
        self.advance(a, at, costs::LOCK_OP);
        Ok(())
    }

    // --- shared values -------------------------------------------------------------------

    /// `v.value` into register `reg`, or (`store`) register `reg` into `v.value`: `false`
    /// when it must wait for the Value's lock (it is queued for it; the caller blocks).
    pub(super) fn value_access(&mut self, a: usize, object: ObjectId, reg: usize, store: bool) -> bool {
        let Object::Value(value) = &self.objects[object.0 as usize] else { unreachable!("a Value") };
        let lock = value.lock();
        let Object::Lock { lock: inner, waiters } = &mut self.objects[lock.0 as usize] else {
            unreachable!("validated: a Value's lock is a Lock or RLock")
        };
        // Granted while it waited, the access holds the lock already.
        if self.actors[a].value_lock != Some(lock) {
            match Value::access(inner, me(a)) {
                Access::Waits => {
                    waiters.push(a);
                    return false;
                }
                // Held until this actor's next step: the access takes that long.
                Access::Took => self.actors[a].value_lock = Some(lock),
                Access::InHold => {}
            }
        }
        let Object::Value(value) = &mut self.objects[object.0 as usize] else { unreachable!("a Value") };
        if store {
            value.store(self.actors[a].regs[reg]);
        } else {
            self.actors[a].regs[reg] = value.load();
        }
        true
    }

    /// The lock a Value access holds is let go at `at` and goes to a waiter, if any.
    pub(super) fn end_value_access(&mut self, lock: ObjectId, at: Nanos) -> Result<(), SimError> {
        if let Object::Lock { lock, .. } = &mut self.objects[lock.0 as usize] {
            lock.release_save();
        }
        self.grant(lock, at)
    }

    /// The lock a Value access waits for, if `object` is a Value.
    pub(super) fn value_lock(&self, object: ObjectId) -> Option<ObjectId> {
        match &self.objects[object.0 as usize] {
            Object::Value(value) => Some(value.lock()),
            _ => None,
        }
    }

    // --- queues and pipes ------------------------------------------------------------------

    fn message_mark(&mut self, a: usize, kind: MarkKind, at: Nanos) {
        let line = self.line(a);
        self.actors[a].rec.mark(kind, at, line);
    }

    /// `q.empty()`, or `q.full()` (`full`).
    pub(super) fn queue_test(&self, object: ObjectId, full: bool) -> bool {
        match &self.objects[object.0 as usize] {
            Object::Queue { queue, .. } => {
                if full {
                    queue.full()
                } else {
                    queue.empty()
                }
            }
            _ => false,
        }
    }

    pub(super) fn put(
        &mut self,
        a: usize,
        object: ObjectId,
        value: i64,
        wait: Wait,
        at: Nanos,
    ) -> Result<(), SimError> {
        let Object::Queue { queue, getters, putters } = &mut self.objects[object.0 as usize] else {
            unreachable!("validated")
        };
        let item = match queue.put(value, wait) {
            Err(error) => return self.raise(a, error, at),
            Ok(Call::Blocks) => {
                putters.push_back(a);
                self.actors[a].pending_put = value;
                let until = self.wait_until(wait, at);
                return self.block(a, Block::Put { object, until }, at);
            }
            Ok(Call::Returns(item)) => item,
        };
        // A waiting getter takes the item at once (the queue was empty, or it would not wait).
        if let Some(g) = getters.pop_front() {
            let _ = queue.get(Wait::NoWait);
            let t = at + self.message_wake(a, g, &costs::MP_QUEUE_WAKE);
            self.wake(g, Wake::Value(item.value), t);
            self.message_mark(g, MarkKind::Received { object, seq: item.seq }, t);
        }
        self.message_mark(a, MarkKind::Sent { object, seq: item.seq }, at);
        self.advance(a, at, 4 * costs::LOCK_OP);
        Ok(())
    }

    pub(super) fn get(&mut self, a: usize, object: ObjectId, wait: Wait, at: Nanos) -> Result<(), SimError> {
        let Object::Queue { queue, getters, putters } = &mut self.objects[object.0 as usize] else {
            unreachable!("validated")
        };
        let item = match queue.get(wait) {
            Err(error) => return self.raise(a, error, at),
            Ok(Call::Blocks) => {
                getters.push_back(a);
                let until = self.wait_until(wait, at);
                return self.block(a, Block::Get { object, until }, at);
            }
            Ok(Call::Returns(item)) => item,
        };
        // Room now: the first blocked putter's item goes in, and its put returns.
        if let Some(p) = putters.pop_front() {
            let put = queue.put(self.actors[p].pending_put, Wait::NoWait);
            let t = at + self.message_wake(a, p, &costs::MP_QUEUE_WAKE);
            self.wake(p, Wake::Value(0), t);
            match put {
                Ok(Call::Returns(sent)) => self.message_mark(p, MarkKind::Sent { object, seq: sent.seq }, t),
                _ => debug_assert!(false, "a get made room"),
            }
        }
        self.result_to(a, item.value);
        self.message_mark(a, MarkKind::Received { object, seq: item.seq }, at);
        self.advance(a, at, 4 * costs::LOCK_OP);
        Ok(())
    }

    pub(super) fn send(&mut self, a: usize, object: ObjectId, end: u8, value: i64, at: Nanos) -> Result<(), SimError> {
        let process = self.actors[a].process as u16;
        let Object::Pipe { pipe, receivers } = &mut self.objects[object.0 as usize] else { unreachable!("validated") };
        let to = 1 - end;
        let item = match pipe.send(process, end, value) {
            Err(error) => return self.raise(a, error, at),
            Ok(item) => item,
        };
        // A receiver waiting at the other end takes it at once (nothing else was there).
        if let Some(r) = receivers[to as usize].pop_front() {
            let _ = pipe.recv(self.actors[r].process as u16, to);
            let t = at + self.message_wake(a, r, &costs::PIPE_WAKE);
            self.wake(r, Wake::Value(item.value), t);
            self.message_mark(r, MarkKind::Received { object, seq: item.seq }, t);
        }
        self.message_mark(a, MarkKind::Sent { object, seq: item.seq }, at);
        self.advance(a, at, 4 * costs::LOCK_OP);
        Ok(())
    }

    pub(super) fn recv(&mut self, a: usize, object: ObjectId, end: u8, at: Nanos) -> Result<(), SimError> {
        let process = self.actors[a].process as u16;
        let Object::Pipe { pipe, receivers } = &mut self.objects[object.0 as usize] else { unreachable!("validated") };
        match pipe.recv(process, end) {
            Err(error) => self.raise(a, error, at),
            Ok(Call::Blocks) => {
                receivers[end as usize].push_back(a);
                self.block(a, Block::Recv { object, end }, at)
            }
            Ok(Call::Returns(item)) => {
                self.result_to(a, item.value);
                self.message_mark(a, MarkKind::Received { object, seq: item.seq }, at);
                self.advance(a, at, 4 * costs::LOCK_OP);
                Ok(())
            }
        }
    }

    pub(super) fn close(&mut self, a: usize, object: ObjectId, end: u8, at: Nanos) -> Result<(), SimError> {
        let process = self.actors[a].process as u16;
        if let Object::Pipe { pipe, .. } = &mut self.objects[object.0 as usize] {
            pipe.close(process, end);
        }
        self.retry_receivers(object, at);
        self.advance(a, at, costs::LOCK_OP);
        Ok(())
    }

    /// A copy of an end went (closed, or its process exited): receivers waiting at either
    /// end try again, and those with nothing left to come get `EOFError`.
    pub(super) fn retry_receivers(&mut self, object: ObjectId, at: Nanos) {
        let Object::Pipe { receivers, .. } = &mut self.objects[object.0 as usize] else { return };
        let waiting: Vec<(u8, usize)> =
            (0..2u8).flat_map(|e| receivers[e as usize].drain(..).map(move |r| (e, r)).collect::<Vec<_>>()).collect();
        for (end, r) in waiting {
            let process = self.actors[r].process as u16;
            let Object::Pipe { pipe, receivers } = &mut self.objects[object.0 as usize] else { unreachable!() };
            match pipe.recv(process, end) {
                Err(error) => self.wake(r, Wake::Raise(error), at),
                Ok(Call::Blocks) => receivers[end as usize].push_back(r),
                Ok(Call::Returns(item)) => {
                    debug_assert!(false, "a waiting receiver found a message: {item:?}");
                    self.wake(r, Wake::Value(item.value), at);
                }
            }
        }
    }

    /// Process `p` starts (by fork, or by spawn, which here inherits the ends as fork
    /// does) or exits: its copies of each pipe's ends come or go.
    pub(super) fn pipe_copies(&mut self, p: usize, parent: Option<usize>, at: Nanos) {
        for i in 0..self.objects.len() {
            let Object::Pipe { pipe, .. } = &mut self.objects[i] else { continue };
            match parent {
                Some(parent) => pipe.fork(parent as u16, p as u16),
                None => {
                    pipe.exit(p as u16);
                    self.retry_receivers(ObjectId(i as u16), at);
                }
            }
        }
    }
}
