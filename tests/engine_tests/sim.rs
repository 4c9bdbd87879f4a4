//! The simulated engine, told as the lessons tell it. Every claim is computed from a run
//! of the model; each fails if the mechanism behind it is taken out.

use interleave::engine::program::*;
use interleave::engine::settings::{OutputMode, PythonModel, RunSettings};
use interleave::engine::sim::{self, SimError, SimSettings};
use interleave::engine::trace::{MarkKind, Outcome, SpanKind, Trace, WaitOn};
use interleave::lessons::build_from_pairs;
use interleave::lessons::race_counter::{tally, LESSON};

use super::build::{
    barrier_of_three, error_case_program, global_in_child, message_error_cases, most_holders_at_once,
    naive_philosophers, pipe_of_three, queue_of_one, repeat, semaphore_of_two, shared_value,
    short_lived_parent_of_a_daemon, thread_error_cases, Build,
};

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
    let trace = sim::run(countdown(4, 1_000_000, true), settings(true, 4, 1)).unwrap();
    // Four processes, four GILs, four cores: a quarter of the work, after the main process
    // has started them one by one.
    use interleave::engine::costs::{FORK_START, PROCESS_START_RETURN};
    let expected = serial / 4 + 3 * PROCESS_START_RETURN + FORK_START;
    let ratio = trace.wall as f64 / expected as f64;
    assert!(ratio > 0.85 && ratio < 1.15, "{} ns, expected about {expected} ns", trace.wall);
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
fn the_naive_philosophers_deadlock_and_the_cycle_is_reported() {
    let trace = sim::run(naive_philosophers(5, 1_000), settings(true, 2, 1)).unwrap();
    let Outcome::Deadlock { cycle } = &trace.outcome else { panic!("no deadlock: {:?}", trace.outcome) };
    assert_eq!(cycle.len(), 5, "{cycle:?}");
    for (i, edge) in cycle.iter().enumerate() {
        let next = &cycle[(i + 1) % cycle.len()];
        assert_eq!(edge.holder, next.waiter, "the cycle closes: {cycle:?}");
        assert!(matches!(edge.on, WaitOn::Object(_)));
    }
}

