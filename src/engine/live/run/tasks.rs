//! asyncio on the live engine: a process's tasks all run on its main thread's pool thread,
//! by the rules of [`crate::engine::python::event_loop`].
//!
//! The running coroutine's state (who it is, its registers, its place in its operations,
//! its loop counters and its recorder) is the [`Actor`]'s own; at an `await` that suspends,
//! it is parked and the next ready task's state is put in its place, on the same real
//! thread, which keeps the GIL throughout. With no task ready, the thread lets go of the
//! GIL and sleeps until the earliest timer. Tasks take no pool thread of their own.

use std::sync::atomic::Ordering;

use super::{Actor, ActorMessage, Exit};
use crate::engine::live::futex;
use crate::engine::program::{ActorId, ActorRole, Line, OpKind, REGISTERS};
use crate::engine::python::event_loop::EventLoop;
use crate::engine::trace::{ActorRecorder, MarkKind, Nanos, SpanKind};

/// A coroutine's state while its loop's thread runs another.
pub(super) struct Parked {
    id: ActorId,
    rec: ActorRecorder,
    regs: [i64; REGISTERS],
    pc: usize,
    loop_counts: Vec<u64>,
    line: Line,
    started: bool,
}

/// The event loop a process's main thread runs, once its first task is created.
pub(super) struct LiveLoop {
    tasks: EventLoop<ActorId>,
    parked: Vec<Parked>,
}

impl Actor {
    /// Whether the running coroutine is a task (not the loop's main coroutine).
    pub(super) fn is_task(&self) -> bool {
        self.shared.program.actor(self.id).role == ActorRole::Task
    }

    fn event_loop(&mut self) -> &mut LiveLoop {
        let me = self.id;
        self.event_loop.get_or_insert_with(|| Box::new(LiveLoop { tasks: EventLoop::new(me), parked: Vec::new() }))
    }

    /// `asyncio.create_task`: scheduled on this thread's loop, not run.
    pub(super) fn create_task(&mut self, task: ActorId, loop_padding: usize) {
        let shared = self.shared.clone();
        let slot = &shared.actors[task.0 as usize];
        slot.started.store(true, Ordering::SeqCst);
        let thread = shared.actors[self.me as usize].pool_thread.load(Ordering::Relaxed);
        slot.pool_thread.store(thread, Ordering::Relaxed);
        let ops = &shared.program.actor(task).ops;
        let parked = Parked {
            id: task,
            rec: ActorRecorder::new(task, shared.settings.budget),
            regs: [0; REGISTERS],
            pc: 0,
            loop_counts: vec![0; ops.len() + 2 * loop_padding],
            line: ops.first().map_or(1, |op| op.line),
            started: false,
        };
        let event_loop = self.event_loop();
        event_loop.tasks.create_task(task);
        event_loop.parked.push(parked);
    }

    /// `await asyncio.sleep` or `await task` after which the coroutine goes on at `pc`:
    /// the place to go on from, maybe another task's (whose state is then this actor's).
    pub(super) fn await_op(&mut self, op: &OpKind, pc: usize, loop_counts: &mut Vec<u64>) -> Result<usize, Exit> {
        let scale = self.shared.settings.time_scale;
        let now = self.now();
        let event_loop = self.event_loop();
        let next = match *op {
            OpKind::AwaitSleep { micros: 0 } => event_loop.tasks.yield_now(),
            OpKind::AwaitSleep { micros } => {
                event_loop.tasks.sleep_until(now + (micros as f64 * 1000.0 * scale) as Nanos)
            }
            OpKind::AwaitTask { actor } => event_loop.tasks.await_task(actor),
            _ => unreachable!("not an await"),
        };
        self.switch(next, pc, loop_counts, false)
    }

    /// The running task has returned: its awaiters are ready; the place to go on from.
    pub(super) fn task_returned(&mut self, pc: usize, loop_counts: &mut Vec<u64>) -> Result<usize, Exit> {
        let next = self.event_loop().tasks.finish();
        self.switch(next, pc, loop_counts, true)
    }

