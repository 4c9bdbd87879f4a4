//! The operating system's noise in the simulator, one test per mechanism: each fails if its
//! mechanism is taken out (the run would be the same for every seed).

use interleave::engine::costs::{MP_QUEUE_WAKE, OS_SLICE, THREAD_WAKE, TIMER_LATE};
use interleave::engine::program::*;
use interleave::engine::settings::RunSettings;
use interleave::engine::sim::{self, SimSettings};
use interleave::engine::trace::{MarkKind, SpanKind, Trace};

use crate::engine_tests::build::{repeat, Build};

/// `program` simulated with `seed` and the default settings.
fn seeded(program: &Program, seed: u64) -> Trace {
    sim::run(program.clone(), SimSettings { seed, ..SimSettings::default() }).unwrap()
}

#[test]
fn seeds_change_when_a_timer_fires_within_the_measured_distribution() {
    // The main thread sleeps 10 ms: how late it wakes, over many seeds.
    let mut b = Build::new();
    b.main(vec![OpKind::Sleep { micros: 10_000 }]);
    let program = b.done();
    let mut late: Vec<u64> = (0..400)
        .map(|seed| {
            let trace = seeded(&program, seed);
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
            let trace = seeded(&program, seed);
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
            let trace = seeded(&program, seed);
            trace.wall
        })
        .collect();
    assert!(waited.len() > 10, "seeds give different wake-ups: {waited:?}");
    assert!(waited.iter().all(|w| *w >= 10_000_000 + TIMER_LATE.at(0)), "{waited:?}");
}

/// A queue item put after 20 ms by a thread, or by a child process, for the main thread
/// already waiting in `get()` (a first fork's `start()` may keep it 9 ms): over seeds, the
/// time from its Sent mark to its Received mark.
fn queue_wakes(putter_in_a_child: bool, seeds: u64) -> Vec<u64> {
    let mut b = Build::new();
    let q = b.object("q", ObjectKind::Queue { maxsize: 0 });
    let body = vec![
        OpKind::Sleep { micros: 20_000 },
        OpKind::Put { object: q, value: Operand::Const(7), wait: Wait::Forever },
    ];
    let putter = if putter_in_a_child {
        let p = b.process("Process-1", StartMethod::Fork, false);
        b.actor("Process-1", p, ActorRole::ProcessMain, body)
    } else {
        b.actor("Thread-1", ProcessId(0), ActorRole::Thread, body)
    };
    b.main(vec![OpKind::Start { actor: putter }, OpKind::Get { object: q, reg: Reg(0), wait: Wait::Forever }]);
    let program = b.done();
    let mut wakes: Vec<u64> = (0..seeds)
        .map(|seed| {
            let trace = seeded(&program, seed);
            let sent = trace.marks.iter().find(|m| matches!(m.kind, MarkKind::Sent { .. })).expect("sent").at;
            let received = trace.marks.iter().find(|m| matches!(m.kind, MarkKind::Received { .. })).expect("got").at;
            received - sent
        })
        .collect();
    wakes.sort_unstable();
    wakes
}

#[test]
fn a_woken_thread_runs_after_the_measured_wake_and_a_message_between_processes_after_its_way() {
    let within = |wakes: &[u64], latency: &interleave::engine::latency::Latency| {
        let median = wakes[wakes.len() / 2];
        assert!(wakes[0] >= latency.at(0) && wakes[wakes.len() - 1] <= latency.at(10_000), "{wakes:?}");
        assert!(median.abs_diff(latency.median()) <= latency.median() / 5, "median {median} vs {}", latency.median());
        assert!(wakes[wakes.len() * 9 / 10] > wakes[wakes.len() / 10], "it varies: {wakes:?}");
    };
    within(&queue_wakes(false, 300), &THREAD_WAKE);
    within(&queue_wakes(true, 300), &MP_QUEUE_WAKE);
}

#[test]
fn two_processes_started_together_finish_in_either_order_over_seeds() {
    // p1.start(); p2.start(): each child prints its name as it begins. In CPython on a quiet
    // machine the second started runs first now and then (1 in 60 fresh processes,
    // `scripts/noise.py`), when the first fork is slow; more often under load.
    let mut b = Build::new();
    let children: Vec<ActorId> = (1..=2)
        .map(|i| {
            let name = format!("Process-{i}");
            let p = b.process(&name, StartMethod::Fork, false);
            b.actor(&name, p, ActorRole::ProcessMain, vec![OpKind::Print { text: vec![TextPart::Lit(name.clone())] }])
        })
        .collect();
    b.main(children.iter().map(|c| OpKind::Start { actor: *c }).collect());
    let program = b.done();
    let firsts: std::collections::BTreeMap<String, usize> = (0..1000).fold(Default::default(), |mut seen, seed| {
        let trace = seeded(&program, seed);
        let first = trace.console_text().lines().next().unwrap_or_default().to_string();
        *seen.entry(first).or_default() += 1;
        seen
    });
    assert_eq!(firsts.len(), 2, "both orders: {firsts:?}");
    assert!(firsts["Process-1"] > 10 * firsts["Process-2"], "the first started usually prints first: {firsts:?}");
}

