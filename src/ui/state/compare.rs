//! Compare: a finished run pinned, so the next runs show beside it. The pin is in the link
//! (`pin=`), so a shared link runs the pinned knobs first, then its own.

use std::rc::Rc;

use super::{FinishedRun, State};

impl State {
    /// Pins the run on show (another pin replaces it).
    pub(super) fn pin_run(&mut self) {
        let Some(run) = self.finished.clone() else { return };
        self.query.set_pin_from_key(&run.key);
        self.pinned = Some(run);
    }

    pub(super) fn unpin(&mut self) {
        self.query.unpin();
        self.pinned = None;
    }

    /// The pinned run, if any.
    pub fn pinned(&self) -> Option<Rc<FinishedRun>> {
        self.pinned.clone()
    }

    /// A link with a pin and no pinned run yet (tried once): its knobs run first, then the
    /// link's own.
    pub(super) fn pin_due(&self) -> bool {
        self.pinned.is_none() && self.query.pin().is_some() && !self.pin_tried
    }

    pub(super) fn run_pinned(&mut self) {
        self.pin_tried = true;
        if let Some(pinned) = self.query.pinned_query() {
            self.start_run(&pinned, true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::trace::{EngineKind, Outcome, Trace};
    use crate::query::PageQuery;
    use crate::ui::state::Action;
    use crate::worker::protocol::Request;

    fn ready(search: &str) -> State {
        let state = State::new(PageQuery::parse(search), true, 2);
        state.reduce(Action::WorkerReady { isolated: true, pool_threads: 3, hardware_concurrency: 2 })
    }

    /// The run under way ends (an empty run); returns the knobs it was sent with.
    fn finish(state: State) -> (State, Vec<(String, String)>) {
        let sent = state.outbox.iter().rev().find_map(|(_, r)| match r {
            Request::Run { run, scenario } => Some((*run, scenario.clone())),
            _ => None,
        });
        let (run, scenario) = sent.expect("a run sent");
        let trace = Trace::from_recorders(EngineKind::Simulated, vec![], vec![], 0, Outcome::Completed);
        (state.reduce(Action::RunFinished { run, trace, findings: vec![] }), scenario.knobs)
    }

    fn knob<'a>(knobs: &'a [(String, String)], name: &str) -> Option<&'a str> {
        knobs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    #[test]
    fn a_pinned_run_goes_into_the_link_and_shows_beside_the_next() {
        let state = ready("?lesson=race_counter&lock=none").reduce(Action::RunLesson);
        let (state, _) = finish(state);
        let state = state.reduce(Action::Pin);
        let link = state.query.to_query_string();
        assert!(link.contains("pin="), "{link}");
        let shown = state.finished.as_ref().map(|f| f.run);
        assert_eq!(state.pinned().map(|p| p.run), shown, "the pinned run is the one on show");
        let state =
            state.reduce(Action::SetKnob { name: "lock".into(), value: "each".into() }).reduce(Action::RunLesson);
        let (state, _) = finish(state);
        let beside = state.pinned().expect("still pinned");
        assert_ne!(state.finished.as_ref().map(|f| f.run), Some(beside.run), "beside the new run");
        assert!(beside.knobs.pairs().contains(&("lock", "none".to_string())));
        let state = state.reduce(Action::Unpin);
        assert!(state.pinned().is_none() && !state.query.to_query_string().contains("pin="));
    }

    #[test]
    fn a_link_with_a_pin_runs_the_pinned_knobs_then_its_own() {
        let (state, first) = finish(ready("?lesson=race_counter&lock=each&pin=lock%3Dnone%26threads%3D3"));
        assert_eq!((knob(&first, "lock"), knob(&first, "threads")), (Some("none"), Some("3")));
        let (state, second) = finish(state);
        assert_eq!((knob(&second, "lock"), knob(&second, "threads")), (Some("each"), Some("4")));
        let pinned = state.pinned().expect("the first run is pinned");
        assert!(pinned.knobs.pairs().contains(&("threads", "3".to_string())));
        // Nothing more runs by itself.
        assert!(!state.lesson_running());
    }
}
