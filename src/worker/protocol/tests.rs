use super::*;
use crate::draw::timeline::View;

fn frame() -> Frame {
    Frame { view: Some(View { from: 5, to: 900 }), until: 1_000, lang: Lang::Ko, caption: "타임라인".into() }
}
use crate::engine::control::StopReason;
use crate::engine::explore::Found;
use crate::engine::live::probe::JobReport;
use crate::engine::program::{ActorId, ObjectId, ProcessId, RaisedIn};
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
            origin: None,
            raised_in: RaisedIn::Thread,
        }],
        metrics: vec![ActorMetrics { busy: 1, waiting_gil: 2, blocked: 3, sleeping: 4, gil_acquisitions: 5, ops: 6 }],
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
        Request::DrawTimeline { run: 4, version: 7, frame: frame() },
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
        Response::Failed {
            run: 2, message: Prose { en: "no such lesson".into(), ko: "그런 레슨은 없습니다".into() }
        },
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
        Response::Timeline { run: 4, version: 7, frame: frame(), markup: Some("<svg/>".into()) },
        Response::Timeline { run: 4, version: 0, frame: Frame { view: None, ..frame() }, markup: None },
        Response::SweepDone {
            run: 9,
            result: Box::new(SweepResult { runs: 2, planned: 3, markup: "<svg/>".into(), csv: "x\n".into() }),
        },
        Response::Stepped { run: 8, view: Box::new(sample_step_view()) },
        Response::Stepped {
            run: 8,
            view: Box::new(StepView {
                end: Some(StepEnd::Failed(Prose { en: "at turn 4".into(), ko: "턴 4에서".into() })),
                ..sample_step_view()
            }),
        },
        Response::Source {
            lesson: "pipe".into(),
            knobs: vec![],
            text: Ok("import os\n".into()),
            words: LessonProse {
                explanation: Prose { en: "Pipes.".into(), ko: "파이프.".into() },
                seed_changes: Prose::default(),
                knobs: vec![KnobProse {
                    name: "duplex".into(),
                    label: Prose { en: "Duplex".into(), ko: "양방향".into() },
                    help: Prose::default(),
                }],
            },
        },
        Response::Source {
            lesson: "pipe".into(),
            knobs: vec![],
            text: Err(Prose { en: "`messages` is 0".into(), ko: "`messages`가 0입니다".into() }),
            words: LessonProse::default(),
        },
        Response::Checked { id: 3, result: Ok(vec!["counter".into(), "total".into()]), took_ns: 1_250_000 },
        Response::Checked {
            id: 4,
            result: Err(CompileError {
                line: 3,
                column: 9,
                message: Prose {
                    en: "a class is not supported".into(), ko: "클래스는 지원하지 않습니다".into()
                },
            }),
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
                shortest: Some(Found { seed: 9, schedule: Schedule::parse("2w.3t1x2").unwrap(), value: 3, turns: 35 }),
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
