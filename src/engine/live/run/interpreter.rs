//! An actor's loop on its pool thread: one operation after another, the GIL taken and
//! handed over at check points, and every blocking wait a bounded futex sleep that tells
//! the watchdog what it waits for.

use std::sync::atomic::{AtomicI64, AtomicU32, Ordering};

use super::objects::LiveObject;
use super::watchdog::{encode_wait, PublishedWait};
use super::{Actor, ActorMessage, Exit};
use crate::engine::control::StopReason;
use crate::engine::live::futex;
use crate::engine::live::gil::{Gil, WAIT_SLICE};
use crate::engine::program::{Cond, ObjectId, OpKind, Wait};
use crate::engine::python::build::PythonModel;
use crate::engine::python::errors::{self, PyError};
use crate::engine::trace::{MarkKind, Nanos, SpanKind, WaitOn};

/// Counters of padding (a cache line) around an actor's loop counters.
const LOOP_PAD: usize = 8;
/// Operations between two looks at the clock and the control block.
const CHECK_EVERY: u32 = 1024;
/// How often an actor hands its new trace events to the run's owner.
const BATCH_EVERY: Nanos = 25_000_000;

impl Actor {
    /// Nanoseconds since the run began.
    pub(super) fn now(&self) -> Nanos {
        self.shared.clock.now().saturating_sub(self.shared.origin)
    }

    pub(super) fn gil(&self) -> Option<&Gil> {
        self.shared.settings.gil.then(|| &self.shared.gils[self.process])
    }

    pub(super) fn take_gil(&mut self) -> Result<(), StopReason> {
        let shared = self.shared.clone();
        let Some(gil) = shared.settings.gil.then(|| &shared.gils[self.process]) else { return Ok(()) };
        let asked_at = self.now();
        let report = gil.take(self.me, &*shared.clock, &shared.control)?;
        let got_at = self.now();
        if report.waited {
            self.rec.push_span(SpanKind::WaitGil, asked_at, got_at, self.line);
        }
        if report.drop_requests > 0 {
            self.rec.mark(MarkKind::GilDropRequest, got_at, self.line);
        }
        self.rec.begin(SpanKind::HoldGil, got_at, self.line);
        self.holds_gil = true;
        Ok(())
    }

    pub(super) fn release_gil(&mut self, at: Nanos) {
        if self.holds_gil {
            if let Some(gil) = self.gil() {
                gil.release(self.me);
            }
            self.rec.end(SpanKind::HoldGil, at);
            self.holds_gil = false;
        }
    }

    /// Leaves the interpreter for a blocking wait: Run ends, the GIL is released.
    pub(super) fn block(&mut self, kind: SpanKind) -> Nanos {
        let at = self.now();
        self.rec.end(SpanKind::Run, at);
        self.release_gil(at);
        self.rec.begin(kind, at, self.line);
        at
    }

    /// Back from a blocking wait: the wait ends, the GIL is taken again, Run resumes.
    pub(super) fn unblock(&mut self, kind: SpanKind) -> Result<(), StopReason> {
        let at = self.now();
        self.rec.end(kind, at);
        self.take_gil()?;
        self.rec.begin(SpanKind::Run, self.now(), self.line);
        Ok(())
    }

    /// A check point: hand the GIL over if another thread asked for it.
    #[inline]
    pub(super) fn check_point(&mut self) -> Result<(), StopReason> {
        // The common case first, with no clone of the shared state: an Arc clone is a write
        // to a cache line every thread of the run shares, and check points are hot.
        if !self.shared.settings.gil || !self.shared.gils[self.process].drop_requested() {
            return Ok(());
        }
        let shared = self.shared.clone();
        let gil = &shared.gils[self.process];
        let at = self.now();
        self.rec.end(SpanKind::Run, at);
        self.rec.end(SpanKind::HoldGil, at);
        self.holds_gil = false;
        let report = gil.yield_if_asked(self.me, &*shared.clock, &shared.control);
        let back = self.now();
        match report {
            Ok(_) => {
                self.holds_gil = true;
                self.rec.push_span(SpanKind::WaitGil, at, back, self.line);
                self.rec.begin(SpanKind::HoldGil, back, self.line);
                self.rec.begin(SpanKind::Run, back, self.line);
                Ok(())
            }
            Err(reason) => Err(reason),
        }
    }

