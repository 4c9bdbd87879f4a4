//! The run between two turns, as the stepper shows it (who does what, who holds what,
//! who could go next) and drives it one turn at a time.

use super::{Block, Phase, Sim};
use crate::engine::program::{ActorId, ActorRole, ObjectId, REGISTERS};
use crate::engine::schedule::Pick;
use crate::engine::sim::settings::SimError;
use crate::engine::sim::state::ActorState;
use crate::engine::trace::{Nanos, SpanKind, Trace};

/// One actor between two turns.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ActorView {
    pub name: String,
    pub state: ActorState,
    /// The line its next operation belongs to.
    pub line: u32,
    /// Its next operation, in Python-like notation (`r0 = counter`).
    pub next: Option<String>,
    /// Locks it holds, by name; "GIL" first when it holds its process's GIL.
    pub holds: Vec<String>,
    pub registers: [i64; REGISTERS],
}

/// The run between two turns: who does what, and who the engine would run next.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Snapshot {
    pub now: Nanos,
    pub turns: u64,
    pub actors: Vec<ActorView>,
    /// The actors the engine would choose among for the next turn (the earliest in time).
    pub engine_next: Vec<u16>,
    /// When the next timer ends (a sleep, a start, a timeout): a wait lets time pass to it.
    pub next_timer: Option<Nanos>,
}

/// What taking a turn came to.
#[derive(Debug)]
pub enum TurnResult {
    Turned,
    Finished(Box<Trace>),
}

impl Sim {
    pub(super) fn state_of(&self, a: usize) -> ActorState {
        let actor = &self.actors[a];
        match actor.phase {
            Phase::NotStarted => ActorState::NotStarted,
            Phase::Done => ActorState::Done,
            Phase::Runnable if actor.core.is_some() => ActorState::Ready,
            Phase::Runnable => ActorState::WaitingForCore,
            Phase::Blocked(Block::Gil { .. }) => ActorState::WaitingForGil,
            Phase::Blocked(Block::Pause { kind: SpanKind::Sleep, .. }) => ActorState::Sleeping,
            Phase::Blocked(Block::Pause { kind: SpanKind::Starting, .. } | Block::StartOf { .. }) => {
                ActorState::Starting
            }
            Phase::Blocked(Block::Pause { .. }) => ActorState::Busy,
            Phase::Blocked(Block::Await { until: Some(_), .. }) => ActorState::Sleeping,
            // Ready, and its loop's thread busy with another task.
            Phase::Blocked(Block::Ready) => ActorState::WaitingForCore,
            Phase::Blocked(block) => block.wait_on().map_or(ActorState::Busy, ActorState::Waiting),
        }
    }

    /// Fires the timers due before the next turn, so who may take it is settled.
    fn settle(&mut self) -> Result<(), SimError> {
        let turns = self.turns;
        while self.outcome.is_none() && self.turns == turns {
            let (next_run, next_timer) = (self.next_run(), self.next_timer().map(|(t, _)| t));
            let timer_first = next_timer.is_some_and(|t| next_run.is_none_or(|r| t < r));
            let ended = next_timer.is_none() && next_run.is_none();
            if !timer_first && !ended {
                return Ok(());
            }
            self.step()?;
        }
        Ok(())
    }

    /// The run between two turns (timers due first have fired).
    pub fn snapshot(&mut self) -> Result<Snapshot, SimError> {
        self.settle()?;
        Ok(self.view())
    }

    /// The run as it is now, timers or not (after its end: where everyone stopped).
    pub fn view(&self) -> Snapshot {
        let earliest = (0..self.actors.len()).filter(|&a| self.enabled(a)).map(|a| self.actors[a].clock).min();
        let engine_next = (0..self.actors.len())
            .filter(|&a| self.enabled(a) && Some(self.actors[a].clock) == earliest)
            .map(|a| a as u16)
            .collect();
        let actors = (0..self.actors.len())
            .map(|a| {
                let actor = &self.actors[a];
                let ops = &self.program.actors[a].ops;
                let mut holds: Vec<String> = Vec::new();
                if actor.holds_gil {
                    holds.push("GIL".into());
                }
                for (i, object) in self.objects.iter().enumerate() {
                    let lock = ObjectId(i as u16);
                    if object.holder() == Some(ActorId(a as u16)) && actor.value_lock != Some(lock) {
                        holds.push(self.program.objects[i].name.clone());
                    }
                }
                ActorView {
                    name: self.program.actors[a].name.clone(),
                    state: self.state_of(a),
                    line: self.line(a),
                    // A thread's first turn sets the event its `start()` waits on.
                    next: if !actor.started && self.program.actors[a].role == ActorRole::Thread {
                        Some("self._started.set()".to_string())
                    } else {
                        (actor.phase != Phase::Done)
                            .then(|| ops.get(actor.pc))
                            .flatten()
                            .map(|op| op.kind.describe(&self.program))
                    },
                    holds,
                    registers: actor.regs,
                }
            })
            .collect();
        Snapshot {
            now: self.now,
            turns: self.turns,
            actors,
            engine_next,
            next_timer: self.next_timer().map(|(t, _)| t),
        }
    }

    /// Takes one turn: by `actor` if given (a pick, which replaces any picks still to come
    /// from a replayed schedule when it differs from them), else as the engine or the
    /// replayed schedule decides.
    pub fn take_turn(&mut self, actor: Option<u16>) -> Result<TurnResult, SimError> {
        if let Some(actor) = actor {
            let scheduled = self.pending.front().filter(|p| p.turn == self.turns).map(|p| p.actor);
            if scheduled != Some(actor) {
                self.pending.clear();
                self.pending.push_back(Pick { turn: self.turns, actor });
            }
        }
        let turns = self.turns;
        self.batching = false;
        let mut taken = Ok(());
        while taken.is_ok() && self.outcome.is_none() && self.turns == turns {
            taken = self.step();
        }
        // A turn may end the run: let what follows it (timers, the end) settle.
        let settled = taken.and_then(|_| self.settle());
        self.batching = true;
        settled?;
        match self.outcome.take() {
            Some(outcome) => Ok(TurnResult::Finished(Box::new(self.finish(outcome)))),
            None => Ok(TurnResult::Turned),
        }
    }
}
