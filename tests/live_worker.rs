//! Browser tests of the live engine in a dedicated worker (as in the engine worker), on the
//! real rayon pool over shared memory: the race lesson (lost updates without a GIL, none
//! under the 3.11 GIL for a bare increment, hand-offs about once per switch interval, the
//! GIL released by a blocking call), the deadlock watchdog, every primitive's semantics
//! and error cases, and processes with their Values, queues and pipes. The programs are the
//! host tests' own (`engine_tests/programs.rs`; the error cases are checked natively, one
//! file per object, in `engine_tests/primitives`). Each fails if its mechanism is removed.
#![cfg(target_arch = "wasm32")]

use std::sync::Arc;

use interleave::engine::control::Control;
use interleave::engine::live::run::{self, LiveRun};
use interleave::engine::live::{GlobalPool, POOL_THREADS};
use interleave::engine::program::{ObjectId, ObjectKind, OpKind, Operand, Program, Reg, Wait};
use interleave::engine::settings::RunSettings;
use interleave::engine::trace::{MarkKind, Outcome, SpanKind, Trace, WaitOn};
use interleave::lessons::build_from_pairs;
use interleave::lessons::race_counter::{tally, Tally, LESSON};
use interleave::worker::clock::PerformanceClock;
use wasm_bindgen_test::*;

mod wasm_support;
// The host tests' Program builder and the programs they share with these tests: plain
// Program values, the same on every target.
#[allow(dead_code)]
#[path = "engine_tests/build.rs"]
mod build;
#[allow(dead_code)]
#[path = "engine_tests/programs.rs"]
mod programs;

use wasm_support::{ensure_pool, sleep_ms};

/// The race lesson's knobs, typed, from a knob set.
fn race_knobs(values: &interleave::knobs::KnobValues) -> interleave::lessons::race_counter::Knobs {
    <interleave::lessons::race_counter::Knobs as interleave::knobs::FromKnobs>::from_knobs(values).unwrap()
}

wasm_bindgen_test_configure!(run_in_dedicated_worker);

async fn finish(mut live: LiveRun) -> Trace {
    loop {
        if let Some(trace) = live.poll().finished {
            return trace;
        }
        sleep_ms(5).await;
    }
}

async fn run_race(pairs: &[(&str, &str)]) -> (Tally, Trace) {
    ensure_pool(POOL_THREADS).await;
    let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let (knobs, built) = build_from_pairs(&LESSON, &pairs).unwrap();
    let live = run::start(
        built.program,
        built.settings,
        Arc::new(GlobalPool),
        Arc::new(PerformanceClock),
        Arc::new(Control::new()),
    )
    .expect("starts");
    let trace = finish(live).await;
    assert_eq!(trace.outcome, Outcome::Completed);
    (tally(&race_knobs(&knobs), &trace), trace)
}

#[wasm_bindgen_test]
async fn without_a_gil_real_threads_lose_updates() {
    let (tally, trace) = run_race(&[("threads", "4"), ("increments", "1000000"), ("gil", "off")]).await;
    assert!(tally.lost > 0, "{tally:?}");
    let runs: Vec<_> = trace.spans.iter().filter(|s| s.kind == SpanKind::Run && s.actor.0 > 0).collect();
    let pool = |a: u16| trace.actors[a as usize].pool_thread;
    assert!(
        runs.iter()
            .any(|a| runs.iter().any(|b| pool(a.actor.0) != pool(b.actor.0) && a.start < b.end && b.start < a.end)),
        "no overlap on distinct pool threads"
    );
}

#[wasm_bindgen_test]
async fn under_the_3_11_gil_a_bare_increment_loses_nothing_though_the_gil_changes_hands() {
    let (tally, trace) = run_race(&[("threads", "4"), ("increments", "1000000"), ("gil", "on")]).await;
    assert_eq!(tally.lost, 0, "{tally:?}");
    let handoffs = trace.gil_handoffs[0] as f64;
    let expected = trace.wall as f64 / 5e6;
    assert!(
        handoffs >= expected * 0.25 && handoffs <= expected * 2.0 + 10.0,
        "{handoffs} hand-offs, about {expected:.0} expected"
    );
}