    /// What every wait and long computation calls: `Err` once the run must end or this
    /// thread's process has ended around it.
    pub(super) fn halt_check(&self, now: Nanos) -> Result<(), Exit> {
        self.shared.control.check(now + self.shared.origin)?;
        if self.shared.actors[self.id.0 as usize].killed.load(Ordering::Relaxed) {
            return Err(Exit::Killed);
        }
        Ok(())
    }

    pub(super) fn raise(&mut self, error: PyError) -> Exit {
        let at = self.now();
        let raised_in = self.shared.program.raised_in(self.id);
        self.rec.raise(at, self.line, raised_in, error.exception, error.message.to_string());
        Exit::Raised
    }

    pub(super) fn is_value(&self, object: ObjectId) -> bool {
        matches!(self.shared.objects[object.0 as usize], LiveObject::Value { .. })
    }

    pub(super) fn var(&self, object: ObjectId) -> &AtomicI64 {
        &self.shared.vars[self.process][object.0 as usize]
    }

    /// A list's method on this process's copy, one step under the list's lock.
    fn list_op(&mut self, op: &OpKind) -> Result<(), Exit> {
        let object = op.object().expect("a list's method names its list");
        let shared = std::sync::Arc::clone(&self.shared);
        let mut list = shared.lists[self.process][object.0 as usize].lock().unwrap_or_else(|e| e.into_inner());
        let outcome = match *op {
            OpKind::ListAppend { ref value, .. } => list.append(value.value(&self.regs)).map(|()| None),
            OpKind::ListGet { ref index, reg, .. } => list.get(index.value(&self.regs)).map(|v| Some((reg, v))),
            OpKind::ListSet { ref index, ref value, .. } => {
                list.set(index.value(&self.regs), value.value(&self.regs)).map(|()| None)
            }
            OpKind::ListLen { reg, .. } => Ok(Some((reg, list.len()))),
            OpKind::ListPop { reg, .. } => list.pop().map(|v| Some((reg, v))),
            _ => unreachable!("a list's method"),
        };
        drop(list);
        match outcome {
            Ok(Some((reg, v))) => self.regs[reg.0 as usize] = v,
            Ok(None) => {}
            Err(e) => return Err(self.raise(e)),
        }
        Ok(())
    }

    pub(super) fn cond(&self, cond: Cond) -> bool {
        cond.holds(&self.regs)
    }

    /// Python's time for `real` nanoseconds of this run, under `time_scale`.
    pub(super) fn program_micros(&self, real: Nanos) -> i64 {
        (real as f64 / self.shared.settings.time_scale / 1000.0) as i64
    }

