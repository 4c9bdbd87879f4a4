//! A lesson run: started with the link's knobs, streamed while it goes on, and kept once
//! it ends, with the lesson and knobs it ran with and its findings (computed by the worker
//! from the whole run).

use std::rc::Rc;

use super::editor::scenario_of;
use super::{Job, RunPhase, RunProgress, State, StreamedConsole};
use crate::engine::trace::{ConsoleWrite, Trace};
use crate::i18n::Lang;
use crate::knobs::KnobValues;
use crate::lessons::{FindingsText, LessonInfo};
use crate::query::PageQuery;
use crate::worker::protocol::Request;

/// A finished lesson run: its trace (the console possibly cut to its head and tail), the
/// lesson and knobs it ran with, and its findings in every language.
#[derive(Clone, Debug)]
pub struct FinishedRun {
    /// The run's number, as the page asked the worker for it (each run has its own).
    pub run: u32,
    pub lesson: &'static LessonInfo,
    pub knobs: KnobValues,
    /// What it ran, as link text ([`crate::query::PageQuery::run_key`]).
    pub key: String,
    pub trace: Rc<Trace>,
    findings: Rc<Vec<FindingsText>>,
}

impl PartialEq for FinishedRun {
    // A trace is compared by allocation: by value it would cost a walk of every span on
    // every state change.
    fn eq(&self, other: &Self) -> bool {
        self.run == other.run && Rc::ptr_eq(&self.trace, &other.trace) && self.knobs == other.knobs
    }
}

/// A live run's console as streamed so far, and where its gap is (the index the writes
/// held back would be at, and how many).
pub type StreamedWrites = (Vec<ConsoleWrite>, Option<(usize, u64)>);

impl FinishedRun {
    pub fn new(
        run: u32,
        lesson: &'static LessonInfo,
        knobs: KnobValues,
        key: String,
        trace: Trace,
        findings: Vec<FindingsText>,
    ) -> FinishedRun {
        FinishedRun { run, lesson, knobs, key, trace: Rc::new(trace), findings: Rc::new(findings) }
    }

    /// The findings in `lang` (English if the worker sent fewer languages).
    pub fn findings(&self, lang: Lang) -> Option<&FindingsText> {
        self.findings.get(lang.index()).or_else(|| self.findings.first())
    }

    /// Whether part of the console was left out of the page's copy (it can be downloaded).
    pub fn omitted_console(&self) -> bool {
        self.trace.omitted.is_some()
    }
}

impl State {
    /// The open lesson's run as its page draws it. A run of another lesson still being
    /// cancelled shows as cancelling: it is why Run waits.
    pub fn run_phase(&self) -> RunPhase {
        match &self.job {
            Some(Job::Run { run, cancelling: true, .. }) => RunPhase::Cancelling { run: *run },
            Some(Job::Run { run, progress: RunProgress { done, total, elapsed_ns }, .. }) => {
                RunPhase::Running { run: *run, done: *done, total: *total, elapsed_ns: *elapsed_ns }
            }
            _ => self.run_failed.clone().map_or(RunPhase::Idle, RunPhase::Failed),
        }
    }

    /// The console of the run under way, as streamed so far, and where its gap is.
    pub fn streamed(&self) -> StreamedWrites {
        match &self.job {
            Some(Job::Run { console, .. }) => console.writes(),
            _ => (Vec::new(), None),
        }
    }

    pub(super) fn run_lesson(&mut self) {
        let query = self.query.clone();
        self.start_run(&query, false);
    }

    /// Runs `query`'s lesson with its knobs: the link's own, or a pin's (`pinned`).
    pub(super) fn start_run(&mut self, query: &PageQuery, pinned: bool) {
        if !self.can_run() {
            return;
        }
        let (Some(lesson), Some(knobs), Some(scenario)) = (query.lesson, query.values(), scenario_of(query, &[]))
        else {
            return;
        };
        self.close_stepper();
        let run = self.take_run_id();
        let key = query.run_key();
        self.send(Request::Run { run, scenario });
        self.restarted = None;
        self.run_failed = None;
        self.job = Some(Job::Run {
            run,
            lesson,
            knobs,
            key,
            pinned,
            progress: RunProgress::default(),
            cancelling: false,
            console: StreamedConsole::default(),
        });
    }

    /// A run ended. It is shown only if its lesson is still the open one (leaving a lesson
    /// cancels its run, and what the run sends then is dropped).
    pub(super) fn run_finished(&mut self, run: u32, trace: Trace, findings: Vec<FindingsText>) {
        if !matches!(self.job, Some(Job::Run { run: current, .. }) if current == run) {
            return;
        }
        let Some(Job::Run { lesson, knobs, key, pinned, .. }) = self.job.take() else { return };
        if !self.open_lesson_is(lesson) {
            return;
        }
        let finished = Rc::new(FinishedRun::new(run, lesson, knobs, key, trace, findings));
        self.keep_run(finished.clone());
        if pinned {
            self.pinned = Some(finished.clone());
        }
        self.finished = Some(finished);
    }
}
