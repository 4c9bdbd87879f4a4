//! The one thing the engine worker does for the page at a time, and the phases the panels
//! draw from it. A lesson run and an exploration belong to their lesson: leaving the lesson
//! cancels them, and what they send afterwards is dropped.

use std::collections::VecDeque;
use std::rc::Rc;

use super::{State, SweepPhase};
use crate::engine::explore::{ExploreReport, ExploreRequest};
use crate::engine::trace::ConsoleWrite;
use crate::i18n::Prose;
use crate::knobs::KnobValues;
use crate::lessons::LessonInfo;
use crate::worker::protocol::{StepView, CONSOLE_HEAD, CONSOLE_TAIL};

/// What the engine worker is busy with for the page.
#[derive(Clone, Debug, PartialEq)]
pub enum Job {
    /// The pool check: one probe run per job count in the plan.
    Probe { run: u32, jobs: u32, done: u64, total: u64, cancelling: bool },
    /// A lesson run, with the knobs it was asked with (its findings and plot need them).
    Run {
        run: u32,
        lesson: &'static LessonInfo,
        knobs: KnobValues,
        /// What it runs, as link text ([`crate::query::PageQuery::run_key`]).
        key: String,
        /// The run of the link's pin, to show beside the next.
        pinned: bool,
        progress: RunProgress,
        cancelling: bool,
        console: StreamedConsole,
    },
    /// An exploration of a lesson over seeds and schedules.
    Explore { run: u32, lesson: &'static LessonInfo, request: ExploreRequest, done: u64, total: u64, cancelling: bool },
    /// A sweep of a knob of a lesson, run after run.
    Sweep { run: u32, lesson: &'static LessonInfo, done: u64, total: u64, cancelling: bool },
    /// The stepper: a simulated run in the worker, moved as the learner asks. It holds no
    /// threads, so it closes at once (and another job closes it).
    Step {
        run: u32,
        lesson: &'static LessonInfo,
        knobs: KnobValues,
        /// The run after the last move the worker answered (none before the first).
        view: Option<Rc<StepView>>,
        /// The learner picked a thread (or a wait): the next view's schedule goes in the link.
        picked: bool,
    },
}

impl Job {
    /// The number the worker knows this job by.
    pub fn run(&self) -> u32 {
        match *self {
            Job::Probe { run, .. }
            | Job::Run { run, .. }
            | Job::Explore { run, .. }
            | Job::Sweep { run, .. }
            | Job::Step { run, .. } => run,
        }
    }

    pub fn is_cancelling(&self) -> bool {
        match *self {
            Job::Probe { cancelling, .. }
            | Job::Run { cancelling, .. }
            | Job::Explore { cancelling, .. }
            | Job::Sweep { cancelling, .. } => cancelling,
            Job::Step { .. } => false,
        }
    }

    pub(super) fn set_cancelling(&mut self) {
        match self {
            Job::Probe { cancelling, .. }
            | Job::Run { cancelling, .. }
            | Job::Explore { cancelling, .. }
            | Job::Sweep { cancelling, .. } => *cancelling = true,
            Job::Step { .. } => {}
        }
    }

    /// The lesson a run or an exploration belongs to.
    pub fn lesson(&self) -> Option<&'static LessonInfo> {
        match *self {
            Job::Run { lesson, .. }
            | Job::Explore { lesson, .. }
            | Job::Sweep { lesson, .. }
            | Job::Step { lesson, .. } => Some(lesson),
            Job::Probe { .. } => None,
        }
    }
}

/// How far a lesson run has got: a live run knows its total work; a simulated one reports
/// how far Python time got (`total` 0).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunProgress {
    pub done: u64,
    pub total: u64,
    pub elapsed_ns: u64,
}

/// The console of a live run while it goes on, bounded: its first writes, its newest, and
/// how many between were not kept.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StreamedConsole {
    pub head: Vec<ConsoleWrite>,
    pub tail: VecDeque<ConsoleWrite>,
    /// Writes between `head` and `tail` that the page never kept.
    pub skipped: u64,
}

impl StreamedConsole {
    /// Takes a batch from the worker, which held back `skipped` writes before it.
    pub fn take(&mut self, writes: Vec<ConsoleWrite>, skipped: u64) {
        self.skipped += skipped;
        if skipped > 0 {
            // What the worker held back came after everything the page has.
            self.skipped += self.tail.len() as u64;
            self.tail.clear();
        }
        // Actors' batches arrive one after another: each write goes in its place by time,
        // after any of the same moment (no sort compiled into the page for it).
        for write in writes {
            let key = (write.at, write.actor);
            let before = |w: &ConsoleWrite| (w.at, w.actor) <= key;
            if self.head.len() < CONSOLE_HEAD && self.skipped == 0 && self.tail.is_empty() {
                let at = self.head.partition_point(before);
                self.head.insert(at, write);
            } else {
                let at = self.tail.partition_point(before);
                self.tail.insert(at, write);
                if self.tail.len() > CONSOLE_TAIL {
                    self.tail.pop_front();
                    self.skipped += 1;
                }
            }
        }
    }