    pub(super) fn interpret(&mut self) -> Result<(), Exit> {
        let shared = self.shared.clone();
        let ops = &shared.program.actor(self.id).ops;
        let every_op_is_a_check_point = shared.settings.python.switch_model() == PythonModel::V3_9;
        // Written on every pass of a loop. A cache line of padding on each side: in the
        // browser one allocator hands out the actors' vectors side by side, and two threads
        // writing the same line run at a fraction of their speed.
        let mut loop_counts = vec![0u64; ops.len() + 2 * LOOP_PAD];
        let mut pc = 0usize;
        let mut since_check = 0u32;
        let mut ops = ops;
        loop {
            if pc >= ops.len() {
                // A task's return: its loop goes on with another coroutine.
                if !self.is_task() {
                    break;
                }
                pc = self.task_returned(pc, &mut loop_counts)?;
                ops = &shared.program.actor(self.id).ops;
                continue;
            }
            let op = &ops[pc];
            self.line = op.line;
            if every_op_is_a_check_point || op.kind.is_check_point(pc) {
                self.check_point()?;
            }
            since_check += 1;
            if since_check == CHECK_EVERY {
                since_check = 0;
                self.periodic(CHECK_EVERY as u64)?;
            }
            let mut next = pc + 1;
            match op.kind {
                // A free-threaded build runs Python code slower by its documented overhead (the
                // work of `Compute`; the engine's own steps are not charged it).
                OpKind::Compute { units } => self.compute(shared.settings.python.scaled(units))?,
                OpKind::Call => {}
                OpKind::Set { reg, value } => self.regs[reg.0 as usize] = value,
                OpKind::Add { reg, value } => {
                    let r = &mut self.regs[reg.0 as usize];
                    *r = r.wrapping_add(value);
                }
                OpKind::ListAppend { .. }
                | OpKind::ListGet { .. }
                | OpKind::ListSet { .. }
                | OpKind::ListLen { .. }
                | OpKind::ListPop { .. } => self.list_op(&op.kind)?,
                OpKind::Arith { reg, op, ref value } => {
                    match op.apply(self.regs[reg.0 as usize], value.value(&self.regs)) {
                        Some(v) => self.regs[reg.0 as usize] = v,
                        None => return Err(self.raise(errors::zero_divisor(op))),
                    }
                }
                OpKind::JumpIf { cond, to } => {
                    if self.cond(cond) {
                        next = to;
                    }
                }
                OpKind::Jump { to } => next = to,
                OpKind::Loop { to, times } => {
                    let count = loop_counts[LOOP_PAD + pc] + 1;
                    if count < times {
                        loop_counts[LOOP_PAD + pc] = count;
                        next = to;
                    } else {
                        loop_counts[LOOP_PAD + pc] = 0;
                    }
                }
                OpKind::Clock { reg } => self.regs[reg.0 as usize] = self.program_micros(self.now()),
                OpKind::Sleep { micros } => self.sleep(micros)?,
                OpKind::Print { ref text } => self.print(text)?,
                OpKind::Introspect { what, reg } => self.regs[reg.0 as usize] = self.introspect(what),
                OpKind::Raise { exception, ref message, origin } => {
                    let (at, raised_in) = (self.now(), shared.program.raised_in(self.id));
                    self.rec.raise_again(at, self.line, origin, raised_in, exception, message.clone());
                    return Err(Exit::Raised);
                }
                // Two separate atomic operations: the gap between them is where updates get lost.
                OpKind::Load { object, reg } | OpKind::Store { object, reg } if self.is_value(object) => {
                    self.value_access(object, reg.0 as usize, matches!(op.kind, OpKind::Store { .. }))?
                }
                OpKind::Load { object, reg } => self.regs[reg.0 as usize] = self.var(object).load(Ordering::Relaxed),
                OpKind::Store { object, reg } => self.var(object).store(self.regs[reg.0 as usize], Ordering::Relaxed),
                OpKind::Acquire { object, wait, result } => {
                    let acquired = self.acquire(object, wait)?;
                    if let Some(r) = result {
                        self.regs[r.0 as usize] = acquired as i64;
                    }
                }
                OpKind::Release { object } => self.release(object)?,
                OpKind::CondWait { object, wait } => self.cond_wait(object, wait)?,
                OpKind::CondNotify { object, all } => self.cond_notify(object, all)?,
                OpKind::EventSet { object } => self.event_set(object, true),
                OpKind::EventClear { object } => self.event_set(object, false),
                OpKind::EventWait { object, wait, result } => {
                    let set = self.event_wait(object, wait)?;
                    if let Some(r) = result {
                        self.regs[r.0 as usize] = set as i64;
                    }
                }
                OpKind::BarrierWait { object, result } => {
                    let index = self.barrier_wait(object)?;
                    if let Some(r) = result {
                        self.regs[r.0 as usize] = index;
                    }
                }
                OpKind::BarrierAbort { object } => self.barrier_abort(object),
                OpKind::Put { object, ref value, wait } => self.put(object, value.value(&self.regs), wait)?,
                OpKind::Get { object, reg, wait } => self.get(object, reg.0 as usize, wait)?,
                OpKind::QueueEmpty { object, reg } => self.regs[reg.0 as usize] = self.queue_state(object, false),
                OpKind::QueueFull { object, reg } => self.regs[reg.0 as usize] = self.queue_state(object, true),
                OpKind::Send { object, end, ref value } => self.send(object, end, value.value(&self.regs))?,
                OpKind::Recv { object, end, reg } => self.recv(object, end, reg.0 as usize)?,
                OpKind::Close { object, end } => self.close(object, end),
                OpKind::Start { actor } => self.start(actor)?,
                OpKind::Join { actor, wait } => self.join(actor, wait)?,
                OpKind::CreateTask { actor } => self.create_task(actor, LOOP_PAD),
                OpKind::AwaitSleep { .. } | OpKind::AwaitTask { .. } => {
                    next = self.await_op(&op.kind, next, &mut loop_counts)?;
                    ops = &shared.program.actor(self.id).ops;
                }
            }
            pc = next;
        }
        self.periodic(since_check as u64)?;
        Ok(())
    }

