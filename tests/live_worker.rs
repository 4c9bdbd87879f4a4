//! Browser tests of the live engine in a dedicated worker (as in the engine worker): the
//! race lesson on the real rayon pool over shared memory. Lost updates without a GIL, none
//! under the 3.11 GIL for a bare increment, hand-offs about once per switch interval, and
//! the GIL released by a blocking call. Each fails if its mechanism is removed.
#![cfg(target_arch = "wasm32")]

use std::sync::Arc;

use interleave::engine::control::Control;
use interleave::engine::live::run::{self, LiveRun};
use interleave::engine::live::{GlobalPool, POOL_THREADS};
use interleave::engine::trace::{Outcome, SpanKind, Trace};
use interleave::lessons::build_from_pairs;
use interleave::lessons::race_counter::{tally, Tally, LESSON};
use interleave::worker::clock::PerformanceClock;
use wasm_bindgen_test::*;

mod wasm_support;
// The host tests' Program builder: plain Program values, the same on every target.
#[allow(dead_code)]
#[path = "engine_tests/build.rs"]
mod build;

use wasm_support::{ensure_pool, sleep_ms};

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
    (tally(&knobs, &trace), trace)
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
    let (tally, _) = run_race(&[("threads", "4"), ("increments", "1000000"), ("gil", "on"), ("between", "call")]).await;
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
    let program = build::naive_philosophers(3, 20_000);
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
