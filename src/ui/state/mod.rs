//! The page's state as a reducer: one [`State`], one [`Action`] per thing that happens, and
//! every transition in one `match`. Pure, so it is tested without a browser. What the page
//! must send to the engine worker is queued in [`State::outbox`]; the app delivers it.
//!
//! The engine worker does one [`Job`] at a time for the page: the pool check, a lesson run,
//! an exploration or the stepper. What a job leaves behind (the check's rows, a finished run, an
//! exploration's report) stays after it, until the learner moves on.
//!
//! - `job`: the job and the phases the panels draw from it.
//! - `probe`, `run`, `explore`, `step`: each job's transitions and results.
//! - `source`: the open lesson's Python, as the worker writes it for the link's knobs.
//! - `editor`: the learner's own program in its place, checked as they type.

mod compare;
mod drawing;
mod editor;
mod explore;
mod history;
mod job;
mod probe;
mod run;
mod source;
mod step;
mod sweep;
#[cfg(test)]
mod tests;

use std::rc::Rc;

pub use drawing::{drawn, Drawing};
pub use editor::CodeCheck;
pub use history::HistoryEntry;
pub use job::{ExplorePhase, Job, ProbePhase, RunPhase, RunProgress, StreamedConsole};
pub use probe::{ProbeRow, PROBE_UNITS};
pub use run::{FinishedRun, StreamedWrites};
pub use sweep::SweepPhase;

use crate::draw::timeline_svg::Frame;
use crate::engine::explore::{ExploreReport, ExploreRequest};
use crate::engine::live::probe::ProbeReport;
use crate::engine::trace::{Trace, TraceBatch};
use crate::i18n::{Lang, Prose};
use crate::knobs::KnobValues;
use crate::lessons::{FindingsText, LessonInfo};
use crate::query::{Note, PageQuery, Theme};
use crate::worker::protocol::{ExportFile, LessonProse, Request, StepMove, StepView};

#[derive(Clone, Debug, PartialEq)]
pub enum WorkerStatus {
    Starting,
    Ready {
        pool_threads: u32,
    },
    /// Up, but without a pool: the page is not cross-origin isolated.
    NoPool,
    Failed(Prose),
}

