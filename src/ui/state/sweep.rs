//! A sweep of the open lesson in the engine worker, and the plots it leaves (kept when it is
//! cancelled: what ran is drawn).

use std::rc::Rc;

use super::{Job, State};
use crate::i18n::Prose;
use crate::lessons::sweep::SweepRequest;
use crate::worker::protocol::{Request, SweepResult};

/// The sweep panel's state.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum SweepPhase {
    #[default]
    Idle,
    Running {
        done: u64,
        total: u64,
    },
    Cancelling,
    Done(Rc<SweepResult>),
    Failed(Prose),
}

impl SweepPhase {
    pub fn is_running(&self) -> bool {
        matches!(self, SweepPhase::Running { .. } | SweepPhase::Cancelling)
    }
}

impl State {
    pub fn sweep_phase(&self) -> SweepPhase {
        match self.job {
            Some(Job::Sweep { cancelling: true, .. }) => SweepPhase::Cancelling,
            Some(Job::Sweep { done, total, .. }) => SweepPhase::Running { done, total },
            _ => self.swept.clone().unwrap_or_default(),
        }
    }

    pub(super) fn start_sweep(&mut self, request: SweepRequest) {
        if !self.can_run() {
            return;
        }
        // A sweep chooses its own seeds; a schedule is of one run.
        let (Some(lesson), Some(scenario)) = (self.query.lesson, self.scenario(&["schedule"])) else { return };
        self.close_stepper();
        let run = self.take_run_id();
        let lang = self.lang();
        self.send(Request::Sweep { run, scenario, request, lang });
        self.restarted = None;
        self.swept = None;
        self.job = Some(Job::Sweep { run, lesson, done: 0, total: 0, cancelling: false });
    }

    pub(super) fn sweep_finished(&mut self, run: u32, result: SweepResult) {
        let Some(Job::Sweep { run: current, lesson, .. }) = self.job else { return };
        if current != run {
            return;
        }
        self.job = None;
        if self.open_lesson_is(lesson) {
            self.swept = Some(SweepPhase::Done(Rc::new(result)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::PageQuery;
    use crate::ui::state::Action;

    fn ready(search: &str) -> State {
        let state = State::new(PageQuery::parse(search), true, 2);
        state.reduce(Action::WorkerReady { isolated: true, pool_threads: 3, hardware_concurrency: 2 })
    }

    fn gil() -> SweepRequest {
        SweepRequest { knob: "workers".into(), values: "1-8".into(), series: Some("mode".into()), seeds: 3 }
    }

    #[test]
    fn a_sweep_is_one_job_with_progress_and_leaves_its_plots_also_when_cancelled() {
        let state = ready("?lesson=gil&schedule=1t0").reduce(Action::StartSweep(gil()));
        let Some((_, Request::Sweep { run, scenario, request, .. })) = state.outbox.last().cloned() else { panic!() };
        assert_eq!(request, gil());
        assert!(scenario.knobs.iter().all(|(name, _)| name != "schedule"), "a sweep chooses its own runs");
        assert!(!state.can_run(), "one job at a time");
        let state = state.reduce(Action::RunProgress { run, done: 5, total: 48, elapsed_ns: 0 });
        assert_eq!(state.sweep_phase(), SweepPhase::Running { done: 5, total: 48 });
        let state = state.reduce(Action::Cancel);
        assert_eq!(state.sweep_phase(), SweepPhase::Cancelling);
        let result = SweepResult { runs: 5, planned: 48, markup: "<svg/>".into(), csv: "x\n".into() };
        let state = state.reduce(Action::SweepFinished { run, result: Box::new(result.clone()) });
        assert_eq!(state.sweep_phase(), SweepPhase::Done(Rc::new(result)));
        assert!(state.can_run());
        // Another lesson: the plots go.
        let state = state.reduce(Action::OpenLesson(crate::lessons::find("pipe").unwrap()));
        assert_eq!(state.sweep_phase(), SweepPhase::Idle);
    }
}
