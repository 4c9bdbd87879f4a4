//! The messages between the page and the engine worker, shared by both sides.
//!
//! Every message is a serde type encoded with postcard (compact: variable-length integers,
//! length-prefixed strings, one tag per variant) into a buffer that is transferred, not
//! copied. Pure Rust, so the codec is tested natively; decoding untrusted bytes gives an
//! error, never a panic.

use serde::{Deserialize, Serialize};

pub use crate::compile::CompileError;
use crate::draw::timeline_svg::Frame;
use crate::engine::explore::{ExploreReport, ExploreRequest};
use crate::engine::live::probe::{ProbeReport, ProbeRequest};
use crate::engine::sim::Snapshot;
use crate::engine::trace::{Trace, TraceBatch};
use crate::i18n::Lang;
use crate::lessons::sweep::SweepRequest;
use crate::lessons::{Expect, FindingsText};
pub use crate::worker::prose::{KnobProse, LessonProse, Prose};

/// Console writes of a run the page keeps from its beginning, and from its end: a run may
/// print hundreds of thousands of lines, and the page stays light whatever it prints. The
/// whole output can be downloaded ([`Request::Export`]).
pub const CONSOLE_HEAD: usize = 2_000;
pub const CONSOLE_TAIL: usize = 1_000;

/// How often the worker says it is alive.
pub const HEARTBEAT_MS: i32 = 500;
/// Silence from the worker after which the page restarts it.
pub const SILENCE_MS: f64 = 2_000.0;

/// A sweep's runs so far, drawn: markup with a plot for each figure (one shown, a menu to
/// show another, a button for the CSV), and the table as CSV.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepResult {
    pub runs: u64,
    pub planned: u64,
    pub markup: String,
    pub csv: String,
}

/// The files a finished run downloads as, written by the worker from the whole run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportFile {
    /// Everything it printed.
    Console,
    /// A Chrome trace (ui.perfetto.dev, chrome://tracing).
    Trace,
    /// Its results as JSON, as `interleave run --json` prints them.
    Results,
    /// Its whole timeline as an SVG picture, titled in the page's language.
    Timeline(Lang),
}

impl ExportFile {
    /// The end of the downloaded file's name.
    pub fn suffix(self) -> &'static str {
        match self {
            ExportFile::Console => ".txt",
            ExportFile::Trace => ".trace.json",
            ExportFile::Results => ".json",
            ExportFile::Timeline(_) => ".timeline.svg",
        }
    }
}

/// Page to worker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Request {
    /// Run the pool probe (CPU-bound jobs on the pool).
    Probe { run: u32, request: ProbeRequest },
    /// Run a lesson, or the learner's program.
    Run { run: u32, scenario: Scenario },
    /// Stop a run; every actor sees the control block flip.
    Cancel { run: u32 },
    /// Test builds only ([`crate::TEST_HOOKS`]): make a pool thread panic, so tests can
    /// check that the page recovers.
    PanicForTest,
    /// Test builds only: the worker's own thread stops answering (it spins for ever).
    HangForTest,
    /// Test builds only: every pool thread spins for ever, without checking for Cancel.
    StallPoolForTest,
    /// Explore a lesson or the learner's program over seeds and schedules on the simulated
    /// engine; `expect` (for a written program): what a run should do (otherwise, not hang).
    Explore { run: u32, scenario: Scenario, request: ExploreRequest, expect: Option<Expect> },
    /// The last finished run written as a file to download, if `run` is it.
    Export { run: u32, file: ExportFile },
    /// Run `run`'s timeline drawn as `frame` asks (the stepper's run as it is now, if it is
    /// that run). `version` is the page's, echoed: which state of a stepped run it drew.
    DrawTimeline { run: u32, version: u64, frame: Frame },
    /// Sweep a knob of a lesson or the learner's program on the simulated engine; its plots
    /// are labelled in `lang`.
    Sweep { run: u32, scenario: Scenario, request: SweepRequest, lang: Lang },
    /// Open the stepper: a simulated run of a lesson or the learner's program, taken a turn
    /// at a time as the page asks ([`Request::StepMove`]); a Cancel closes it.
    Step { run: u32, scenario: Scenario },
    /// A move in the open stepper.
    StepMove { run: u32, step: StepMove },
    /// The Python a lesson shows with these knobs (not a job: answered at once).
    Source { lesson: String, knobs: Vec<(String, String)> },
    /// Compile the learner's text, to mark what is refused while they type (not a job:
    /// answered at once); `id` pairs the answer with the question.
    Check { id: u32, code: String },
}

/// What a run, an exploration or the stepper is of: a lesson with knobs given as
/// `name=value` (checked again by the worker), and the learner's own Python in place of the
/// lesson's program if they wrote one (the lesson's common knobs still apply).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scenario {
    pub lesson: String,
    pub knobs: Vec<(String, String)>,
    pub code: Option<String>,
}

/// A move the learner makes in the stepper.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepMove {
    /// One turn: to this actor, or as the engine (or the replayed schedule) decides. A
    /// pick of an actor that cannot run now is ignored (the view it came from is old).
    Turn(Option<u16>),
    /// Time passes to the next timer, no one running meanwhile.
    Wait,
    /// So many turns a second, until paused or over.
    Play {
        per_second: u32,
    },
    /// As fast as the worker can, to the end.
    ToEnd,
    Pause,
}

