//! The messages between the page and the engine worker, shared by both sides.
//!
//! Every message is a serde type encoded with postcard (compact: variable-length integers,
//! length-prefixed strings, one tag per variant) into a buffer that is transferred, not
//! copied. Pure Rust, so the codec is tested natively; decoding untrusted bytes gives an
//! error, never a panic.

use serde::{Deserialize, Serialize};

pub use crate::compile::CompileError;
use crate::engine::explore::{ExploreReport, ExploreRequest};
use crate::engine::live::probe::{ProbeReport, ProbeRequest};
use crate::engine::sim::Snapshot;
use crate::engine::trace::{Trace, TraceBatch};
use crate::i18n::{Lang, Text};
use crate::lessons::sweep::SweepRequest;
use crate::lessons::{Expect, FindingsText};

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
    Failed(String),
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
    /// The run could not start or failed; the message says why.
    Failed {
        run: u32,
        message: String,
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
    /// The stepper after a move (or, while it moves by itself, every so often).
    Stepped {
        run: u32,
        view: Box<StepView>,
    },
    /// The Python of a lesson with these knobs, or why it cannot be built; and what the
    /// lesson says of itself (empty for a lesson that does not exist).
    Source {
        lesson: String,
        knobs: Vec<(String, String)>,
        text: Result<String, String>,
        explanation: Prose,
        seed_changes: Prose,
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

/// A lesson's text in both languages, as it crosses to the page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prose {
    pub en: String,
    pub ko: String,
}

impl Prose {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Ko => &self.ko,
        }
    }
}

impl From<Text> for Prose {
    fn from(text: Text) -> Prose {
        Prose { en: text.en.to_string(), ko: text.ko.to_string() }
    }
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "malformed engine message: {}", self.0)
    }
}

impl std::error::Error for DecodeError {}

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
mod tests {
    use super::*;
    use crate::engine::control::StopReason;
    use crate::engine::explore::Found;
    use crate::engine::live::probe::JobReport;
    use crate::engine::program::{ActorId, ObjectId, ProcessId};
    use crate::engine::schedule::Schedule;
    use crate::engine::trace::{
        ActorInfo, ActorMetrics, ConsoleOmitted, ConsoleWrite, EngineKind, Mark, MarkKind, Outcome, PythonError, Span,
        SpanKind, WaitEdge, WaitOn,
    };

    fn scenario(lesson: &str, knobs: &[(&str, &str)], code: Option<&str>) -> Scenario {
        let knobs = knobs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Scenario { lesson: lesson.into(), knobs, code: code.map(str::to_string) }
    }

    fn sample_batch() -> TraceBatch {
        TraceBatch {
            spans: vec![
                Span { actor: ActorId(0), kind: SpanKind::Run, start: 5, end: 5_000_000_000, line: 3, count: 1 },
                Span {
                    actor: ActorId(1),
                    kind: SpanKind::Wait(WaitOn::Actor(ActorId(2))),
                    start: 9,
                    end: 12,
                    line: 1,
                    count: 7,
                },
                Span { actor: ActorId(2), kind: SpanKind::Hold(ObjectId(4)), start: 1, end: 2, line: 9, count: 1 },
            ],
            marks: vec![
                Mark { actor: ActorId(0), kind: MarkKind::Printed(0), at: 77, line: 3 },
                Mark { actor: ActorId(1), kind: MarkKind::Sent { object: ObjectId(3), seq: 9 }, at: 80, line: 4 },
                Mark { actor: ActorId(1), kind: MarkKind::Raised(0), at: 81, line: 4 },
            ],
            console: vec![ConsoleWrite { actor: ActorId(0), at: 78, text: "안녕 world\n".into() }],
        }
    }

    fn sample_trace() -> Trace {
        let batch = sample_batch();
        Trace {
            engine: EngineKind::Live,
            actors: vec![ActorInfo { name: "MainThread".into(), process: ProcessId(0), pool_thread: Some(4) }],
            spans: batch.spans,
            marks: batch.marks,
            console: batch.console,
            errors: vec![PythonError {
                actor: ActorId(1),
                line: 7,
                exception: "RuntimeError".into(),
                message: "release unlocked lock".into(),
            }],
            metrics: vec![ActorMetrics {
                busy: 1,
                waiting_gil: 2,
                blocked: 3,
                sleeping: 4,
                gil_acquisitions: 5,
                ops: 6,
            }],
            wall: 123_456_789,
            condensed: true,
            outcome: Outcome::Deadlock {
                cycle: vec![WaitEdge { waiter: ActorId(1), on: WaitOn::Object(ObjectId(2)), holder: ActorId(2) }],
            },
            finals: vec![(ObjectId(0), -40_000), (ObjectId(1), i64::MAX)],
            gil_handoffs: vec![812],
            objects: vec!["counter".into(), "forks[2]".into()],
            omitted: Some(ConsoleOmitted { at: 1, writes: 5, lines: 4 }),
        }
    }

