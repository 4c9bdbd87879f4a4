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

    /// Waiter `a` has the GIL at `at` and runs on.
    pub(super) fn wake_holding_gil(&mut self, a: usize, at: Nanos) {
        self.set_activity(a, None, at);
        self.take_gil(a, at);
        self.make_runnable(a, at);
    }

    /// A wait for the GIL from `at`: the waiter asks the holder to drop it once its timed
    /// wait of the switch interval ends, as late as a timer fires (so where in a loop the
    /// holder is asked to stop varies from one switch to the next, as it does in CPython).
    pub(super) fn gil_wait(&mut self, a: usize, at: Nanos) -> Block {
        let switches = self.gils[self.actors[a].process].switches;
        let interval = self.settings.run.switch_interval;
        let asks = at + interval + self.timer_late(interval / 1_000);
        Block::Gil { since: at, asks, switches, signalled: false }
    }

    /// Releases the GIL at `at`. A forced release (the holder was asked to drop it) hands
    /// it to one of the waiters, and the holder waits for that; any other release (a write,
    /// a wait, the end) only wakes one, which takes it if it is still free when it runs, as
    /// CPython's `drop_gil` signals its condition and lets whoever comes first take it.
    pub(super) fn release_gil(&mut self, a: usize, at: Nanos, forced: bool) -> Result<(), SimError> {
        if !self.actors[a].holds_gil {
            return Ok(());
        }
        self.actors[a].holds_gil = false;
        self.actors[a].rec.end(SpanKind::HoldGil, at);
        let p = self.actors[a].process;
        self.gils[p].holder = None;
        // The condition wakes the waiter that has waited longest (a woken one is on its way
        // and no longer waits on it), so no thread starves while others take turns.
        let longest = (0..self.actors.len())
            .filter(|&w| w != a && self.actors[w].process == p)
            .filter_map(|w| match self.actors[w].phase {
                Phase::Blocked(Block::Gil { since, signalled: false, .. }) => Some((since, w)),
                _ => None,
            })
            .min();
        let Some((_, next)) = longest else {
            return Ok(());
        };
        // On one core the hand-over is a switch on that core; on several, the waiter wakes
        // up on another, which takes longer.
        let wake = if self.cores.len() > 1 { &costs::GIL_WAKE } else { &costs::THREAD_WAKE };
        let woke = at + self.draw(wake);
        if forced {
            // Meanwhile nobody runs Python: the holder waits until the woken thread has it.
            self.wake_holding_gil(next, woke);
        } else if let Phase::Blocked(Block::Gil { since, switches, .. }) = self.actors[next].phase {
            self.actors[next].phase = Phase::Blocked(Block::Gil { since, asks: woke, switches, signalled: true });
        }
        Ok(())
    }
}