#[wasm_bindgen_test]
async fn a_check_point_between_read_and_write_loses_updates_under_the_gil() {
    let (tally, _) = run_race(&[("threads", "4"), ("increments", "4000000"), ("gil", "on"), ("between", "call")]).await;
    assert!(tally.lost > 0, "{tally:?}");
}

#[wasm_bindgen_test]
async fn a_blocking_call_releases_the_gil() {
    let (tally, trace) =
        run_race(&[("threads", "2"), ("increments", "2000"), ("gil", "on"), ("between", "sleep0")]).await;
    assert!(tally.lost > 0, "{tally:?}");
    assert!(trace.spans.iter().any(|s| s.kind == SpanKind::Sleep));
}

#[wasm_bindgen_test]
async fn forced_switching_hands_the_gil_to_the_waiter_on_another_pool_thread() {
    use interleave::engine::live::gil::Gil;
    ensure_pool(POOL_THREADS).await;
    let gil = Arc::new(Gil::new(1_000_000));
    let control = Arc::new(Control::new());
    // This test's own thread (a dedicated worker: blocking waits are allowed) holds the GIL.
    gil.take(0, &PerformanceClock, &control).unwrap();
    let (sender, reports) = crossbeam_channel::bounded(1);
    {
        let (gil, control) = (gil.clone(), control.clone());
        rayon::spawn(move || {
            let report = gil.take(1, &PerformanceClock, &control).unwrap();
            gil.release(1);
            sender.send(report).unwrap();
        });
    }
    // Pass check points until asked, as the interpreter does; then the drop must go to the
    // waiter, and only after it is done does the holder get the GIL back.
    while !gil.drop_requested() {
        std::hint::spin_loop();
    }
    gil.yield_if_asked(0, &PerformanceClock, &control).unwrap().expect("a drop was asked for");
    // 0 -> 1 -> 0: the waiter had the GIL before the holder got it back.
    assert_eq!(gil.handoffs(), 2);
    // Its report is sent after its release, so it may still be on the way.
    let word = std::sync::atomic::AtomicU32::new(0);
    let report = (0..2000)
        .find_map(|_| {
            let report = reports.try_recv().ok();
            if report.is_none() {
                interleave::engine::live::futex::wait(&word, 0, 1_000_000);
            }
            report
        })
        .expect("the waiter reported");
    assert!(report.waited && report.drop_requests >= 1, "{report:?}");
    gil.release(0);
}

#[wasm_bindgen_test]
async fn the_watchdog_finds_a_deadlock_on_the_pool_and_frees_every_thread() {
    ensure_pool(POOL_THREADS).await;
    // Three philosophers, each taking the left fork and then, after 20 ms, the right.
    let program = programs::naive_philosophers(3, 20_000);
    let settings = interleave::engine::settings::RunSettings::default();
    let live =
        run::start(program, settings, Arc::new(GlobalPool), Arc::new(PerformanceClock), Arc::new(Control::new()))
            .unwrap();
    let trace = finish(live).await;
    let Outcome::Deadlock { cycle } = &trace.outcome else { panic!("{:?}", trace.outcome) };
    assert_eq!(cycle.len(), 3);
    // Everyone was freed: the run ended far before its 60 s deadline.
    assert!(trace.wall < 5_000_000_000, "{} ns", trace.wall);
}

async fn run_program(program: Program, settings: RunSettings) -> Trace {
    ensure_pool(POOL_THREADS).await;
    let live =
        run::start(program, settings, Arc::new(GlobalPool), Arc::new(PerformanceClock), Arc::new(Control::new()))
            .expect("starts");
    finish(live).await
}