#[derive(Clone, Debug, PartialEq)]
pub struct State {
    pub query: PageQuery,
    pub isolated: bool,
    pub hardware_concurrency: u32,
    pub worker: WorkerStatus,
    /// Why the engine worker was last restarted, shown until the next run.
    pub restarted: Option<Prose>,
    /// What the engine worker is doing for the page, if anything.
    pub job: Option<Job>,
    /// The pool check's rows, and job counts still to run in it.
    pub rows: Vec<ProbeRow>,
    pending_jobs: Vec<u32>,
    /// How the last pool check ended early, if it did.
    probe_ended: Option<ProbePhase>,
    /// The last pool check's run and timeline.
    pub last_trace: Option<(u32, Rc<Trace>)>,
    /// The open lesson's last finished run.
    pub finished: Option<Rc<FinishedRun>>,
    /// Timelines the worker drew, and those asked for.
    drawings: Vec<Rc<Drawing>>,
    drawing_asked: Vec<(u32, u64, Frame)>,
    /// The run pinned to compare with (the link's `pin`).
    pinned: Option<Rc<FinishedRun>>,
    /// Why the open lesson's last run failed.
    run_failed: Option<Prose>,
    /// Notes about knob values the learner typed (clamped or refused).
    pub form_notes: Vec<Note>,
    /// How the open lesson's last exploration ended (`Done` or `Failed`).
    explored: Option<ExplorePhase>,
    /// How its last sweep ended (`Done` or `Failed`).
    swept: Option<SweepPhase>,
    /// The Python of the open lesson, as the worker wrote it for the knobs last asked
    /// about (`Err`: why it cannot be built), and what was asked.
    pub source: Option<Result<String, Prose>>,
    source_asked: Option<source::SourceKey>,
    /// What the open lesson says of itself (its explanation, what the seed changes, what its
    /// knobs mean), which the worker sends with its Python.
    pub lesson_words: Option<(String, Rc<LessonProse>)>,
    /// The code view is the editor (it is, too, whenever the link carries a program).
    editor_open: bool,
    /// The learner's text as last sent to be compiled, and the answer.
    pub code_check: CodeCheck,
    /// Explore's figure for a written program: a shared variable and the value it should
    /// end at (otherwise, a run that hangs).
    pub expect: Option<crate::lessons::Expect>,
    /// The learner's program before Reset, until they edit again.
    reset_from: Option<String>,
    /// The lesson runs as soon as it can: the learner clicked to load the page
    /// (`load=click`), or went Back to a run the page no longer keeps.
    run_when_ready: bool,
    /// The page's place in the browser's history.
    pub history: HistoryEntry,
    /// The link's pin was run (or tried) since the page or the history entry opened.
    pin_tried: bool,
    /// Finished runs, for Back and Forward.
    kept_runs: Vec<Rc<FinishedRun>>,
    next_run: u32,
    /// Requests for the engine worker, numbered; the app sends each once.
    pub outbox: Vec<(u64, Request)>,
    next_outgoing: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    SetLang(Lang),
    SetTheme(Theme),
    WorkerReady {
        isolated: bool,
        pool_threads: u32,
        hardware_concurrency: u32,
    },
    WorkerRestarted {
        reason: Prose,
    },
    WorkerFailed(Prose),
    /// Run the pool check: 1, 2 and `hardwareConcurrency` jobs, one after another.
    StartProbe,
    ProbeFinished {
        run: u32,
        report: ProbeReport,
        trace: Trace,
    },
    RunFailed {
        run: u32,
        message: Prose,
    },
    /// Stop the job under way.
    Cancel,
    OpenLesson(&'static LessonInfo),
    CloseLesson,
    /// The learner changed a knob in the form.
    SetKnob {
        name: String,
        value: String,
    },
    /// Run the open lesson with the knobs in the link.
    RunLesson,
    /// Pin the run on show, to compare the next ones with.
    Pin,
    Unpin,
    /// Back or Forward to the page of this link; `ran`: the entry showed a run.
    HistoryMoved {
        search: String,
        ran: bool,
    },
    /// How far the job under way has got (any kind of job).
    RunProgress {
        run: u32,
        done: u64,
        total: u64,
        elapsed_ns: u64,
    },
    /// Console writes of a live run; the worker held back `skipped` before them.
    RunBatch {
        run: u32,
        batch: TraceBatch,
        skipped: u64,
    },
    RunFinished {
        run: u32,
        trace: Trace,
        findings: Vec<FindingsText>,
    },
    /// The learner asks for the last run as a file (the worker writes it, the app saves it).
    Download(ExportFile),
    /// A timeline on show wants drawing (a run's number, its state, the frame).
    DrawTimeline {
        run: u32,
        version: u64,
        frame: Frame,
    },
    TimelineDrawn(Drawing),
    /// Explore the open lesson with the link's knobs (its schedule aside).
    StartExplore(ExploreRequest),
    ExploreFinished {
        run: u32,
        report: ExploreReport,
    },
    /// Sweep a knob of the open lesson (the link's other knobs as they are).
    StartSweep(crate::lessons::sweep::SweepRequest),
    SweepFinished {
        run: u32,
        result: Box<crate::worker::protocol::SweepResult>,
    },
    /// Replay a found run: its seed and schedule go into the link, and the stepper opens.
    OpenFound {
        seed: u64,
        schedule: String,
    },
    OpenStepper,
    CloseStepper,
    /// A move in the open stepper.
    StepMove(StepMove),
    /// The worker's stepper after a move.
    Stepped {
        run: u32,
        view: Box<StepView>,
    },
    /// The Python of a lesson with these knobs (the worker's answer to the page's question).
    Source {
        lesson: String,
        knobs: Vec<(String, String)>,
        text: Result<String, Prose>,
        words: LessonProse,
    },
    /// The learner opens the editor on the lesson's program.
    OpenEditor,
    /// The learner changed the program's text.
    EditCode(String),
    /// The learner paused typing: compile what they wrote.
    CheckCode,
    /// The worker compiled the text sent with `id`.
    CodeChecked {
        id: u32,
        result: Result<Vec<String>, crate::worker::protocol::CompileError>,
        took_ns: u64,
    },
    /// Back to the lesson's own program.
    ResetCode,
    /// The learner's program again, as it was before Reset.
    RestoreCode,
    /// Explore's figure for a written program: a run where this variable does not end at
    /// this value breaks (`None`: a run that hangs).
    SetExpect(Option<crate::lessons::Expect>),
}

impl State {
    pub fn new(query: PageQuery, isolated: bool, hardware_concurrency: u32) -> Self {
        let mut state = State {
            query,
            isolated,
            hardware_concurrency: hardware_concurrency.max(1),
            worker: WorkerStatus::Starting,
            restarted: None,
            job: None,
            rows: Vec::new(),
            pending_jobs: Vec::new(),
            probe_ended: None,
            last_trace: None,
            finished: None,
            drawings: Vec::new(),
            drawing_asked: Vec::new(),
            pinned: None,
            run_failed: None,
            form_notes: Vec::new(),
            explored: None,
            swept: None,
            source: None,
            source_asked: None,
            lesson_words: None,
            editor_open: false,
            code_check: CodeCheck::default(),
            expect: None,
            reset_from: None,
            run_when_ready: false,
            history: HistoryEntry::default(),
            pin_tried: false,
            kept_runs: Vec::new(),
            next_run: 1,
            outbox: Vec::new(),
            next_outgoing: 1,
        };
        state.default_cores();
        state.editor_open = state.blank_page();
        // An embed where live threads cannot run says so and simulates.
        let live = state.query.value("engine") == Some(&crate::knobs::KnobValue::Choice("live"));
        if state.query.page.embed && !isolated && live {
            let _ = state.query.set("engine", "sim");
        }
        // A link with a pin shows both runs: the pinned one first, then its own.
        let pinned = state.query.pin().is_some();
        state.run_when_ready = (state.query.page.load_on_click || pinned) && state.query.lesson.is_some();
        state
    }

