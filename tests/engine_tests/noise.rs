//! The operating system's noise in the simulator, one test per mechanism: each fails if its
//! mechanism is taken out (the run would be the same for every seed).

use interleave::engine::costs::TIMER_LATE;
use interleave::engine::program::*;
use interleave::engine::sim::{self, SimSettings};
use interleave::engine::trace::SpanKind;

use crate::engine_tests::build::Build;

#[test]
fn seeds_change_when_a_timer_fires_within_the_measured_distribution() {
    // The main thread sleeps 10 ms: how late it wakes, over many seeds.
    let mut b = Build::new();
    b.main(vec![OpKind::Sleep { micros: 10_000 }]);
    let program = b.done();
    let mut late: Vec<u64> = (0..400)
        .map(|seed| {
            let trace = sim::run(program.clone(), SimSettings { seed, ..SimSettings::default() }).unwrap();
            let slept = trace.spans.iter().find(|s| s.kind == SpanKind::Sleep).expect("it slept");
            slept.end - slept.start - 10_000_000
        })
        .collect();
    late.sort_unstable();
    let (least, most) = (TIMER_LATE.at(0), TIMER_LATE.at(10_000));
    assert!(late[0] >= least && late[late.len() - 1] <= most, "{:?}..{:?}", late.first(), late.last());
    let median = late[late.len() / 2];
    assert!(median.abs_diff(TIMER_LATE.median()) < TIMER_LATE.median() / 10, "median {median}");
    // Not one fixed value: the quartiles differ as the table's do.
    assert!(late[late.len() * 3 / 4] > late[late.len() / 4], "{late:?}");
}

#[test]
fn sleep_zero_sets_no_timer_and_pays_no_lateness() {
    let mut b = Build::new();
    b.main(vec![OpKind::Sleep { micros: 0 }]);
    let program = b.done();
    let lengths: std::collections::BTreeSet<u64> = (0..20)
        .map(|seed| {
            let trace = sim::run(program.clone(), SimSettings { seed, ..SimSettings::default() }).unwrap();
            trace.spans.iter().filter(|s| s.kind == SpanKind::Sleep).map(|s| s.end - s.start).sum()
        })
        .collect();
    assert_eq!(lengths.len(), 1, "the same for every seed: {lengths:?}");
}

#[test]
fn a_timed_wait_that_times_out_wakes_late_too() {
    // `event.wait(timeout=0.01)` on an event nobody sets.
    let mut b = Build::new();
    let event = b.object("event", ObjectKind::Event);
    b.main(vec![OpKind::EventWait { object: event, wait: Wait::Timeout(10_000), result: None }]);
    let program = b.done();
    let waited: std::collections::BTreeSet<u64> = (0..50)
        .map(|seed| {
            let trace = sim::run(program.clone(), SimSettings { seed, ..SimSettings::default() }).unwrap();
            trace.wall
        })
        .collect();
    assert!(waited.len() > 10, "seeds give different wake-ups: {waited:?}");
    assert!(waited.iter().all(|w| *w >= 10_000_000 + TIMER_LATE.at(0)), "{waited:?}");
}
