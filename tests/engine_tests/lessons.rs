//! The lessons, told as they teach, on both engines: each test fails if a lesson lied.

use std::sync::Arc;

use interleave::engine::clock::HostClock;
use interleave::engine::control::Control;
use interleave::engine::live::{run, Spawner, POOL_THREADS};
use interleave::engine::sim;
use interleave::engine::trace::{Outcome, Trace};
use interleave::knobs::KnobValues;
use interleave::lessons::{build_from_pairs, lesson as find};

/// Runs a lesson with these knobs on the engine they name; the knobs and the trace.
pub fn run_lesson(id: &str, pairs: &[(&str, &str)]) -> (KnobValues, Trace) {
    let lesson = find(id).unwrap();
    let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let (knobs, built) = build_from_pairs(lesson, &pairs).unwrap();
    let trace = if built.common.live {
        let pool: Arc<dyn Spawner> =
            Arc::new(rayon::ThreadPoolBuilder::new().num_threads(POOL_THREADS).build().unwrap());
        run::start(built.program, built.settings, pool, Arc::new(HostClock), Arc::new(Control::new())).unwrap().wait()
    } else {
        let (program, settings) = built.into_sim();
        sim::run(program, settings).unwrap()
    };
    (knobs, trace)
}

fn figure(id: &str, knobs: &KnobValues, trace: &Trace, name: &str) -> i64 {
    let lesson = find(id).unwrap();
    let findings = (lesson.findings)(knobs, trace, interleave::i18n::Lang::En);
    findings.figures.iter().find(|(n, _)| *n == name).map(|(_, v)| *v).unwrap_or_else(|| panic!("no figure {name}"))
}

#[test]
fn the_naive_philosophers_deadlock_with_the_whole_cycle_reported_on_both_engines() {
    for engine in ["sim", "live"] {
        let (_, trace) = run_lesson("dining_philosophers", &[("engine", engine)]);
        let Outcome::Deadlock { cycle } = &trace.outcome else { panic!("{engine}: {:?}", trace.outcome) };
        assert_eq!(cycle.len(), 5, "{engine}");
        // Each waits for the fork the next one holds, round the table.
        for (i, edge) in cycle.iter().enumerate() {
            assert_eq!(edge.holder, cycle[(i + 1) % cycle.len()].waiter, "{engine}");
        }
    }
}

#[test]
fn ordered_forks_the_waiter_and_trylock_never_deadlock_and_everyone_eats() {
    for engine in ["sim", "live"] {
        for strategy in ["ordered", "waiter", "trylock"] {
            let pairs = [("engine", engine), ("strategy", strategy), ("duration_s", "1"), ("philosophers", "4")];
            let (knobs, trace) = run_lesson("dining_philosophers", &pairs);
            assert_eq!(trace.outcome, Outcome::Completed, "{engine} {strategy}");
            assert!(
                figure("dining_philosophers", &knobs, &trace, "fewest") > 0,
                "{engine} {strategy}: someone starved"
            );
            // Each philosopher says how many meals they ate, and the count agrees.
            for i in 0..4 {
                let said = format!(
                    "philosopher {i} ate {} meals",
                    figure("dining_philosophers", &knobs, &trace, &format!("meals_{i}"))
                );
                assert!(trace.console_text().contains(&said), "{engine} {strategy}: {said}");
            }
        }
    }
}

/// The speed-up the gil lesson measured: its serial time over its time in workers.
fn gil_speedup(pairs: &[(&str, &str)]) -> f64 {
    let (knobs, trace) = run_lesson("gil", pairs);
    assert_eq!(trace.outcome, Outcome::Completed, "{pairs:?}");
    figure("gil", &knobs, &trace, "speedup_x100") as f64 / 100.0
}

/// How long the workers (actors 1 and up) ran Python at the same moment, in ns.
fn overlapping_run(trace: &Trace) -> u64 {
    use interleave::engine::trace::SpanKind;
    let runs: Vec<_> = trace.spans.iter().filter(|s| s.kind == SpanKind::Run && s.actor.0 > 0).collect();
    let mut both = 0;
    for (i, a) in runs.iter().enumerate() {
        for b in &runs[i + 1..] {
            if a.actor != b.actor {
                both += a.end.min(b.end).saturating_sub(a.start.max(b.start));
            }
        }
    }
    both
}