    /// A lesson's `cores` is the learner's own core count unless the link says otherwise; it
    /// is written into the link, so a shared run is the same run on any machine.
    fn default_cores(&mut self) {
        if self.query.lesson.is_some() && !self.query.is_given("cores") {
            // More cores than the knob allows is clamped; the note would only confuse.
            let _ = self.query.set("cores", &self.hardware_concurrency.to_string());
        }
    }

    pub fn lang(&self) -> Lang {
        self.query.lang()
    }

    /// Whether the engine worker is busy for the page (one job at a time). An open stepper
    /// is not: it holds no threads, and the next job closes it.
    pub fn busy(&self) -> bool {
        self.job.as_ref().is_some_and(|job| !matches!(job, Job::Step { .. }))
    }

    pub fn probe_running(&self) -> bool {
        matches!(self.job, Some(Job::Probe { .. }))
    }

    pub fn lesson_running(&self) -> bool {
        matches!(self.job, Some(Job::Run { .. }))
    }

    pub fn exploring(&self) -> bool {
        matches!(self.job, Some(Job::Explore { .. }))
    }

    /// The run the page waits on a Cancel for, if any (the app restarts a worker that does
    /// not answer it in time).
    pub fn cancelling(&self) -> Option<u32> {
        self.job.as_ref().filter(|job| job.is_cancelling()).map(Job::run)
    }