/// The stepper's run after a move, as the page draws it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepView {
    /// Who does what between turns.
    pub snapshot: Snapshot,
    /// The run so far (the whole run once over), its console cut to its head and tail.
    pub trace: Trace,
    /// The picks that overruled the engine, as the link writes them.
    pub schedule: String,
    /// Playing or running to the end.
    pub moving: bool,
    pub end: Option<StepEnd>,
}

/// How the stepper's run ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepEnd {
    /// To its end (or stopped early by the learner): its findings from the whole run, in
    /// every language.
    Finished { findings: Vec<FindingsText> },
    /// It cannot go on (a replayed schedule that does not fit, the step limit): why.
    Failed(Prose),
}

/// Worker to page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Response {
    /// The handshake: the worker is up, with or without its thread pool.
    Ready {
        isolated: bool,
        pool_threads: u32,
        hardware_concurrency: u32,
    },
    Progress {
        run: u32,
        done: u64,
        total: u64,
        elapsed_ns: u64,
    },
    /// Console writes of a live run, streamed while it goes on: the first
    /// [`CONSOLE_HEAD`], then at most the last [`CONSOLE_TAIL`] of each batch; `skipped`
    /// writes were held back before this batch's.
    Trace {
        run: u32,
        batch: TraceBatch,
        skipped: u64,
    },
    /// A probe run ended: its report, and its timeline (drawn by the page).
    ProbeDone {
        run: u32,
        report: ProbeReport,
        trace: Box<Trace>,
    },
    /// A lesson run ended (completed, cancelled or stopped): its trace, the console cut to
    /// its head and tail, and its findings from the whole run, in every language
    /// ([`crate::i18n::Lang::ALL`] order).
    RunDone {
        run: u32,
        trace: Trace,
        findings: Vec<FindingsText>,
    },
    /// The run could not start or failed; the message says why, in every language.
    Failed {
        run: u32,
        message: Prose,
    },
    /// A pool thread panicked; the pool is no longer whole and the page restarts the worker.
    Panicked {
        message: String,
    },
    /// The worker is alive: sent every [`HEARTBEAT_MS`] whatever it is doing, so the page
    /// notices a worker that died or hangs without anyone pressing Cancel. With the size of
    /// its wasm memory (which never shrinks: the most it has needed).
    Heartbeat {
        memory_bytes: u64,
    },
    /// The pool has stopped taking work (its threads are stuck): the page restarts the
    /// worker.
    PoolStalled,
    /// An exploration ended (done, or cancelled with what it had found so far).
    ExploreDone {
        run: u32,
        report: ExploreReport,
    },
    /// A sweep ended (done, or cancelled with the runs so far): its plots and CSV.
    SweepDone {
        run: u32,
        result: Box<SweepResult>,
    },
    /// Run `run` written as the file asked for (`None`: it is no longer the last run, or
    /// the file does not apply to it).
    Export {
        run: u32,
        file: ExportFile,
        text: Option<String>,
    },
    /// A timeline drawn as SVG markup (`None`: the worker no longer holds that run).
    Timeline {
        run: u32,
        version: u64,
        frame: Frame,
        markup: Option<String>,
    },
    /// The stepper after a move (or, while it moves by itself, every so often).
    Stepped {
        run: u32,
        view: Box<StepView>,
    },
    /// The Python of a lesson with these knobs, or why it cannot be built (in every
    /// language); and what the lesson says of itself (empty for a lesson that does not exist).
    Source {
        lesson: String,
        knobs: Vec<(String, String)>,
        text: Result<String, Prose>,
        words: LessonProse,
    },
    /// The learner's text compiled: its shared variables (what explore can expect a value
    /// of), or where and why it is refused; and how long compiling took (a benchmark's
    /// figure).
    Checked {
        id: u32,
        result: Result<Vec<String>, CompileError>,
        took_ns: u64,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError(pub String);

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "malformed engine message: {}", self.0)
    }
}

impl std::error::Error for DecodeError {}

impl DecodeError {
    /// In every language; what the codec said stays as it said it.
    pub fn said(&self) -> Prose {
        let detail = &self.0;
        crate::said!("malformed engine message: {detail}", "엔진 메시지가 올바르지 않습니다: `{detail}`")
    }
}

fn encode<T: Serialize>(message: &T) -> Vec<u8> {
    // Only an allocation failure can make postcard fail to write to a Vec.
    postcard::to_allocvec(message).expect("a message encodes")
}

/// Decodes one whole message: bytes left over are as wrong as bytes missing.
fn decode<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, DecodeError> {
    match postcard::take_from_bytes(bytes) {
        Ok((message, [])) => Ok(message),
        Ok((_, rest)) => Err(DecodeError(format!("{} bytes after the message", rest.len()))),
        Err(error) => Err(DecodeError(error.to_string())),
    }
}

impl Request {
    pub fn encode(&self) -> Vec<u8> {
        encode(self)
    }

    pub fn decode(bytes: &[u8]) -> Result<Request, DecodeError> {
        decode(bytes)
    }
}

impl Response {
    pub fn encode(&self) -> Vec<u8> {
        encode(self)
    }

    pub fn decode(bytes: &[u8]) -> Result<Response, DecodeError> {
        decode(bytes)
    }
}

#[cfg(test)]
mod tests;