    /// The writes kept, in order, and where the gap is (with how many writes it hides).
    pub fn writes(&self) -> (Vec<ConsoleWrite>, Option<(usize, u64)>) {
        let gap = (self.skipped > 0).then_some((self.head.len(), self.skipped));
        (self.head.iter().chain(&self.tail).cloned().collect(), gap)
    }
}

/// The pool check as its panel draws it.
#[derive(Clone, Debug, PartialEq)]
pub enum ProbePhase {
    Idle,
    Running { run: u32, jobs: u32, done: u64, total: u64 },
    Cancelling { run: u32 },
    Cancelled,
    Failed(Prose),
}

/// The open lesson's run as its page draws it.
#[derive(Clone, Debug, PartialEq)]
pub enum RunPhase {
    Idle,
    Running { run: u32, done: u64, total: u64, elapsed_ns: u64 },
    Cancelling { run: u32 },
    Failed(Prose),
}

/// The open lesson's exploration as its panel draws it.
#[derive(Clone, Debug, PartialEq)]
pub enum ExplorePhase {
    Idle,
    Running {
        run: u32,
        request: ExploreRequest,
        done: u64,
        total: u64,
    },
    Cancelling {
        run: u32,
        request: ExploreRequest,
    },
    /// Over (or cancelled, with what it had found); `cancelled` says which.
    Done {
        request: ExploreRequest,
        report: ExploreReport,
        cancelled: bool,
    },
    Failed(Prose),
}

impl ExplorePhase {
    /// Whether an exploration is under way (or being cancelled).
    pub fn is_running(&self) -> bool {
        matches!(self, ExplorePhase::Running { .. } | ExplorePhase::Cancelling { .. })
    }
}

impl State {
    /// The worker is gone (restarted or failed): the job under way ends with `why`.
    pub(super) fn job_lost(&mut self, why: &Prose) {
        self.pending_jobs.clear();
        match self.job.take() {
            Some(Job::Probe { .. }) => self.probe_ended = Some(ProbePhase::Cancelled),
            Some(Job::Run { lesson, .. }) if self.open_lesson_is(lesson) => self.run_failed = Some(why.clone()),
            Some(Job::Explore { lesson, .. }) if self.open_lesson_is(lesson) => {
                self.explored = Some(ExplorePhase::Failed(why.clone()))
            }
            Some(Job::Sweep { lesson, .. }) if self.open_lesson_is(lesson) => {
                self.swept = Some(SweepPhase::Failed(why.clone()))
            }
            _ => {}
        }
    }

    /// The worker could not do job `run`; `message` says why.
    pub(super) fn job_failed(&mut self, run: u32, message: Prose) {
        if self.job.as_ref().map(Job::run) != Some(run) {
            return;
        }
        match self.job.take() {
            Some(Job::Probe { .. }) => {
                self.pending_jobs.clear();
                self.probe_ended = Some(ProbePhase::Failed(message));
            }
            Some(Job::Run { lesson, .. }) if self.open_lesson_is(lesson) => self.run_failed = Some(message),
            Some(Job::Explore { lesson, .. }) if self.open_lesson_is(lesson) => {
                self.explored = Some(ExplorePhase::Failed(message))
            }
            Some(Job::Sweep { lesson, .. }) if self.open_lesson_is(lesson) => {
                self.swept = Some(SweepPhase::Failed(message))
            }
            Some(Job::Step { lesson, .. }) if self.open_lesson_is(lesson) => self.run_failed = Some(message),
            _ => {}
        }
    }

    pub(super) fn progress(&mut self, run: u32, done: u64, total: u64, elapsed_ns: u64) {
        match &mut self.job {
            Some(Job::Probe { run: current, done: d, total: t, .. })
            | Some(Job::Explore { run: current, done: d, total: t, .. })
            | Some(Job::Sweep { run: current, done: d, total: t, .. })
                if *current == run =>
            {
                *d = done;
                *t = total;
            }
            Some(Job::Run { run: current, progress, .. }) if *current == run => {
                *progress = RunProgress { done, total, elapsed_ns };
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::program::ActorId;

    fn writes(from: u64, n: u64) -> Vec<ConsoleWrite> {
        (from..from + n).map(|i| ConsoleWrite { actor: ActorId(0), at: i, text: format!("{i}\n") }).collect()
    }

    #[test]
    fn a_streamed_console_keeps_its_head_and_newest_writes_and_counts_the_rest() {
        let mut console = StreamedConsole::default();
        console.take(writes(0, CONSOLE_HEAD as u64 + 10), 0);
        assert_eq!((console.head.len(), console.tail.len(), console.skipped), (CONSOLE_HEAD, 10, 0));
        // The worker held back 500 writes before the next batch: the old tail is now in the gap.
        console.take(writes(10_000, CONSOLE_TAIL as u64 + 5), 500);
        assert_eq!(console.tail.len(), CONSOLE_TAIL);
        assert_eq!(console.skipped, 500 + 10 + 5);
        assert_eq!(console.tail.front().map(|w| w.at), Some(10_005));
        let (kept, gap) = console.writes();
        assert_eq!(kept.len(), CONSOLE_HEAD + CONSOLE_TAIL);
        assert_eq!(gap, Some((CONSOLE_HEAD, 515)));
    }
}