    /// Whether the open lesson can run now: the worker is up (with its pool, for live
    /// threads) and nothing else runs.
    pub fn can_run(&self) -> bool {
        let live = self.query.value("engine") == Some(&crate::knobs::KnobValue::Choice("live"));
        let worker_ok = match self.worker {
            WorkerStatus::Ready { .. } => true,
            WorkerStatus::NoPool => !live,
            _ => false,
        };
        worker_ok && !self.busy() && self.query.lesson.is_some()
    }

    /// Whether the stepper can open: it runs the simulated engine, so it needs the worker
    /// but not its pool, a lesson, and no job under way.
    pub fn can_step(&self) -> bool {
        self.worker_up() && self.query.lesson.is_some() && self.job.is_none()
    }

    /// Whether the engine worker answers (with or without its pool).
    fn worker_up(&self) -> bool {
        matches!(self.worker, WorkerStatus::Ready { .. } | WorkerStatus::NoPool)
    }

    /// The knob values of the link, for a run (the link's values are always valid).
    pub fn knob_values(&self) -> Option<KnobValues> {
        self.query.values()
    }

    fn open_lesson_is(&self, lesson: &LessonInfo) -> bool {
        self.query.lesson.is_some_and(|open| open.id == lesson.id)
    }

    fn take_run_id(&mut self) -> u32 {
        let run = self.next_run;
        self.next_run += 1;
        run
    }

    fn send(&mut self, request: Request) {
        self.outbox.push((self.next_outgoing, request));
        self.next_outgoing += 1;
        // Only the newest few can still be unsent; the app sends after every render.
        let excess = self.outbox.len().saturating_sub(16);
        self.outbox.drain(..excess);
    }

    /// Asks the worker to stop the job under way (once). A stepper closes at once.
    fn cancel_job(&mut self) {
        self.close_stepper();
        let Some(job) = self.job.as_mut().filter(|job| !job.is_cancelling()) else { return };
        job.set_cancelling();
        let run = job.run();
        self.pending_jobs.clear();
        self.send(Request::Cancel { run });
    }

    /// Leaving the open lesson: its run or exploration is cancelled (what it sends from now
    /// on is dropped), and what the page showed of it goes.
    fn leave_lesson(&mut self) {
        if self.job.as_ref().and_then(Job::lesson).is_some() {
            self.cancel_job();
        }
        self.finished = None;
        self.pinned = None;
        self.run_failed = None;
        self.explored = None;
        self.swept = None;
        self.form_notes.clear();
        self.editor_open = false;
        self.code_check = CodeCheck::default();
        self.expect = None;
        self.reset_from = None;
    }

    pub fn reduce(mut self, action: Action) -> State {
        self.apply(action);
        if self.run_when_ready && self.can_run() {
            if self.pin_due() {
                self.run_pinned();
            } else {
                self.run_when_ready = false;
                self.run_lesson();
            }
        }
        self.ask_for_source();
        self
    }