#[wasm_bindgen_test]
async fn a_semaphore_of_two_never_has_three_holders() {
    let trace = run_program(programs::semaphore_of_two(), RunSettings::default()).await;
    assert_eq!(trace.outcome, Outcome::Completed);
    let holds: Vec<(u64, u64)> =
        trace.spans.iter().filter(|s| matches!(s.kind, SpanKind::Hold(_))).map(|s| (s.start, s.end)).collect();
    assert_eq!(holds.len(), 6);
    assert!(programs::most_holders_at_once(&holds) <= 2, "{holds:?}");
    assert!(programs::most_holders_at_once(&holds) == 2, "the two permits were used together: {holds:?}");
}

#[wasm_bindgen_test]
async fn a_barrier_releases_all_parties_together() {
    let (program, _) = programs::barrier_of_three();
    let trace = run_program(program, RunSettings::default()).await;
    let exits: Vec<u64> =
        trace.marks.iter().filter(|m| m.kind == MarkKind::Exited && m.actor.0 > 0).map(|m| m.at).collect();
    assert_eq!(exits.len(), 3);
    assert!(*exits.iter().min().unwrap() >= 30_000_000, "nobody left before the last arrived: {exits:?}");
}

/// Programs of one object (object 0) that make it raise, with the exception and message
/// CPython gives (the native tests check each on both engines, in `primitives`).
fn error_cases() -> Vec<(ObjectKind, Vec<OpKind>, &'static str, &'static str)> {
    let release = || vec![OpKind::Release { object: ObjectId(0) }];
    let pipe = ObjectKind::Pipe { duplex: true };
    vec![
        (ObjectKind::Lock, release(), "RuntimeError", "release unlocked lock"),
        (ObjectKind::RLock, release(), "RuntimeError", "cannot release un-acquired lock"),
        (
            ObjectKind::Semaphore { permits: 1, bounded: true },
            release(),
            "ValueError",
            "Semaphore released too many times",
        ),
        (
            ObjectKind::Barrier { parties: 2 },
            vec![
                OpKind::BarrierAbort { object: ObjectId(0) },
                OpKind::BarrierWait { object: ObjectId(0), result: None },
            ],
            "threading.BrokenBarrierError",
            "",
        ),
        (
            pipe.clone(),
            vec![
                OpKind::Close { object: ObjectId(0), end: 1 },
                OpKind::Recv { object: ObjectId(0), end: 0, reg: Reg(0) },
            ],
            "EOFError",
            "",
        ),
        (
            pipe,
            vec![
                OpKind::Close { object: ObjectId(0), end: 0 },
                OpKind::Send { object: ObjectId(0), end: 1, value: Operand::Const(1) },
            ],
            "BrokenPipeError",
            "[Errno 32] Broken pipe",
        ),
        (
            ObjectKind::Pipe { duplex: false },
            vec![OpKind::Send { object: ObjectId(0), end: 0, value: Operand::Const(1) }],
            "OSError",
            "connection is read-only",
        ),
        (
            ObjectKind::Queue { maxsize: 0 },
            vec![OpKind::Get { object: ObjectId(0), reg: Reg(0), wait: Wait::NoWait }],
            "_queue.Empty",
            "",
        ),
        (
            ObjectKind::Queue { maxsize: 1 },
            vec![
                OpKind::Put { object: ObjectId(0), value: Operand::Const(1), wait: Wait::NoWait },
                OpKind::Put { object: ObjectId(0), value: Operand::Const(2), wait: Wait::Timeout(1_000) },
            ],
            "queue.Full",
            "",
        ),
    ]
}

#[wasm_bindgen_test]
async fn python_errors_are_raised_as_python_raises_them() {
    for (kind, ops, exception, message) in error_cases() {
        let trace = run_program(build::error_case_program(kind, ops), RunSettings::default()).await;
        assert_eq!(trace.errors.len(), 1, "{exception}");
        assert_eq!((trace.errors[0].exception.as_str(), trace.errors[0].message.as_str()), (exception, message));
    }
}

