//! asyncio in the simulator: a process's tasks take turns on its main thread, by the rules
//! of [`crate::engine::python::event_loop`].
//!
//! The loop's thread is whichever of its tasks runs now: that task has the thread's core
//! and GIL, and at an `await` both pass straight to the next ready task (no other thread
//! can slip in, no core is asked for). The other tasks are blocked: on a timer
//! (`Block::Await`), on another task, or in the ready queue (`Block::Ready`). Only when no
//! task is ready does the loop's thread let go of its core and GIL, as `select` does.

use super::{Block, Phase, Sim};
use crate::engine::costs;
use crate::engine::program::{ActorId, Op, OpKind};
use crate::engine::python::event_loop::EventLoop;
use crate::engine::sim::settings::SimError;
use crate::engine::trace::{MarkKind, Nanos, SpanKind, WaitOn};

impl Sim {
    /// The event loop of `a`'s process, made when its main coroutine first needs it.
    fn event_loop(&mut self, a: usize) -> &mut EventLoop<usize> {
        let p = self.actors[a].process;
        self.loops[p].get_or_insert_with(|| EventLoop::new(a))
    }

    /// `create_task`, `await asyncio.sleep` or `await task` by the running coroutine `a`.
    pub(super) fn execute_async(&mut self, a: usize, op: &Op, at: Nanos) -> Result<(), SimError> {
        match op.kind {
            OpKind::CreateTask { actor } => {
                let task = actor.0 as usize;
                self.event_loop(a).create_task(task);
                self.actors[task].phase = Phase::Blocked(Block::Ready);
                self.advance(a, at, costs::CREATE_TASK);
                Ok(())
            }
            OpKind::AwaitSleep { micros: 0 } => {
                self.actors[a].pc += 1;
                let next = self.event_loop(a).yield_now();
                self.switch_task(a, Block::Ready, next, at)
            }
            OpKind::AwaitSleep { micros } => {
                self.actors[a].pc += 1;
                // The timer is due on time; the loop's thread, if it waits for it, wakes late.
                let until = at + micros * 1000;
                let next = self.event_loop(a).sleep_until(until);
                self.switch_task(a, Block::Await { until: Some(until), on: None }, next, at)
            }
            OpKind::AwaitTask { actor } => {
                self.actors[a].pc += 1;
                let next = self.event_loop(a).await_task(actor.0 as usize);
                self.switch_task(a, Block::Await { until: None, on: Some(actor) }, next, at)
            }
            ref other => unreachable!("{other:?} is not asyncio's"),
        }
    }

    /// Task `a` suspends with `block`; the loop goes on with `next`, or waits for a timer.
    fn switch_task(&mut self, a: usize, block: Block, next: Option<usize>, at: Nanos) -> Result<(), SimError> {
        let cost = self.cost(costs::TASK_SWITCH);
        match next {
            Some(b) if b == a => {
                self.actors[a].clock = at + cost;
                Ok(())
            }
            Some(b) => {
                self.park(a, block, at);
                self.hand_loop(a, b, at, cost);
                Ok(())
            }
            None => self.block(a, block, at),
        }
    }

    /// Task `a` waits with `block`, its loop's thread busy elsewhere: no core, no GIL.
    fn park(&mut self, a: usize, block: Block, at: Nanos) {
        let kind = match block {
            Block::Await { on: Some(task), .. } => Some(SpanKind::Wait(WaitOn::Actor(task))),
            Block::Await { .. } => Some(SpanKind::Sleep),
            _ => None,
        };
        self.set_activity(a, kind, at);
        self.actors[a].phase = Phase::Blocked(block);
    }

    /// The loop's thread leaves task `a` for task `b` at `at`: its core and GIL go along,
    /// and `b` runs after the loop's own work, `cost`.
    fn hand_loop(&mut self, a: usize, b: usize, at: Nanos, cost: Nanos) {
        self.set_activity(b, None, at);
        if self.actors[a].holds_gil {
            let p = self.actors[a].process;
            self.actors[a].holds_gil = false;
            self.actors[a].rec.end(SpanKind::HoldGil, at);
            self.gils[p].holder = Some(b);
            self.actors[b].holds_gil = true;
            let line = self.line(b);
            self.actors[b].rec.begin(SpanKind::HoldGil, at, line);
        }
        match self.actors[a].core.take() {
            Some(core) => {
                let slice_end = self.cores[core].map_or(at + costs::OS_SLICE, |(_, end)| end);
                self.cores[core] = Some((b, slice_end));
                let actor = &mut self.actors[b];
                actor.core = Some(core);
                actor.phase = Phase::Runnable;
                actor.clock = at + cost;
            }
            None => self.make_runnable(b, at + cost),
        }
    }

    /// Task `a`'s `asyncio.sleep` is due: it joins the ready queue. If its loop was idle,
    /// it runs first, once the loop's thread wakes from its wait for the timer, as late as
    /// the operating system wakes it; timers due meanwhile queue behind it, by deadline,
    /// as `_run_once` takes every timer due when it wakes.
    pub(super) fn task_timer(&mut self, a: usize, at: Nanos) {
        let p = self.actors[a].process;
        let runs = self.loops[p].as_mut().and_then(|l| l.timer_fired(a));
        match runs {
            Some(b) => {
                let slept = self.program.actors[b].ops.get(self.actors[b].pc.wrapping_sub(1)).map_or(0, |op| {
                    if let OpKind::AwaitSleep { micros } = op.kind {
                        micros
                    } else {
                        0
                    }
                });
                let late = self.timer_late(slept);
                self.actors[b].phase = Phase::Blocked(Block::Pause { until: at + late, kind: SpanKind::Sleep });
            }
            None => self.park(a, Block::Ready, at),
        }
    }

    /// Task `a` has returned (or raised): its awaiters are ready, and the loop goes on with
    /// the next ready task, or waits for a timer.
    pub(super) fn task_exit(&mut self, a: usize, at: Nanos) -> Result<(), SimError> {
        let p = self.actors[a].process;
        let next = self.loops[p].as_mut().and_then(|l| l.finish());
        for w in 0..self.actors.len() {
            if self.actors[w].phase == Phase::Blocked(Block::Await { until: None, on: Some(ActorId(a as u16)) }) {
                self.park(w, Block::Ready, at);
            }
        }
        self.set_activity(a, None, at);
        match next {
            Some(b) => {
                let cost = self.cost(costs::TASK_SWITCH);
                self.hand_loop(a, b, at, cost);
            }
            None => {
                self.release_gil(a, at, false)?;
                self.free_core(a, at);
            }
        }
        let line = self.line(a);
        let actor = &mut self.actors[a];
        actor.rec.close_all(at);
        actor.rec.mark(MarkKind::Exited, at, line);
        actor.phase = Phase::Done;
        Ok(())
    }
}
