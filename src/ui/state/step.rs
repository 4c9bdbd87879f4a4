//! The stepper as a job: the simulated run lives in the engine worker and moves as the
//! learner asks; the page keeps the view each move sends back and draws it.

use std::rc::Rc;

use super::{Job, State};
use crate::worker::protocol::{Request, StepEnd, StepMove, StepView};

impl State {
    /// Whether the stepper is open.
    pub fn stepping(&self) -> bool {
        matches!(self.job, Some(Job::Step { .. }))
    }

    /// The open stepper's run after the last move, if the worker has answered.
    /// The open stepper's run: its number, and its view after the last move.
    pub fn step_view(&self) -> Option<(u32, Rc<StepView>)> {
        match &self.job {
            Some(Job::Step { run, view, .. }) => Some((*run, view.clone()?)),
            _ => None,
        }
    }

    /// Opens the stepper on the link's knobs, on the simulated engine whatever the form
    /// says (a live run cannot be taken a turn at a time).
    pub(super) fn open_stepper(&mut self) {
        if !self.can_step() {
            return;
        }
        let _ = self.query.set("engine", "sim");
        let (Some(lesson), Some(knobs), Some(scenario)) = (self.query.lesson, self.knob_values(), self.scenario(&[]))
        else {
            return;
        };
        let run = self.take_run_id();
        self.send(Request::Step { run, scenario });
        self.finished = None;
        self.run_failed = None;
        self.restarted = None;
        self.job = Some(Job::Step { run, lesson, knobs, view: None, picked: false });
    }

    /// A move in the open stepper; a pick of a thread (or a wait) goes into the link.
    pub(super) fn step_move(&mut self, step: StepMove) {
        let Some(Job::Step { run, picked, .. }) = &mut self.job else { return };
        if matches!(step, StepMove::Turn(Some(_)) | StepMove::Wait) {
            *picked = true;
        }
        let run = *run;
        self.send(Request::StepMove { run, step });
    }

    /// The worker's view after a move. Once the run has ended it also shows as the lesson's
    /// finished run, with its findings.
    pub(super) fn stepped(&mut self, run: u32, view: StepView) {
        let Some(Job::Step { run: current, lesson, knobs, view: shown, picked }) = &mut self.job else { return };
        if *current != run {
            return;
        }
        if std::mem::take(picked) {
            let _ = self.query.set("schedule", &view.schedule);
        }
        let ended_now = shown.as_ref().is_none_or(|v| v.end.is_none());
        if let (true, Some(StepEnd::Finished { findings })) = (ended_now, &view.end) {
            let key = self.query.run_key();
            let (trace, findings) = (view.trace.clone(), findings.clone());
            self.finished = Some(Rc::new(super::FinishedRun::new(run, lesson, knobs.clone(), key, trace, findings)));
        }
        *shown = Some(Rc::new(view));
    }

    /// Closes the stepper: the worker drops its run at once, and nothing answers.
    pub(super) fn close_stepper(&mut self) {
        if let Some(Job::Step { run, .. }) = self.job {
            self.job = None;
            self.send(Request::Cancel { run });
        }
    }
}
