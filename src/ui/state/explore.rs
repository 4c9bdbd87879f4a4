//! An exploration of the open lesson in the engine worker, and the report it leaves.

use super::{ExplorePhase, Job, State};
use crate::engine::explore::{ExploreReport, ExploreRequest};
use crate::worker::protocol::Request;

impl State {
    /// The open lesson's exploration as its panel draws it.
    pub fn explore_phase(&self) -> ExplorePhase {
        match self.job {
            Some(Job::Explore { run, request, cancelling: true, .. }) => ExplorePhase::Cancelling { run, request },
            Some(Job::Explore { run, request, done, total, .. }) => ExplorePhase::Running { run, request, done, total },
            _ => self.explored.clone().unwrap_or(ExplorePhase::Idle),
        }
    }

    pub(super) fn start_explore(&mut self, request: ExploreRequest) {
        if !self.can_run() {
            return;
        }
        // Exploring finds schedules itself: the link's own is left out.
        let (Some(lesson), Some(scenario)) = (self.query.lesson, self.scenario(&["schedule"])) else { return };
        self.close_stepper();
        let run = self.take_run_id();
        self.send(Request::Explore { run, scenario, request, expect: self.expect.clone() });
        self.restarted = None;
        self.explored = None;
        self.job = Some(Job::Explore { run, lesson, request, done: 0, total: 0, cancelling: false });
    }

    pub(super) fn explore_finished(&mut self, run: u32, report: ExploreReport) {
        let Some(Job::Explore { run: current, lesson, request, cancelling, .. }) = self.job else { return };
        if current != run {
            return;
        }
        self.job = None;
        if self.open_lesson_is(lesson) {
            self.explored = Some(ExplorePhase::Done { request, report, cancelled: cancelling });
        }
    }
}
