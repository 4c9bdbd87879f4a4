//! Turns and timers: who runs next (the earliest on a core, ties broken by the seed, or a
//! schedule's pick), which timer fires first, the cores and their time slices, and the
//! blocking and waking of actors.

use super::{Block, Phase, Sim, TurnRecord, Wake};
use crate::engine::costs;
use crate::engine::latency::Latency;
use crate::engine::program::{OpKind, Wait};
use crate::engine::schedule::Pick;
use crate::engine::sim::settings::{Misfit, SimError};
use crate::engine::trace::{MarkKind, Nanos, SpanKind};

/// What a schedule's pick for the coming turn asks for.
enum Picked {
    Actor(usize),
    /// No one runs: time passes to the next timer.
    Wait,
}

impl Sim {
    // --- cores ---------------------------------------------------------------------------

    /// The actor may run from `at`: on a free core, or queued for one.
    pub(super) fn make_runnable(&mut self, a: usize, at: Nanos) {
        let actor = &mut self.actors[a];
        actor.phase = Phase::Runnable;
        actor.clock = at;
        if actor.core.is_some() {
            return;
        }
        match self.cores.iter().position(Option::is_none) {
            Some(core) => {
                self.cores[core] = Some((a, at + costs::OS_SLICE));
                self.actors[a].core = Some(core);
            }
            None => self.ready.push_back(a),
        }
    }

    /// The actor leaves its core at `at`; the first queued actor takes it.
    pub(super) fn free_core(&mut self, a: usize, at: Nanos) {
        let Some(core) = self.actors[a].core.take() else {
            self.ready.retain(|r| *r != a);
            return;
        };
        self.cores[core] = None;
        if let Some(next) = self.ready.pop_front() {
            self.cores[core] = Some((next, at.max(self.actors[next].clock) + costs::OS_SLICE));
            let actor = &mut self.actors[next];
            actor.core = Some(core);
            actor.clock = actor.clock.max(at);
        }
    }

    // --- blocking and waking ------------------------------------------------------------

    /// Leaves the interpreter at `at` for a wait: Run ends, the GIL and the core are given up.
    pub(super) fn block(&mut self, a: usize, block: Block, at: Nanos) -> Result<(), SimError> {
        // A drop request's wait is a forced switch; any other wait lets go of the GIL freely.
        let forced = matches!(block, Block::Gil { .. });
        self.release_gil(a, at, forced)?;
        // A forced release counts as a switch already: the one who let go waits a whole
        // interval from the hand-over before it may ask in turn.
        let block = match block {
            Block::Gil { since, asks, signalled, .. } => {
                Block::Gil { since, asks, signalled, switches: self.gils[self.actors[a].process].switches }
            }
            other => other,
        };
        self.free_core(a, at);
        let kind = match block {
            Block::Gil { .. } => SpanKind::WaitGil,
            Block::Pause { kind, .. } => kind,
            Block::StartOf { .. } => SpanKind::Starting,
            other => other.wait_on().map_or(SpanKind::Sleep, SpanKind::Wait),
        };
        self.set_activity(a, Some(kind), at);
        self.actors[a].phase = Phase::Blocked(block);
        Ok(())
    }

    /// Ends a wait at `at` with `wake`, which completes the blocked operation; the actor
    /// runs again once it has a core (and the GIL).
    pub(super) fn wake(&mut self, a: usize, wake: Wake, at: Nanos) {
        self.actors[a].wake = Some(wake);
        self.resume(a, at);
    }

    /// Ends a pause at `at` (its operation was already done before it paused).
    pub(super) fn resume(&mut self, a: usize, at: Nanos) {
        self.set_activity(a, None, at);
        self.make_runnable(a, at);
    }

    pub(super) fn wait_until(&mut self, wait: Wait, at: Nanos) -> Option<Nanos> {
        match wait {
            Wait::Timeout(micros) => Some(at + micros * 1000 + self.timer_late(micros)),
            Wait::Forever | Wait::NoWait => None,
        }
    }

    /// How late a timer of `micros` fires: the operating system's noise, from the seed (no
    /// timer, no lateness).
    pub(super) fn timer_late(&mut self, micros: u64) -> Nanos {
        match micros {
            0 => 0,
            m if m >= costs::LONG_TIMER => self.draw(&costs::TIMER_LATE_LONG),
            _ => self.draw(&costs::TIMER_LATE),
        }
    }