#[test]
fn cpu_bound_threads_under_the_gil_are_no_faster_than_serial_while_processes_and_no_gil_are() {
    let base = [("work", "cpu"), ("workers", "2"), ("size", "100"), ("cores", "2")];
    let with = |extra: &[(&'static str, &'static str)]| [&base[..], extra].concat();
    // The model, on two cores: the figures CPython gives here (1.0x, about 1.9x).
    let threads = gil_speedup(&with(&[("mode", "threads"), ("gil", "on")]));
    assert!((0.9..1.1).contains(&threads), "threads under the GIL {threads:.2}x");
    for extra in [[("mode", "processes"), ("gil", "on")], [("mode", "threads"), ("gil", "off")]] {
        let speedup = gil_speedup(&with(&extra));
        assert!(speedup > 1.8, "{extra:?}: {speedup:.2}x");
    }
    // Real threads (speed-ups on a shared machine are for the benchmark to print): under
    // the GIL two threads never run Python at once; in processes or without a GIL they do.
    let live = |extra: &[(&'static str, &'static str)]| {
        let (_, trace) = run_lesson("gil", &[&with(&[("engine", "live")])[..], extra].concat());
        overlapping_run(&trace)
    };
    assert_eq!(live(&[("mode", "threads"), ("gil", "on")]), 0);
    // That they do is up to the machine: on a shared one, other work may hold one of the two
    // cores for the whole of a short run (seen once in seven runs of the suite here), so
    // they must overlap in one of three runs.
    for extra in [[("mode", "processes"), ("gil", "on")], [("mode", "threads"), ("gil", "off")]] {
        assert!((0..3).any(|_| live(&extra) > 0), "{extra:?}: never at once in three runs");
    }
}

#[test]
fn io_bound_threads_overlap_their_waits() {
    for engine in ["sim", "live"] {
        let pairs = [("engine", engine), ("work", "io"), ("workers", "4"), ("size", "50"), ("mode", "threads")];
        let speedup = gil_speedup(&pairs);
        assert!(speedup > 3.0, "{engine}: four sleeping threads {speedup:.2}x");
    }
}

#[test]
fn a_lock_keeps_each_pair_of_lines_together_and_without_it_pairs_split() {
    for engine in ["sim", "live"] {
        let (knobs, trace) = run_lesson("lock_print", &[("engine", engine), ("lock", "on"), ("iterations", "1000")]);
        assert_eq!(figure("lock_print", &knobs, &trace, "split"), 0, "{engine}");
        assert_eq!(figure("lock_print", &knobs, &trace, "together"), 2000, "{engine}");
    }
    // Without it, the model splits pairs where the GIL changes hands at a write (CPython 3.11
    // on a terminal here: 20 to 900 of 2 000 pairs split or run together on one line).
    let (knobs, trace) = run_lesson("lock_print", &[("lock", "off"), ("iterations", "1000")]);
    assert!(figure("lock_print", &knobs, &trace, "split") > 0);
    // With five iterations, as in the tutorial, the first thread is done before the second
    // starts: nothing is split, lock or not.
    let (knobs, trace) = run_lesson("lock_print", &[("lock", "off")]);
    assert_eq!(figure("lock_print", &knobs, &trace, "split"), 0);
}

#[test]
fn a_low_level_thread_program_whose_main_thread_does_not_wait_prints_nothing() {
    for engine in ["sim", "live"] {
        let pairs = [("engine", engine), ("api", "thread"), ("join", "no"), ("wait_s", "0.05")];
        let (knobs, trace) = run_lesson("starting_threads", &pairs);
        assert_eq!(figure("starting_threads", &knobs, &trace, "lines"), 0, "{engine}");
        assert_eq!(trace.console_text(), "main thread done\n", "{engine}");
    }
}