    fn apply(&mut self, action: Action) {
        match action {
            Action::SetLang(lang) => self.query.set_lang(lang),
            Action::SetTheme(theme) => self.query.page.theme = theme,
            Action::WorkerReady { isolated, pool_threads, hardware_concurrency } => {
                self.isolated = isolated;
                self.hardware_concurrency = hardware_concurrency.max(1);
                self.worker =
                    if pool_threads > 0 { WorkerStatus::Ready { pool_threads } } else { WorkerStatus::NoPool };
                // A program from the link, opened before the worker was up; drawings asked
                // of a worker that is gone.
                self.check_code();
                self.drawing_asked.clear();
            }
            Action::WorkerRestarted { reason } => {
                self.worker = WorkerStatus::Starting;
                self.source_asked = None;
                self.check_lost();
                self.job_lost(&reason);
                self.restarted = Some(reason);
            }
            Action::WorkerFailed(message) => {
                self.job_lost(&message);
                self.worker = WorkerStatus::Failed(message);
            }
            Action::StartProbe => self.start_probe(),
            Action::ProbeFinished { run, report, trace } => self.probe_finished(run, report, trace),
            Action::RunFailed { run, message } => self.job_failed(run, message),
            Action::Cancel => self.cancel_job(),
            Action::OpenLesson(lesson) => {
                self.leave_lesson();
                self.query.open_lesson(lesson);
                self.default_cores();
                self.editor_open = self.blank_page();
                self.push_entry(false);
            }
            Action::CloseLesson => {
                self.leave_lesson();
                self.query.close_lesson();
                self.push_entry(false);
            }
            Action::SetKnob { name, value } => {
                if name != "lang" {
                    self.entry_edited();
                }
                self.set_knob(&name, &value)
            }
            Action::RunLesson => {
                if self.can_run() {
                    self.entry_ran();
                }
                self.run_lesson()
            }
            Action::HistoryMoved { search, ran } => self.history_moved(&search, ran),
            Action::Pin => self.pin_run(),
            Action::Unpin => self.unpin(),
            Action::RunProgress { run, done, total, elapsed_ns } => self.progress(run, done, total, elapsed_ns),
            Action::RunBatch { run, batch, skipped } => {
                if let Some(Job::Run { run: current, console, .. }) = &mut self.job {
                    if *current == run {
                        console.take(batch.console, skipped);
                    }
                }
            }
            Action::RunFinished { run, trace, findings } => self.run_finished(run, trace, findings),
            Action::Download(file) => {
                if let Some(run) = self.finished.as_ref().map(|f| f.run) {
                    self.send(Request::Export { run, file });
                }
            }
            Action::DrawTimeline { run, version, frame } => self.draw_timeline(run, version, frame),
            Action::TimelineDrawn(drawing) => self.timeline_drawn(drawing),
            Action::StartExplore(request) => self.start_explore(request),
            Action::ExploreFinished { run, report } => self.explore_finished(run, report),
            Action::StartSweep(request) => self.start_sweep(request),
            Action::SweepFinished { run, result } => self.sweep_finished(run, *result),
            Action::OpenFound { seed, schedule } => {
                if self.busy() {
                    return;
                }
                self.close_stepper();
                let _ = self.query.set("seed", &seed.to_string());
                let _ = self.query.set("schedule", &schedule);
                self.open_stepper();
            }
            Action::OpenStepper => self.open_stepper(),
            Action::CloseStepper => self.close_stepper(),
            Action::StepMove(step) => self.step_move(step),
            Action::Stepped { run, view } => self.stepped(run, *view),
            Action::Source { lesson, knobs, text, words } => self.source_written(lesson, knobs, text, words),
            Action::OpenEditor => self.open_editor(),
            Action::EditCode(text) => self.code_changed(text),
            Action::CheckCode => self.check_code(),
            Action::CodeChecked { id, result, took_ns } => self.code_checked(id, result, took_ns),
            Action::ResetCode => self.reset_code(),
            Action::RestoreCode => self.restore_code(),
            Action::SetExpect(expect) => {
                self.expect = expect;
                self.explored = None;
            }
        }
    }

    /// What was found of the run as it was (an exploration, a schedule) no longer applies.
    fn another_run(&mut self) {
        self.explored = None;
        if self.query.value("schedule").is_some_and(|s| !s.to_string().is_empty()) {
            let _ = self.query.set("schedule", "");
        }
    }

    fn set_knob(&mut self, name: &str, value: &str) {
        self.form_notes.retain(|n| !matches!(n, Note::Knob(e) if e.knob() == name));
        // Other knobs, another run: an exploration's findings and a schedule no longer
        // apply to it.
        if name != "schedule" && name != "lang" {
            self.another_run();
        }
        if let Err(note) = self.query.set(name, value) {
            self.form_notes.push(note);
        }
        // The stepper follows the form: other knobs, its run again from the start (a live
        // engine cannot be stepped: it closes).
        if self.stepping() && name != "schedule" && name != "lang" {
            self.close_stepper();
            if name != "engine" {
                self.open_stepper();
            }
        }
    }
}
