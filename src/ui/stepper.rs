//! The stepper's model: a simulated run held in the page and advanced a turn at a time
//! (or a batch of turns while playing), with what the view needs after each move. Pure,
//! so it is tested natively; the component only draws it and calls it.

use std::rc::Rc;

use crate::engine::schedule::Pick;
use crate::engine::sim::{Sim, Snapshot, StepResult, TurnResult};
use crate::engine::trace::{Outcome, Trace};
use crate::knobs::KnobValues;
use crate::lessons::{self, LessonInfo};

pub struct Stepper {
    sim: Sim,
    /// The run between turns (after the last move).
    pub view: Snapshot,
    /// The trace so far: console and timeline grow with it.
    pub so_far: Rc<Trace>,
    /// The picks that overruled the engine, as the link writes them.
    pub schedule: String,
    /// The whole trace, once the run has ended.
    pub finished: Option<Rc<Trace>>,
    /// Why the run could not go on (a schedule that does not fit, the step limit).
    pub error: Option<String>,
}

impl Stepper {
    /// The lesson with these knobs (their schedule is replayed as its turns come).
    pub fn new(lesson: &LessonInfo, knobs: &KnobValues) -> Result<Stepper, String> {
        let runnable = lessons::lesson(lesson.id).ok_or_else(|| format!("there is no lesson `{}`", lesson.id))?;
        let built = (runnable.build)(knobs)?;
        let (program, settings) = built.into_sim();
        let mut sim = Sim::new(program, settings).map_err(|e| e.to_string())?;
        let view = sim.snapshot().map_err(|e| e.to_string())?;
        let so_far = Rc::new(sim.trace_so_far());
        Ok(Stepper { sim, view, so_far, schedule: String::new(), finished: None, error: None })
    }

    pub fn is_over(&self) -> bool {
        self.finished.is_some() || self.error.is_some()
    }

    /// One turn: to `actor`, or as the engine (or the replayed schedule) decides. A pick
    /// that no longer applies (the thread cannot run now: the view it was clicked on is
    /// older than the run) is ignored, not an error.
    pub fn turn(&mut self, actor: Option<u16>) {
        let applies = actor.is_none_or(|a| {
            self.view.actors.get(a as usize).is_some_and(|v| v.state == crate::engine::sim::ActorState::Ready)
        });
        if applies {
            self.turns(actor, 1);
        }
    }

    /// Time passes to the next timer, no one running meanwhile (ignored if no timer runs).
    pub fn wait(&mut self) {
        if self.view.next_timer.is_some() {
            self.turns(Some(Pick::WAIT), 1);
        }
    }

    /// Up to `n` turns (the first to `actor`, if given), then the view is brought up to date.
    pub fn turns(&mut self, actor: Option<u16>, n: u64) {
        let mut actor = actor;
        for _ in 0..n {
            if self.is_over() {
                break;
            }
            match self.sim.take_turn(actor.take()) {
                Ok(TurnResult::Turned) => {}
                Ok(TurnResult::Finished(trace)) => self.finished = Some(Rc::new(*trace)),
                Err(e) => self.error = Some(e.to_string()),
            }
        }
        self.refresh();
    }

    /// Runs on for up to `steps` simulated steps as the engine decides (to the end, in
    /// slices the page can interleave with drawing).
    pub fn run_on(&mut self, steps: u64) {
        if self.is_over() {
            return;
        }
        match self.sim.run_slice(steps) {
            Ok(StepResult::Running { .. }) => {}
            Ok(StepResult::Finished(trace)) => self.finished = Some(Rc::new(*trace)),
            Err(e) => self.error = Some(e.to_string()),
        }
        self.refresh();
    }

    /// Ends the run where it is (the learner stopped it), with what happened so far.
    pub fn stop(&mut self) {
        if !self.is_over() {
            self.finished = Some(Rc::new(self.sim.stop(Outcome::Cancelled)));
        }
    }

