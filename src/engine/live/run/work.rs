//! What an actor does besides Python objects: CPU work, sleeping, starting up, printing,
//! and looking at the threads of its process.

use std::sync::atomic::{AtomicU32, Ordering};

use super::{Actor, ActorSlot, Exit};
use crate::engine::clock::Clock;
use crate::engine::costs;
use crate::engine::live::futex;
use crate::engine::live::gil::{Gil, WAIT_SLICE};
use crate::engine::program::{render_text, Introspect, TextPart};
use crate::engine::settings::OutputMode;
use crate::engine::trace::{Nanos, SpanKind};

/// `rounds` rounds of xorshift: the unit of CPU work of the live engine.
#[inline]
fn hash_rounds(mut state: u64, rounds: u64) -> u64 {
    for _ in 0..rounds {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
    }
    std::hint::black_box(state)
}

/// How long a unit of work takes here: the fastest of three timed runs, each long enough
/// (about 2 ms) that a coarse clock (the browser's may tick in tens of microseconds) still
/// measures it well.
pub(super) fn measure_unit_ns(clock: &dyn Clock) -> f64 {
    const LONG_ENOUGH: Nanos = 2_000_000;
    let mut rounds: u64 = 1 << 14;
    let mut best = f64::INFINITY;
    let mut timed = 0;
    while timed < 3 && rounds < 1 << 34 {
        let start = clock.now();
        hash_rounds(start | 1, rounds);
        let took = clock.now().saturating_sub(start);
        if took < LONG_ENOUGH {
            rounds *= 2;
            continue;
        }
        best = best.min(took as f64 / rounds as f64);
        timed += 1;
    }
    if best.is_finite() {
        best.max(0.01)
    } else {
        1.0
    }
}

impl Actor {
    /// Pure-Python work: `units` rounds of integer hashing ([`hash_rounds`]), cancellable.
    /// Long work looks at the control block between slices; short work leaves that to the
    /// interpreter's periodic check (reading the clock would cost more than the work).
    pub(super) fn compute(&mut self, units: u64) -> Result<(), Exit> {
        let mut state = self.me as u64 | 1;
        let mut left = units;
        loop {
            let slice = left.min(1 << 14);
            state = hash_rounds(state, slice);
            left -= slice;
            if left == 0 {
                return Ok(());
            }
            self.halt_check(self.now())?;
        }
    }

    /// `time.sleep`: releases the GIL, and comes back only after a waiting thread has had
    /// it, so even `sleep(0)` hands the GIL over, as it does in CPython.
    pub(super) fn sleep(&mut self, micros: u64) -> Result<(), Exit> {
        // Even sleep(0) takes CPython real time (see the cost table).
        self.pause(micros.max(costs::SLEEP_ZERO / 1000) * 1000, SpanKind::Sleep)
    }

    /// Waits out `nanos` of the program's time (scaled by `time_scale`) with the GIL
    /// released: a sleep, or a `start()` keeping its caller. Comes back only after a
    /// waiting thread has had the GIL, so even `sleep(0)` hands it over, as in CPython.
    pub(super) fn pause(&mut self, nanos: Nanos, kind: SpanKind) -> Result<(), Exit> {
        let real = (nanos as f64 * self.shared.settings.time_scale) as Nanos;
        let switches = self.gil().map(Gil::switches);
        let start = self.block(kind);
        self.wait_until(start + real)?;
        if let (Some(gil), Some(switches)) = (self.gil(), switches) {
            gil.await_other_taker(switches, &*self.shared.clock, &self.shared.control)?;
        }
        self.unblock(kind)?;
        Ok(())
    }

    /// A process's start-up as work: as much computing as takes `nanos` (scaled) on an idle
    /// core, so processes starting together contend for the cores as they do in CPython.
    pub(super) fn start_up(&mut self, nanos: Nanos) -> Result<(), Exit> {
        let real = nanos as f64 * self.shared.settings.time_scale;
        self.compute((real / self.shared.unit_ns).round() as u64)
    }

    /// Waits, doing nothing, until `at` (run time), or until the run or the thread must end.
    pub(super) fn wait_until(&self, at: Nanos) -> Result<(), Exit> {
        let word = AtomicU32::new(0);
        loop {
            let now = self.now();
            self.halt_check(now)?;
            let left = at.saturating_sub(now);
            if left == 0 {
                return Ok(());
            }
            futex::wait(&word, 0, left.min(WAIT_SLICE));
        }
    }

    /// `print`: one write of the line (a terminal), two writes (`-u`: the text, then the
    /// newline), or into the process's buffer (a pipe), written out when the process exits.
    pub(super) fn print(&mut self, text: &[TextPart]) -> Result<(), Exit> {
        let actor = self.shared.program.actor(self.id);
        let line = render_text(text, &self.regs, &actor.name, actor.process);
        match self.shared.settings.output {
            OutputMode::Tty => self.write(line + "\n"),
            OutputMode::Unbuffered => {
                self.write(line)?;
                self.write("\n".into())
            }
            OutputMode::Pipe => {
                let mut buffer = self.shared.processes[self.process].buffer.lock().unwrap_or_else(|e| e.into_inner());
                buffer.push_str(&line);
                buffer.push('\n');
                Ok(())
            }
        }
    }

    /// One write to the console. The write system call releases the GIL, so a thread
    /// waiting for it may take it here, as in CPython.
    pub(super) fn write(&mut self, text: String) -> Result<(), Exit> {
        let at = self.now();
        self.rec.print(at, self.line, text);
        if self.holds_gil && self.gil().is_some_and(Gil::has_waiters) {
            self.release_gil(at);
            self.take_gil()?;
        }
        Ok(())
    }

    pub(super) fn introspect(&self, what: Introspect) -> i64 {
        let alive = |slot: &ActorSlot| slot.started.load(Ordering::Acquire) && slot.done.load(Ordering::Acquire) == 0;
        match what {
            Introspect::ActiveCount => self
                .shared
                .actors
                .iter()
                .zip(&self.shared.program.actors)
                .filter(|(slot, def)| def.process.0 as usize == self.process && alive(slot))
                .count() as i64,
            Introspect::IsAlive(actor) => alive(&self.shared.actors[actor.0 as usize]) as i64,
        }
    }
}
