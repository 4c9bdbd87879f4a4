//! The simulated engine's model of time, cores, the GIL and output, told as the lessons
//! tell it (each Python object's own claims, on both engines, are in `primitives`). Every
//! claim is computed from a run of the model; each fails if the mechanism behind it is
//! taken out.

use interleave::engine::program::*;
use interleave::engine::settings::{OutputMode, RunSettings};
use interleave::engine::sim::{self, SimError, SimSettings};
use interleave::engine::trace::{Outcome, Trace};
use interleave::lessons::build_from_pairs;
use interleave::lessons::race_counter::{tally, LESSON};

use super::build::{repeat, Build};

/// The race lesson's knobs, typed, from a knob set.
fn race_knobs(values: &interleave::knobs::KnobValues) -> interleave::lessons::race_counter::Knobs {
    <interleave::lessons::race_counter::Knobs as interleave::knobs::FromKnobs>::from_knobs(values).unwrap()
}

fn settings(gil: bool, cores: u32, seed: u64) -> SimSettings {
    SimSettings { run: RunSettings { gil, ..RunSettings::default() }, cores, seed, ..SimSettings::default() }
}

fn race(pairs: &[(&str, &str)], seed: u64) -> (i64, Trace) {
    let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let (knobs, built) = build_from_pairs(&LESSON, &pairs).unwrap();
    let trace =
        sim::run(built.program, SimSettings { run: built.settings, cores: 4, seed, ..SimSettings::default() }).unwrap();
    assert_eq!(trace.outcome, Outcome::Completed);
    (tally(&race_knobs(&knobs), &trace).lost, trace)
}

/// `n` threads each counting down `work` times (a CPU-bound loop with a back-edge).
fn countdown(threads: u16, work: u64, processes: bool) -> Program {
    let mut b = Build::new();
    let mut workers = Vec::new();
    for t in 0..threads {
        let body = repeat(work, vec![OpKind::Add { reg: Reg(0), value: -1 }], 0);
        let (process, role) = if processes {
            (b.process(&format!("Process-{}", t + 1), StartMethod::Fork, false), ActorRole::ProcessMain)
        } else {
            (ProcessId(0), ActorRole::Thread)
        };
        workers.push(b.actor(&format!("worker-{t}"), process, role, body));
    }
    b.main_starting(&workers, vec![]);
    b.done()
}

#[test]
fn cpu_bound_threads_under_the_gil_are_no_faster_than_serial() {
    let serial = sim::run(countdown(1, 400_000, false), settings(true, 4, 1)).unwrap().wall;
    let four = sim::run(countdown(4, 100_000, false), settings(true, 4, 1)).unwrap().wall;
    assert!(four >= serial * 95 / 100, "4 threads took {four} ns, 1 thread {serial} ns");
}

#[test]
fn cpu_bound_processes_on_enough_cores_take_about_a_quarter() {
    let serial = sim::run(countdown(1, 4_000_000, false), settings(true, 4, 1)).unwrap().wall;
    let mut walls: Vec<u64> =
        (1..=9).map(|seed| sim::run(countdown(4, 1_000_000, true), settings(true, 4, seed)).unwrap().wall).collect();
    walls.sort_unstable();
    // Four processes, four GILs, four cores: a quarter of the work, after the main process
    // has started them one by one (the first fork the slowest), and the last child's exit.
    use interleave::engine::costs::{FIRST_FORK_START_RETURN, FORK_EXIT, FORK_FIRST_RUN, FORK_START_RETURN};
    let starts = FIRST_FORK_START_RETURN.median() + 2 * FORK_START_RETURN.median() + FORK_FIRST_RUN;
    let expected = serial / 4 + starts + FORK_EXIT.median();
    let ratio = walls[4] as f64 / expected as f64;
    assert!(ratio > 0.9 && ratio < 1.1, "{walls:?} ns, expected about {expected} ns at the median");
    // On one core they get no faster than serial.
    let one_core = sim::run(countdown(4, 1_000_000, true), settings(true, 1, 1)).unwrap().wall;
    assert!(one_core >= serial * 95 / 100, "{one_core} vs {serial}");
}

#[test]
fn free_threaded_cpu_bound_threads_scale_with_cores() {
    let serial = sim::run(countdown(1, 4_000_000, false), settings(false, 4, 1)).unwrap().wall;
    let four = sim::run(countdown(4, 1_000_000, false), settings(false, 4, 1)).unwrap().wall;
    let ratio = four as f64 / serial as f64;
    assert!(ratio > 0.2 && ratio < 0.35, "ratio {ratio:.2}");
}

#[test]
fn sleeps_in_threads_overlap() {
    let mut b = Build::new();
    let sleepers: Vec<ActorId> = (0..3)
        .map(|t| b.actor(&format!("t{t}"), ProcessId(0), ActorRole::Thread, vec![OpKind::Sleep { micros: 1_000_000 }]))
        .collect();
    b.main_starting(&sleepers, vec![]);
    let trace = sim::run(b.done(), settings(true, 2, 1)).unwrap();
    // Three one-second sleeps in three threads take about one second, not three.
    assert!(trace.wall > 1_000_000_000 && trace.wall < 1_100_000_000, "{} ns", trace.wall);
}