    /// Runs `next`, or (with no task ready) sleeps until a timer readies one; the current
    /// coroutine, at `pc`, is parked, or reported as ended if it `finished`.
    fn switch(
        &mut self,
        mut next: Option<ActorId>,
        pc: usize,
        loop_counts: &mut Vec<u64>,
        finished: bool,
    ) -> Result<usize, Exit> {
        while next.is_none() {
            let deadline = self.event_loop().tasks.next_deadline();
            // Nothing to wait for can only be a task awaiting itself in a cycle: stop here.
            let Some(deadline) = deadline else { return Err(Exit::Stopped) };
            // The loop's thread waits in `select` with the GIL let go.
            self.block(SpanKind::Sleep);
            self.wait_until(deadline)?;
            self.unblock(SpanKind::Sleep)?;
            let now = self.now();
            next = self.event_loop().tasks.fire_due(now);
        }
        let next = next.expect("a task is ready");
        if next == self.id && !finished {
            return Ok(pc);
        }
        let at = self.now();
        self.rec.end(SpanKind::Run, at);
        if self.holds_gil {
            self.rec.end(SpanKind::HoldGil, at);
        }
        let incoming = {
            let parked = &mut self.event_loop.as_mut().expect("a loop runs tasks").parked;
            let i = parked.iter().position(|p| p.id == next).expect("a ready task is parked");
            parked.swap_remove(i)
        };
        let outgoing = Parked {
            id: std::mem::replace(&mut self.id, incoming.id),
            rec: std::mem::replace(&mut self.rec, incoming.rec),
            regs: std::mem::replace(&mut self.regs, incoming.regs),
            pc,
            loop_counts: std::mem::replace(loop_counts, incoming.loop_counts),
            line: std::mem::replace(&mut self.line, incoming.line),
            started: true,
        };
        if finished {
            self.report_task_end(outgoing, at);
        } else {
            self.event_loop().parked.push(outgoing);
        }
        if !incoming.started {
            self.rec.mark(MarkKind::Started, at, self.line);
        }
        if self.holds_gil {
            self.rec.begin(SpanKind::HoldGil, at, self.line);
        }
        self.rec.begin(SpanKind::Run, at, self.line);
        Ok(incoming.pc)
    }

    /// A task's end, as its own pool thread's end would be reported.
    fn report_task_end(&self, task: Parked, at: Nanos) {
        let mut rec = task.rec;
        rec.close_all(at);
        rec.mark(MarkKind::Exited, at, task.line);
        let _ = self.shared.messages.send(ActorMessage::Done { actor: task.id, recorder: rec });
        let slot = &self.shared.actors[task.id.0 as usize];
        slot.done.store(1, Ordering::SeqCst);
        futex::wake_all(&slot.done);
    }

    /// The loop's thread ends (its main coroutine returned, raised, or the run stopped):
    /// every task still parked, and the running one if it is not the main coroutine, ends
    /// with it (as `asyncio.run` cancels them); the main coroutine's state is this actor's.
    pub(super) fn end_loop(&mut self, at: Nanos) {
        let Some(mut event_loop) = self.event_loop.take() else { return };
        let owner = ActorId(self.me as u16);
        if self.id != owner {
            if let Some(i) = event_loop.parked.iter().position(|p| p.id == owner) {
                let main = event_loop.parked.swap_remove(i);
                let running = Parked {
                    id: std::mem::replace(&mut self.id, main.id),
                    rec: std::mem::replace(&mut self.rec, main.rec),
                    regs: std::mem::replace(&mut self.regs, main.regs),
                    pc: 0,
                    loop_counts: Vec::new(),
                    line: std::mem::replace(&mut self.line, main.line),
                    started: true,
                };
                self.report_task_end(running, at);
            }
        }
        for task in event_loop.parked.drain(..) {
            self.report_task_end(task, at);
        }
    }
}