#[test]
fn each_thread_prints_at_multiples_of_its_wait_and_the_slowest_sets_the_total() {
    for engine in ["sim", "live"] {
        let pairs = [("engine", engine), ("threads", "3"), ("lines", "2"), ("wait_s", "0.05")];
        // What is off in a run: a line far from when it is due, or the total.
        let off = |trace: &Trace| -> Vec<String> {
            let mut off = Vec::new();
            // Thread k's i-th line is due at k * i * 50 ms.
            for write in trace.console.iter().filter(|w| w.text.starts_with("Running ")) {
                let k = write.actor.0 as u64;
                let nearest = (1..=2).map(|i| (k * i * 50_000_000).abs_diff(write.at)).min().unwrap();
                if nearest >= 30_000_000 {
                    off.push(format!("thread {k} printed at {} ns", write.at));
                }
            }
            // The slowest (thread 3, two lines) takes 300 ms; the program no longer.
            if !(300_000_000..400_000_000).contains(&trace.wall) {
                off.push(format!("the run took {} ns", trace.wall));
            }
            off
        };
        // Live, a busy shared machine can hold up a thread's wake-up by tens of milliseconds
        // (once in eight runs of the suite here, while other tests and builds ran): the
        // timing must hold in one of three runs; what was printed, in every run.
        let runs = if engine == "live" { 3 } else { 1 };
        let mut seen = Vec::new();
        let on_time = (0..runs).any(|_| {
            let (knobs, trace) = run_lesson("starting_threads", &pairs);
            assert_eq!(figure("starting_threads", &knobs, &trace, "lines"), 6, "{engine}");
            assert!(trace.wall >= 300_000_000, "{engine}: {} ns", trace.wall);
            seen.push(off(&trace));
            seen.last().unwrap().is_empty()
        });
        assert!(on_time, "{engine}: {seen:?}");
    }
}

#[test]
fn thread_creation_is_far_cheaper_than_process_creation_and_only_threads_share_the_global() {
    // The time each unit took to start and join, as the program printed it; only threads
    // share the global, in every run.
    let per_unit = |engine: &str, kind: &str| {
        let (knobs, trace) = run_lesson("threads_vs_processes", &[("engine", engine), ("kind", kind), ("count", "4")]);
        let counter = figure("threads_vs_processes", &knobs, &trace, "counter");
        assert_eq!(counter, if kind == "thread" { 4 } else { 0 }, "{engine} {kind}: saw {counter}");
        figure("threads_vs_processes", &knobs, &trace, "per_unit_us")
    };
    let far_cheaper = |thread: i64, fork: i64, spawn: i64| fork > 2 * thread && spawn > 4 * fork;
    let (thread, fork, spawn) = (per_unit("sim", "thread"), per_unit("sim", "fork"), per_unit("sim", "spawn"));
    assert!(far_cheaper(thread, fork, spawn), "sim: thread {thread} us, fork {fork} us, spawn {spawn} us");
    // Live, each kind's fastest run. On a busy shared machine every wake-up can wait for a
    // core, and a thread's 100 us start takes milliseconds (for a whole second at a time
    // here, while other tests and builds run), so one run says little: the fastest is the
    // nearest to the engine's own cost, the same measure for every kind. Rounds of runs,
    // spread over seconds, until the fastest show it, up to six rounds.
    let (mut thread, mut fork, mut spawn) = (i64::MAX, i64::MAX, i64::MAX);
    for _ in 0..6 {
        for _ in 0..3 {
            thread = thread.min(per_unit("live", "thread"));
        }
        fork = fork.min(per_unit("live", "fork"));
        spawn = spawn.min(per_unit("live", "spawn"));
        if far_cheaper(thread, fork, spawn) {
            return;
        }
    }
    panic!("live, fastest of six rounds: thread {thread} us, fork {fork} us, spawn {spawn} us");
}

#[test]
fn a_plain_lock_taken_again_by_its_owner_hangs_and_is_reported_while_an_rlock_lets_it_in() {
    for engine in ["sim", "live"] {
        let (_, trace) = run_lesson("sync_tools", &[("engine", engine), ("primitive", "rlock"), ("lock", "lock")]);
        let Outcome::Deadlock { cycle } = &trace.outcome else { panic!("{engine}: {:?}", trace.outcome) };
        assert_eq!(cycle.len(), 1, "{engine}: it waits for itself");
        assert_eq!(cycle[0].waiter, cycle[0].holder, "{engine}");
        let (_, trace) = run_lesson("sync_tools", &[("engine", engine), ("primitive", "rlock"), ("lock", "rlock")]);
        assert_eq!(trace.outcome, Outcome::Completed, "{engine}");
        assert_eq!(trace.console_text().matches("inner has it too").count(), 3, "{engine}");
    }
}