#[test]
fn a_plain_lock_reacquired_by_its_owner_hangs_and_an_rlock_does_not() {
    for (kind, hangs) in [(ObjectKind::Lock, true), (ObjectKind::RLock, false)] {
        let mut b = Build::new();
        let lock = b.object("lock", kind);
        b.main(vec![
            OpKind::Acquire { object: lock, wait: Wait::Forever, result: None },
            OpKind::Acquire { object: lock, wait: Wait::Forever, result: None },
            OpKind::Release { object: lock },
            OpKind::Release { object: lock },
        ]);
        let trace = sim::run(b.done(), settings(true, 2, 1)).unwrap();
        match &trace.outcome {
            Outcome::Deadlock { cycle } => {
                assert!(hangs);
                assert_eq!((cycle.len(), cycle[0].waiter, cycle[0].holder), (1, ActorId(0), ActorId(0)));
            }
            Outcome::Completed => assert!(!hangs),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn a_semaphore_of_two_never_has_three_holders() {
    let trace = sim::run(semaphore_of_two(), settings(true, 4, 2)).unwrap();
    let holds: Vec<(u64, u64)> =
        trace.spans.iter().filter(|s| matches!(s.kind, SpanKind::Hold(_))).map(|s| (s.start, s.end)).collect();
    assert_eq!(holds.len(), 6);
    assert!(most_holders_at_once(&holds) <= 2, "{holds:?}");
    // Six 10 ms holds, two at a time: about 30 ms.
    assert!(trace.wall >= 30_000_000 && trace.wall < 40_000_000, "{}", trace.wall);
}

#[test]
fn a_barrier_releases_all_parties_together() {
    let barrier = ObjectId(0);
    let trace = sim::run(barrier_of_three(), settings(true, 4, 1)).unwrap();
    let waits: Vec<u64> = trace
        .spans
        .iter()
        .filter(|s| matches!(s.kind, SpanKind::Wait(WaitOn::Object(o)) if o == barrier))
        .map(|s| s.end)
        .collect();
    assert_eq!(waits.len(), 2, "the last to arrive does not wait");
    let exits: Vec<u64> =
        trace.marks.iter().filter(|m| m.kind == MarkKind::Exited && m.actor.0 > 0).map(|m| m.at).collect();
    let (first, last) = (exits.iter().min().unwrap(), exits.iter().max().unwrap());
    assert!(last - first < 100_000, "the parties left {} ns apart", last - first);
    assert!(*first >= 30_000_000, "nobody left before the last arrived");
}

#[test]
fn a_queue_of_size_one_blocks_the_second_put_until_a_get() {
    let (program, producer) = queue_of_one();
    let trace = sim::run(program, settings(true, 2, 1)).unwrap();
    let blocked = trace
        .spans
        .iter()
        .find(|s| s.actor == producer && matches!(s.kind, SpanKind::Wait(_)))
        .expect("the second put waited");
    assert!(blocked.end - blocked.start >= 45_000_000, "it waited for the get: {blocked:?}");
    assert_eq!(trace.console_text(), "1 2\n", "first in, first out");
}

#[test]
fn python_errors_are_raised_as_python_raises_them() {
    let mut cases = thread_error_cases();
    cases.extend(message_error_cases());
    for (kind, ops, exception, message) in cases {
        let trace = sim::run(error_case_program(kind, ops), settings(true, 1, 1)).unwrap();
        assert_eq!(trace.errors.len(), 1, "{exception}");
        assert_eq!((trace.errors[0].exception.as_str(), trace.errors[0].message.as_str()), (exception, message));
    }
    // An unbounded Semaphore may be released past its start.
    let mut b = Build::new();
    b.object("s", ObjectKind::Semaphore { permits: 1, bounded: false });
    b.main(vec![OpKind::Release { object: ObjectId(0) }]);
    assert!(sim::run(b.done(), settings(true, 1, 1)).unwrap().errors.is_empty());
}

#[test]
fn a_global_changed_in_a_child_process_stays_as_it_was_in_the_parent() {
    let (program, counter) = global_in_child();
    let trace = sim::run(program, settings(true, 2, 1)).unwrap();
    assert_eq!(trace.console_text(), "0\n");
    assert_eq!(trace.final_value(counter), Some(0));
}

#[test]
fn a_shared_value_is_exact_with_its_lock_and_can_lose_updates_without() {
    let (program, value) = shared_value(9, 50, true);
    let trace = sim::run(program, settings(true, 2, 1)).unwrap();
    assert_eq!(trace.final_value(value), Some(450));
    // Without get_lock(), a read and the write after it are two locked steps: processes on
    // other cores slip in between. (CPython 3.11 on two cores, 9 x 5000: 12 000 to 21 000
    // of 45 000 arrive.)
    let (program, value) = shared_value(9, 5000, false);
    let counted = sim::run(program, settings(true, 2, 1)).unwrap().final_value(value).unwrap();
    assert!(counted < 45_000, "no update was lost");
}

#[test]
fn a_pipe_delivers_in_order_then_eof() {
    let trace = sim::run(pipe_of_three(), settings(true, 2, 1)).unwrap();
    assert_eq!(trace.console_text(), "1\n2\n3\n");
    assert_eq!(trace.errors.len(), 1);
    assert_eq!(trace.errors[0].exception, "EOFError");
}

#[test]
fn starting_a_process_costs_far_more_than_starting_a_thread() {
    // From `start()` until the new thread or process runs its first line.
    let start_cost = |processes: bool| {
        let trace = sim::run(countdown(1, 1, processes), settings(true, 2, 1)).unwrap();
        trace.spans.iter().find(|s| s.actor.0 == 1 && s.kind == SpanKind::Starting).map(|s| s.end - s.start).unwrap()
    };
    let (thread, process) = (start_cost(false), start_cost(true));
    assert!(process > 10 * thread, "process {process} ns, thread {thread} ns");
    // `p.start()` returns before the child runs: the child starts up by itself.
    let trace = sim::run(countdown(1, 1, true), settings(true, 2, 1)).unwrap();
    let returned = trace.spans.iter().find(|s| s.actor.0 == 0 && s.kind == SpanKind::Starting).unwrap().end;
    let child_ran = trace.marks.iter().find(|m| m.actor.0 == 1 && m.kind == MarkKind::Started).unwrap().at;
    assert!(returned < child_ran, "start() returned at {returned} ns, the child ran at {child_ran} ns");
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
fn an_event_nobody_sets_leaves_its_waiter_stuck_and_says_on_what() {
    let mut b = Build::new();
    let event = b.object("ready", ObjectKind::Event);
    b.main(vec![OpKind::EventWait { object: event, wait: Wait::Forever, result: None }]);
    let trace = sim::run(b.done(), settings(true, 1, 1)).unwrap();
    assert_eq!(trace.outcome, Outcome::Stuck { waiting: vec![(ActorId(0), WaitOn::Object(event))] });
    // With a timeout, the wait simply ends.
    let mut b = Build::new();
    let event = b.object("ready", ObjectKind::Event);
    b.main(vec![OpKind::EventWait { object: event, wait: Wait::Timeout(1_000), result: None }]);
    assert_eq!(sim::run(b.done(), settings(true, 1, 1)).unwrap().outcome, Outcome::Completed);
    let _ = PythonModel::V3_9;
}

#[test]
fn join_with_a_timeout_returns_at_the_timeout_and_the_thread_still_keeps_the_program_alive() {
    let mut b = Build::new();
    let sleeper = b.actor("sleeper", ProcessId(0), ActorRole::Thread, vec![OpKind::Sleep { micros: 1_000_000 }]);
    b.main(vec![
        OpKind::Start { actor: sleeper },
        OpKind::Join { actor: sleeper, wait: Wait::Timeout(100_000) },
        OpKind::Introspect { what: Introspect::IsAlive(sleeper), reg: Reg(0) },
        OpKind::Print { text: vec![TextPart::Lit("alive ".into()), TextPart::Reg(Reg(0))] },
    ]);
    let trace = sim::run(b.done(), settings(true, 2, 1)).unwrap();
    assert_eq!(trace.console_text(), "alive 1\n");
    let printed = trace.console[0].at;
    assert!((100_000_000..120_000_000).contains(&printed), "printed at {printed} ns");
    // Python waits for non-daemon threads at exit.
    assert!(trace.wall >= 1_000_000_000);
}

#[test]
fn daemon_threads_and_daemon_processes_end_with_their_parent() {
    for daemon_process in [false, true] {
        let (program, child) = short_lived_parent_of_a_daemon(daemon_process);
        let trace = sim::run(program, settings(true, 2, 1)).unwrap();
        assert_eq!(trace.outcome, Outcome::Completed);
        assert!(trace.wall < 100_000_000, "daemon_process={daemon_process}: ran {} ns", trace.wall);
        let slept = trace.metrics[child.0 as usize].sleeping;
        assert!(slept < 100_000_000, "the daemon was ended early, not after its 10 s: {slept} ns");
    }
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