    fn sample_step_view() -> StepView {
        use crate::engine::sim::{ActorState, ActorView};
        let actor = |state| ActorView {
            name: "Thread-1 (work)".into(),
            state,
            line: 10,
            next: Some("r0 = counter".into()),
            holds: vec!["GIL".into(), "lock".into()],
            registers: [1, -2, 3, i64::MIN, 5, 6, 7, i64::MAX],
        };
        StepView {
            snapshot: Snapshot {
                now: 106_500,
                turns: 6,
                actors: vec![
                    actor(ActorState::Ready),
                    actor(ActorState::Waiting(WaitOn::Object(ObjectId(1)))),
                    actor(ActorState::Waiting(WaitOn::Actor(ActorId(0)))),
                    actor(ActorState::Done),
                ],
                engine_next: vec![0, 3],
                next_timer: Some(7),
            },
            trace: sample_trace(),
            schedule: "1t1.4w".into(),
            moving: true,
            end: Some(StepEnd::Finished {
                findings: vec![FindingsText { headline: "h".into(), details: vec![], figures: vec![] }],
            }),
        }
    }

    #[test]
    fn every_message_round_trips() {
        let requests = [
            Request::Probe { run: 7, request: ProbeRequest { jobs: 17, units_per_job: u64::MAX } },
            Request::Cancel { run: 7 },
            Request::PanicForTest,
            Request::HangForTest,
            Request::StallPoolForTest,
            Request::Export { run: 4, file: ExportFile::Console },
            Request::Export { run: 4, file: ExportFile::Trace },
            Request::Export { run: 4, file: ExportFile::Results },
            Request::Export { run: 4, file: ExportFile::Timeline(Lang::Ko) },
            Request::Sweep {
                run: 9,
                scenario: scenario("gil", &[], None),
                request: SweepRequest {
                    knob: "workers".into(),
                    values: "1-8".into(),
                    series: Some("mode".into()),
                    seeds: 3,
                },
                lang: Lang::Ko,
            },
            Request::Run { run: 3, scenario: scenario("race_counter", &[("threads", "4")], None) },
            Request::Run { run: 3, scenario: scenario("race_counter", &[], Some("print('안녕')\n")) },
            Request::Explore {
                run: 5,
                scenario: scenario("race_counter", &[("gil", "off")], None),
                request: ExploreRequest { seeds: 3, picks: 2, max_runs: 1000, stop_at_first_break: true },
                expect: Some(Expect::Ends { variable: "total".into(), value: -7 }),
            },
            Request::Explore {
                run: 6,
                scenario: scenario("your_program", &[], Some("print(1)\n")),
                request: ExploreRequest { seeds: 3, picks: 0, max_runs: 10, stop_at_first_break: false },
                expect: Some(Expect::Prints("total = 60".into())),
            },
            Request::Step { run: 8, scenario: scenario("gil", &[("schedule", "2w.3t1")], None) },
            Request::Check { id: 9, code: "x = 1\n".into() },
            Request::StepMove { run: 8, step: StepMove::Turn(Some(3)) },
            Request::StepMove { run: 8, step: StepMove::Turn(None) },
            Request::StepMove { run: 8, step: StepMove::Play { per_second: 2000 } },
            Request::StepMove { run: 8, step: StepMove::Wait },
            Request::StepMove { run: 8, step: StepMove::ToEnd },
            Request::StepMove { run: 8, step: StepMove::Pause },
            Request::Source { lesson: "pipe".into(), knobs: vec![("duplex".into(), "no".into())] },
        ];
        for request in requests {
            assert_eq!(Request::decode(&request.encode()), Ok(request));
        }
        let report = ProbeReport {
            request: ProbeRequest { jobs: 2, units_per_job: 1000 },
            jobs: vec![
                JobReport { job: 0, pool_thread: Some(3), start: 10, end: 20, checksum: 99, stopped: None },
                JobReport {
                    job: 1,
                    pool_thread: None,
                    start: 11,
                    end: 25,
                    checksum: 1,
                    stopped: Some(StopReason::Cancelled),
                },
            ],
            wall: 15,
            stopped: Some(StopReason::Cancelled),
        };
        let responses = [
            Response::Ready { isolated: true, pool_threads: 17, hardware_concurrency: 2 },
            Response::Progress { run: 1, done: 5, total: 10, elapsed_ns: 123_456 },
            Response::Trace { run: 1, batch: sample_batch(), skipped: 12 },
            Response::ProbeDone { run: 1, trace: Box::new(report.to_trace()), report },
            Response::Failed { run: 2, message: "no such lesson".into() },
            Response::Panicked { message: "boom".into() },
            Response::Heartbeat { memory_bytes: 38 << 20 },
            Response::PoolStalled,
            Response::RunDone {
                run: 4,
                trace: sample_trace(),
                findings: vec![FindingsText {
                    headline: "Lost 3 of 40 000 updates.".into(),
                    details: vec!["Because.".into()],
                    figures: vec![("lost".into(), 3)],
                }],
            },
            Response::Export { run: 4, file: ExportFile::Console, text: Some("a\nb\n".into()) },
            Response::Export { run: 4, file: ExportFile::Trace, text: None },
            Response::SweepDone {
                run: 9,
                result: Box::new(SweepResult { runs: 2, planned: 3, markup: "<svg/>".into(), csv: "x\n".into() }),
            },
            Response::Stepped { run: 8, view: Box::new(sample_step_view()) },
            Response::Source {
                lesson: "pipe".into(),
                knobs: vec![],
                text: Ok("import os\n".into()),
                explanation: Prose { en: "Pipes.".into(), ko: "파이프.".into() },
                seed_changes: Prose::default(),
            },
            Response::Source {
                lesson: "pipe".into(),
                knobs: vec![],
                text: Err("`messages` is 0".into()),
                explanation: Prose::default(),
                seed_changes: Prose::default(),
            },
            Response::Checked { id: 3, result: Ok(vec!["counter".into(), "total".into()]), took_ns: 1_250_000 },
            Response::Checked {
                id: 4,
                result: Err(CompileError { line: 3, column: 9, message: "a class is not supported".into() }),
                took_ns: 0,
            },
            Response::ExploreDone {
                run: 6,
                report: ExploreReport {
                    figure: "lost".into(),
                    runs: 12,
                    histogram: vec![(-3, 1), (0, 10), (i64::MAX, 1)],
                    others: vec![("counter".into(), vec![(11, 12)]), ("meals_0".into(), vec![])],
                    broke: 2,
                    shortest: Some(Found {
                        seed: 9,
                        schedule: Schedule::parse("2w.3t1x2").unwrap(),
                        value: 3,
                        turns: 35,
                    }),
                    complete: false,
                },
            },
        ];
        for response in responses {
            assert_eq!(Response::decode(&response.encode()), Ok(response));
        }
    }

