//! The `asyncio_vs_threads` lesson on both engines: a loop's tasks take turns on one
//! thread, switching only at `await`. Each test fails if the mechanism behind it is removed.

use super::lessons::run_lesson;
use interleave::engine::trace::{MarkKind, SpanKind, Trace};
use interleave::i18n::Lang;
use interleave::lessons::asyncio_vs_threads::counted;
use interleave::lessons::LESSONS;

fn figure(pairs: &[(&str, &str)], name: &str) -> i64 {
    let lesson = LESSONS.iter().find(|l| l.info.id == "asyncio_vs_threads").unwrap();
    let (knobs, trace) = run_lesson("asyncio_vs_threads", pairs);
    let findings = (lesson.findings)(&knobs, &trace, Lang::En);
    findings.figures.iter().find(|(n, _)| *n == name).map(|(_, v)| *v).unwrap()
}

#[test]
fn an_await_between_the_read_and_the_write_loses_exactly_900_of_1000_on_both_engines_and_none_without_it() {
    for engine in ["sim", "live"] {
        let (_, trace) = run_lesson("asyncio_vs_threads", &[("engine", engine)]);
        assert_eq!(counted(&trace), Some(100), "{engine}: every task reads before any writes");
        let (_, trace) = run_lesson("asyncio_vs_threads", &[("engine", engine), ("between", "nothing")]);
        assert_eq!(counted(&trace), Some(1000), "{engine}: no await, no switch inside `counter += 1`");
    }
}

#[test]
fn ten_tasks_sleeping_a_tenth_of_a_second_under_gather_take_a_tenth_of_a_second_on_both_engines() {
    for engine in ["sim", "live"] {
        let elapsed = figure(&[("engine", engine), ("between", "nothing")], "elapsed_ms");
        assert!((100..=130).contains(&elapsed), "{engine}: {elapsed} ms");
    }
}

#[test]
fn a_blocking_sleep_in_one_coroutine_delays_every_other_task_by_its_length() {
    let sim = [("between", "nothing"), ("blocking", "yes")];
    assert!((500..=510).contains(&figure(&sim, "late_ms")), "sim");
    assert!((600..=615).contains(&figure(&sim, "elapsed_ms")), "sim");
    // Live, at a fifth of the speed: 0.5 s of blocking is 100 ms.
    let live = [("engine", "live"), ("between", "nothing"), ("blocking", "yes"), ("time_scale", "0.2")];
    let (late, elapsed) = (figure(&live, "late_ms"), figure(&live, "elapsed_ms"));
    assert!(late >= 99 && (119..=160).contains(&elapsed), "live: {late} {elapsed}");
}

/// When each task first ran, by actor, and when the main coroutine first suspended.
fn starts(trace: &Trace) -> (Vec<u64>, u64) {
    let started: Vec<u64> = (1..trace.actors.len())
        .map(|a| trace.marks.iter().find(|m| m.kind == MarkKind::Started && m.actor.0 as usize == a).unwrap().at)
        .collect();
    let first_await = trace.spans.iter().find(|s| s.actor.0 == 0 && s.kind == SpanKind::Run).unwrap().end;
    (started, first_await)
}

#[test]
fn tasks_start_in_creation_order_and_only_once_their_creator_awaits_on_both_engines() {
    for engine in ["sim", "live"] {
        let (_, trace) = run_lesson("asyncio_vs_threads", &[("engine", engine), ("blocking", "yes"), ("sleep", "0")]);
        let (started, first_await) = starts(&trace);
        assert!(started.windows(2).all(|w| w[0] <= w[1]), "{engine}: {started:?}");
        assert!(started[0] >= first_await, "{engine}: {started:?} before {first_await}");
    }
}

#[test]
fn the_live_loop_runs_every_task_on_its_own_pool_thread() {
    let (_, trace) = run_lesson("asyncio_vs_threads", &[("engine", "live"), ("tasks", "20")]);
    let main = trace.actors[0].pool_thread;
    assert!(main.is_some());
    assert!(trace.actors.iter().all(|a| a.pool_thread == main), "{:?}", trace.actors);
    assert_eq!(trace.pool_threads_used(), 1);
}