#[test]
fn more_ready_threads_than_cores_take_turns_on_them_a_slice_at_a_time() {
    // Three free-threaded threads, each 40 ms of pure work in 7 µs pieces, on two cores.
    let mut b = Build::new();
    let body = repeat(40_000 / 7, vec![OpKind::Compute { units: 1_000 }], 0);
    let threads: Vec<ActorId> =
        (1..=3).map(|i| b.actor(&format!("Thread-{i}"), ProcessId(0), ActorRole::Thread, body.clone())).collect();
    b.main_starting(&threads, vec![]);
    let program = b.done();
    let run = RunSettings { gil: false, ..RunSettings::default() };
    let trace = sim::run(program, SimSettings { run, cores: 2, seed: 1, ..SimSettings::default() }).unwrap();
    let runs = |t: &ActorId| {
        let t = *t;
        trace.spans.iter().filter(move |s| s.actor == t && s.kind == SpanKind::Run)
    };
    // Before the third has started and after the first is done, two threads have two cores
    // and need not take turns.
    let all_ready = trace.marks.iter().filter(|m| m.kind == MarkKind::Started).map(|m| m.at).max().unwrap();
    let first_done = threads.iter().map(|t| runs(t).map(|s| s.end).max().unwrap()).min().unwrap();
    for thread in &threads {
        let shared: Vec<_> = runs(thread).filter(|s| s.start >= all_ready && s.end <= first_done).collect();
        // Each ran in slices, none much longer than the operating system's...
        assert!(shared.len() >= 5, "{} slices", shared.len());
        assert!(shared.iter().all(|s| s.end - s.start <= OS_SLICE + 100_000), "{shared:?}");
        // ...and all three shared the two cores to the end (none ran alone for long).
        let last = runs(thread).map(|s| s.end).max().unwrap();
        assert!(last > 55_000_000 && last < 65_000_000, "done at {last}");
    }
}

/// The `gil` lesson's CPU-bound work, simulated with `pairs`: its Python time.
fn gil_lesson_time(pairs: &[(&str, &str)]) -> u64 {
    let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let (_, built) =
        interleave::lessons::build_from_pairs(interleave::lessons::lesson("gil").unwrap(), &pairs).unwrap();
    let (program, settings) = built.into_sim();
    sim::run(program, settings).unwrap().wall
}

#[test]
fn cpu_bound_threads_under_the_gil_pay_for_each_hand_over_more_on_two_cores_than_on_one() {
    let threaded = |workers: &str, cores: &str, switch_ms: &str| {
        let common = [("work", "cpu"), ("workers", workers), ("cores", cores), ("switch_ms", switch_ms)];
        // The lesson's threaded program times the serial work first, then the threads.
        let serial = gil_lesson_time(&[common.as_slice(), &[("mode", "serial")]].concat());
        let both = gil_lesson_time(&[common.as_slice(), &[("mode", "threads")]].concat());
        (both - serial) as f64 / serial as f64
    };
    // CPython 3.11 on this machine: a few percent slower than serial on two cores, about
    // as fast on one (`scripts/noise.py`, section 7; its run-to-run spread is as wide as the
    // effect). A hand-over comes once a switch interval whoever waits, so one thread pays
    // nothing, and four about what two do; a shorter interval means more hand-overs.
    let (one, two, four) = (threaded("1", "2", "5"), threaded("2", "2", "5"), threaded("4", "2", "5"));
    assert!(one < 1.002, "1 thread on 2 cores: {one}");
    assert!(two > 1.005 && two < 1.06, "2 threads on 2 cores: {two}");
    assert!((four - two).abs() < 0.01, "4 threads pay about what 2 do: {four} vs {two}");
    assert!(threaded("2", "1", "5") < two, "one core: the hand-over is a switch on that core");
    assert!(threaded("2", "2", "1") > two && threaded("2", "2", "20") < two, "the switch interval sets how often");
}