    /// One draw of a measured latency, from the seed.
    pub(super) fn draw(&mut self, latency: &Latency) -> Nanos {
        latency.at(self.rng.below(10_001) as u32)
    }

    /// `base` spread as the operating system spreads it (`spread` in thousandths of it).
    pub(super) fn spread(&mut self, base: Nanos, spread: &Latency) -> Nanos {
        (base as u128 * self.draw(spread) as u128 / 1_000) as Nanos
    }

    /// How long after a message the thread `to` waiting for it runs: between threads of one
    /// process, as any woken thread; between processes, what the message's way costs
    /// (`between`: a multiprocessing queue's feeder thread, or a pipe).
    pub(super) fn message_wake(&mut self, from: usize, to: usize, between: &Latency) -> Nanos {
        if self.actors[from].process == self.actors[to].process {
            self.draw(&costs::THREAD_WAKE)
        } else {
            self.draw(between)
        }
    }

    // --- turns and timers ----------------------------------------------------------------

    /// When the earliest actor that could take a turn would take it.
    pub(super) fn next_run(&self) -> Option<Nanos> {
        self.actors.iter().filter(|a| a.phase == Phase::Runnable && a.core.is_some()).map(|a| a.clock).min()
    }

    /// Whether actor `a` could take the next turn: runnable, and on a core.
    pub(super) fn enabled(&self, a: usize) -> bool {
        let actor = &self.actors[a];
        actor.phase == Phase::Runnable && actor.core.is_some()
    }

    /// The pick for the turn about to be taken, checked against the run. A pick whose
    /// actor cannot run yet waits while timers due first fire (one may wake it).
    fn pick_for_this_turn(&self, timer_first: bool, run_over: bool) -> Result<Option<Picked>, SimError> {
        let Some(&Pick { turn, actor }) = self.pending.front().filter(|p| p.turn == self.turns) else {
            return Ok(None);
        };
        let misfit = |why| Err(SimError::ScheduleMismatch { turn, actor, why });
        if actor == Pick::WAIT {
            return match (run_over, timer_first) {
                (true, _) => misfit(Misfit::RunEnded),
                (false, true) => Ok(None),
                (false, false) => Ok(Some(Picked::Wait)),
            };
        }
        let a = actor as usize;
        if a >= self.actors.len() {
            return misfit(Misfit::NoSuchThread { threads: self.actors.len() });
        }
        if run_over {
            return misfit(Misfit::RunEnded);
        }
        if !self.enabled(a) && timer_first {
            return Ok(None);
        }
        if !self.enabled(a) {
            let (name, state) = (self.program.actors[a].name.clone(), self.state_of(a));
            return misfit(Misfit::CannotRun { name, state, waits_for: state.waits_for(&self.program) });
        }
        Ok(Some(Picked::Actor(a)))
    }