    /// Every so often: progress, the control block, and a trace batch for the page.
    pub(super) fn periodic(&mut self, ops: u64) -> Result<(), Exit> {
        self.shared.control.add_progress(ops);
        let now = self.now();
        self.halt_check(now)?;
        if now.saturating_sub(self.last_batch) >= BATCH_EVERY {
            self.last_batch = now;
            let batch = self.rec.take_batch();
            if !batch.is_empty() {
                let _ = self.shared.messages.send(ActorMessage::Batch(batch));
            }
        }
        Ok(())
    }

    /// Waits on `word` until `ready()` or the wait's own timeout. `Ok(false)` on timeout.
    pub(super) fn wait_on(&self, word: &AtomicU32, wait: Wait, ready: impl Fn() -> bool) -> Result<bool, Exit> {
        let start = self.now();
        let limit = match wait {
            Wait::Forever => Nanos::MAX,
            Wait::NoWait => 0,
            Wait::Timeout(micros) => (micros as f64 * 1000.0 * self.shared.settings.time_scale) as Nanos,
        };
        loop {
            let seen = word.load(Ordering::Acquire);
            if ready() {
                return Ok(true);
            }
            let now = self.now();
            self.halt_check(now)?;
            let waited = now.saturating_sub(start);
            if waited >= limit {
                return Ok(false);
            }
            futex::wait(word, seen, (limit - waited).min(WAIT_SLICE));
        }
    }

    /// Tells the watchdog what this actor waits for (or that it waits no more).
    pub(super) fn publish_wait(&self, on: Option<WaitOn>, wait: Wait) {
        let held_before = match on {
            Some(WaitOn::Object(object)) => self.lock(object).is_some_and(|(_, lock)| lock.holder() == Some(self.id)),
            _ => false,
        };
        let timed = wait != Wait::Forever;
        let word = on.map_or(0, |on| encode_wait(PublishedWait { on, held_before, timed }));
        self.shared.actors[self.id.0 as usize].waiting_on.store(word, Ordering::Release);
    }

    /// Blocks on `word` until `ready()`, telling the watchdog what it waits for.
    pub(super) fn blocking_wait(
        &mut self,
        on: WaitOn,
        word: &AtomicU32,
        wait: Wait,
        ready: impl Fn() -> bool,
    ) -> Result<bool, Exit> {
        let kind = SpanKind::Wait(on);
        self.block(kind);
        self.publish_wait(Some(on), wait);
        let got = self.wait_on(word, wait, ready);
        self.publish_wait(None, wait);
        let got = got?;
        self.unblock(kind)?;
        Ok(got)
    }
}