#[test]
fn a_semaphore_never_admits_more_than_its_permits_and_each_tool_raises_its_python_error() {
    for engine in ["sim", "live"] {
        for permits in ["1", "2", "3"] {
            let pairs = [("engine", engine), ("primitive", "semaphore"), ("threads", "5"), ("permits", permits)];
            let (knobs, trace) = run_lesson("sync_tools", &pairs);
            let most = figure("sync_tools", &knobs, &trace, "most_inside");
            assert_eq!(most.to_string(), permits, "{engine}: at most {permits} inside, saw {most}");
        }
        for (primitive, error) in [
            ("rlock", "RuntimeError"),
            ("semaphore", "ValueError"),
            ("condition", "RuntimeError"),
            ("barrier", "threading.BrokenBarrierError"),
        ] {
            let (_, trace) =
                run_lesson("sync_tools", &[("engine", engine), ("primitive", primitive), ("mistake", "yes")]);
            assert!(trace.errors.iter().any(|e| e.exception == error), "{engine} {primitive}: {:?}", trace.errors);
        }
    }
}

#[test]
fn an_event_wakes_every_waiter_and_one_never_set_leaves_them_stuck() {
    for engine in ["sim", "live"] {
        let (knobs, trace) = run_lesson("sync_tools", &[("engine", engine), ("primitive", "event"), ("threads", "4")]);
        assert_eq!(figure("sync_tools", &knobs, &trace, "went"), 4, "{engine}");
        assert_eq!(figure("sync_tools", &knobs, &trace, "went_before_set"), 0, "{engine}");
        let pairs = [("engine", engine), ("primitive", "event"), ("mistake", "yes")];
        let (_, trace) = run_lesson("sync_tools", &pairs);
        assert!(matches!(trace.outcome, Outcome::Stuck { .. }), "{engine}: {:?}", trace.outcome);
    }
}

#[test]
fn a_barrier_lets_its_parties_go_together_and_a_condition_keeps_the_buffer_in_bounds() {
    for engine in ["sim", "live"] {
        let (knobs, trace) =
            run_lesson("sync_tools", &[("engine", engine), ("primitive", "barrier"), ("parties", "4")]);
        assert_eq!(figure("sync_tools", &knobs, &trace, "left"), 4, "{engine}");
        assert_eq!(figure("sync_tools", &knobs, &trace, "left_early"), 0, "{engine}");
        let pairs = [("engine", engine), ("primitive", "condition"), ("capacity", "3")];
        let (knobs, trace) = run_lesson("sync_tools", &pairs);
        assert!(figure("sync_tools", &knobs, &trace, "lowest") >= 0, "{engine}");
        assert_eq!(figure("sync_tools", &knobs, &trace, "highest"), 3, "{engine}: the slow consumer lets it fill");
    }
}

#[test]
fn a_global_changed_in_children_stays_zero_in_the_parent_and_a_value_under_its_lock_is_exact() {
    for engine in ["sim", "live"] {
        let (knobs, trace) = run_lesson("shared_value", &[("engine", engine), ("shared", "global")]);
        assert_eq!(figure("shared_value", &knobs, &trace, "seen"), 0, "{engine}");
        let pairs = [("engine", engine), ("increments", "2000"), ("get_lock", "on")];
        let (knobs, trace) = run_lesson("shared_value", &pairs);
        assert_eq!(figure("shared_value", &knobs, &trace, "lost"), 0, "{engine}");
        assert_eq!(figure("shared_value", &knobs, &trace, "seen"), 18_000, "{engine}");
    }
    // Without the lock, long enough for the processes to overlap, updates are lost.
    let (knobs, trace) = run_lesson("shared_value", &[("increments", "5000"), ("get_lock", "off")]);
    assert!(figure("shared_value", &knobs, &trace, "lost") > 0);
}