#[wasm_bindgen_test]
async fn a_queue_of_size_one_blocks_the_second_put_until_a_get() {
    let (program, producer) = programs::queue_of_one();
    let trace = run_program(program, RunSettings::default()).await;
    let blocked = trace
        .spans
        .iter()
        .find(|s| s.actor == producer && matches!(s.kind, SpanKind::Wait(WaitOn::Object(_))))
        .expect("the second put waited");
    assert!(blocked.end - blocked.start >= 40_000_000, "it waited for the get: {blocked:?}");
    assert_eq!(trace.console_text(), "1 2\n");
}

#[wasm_bindgen_test]
async fn a_child_process_has_its_own_globals_and_a_shared_value_is_shared() {
    let (program, counter) = programs::global_in_child();
    let trace = run_program(program, RunSettings::default()).await;
    assert_eq!(trace.console_text(), "0\n");
    assert_eq!(trace.final_value(counter), Some(0));
    let (program, value) = programs::shared_value(9, 2_000, true);
    let trace = run_program(program, RunSettings::default()).await;
    assert_eq!(trace.final_value(value), Some(18_000), "exact with get_lock()");
    let (program, value) = programs::shared_value(9, 100_000, false);
    let counted = run_program(program, RunSettings::default()).await.final_value(value).unwrap();
    assert!(counted < 900_000, "without get_lock() some update is lost: {counted}");
}

#[wasm_bindgen_test]
async fn a_pipe_delivers_in_order_then_eof_and_daemons_end_with_their_parent() {
    let trace = run_program(programs::pipe_of_three(), RunSettings::default()).await;
    assert_eq!(trace.console_text(), "1\n2\n3\n");
    assert_eq!(trace.errors[0].exception, "EOFError");
    for daemon_process in [false, true] {
        let (program, child) = programs::short_lived_parent_of_a_daemon(daemon_process);
        let trace = run_program(program, RunSettings::default()).await;
        let exited = trace.marks.iter().find(|m| m.actor == child && m.kind == MarkKind::Exited).unwrap().at;
        assert!(exited < 1_000_000_000, "daemon_process={daemon_process}: ended at {exited} ns");
    }
}

/// The sync_tools lesson with these knobs, on the pool.
async fn sync_tools(pairs: &[(&str, &str)]) -> Trace {
    let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let lesson = interleave::lessons::lesson("sync_tools").unwrap();
    let (_, built) = build_from_pairs(lesson, &pairs).unwrap();
    run_program(built.program, built.settings).await
}

#[wasm_bindgen_test]
async fn a_condition_keeps_a_bounded_buffer_in_bounds_and_an_event_wakes_every_waiter() {
    let trace = sync_tools(&[("primitive", "condition"), ("capacity", "2")]).await;
    assert_eq!(trace.outcome, Outcome::Completed);
    let counts: Vec<i64> =
        trace.console.iter().filter_map(|w| w.text.split('(').nth(1)?.split(' ').next()?.parse().ok()).collect();
    assert_eq!(counts.len(), 12, "six items put and got");
    assert!(counts.iter().all(|c| (0..=2).contains(c)), "{counts:?}");
    let trace = sync_tools(&[("primitive", "event"), ("threads", "4")]).await;
    let set_at = trace.console.iter().find(|w| w.text.starts_with("main sets")).unwrap().at;
    let gone: Vec<u64> = trace.console.iter().filter(|w| w.text.ends_with(" goes\n")).map(|w| w.at).collect();
    assert_eq!(gone.len(), 4);
    assert!(gone.iter().all(|&t| t >= set_at), "nobody went before set()");
}

#[wasm_bindgen_test]
async fn a_plain_lock_taken_again_by_its_owner_is_reported_as_a_hang_and_an_rlock_is_not() {
    let trace = sync_tools(&[("primitive", "rlock"), ("lock", "lock")]).await;
    let Outcome::Deadlock { cycle } = &trace.outcome else { panic!("{:?}", trace.outcome) };
    assert_eq!((cycle.len(), cycle[0].waiter), (1, cycle[0].holder));
    let trace = sync_tools(&[("primitive", "rlock"), ("lock", "rlock")]).await;
    assert_eq!(trace.outcome, Outcome::Completed);
}