    pub(super) fn step(&mut self) -> Result<(), SimError> {
        self.steps += 1;
        if self.steps > self.settings.max_steps {
            return Err(SimError::StepLimit { steps: self.settings.max_steps });
        }
        let (next_run, next_timer) = (self.next_run(), self.next_timer());
        let timer_first = next_timer.is_some_and(|(t, _)| next_run.is_none_or(|r| t < r));
        let pick = match self.pick_for_this_turn(timer_first, next_run.is_none() && next_timer.is_none())? {
            Some(Picked::Wait) => {
                // A turn in which no one runs: time passes to the next timer.
                let Some((t, a)) = next_timer else {
                    return Err(SimError::ScheduleMismatch {
                        turn: self.turns,
                        actor: Pick::WAIT,
                        why: Misfit::NothingToWaitFor,
                    });
                };
                self.pending.pop_front();
                self.applied.push(Pick { turn: self.turns, actor: Pick::WAIT });
                if self.logging_turn() {
                    let turn = self.turns;
                    self.log_turn(TurnRecord {
                        turn,
                        enabled: Vec::new(),
                        chosen: Pick::WAIT,
                        visible: false,
                        timer: true,
                    });
                }
                self.turns += 1;
                self.now = self.now.max(t);
                return self.fire_timer(a, t);
            }
            Some(Picked::Actor(a)) => Some(a),
            None => None,
        };
        // A picked actor runs at its own time, or now if that has passed; timers due
        // before then fire first, as they would have while it ran.
        let run_at = match pick {
            Some(a) => Some(self.actors[a].clock.max(self.now)),
            None => next_run,
        };
        match (run_at, next_timer) {
            (None, None) => {
                self.outcome = Some(self.stuck_or_done());
                if let Some(&Pick { turn, actor }) = self.pending.front() {
                    return Err(SimError::ScheduleMismatch { turn, actor, why: Misfit::RunEnded });
                }
                Ok(())
            }
            (run, Some((t, a))) if run.is_none_or(|r| t < r) => {
                self.now = self.now.max(t);
                self.fire_timer(a, t)
            }
            (Some(_), _) => {
                let t = next_run.expect("a picked actor is runnable");
                // In a buffer kept between turns: a turn allocates nothing.
                let mut candidates = std::mem::take(&mut self.candidates);
                candidates.clear();
                candidates.extend((0..self.actors.len()).filter(|&i| self.enabled(i) && self.actors[i].clock == t));
                // Chosen even when a pick overrules it, so a pick of the engine's own choice
                // changes nothing.
                let chosen = self.tie_break(&candidates, t);
                let alone = candidates.len() == 1;
                self.candidates = candidates;
                let a = match pick {
                    Some(picked) => {
                        self.pending.pop_front();
                        if picked != chosen {
                            self.applied.push(Pick { turn: self.turns, actor: picked as u16 });
                        }
                        picked
                    }
                    None => chosen,
                };
                if self.batching && pick.is_none() && alone {
                    let at = self.actors[a].clock.max(self.now);
                    let deadline = next_timer.map(|(t, _)| t);
                    if self.run_loop_alone(a, at, deadline) || self.run_private_loop(a, at, deadline) {
                        return Ok(());
                    }
                }
                if self.logging_turn() {
                    let enabled = (0..self.actors.len()).filter(|&i| self.enabled(i)).map(|i| i as u16).collect();
                    // A thread's first turn is visible too: its `start()` caller waits for it.
                    let visible = !self.actors[chosen].started
                        || self.program.actors[chosen].ops.get(self.actors[chosen].pc).is_some_and(|op| {
                            op.kind.object().is_some()
                                || matches!(op.kind, OpKind::Start { .. } | OpKind::Join { .. } | OpKind::Print { .. })
                        });
                    let (turn, timer) = (self.turns, next_timer.is_some());
                    self.log_turn(TurnRecord { turn, enabled, chosen: chosen as u16, visible, timer });
                }
                self.turns += 1;
                let at = self.actors[a].clock.max(self.now);
                self.actors[a].clock = at;
                self.now = at;
                self.step_actor(a, at)
            }
            (None, Some(_)) => unreachable!("covered by the timer arm"),
        }
    }

    fn fire_timer(&mut self, a: usize, at: Nanos) -> Result<(), SimError> {
        let Phase::Blocked(block) = self.actors[a].phase else { return Ok(()) };
        match block {
            Block::Gil { signalled: true, .. } => {
                // Woken by a release: the GIL is ours if nobody took it meanwhile (the
                // releaser itself, back from a short write, usually has); if not, wait again.
                if self.gils[self.actors[a].process].holder.is_none() {
                    self.wake_holding_gil(a, at);
                } else {
                    let wait = self.gil_wait(a, at);
                    self.actors[a].phase = Phase::Blocked(wait);
                }
            }
            Block::Gil { switches, .. } => {
                let p = self.actors[a].process;
                // A whole interval without a switch: ask the holder to drop it.
                if self.gils[p].switches == switches && self.gils[p].holder.is_some() {
                    self.gils[p].drop_request = true;
                    let line = self.line(a);
                    self.actors[a].rec.mark(MarkKind::GilDropRequest, at, line);
                }
                let wait = self.gil_wait(a, at);
                self.actors[a].phase = Phase::Blocked(wait);
            }
            Block::Pause { .. } => self.resume(a, at),
            Block::Join { .. } => self.wake(a, Wake::Value(0), at),
            Block::Await { .. } => self.task_timer(a, at),
            object_wait => self.time_out(a, object_wait, at),
        }
        Ok(())
    }

    /// When the earliest timer ends (a sleep, a start, a timeout, a GIL request), and whose
    /// (the first of them, on a tie).
    pub(super) fn next_timer(&self) -> Option<(Nanos, usize)> {
        let mut next: Option<(Nanos, usize)> = None;
        for (i, actor) in self.actors.iter().enumerate() {
            if let Phase::Blocked(block) = actor.phase {
                if let Some(t) = block.deadline().filter(|t| next.is_none_or(|(best, _)| *t < best)) {
                    next = Some((t, i));
                }
            }
        }
        next
    }
}
