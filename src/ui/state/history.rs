//! The browser's history: opening a lesson, going back to the index and each run are
//! entries of their own, so Back and Forward move between them. An entry is its link and
//! whether it showed a run; a run the page still keeps is shown again as it was, another is
//! run again (the same run, on the simulated engine).

use std::rc::Rc;

use super::{FinishedRun, State};
use crate::query::PageQuery;

/// Finished runs kept for Back and Forward, the newest last.
const KEPT_RUNS: usize = 8;

/// The page's place in the browser's history, as the app writes it there.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HistoryEntry {
    /// Entries the page has asked for so far: when this grows, the app pushes a new one
    /// (otherwise it rewrites the current one as the link changes).
    pub pushes: u32,
    /// The entry shows a run.
    pub ran: bool,
    /// The entry holds knobs changed after a run: the next run takes it over.
    pub edited: bool,
}

impl State {
    /// A new history entry from here on (none inside an embed: its Back is the host's).
    pub(super) fn push_entry(&mut self, ran: bool) {
        if !self.query.page.embed {
            self.history = HistoryEntry { pushes: self.history.pushes + 1, ran, edited: false };
        }
    }

    /// The learner changes a knob: if the entry showed a run, the run keeps its entry and
    /// the change gets one of its own.
    pub(super) fn entry_edited(&mut self) {
        if self.history.ran {
            self.push_entry(false);
            self.history.edited = !self.query.page.embed;
        }
    }

    /// A run starts: an entry of its own, or the one of the changes that led to it.
    pub(super) fn entry_ran(&mut self) {
        if self.history.edited {
            self.history = HistoryEntry { ran: true, edited: false, ..self.history };
        } else {
            self.push_entry(true);
        }
    }

    /// A run to keep for Back and Forward.
    pub(super) fn keep_run(&mut self, run: Rc<FinishedRun>) {
        self.kept_runs.retain(|kept| kept.key != run.key);
        self.kept_runs.push(run);
        let excess = self.kept_runs.len().saturating_sub(KEPT_RUNS);
        self.kept_runs.drain(..excess);
    }

    /// Back or Forward: the page of `search`, with its run if it showed one.
    pub(super) fn history_moved(&mut self, search: &str, ran: bool) {
        let query = PageQuery::parse(search);
        // The pinned run stays while the entry has the same pin.
        let same_pin = query.lesson == self.query.lesson && query.pin() == self.query.pin();
        let pinned = self.pinned.take().filter(|_| same_pin);
        self.leave_lesson();
        self.query = query;
        self.pinned = pinned;
        self.pin_tried = false;
        // A pin not run yet runs first (and the entry's own run after it).
        self.run_when_ready = self.pin_due() && self.query.lesson.is_some();
        self.default_cores();
        self.editor_open = self.blank_page();
        self.history = HistoryEntry { ran, edited: false, ..self.history };
        if !ran || self.query.lesson.is_none() {
            return;
        }
        let key = self.query.run_key();
        match self.kept_runs.iter().find(|kept| kept.key == key) {
            Some(kept) => self.finished = Some(kept.clone()),
            // Run again once the worker can (a job of another lesson ends as it is left).
            None if self.can_run() && !self.pin_due() => self.run_lesson(),
            None => self.run_when_ready = true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::trace::{EngineKind, Outcome, Trace};
    use crate::ui::state::{Action, Job};
    use crate::worker::protocol::Request;

    fn ready(search: &str) -> State {
        let state = State::new(PageQuery::parse(search), true, 2);
        state.reduce(Action::WorkerReady { isolated: true, pool_threads: 3, hardware_concurrency: 2 })
    }

    fn runs_sent(state: &State) -> usize {
        state.outbox.iter().filter(|(_, r)| matches!(r, Request::Run { .. })).count()
    }

    /// Runs the open lesson to its end (an empty run).
    fn run(state: State) -> State {
        let state = state.reduce(Action::RunLesson);
        let run = state.job.as_ref().map(Job::run).unwrap();
        let trace = Trace::from_recorders(EngineKind::Simulated, vec![], vec![], 0, Outcome::Completed);
        state.reduce(Action::RunFinished { run, trace, findings: vec![] })
    }

    #[test]
    fn a_lesson_a_run_and_the_first_change_after_a_run_are_entries_of_their_own() {
        let lesson = crate::lessons::find("race_counter").unwrap();
        let state = ready("").reduce(Action::OpenLesson(lesson));
        assert_eq!(state.history, HistoryEntry { pushes: 1, ran: false, edited: false });
        let state = run(state);
        assert_eq!(state.history, HistoryEntry { pushes: 2, ran: true, edited: false });
        let state = state.reduce(Action::SetKnob { name: "threads".into(), value: "3".into() });
        assert_eq!(state.history, HistoryEntry { pushes: 3, ran: false, edited: true });
        // Further changes rewrite that entry; the language is no change of the run.
        let state = state.reduce(Action::SetKnob { name: "threads".into(), value: "5".into() });
        let state = state.reduce(Action::SetLang(crate::i18n::Lang::Ko));
        assert_eq!(state.history.pushes, 3);
        // The run of those changes takes their entry over.
        let state = run(state);
        assert_eq!(state.history, HistoryEntry { pushes: 3, ran: true, edited: false });
        let state = state.reduce(Action::CloseLesson);
        assert_eq!(state.history, HistoryEntry { pushes: 4, ran: false, edited: false });
    }

    #[test]
    fn back_to_a_run_shows_it_again_and_a_run_no_longer_kept_runs_again() {
        let state = run(ready("?lesson=race_counter&threads=2"));
        let first = state.finished.clone().unwrap();
        let state = run(state.reduce(Action::SetKnob { name: "threads".into(), value: "3".into() }));
        assert_ne!(state.finished.as_ref().unwrap().key, first.key);
        let sent = runs_sent(&state);
        // Back to the first run: shown as it was, not run again.
        let state =
            state.reduce(Action::HistoryMoved { search: "?lesson=race_counter&threads=2&cores=2".into(), ran: true });
        assert_eq!(state.finished.as_ref().map(|f| f.run), Some(first.run));
        assert_eq!(runs_sent(&state), sent);
        assert_eq!(state.query.value("threads").map(|v| v.to_string()), Some("2".into()));
        // A run the page never kept is run again, with the entry's knobs.
        let state = state.reduce(Action::HistoryMoved { search: "?lesson=race_counter&threads=7".into(), ran: true });
        assert_eq!(runs_sent(&state), sent + 1);
        assert!(state.finished.is_none() && state.lesson_running());
        // The entry before the run: the lesson, no run; and the index, no lesson.
        // (the run under way is cancelled).
        let state = state.reduce(Action::HistoryMoved { search: "?lesson=race_counter".into(), ran: false });
        assert!(state.finished.is_none() && state.cancelling().is_some());
        let state = state.reduce(Action::HistoryMoved { search: "".into(), ran: false });
        assert!(state.query.lesson.is_none());
        // None of it made an entry.
        assert_eq!(state.history.pushes, 2);
    }

    #[test]
    fn an_embed_leaves_the_hosts_history_alone() {
        let state = run(ready("?lesson=race_counter&embed=1"));
        assert_eq!(state.history.pushes, 0);
    }
}