    #[test]
    fn truncated_or_corrupt_bytes_are_errors_not_panics() {
        let bytes = Response::Trace { run: 1, batch: sample_batch(), skipped: 0 }.encode();
        for len in 0..bytes.len() {
            assert!(Response::decode(&bytes[..len]).is_err(), "prefix of {len} bytes decoded");
        }
        let mut extra = bytes.clone();
        extra.push(0);
        assert!(Response::decode(&extra).is_err());
        // A huge count must not allocate or loop: the bytes run out first.
        assert!(Response::decode(&[2, 1, 0xff, 0xff, 0xff, 0xff, 0x0f]).is_err());
        assert!(Request::decode(&[9]).is_err());
        // A schedule crosses as its text, checked like one from a link.
        let found = Response::ExploreDone {
            run: 1,
            report: ExploreReport {
                figure: "lost".into(),
                runs: 1,
                histogram: vec![],
                others: vec![],
                broke: 1,
                shortest: Some(Found { seed: 1, schedule: Schedule::parse("3t1").unwrap(), value: 1, turns: 3 }),
                complete: true,
            },
        }
        .encode();
        let text = b"3t1";
        let at = found.windows(3).position(|w| w == text).expect("the schedule is in the message as text");
        let mut corrupt = found.clone();
        corrupt[at + 1] = b'x';
        let error = Response::decode(&corrupt).unwrap_err();
        assert!(error.to_string().contains("malformed engine message"), "{error}");
    }
}