#[test]
fn pool_total_time_follows_the_chunking() {
    for engine in ["sim", "live"] {
        for (chunksize, pool_size, seconds) in [("0", "3", 4.0), ("5", "3", 5.0), ("0", "5", 2.0)] {
            let pairs =
                [("engine", engine), ("chunksize", chunksize), ("pool_size", pool_size), ("time_scale", "0.05")];
            // Never less than the rounds of sleeps take. At most 0.3 s more: in the simulator
            // every run; live (at a twentieth of real time, 0.3 s is 15 ms of wake-ups) the
            // fastest of up to three runs, as a busy shared machine only adds time to a run.
            let runs = if engine == "live" { 3 } else { 1 };
            let mut measured = Vec::new();
            for _ in 0..runs {
                let (knobs, trace) = run_lesson("pool_map", &pairs);
                assert_eq!(figure("pool_map", &knobs, &trace, "predicted_ms") as f64 / 1000.0, seconds);
                let took = figure("pool_map", &knobs, &trace, "measured_ms") as f64 / 1000.0;
                assert!(took >= seconds, "{engine} {pairs:?}: {took:.2} s");
                measured.push(took);
                if took < seconds + 0.3 {
                    break;
                }
            }
            let fastest = measured.iter().copied().fold(f64::INFINITY, f64::min);
            assert!(fastest < seconds + 0.3, "{engine} {pairs:?}: {measured:.2?} s");
        }
    }
}

#[test]
fn draining_the_result_queue_before_close_and_join_misses_results_and_after_does_not() {
    for engine in ["sim", "live"] {
        let (knobs, trace) = run_lesson("job_queue", &[("engine", engine), ("drain", "before")]);
        assert!(figure("job_queue", &knobs, &trace, "missed") > 0, "{engine}");
        let (knobs, trace) = run_lesson("job_queue", &[("engine", engine), ("drain", "after")]);
        assert_eq!(figure("job_queue", &knobs, &trace, "collected"), 10, "{engine}");
    }
}

#[test]
fn a_pipe_delivers_in_order_and_a_bounded_queue_holds_its_producers_back() {
    for engine in ["sim", "live"] {
        let (knobs, trace) = run_lesson("pipe", &[("engine", engine)]);
        assert_eq!(figure("pipe", &knobs, &trace, "in_order"), 1, "{engine}");
        assert_eq!(figure("pipe", &knobs, &trace, "received"), 3, "{engine}");
        let (knobs, trace) = run_lesson("pipe", &[("engine", engine), ("close_early", "yes")]);
        assert_eq!(figure("pipe", &knobs, &trace, "eof"), 1, "{engine}");
        let (knobs, trace) = run_lesson("queue", &[("engine", engine), ("maxsize", "1")]);
        assert!(figure("queue", &knobs, &trace, "producer_wait_us") > 5_000, "{engine}: the producers waited for room");
        assert_eq!(figure("queue", &knobs, &trace, "fifo"), 1, "{engine}");
        let (knobs, trace) = run_lesson("queue", &[("engine", engine), ("maxsize", "0")]);
        assert_eq!(figure("queue", &knobs, &trace, "producer_wait_us"), 0, "{engine}: unbounded, nobody waits");
    }
}

#[test]
fn each_child_keeps_its_own_lines_in_order_and_unjoined_daemons_die_with_the_parent() {
    for engine in ["sim", "live"] {
        let (knobs, trace) = run_lesson("process_basics", &[("engine", engine)]);
        assert_eq!(figure("process_basics", &knobs, &trace, "results"), 5, "{engine}");
        assert_eq!(figure("process_basics", &knobs, &trace, "out_of_order"), 0, "{engine}");
        // Unjoined daemons are killed when the main process ends, but a fast child may
        // finish first: CPython 3.11 here printed all five results in 7 of 40 runs, fewer
        // in the rest. So some of five runs must lose results (all five keep them about
        // once in 10 000 if each does with CPython's odds).
        let mut results = Vec::new();
        for seed in 1..=5u64 {
            let seed = seed.to_string();
            let pairs = [("engine", engine), ("daemon", "yes"), ("join", "no"), ("seed", seed.as_str())];
            let (knobs, trace) = run_lesson("process_basics", &pairs);
            results.push(figure("process_basics", &knobs, &trace, "results"));
            if results.last() < Some(&5) {
                break;
            }
        }
        assert!(results.iter().any(|r| *r < 5), "{engine}: every run kept all five results: {results:?}");
    }
}
