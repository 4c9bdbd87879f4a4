//! The stepper's run, held by the worker: a simulated run taken a turn at a time as the
//! page asks, played on a few turns per tick, or run to its end in slices.

use std::borrow::Cow;

use crate::engine::clock::Clock;
use crate::engine::schedule::Pick;
use crate::engine::sim::{ActorState, Sim, Snapshot, StepResult, TurnResult};
use crate::engine::trace::Trace;
use crate::i18n::Prose;
use crate::lessons::failures::sim_error;
use crate::lessons::Setup;
use crate::worker::driver::Next;
use crate::worker::protocol::{Response, StepEnd, StepMove, StepView, CONSOLE_HEAD, CONSOLE_TAIL};

/// How often a playing stepper takes its next turns, in milliseconds.
const PLAY_TICK_MS: i32 = 50;
/// How often a stepper running to its end shows where it is.
const VIEW_EVERY_NS: u64 = 100_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Motion {
    Still,
    /// So many turns per tick.
    Playing {
        per_tick: u64,
    },
    ToEnd,
}

pub(super) struct StepSession {
    setup: Setup,
    sim: Sim,
    /// The run between turns (after the last move).
    view: Snapshot,
    /// The whole trace, once the run has ended.
    finished: Option<Trace>,
    /// Why the run could not go on (a schedule that does not fit, the step limit).
    error: Option<Prose>,
    motion: Motion,
    /// When the page last saw the run move by itself.
    shown: u64,
    /// The run has ended and the driver has not yet kept it whole for the downloads.
    to_keep: bool,
}

impl StepSession {
    /// The setup's run, before its first turn (its knobs' schedule is replayed as its turns
    /// come).
    pub(super) fn open(setup: Setup) -> Result<StepSession, Prose> {
        let (program, settings) = setup.build()?.into_sim();
        let mut sim = Sim::new(program, settings).map_err(|e| sim_error(&e))?;
        let view = sim.snapshot().map_err(|e| sim_error(&e))?;
        Ok(StepSession {
            setup,
            sim,
            view,
            finished: None,
            error: None,
            motion: Motion::Still,
            shown: 0,
            to_keep: false,
        })
    }

    fn is_over(&self) -> bool {
        self.finished.is_some() || self.error.is_some()
    }

    pub(super) fn next(&self) -> Next {
        match self.motion {
            Motion::Still => Next::Idle,
            Motion::Playing { .. } => Next::PollIn(PLAY_TICK_MS),
            Motion::ToEnd => Next::PollIn(0),
        }
    }

    /// A move the learner made; the driver answers it with [`StepSession::stepped`].
    pub(super) fn make(&mut self, step: StepMove, now: u64) {
        if self.is_over() {
            return;
        }
        match step {
            StepMove::Turn(actor) => {
                // A pick of someone who cannot run now came from an older view: ignored.
                let applies = actor
                    .is_none_or(|a| self.view.actors.get(a as usize).is_some_and(|v| v.state == ActorState::Ready));
                if applies {
                    self.turns(actor, 1);
                }
            }
            StepMove::Wait => {
                if self.view.next_timer.is_some() {
                    self.turns(Some(Pick::WAIT), 1);
                }
            }
            StepMove::Play { per_second } => {
                self.motion = Motion::Playing { per_tick: u64::from(per_second.clamp(1, 100_000) / 20).max(1) }
            }
            StepMove::ToEnd => {
                self.motion = Motion::ToEnd;
                self.shown = now;
            }
            StepMove::Pause => self.motion = Motion::Still,
        }
    }

    /// The run moving by itself, one tick of it; whether the page should see it now.
    pub(super) fn advance(&mut self, clock: &dyn Clock, now: u64, slice_ns: u64, slice_steps: u64) -> bool {
        match self.motion {
            Motion::Still => false,
            Motion::Playing { per_tick } => {
                self.turns(None, per_tick);
                true
            }
            Motion::ToEnd => {
                while !self.is_over() {
                    match self.sim.run_slice(slice_steps) {
                        Ok(StepResult::Running { .. }) => {}
                        Ok(StepResult::Finished(trace)) => self.end(*trace),
                        Err(e) => self.error = Some(sim_error(&e)),
                    }
                    if clock.now() >= now + slice_ns {
                        break;
                    }
                }
                let due = self.is_over() || now.saturating_sub(self.shown) >= VIEW_EVERY_NS;
                if due {
                    self.shown = now;
                    self.refresh();
                }
                due
            }
        }
    }

    /// Up to `n` turns (the first to `actor`, if given), then the view is brought up to date.
    fn turns(&mut self, actor: Option<u16>, n: u64) {
        let mut actor = actor;
        for _ in 0..n {
            if self.is_over() {
                break;
            }
            match self.sim.take_turn(actor.take()) {
                Ok(TurnResult::Turned) => {}
                Ok(TurnResult::Finished(trace)) => self.end(*trace),
                Err(e) => self.error = Some(sim_error(&e)),
            }
        }
        self.refresh();
    }

    fn end(&mut self, trace: Trace) {
        self.to_keep = true;
        self.finished = Some(trace);
    }

    fn refresh(&mut self) {
        if self.is_over() {
            self.motion = Motion::Still;
        }
        if self.finished.is_some() {
            // Where everyone stopped.
            self.view = self.sim.view();
        } else if self.error.is_none() {
            match self.sim.snapshot() {
                Ok(view) => self.view = view,
                Err(e) => self.error = Some(sim_error(&e)),
            }
        }
    }

    /// The ended run, whole, with what it was of: once, for the driver to keep.
    pub(super) fn take_ended(&mut self) -> Option<(&Setup, Trace)> {
        if !std::mem::take(&mut self.to_keep) {
            return None;
        }
        Some((&self.setup, self.finished.clone()?))
    }

    /// The trace so far (the whole run once it has ended: borrowed, not copied, to draw).
    pub(super) fn trace_now(&self) -> Cow<'_, Trace> {
        match &self.finished {
            Some(whole) => Cow::Borrowed(whole),
            None => Cow::Owned(self.sim.trace_so_far()),
        }
    }

    /// The run as the page draws it now: the view, the trace so far (the whole run once it
    /// has ended) with its console cut, and how it ended.
    pub(super) fn stepped(&self, run: u32) -> Response {
        let mut trace = self.trace_now().into_owned();
        let end = match (&self.finished, &self.error) {
            (Some(whole), _) => Some(StepEnd::Finished { findings: self.setup.findings_in_every_language(whole) }),
            (None, Some(error)) => Some(StepEnd::Failed(error.clone())),
            (None, None) => None,
        };
        trace.cut_console(CONSOLE_HEAD, CONSOLE_TAIL);
        let view = StepView {
            snapshot: self.view.clone(),
            trace,
            schedule: self.sim.schedule().to_string(),
            moving: self.motion != Motion::Still,
            end,
        };
        Response::Stepped { run, view: Box::new(view) }
    }
}