    fn refresh(&mut self) {
        self.schedule = self.sim.schedule().to_string();
        if let Some(trace) = &self.finished {
            // Where everyone stopped, and the whole trace.
            self.so_far = trace.clone();
            self.view = self.sim.view();
            return;
        }
        if self.error.is_some() {
            return;
        }
        match self.sim.snapshot() {
            Ok(view) => self.view = view,
            Err(e) => self.error = Some(e.to_string()),
        }
        self.so_far = Rc::new(self.sim.trace_so_far());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::sim::ActorState;

    fn race(pairs: &[(&str, &str)]) -> (KnobValues, Stepper) {
        let lesson = lessons::lesson("race_counter").unwrap();
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let (knobs, _) = lessons::build_from_pairs(lesson, &pairs).unwrap();
        let stepper = Stepper::new(lesson.info, &knobs).unwrap();
        (knobs, stepper)
    }

    #[test]
    fn stepping_grows_the_trace_and_the_end_is_the_whole_run() {
        let (_, mut stepper) = race(&[("threads", "2"), ("increments", "2")]);
        assert_eq!(stepper.view.actors[0].state, ActorState::Ready);
        let mut turns = 0;
        while !stepper.is_over() {
            stepper.turn(None);
            turns += 1;
            assert!(turns < 10_000);
        }
        let trace = stepper.finished.clone().unwrap();
        assert_eq!(trace.console_text(), "counter = 4 (expected 4)\n");
        // The last view is the end: everyone finished, every turn counted.
        assert!(stepper.view.actors.iter().all(|a| a.state == ActorState::Done), "{:?}", stepper.view.actors);
        assert_eq!(stepper.view.turns, turns);
        assert!(stepper.schedule.is_empty(), "no picks: {}", stepper.schedule);
        // Nothing moves once it is over.
        stepper.turn(None);
        assert!(Rc::ptr_eq(stepper.finished.as_ref().unwrap(), &trace));
    }

    /// Regression: a click on a thread that could no longer run (the view had moved on, as
    /// when playing) ended the stepper with an error.
    #[test]
    fn a_pick_shows_in_the_schedule_and_one_that_no_longer_applies_is_ignored() {
        let (_, mut stepper) = race(&[("threads", "2"), ("increments", "2"), ("gil", "off")]);
        stepper.turn(None);
        stepper.wait();
        assert_eq!(stepper.schedule, "1w");
        let (_, mut stale) = race(&[("threads", "2"), ("increments", "2")]);
        let turns = stale.view.turns;
        stale.turn(Some(2));
        stale.turn(Some(99));
        assert!(stale.error.is_none() && !stale.is_over(), "{:?}", stale.error);
        assert_eq!(stale.view.turns, turns, "nothing moved");
        // A replayed schedule that does not fit is still an error, with the reason.
        let (knobs, _) = race(&[("threads", "2"), ("increments", "2"), ("schedule", "0t2")]);
        let mut replay = Stepper::new(lessons::find("race_counter").unwrap(), &knobs).unwrap();
        replay.turn(None);
        assert!(replay.error.as_deref().unwrap().contains("cannot run: it is not started yet"), "{:?}", replay.error);
    }

    #[test]
    fn running_on_reaches_the_end_in_slices_and_stop_ends_early() {
        let (_, mut stepper) = race(&[("threads", "2"), ("increments", "2000")]);
        let mut slices = 0;
        while !stepper.is_over() {
            stepper.run_on(10);
            slices += 1;
        }
        assert!(slices > 1);
        assert_eq!(stepper.finished.as_ref().unwrap().console_text(), "counter = 4000 (expected 4000)\n");
        let (_, mut stopped) = race(&[("threads", "2"), ("increments", "2000")]);
        stopped.turns(None, 10);
        stopped.stop();
        assert_eq!(stopped.finished.as_ref().unwrap().outcome, Outcome::Cancelled);
    }
}
