//! Each process's GIL in the simulator: who holds it, the drop request, and the hand-over
//! to one of its waiters.

use super::{Block, Phase, Sim};
use crate::engine::costs;
use crate::engine::sim::settings::SimError;
use crate::engine::trace::{Nanos, SpanKind};

#[derive(Default)]
pub(super) struct Gil {
    pub(super) holder: Option<usize>,
    last_holder: Option<usize>,
    pub(super) drop_request: bool,
    pub(super) switches: u64,
    pub(super) handoffs: u64,
}

impl Sim {
    pub(super) fn take_gil(&mut self, a: usize, at: Nanos) {
        let p = self.actors[a].process;
        let gil = &mut self.gils[p];
        gil.holder = Some(a);
        gil.switches += 1;
        gil.drop_request = false;
        if gil.last_holder.is_some_and(|last| last != a) {
            gil.handoffs += 1;
        }
        gil.last_holder = Some(a);
        self.actors[a].holds_gil = true;
        let line = self.line(a);
        self.actors[a].rec.begin(SpanKind::HoldGil, at, line);
    }

    /// A wait for the GIL from `at`: the waiter asks the holder to drop it once its timed
    /// wait of the switch interval ends, as late as a timer fires (so where in a loop the
    /// holder is asked to stop varies from one switch to the next, as it does in CPython).
    pub(super) fn gil_wait(&mut self, a: usize, at: Nanos) -> Block {
        let switches = self.gils[self.actors[a].process].switches;
        let interval = self.settings.run.switch_interval;
        let asks = at + interval + self.timer_late(interval / 1_000);
        Block::Gil { asks, switches }
    }

    /// Releases the GIL at `at` and hands it to one of its waiters, if any.
    pub(super) fn release_gil(&mut self, a: usize, at: Nanos) -> Result<(), SimError> {
        if !self.actors[a].holds_gil {
            return Ok(());
        }
        self.actors[a].holds_gil = false;
        self.actors[a].rec.end(SpanKind::HoldGil, at);
        let p = self.actors[a].process;
        self.gils[p].holder = None;
        let waiters: Vec<usize> = (0..self.actors.len())
            .filter(|&w| {
                w != a
                    && self.actors[w].process == p
                    && matches!(self.actors[w].phase, Phase::Blocked(Block::Gil { .. }))
            })
            .collect();
        if waiters.is_empty() {
            return Ok(());
        }
        let next = self.choose(&waiters);
        // Meanwhile nobody runs Python: the holder waits until the woken thread has it. On
        // one core the hand-over is a switch on that core; on several, the waiter wakes up
        // on another, which takes longer.
        let wake = if self.cores.len() > 1 { &costs::GIL_WAKE } else { &costs::THREAD_WAKE };
        let woke = at + self.draw(wake);
        self.set_activity(next, None, woke);
        self.take_gil(next, woke);
        self.make_runnable(next, woke);
        Ok(())
    }
}