#[test]
fn a_bare_increment_loses_nothing_under_3_11_but_can_under_3_9() {
    // Big enough that each thread outlasts several switch intervals (as in CPython, a
    // thread that finishes within one interval never hands the GIL over mid-loop).
    let base = [("threads", "4"), ("increments", "400000"), ("gil", "on")];
    let (lost, trace) = race(&base, 1);
    assert_eq!(lost, 0);
    assert!(trace.gil_handoffs[0] > 4, "the GIL did change hands: {:?}", trace.gil_handoffs);
    let old: Vec<_> = base.iter().copied().chain([("python", "3.9")]).collect();
    let losses: Vec<i64> = (1..=3).map(|seed| race(&old, seed).0).collect();
    assert!(losses.iter().any(|l| *l > 0), "{losses:?}");
}

#[test]
fn a_call_between_read_and_write_can_lose_updates_under_3_11() {
    // CPython 3.11 here, 4 x 1 000 000: 1.2 to 2.4 million lost; 4 x 100 000: 0 or 100 000.
    let (lost, _) = race(&[("threads", "4"), ("increments", "400000"), ("between", "call")], 1);
    assert!(lost > 0);
}

#[test]
fn locks_keep_the_counter_exact_and_free_threading_loses_without_one() {
    for lock in ["each", "loop"] {
        assert_eq!(
            race(&[("threads", "4"), ("increments", "20000"), ("gil", "off"), ("lock", lock)], 3).0,
            0,
            "lock={lock}"
        );
    }
    assert!(race(&[("threads", "4"), ("increments", "20000"), ("gil", "off")], 3).0 > 0);
}

#[test]
fn sleep_zero_hands_the_gil_over_as_in_cpython() {
    // CPython 3.11 here: 2 threads x 2000 lose 1 943 to 1 999 updates.
    let (lost, _) = race(&[("threads", "2"), ("increments", "2000"), ("between", "sleep0")], 1);
    assert!(lost >= 1_500, "{lost}");
}

#[test]
fn the_same_seed_gives_the_same_trace_and_other_seeds_other_interleavings() {
    let pairs = [("threads", "3"), ("increments", "20000"), ("gil", "off")];
    let (a, ta) = race(&pairs, 11);
    let (b, tb) = race(&pairs, 11);
    assert_eq!((a, &ta), (b, &tb));
    let outcomes: std::collections::BTreeSet<i64> = (1..=8).map(|seed| race(&pairs, seed).0).collect();
    assert!(outcomes.len() > 1, "every seed lost the same number: {outcomes:?}");
}

#[test]
fn unbuffered_output_lets_other_writes_land_between_a_line_and_its_newline() {
    // Long enough that the second thread, started 100 µs later, prints while the first does.
    let printer = |b: &mut Build, name: &str| {
        let body = vec![OpKind::Print { text: vec![TextPart::ActorName] }, OpKind::Loop { to: 0, times: 300 }];
        b.actor(name, ProcessId(0), ActorRole::Thread, body)
    };
    let run = |output: OutputMode| {
        let mut b = Build::new();
        let (x, y) = (printer(&mut b, "x"), printer(&mut b, "y"));
        b.main_starting(&[x, y], vec![]);
        let s = SimSettings {
            run: RunSettings { output, ..RunSettings::default() },
            cores: 2,
            seed: 3,
            ..SimSettings::default()
        };
        sim::run(b.done(), s).unwrap().console_text()
    };
    let tty = run(OutputMode::Tty);
    assert!(tty.lines().all(|l| l == "x" || l == "y"), "{tty}");
    let unbuffered = run(OutputMode::Unbuffered);
    assert!(unbuffered.lines().any(|l| l == "xy" || l == "yx" || l.is_empty()), "no split line in {unbuffered:?}");
    let pipe = run(OutputMode::Pipe);
    assert_eq!(pipe.lines().count(), 600);
    // Each process's block-buffered output comes out whole, at its exit.
    assert!(pipe.lines().all(|l| l == "x" || l == "y"));
}

#[test]
fn a_run_past_the_step_limit_is_an_error_not_a_hang() {
    let mut b = Build::new();
    b.main(vec![OpKind::Jump { to: 0 }]);
    let error = sim::run(b.done(), SimSettings { max_steps: 10_000, ..SimSettings::default() }).unwrap_err();
    assert_eq!(error, SimError::StepLimit { steps: 10_000 });
}

#[test]
fn on_two_cores_cpu_bound_ratios_agree_with_cpython() {
    // CPython 3.11 on this 2-core machine, a countdown of 20 000 000 split four ways, three
    // runs: threads 0.90-0.97x the serial time, processes 0.55-0.59x. The model: 1.00x and
    // 0.59x. Bounds: within a tenth of CPython's spread.
    let serial = sim::run(countdown(1, 4_000_000, false), settings(true, 2, 1)).unwrap().wall as f64;
    let threads = sim::run(countdown(4, 1_000_000, false), settings(true, 2, 1)).unwrap().wall as f64 / serial;
    let processes = sim::run(countdown(4, 1_000_000, true), settings(true, 2, 1)).unwrap().wall as f64 / serial;
    assert!((0.8..1.07).contains(&threads), "threads {threads:.2}x");
    assert!((0.45..0.69).contains(&processes), "processes {processes:.2}x");
}
